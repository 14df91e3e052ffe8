"""Outgoing messages to the person (codes, acknowledgements, extension notices, answers), EN and ID.

Every message is rendered from a Jinja2 template in ``jaga/requests/messages/`` (``NAME.LANG.j2``; the
first line is ``Subject: ...``) and delivered in one of two ways:

* ``JAGA_SMTP_URL`` set (``smtp://user:pass@host:587?starttls=1`` or ``smtps://host:465``): e-mail over
  SMTP. It is read from the environment here, not from ``Settings``, so that the outbox stays optional.
* otherwise: an ``.eml`` file under ``<data_dir>/outbox/`` (owner-only permissions: it holds an address
  and maybe a code), which a mail or SMS gateway, or a person, can pick up. SMS always goes there.

The sender is ``JAGA_MAIL_FROM`` (default ``privacy@localhost``). Nothing here writes to logs: message
bodies and addresses are personal data.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from jaga.errors import ConfigError, JagaError
from jaga.settings import get_settings
from jaga.store.base import utcnow

Language = Literal["en", "id"]
Channel = Literal["email", "sms"]
LANGUAGES: tuple[Language, ...] = ("en", "id")
TEMPLATES = ("code", "received", "waiting", "extended", "completed", "refused", "withdrawn")

RIGHT_LABELS: dict[Language, dict[str, str]] = {
    "en": {
        "information": "information about how your data is used",
        "access": "access to your personal data",
        "rectification": "correction of your personal data",
        "erasure": "erasure of your personal data",
        "restriction": "restriction of processing",
        "portability": "a portable copy of your data",
        "objection": "objection to processing",
        "withdraw_consent": "withdrawal of consent",
        "automated_decision_review": "review of an automated decision",
    },
    "id": {
        "information": "informasi tentang penggunaan data Anda",
        "access": "akses ke data pribadi Anda",
        "rectification": "pembetulan data pribadi Anda",
        "erasure": "penghapusan data pribadi Anda",
        "restriction": "penundaan atau pembatasan pemrosesan",
        "portability": "salinan data Anda dalam format yang dapat dipindahkan",
        "objection": "keberatan atas pemrosesan",
        "withdraw_consent": "penarikan persetujuan",
        "automated_decision_review": "peninjauan keputusan otomatis",
    },
}


@dataclass(frozen=True)
class Message:
    """A rendered message; ``repr`` hides the address and body (they are personal data)."""

    to: str
    channel: Channel
    subject: str
    body: str
    language: Language
    template: str
    request_id: str

    def __repr__(self) -> str:
        return f"Message(template={self.template!r}, language={self.language!r}, request_id={self.request_id!r})"


@dataclass(frozen=True)
class Delivery:
    """Where a message went: ``smtp`` (``location`` is the server) or ``file`` (the ``.eml`` path)."""

    transport: Literal["smtp", "file"]
    location: str


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "messages"),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty gap in a legal notice
        autoescape=False,  # plain-text mail
        keep_trailing_newline=True,
    )


def render(template: str, language: Language, context: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and body of ``template`` in ``language``."""
    if language not in LANGUAGES:
        raise JagaError(f"unknown language {language!r}", hint="use en or id")
    try:
        text = (
            _env()
            .get_template(f"{template}.{language}.j2")
            .render(
                right_label=RIGHT_LABELS[language].get(str(context.get("right", "")), context.get("right", "")),
                **context,
            )
        )
    except TemplateNotFound:
        raise JagaError(f"no message template {template!r}", hint=f"use one of {', '.join(TEMPLATES)}") from None
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise JagaError(f"message template {template}.{language} must start with 'Subject:'")
    return first.removeprefix("Subject:").strip(), body.lstrip("\n")


def compose(
    template: str, language: Language, *, to: str, channel: Channel, request_id: str, context: Mapping[str, Any]
) -> Message:
    """A message ready to send."""
    subject, body = render(template, language, {"request_id": request_id, **context})
    return Message(to, channel, subject, body, language, template, request_id)


def _sender() -> str:
    return os.environ.get("JAGA_MAIL_FROM", "privacy@localhost")


def to_email(message: Message) -> EmailMessage:
    """The message as RFC 5322 mail (SMS messages too: the gateway reads ``X-Jaga-Channel``)."""
    mail = EmailMessage()
    mail["From"] = _sender()
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="jaga.local")
    mail["X-Jaga-Request"] = message.request_id
    mail["X-Jaga-Template"] = message.template
    mail["X-Jaga-Channel"] = message.channel
    mail.set_content(message.body)
    mail["Content-Language"] = message.language  # after set_content, which resets Content-* headers
    return mail


def outbox_dir() -> Path:
    return Path(get_settings().data_dir) / "outbox"


def _write_file(mail: EmailMessage, message: Message) -> Delivery:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message.request_id}-{message.template}-{message.language}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(mail.as_bytes())
    return Delivery("file", str(path))


def _send_smtp(mail: EmailMessage, url: str) -> Delivery:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(
            "JAGA_SMTP_URL is not an smtp:// or smtps:// URL", hint="e.g. smtp://user:pw@host:587?starttls=1"
        )
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0] in ("1", "true", "yes")
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                parts.hostname, parts.port or 465, timeout=30, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=30)
        with client:
            if starttls:
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise ConfigError(
            f"cannot send mail through {parts.hostname}: {type(exc).__name__}",
            where="JAGA_SMTP_URL",
            hint="check the server, port and credentials, or unset JAGA_SMTP_URL to write .eml files",
        ) from None
    return Delivery("smtp", parts.hostname)


def send(message: Message) -> Delivery:
    """Deliver ``message``: SMTP when ``JAGA_SMTP_URL`` is set and it is an e-mail, else an ``.eml`` file."""
    mail = to_email(message)
    url = os.environ.get("JAGA_SMTP_URL")
    if url and message.channel == "email":
        return _send_smtp(mail, url)
    return _write_file(mail, message)
