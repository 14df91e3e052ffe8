"""``jaga consent`` and ``jaga ledger``: record what a subject said and inspect or rebuild the ledger.

Also home of the options the ledger, decide and audit commands share (subject, policy).
Identities given on the command line are hashed at once and never printed back.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from jaga import ledger
from jaga.cli._base import TenantOpt, console, new_app, tenant_session
from jaga.errors import JagaError
from jaga.ledger import ConsentForm, EventIn, EventKind, Identity, IdentityKind, SubjectRef
from jaga.policy import Policy, load_policy

consent_app = new_app("Record and read consent: give, withdraw, object, state, history.")
app = new_app("Maintain the consent ledger (rebuild the materialised state, link guardians).")

PolicyOpt = typer.Option(None, "--policy", envvar="JAGA_POLICY", help="Policy YAML (checks purpose keys)")
EmailOpt = typer.Option(None, "--email", help="Subject's email")
PhoneOpt = typer.Option(None, "--phone", help="Subject's phone (Indonesian numbers without +62 are fine)")
NikOpt = typer.Option(None, "--nik", help="Subject's 16-digit NIK")
CustomerOpt = typer.Option(None, "--customer-id", help="Subject's customer id")
SubjectOpt = typer.Option(None, "--subject", help="Subject's ledger key")
AtOpt = typer.Option(None, "--at", help="ISO time with zone, e.g. 2024-05-01T10:00:00+07:00 (default now)")


def subject_ref(
    email: str | None, phone: str | None, nik: str | None, customer_id: str | None, subject: str | None
) -> SubjectRef:
    """Exactly one way of naming the subject, from the CLI options."""
    given: list[SubjectRef] = [
        Identity(kind, value)
        for kind, value in (
            (IdentityKind.email, email),
            (IdentityKind.phone, phone),
            (IdentityKind.nik, nik),
            (IdentityKind.customer_id, customer_id),
        )
        if value is not None
    ]
    if subject is not None:
        given.append(subject)
    if len(given) != 1:
        raise JagaError(
            "name the subject exactly once", hint="use one of --email, --phone, --nik, --customer-id or --subject"
        )
    return given[0]


def parse_at(value: str | None) -> datetime | None:
    """An aware datetime from ``--at``; a time without zone is refused rather than guessed."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise JagaError("--at is not an ISO date-time", hint="e.g. 2024-05-01T10:00:00+07:00") from None
    if parsed.tzinfo is None:
        raise JagaError("--at has no time zone", hint="add +07:00 (WIB) or Z (UTC)")
    return parsed


def optional_policy(path: Path | None) -> Policy | None:
    return load_policy(path) if path is not None else None


def print_json(data: Any) -> None:
    console.print_json(json.dumps(data, default=str))


def _record(tenant: str | None, ref: SubjectRef, event: EventIn, policy: Path | None) -> None:
    with tenant_session(tenant) as (session, tenant_id):
        done = ledger.record(session, tenant_id, ref, event, actor="cli", policy=optional_policy(policy))
    print_json({"event": done.id, "subject": done.subject, "kind": done.kind, "at": done.at.isoformat()})


@consent_app.command("give")
def give(
    purpose: str = typer.Option(..., "--purpose", help="Purpose key from the policy"),
    notice_version: str | None = typer.Option(None, "--notice-version", help="Version of the notice shown"),
    channel: str | None = typer.Option(None, "--channel", help="Where it was given: web, app, paper..."),
    form: ConsentForm = typer.Option(ConsentForm.explicit, "--form", help="How consent was expressed"),
    at: str | None = AtOpt,
    tenant: str | None = TenantOpt,
    policy: Path | None = PolicyOpt,
    email: str | None = EmailOpt,
    phone: str | None = PhoneOpt,
    nik: str | None = NikOpt,
    customer_id: str | None = CustomerOpt,
    subject: str | None = SubjectOpt,
) -> None:
    """Record that the subject gave consent for a purpose."""
    event = EventIn(
        kind=EventKind.consent_given,
        purpose=purpose,
        notice_version=notice_version,
        form=form,
        evidence=f"channel:{channel}" if channel else None,
        at=parse_at(at),
    )
    _record(tenant, subject_ref(email, phone, nik, customer_id, subject), event, policy)


