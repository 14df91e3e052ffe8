"""``jaga requests``: run data-subject requests on the company's databases, and resume after a crash."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import typer

from jaga.cli._base import DbOpt, TenantOpt, console, db_urls, err_console, escape, new_app, tenant_id_for, tenant_slug
from jaga.errors import JagaError
from jaga.requests import RequestSpec, resume, run_requests
from jaga.requests.batchfile import read_batch
from jaga.requests.execute import NO_MATCH, BatchOutcome
from jaga.store import make_engine, migrate

app = new_app(
    "Execute requests on the company's databases (access, erasure, rectification, restriction); resume after a crash."
)


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise JagaError(f"{what} must look like key=value", hint=f"e.g. --{what} email=name@example.com")
        out[key.strip()] = value
    return out


def _report(outcome: BatchOutcome) -> int:
    """Print the outcome; returns how many requests matched no row (the caller exits 1 if any)."""
    if outcome.plan_text:
        console.print(escape(outcome.plan_text))
    if len(outcome.requests) > 1:  # a batch: one line each, then the tally (``jaga dsr show`` has the rest)
        for req in outcome.requests:
            rows = sum(req.result.get("tables", {}).values())
            held = sum(h.get("rows", 0) for h in req.result.get("held", []))
            console.print(f"request {req.request_id}: [bold]{req.status}[/], {rows} row(s), {held} held")
        tally = Counter(req.status for req in outcome.requests)
        console.print(", ".join(f"{n} {status}" for status, n in sorted(tally.items())))
    else:
        for req in outcome.requests:
            console.print(f"request {req.request_id}: [bold]{req.status}[/]")
            console.print(escape(json.dumps(req.result, indent=2, default=str)))
    missed = sum(req.status == NO_MATCH for req in outcome.requests)
    if missed:
        err_console.print(
            f"[bold yellow]{missed} request(s) matched no row[/]: nothing was changed for them; check their "
            "identities, then run them again"
        )
    return missed


def _exit_if_missed(missed: int) -> None:
    """Exit 1 (findings, not a usage error) when a request matched nobody, so scripts notice."""
    if missed:
        raise SystemExit(1)


@app.command("run")
def run_cmd(
    kind: str = typer.Option(..., "--type", help="access | erasure | rectification | restriction"),
    identity: list[str] = typer.Option([], "--identity", "-i", help="type=value, e.g. email=a@b.id"),
    source: Path | None = typer.Option(
        None,
        "--from",
        help="a batch: CSV with a header of identity types, or JSON Lines; one request per row",
    ),
    datamap: list[Path] = typer.Option(..., "--map", "-m", help="data-map YAML file(s)"),
    policy: Path = typer.Option(..., "--policy", "-p", help="policy file"),
    change: list[str] = typer.Option([], "--set", help="rectification: table.column=new value"),
    category: list[str] = typer.Option([], "--category", help="erasure: erase only this data category (repeatable)"),
    mask: list[str] = typer.Option([], "--mask", help="erasure: category=null|fixed|hash|pseudonym|generalise"),
    out: Path | None = typer.Option(None, "--out", help="directory for access exports"),
    db: list[str] = DbOpt,
    tenant: str | None = TenantOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="show tables, SQL and row counts; change nothing"),
) -> None:
    """Run one request (``--identity``), or a batch of many from a file (``--from``), end to end."""
    if kind not in ("access", "erasure", "rectification", "restriction"):
        raise JagaError(f"unknown request type {kind!r}", hint="use access, erasure, rectification or restriction")
    if bool(identity) == (source is not None):
        raise JagaError("give either --identity (one request) or --from FILE (a batch)")
    if source is not None and kind == "rectification":
        raise JagaError("a rectification names its own new values", hint="run each with --identity and --set")
    if source is not None:
        specs = read_batch(source, kind)  # type: ignore[arg-type]
    else:
        specs = [RequestSpec(kind, _pairs(identity, "identity"), changes=_pairs(change, "set"))]  # type: ignore[arg-type]
    if category or mask:
        masking = _pairs(mask, "mask")
        specs = [replace(s, categories=list(category), masking=masking) for s in specs]
    if not dry_run:
        migrate(make_engine())
    outcome = run_requests(
        specs,
        datamap=datamap,
        policy=policy,
        tenant=tenant_slug(tenant),
        connections=db_urls(db),
        out_dir=out,
        dry_run=dry_run,
        actor="cli",
    )
    _exit_if_missed(_report(outcome))


@app.command("resume")
def resume_cmd(db: list[str] = DbOpt, tenant: str | None = TenantOpt) -> None:
    """Finish every batch of the tenant a crash or kill left unfinished (safe to run at any time)."""
    migrate(make_engine())
    outcomes = resume(actor="cli", connections=db_urls(db), tenant_id=tenant_id_for(tenant))
    stopped = [o for o in outcomes if o.error]
    missed = 0
    for outcome in outcomes:
        if outcome.error:
            console.print(f"batch {outcome.batch_id}: [bold red]{outcome.status}[/]")
            console.print(escape(outcome.error))
        else:
            missed += _report(outcome)
    console.print(f"[green]✓[/] {len(outcomes) - len(stopped)} unfinished batch(es) completed")
    if stopped:
        raise JagaError(f"{len(stopped)} batch(es) did not finish", hint="see each batch's reason above")
    _exit_if_missed(missed)
