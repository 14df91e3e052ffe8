"""What every web page of jaga shares: the privacy centre (``/``) and the admin console (``/console``).

Offers, so that neither the centre nor the console re-invents a safety measure:

- :class:`WebState` / :func:`web_state` — the engine's sessions, the tenant, the policy and the helpers
  below, set on ``app.state.web`` by :func:`jaga.web.app.create_web_app`.
- :func:`render` — a Jinja2 page from ``jaga/web/templates`` (plus :func:`add_template_dir`) with ``t``
  (the bound catalogue), ``lang``, ``csrf_field(form)``, ``lang_url(code)`` and ``state`` in its context.
- :data:`CATALOGUE`, :func:`t`, :func:`add_strings` — the one EN/ID string catalogue.
- The language switch: ``?lang=id`` sets a cookie; an unknown code is a 400 page (:class:`WebMiddleware`).
- CSRF: a signed double-submit token per form (:func:`csrf_token`, :func:`check_csrf`), cookie ``jaga_csrf``.
- Rate limits: :class:`RateLimiter`, an in-memory sliding window per client IP and form (429 page).
- :func:`read_form` — one call per POST: rate limit, body size, CSRF, field sizes (the order matters).
- :class:`Links` — signed, expiring tokens for links and cookies (``URLSafeTimedSerializer`` keyed from the
  tenant secret), so a link works only for what and as long as it was issued for.
- :class:`WebError` and :func:`install_error_handlers` — friendly EN/ID error pages (400/403/404/405/410/413/
  429), and a plain 500 page without a traceback for what is our fault.

Nothing here knows a domain rule; pages call the domain modules (DESIGN.md: web is a thin shell).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from jaga.errors import JagaError, NotFoundError, PermissionDenied
from jaga.settings import DEMO_PUBLIC_URL, Network, Settings, allowed_hosts, checked_public_url, proxy_networks

log = logging.getLogger("jaga.web")

Lang = Literal["en", "id"]
LANGS: tuple[Lang, ...] = ("en", "id")
LANG_NAMES: dict[Lang, str] = {"en": "English", "id": "Bahasa Indonesia"}
LANG_COOKIE = "jaga_lang"
CSRF_COOKIE = "jaga_csrf"
CSRF_FIELD = "csrf_token"

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# ---------------------------------------------------------------- the EN/ID catalogue

CATALOGUE: dict[str, dict[Lang, str]] = {
    # layout
    "site.skip": {"en": "Skip to content", "id": "Langsung ke isi"},
    "site.centre": {"en": "Privacy centre", "id": "Pusat privasi"},
    "site.language": {"en": "Language", "id": "Bahasa"},
    "site.footer": {
        "en": "Your rights under UU PDP (Law 27/2022) and the GDPR. Powered by jaga.",
        "id": "Hak Anda menurut UU PDP (UU 27/2022) dan GDPR. Didukung oleh jaga.",
    },
    "nav.notice": {"en": "Privacy notice", "id": "Pemberitahuan privasi"},
    "nav.request": {"en": "Make a request", "id": "Ajukan permintaan"},
    "nav.status": {"en": "Request status", "id": "Status permintaan"},
    "nav.consent": {"en": "Manage consent", "id": "Kelola persetujuan"},
    "nav.console": {"en": "Staff console", "id": "Konsol staf"},
    "form.submit": {"en": "Send", "id": "Kirim"},
    "form.required": {"en": "required", "id": "wajib"},
    # errors
    "error.title": {"en": "Something is not right", "id": "Ada yang tidak beres"},
    "error.back": {"en": "Back to the privacy centre", "id": "Kembali ke pusat privasi"},
    "error.400": {"en": "The request could not be understood.", "id": "Permintaan tidak dapat dipahami."},
    "error.403": {"en": "This action is not allowed.", "id": "Tindakan ini tidak diizinkan."},
    "error.404": {"en": "This page does not exist.", "id": "Halaman ini tidak ada."},
    "error.405": {"en": "This page cannot be used this way.", "id": "Halaman ini tidak dapat digunakan begini."},
    "error.410": {"en": "This link has expired.", "id": "Tautan ini sudah kedaluwarsa."},
    "error.413": {"en": "What you sent is too large.", "id": "Data yang Anda kirim terlalu besar."},
    "error.429": {
        "en": "Too many attempts. Please wait a minute and try again.",
        "id": "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
    },
    "error.500": {
        "en": "Something went wrong on our side. Nothing you did caused it; please try again later.",
        "id": "Terjadi kesalahan di pihak kami, bukan karena Anda. Silakan coba lagi nanti.",
    },
    "error.unknown_language": {
        "en": "Unknown language code “{code}”. Use en (English) or id (Bahasa Indonesia).",
        "id": "Kode bahasa “{code}” tidak dikenal. Gunakan en (English) atau id (Bahasa Indonesia).",
    },
    "error.csrf": {
        "en": "This form has expired or did not come from this site. Please reload the page and send it again.",
        "id": "Formulir ini kedaluwarsa atau tidak berasal dari situs ini. Muat ulang halaman lalu kirim lagi.",
    },
    "error.field_too_long": {
        "en": "The field “{field}” is longer than {limit} characters.",
        "id": "Isian “{field}” lebih dari {limit} karakter.",
    },
    "error.field_missing": {"en": "Please fill in “{field}”.", "id": "Mohon isi “{field}”."},
    "error.too_many_fields": {"en": "The form has too many fields.", "id": "Formulir memiliki terlalu banyak isian."},
    "error.no_files": {"en": "Files cannot be uploaded here.", "id": "Berkas tidak dapat diunggah di sini."},
    "error.link_invalid": {
        "en": "This link is not valid. Please use the link exactly as you received it.",
        "id": "Tautan ini tidak sah. Gunakan tautan persis seperti yang Anda terima.",
    },
    "error.link_expired": {
        "en": "This link has expired. Please ask for a new one.",
        "id": "Tautan ini sudah kedaluwarsa. Silakan minta tautan baru.",
    },
    # ---- privacy centre
    "home.title": {"en": "Your privacy, your rights", "id": "Privasi Anda, hak Anda"},
    "home.lead": {
        "en": "Here you can read how {controller} uses personal data and use your rights. "
        "We answer within the legal deadline after confirming it is really you.",
        "id": "Di sini Anda dapat membaca bagaimana {controller} menggunakan data pribadi dan menggunakan hak Anda. "
        "Kami menjawab dalam batas waktu yang ditetapkan undang-undang setelah memastikan bahwa itu benar Anda.",
    },
    "home.rights": {"en": "Your rights", "id": "Hak-hak Anda"},
    "home.read_notice": {"en": "Read the privacy notice", "id": "Baca pemberitahuan privasi"},
    "home.manage_consent": {"en": "Give or withdraw consent", "id": "Berikan atau tarik persetujuan"},
    "right.information.title": {"en": "Be informed", "id": "Mendapat informasi"},
    "right.information.desc": {
        "en": "Learn what we process about you, why, and who receives it.",
        "id": "Ketahui data apa yang kami proses tentang Anda, untuk apa, dan siapa penerimanya.",
    },
    "right.access.title": {"en": "Access your data", "id": "Mengakses data Anda"},
    "right.access.desc": {
        "en": "Get a copy of the personal data we hold about you.",
        "id": "Dapatkan salinan data pribadi Anda yang kami simpan.",
    },
    "right.rectification.title": {"en": "Correct your data", "id": "Memperbaiki data Anda"},
    "right.rectification.desc": {
        "en": "Have inaccurate or incomplete data corrected.",
        "id": "Minta data yang tidak akurat atau tidak lengkap diperbaiki.",
    },
    "right.erasure.title": {"en": "Delete your data", "id": "Menghapus data Anda"},
    "right.erasure.desc": {
        "en": "Have your data deleted or anonymised, unless the law requires us to keep it.",
        "id": "Minta data Anda dihapus atau dianonimkan, kecuali undang-undang mewajibkan kami menyimpannya.",
    },
    "right.restriction.title": {"en": "Restrict processing", "id": "Membatasi pemrosesan"},
    "right.restriction.desc": {
        "en": "Have the use of your data paused or limited.",
        "id": "Minta penggunaan data Anda ditunda atau dibatasi.",
    },
    "right.portability.title": {"en": "Take your data with you", "id": "Membawa data Anda"},
    "right.portability.desc": {
        "en": "Receive your data in a common machine-readable format.",
        "id": "Terima data Anda dalam format umum yang dapat dibaca mesin.",
    },
    "right.objection.title": {"en": "Object", "id": "Mengajukan keberatan"},
    "right.objection.desc": {
        "en": "Object to processing, and always to direct marketing.",
        "id": "Ajukan keberatan atas pemrosesan, dan selalu atas pemasaran langsung.",
    },
    "right.withdraw_consent.title": {"en": "Withdraw consent", "id": "Menarik persetujuan"},
    "right.withdraw_consent.desc": {
        "en": "Withdraw every consent you gave us.",
        "id": "Tarik semua persetujuan yang pernah Anda berikan kepada kami.",
    },
    "notice.title": {"en": "Privacy notice", "id": "Pemberitahuan privasi"},
    "request.title": {"en": "Make a request", "id": "Ajukan permintaan"},
    "request.lead": {
        "en": "Tell us what you would like and how to reach you. We send a one-time code to confirm it is you; "
        "nothing about you is shown or changed before that.",
        "id": "Beri tahu kami apa yang Anda inginkan dan cara menghubungi Anda. Kami mengirim kode sekali pakai "
        "untuk memastikan itu Anda; tidak ada data Anda yang ditampilkan atau diubah sebelum itu.",
    },
    "request.right": {"en": "What would you like?", "id": "Apa yang Anda inginkan?"},
    "request.identity_kind": {"en": "How can we reach you?", "id": "Bagaimana kami dapat menghubungi Anda?"},
    "request.kind.email": {"en": "Email", "id": "Email"},
    "request.kind.phone": {"en": "Mobile phone (SMS)", "id": "Nomor ponsel (SMS)"},
    "request.identity": {"en": "Your email address or phone number", "id": "Alamat email atau nomor ponsel Anda"},
    "request.identity_hint": {
        "en": "Use the one we know you by, e.g. name@example.com or +62 812 3456 7890.",
        "id": "Gunakan yang kami kenal, misalnya nama@contoh.com atau +62 812 3456 7890.",
    },
    "request.language": {"en": "Language of our replies", "id": "Bahasa balasan kami"},
    "request.regime": {"en": "Law", "id": "Undang-undang"},
    "request.changes": {
        "en": "Corrections (only for “Correct your data”)",
        "id": "Perbaikan (hanya untuk “Memperbaiki data Anda”)",
    },
    "request.changes_hint": {
        "en": "One per line: field = new value, e.g. phone = +6281234567890",
        "id": "Satu per baris: isian = nilai baru, misalnya phone = +6281234567890",
    },
    "request.send": {"en": "Send request", "id": "Kirim permintaan"},
    "request.error.right": {
        "en": "Please choose one of the listed rights.",
        "id": "Silakan pilih salah satu hak yang tercantum.",
    },
    "request.error.kind": {"en": "Please choose email or phone.", "id": "Silakan pilih email atau ponsel."},
    "request.error.identity": {
        "en": "This does not look like a valid {kind}. Please check it.",
        "id": "Ini tampaknya bukan {kind} yang sah. Mohon periksa kembali.",
    },
    "request.error.changes": {
        "en": "Corrections must be written as “field = new value”, one per line.",
        "id": "Perbaikan harus ditulis sebagai “isian = nilai baru”, satu per baris.",
    },
    "request.error.language": {
        "en": "Please choose English or Bahasa Indonesia.",
        "id": "Pilih English atau Bahasa Indonesia.",
    },
    "request.error.regime": {
        "en": "Please choose one of the listed laws.",
        "id": "Pilih salah satu undang-undang yang tercantum.",
    },
    "verify.title": {"en": "Confirm it is you", "id": "Pastikan itu Anda"},
    "verify.lead": {
        "en": "We sent a 6-digit code to the address you gave for request {request}. Enter it here. "
        "The code works once and expires after 15 minutes.",
        "id": "Kami telah mengirim kode 6 angka ke alamat yang Anda berikan untuk permintaan {request}. "
        "Masukkan kode di sini. Kode hanya berlaku sekali dan kedaluwarsa setelah 15 menit.",
    },
    "verify.code": {"en": "Code", "id": "Kode"},
    "verify.send": {"en": "Confirm", "id": "Konfirmasi"},
    "verify.resend": {"en": "Send me a new code", "id": "Kirim kode baru"},
    "verify.resent": {"en": "A new code is on its way.", "id": "Kode baru sedang dikirim."},
    "verify.failed.wrong": {
        "en": "That code is not right. {left} attempt(s) left.",
        "id": "Kode itu salah. Sisa {left} percobaan.",
    },
    "verify.failed.expired": {
        "en": "That code has expired. Ask for a new one below.",
        "id": "Kode itu sudah kedaluwarsa. Minta kode baru di bawah.",
    },
    "verify.failed.too_many_attempts": {
        "en": "Too many wrong codes. Ask for a new one below.",
        "id": "Terlalu banyak kode salah. Minta kode baru di bawah.",
    },
    "verify.failed.paused": {
        "en": "Too many wrong codes for this address. Verification is paused for a while; try again later.",
        "id": "Terlalu banyak kode salah untuk alamat ini. Verifikasi dijeda sementara; coba lagi nanti.",
    },
    "verify.failed.already_used": {
        "en": "That code was already used. Ask for a new one below.",
        "id": "Kode itu sudah dipakai. Minta kode baru di bawah.",
    },
    "verify.failed.no_code": {
        "en": "No code is waiting for this request. Ask for a new one below.",
        "id": "Tidak ada kode yang menunggu untuk permintaan ini. Minta kode baru di bawah.",
    },
    "verify.too_many_codes": {
        "en": "Too many codes were sent for this request. Please try again later.",
        "id": "Terlalu banyak kode dikirim untuk permintaan ini. Silakan coba lagi nanti.",
    },
    "status.title": {"en": "Request {request}", "id": "Permintaan {request}"},
    "status.lookup": {"en": "Look up a request", "id": "Cari permintaan"},
    "status.lookup_lead": {
        "en": "Enter the request number from our message. You will be asked to confirm it is you.",
        "id": "Masukkan nomor permintaan dari pesan kami. Anda akan diminta memastikan bahwa itu Anda.",
    },
    "status.request_id": {"en": "Request number", "id": "Nomor permintaan"},
    "status.open": {"en": "Open", "id": "Buka"},
    "status.yours": {"en": "Your requests", "id": "Permintaan Anda"},
    "status.none": {"en": "You have no requests yet.", "id": "Anda belum memiliki permintaan."},
    "status.locked": {
        "en": "Only the person who made this request can see it, after confirming it is them with the code we "
        "sent. Open it in the browser where you confirmed, or make a new request.",
        "id": "Hanya orang yang mengajukan permintaan ini yang dapat melihatnya, setelah memastikan dengan kode "
        "yang kami kirim. Buka di peramban tempat Anda mengonfirmasi, atau ajukan permintaan baru.",
    },
    "status.right": {"en": "Right", "id": "Hak"},
    "status.status": {"en": "Status", "id": "Status"},
    "status.received": {"en": "Received", "id": "Diterima"},
    "status.due": {"en": "We answer by", "id": "Kami menjawab paling lambat"},
    "status.paused": {
        "en": "The deadline is paused while we wait for you.",
        "id": "Batas waktu ditunda selama kami menunggu Anda.",
    },
    "status.extended": {"en": "The deadline was extended.", "id": "Batas waktu diperpanjang."},
    "status.history": {"en": "History", "id": "Riwayat"},
    "status.outcome": {"en": "Our answer", "id": "Jawaban kami"},
    "status.download": {"en": "Download your data (zip)", "id": "Unduh data Anda (zip)"},
    "status.download_hint": {
        "en": "This link is personal and expires in {days} day(s).",
        "id": "Tautan ini bersifat pribadi dan kedaluwarsa dalam {days} hari.",
    },
    "status.staff_review": {
        "en": "Our staff will review and carry out this request; you will be told when it is done.",
        "id": "Staf kami akan meninjau dan melaksanakan permintaan ini; Anda akan diberi tahu jika sudah selesai.",
    },
    "status.manual": {
        "en": "We could not finish this automatically; our staff will complete it within the deadline.",
        "id": "Kami tidak dapat menyelesaikannya secara otomatis; staf kami akan menyelesaikannya sebelum batas waktu.",
    },
    "status.verified": {
        "en": "Thank you, it is confirmed that it is you.",
        "id": "Terima kasih, identitas Anda telah dikonfirmasi.",
    },
    "state.received": {"en": "Received, waiting for confirmation", "id": "Diterima, menunggu konfirmasi"},
    "state.identity_verified": {"en": "Identity confirmed", "id": "Identitas dikonfirmasi"},
    "state.in_progress": {"en": "In progress", "id": "Sedang diproses"},
    "state.waiting_on_person": {"en": "Waiting for you", "id": "Menunggu Anda"},
    "state.extended": {"en": "Extended", "id": "Diperpanjang"},
    "state.completed": {"en": "Completed", "id": "Selesai"},
    "state.refused": {"en": "Refused", "id": "Ditolak"},
    "state.withdrawn": {"en": "Withdrawn", "id": "Dibatalkan"},
    "consent.title": {"en": "Manage your consent", "id": "Kelola persetujuan Anda"},
    "consent.lead": {
        "en": "Where we rely on your consent you may give it or withdraw it at any time; withdrawing is as easy as "
        "giving and does not affect what was done before.",
        "id": "Jika kami mengandalkan persetujuan Anda, Anda dapat memberikan atau menariknya kapan saja; menarik "
        "persetujuan semudah memberikannya dan tidak memengaruhi pemrosesan sebelumnya.",
    },
    "consent.identify": {
        "en": "First confirm it is you: we send a personal link to your email or phone.",
        "id": "Pertama pastikan itu Anda: kami mengirim tautan pribadi ke email atau ponsel Anda.",
    },
    "consent.send_link": {"en": "Send me the link", "id": "Kirimkan tautannya"},
    "consent.link_sent": {
        "en": "If the address is right, a personal link is on its way. It works for one hour.",
        "id": "Jika alamatnya benar, tautan pribadi sedang dikirim. Tautan berlaku selama satu jam.",
    },
    "consent.purpose": {"en": "Purpose", "id": "Tujuan"},
    "consent.state": {"en": "Your choice", "id": "Pilihan Anda"},
    "consent.given": {"en": "Consent given", "id": "Persetujuan diberikan"},
    "consent.withdrawn": {"en": "Consent withdrawn", "id": "Persetujuan ditarik"},
    "consent.none": {"en": "No consent given", "id": "Belum ada persetujuan"},
    "consent.give": {"en": "Give consent", "id": "Berikan persetujuan"},
    "consent.withdraw": {"en": "Withdraw consent", "id": "Tarik persetujuan"},
    "consent.saved.given": {"en": "Your consent is recorded.", "id": "Persetujuan Anda telah dicatat."},
    "consent.saved.withdrawn": {"en": "Your consent is withdrawn.", "id": "Persetujuan Anda telah ditarik."},
    "consent.no_purposes": {
        "en": "We do not rely on consent for anything at the moment.",
        "id": "Saat ini kami tidak mengandalkan persetujuan untuk apa pun.",
    },
    "consent.marketing": {"en": "Direct marketing", "id": "Pemasaran langsung"},
    "consent.unsubscribe": {"en": "Unsubscribe from “{purpose}”", "id": "Berhenti berlangganan “{purpose}”"},
    "consent.forget": {"en": "Sign out of this page", "id": "Keluar dari halaman ini"},
    "consent.error.purpose": {
        "en": "That purpose does not rely on consent, so it cannot be changed here.",
        "id": "Tujuan itu tidak berdasarkan persetujuan, sehingga tidak dapat diubah di sini.",
    },
    "consent.error.action": {"en": "Choose give or withdraw.", "id": "Pilih berikan atau tarik."},
    "consent.error.login": {
        "en": "Please confirm it is you first (we send you a link).",
        "id": "Mohon pastikan itu Anda terlebih dahulu (kami mengirimkan tautan).",
    },
    "consent.mail.subject": {"en": "Your link to manage consent", "id": "Tautan Anda untuk mengelola persetujuan"},
    "consent.mail.body": {
        "en": "Hello,\n\nsomeone (hopefully you) asked to manage consent at {controller}. Open this link within one "
        "hour:\n\n{link}\n\nIf it was not you, ignore this message; nothing changes.\n",
        "id": "Halo,\n\nseseorang (semoga Anda) meminta untuk mengelola persetujuan di {controller}. Buka tautan ini "
        "dalam satu jam:\n\n{link}\n\nJika itu bukan Anda, abaikan pesan ini; tidak ada yang berubah.\n",
    },
    "unsubscribe.title": {"en": "Unsubscribe", "id": "Berhenti berlangganan"},
    "unsubscribe.lead": {
        "en": "Press the button to stop receiving direct marketing for this purpose.",
        "id": "Tekan tombol untuk berhenti menerima pemasaran langsung untuk tujuan ini.",
    },
    "unsubscribe.confirm": {"en": "Unsubscribe", "id": "Berhenti berlangganan"},
    "unsubscribe.done": {
        "en": "You are unsubscribed. We will not send you direct marketing for this purpose.",
        "id": "Anda telah berhenti berlangganan. Kami tidak akan mengirim pemasaran langsung untuk tujuan ini.",
    },
}


def add_strings(strings: Mapping[str, Mapping[str, str]]) -> None:
    """Add catalogue entries (each with ``en`` and ``id``) so every page reads from the one catalogue.

    A module registers its strings at import; an entry missing a language is refused at once, so a page
    can never silently fall back to the other language.
    """
    for key, texts in strings.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"catalogue entry {key!r} lacks {', '.join(missing)}")
        CATALOGUE[key] = {lang: texts[lang] for lang in LANGS}


def t(key: str, lang: Lang, **values: Any) -> str:
    """The text for ``key`` in ``lang`` with ``{name}`` placeholders filled; an unknown key shows itself."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[lang]
    return text.format(**values) if values else text


