"""The channels a reminder goes out on: the in-app inbox (rows written by dispatch itself), e-mail over SMTP, and
a signed JSON webhook for SMS or WeChat gateways.

Every outgoing message carries the reminder's key as its idempotency key (e-mail: a Message-ID derived from it
and an `X-Tongxin-Reminder-Key` header; webhook: the `Idempotency-Key` header), so a send retried after a pass was
interrupted between sending and recording is recognised by the receiver instead of arriving twice unnoticed.

A channel raises `Retry` for what may work later (a server down, refusing, timing out, answering 5xx) and
`Failed` for what never will (no address, a 4xx answer, the channel not configured).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr

from flask_babel import gettext as _


class Retry(Exception):
    """The send failed for now; try again later."""


class Failed(Exception):
    """The send can never succeed as it stands; do not retry."""


def message_id(key: str, domain: str = "tongxin.local") -> str:
    """A Message-ID that is the same for every send of one reminder (the key hashed into valid characters)."""
    return f"<reminder.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def signature(secret: str, body: bytes) -> str:
    """The webhook's signature header value: HMAC-SHA256 of the exact body bytes, hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def absolute(config, url: str) -> str:
    """A path in the app made absolute with PUBLIC_URL, when it is set."""
    base = (config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


class EmailChannel:
    """E-mail over one SMTP connection for the whole pass (opened at the first message)."""

    name = "email"

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None
        self.down: str | None = None  # once the server failed in this pass, the others wait for the next one

    def send(self, reminder, person, message) -> None:
        """Send one reminder to `person` (Retry or Failed on error)."""
        if not person.email:
            raise Failed(_("This person has no e-mail address."))
        if not self.config.get("MAIL_SERVER"):
            raise Failed(_("E-mail is not set up on this platform."))
        if self.down:
            raise Retry(self.down)
        mail = EmailMessage()
        sender = self.config.get("MAIL_DEFAULT_SENDER") or "noreply@tongxin.local"
        mail["From"] = formataddr(("同心圆", sender))
        mail["To"] = formataddr((person.name, person.email))
        mail["Subject"] = message.title
        mail["Message-ID"] = message_id(reminder.key, sender.rpartition("@")[2] or "tongxin.local")
        mail["X-Tongxin-Reminder-Key"] = reminder.key
        link = absolute(self.config, message.url)
        mail.set_content(message.body + (f"\n\n{link}\n" if link else "\n"), charset="utf-8")
        try:
            self._connection().send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Failed(_("The mail server refused the address %(address)s.", address=person.email)) from None
            raise Retry(_("The mail server could not take the message now.")) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPConnectError):
                raise Failed(_("The mail server refused the message (%(code)s).", code=error.smtp_code)) from None
            self._give_up(_("The mail server could not take the message now."))
        except (OSError, smtplib.SMTPException):  # refused, timed out, disconnected
            self._give_up(_("The mail server could not be reached."))

    def _connection(self) -> smtplib.SMTP:
        if self.connection is None:
            connection = smtplib.SMTP(self.config["MAIL_SERVER"], int(self.config.get("MAIL_PORT") or 25),
                                      timeout=float(self.config.get("MAIL_TIMEOUT") or 10))
            if self.config.get("MAIL_USE_TLS"):
                connection.starttls()
            if self.config.get("MAIL_USERNAME"):
                connection.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
            self.connection = connection
        return self.connection

    def _give_up(self, reason: str):
        self.down = reason
        self.close()
        raise Retry(reason)

    def close(self) -> None:
        """End the SMTP session, if one was opened."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


class WebhookChannel:
    """A JSON POST per message to WEBHOOK_URL, signed with WEBHOOK_SECRET, with a short timeout."""

    name = "webhook"

    def __init__(self, config):
        self.config = config
        self.down: str | None = None

    def send(self, reminder, person, message) -> None:
        """Post one reminder for `person` to the gateway (Retry or Failed on error)."""
        url = self.config.get("WEBHOOK_URL")
        if not url:
            raise Failed(_("The SMS/WeChat gateway is not set up on this platform."))
        if not url.lower().startswith(("https://", "http://")):  # never file: or another scheme urllib opens
            raise Failed(_("The SMS/WeChat gateway's address must start with https:// or http://."))
        if self.down:
            raise Retry(self.down)
        body = json.dumps({
            "key": reminder.key, "kind": reminder.kind, "subject": reminder.subject,
            "recipient": {"id": person.id, "name": person.name, "phone": person.phone},
            "title": message.title, "body": message.body, "url": absolute(self.config, message.url),
        }, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": reminder.key,
                   "X-Tongxin-Signature": signature(self.config.get("WEBHOOK_SECRET") or "", body)}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(  # nosec B310: the scheme is checked above
                    request, timeout=float(self.config.get("WEBHOOK_TIMEOUT") or 5)) as answer:
                answer.read(1024)
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code not in (408, 409, 425, 429):
                raise Failed(_("The gateway refused the message (HTTP %(code)s).", code=error.code)) from None
            raise Retry(_("The gateway answered HTTP %(code)s.", code=error.code)) from None
        except TimeoutError:
            self._give_up(_("The gateway did not answer in time."))
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError):
                self._give_up(_("The gateway did not answer in time."))
            self._give_up(_("The gateway could not be reached."))

    def _give_up(self, reason: str):
        self.down = reason
        raise Retry(reason)

    def close(self) -> None:
        """Nothing to close: one request per message."""


def external_channels(config) -> dict:
    """A fresh set of external channels for one dispatch pass."""
    return {"email": EmailChannel(config), "webhook": WebhookChannel(config)}
