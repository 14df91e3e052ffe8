"""``jaga decide``: ask the decision point from the shell, for one subject or a file of subject keys."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import typer

from jaga.cli._base import TenantOpt, tenant_id_for
from jaga.cli.ledger import (
    AtOpt,
    CustomerOpt,
    EmailOpt,
    NikOpt,
    PhoneOpt,
    SubjectOpt,
    parse_at,
    print_json,
    subject_ref,
)
from jaga.decide import AuditMode, DecisionPoint, Operation
from jaga.policy import load_policy
from jaga.store import session_scope


def decide(
    purpose: str = typer.Option(..., "--purpose", help="Purpose key from the policy"),
    category: list[str] = typer.Option(..., "--category", "-c", help="Data category (repeat for several)"),
    policy: Path = typer.Option(..., "--policy", envvar="JAGA_POLICY", help="Policy YAML"),
    recipient: str | None = typer.Option(None, "--recipient", help="Recipient key"),
    country: str | None = typer.Option(None, "--country", help="Destination country (ISO code)"),
    channel: str | None = typer.Option(None, "--channel", help="Contact channel (email, sms, ...)"),
    operation: Operation = typer.Option(Operation.use, "--operation"),
    subjects_file: Path | None = typer.Option(None, "--subjects-file", help="File with one subject key a line"),
    audit: AuditMode = typer.Option(AuditMode.denials, "--audit", help="Which decisions go to the audit chain"),
    at: str | None = AtOpt,
    tenant: str | None = TenantOpt,
    email: str | None = EmailOpt,
    phone: str | None = PhoneOpt,
    nik: str | None = NikOpt,
    customer_id: str | None = CustomerOpt,
    subject: str | None = SubjectOpt,
) -> None:
    """Is this processing allowed? Prints the decision with every reason and article (exit 1 if denied)."""
    loaded = load_policy(policy)
    point = DecisionPoint(loaded, partial(session_scope, None), tenant_id_for(tenant), audit_mode=audit, actor="cli")
    kwargs: dict[str, Any] = {
        "recipient": recipient,
        "country": country,
        "at": parse_at(at),
        "channel": channel,
        "operation": operation,
    }
    if subjects_file is not None:
        keys = [line.strip() for line in subjects_file.read_text().splitlines() if line.strip()]
        result = point.decide_many(keys, purpose, category, **kwargs)
        print_json({"allowed": result.allowed, "denied": result.denied})
        return
    decision = point.decide(subject_ref(email, phone, nik, customer_id, subject), purpose, category, **kwargs)
    print_json(decision.as_dict())
    if not decision.allowed:
        raise typer.Exit(1)