def parse_lang(code: str | None) -> Lang | None:
    """``code`` as a supported language, or ``None``; accepts ``ID``, ``id-ID``, ``en_GB``."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    for lang in LANGS:
        if base == lang:
            return lang
    return None


# ---------------------------------------------------------------- errors


class WebError(Exception):
    """A problem the visitor can see and fix, shown as a friendly page with ``status``.

    ``key`` is a catalogue key (``error.csrf``); ``values`` fill its placeholders and must never carry
    personal data, because messages may be logged.
    """

    def __init__(self, status: int, key: str | None = None, **values: Any) -> None:
        super().__init__(key or f"error.{status}")
        self.status = status
        self.key = key or f"error.{status}"
        self.values = values


# ---------------------------------------------------------------- configuration and state


@dataclass(frozen=True)
class WebConfig:
    """Limits and lifetimes of the web pages; the defaults suit a small public site.

    ``rate_limits`` maps a form name to ``(requests, seconds)``; forms not listed use ``default_rate``.
    """

    max_body_bytes: int = 64 * 1024
    max_field_chars: int = 2000
    max_fields: int = 50
    default_rate: tuple[int, float] = (10, 60.0)
    rate_limits: Mapping[str, tuple[int, float]] = field(default_factory=lambda: {"lookup": (60, 60.0)})
    """``lookup`` counts pages opened by an identifier or token (request ids, links), against guessing."""
    staff_rate: tuple[int, float] = (120, 60.0)
    """Signed-in staff forms (``console-*`` but the login): a DPO approving a queue is not a flood."""
    csrf_max_age: int = 4 * 3600
    link_max_age: int = 7 * 24 * 3600
    default_lang: Lang = "en"
    public_url: str = DEMO_PUBLIC_URL
    """The base of every absolute link the pages send (never the request's ``Host``)."""
    trusted_hosts: tuple[str, ...] = ()
    """``Host`` names accepted besides the public URL's; requests naming any other host are refused."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of reverse proxies whose ``X-Forwarded-For`` names the client."""
    secure_cookies: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, **changes: Any) -> WebConfig:
        """The configuration a deployment set with ``JAGA_*`` variables (public URL, hosts, proxies,
        secure cookies: on when the public URL is https), with ``changes`` on top."""
        values: dict[str, Any] = {
            "public_url": settings.public_base(),
            "trusted_hosts": tuple(settings.trusted_hosts),
            "trusted_proxies": tuple(settings.trusted_proxies),
            "secure_cookies": settings.cookies_secure(),
        }
        return cls(**{**values, **changes})

    def allowed_hosts(self) -> list[str]:
        """Every ``Host`` name a request may carry."""
        return allowed_hosts(self.public_url, self.trusted_hosts)

    @cached_property
    def proxy_networks(self) -> tuple[Network, ...]:
        """:attr:`trusted_proxies` parsed (once); :class:`ConfigError` for an entry that is not an address."""
        return proxy_networks(self.trusted_proxies)

    def link(self, path: str) -> str:
        """The absolute URL of ``path`` (``/consent/open/...``) under the configured public URL."""
        return checked_public_url(self.public_url) + path


