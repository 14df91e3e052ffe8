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
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import compress, repeat
from typing import Any, cast

from sqlalchemy.orm import Session

from jaga import audit
from jaga.decide.cache import StateCache
from jaga.decide.rules import Decision, Operation, Plan, evaluate, plan
from jaga.ledger import Identity, SubjectRef, identity_hash
from jaga.ledger.batch import EMPTY_CODE, count_states, decode, load_states
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


@dataclass
class _Question:
    """A plan and its answer per state code: a question is evaluated once per distinct state."""

    plan: Plan
    answers: dict[int, Decision] = field(default_factory=dict)

    def answer(self, code: int) -> Decision:
        found = self.answers.get(code)
        if found is None:
            found = self.answers[code] = evaluate(self.plan, decode(code))
        return found


class DecisionPoint:
    """Decisions for one tenant under one policy; safe to share between threads and requests.

    A batch over more than ``scan_above`` subjects, or over at least half of the tenant's subjects
    (once it is past ``scan_from``), reads the tenant in one scan instead of looking keys up. With
    ``cache`` (the default) that scan fills a :class:`~jaga.decide.cache.StateCache`, which later batches
    for the purpose reuse after re-reading only the subjects changed since (current-time decisions by
    subject key; point-in-time and identity batches always read the store). A tenant with more than
    ``cache_limit`` subjects is not cached (about 150 bytes a subject and purpose).
    """

    def __init__(
        self,
        policy: Policy,
        sessions: SessionFactory,
        tenant_id: int,
        *,
        audit_mode: AuditMode | str = AuditMode.denials,
        sample_rate: float = 0.01,
        actor: str = "decide",
        cache: bool = True,
        scan_above: int = 50_000,
        scan_from: int = 5_000,
        cache_limit: int = 2_000_000,
    ) -> None:
        self.policy = policy
        self.sessions = sessions
        self.tenant_id = tenant_id
        self.audit_mode = AuditMode(audit_mode)
        self.sample_rate = sample_rate
        self.actor = actor
        self.scan_above = scan_above
        self.scan_from = scan_from
        self.cache_limit = cache_limit
        self._size: tuple[float, int] = (0.0, 0)  # (when counted, subjects with state)
        self.cache = StateCache(tenant_id) if cache else None
        self._questions: dict[tuple[Any, ...], _Question] = {}

    def _question(
        self,
        purpose: str,
        categories: Sequence[str],
        recipient: str | None,
        country: str | None,
        channel: str | None,
        operation: Operation | str,
    ) -> _Question:
        """The person-independent answer, cached: services ask the same few questions all day."""
        key = (purpose, tuple(categories), recipient, country, channel, operation)
        found = self._questions.get(key)
        if found is None:
            if len(self._questions) > 1024:
                self._questions.clear()
            found = self._questions[key] = _Question(
                plan(
                    self.policy,
                    purpose,
                    categories,
                    recipient=recipient,
                    country=country,
                    channel=channel,
                    operation=Operation(operation),
                )
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
        actor: str | None = None,
    ) -> Decision:
        """Decide for one subject (by ledger key or identity); an unknown subject has said nothing.

        One indexed read of the store (``actor`` overrides the point's actor in the audit chain).
        """
        question = self._question(purpose, categories, recipient, country, channel, operation)
        by_identity = isinstance(subject, Identity)
        ref = identity_hash(self.tenant_id, subject) if isinstance(subject, Identity) else subject
        with self.sessions() as session:
            found = load_states(session, self.tenant_id, [ref], purpose, at, by_identity=by_identity)
            decision = question.answer(found.get(ref, EMPTY_CODE))
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
                    actor=actor or self.actor,
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
        actor: str | None = None,
    ) -> BatchResult:
        """Decide for a list of subjects, all given as ledger keys or all as identities."""
        question = self._question(purpose, categories, recipient, country, channel, operation)
        by_identity = bool(subjects) and isinstance(subjects[0], Identity)
        if by_identity:
            refs: Sequence[str] = [identity_hash(self.tenant_id, s) for s in subjects if isinstance(s, Identity)]
            mixed = len(refs) != len(subjects)
        else:
            refs, mixed = cast(Sequence[str], subjects), not all(map(isinstance, subjects, repeat(str)))
        if mixed:
            raise TypeError("give every subject as a ledger key, or every subject as an Identity")
        with self.sessions() as session:
            codes = self._codes(session, refs, purpose, at, by_identity)
            states = list(map(codes.get, refs, repeat(EMPTY_CODE)))
            counts = Counter(states)
            table = {code: question.answer(code) for code in counts}
            decisions = list(map(table.__getitem__, states))
            allowed = sum(n for code, n in counts.items() if table[code].allowed)
            if self.audit_mode != AuditMode.off and (self.audit_mode != AuditMode.denials or allowed < len(refs)):
                self._audit_batch(session, refs, states, counts, table, purpose, at, by_identity, actor)
        return BatchResult(decisions, allowed)

    def _codes(
        self, session: Session, refs: Sequence[str], purpose: str, at: datetime | None, by_identity: bool
    ) -> Mapping[str, int]:
        """State codes for ``refs``: from the cache when it holds (or should now hold) the purpose."""
        scan = self._scan(session, len(refs))
        if self.cache is not None and at is None and not by_identity:
            build = scan and self._tenant_size(session) <= self.cache_limit
            cached = self.cache.codes(session, purpose, build=build)
            if cached is not None:
                return cached
        scan_above = 0 if scan else len(refs)
        return load_states(session, self.tenant_id, refs, purpose, at, by_identity=by_identity, scan_above=scan_above)

    def _scan(self, session: Session, n: int) -> bool:
        """Whether ``n`` subjects are read faster by scanning the tenant than by looking up their keys."""
        if n > self.scan_above:
            return True
        return n >= self.scan_from and 2 * n >= self._tenant_size(session)

    def _tenant_size(self, session: Session) -> int:
        """Subjects with any state, counted at most once a minute: it only has to be roughly right."""
        counted, size = self._size
        if time.monotonic() - counted > 60:
            size = count_states(session, self.tenant_id)
            self._size = (time.monotonic(), size)
        return size

    def _audit_batch(
        self,
        session: Session,
        refs: Sequence[str],
        states: Sequence[int],
        counts: Mapping[int, int],
        table: Mapping[int, Decision],
        purpose: str,
        at: datetime | None,
        by_identity: bool,
        actor: str | None,
    ) -> None:
        """One summary entry per batch: counts per reason and a digest of the denied keys in order."""
        denied = {code for code in counts if not table[code].allowed}
        reasons: Counter[str] = Counter()
        for code in denied:
            for reason in table[code].reasons:
                reasons[reason.code] += counts[code]
        # sha256 over the concatenation equals updating it key by key, without a Python-level loop
        digest = hashlib.sha256("".join(compress(refs, map(denied.__contains__, states))).encode())
        refused = sum(counts[code] for code in denied)
        audit.append(
            session,
            self.tenant_id,
            "decision.batch",
            {
                "purpose": purpose,
                "at": at.isoformat() if at else None,
                "subjects": len(refs),
                "allowed": len(refs) - refused,
                "denied": refused,
                "reasons": dict(reasons),
                "keyed_by": "identity_hash" if by_identity else "subject_key",
                "denied_digest": digest.hexdigest(),
            },
            actor=actor or self.actor,
        )
