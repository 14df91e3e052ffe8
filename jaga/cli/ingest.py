"""``jaga ingest``: read an existing privacy policy into a draft policy file and print its gap report."""

from __future__ import annotations

from pathlib import Path

import typer

from jaga.cli._base import console, escape
from jaga.cli.check import Format, Lang, print_findings
from jaga.errors import JagaError
from jaga.ingest import ingest_file


def ingest(
    document: Path = typer.Argument(..., help="The privacy policy: .txt, .md, .html, .pdf or .docx"),
    out: Path = typer.Option(Path("draft.yaml"), "--out", "-o", help="Where to write the draft policy YAML"),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text for people; json or sarif for CI"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the messages: en or id"),
    force: bool = typer.Option(False, "--force", help="Replace --out if it already exists"),
) -> None:
    """Write a draft policy (every value quotes its sentence) and print the gaps against UU PDP / GDPR.

    Exit code 0: no error-level gap; 1: at least one; 2: the document cannot be used.
    """
    if out.exists() and not force:  # a draft may already hold a person's finishing work
        raise JagaError(
            "the output file already exists / berkas keluaran sudah ada",
            where=str(out),
            hint="choose another --out, or add --force to replace it",
        )
    result = ingest_file(document, out.name)
    try:
        out.write_text(result.draft, encoding="utf-8")
    except OSError as exc:
        raise JagaError(f"cannot write the draft ({exc.strerror}) / draf tidak dapat ditulis", where=str(out)) from None
    if format is Format.text:
        saved = "draft written to" if lang is Lang.en else "draf ditulis ke"
        console.print(f"{saved} {escape(str(out))}")
    raise typer.Exit(print_findings(result.findings, str(document), format, lang))
