"""The handlers that carry out each right once a request's identity is verified.

The lifecycle (:mod:`jaga.requests.lifecycle`) knows deadlines and states but not how a right is done;
this module plugs the doers in, so the web, the API and the CLI all run a right the same way:

* access, portability, erasure, rectification, restriction → the DSR engine on the company's databases
  (:func:`jaga.requests.execute.run_requests`), found through the data map by the verified identity;
* objection → a ledger objection (to direct marketing, which the person may refuse absolutely);
* consent withdrawal → a ledger withdrawal for every purpose the person consented to;
* information → the privacy notice generated from the policy, in the person's language.

Handlers receive only a :class:`~jaga.requests.lifecycle.VerifiedSubject`, so they cannot act for anybody
but the verified person. Facts returned for the audit chain hold counts and file names, never data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jaga.datamap import load_datamap
from jaga.errors import JagaError
from jaga.ledger import EventIn, EventKind, IdentityKind, record, state_at, subject_key
from jaga.ledger.identity import Identity
from jaga.notices import render_notice
from jaga.policy import Policy, Right, load_policy, taxonomy_for
from jaga.requests import outbox
from jaga.requests.execute import NO_MATCH, BatchOutcome, RequestSpec, run_requests
from jaga.requests.lifecycle import Handler, Hooks, Notifier, Outcome, VerifiedSubject, notice_handler
from jaga.requests.outbox import Language
from jaga.requests.summaries import HELD_FACTS, describe

# The data-map identity names a verified channel may be called by (Fides datasets differ in naming).
_IDENTITY_NAMES: Mapping[IdentityKind, tuple[str, ...]] = {
    IdentityKind.email: ("email", "email_address"),
    IdentityKind.phone: ("phone", "phone_number", "mobile"),
    IdentityKind.nik: ("nik",),
    IdentityKind.customer_id: ("customer_id", "customer_no"),
}

_ENGINE_RIGHTS: Mapping[Right, str] = {
    Right.access: "access",
    Right.portability: "access",
    Right.erasure: "erasure",
    Right.rectification: "rectification",
    Right.restriction: "restriction",
}


@dataclass(frozen=True)
class Company:
    """Where one tenant's policy, data map and databases are: everything the handlers need to act."""

    tenant: str
    policy_path: Path
    datamap_paths: Sequence[Path]
    connections: Mapping[str, str] = field(default_factory=dict)
    export_dir: Path | None = None
    store_url: str | None = None

    def policy(self) -> Policy:
        return load_policy(self.policy_path)

    @cached_property
    def identity_names(self) -> frozenset[str]:
        """The identity names the data map declares, so a verified channel can be matched to one (read
        once: loading the policy and the map takes a moment, and both are fixed while jaga runs)."""
        dmap = load_datamap([str(p) for p in self.datamap_paths], taxonomy_for(self.policy()))
        return frozenset(
            f.identity for ds in dmap.datasets for coll in ds.collections for f in coll.fields if f.identity is not None
        )


def engine_kind(right: Right) -> str | None:
    """The DSR engine's request kind that carries out ``right``, or None if the engine does not do it."""
    return _ENGINE_RIGHTS.get(right)


def _identity_key(company: Company, identity: Identity) -> str:
    for name in _IDENTITY_NAMES[identity.kind]:
        if name in company.identity_names:
            return name
    raise JagaError(
        f"the data map has no identity a {identity.kind.value} can find a person by",
        where=", ".join(str(p) for p in company.datamap_paths),
        hint=f"mark the {identity.kind.value} column with fides_meta: {{identity: {identity.kind.value}}}",
    )


def _run(company: Company, kind: str, subject: VerifiedSubject, *, dry_run: bool = False) -> BatchOutcome:
    identity = subject.identity()
    spec = RequestSpec(
        kind,  # type: ignore[arg-type]
        {_identity_key(company, identity): identity.value},
        changes=subject.changes(),
    )
    return run_requests(
        [spec],
        datamap=list(company.datamap_paths),
        policy=company.policy_path,
        tenant=company.tenant,
        store_url=company.store_url,
        connections=company.connections or None,
        out_dir=company.export_dir,
        dry_run=dry_run,
        actor=f"request:{subject.request_id}",
    )