class RateLimiter:
    """An in-memory sliding window per (client, form): enough for one process, forgotten on restart.

    Thread-safe because uvicorn may run sync endpoints in a thread pool.
    """

    def __init__(self, config: WebConfig) -> None:
        self._config = config
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def limit_for(self, form: str) -> tuple[int, float]:
        """``(requests, seconds)`` allowed for ``form``."""
        if form in self._config.rate_limits:
            return self._config.rate_limits[form]
        if form.startswith("console-") and form != "console-login":
            return self._config.staff_rate
        return self._config.default_rate

    def hit(self, client: str, form: str, *, now: float | None = None) -> bool:
        """Record one attempt; ``False`` when the client is over the limit (the attempt is not counted)."""
        limit, window = self.limit_for(form)
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault((client, form), deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # bound memory against many clients
                self._prune(now)
            return True

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.limit_for(k[1])[1]]:
            del self._hits[key]

    def reset(self) -> None:
        """Forget every client (tests, or after a configuration change)."""
        with self._lock:
            self._hits.clear()


class Links:
    """Signed, expiring tokens: for links in messages (export download, unsubscribe) and signed cookies.

    Each ``purpose`` is its own salt, so a token for one thing never works for another; the key is the
    tenant's own secret, so a token of one tenant never works for another.
    """

    def __init__(self, secret: bytes, default_max_age: int) -> None:
        self._secret = secret
        self._default_max_age = default_max_age

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"jaga.web/{purpose}")

    def sign(self, purpose: str, payload: Any) -> str:
        """A URL-safe token holding ``payload`` (JSON-able; visible to its holder, so no secrets in it)."""
        return str(self._serializer(purpose).dumps(payload))

    def load(self, purpose: str, token: str, *, max_age: int | None = None) -> Any:
        """The payload of a valid token; :class:`WebError` 410 if expired, 400 if tampered or foreign."""
        try:
            return self._serializer(purpose).loads(token, max_age=max_age or self._default_max_age)
        except SignatureExpired:
            raise WebError(410, "error.link_expired") from None
        except BadSignature:
            raise WebError(400, "error.link_invalid") from None

    def peek(self, purpose: str, token: str | None, *, max_age: int | None = None) -> Any:
        """Like :meth:`load` but ``None`` for a missing, expired or bad token (for optional cookies)."""
        if not token:
            return None
        try:
            return self.load(purpose, token, max_age=max_age)
        except WebError:
            return None


