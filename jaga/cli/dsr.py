"""``jaga dsr``: take in data-subject requests, verify the person, and answer within the legal deadline.

A thin shell over :mod:`jaga.requests.lifecycle` and :mod:`jaga.requests.verification`. Identities given
here are hashed at once; addresses and codes are never printed (codes go to the person's outbox).
Times are shown in the zone each request keeps: the controller's, from ``--policy`` at submission (UTC
when no policy is given or the policy states none).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from rich.table import Table

from jaga.cli._base import TenantOpt, console, escape, new_app, tenant_session
from jaga.cli.ledger import optional_policy
from jaga.errors import JagaError
from jaga.ledger.identity import Identity
from jaga.policy import UTC_ZONE, show
from jaga.requests import lifecycle, verification
from jaga.requests.deadlines import remaining
from jaga.requests.lifecycle import RequestView
from jaga.store import utcnow

app = new_app("Data-subject requests: submit, verify, track deadlines, extend, refuse, complete.")

PolicyOpt = typer.Option(
    None, "--policy", envvar="JAGA_POLICY", help="Policy YAML: the controller's time zone the deadline runs in"
)
ActorOpt = typer.Option("cli", "--actor", envvar="JAGA_ACTOR", help="Who is acting (recorded in the timeline)")


def _pair(text: str, what: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise JagaError(f"{what} must look like key=value", hint=f"e.g. --{what} email=name@example.com")
    return key.strip(), value.strip()


def _left(view: RequestView) -> str:
    if view.status in lifecycle.CLOSED:
        return "-"
    if view.paused:
        return "paused"
    left = remaining(view.due_at, utcnow())
    sign = "-" if left < timedelta(0) else ""
    hours = int(abs(left).total_seconds() // 3600)
    return f"{sign}{hours // 24}d {hours % 24}h" if hours >= 24 else f"{sign}{hours}h"


def _summary(view: RequestView) -> None:
    console.print(
        f"[bold]{view.id}[/] {view.right.value} ({view.regime}, {view.language}) "
        f"[cyan]{view.status.value}[/] due {view.due_local}{' (extended)' if view.extended else ''}"
        f"{' (clock paused)' if view.paused else ''}"
    )


@app.command("submit")
def submit_cmd(
    right: str = typer.Option(
        ...,
        "--right",
        help="access, rectification, erasure, restriction, portability, objection, withdraw_consent or information",
    ),
    identity: str = typer.Option(..., "--identity", help="email=... or phone=... (the person confirms it)"),
    regime: str = typer.Option("uu_pdp", "--regime", help="uu_pdp or gdpr"),
    lang: str = typer.Option("id", "--lang", help="Language of the messages: id or en"),
    change: list[str] = typer.Option([], "--change", help="field=new value (rectification; repeatable)"),
    no_code: bool = typer.Option(False, "--no-code", help="Do not send a code (staff will verify in person)"),
    policy: Path | None = PolicyOpt,
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Record a request, acknowledge it and send the person a verification code."""
    if lang not in ("en", "id"):
        raise JagaError(f"unknown language {lang!r}", hint="use en or id")
    kind, value = _pair(identity, "identity")
    changes = dict(_pair(item, "change") for item in change)
    pol = optional_policy(policy)
    with tenant_session(tenant) as (session, tenant_id):
        view = lifecycle.submit(
            session,
            tenant_id,
            right=right,
            identity=Identity.of(kind, value),
            regime=regime,
            language="id" if lang == "id" else "en",
            changes=changes or None,
            actor=actor,
            zone=pol.controller.zone.zone if pol is not None else UTC_ZONE,
        )
        delivery = None if no_code else verification.send_code(session, tenant_id, view.id, actor=actor)
    _summary(view)
    if delivery is not None:
        console.print(f"code sent ({delivery.transport}: {escape(delivery.location)})")


