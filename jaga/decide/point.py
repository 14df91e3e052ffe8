"""The decision point: "may we process this person's data for this purpose, now (or at t), and why?".

A :class:`DecisionPoint` binds a policy, a way to open sessions and a tenant. ``decide`` answers for one
subject; ``decide_many`` answers for a whole list with a handful of set-based queries (never one per
subject) and shares one :class:`Decision` between subjects whose relevant state is identical, which is
what makes a million-row marketing list a matter of seconds.

Decisions are written to the audit chain according to ``audit``: ``all``, ``denials`` (the default),
``sample`` (a ``sample_rate`` share of single decisions, plus every batch summary) or ``off``. A batch
writes one summary entry (counts per reason and a digest of the denied subject keys) rather than a
million rows.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from jaga import audit
from jaga.decide.rules import Decision, Operation, Plan, evaluate, plan
from jaga.ledger import (
    EMPTY,
    Identity,
    Snapshot,
    SubjectRef,
    identity_hash,
    load_snapshots,
)
from jaga.policy import Policy

SessionFactory = Callable[[], AbstractContextManager[Session]]


class AuditMode(StrEnum):
    all = "all"
    denials = "denials"
    sample = "sample"
    off = "off"


@dataclass(frozen=True)
class BatchResult:
    """Decisions in input order (equal states share one object) and how many were allowed."""

    decisions: list[Decision]
    allowed: int

    @property
    def denied(self) -> int:
        return len(self.decisions) - self.allowed


class DecisionPoint:
    """Decisions for one tenant under one policy."""

    def __init__(
        self,
        policy: Policy,
        sessions: SessionFactory,
        tenant_id: int,
        *,
        audit_mode: AuditMode | str = AuditMode.denials,
        sample_rate: float = 0.01,
        actor: str = "decide",
    ) -> None:
        self.policy = policy
        self.sessions = sessions
        self.tenant_id = tenant_id
        self.audit_mode = AuditMode(audit_mode)
        self.sample_rate = sample_rate
        self.actor = actor
        self._plans: dict[tuple[Any, ...], Plan] = {}

    def _plan(
        self,
        purpose: str,
        categories: Sequence[str],
        recipient: str | None,
        country: str | None,
        channel: str | None,
        operation: Operation | str,
    ) -> Plan:
        """The person-independent answer, cached: services ask the same few questions all day."""
        key = (purpose, tuple(categories), recipient, country, channel, Operation(operation))
        found = self._plans.get(key)
        if found is None:
            if len(self._plans) > 1024:
                self._plans.clear()
            found = self._plans[key] = plan(
                self.policy,
                purpose,
                categories,
                recipient=recipient,
                country=country,
                channel=channel,
                operation=Operation(operation),
            )
        return found

    def _should_audit(self, decision: Decision) -> bool:
        mode = self.audit_mode
        if mode == AuditMode.all:
            return True
        if mode == AuditMode.denials:
            return not decision.allowed
        return mode == AuditMode.sample and random.random() < self.sample_rate

    def decide(
        self,
        subject: SubjectRef,
        purpose: str,
        categories: Sequence[str],
        recipient: str | None = None,
        country: str | None = None,
        at: datetime | None = None,
        *,
        channel: str | None = None,
        operation: Operation | str = Operation.use,
    ) -> Decision:
        """Decide for one subject (by ledger key or identity); an unknown subject has said nothing."""
        p = self._plan(purpose, categories, recipient, country, channel, operation)
        by_identity = isinstance(subject, Identity)
        ref = identity_hash(self.tenant_id, subject) if isinstance(subject, Identity) else subject
        with self.sessions() as session:
            found = load_snapshots(session, self.tenant_id, [ref], purpose, at, by_identity=by_identity)
            decision = evaluate(p, Snapshot(*found.get(ref, EMPTY)))
            if self._should_audit(decision):
                audit.append(
                    session,
                    self.tenant_id,
                    "decision",
                    {
                        "subject": ref,
                        "keyed_by": "identity_hash" if by_identity else "subject_key",
                        "purpose": purpose,
                        "categories": list(categories),
                        "recipient": recipient,
                        "country": country,
                        "at": at.isoformat() if at else None,
                        "allowed": decision.allowed,
                        "reasons": [r.code for r in decision.reasons],
                    },
                    actor=self.actor,
                )
        return decision

    def decide_many(
        self,
        subjects: Sequence[str] | Sequence[Identity],
        purpose: str,
        categories: Sequence[str],
        recipient: str | None = None,
        country: str | None = None,
        at: datetime | None = None,
        *,
        channel: str | None = None,
        operation: Operation | str = Operation.use,
    ) -> BatchResult:
        """Decide for a list of subjects, all given as ledger keys or all as identities."""
        p = self._plan(purpose, categories, recipient, country, channel, operation)
        by_identity = bool(subjects) and isinstance(subjects[0], Identity)
        refs: list[str] = (
            [identity_hash(self.tenant_id, s) for s in subjects if isinstance(s, Identity)]
            if by_identity
            else [s for s in subjects if isinstance(s, str)]
        )
        if len(refs) != len(subjects):
            raise TypeError("give every subject as a ledger key, or every subject as an Identity")
        with self.sessions() as session:
            found = load_snapshots(session, self.tenant_id, refs, purpose, at, by_identity=by_identity)
            memo: dict[tuple[Any, ...], Decision] = {}
            empty = tuple(EMPTY)

            def decision_for(state: tuple[Any, ...]) -> Decision:
                decision = memo.get(state)
                if decision is None:
                    decision = memo[state] = evaluate(p, Snapshot(*state))
                return decision

            get = found.get
            decisions = [decision_for(get(ref, empty)) for ref in refs]
            allowed = sum(1 for d in decisions if d.allowed)
            if self.audit_mode != AuditMode.off and (self.audit_mode != AuditMode.denials or allowed < len(refs)):
                self._audit_batch(session, refs, decisions, purpose, at, by_identity)
        return BatchResult(decisions, allowed)

    def _audit_batch(
        self,
        session: Session,
        refs: Sequence[str],
        decisions: Sequence[Decision],
        purpose: str,
        at: datetime | None,
        by_identity: bool,
    ) -> None:
        reasons: Counter[str] = Counter()
        digest = hashlib.sha256()
        for ref, decision in zip(refs, decisions, strict=True):
            if not decision.allowed:
                digest.update(ref.encode())
                reasons.update(r.code for r in decision.reasons)
        allowed = sum(1 for d in decisions if d.allowed)
        audit.append(
            session,
            self.tenant_id,
            "decision.batch",
            {
                "purpose": purpose,
                "at": at.isoformat() if at else None,
                "subjects": len(refs),
                "allowed": allowed,
                "denied": len(refs) - allowed,
                "reasons": dict(reasons),
                "keyed_by": "identity_hash" if by_identity else "subject_key",
                "denied_digest": digest.hexdigest(),
            },
            actor=self.actor,
        )
