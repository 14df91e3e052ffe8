"""Turn an uploaded privacy-policy file into plain text lines, whatever its format.

Each format is read by a library made for it (BeautifulSoup for HTML, pypdf for the PDF text layer,
python-docx for Word); nothing is fetched at run time. Files that cannot be a readable policy (empty,
binary, encrypted, too large) stop here with one :class:`IngestError` so no draft is built from noise.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from jaga.errors import JagaError

MAX_BYTES = 10 * 1024 * 1024
"""Largest document accepted: a real policy is well under 1 MB; a 10 MB one is already an outlier."""

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg", "button")
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "section", "article", "br", "dd", "dt")


class IngestError(JagaError):
    """The document cannot be read as a privacy policy; the message says why and what to do."""


def _fail(en: str, id_: str, name: str, hint: str) -> IngestError:
    return IngestError(f"{en} / {id_}", where=name, hint=hint)


def too_large(name: str) -> IngestError:
    mb = MAX_BYTES // (1024 * 1024)
    return _fail(
        f"file is larger than {mb} MB",
        f"berkas lebih besar dari {mb} MB",
        name,
        "upload the privacy policy itself, not an archive or a scan",
    )


def read_document(data: bytes, name: str) -> list[str]:
    """The document's text as lines (line 1 first), its format chosen by extension, then by content."""
    if len(data) > MAX_BYTES:
        raise too_large(name)
    if not data.strip():
        raise _fail("file is empty", "berkas kosong", name, "give the file that holds the policy text")
    kind = _kind(data, name)
    if kind == "pdf":
        text = _pdf(data, name)
    elif kind == "docx":
        text = _docx(data, name)
    else:
        text = _decode(data, name)
        if kind == "html":
            text = _html(text)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    if not any(lines):
        raise _fail(
            "file holds no text (a scanned PDF needs OCR first)",
            "berkas tidak memuat teks (PDF hasil pindai perlu OCR terlebih dahulu)",
            name,
            "export the policy as text, HTML, PDF with a text layer, or DOCX",
        )
    return lines


def _kind(data: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return "pdf"
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lstrip().lower()
    if suffix in (".html", ".htm") or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise _binary(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _binary(name) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise _binary(name)
    return text


def _binary(name: str) -> IngestError:
    return _fail(
        "file is binary or not UTF-8 text",
        "berkas biner atau bukan teks UTF-8",
        name,
        "supported formats: .txt, .md, .html, .pdf (with a text layer), .docx",
    )


def _html(markup: str) -> str:
    """Main text only: menus, headers, footers, scripts and forms are dropped; <main>/<article> preferred."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for item in root.find_all("li"):
        item.insert(0, "• ")
    text = root.get_text()
    return re.sub(r"\n\s*\n+", "\n\n", text)


def _pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _fail(
                "PDF is encrypted",
                "PDF terenkripsi",
                name,
                "save an unprotected copy of the policy and ingest that",
            )
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise _fail("PDF cannot be read", "PDF tidak dapat dibaca", name, "check the file is a valid PDF") from None


def _docx(data: bytes, name: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _fail(
            "Word file cannot be read (encrypted or not .docx)",
            "berkas Word tidak dapat dibaca (terenkripsi atau bukan .docx)",
            name,
            "save it as .docx without a password, or as PDF/HTML",
        ) from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n\n".join(parts)
