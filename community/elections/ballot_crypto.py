"""The cryptography of sealed ballots, as pure functions (no database, no Flask).

- Each round gets a Curve25519 keypair. A ballot is sealed to the public key (NaCl `SealedBox`):
  the server that seals it cannot open it again.
- The private key is wrapped (NaCl `SecretBox`) under a random 16-byte *wrapping key*, and that key
  is split k-of-n among the vote supervisors with Shamir's scheme (pycryptodome). Fewer than k shares
  say nothing about the wrapping key.
- A share is written for people as 32 characters of Crockford's base32 in groups of four, carrying
  its number and a 24-bit checksum bound to the election and round: a mistyped character, or a share
  of another election or round, is caught before anything is combined.
- A ballot's plaintext is padded to one length per round, so the size of a sealed ballot does not
  tell how many names were marked.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir  # nosec B413: pycryptodome (maintained), not PyCrypto
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
LOOK_ALIKES = {"O": "0", "I": "1", "L": "1", "U": "V"}
SHARE_CHARS = 32  # 20 bytes: number (1) + share (16) + checksum (3)
ID_WIDTH = 20  # room for any candidate id and its separator in the padded plaintext


class ShareError(ValueError):
    """A share that cannot be read: wrong length, a character that is not in the alphabet, bad checksum."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "length", "character", "checksum"


@dataclass
class DealtKey:
    public_key: bytes  # 32 bytes, kept by the server
    wrapped_private_key: bytes  # the private key under the wrapping key, kept by the server
    shares: list[tuple[int, bytes]]  # (number, 16 bytes): shown once each, never stored in plaintext


def _wrapping_box(wrapping_key: bytes) -> SecretBox:
    return SecretBox(blake2b(wrapping_key, digest_size=32, person=b"tongxin-wrap", encoder=_raw))


class _raw:  # nacl encoder that leaves bytes as they are
    @staticmethod
    def encode(data: bytes) -> bytes:
        return data

    @staticmethod
    def decode(data: bytes) -> bytes:
        return data


def minimum_shares(holders: int) -> int:
    """k: a majority of the holders, and never fewer than two."""
    return max(2, holders // 2 + 1)


def deal(holders: int) -> DealtKey:
    """A new keypair, its private key wrapped, and the wrapping key split among `holders`."""
    if holders < 2:
        raise ValueError("a key is split among at least two holders")
    private = PrivateKey.generate()
    wrapping_key = random_bytes(16)
    wrapped = bytes(_wrapping_box(wrapping_key).encrypt(bytes(private)))
    shares = Shamir.split(minimum_shares(holders), holders, wrapping_key)
    return DealtKey(bytes(private.public_key), wrapped, [(int(n), bytes(s)) for n, s in shares])


def _checksum(context: str, number: int, share: bytes) -> bytes:
    return blake2b(context.encode() + bytes([number]) + share, digest_size=3, person=b"tongxin-share",
                   encoder=_raw)


def share_context(election_id: int, round_no: int) -> str:
    return f"election:{election_id}:round:{round_no}"


def encode_share(context: str, number: int, share: bytes) -> str:
    """A share as eight groups of four characters, e.g. 0A3F-…; survives retyping (see `decode_share`)."""
    data = bytes([number]) + share + _checksum(context, number, share)
    value = int.from_bytes(data, "big")
    chars = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(SHARE_CHARS)))
    return "-".join(chars[i:i + 4] for i in range(0, SHARE_CHARS, 4))


def normalise_share(text: str) -> str:
    """What a person typed, without spaces, dashes or case, and with look-alike letters read as meant."""
    text = "".join(ch for ch in (text or "").upper() if not ch.isspace() and ch not in "-_—")
    return "".join(LOOK_ALIKES.get(ch, ch) for ch in text)


def decode_share(context: str, text: str) -> tuple[int, bytes]:
    """(number, share) from typed text; ShareError when it is not a share of this election and round."""
    chars = normalise_share(text)
    if len(chars) != SHARE_CHARS:
        raise ShareError("length")
    if any(ch not in ALPHABET for ch in chars):
        raise ShareError("character")
    value = 0
    for ch in chars:
        value = (value << 5) | ALPHABET.index(ch)
    data = value.to_bytes(20, "big")
    number, share, checksum = data[0], data[1:17], data[17:]
    if number < 1 or checksum != _checksum(context, number, share):
        raise ShareError("checksum")
    return number, share


def unwrap(wrapped_private_key: bytes, public_key: bytes, shares: list[tuple[int, bytes]]) -> PrivateKey | None:
    """The private key from k shares, or None when the shares do not open it (too few, or wrong)."""
    try:
        wrapping_key = Shamir.combine(shares)
        private = PrivateKey(_wrapping_box(wrapping_key).decrypt(wrapped_private_key))
    except (CryptoError, ValueError):
        return None
    return private if bytes(private.public_key) == public_key else None


def padded_length(seats: int) -> int:
    """One plaintext length for every ballot of a round with this many seats."""
    return 64 + ID_WIDTH * seats


def seal_ballot(public_key: bytes, seats: int, receipt: str, candidate_ids: list[int]) -> bytes:
    """The ballot (its receipt and sorted marks) padded to the round's length and sealed."""
    text = json.dumps({"r": receipt, "c": sorted(candidate_ids)}, separators=(",", ":")).encode()
    size = padded_length(seats)
    if len(text) > size:
        raise ValueError("ballot too long for its round")
    return bytes(SealedBox(PublicKey(public_key)).encrypt(text + b" " * (size - len(text))))


def open_ballot(private: PrivateKey, sealed: bytes) -> tuple[str | None, list[int] | None]:
    """(receipt, marks) of a sealed ballot; (None, None) when it was not sealed to this key or is malformed."""
    try:
        data = json.loads(SealedBox(private).decrypt(sealed).decode().strip())
        receipt, marks = data["r"], data["c"]
    except (CryptoError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None, None
    if not isinstance(receipt, str) or not isinstance(marks, list) or not all(
            isinstance(m, int) and not isinstance(m, bool) for m in marks):
        return None, None
    return receipt, marks


def hold_share(secret: bytes, context: str, share: bytes) -> bytes:
    """A dealt share kept until its holder looks at it, under a key derived from the application's secret
    (which is not in the database): a database reader alone cannot read it."""
    key = blake2b(context.encode(), key=blake2b(secret, digest_size=32, encoder=_raw), digest_size=32,
                  person=b"tongxin-hold", encoder=_raw)
    return bytes(SecretBox(key).encrypt(share))


def release_share(secret: bytes, context: str, held: bytes) -> bytes:
    key = blake2b(context.encode(), key=blake2b(secret, digest_size=32, encoder=_raw), digest_size=32,
                  person=b"tongxin-hold", encoder=_raw)
    return SecretBox(key).decrypt(held)


def fingerprint(public_key: bytes) -> str:
    """A short fingerprint of a public key, for people to compare."""
    digest = blake2b(public_key, digest_size=5, encoder=_raw)
    value = int.from_bytes(digest, "big")
    chars = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(8)))
    return f"{chars[:4]}-{chars[4:]}"
