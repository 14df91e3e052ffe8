"""``jaga incident``: the breach register — open, assess, notify, close, list."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from jaga import incidents as inc
from jaga.cli._base import TenantOpt, console, db_urls, escape, new_app, tenant_session
from jaga.errors import ConfigError
from jaga.policy import UTC_ZONE, load_policy, show

app = new_app("Record personal-data breaches, size them, meet the 3x24h / 72h deadlines, draft the notices.")

POLICY = typer.Option(..., "--policy", "-p", help="The policy YAML file (controller, DPO, regimes)")
ACTOR = typer.Option("cli", "--actor", help="Who does this, for the audit chain")


@app.command("open")
def open_cmd(
    title: str = typer.Option(..., "--title", help="What happened, in a few words"),
    description: str = typer.Option(..., "--description", help="How it happened (no personal data)"),
    occurred: str = typer.Option(..., "--occurred", help="When it happened, ISO 8601"),
    discovered: str = typer.Option(..., "--discovered", help="When it became known, ISO 8601: clocks start here"),
    table: list[str] = typer.Option([], "--table", help="DATASET.TABLE involved (repeat)"),
    system: list[str] = typer.Option([], "--system", help="System involved (repeat)"),
    category: list[str] = typer.Option([], "--category", help="Data category known to be exposed (repeat)"),
    containment: str = typer.Option("", "--containment", help="What was done to stop it"),
    consequences: str = typer.Option("", "--consequences", help="Likely consequences for the people"),
    measures: str = typer.Option("", "--measures", help="Measures taken or proposed to limit harm"),
    high_risk: bool = typer.Option(False, "--high-risk", help="Likely to result in a high risk to people"),
    policy: Path = POLICY,
    tenant: str | None = TenantOpt,
    actor: str = ACTOR,
) -> None:
    """Record a breach and start its deadlines."""
    pol = load_policy(policy)
    zone = pol.controller.zone.zone
    with tenant_session(tenant) as (session, tenant_id):
        incident = inc.open_incident(
            session,
            tenant_id,
            title=title,
            description=description,
            occurred_at=inc.parse_time(occurred, zone),
            discovered_at=inc.parse_time(discovered, zone),
            regimes=pol.controller.regimes,
            systems=system,
            tables=table,
            categories=category,
            containment=containment,
            consequences=consequences,
            measures=measures,
            high_risk=high_risk,
            actor=actor,
        )
        console.print(f"[green]✓[/] incident {incident.id} opened")
        _print_deadlines(incident, zone)


def _print_deadlines(incident: inc.Incident, zone: ZoneInfo) -> None:
    """Each deadline in the controller's zone, labelled with it (a label never claims UTC for local time)."""
    table = Table(title=f"incident {incident.id}: deadlines from discovery ({zone.key})")
    for column in ("regime", "notify", "due", "status", "article", "note"):
        table.add_column(column, overflow="fold")
    colour = {"overdue": "red", "late": "red", "done": "green", "pending": "yellow"}
    for d, status in inc.incident_deadlines(incident):
        due = show(d.due, zone) if d.due else "without undue delay"
        table.add_row(d.regime, d.audience, due, f"[{colour.get(status, 'white')}]{status}[/]", d.article, d.note)
    console.print(table)


@app.command("assess")
def assess_cmd(
    incident_id: int = typer.Argument(..., help="Incident number"),
    datamap: Path = typer.Option(..., "--datamap", help="Fides dataset YAML of the company's databases"),
    db: list[str] = typer.Option(..., "--db", help="SQLAlchemy URL, or DATASET=URL (repeat)"),
    policy: Path = POLICY,
    export_contacts: Path | None = typer.Option(
        None, "--export-contacts", help="Also write affected people's identities to this CSV, for notifying them"
    ),
    tenant: str | None = TenantOpt,
    actor: str = ACTOR,
) -> None:
    """Count affected people and records on the live databases; flag specific/special data."""
    pol = load_policy(policy)
    datamap_ = inc.read_map(datamap)
    urls = db_urls(db)
    with tenant_session(tenant) as (session, tenant_id):
        incident = inc.get_incident(session, tenant_id, incident_id)
        result = inc.assess_incident(session, incident, datamap_, urls, pol, actor=actor)
        console.print(f"categories: {', '.join(result.categories)}", soft_wrap=True)
        for regime, found in result.special.items():
            listed = "; ".join(f"{k} ({a})" for k, a in found.items()) or "none"
            console.print(f"specific/special ({regime}): {escape(listed)}", soft_wrap=True)
        for name, rows in result.records.items():
            console.print(f"rows in {name}: {rows}")
        for name, people in result.subjects.items():
            kinds = ", ".join(result.identities.get(name, [])) or "no identity column"
            console.print(f"[bold]people affected ({name}, identified by {kinds}): {people}[/]")
        if export_contacts is not None:
            written = inc.export_incident_contacts(session, incident, datamap_, urls, export_contacts, actor=actor)
            console.print(f"[yellow]![/] wrote identities of {written} people to {escape(str(export_contacts))}")


@app.command("notify")
def notify_cmd(
    incident_id: int = typer.Argument(..., help="Incident number"),
    policy: Path = POLICY,
    to: str = typer.Option("all", "--to", help="authority, subjects or all"),
    delay_reason: str = typer.Option("", "--delay-reason", help="Why the authority is told after the deadline"),
    tenant: str | None = TenantOpt,
    actor: str = ACTOR,
) -> None:
    """Draft the notices (people: ID + EN; authority: per regime) into the outbox as .eml files."""
    audiences = ("authority", "subjects") if to == "all" else (to,)
    if any(a not in ("authority", "subjects") for a in audiences):
        raise ConfigError(f"unknown audience {to!r}", hint="use authority, subjects or all")
    pol = load_policy(policy)
    with tenant_session(tenant) as (session, tenant_id):
        incident = inc.get_incident(session, tenant_id, incident_id)
        files = inc.notify(session, incident, pol, audiences=audiences, delay_reason=delay_reason, actor=actor)
        for file in files:
            console.print(f"[green]✓[/] {escape(str(file))}")
        _print_deadlines(incident, pol.controller.zone.zone)


@app.command("close")
def close_cmd(incident_id: int = typer.Argument(...), tenant: str | None = TenantOpt, actor: str = ACTOR) -> None:
    """Close an incident (the audit chain records any deadline that was missed)."""
    with tenant_session(tenant) as (session, tenant_id):
        incident = inc.close_incident(session, inc.get_incident(session, tenant_id, incident_id), actor=actor)
        console.print(f"[green]✓[/] incident {incident.id} closed")


@app.command("list")
def list_cmd(
    overdue: bool = typer.Option(False, "--overdue", help="Only incidents with a missed deadline"),
    tenant: str | None = TenantOpt,
) -> None:
    """List incidents with their status; overdue ones are flagged."""
    with tenant_session(tenant) as (session, tenant_id):
        rows = inc.list_incidents(session, tenant_id, overdue_only=overdue)
        table = Table(title="breach register")
        for column in ("id", "title", "discovered", "status", "people", "deadline"):
            table.add_column(column, overflow="fold")
        for i in rows:
            people = str(inc.assessment_of(i).total_subjects) if i.assessment else "?"
            flag = "[bold red]OVERDUE[/]" if inc.is_overdue(i) else "ok"
            table.add_row(str(i.id), escape(i.title), show(i.discovered_at, UTC_ZONE), i.status, people, flag)
        console.print(table)
