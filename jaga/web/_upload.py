"""Reading one uploaded file from a console form, for the few pages that take one (policy drafting).

Ordinary forms refuse files and cap bodies at 64 KB (:func:`jaga.web._common.read_form`); an upload page
registers its own cap in :data:`UPLOAD_LIMITS` so the middleware lets the larger body through, and reads
it here with the same guards in the same order: rate limit, size (413), CSRF (403), required file (400).
The file is parsed into a temporary file (unlinked at once, so never kept) and only its bytes come back.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from jaga.web._common import CSRF_FIELD, UPLOAD_LIMITS, WebError, check_csrf, check_rate, web_state

#: Room for the multipart framing and the CSRF field around the file itself.
_OVERHEAD = 64 * 1024


def allow_upload(path: str, max_file_bytes: int) -> None:
    """Let ``path`` receive a body of one file up to ``max_file_bytes`` (plus the form around it)."""
    UPLOAD_LIMITS[path] = max_file_bytes + _OVERHEAD


async def _capped(request: Request, cap: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise WebError(413)
        yield chunk


async def read_upload(request: Request, form: str, field: str) -> tuple[str, bytes]:
    """The uploaded file's name and bytes from a ``multipart/form-data`` POST to a registered path."""
    check_rate(request, form)
    cap = UPLOAD_LIMITS[request.url.path]
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise WebError(413)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise WebError(400, "error.field_missing", field=field)
    parser = MultiPartParser(
        request.headers, _capped(request, cap), max_files=1, max_fields=web_state(request).config.max_fields
    )
    try:
        parsed = await parser.parse()
    except MultiPartException:  # more than one file, too many fields, broken framing
        raise WebError(400, "error.field_missing", field=field) from None
    try:
        token = parsed.get(CSRF_FIELD)
        check_csrf(request, token if isinstance(token, str) else None, form)
        upload = parsed.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise WebError(400, "error.field_missing", field=field)
        data = await upload.read(cap + 1)
        if len(data) > cap:
            raise WebError(413)
        return upload.filename, data
    finally:
        await parsed.close()