def plan_text(company: Company, subject: VerifiedSubject) -> str | None:
    """What carrying out the subject's request would do (tables, SQL, row counts), changing nothing;
    None when the right is not one the engine carries out."""
    kind = engine_kind(subject.right)
    return None if kind is None else _run(company, kind, subject, dry_run=True).plan_text


def engine_handler(company: Company, kind: str) -> Handler:
    """A handler that runs ``kind`` on the company's databases for the verified person."""

    def handle(session: Session, subject: VerifiedSubject) -> Outcome:
        # The engine runs its own audited, resumable transactions; the lifecycle's pending change must be
        # committed first, or SQLite's single writer would wait on itself.
        session.commit()
        batch = _run(company, kind, subject)
        result = batch.requests[0].result
        facts: dict[str, Any] = {
            "kind": kind,
            "batch": batch.batch_id,
            "status": batch.requests[0].status,
            "tables": result.get("tables", {}),
            "held_rows": sum(int(h.get("rows", 0)) for h in result.get("held", [])),
            # what each legal hold kept (table, field names, law, end date: no personal data), told to
            # the person in their language by describe()
            "held": [{k: h.get(k) for k in HELD_FACTS} for h in result.get("held", []) if h.get("law")],
        }
        if "export" in result:
            facts["export"] = Path(result["export"]).name
        if batch.requests[0].status not in ("done", NO_MATCH):  # a verified person we hold nothing about
            raise JagaError(
                f"the {kind} did not finish ({batch.requests[0].status})",
                where=subject.request_id,
                hint="look at the batch with `jaga requests resume`, then complete the request by hand",
            )
        return Outcome(summary=describe(facts, subject.language), facts=facts)

    return handle


def objection_handler(company: Company) -> Handler:
    """An objection to direct marketing: absolute under both laws, so it is recorded at once."""

    def handle(session: Session, subject: VerifiedSubject) -> Outcome:
        record(
            session,
            subject.tenant_id,
            subject.identity(),
            EventIn(kind=EventKind.objection),
            actor=f"request:{subject.request_id}",
        )
        facts = {"ledger": "objection"}
        return Outcome(summary=describe(facts, subject.language), facts=facts)

    return handle


def withdrawal_handler(company: Company) -> Handler:
    """Consent withdrawal: every purpose the person consented to is withdrawn, each as its own event."""

    def handle(session: Session, subject: VerifiedSubject) -> Outcome:
        key = subject_key(session, subject.tenant_id, subject.identity(), create=True)
        state = state_at(session, subject.tenant_id, key)
        withdrawn = sorted(p for p, s in state.purposes.items() if s.consent)
        for purpose in withdrawn:
            record(
                session,
                subject.tenant_id,
                key,
                EventIn(kind=EventKind.consent_withdrawn, purpose=purpose),
                actor=f"request:{subject.request_id}",
            )
        facts = {"withdrawn": withdrawn}
        return Outcome(summary=describe(facts, subject.language), facts=facts)

    return handle


def hooks_for(company: Company, *, notify: Notifier | None = outbox.send) -> Hooks:
    """The handlers for every right jaga can carry out by itself for ``company``."""
    policy = company.policy()

    def notice(regime: str, language: Language) -> str:
        return render_notice(policy, language, "md").text

    handlers: dict[Right, Handler] = {right: engine_handler(company, kind) for right, kind in _ENGINE_RIGHTS.items()}
    handlers[Right.objection] = objection_handler(company)
    handlers[Right.withdraw_consent] = withdrawal_handler(company)
    handlers[Right.information] = notice_handler(notice)
    return Hooks(handlers=handlers, notify=notify)


__all__ = [
    "Company",
    "engine_handler",
    "engine_kind",
    "hooks_for",
    "objection_handler",
    "plan_text",
    "withdrawal_handler",
]
