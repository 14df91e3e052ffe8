"""A batch of requests read from a file, so a DPO can run a thousand erasures as one set-based batch
from the command line instead of a thousand single runs.

Two formats, told apart by the file's name: CSV, whose header names the identity types (``email``,
``phone``, ``nik``…; an empty cell is no identity), and JSON Lines (``.jsonl``/``.ndjson``), one object
per line mapping identity types to a value or a list of values. Every problem names the file and line,
and nothing runs until the whole file has been read.

Parsing is strict because a lenient reader loses people silently: a stray quote in a CSV used to merge
two lines into one identity that matched nobody, and the erasure of both reported "done". So every
physical line is one record (a quote cannot span lines), every value must be a well-formed identity of
its type, and the number of requests must equal the number of non-empty lines.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from jaga.errors import JagaError
from jaga.requests.execute import RequestSpec, normalised
from jaga.requests.plan import Kind

JSON_LINES = (".jsonl", ".ndjson")
MAX_BYTES = 64 * 1024 * 1024
"""A batch file larger than this is refused: it is read whole before anything runs."""


def read_batch(path: Path, kind: Kind) -> list[RequestSpec]:
    """One :class:`RequestSpec` of ``kind`` per row (CSV) or line (JSON Lines) of ``path``."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise JagaError(
                f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
                where=str(path),
                hint="split it into batches",
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JagaError("file not found", where=str(path)) from None
    except UnicodeDecodeError:
        raise JagaError("not a UTF-8 text file", where=str(path), hint="save it as UTF-8 CSV or JSON Lines") from None
    except OSError as exc:
        raise JagaError(f"cannot read the file: {exc.strerror}", where=str(path)) from None
    rows = _json_lines(text, path) if path.suffix.lower() in JSON_LINES else _csv(text, path)
    specs: list[RequestSpec] = []
    for line, identities in rows:
        if not identities:
            raise JagaError("no identity on this row", where=f"{path}:{line}", hint="give at least one value")
        spec = RequestSpec(kind, identities)
        normalised(spec, f"{path}:{line}")  # a malformed identity is refused here, naming its line
        specs.append(spec)
    if not specs:
        raise JagaError("the file holds no requests", where=str(path))
    lines = sum(1 for raw in text.splitlines() if raw.strip()) - (0 if path.suffix.lower() in JSON_LINES else 1)
    if lines != len(specs):  # the per-line parsers make this impossible; keep it so no change can lose people
        raise JagaError(f"{lines} line(s) but {len(specs)} request(s) were read", where=str(path))
    return specs


def _csv(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    lines = text.splitlines()
    header = _csv_line(lines[0], path, 1) if lines else None
    if not header or not all(name.strip() for name in header):
        raise JagaError(
            "the first row must name the identity type of each column",
            where=f"{path}:1",
            hint="e.g. email,phone",
        )
    types = [name.strip() for name in header]
    out: list[tuple[int, dict[str, list[str]]]] = []
    for line, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = _csv_line(raw, path, line)
        if not any(cell.strip() for cell in cells):
            raise JagaError("no identity on this row", where=f"{path}:{line}", hint="give at least one value")
        if len(cells) > len(types):
            raise JagaError(f"{len(cells)} values but {len(types)} columns", where=f"{path}:{line}")
        found: dict[str, list[str]] = {}
        for kind, cell in zip(types, cells, strict=False):
            if cell.strip():
                found.setdefault(kind, []).append(cell.strip())
        out.append((line, found))
    return out


def _csv_line(raw: str, path: Path, line: int) -> list[str]:
    """One physical line as one record: a quote left open at the end of the line is an error, not a
    field that swallows the next person."""
    try:
        return next(csv.reader([raw], strict=True), [])
    except csv.Error as exc:
        raise JagaError(
            f"not a valid CSV line ({exc})", where=f"{path}:{line}", hint="check for a stray or unbalanced quote"
        ) from None


def _json_lines(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    out: list[tuple[int, dict[str, list[str]]]] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise JagaError(f"not JSON: {exc.msg}", where=f"{path}:{line}:{exc.colno}") from None
        except RecursionError:
            raise JagaError("JSON nested too deeply", where=f"{path}:{line}", hint="one flat object per line") from None
        if not isinstance(data, dict):
            raise JagaError("each line must be a JSON object", where=f"{path}:{line}", hint='e.g. {"email": "…"}')
        found: dict[str, list[str]] = {}
        for kind, value in data.items():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise JagaError(f"{kind!r} must be a string or a list of strings", where=f"{path}:{line}")
            if any(v.strip() for v in values):
                found[kind] = [v.strip() for v in values if v.strip()]
        out.append((line, found))
    return out
