"""The decision point: is this processing allowed for this person, now or at a past time, and why?

``DecisionPoint(policy, sessions, tenant_id).decide(...)`` answers for one subject and
``decide_many(...)`` for a whole list with set-based reads. Each :class:`Decision` lists every reason for
a "no" with the policy path and the article (UU PDP / GDPR).
"""

from jaga.decide.cache import StateCache
from jaga.decide.point import AuditMode, BatchResult, DecisionPoint, SessionFactory
from jaga.decide.rules import Decision, Operation, Plan, Reason, evaluate, plan

__all__ = [
    "AuditMode",
    "BatchResult",
    "Decision",
    "DecisionPoint",
    "Operation",
    "Plan",
    "Reason",
    "SessionFactory",
    "StateCache",
    "evaluate",
    "plan",
]
