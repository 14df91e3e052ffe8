"""``jaga check``: load a policy and lint it against the regimes it declares."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from jaga.check import Finding, Severity, check_file, to_json, to_sarif
from jaga.cli._base import escape


class Format(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class Lang(StrEnum):
    en = "en"
    id = "id"


def check(
    policy: Path = typer.Argument(..., help="The policy YAML file"),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text for people; json or sarif for CI"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the messages: en or id"),
) -> None:
    """Check a policy file: schema errors at file:line:column, then shortfalls against UU PDP / GDPR.

    Exit code 0: no error-level finding; 1: at least one; 2: the file cannot be used.
    """
    findings = check_file(policy)
    raise typer.Exit(print_findings(findings, str(policy), format, lang))


def print_findings(findings: Sequence[Finding], label: str, format: Format, lang: Lang) -> int:
    """Print findings as a table (EN or ID), JSON or SARIF; the exit code: 1 if any error, else 0."""
    errors = sum(f.severity is Severity.error for f in findings)
    if format is Format.json:
        print(to_json(findings))
    elif format is Format.sarif:
        print(to_sarif(findings))
    else:
        console = Console()
        if not findings:
            console.print(f"[green]✓[/] {escape(label)}: no findings")
        else:
            table = Table(
                title=f"{label}: {errors} error(s), {len(findings) - errors} other finding(s)",
                show_lines=False,
                expand=True,
            )
            for column in ("rule", "severity", "regime", "article", "where", "finding"):
                table.add_column(column, overflow="fold")
            colour = {Severity.error: "red", Severity.warning: "yellow", Severity.info: "blue"}
            for f in findings:
                where = f.where.rsplit(":", 2)[0] if f.where.count(":") >= 2 else f.where
                line = f.where[len(where) + 1 :] if where != f.where else ""
                table.add_row(
                    f.rule,
                    f"[{colour[f.severity]}]{f.severity.value}[/]",
                    f.regime,
                    f.article,
                    line,
                    escape(f.message if lang is Lang.en else f.message_id),
                )
            console.print(table)
    return 1 if errors else 0