@dataclass
class WebState:
    """What pages need from the running app: set once by ``create_web_app`` on ``app.state.web``."""

    sessions: sessionmaker[Session]
    tenant_id: int
    tenant_slug: str
    config: WebConfig
    limiter: RateLimiter
    links: Links
    data_dir: Path
    policy: Any = None
    """The tenant's :class:`jaga.policy.Policy` (``Any`` here to keep this module free of domain imports)."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Per-part extras, e.g. the centre's hooks factory or the console's settings."""


def web_state(request: Request) -> WebState:
    """The app's :class:`WebState` (usable as a FastAPI dependency)."""
    return cast(WebState, request.app.state.web)


def client_ip(request: Request) -> str:
    """The client address used for rate limits.

    ``X-Forwarded-For`` counts only when the peer is a configured trusted proxy: then the chain is read
    from the right, skipping trusted proxies, and the first other address is the client. Anyone else can
    write any address in that header, which would let one client pose as many (or as its victim).
    """
    peer = request.client.host if request.client else "unknown"
    networks = web_state(request).config.proxy_networks
    if not networks:
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    chain = [peer, *reversed([hop.strip() for hop in forwarded.split(",") if hop.strip()])]
    for address in chain[:-1]:
        if not _is_proxy(address, networks):
            return address
    return chain[-1][:64]


