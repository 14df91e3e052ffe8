"""``jaga discover [scan] URL`` and ``jaga redact``: a thin shell over :mod:`jaga.discover`."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, BinaryIO, ParamSpec, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from jaga.discover import MODES, Mode, discover_database, redact, undeclared, write_fides
from jaga.errors import JagaError


class _ScanByDefault(TyperGroup):
    """``jaga discover URL`` means ``jaga discover scan URL``: the short form people type first."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:  # typer's vendored click types
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["scan", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=_ScanByDefault,
    help="Find personal data in databases, files and free text (`jaga discover URL` scans a database).",
    no_args_is_help=True,
)
_err = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def _user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a JagaError into one message on stderr and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except JagaError as exc:
            _err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(2) from None

    return wrapper


@_user_errors
def discover_command(
    url: Annotated[str, typer.Argument(help="SQLAlchemy URL, or a CSV/TSV/Parquet file or directory.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the Fides dataset YAML here.")] = None,
    existing: Annotated[
        Path | None, typer.Option("--map", help="Existing Fides dataset YAML: report what it does not declare.")
    ] = None,
    sample: Annotated[int, typer.Option("--sample", min=0, help="Rows sampled per table; 0 scans every row.")] = 1000,
    table: Annotated[list[str] | None, typer.Option("--table", "-t", help="Only these tables.")] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Database schema to scan.")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of CSV files.")] = "utf-8",
) -> None:
    """Sample every table and propose a data map (Fides dataset YAML) with a confidence per column."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=False,
    ) as bar:

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total if total else None)

        proposal = discover_database(
            url, sample=sample or None, tables=table or None, schema=schema, progress=progress, encoding=encoding
        )
    text = write_fides(proposal, out)
    if out is None:
        sys.stdout.write(text)
    else:
        _err.print(f"wrote {out}: {len(proposal.personal())} of {len(proposal.columns)} columns hold personal data")
    if existing is not None:
        missing = undeclared(proposal, existing)
        if missing:
            _err.print(f"[bold yellow]{len(missing)} column(s) hold personal data the map does not declare:[/]")
            for col in missing:
                _err.print(
                    f"  {col.table}.{col.column}: {', '.join(col.categories)} ({col.confidence:.2f})", highlight=False
                )
        else:
            _err.print("the existing map declares every personal-data column found")


MAX_LINE = 1024 * 1024
"""Longest line ``jaga redact`` accepts (bytes): lines are redacted one at a time, so memory stays
bounded whatever the size of the input; a longer "line" is almost surely not text."""


def redact_stream(source: BinaryIO, sink: TextIO, *, where: str, encoding: str, mode: Mode, key: str | None) -> None:
    """Redact ``source`` line by line into ``sink``: constant memory for any input size.

    Each line is decoded, checked (no NUL byte: a binary file), redacted and written before the next
    is read; a bad line stops with a message naming its number (the lines before it are already out).
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise JagaError(
            f"unknown encoding {encoding!r}",
            where=where,
            hint="use a Python codec name such as utf-8, latin-1 or cp1252",
        ) from None
    number = 0
    while True:
        try:
            raw = source.readline(MAX_LINE + 1)
        except OSError as exc:
            raise JagaError(f"cannot read file ({exc.strerror})", where=where) from None
        number += 1
        if not raw:
            break
        if len(raw) > MAX_LINE:
            raise JagaError(
                f"line longer than {MAX_LINE // 1024} KiB", where=f"{where}:{number}", hint="redact works on text"
            )
        if b"\x00" in raw:
            raise JagaError("file looks binary, not text", where=f"{where}:{number}", hint="redact works on text files")
        try:
            line = decoder.decode(raw)
        except UnicodeDecodeError:
            raise JagaError(
                f"file is not valid {encoding}",
                where=f"{where}:{number}",
                hint="pass the right --encoding (e.g. latin-1, cp1252)",
            ) from None
        sink.write(redact(line, mode, key))
    sink.write(decoder.decode(b"", final=True))


@_user_errors
def redact_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Text files; standard input if none.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="label | mask | pseudonym")] = "label",
    key: Annotated[
        str | None, typer.Option("--key", envvar="JAGA_SECRET_KEY", help="HMAC key for pseudonym mode.")
    ] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of the input.")] = "utf-8",
) -> None:
    """Replace personal data in text with labels, masks or keyed pseudonyms; the rest is kept exactly.

    Works line by line, so a file of any size is redacted in constant memory."""
    if mode not in MODES:
        raise JagaError(f"unknown mode {mode!r}", hint="use one of: " + ", ".join(MODES))
    chosen: Mode = mode
    if not files:
        redact_stream(sys.stdin.buffer, sys.stdout, where="<stdin>", encoding=encoding, mode=chosen, key=key)
        return
    for file in files:
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise JagaError(f"cannot read file ({exc.strerror})", where=str(file)) from None
        with handle:
            redact_stream(handle, sys.stdout, where=str(file), encoding=encoding, mode=chosen, key=key)


app.command("scan")(discover_command)
app.command("redact")(redact_command)
