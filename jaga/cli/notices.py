"""``jaga notice``: generate the privacy notice, the RoPA and data flows from a policy; diff two policies."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from jaga.cli._base import console, escape, new_app
from jaga.errors import JagaError
from jaga.notices import diff_policies, flows_markdown, reconsent_reason, render_notice, write_ropa
from jaga.policy import load_policy

app = new_app("Generate the privacy notice (EN + ID), the record of processing and data flows from a policy.")


class Lang(StrEnum):
    id = "id"
    en = "en"


class Format(StrEnum):
    md = "md"
    html = "html"


def _write(text: str, out: Path | None) -> None:
    if out is None:
        print(text)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise JagaError(f"cannot write ({exc.strerror})", where=str(out)) from None
    console.print(f"[green]✓[/] wrote {escape(str(out))}")


@app.command("render")
def render_cmd(
    policy: Path = typer.Argument(..., help="The policy YAML file"),
    lang: Lang = typer.Option(Lang.id, "--lang", help="id (Bahasa Indonesia) or en"),
    format: Format = typer.Option(Format.md, "--format", "-f", help="md or html"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output"),
) -> None:
    """Render the privacy notice; its version (cited by consent events) goes to standard error."""
    notice = render_notice(load_policy(policy), lang.value, format.value)
    _write(notice.text, out)
    typer.echo(f"notice version {notice.version} sha256 {notice.sha256}", err=True)


@app.command("ropa")
def ropa_cmd(
    policy: Path = typer.Argument(..., help="The policy YAML file"),
    out: Path = typer.Option(..., "--out", "-o", help="ropa.xlsx or ropa.csv"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the record: en or id"),
) -> None:
    """Write the record of processing activities (GDPR art. 30, UU PDP art. 31), one row per purpose."""
    path = write_ropa(load_policy(policy), out, lang.value)
    console.print(f"[green]✓[/] wrote {escape(str(path))}")


@app.command("flows")
def flows_cmd(
    policy: Path = typer.Argument(..., help="The policy YAML file"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="en or id"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output"),
) -> None:
    """Summarise each purpose's data flow: subjects → categories → purpose → recipients → retention."""
    _write(flows_markdown(load_policy(policy), lang.value), out)


@app.command("diff")
def diff_cmd(
    old: Path = typer.Argument(..., help="The previous policy YAML file"),
    new: Path = typer.Argument(..., help="The new policy YAML file"),
) -> None:
    """List what changed between two policies; exit code 1 when a change needs fresh consent."""
    changes = diff_policies(load_policy(old), load_policy(new))
    if not changes:
        console.print("no changes that affect the notice")
        return
    for change in changes:
        mark = "[bold red]![/]" if change.reconsent else "-"
        console.print(f"{mark} {escape(str(change))}", soft_wrap=True)
    flagged = sum(c.reconsent for c in changes)
    if flagged:
        console.print(f"{flagged} change(s) need fresh consent: {reconsent_reason()}", soft_wrap=True)
        raise typer.Exit(1)