@consent_app.command("withdraw")
def withdraw(
    purpose: str = typer.Option(..., "--purpose", help="Purpose key from the policy"),
    at: str | None = AtOpt,
    tenant: str | None = TenantOpt,
    policy: Path | None = PolicyOpt,
    email: str | None = EmailOpt,
    phone: str | None = PhoneOpt,
    nik: str | None = NikOpt,
    customer_id: str | None = CustomerOpt,
    subject: str | None = SubjectOpt,
) -> None:
    """Record that the subject withdrew consent (effective from --at on; earlier processing stays lawful)."""
    event = EventIn(kind=EventKind.consent_withdrawn, purpose=purpose, at=parse_at(at))
    _record(tenant, subject_ref(email, phone, nik, customer_id, subject), event, policy)


@consent_app.command("event")
def event_cmd(
    kind: EventKind = typer.Argument(..., help="Event kind"),
    purpose: str | None = typer.Option(None, "--purpose"),
    channel: str | None = typer.Option(None, "--channel"),
    reason: str | None = typer.Option(None, "--reason"),
    at: str | None = AtOpt,
    tenant: str | None = TenantOpt,
    policy: Path | None = PolicyOpt,
    email: str | None = EmailOpt,
    phone: str | None = PhoneOpt,
    nik: str | None = NikOpt,
    customer_id: str | None = CustomerOpt,
    subject: str | None = SubjectOpt,
) -> None:
    """Record any other event: objection, restriction_set, do_not_contact, gpc_signal, child_status..."""
    try:
        event = EventIn(kind=kind, purpose=purpose, channel=channel, reason=reason, at=parse_at(at))
    except ValueError as exc:
        raise JagaError(str(exc).splitlines()[-1].strip()) from None
    _record(tenant, subject_ref(email, phone, nik, customer_id, subject), event, policy)


@consent_app.command("state")
def state(
    at: str | None = AtOpt,
    tenant: str | None = TenantOpt,
    email: str | None = EmailOpt,
    phone: str | None = PhoneOpt,
    nik: str | None = NikOpt,
    customer_id: str | None = CustomerOpt,
    subject: str | None = SubjectOpt,
    history: bool = typer.Option(False, "--history", help="Also list events"),
) -> None:
    """Print the subject's state now or at --at (and optionally every event)."""
    ref = subject_ref(email, phone, nik, customer_id, subject)
    with tenant_session(tenant) as (session, tenant_id):
        out: dict[str, Any] = {
            "subject": ledger.subject_key(session, tenant_id, ref),
            "state": ledger.state_at(session, tenant_id, ref, parse_at(at)).as_dict(),
        }
        if history:
            out["events"] = ledger.history(session, tenant_id, ref)
    print_json(out)


@app.command("rebuild")
def rebuild(tenant: str | None = TenantOpt) -> None:
    """Recompute the current-state tables from the events (they must come out equal)."""
    with tenant_session(tenant) as (session, tenant_id):
        count = ledger.rebuild(session, tenant_id)
    console.print(f"[green]✓[/] rebuilt the state of {count} subjects")


@app.command("guardian")
def guardian(
    child: str = typer.Option(..., "--child", help="The child's subject key"),
    guardian_key: str = typer.Option(..., "--guardian", help="The parent's or guardian's subject key"),
    tenant: str | None = TenantOpt,
) -> None:
    """Link a parent or guardian to a child (needed before parental consent is accepted)."""
    with tenant_session(tenant) as (session, tenant_id):
        ledger.set_guardian(session, tenant_id, child, guardian_key, actor="cli")
    console.print("[green]✓[/] guardian linked")
