"""ID-card numbers (居民身份证号码): checking, protecting and masking them."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import lazy_gettext as _l

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalise_id_number(raw: str) -> str:
    return (raw or "").strip().upper()


def id_number_problem(number: str):
    """Why an 18-digit GB 11643 number is invalid, or None."""
    if not _PATTERN.match(number):
        return _l("An ID number has 17 digits and a final digit or X.")
    if check_digit(number[:17]) != number[17]:
        return _l("The ID number's check digit is wrong.")
    if birth_date_of(number) is None:
        return _l("The ID number contains an impossible birth date.")
    return None


def check_digit(body: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def birth_date_of(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def mask_id_number(number: str) -> str:
    """Every digit hidden: the mask only says that a number is on record.

    The pages, the API and the exports show the birth date, the gender and the household place beside it, and
    those already give digits 1–14 (region, birth date) and the parity of digit 17. The only secret left is the
    sequence number (digits 15–17, about 500 choices once the gender is known); any of digits 15–18 in the mask
    would cut that down to a handful (the last four with the others give the whole number back), so the mask
    shows none of them, and showing digits 1–14 would add nothing. The full number is shown only on request,
    and every such request is logged (services.reveal_id_number).
    """
    return "*" * len(number)


def normalise_phone(raw) -> str:
    """A phone number as typed in its stored form, 13912345678: full-width digits made ASCII; spaces, dashes and
    control characters dropped. The one clean-up for adding, importing, searching, signing in and throttling."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace() and ch != "-")[:20]


def _key_material(purpose: bytes) -> bytes:
    secret = current_app.config.get("ID_NUMBER_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), purpose, hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material(b"id-number-encryption")))


def encrypt_id_number(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def id_number_protector():
    """A function number -> (cipher, digest, mask), as encrypt_id_number, digest_id_number and mask_id_number
    give them one at a time, with the keys derived once (`flask bench-data` protects a million)."""
    fernet, digest_key = _fernet(), _key_material(b"id-number-digest")

    def protect(number: str) -> tuple[str, str, str]:
        return (fernet.encrypt(number.encode()).decode(),
                hmac.new(digest_key, number.encode(), hashlib.sha256).hexdigest(), mask_id_number(number))
    return protect


def decrypt_id_number(cipher: str | None) -> str | None:
    if not cipher:
        return None
    try:
        return _fernet().decrypt(cipher.encode()).decode()
    except InvalidToken:
        return None


def digest_id_number(number: str) -> str:
    """A keyed digest: finds duplicates without storing the number in the clear."""
    return hmac.new(_key_material(b"id-number-digest"), number.encode(), hashlib.sha256).hexdigest()
