"""``/v1/decide``: the decision point over HTTP, for one subject or a list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from jaga.api.auth import Caller, Scope
from jaga.api.deps import ApiState, api_state, require, tenant_policy
from jaga.api.schemas import DecideBatchIn, DecideIn, Question
from jaga.decide import DecisionPoint
from jaga.ledger import Identity, check_purpose
from jaga.policy import Policy

router = APIRouter(tags=["decide"])


def _point(state: ApiState, caller: Caller, policy: Policy, question: Question) -> DecisionPoint:
    check_purpose(policy, question.purpose)
    return DecisionPoint(policy, state.begin, caller.tenant_id, audit_mode=state.audit_mode, actor=caller.actor)


def _kwargs(q: Question) -> dict[str, Any]:
    return {
        "categories": q.categories,
        "recipient": q.recipient,
        "country": q.country,
        "at": q.at,
        "channel": q.channel,
        "operation": q.operation,
    }


@router.post("/v1/decide")
def decide(
    body: DecideIn,
    caller: Caller = Depends(require(Scope.decide)),
    state: ApiState = Depends(api_state),
    policy: Policy = Depends(tenant_policy),
) -> dict[str, Any]:
    """Is this processing allowed for this subject (now, or at ``at``)? Every "no" says why."""
    point = _point(state, caller, policy, body)
    return point.decide(body.subject.ref(), body.purpose, **_kwargs(body)).as_dict()


@router.post("/v1/decide/batch")
def decide_batch(
    body: DecideBatchIn,
    caller: Caller = Depends(require(Scope.decide)),
    state: ApiState = Depends(api_state),
    policy: Policy = Depends(tenant_policy),
) -> dict[str, Any]:
    """Decide for many subjects at once; ``results[i]`` answers for the i-th subject given."""
    point = _point(state, caller, policy, body)
    subjects: list[str] | list[Identity] = body.subjects or [i.to_identity() for i in body.identities]
    result = point.decide_many(subjects, body.purpose, **_kwargs(body))
    rendered: dict[int, dict[str, Any]] = {}
    results = []
    for decision in result.decisions:
        out = rendered.get(id(decision))
        if out is None:
            out = rendered[id(decision)] = {"allowed": decision.allowed, "reasons": [r.code for r in decision.reasons]}
        results.append(out)
    return {"allowed": result.allowed, "denied": result.denied, "results": results}