@app.command("verify")
def verify_cmd(
    request: str = typer.Argument(..., help="Request id (REQ-...)"),
    code: str = typer.Argument(..., help="The 6-digit code the person received"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Check the code the person typed; too many wrong codes lock it."""
    with tenant_session(tenant) as (session, tenant_id):
        outcome = verification.verify_code(session, tenant_id, request, code, actor=actor)
    outcome.raise_for_failure()  # after commit: failed attempts must count
    console.print(f"[green]✓[/] {request} identity verified")


@app.command("verify-staff")
def verify_staff_cmd(
    request: str = typer.Argument(...),
    note: str = typer.Option(..., "--note", help='How it was verified, e.g. "KTP seen in person"'),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Mark the identity verified by other means, with a note (audited)."""
    with tenant_session(tenant) as (session, tenant_id):
        view = verification.mark_verified(session, tenant_id, request, actor=actor, note=note)
    _summary(view)


@app.command("resend-code")
def resend_code_cmd(request: str = typer.Argument(...), tenant: str | None = TenantOpt, actor: str = ActorOpt) -> None:
    """Send a fresh code (earlier codes stop working)."""
    with tenant_session(tenant) as (session, tenant_id):
        delivery = verification.send_code(session, tenant_id, request, actor=actor)
    console.print(f"code sent ({delivery.transport}: {escape(delivery.location)})")


@app.command("list")
def list_cmd(
    overdue: bool = typer.Option(False, "--overdue", help="Only open requests past their deadline"),
    due_soon: bool = typer.Option(False, "--due-soon", help="Only open requests due within --within hours"),
    within: int = typer.Option(24, "--within", help="Hours that count as 'soon'"),
    all_: bool = typer.Option(False, "--all", help="Include closed requests"),
    tenant: str | None = TenantOpt,
) -> None:
    """Requests by deadline (open ones unless --all)."""
    with tenant_session(tenant) as (session, tenant_id):
        views = lifecycle.list_requests(
            session,
            tenant_id,
            overdue=overdue,
            due_within=timedelta(hours=within) if due_soon else None,
            include_closed=all_,
        )
    table = Table("request", "right", "regime", "status", "due", "left")
    for view in views:
        table.add_row(view.id, view.right.value, view.regime, view.status.value, view.due_local, _left(view))
    console.print(table)
    console.print(f"{len(views)} request(s)")


@app.command("show")
def show_cmd(request: str = typer.Argument(...), tenant: str | None = TenantOpt) -> None:
    """One request and its timeline (who did what, when and why)."""
    with tenant_session(tenant) as (session, tenant_id):
        view = lifecycle.get(session, tenant_id, request)
        steps = lifecycle.timeline(session, tenant_id, request)
    _summary(view)
    console.print(
        f"received {show(view.received_at, view.zone)}; identity {view.identity_kind} {view.identity_hash[:12]}…"
    )
    if view.changed_fields:
        console.print(f"fields to change: {', '.join(view.changed_fields)}")
    table = Table("#", "when", "from", "to", "who", "why")
    for step in steps:
        why = " ".join(x for x in (step.reason, f"({step.article})" if step.article else None) if x)
        table.add_row(
            str(step.seq),
            show(step.at, view.zone),
            step.from_status or "",
            step.to_status,
            escape(step.actor),
            escape(why),
        )
    console.print(table)


@app.command("start")
def start_cmd(request: str = typer.Argument(...), tenant: str | None = TenantOpt, actor: str = ActorOpt) -> None:
    """Begin work on a verified request."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.start(session, tenant_id, request, actor=actor))


@app.command("wait")
def wait_cmd(
    request: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Ask the person for something (the clock stops where the law allows)."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.wait_on_person(session, tenant_id, request, reason=reason, actor=actor))


@app.command("resume")
def resume_cmd(request: str = typer.Argument(...), tenant: str | None = TenantOpt, actor: str = ActorOpt) -> None:
    """The person answered: the clock runs again."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.resume(session, tenant_id, request, actor=actor))


@app.command("extend")
def extend_cmd(
    request: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Extend the deadline where the law allows (GDPR art. 12(3)); the person is told why."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.extend(session, tenant_id, request, reason=reason, actor=actor))


@app.command("complete")
def complete_cmd(
    request: str = typer.Argument(...),
    summary: str | None = typer.Option(None, "--summary", help="What to tell the person"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Close the request as done and tell the person."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.complete(session, tenant_id, request, actor=actor, summary=summary))


@app.command("refuse")
def refuse_cmd(
    request: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    article: str = typer.Option(..., "--article", help="The article that allows refusing"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Refuse with a reason and the article; the person is told both."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.refuse(session, tenant_id, request, reason=reason, article=article, actor=actor))


@app.command("withdraw")
def withdraw_cmd(
    request: str = typer.Argument(...),
    reason: str | None = typer.Option(None, "--reason"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """The person withdrew the request."""
    with tenant_session(tenant) as (session, tenant_id):
        _summary(lifecycle.withdraw(session, tenant_id, request, actor=actor, reason=reason))