def _is_proxy(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def current_lang(request: Request) -> Lang:
    """The visitor's language, as decided by :class:`WebMiddleware`."""
    return cast(Lang, getattr(request.state, "lang", "en"))


# ---------------------------------------------------------------- CSRF


def _csrf_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(web_state(request).links._secret, salt="jaga.web/csrf")


def csrf_token(request: Request, form: str) -> str:
    """A token for ``form`` bound to this browser's ``jaga_csrf`` cookie (double submit, signed)."""
    cookie = cast(str, request.state.csrf_cookie)
    return str(_csrf_serializer(request).dumps({"c": cookie, "f": form}))


def csrf_field(request: Request, form: str) -> Markup:
    """The hidden ``<input>`` carrying :func:`csrf_token` for ``form``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token(request, form))


def check_csrf(request: Request, token: str | None, form: str) -> None:
    """Refuse (403) a token that is missing, old, for another form or another browser."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not token or not cookie:
        raise WebError(403, "error.csrf")
    try:
        data = _csrf_serializer(request).loads(token, max_age=web_state(request).config.csrf_max_age)
    except BadSignature:  # includes SignatureExpired
        raise WebError(403, "error.csrf") from None
    if not isinstance(data, dict) or data.get("f") != form:
        raise WebError(403, "error.csrf")
    if not hmac.compare_digest(str(data.get("c", "")), cookie):
        raise WebError(403, "error.csrf")


# ---------------------------------------------------------------- forms


def check_rate(request: Request, form: str) -> None:
    """Count one attempt at ``form`` from this client; 429 when over the limit."""
    if not web_state(request).limiter.hit(client_ip(request), form):
        raise WebError(429)


async def read_form(
    request: Request,
    form: str,
    *,
    required: tuple[str, ...] = (),
    limits: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """The fields of a POSTed form after every guard, in this order: rate limit (so a flood is refused
    before any work), body size (413), CSRF (403), field sizes and required fields (413 / 400).

    ``limits`` overrides the per-field maximum (characters) for named fields. The CSRF field is removed.
    """
    check_rate(request, form)
    state = web_state(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > state.config.max_body_bytes:
        raise WebError(413)
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > state.config.max_body_bytes:
            raise WebError(413)
        chunks.append(chunk)
    request._body = b"".join(chunks)  # let request.form() parse what we already read
    try:
        parsed = await request.form(max_files=0, max_fields=state.config.max_fields)
    except (MultiPartException, StarletteHTTPException) as exc:  # Starlette's message names the limit hit
        detail = str(getattr(exc, "detail", None) or getattr(exc, "message", "") or exc)
        key = "error.no_files" if "files" in detail.lower() else "error.too_many_fields"
        raise WebError(400, key) from None
    values: dict[str, str] = {}
    for name, value in parsed.multi_items():
        if isinstance(value, UploadFile):
            raise WebError(400, "error.no_files")
        values[name] = value
    check_csrf(request, values.pop(CSRF_FIELD, None), form)
    limits = limits or {}
    for name, value in values.items():
        limit = limits.get(name, state.config.max_field_chars)
        if len(value) > limit:
            raise WebError(413, "error.field_too_long", field=name[:40], limit=limit)
    for name in required:
        if not values.get(name, "").strip():
            raise WebError(400, "error.field_missing", field=name)
    return values


# ---------------------------------------------------------------- templates


_loaders: list[BaseLoader] = [FileSystemLoader(str(TEMPLATES_DIR))]
_loader = ChoiceLoader(_loaders)
env = Environment(loader=_loader, autoescape=select_autoescape(["html", "j2", "xml"]), trim_blocks=True)
templates = Jinja2Templates(env=env)


def add_template_dir(path: Path) -> None:
    """Let another part (the console) keep its templates in its own folder; searched before the base."""
    loader = FileSystemLoader(str(path))
    if not any(isinstance(x, FileSystemLoader) and x.searchpath == loader.searchpath for x in _loaders):
        _loaders.insert(0, loader)


def lang_url(request: Request, code: str) -> str:
    """This page's URL in language ``code`` (other query parameters kept)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", code))
    return f"{request.url.path}?{urlencode(query)}"


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name`` with the shared context (``t``, ``lang``, ``csrf_field``, ``lang_url``...)."""
    lang = current_lang(request)
    state = getattr(request.app.state, "web", None)
    policy = state.policy if state is not None else None
    party = getattr(policy, "controller", None)
    controller = (getattr(party, "trade_name", None) or getattr(party, "legal_name", None)) if party else None
    full: dict[str, Any] = {
        "lang": lang,
        "langs": LANGS,
        "lang_names": LANG_NAMES,
        "t": lambda key, **values: t(key, lang, **values),
        "csrf_field": lambda form: csrf_field(request, form),
        "lang_url": lambda code: lang_url(request, code),
        "state": state,
        "controller": controller,
    }
    full.update(context or {})
    return templates.TemplateResponse(request, name, full, status_code=status_code, headers=dict(headers or {}))


def error_page(request: Request, status: int, key: str | None = None, **values: Any) -> HTMLResponse:
    """The friendly page for ``status`` (message from the catalogue, in the visitor's language)."""
    lang = current_lang(request)
    message = t(key or f"error.{status}", lang, **values)
    try:
        return render(request, "error.html", {"status": status, "message": message}, status_code=status)
    except Exception:  # the error page must not fail: fall back to plain HTML
        log.exception("error page could not be rendered")
        return HTMLResponse(f"<!doctype html><title>{status}</title><p>{status}</p>", status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Friendly pages for every error a visitor can cause, and a plain 500 without traceback otherwise."""

    async def on_web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_page(request, exc.status, exc.key, **exc.values)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code if exc.status_code in (400, 403, 404, 405, 410, 413, 429) else 400
        response = error_page(request, status)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        return error_page(request, 400)

    async def on_jaga(request: Request, exc: Exception) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 403 if isinstance(exc, PermissionDenied) else 400
        return error_page(request, status)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # class name only: messages and tracebacks may hold personal data
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_page(request, 500)

    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(JagaError, on_jaga)
    app.add_exception_handler(Exception, on_crash)


# ---------------------------------------------------------------- middleware


#: Paths that accept an upload, with their own body cap (set by the page that owns the path).
UPLOAD_LIMITS: dict[str, int] = {}


class WebMiddleware(BaseHTTPMiddleware):
    """Per request: the language (``?lang=`` → cookie), the CSRF cookie, body-size cap, security headers.

    Paths under ``skip`` (the JSON API) pass through untouched so its behaviour does not change.
    """

    def __init__(self, app: Any, skip: tuple[str, ...] = ("/api",)) -> None:
        super().__init__(app)
        self._skip = skip

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if any(path == p or path.startswith(p + "/") for p in self._skip):
            return await call_next(request)
        state = web_state(request)
        asked = request.query_params.get("lang")
        chosen = parse_lang(asked) if asked is not None else None
        cookie_lang = parse_lang(request.cookies.get(LANG_COOKIE))
        header_lang = parse_lang(request.headers.get("accept-language", "").split(",")[0])
        request.state.lang = chosen or cookie_lang or header_lang or state.config.default_lang
        csrf_cookie = request.cookies.get(CSRF_COOKIE)
        new_csrf = not csrf_cookie or len(csrf_cookie) > 100
        request.state.csrf_cookie = secrets.token_urlsafe(32) if new_csrf else csrf_cookie

        if asked is not None and chosen is None:
            response: Response = error_page(request, 400, "error.unknown_language", code=asked[:10])
        else:
            declared = request.headers.get("content-length")
            cap = UPLOAD_LIMITS.get(path, state.config.max_body_bytes)
            if declared and declared.isdigit() and int(declared) > cap:
                response = error_page(request, 413)
            else:
                response = await call_next(request)

        secure = state.config.secure_cookies
        if chosen is not None:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", secure=secure)
        if new_csrf:
            response.set_cookie(
                CSRF_COOKIE, request.state.csrf_cookie, httponly=True, samesite="lax", secure=secure, path="/"
            )
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")  # signed links must not leak to other sites
        headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'"
        )
        return response
