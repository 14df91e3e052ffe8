"""``jaga retention``: see what the policy says must go (plan), make it go (run), finish after a crash.

A thin shell over :mod:`jaga.retention`. Only table names, counts, dates of the oldest row and SQL are
printed; never a value from a row.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from jaga import retention
from jaga.cli._base import DbOpt, TenantOpt, console, db_urls, escape, new_app, tenant_id_for, tenant_slug
from jaga.errors import JagaError
from jaga.store import make_engine, migrate

app = new_app("Retention sweeps: delete or anonymise what the policy no longer allows keeping, except legal holds.")

PolicyOpt = typer.Option(..., "--policy", "-p", help="Policy YAML (its retention rules)")
MapOpt = typer.Option(..., "--map", "-m", help="Data-map YAML file(s) with jaga.retention_trigger columns")
NowOpt = typer.Option(
    None, "--now", help="Fixed clock, ISO date or time (no zone: UTC), e.g. 2026-11-01T00:00:00+07:00"
)


def parse_now(text: str | None) -> datetime | None:
    """``--now`` as an aware time: a bare date is midnight UTC, a time without a zone is UTC."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise JagaError(
            f"--now {text!r} is not an ISO date or time", hint="write e.g. 2026-11-01 or 2026-11-01T00:00:00+07:00"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@app.command("plan")
def plan_cmd(
    policy: Path = PolicyOpt,
    datamap: list[Path] = MapOpt,
    db: list[str] = DbOpt,
    now: str | None = NowOpt,
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Dry run: per table the rows due, the oldest, the rows a legal hold keeps (and the law), the SQL."""
    if fmt not in ("table", "json"):
        raise JagaError(f"unknown format {fmt!r}", hint="use table or json")
    result = retention.plan(policy, datamap, now=parse_now(now), connections=db_urls(db))
    if fmt == "json":
        console.print_json(json.dumps(result.as_dict()))
        return
    table = Table("table", "action", "rules", "due", "oldest", "held", "law")
    for t in result.tables:
        action = t.mode + (" + return to client" if t.export else "")
        rules = ", ".join(t.rules) or (f"follows {', '.join(t.follows)}" if t.follows else "-")
        table.add_row(
            t.table, action, escape(rules), f"{t.due:,}", t.oldest or "-", f"{t.held:,}", escape("; ".join(t.laws))
        )
    console.print(f"retention plan at {result.now.isoformat()} (policy {result.policy_version[:12]})")
    console.print(table)
    for t in result.tables:
        if t.due:
            console.print(f"[bold]{t.table}[/] SQL (run in key-range chunks): {escape(t.sql)}", soft_wrap=True)
        for note in t.notes:
            console.print(f"[yellow]note[/] {t.table}: {escape(note)}", soft_wrap=True)
    if result.unused_rules:
        console.print(f"[yellow]note[/] rules that cover no mapped table: {', '.join(result.unused_rules)}")
    console.print(f"{result.due:,} row(s) due, {result.held:,} held by law")


def _bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _report(outcome: retention.RunOutcome) -> None:
    table = Table("table", "action", "deleted", "anonymised", "returned", "held", "law", "verified")
    for name, t in outcome.tables.items():
        check = outcome.verification.get(name, {})
        verified = "-" if not check else ("yes" if check.get("verified") else "[red]NO[/]")
        table.add_row(
            name,
            str(t["mode"]),
            f"{t['deleted']:,}",
            f"{t['anonymised']:,}",
            f"{t['exported']:,}",
            f"{t['held']:,}",
            escape("; ".join(t["laws"])),
            verified,
        )
    console.print(f"run {outcome.run_id} at {outcome.now.isoformat()}: [bold]{outcome.status}[/]")
    console.print(table)
    if outcome.export_dir:
        console.print(f"data returned to the client is in {escape(outcome.export_dir)}")
    console.print(f"{outcome.deleted:,} deleted, {outcome.anonymised:,} anonymised, {outcome.held:,} held by law")


@app.command("run")
def run_cmd(
    policy: Path = PolicyOpt,
    datamap: list[Path] = MapOpt,
    db: list[str] = DbOpt,
    now: str | None = NowOpt,
    chunk: int = typer.Option(retention.CHUNK_ROWS, "--chunk", help="Rows per transaction"),
    out: Path | None = typer.Option(None, "--out", help="Directory for data returned to client controllers"),
    tenant: str | None = TenantOpt,
    actor: str = typer.Option("cli", "--actor", envvar="JAGA_ACTOR", help="Who runs the sweep (audited)"),
) -> None:
    """Sweep: delete or anonymise every due row not under a legal hold, in resumable chunks."""
    clock = parse_now(now)
    migrate(make_engine())
    slug = tenant_slug(tenant)
    with _bar() as bar:
        task = bar.add_task("planning", total=None)

        def progress(table: str, rows: int, fraction: float) -> None:
            bar.update(task, description=f"{table} · {rows:,} rows", completed=fraction, total=1.0)

        outcome = retention.run(
            policy,
            datamap,
            now=clock,
            connections=db_urls(db),
            tenant=slug,
            chunk_rows=chunk,
            out_dir=out,
            progress=progress,
            actor=actor,
        )
    _report(outcome)
    if outcome.status != "done":
        raise typer.Exit(1)


@app.command("resume")
def resume_cmd(
    db: list[str] = DbOpt,
    tenant: str | None = TenantOpt,
    actor: str = typer.Option("cli", "--actor", envvar="JAGA_ACTOR", help="Who resumes (audited)"),
) -> None:
    """Finish every sweep of the tenant a crash or kill left unfinished, with its original clock (safe to repeat)."""
    migrate(make_engine())
    tenant_id = tenant_id_for(tenant)
    with _bar() as bar:
        task = bar.add_task("resuming", total=None)

        def progress(table: str, rows: int, fraction: float) -> None:
            bar.update(task, description=f"{table} · {rows:,} rows", completed=fraction, total=1.0)

        outcomes = retention.resume(connections=db_urls(db), progress=progress, actor=actor, tenant_id=tenant_id)
    for outcome in outcomes:
        _report(outcome)
    console.print(f"[green]✓[/] {len(outcomes)} unfinished run(s) completed")
