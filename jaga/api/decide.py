"""``/v1/decide``: the decision point over HTTP, for one subject or a list.

The hot path of the API: the caller comes from a short-lived cache of verified keys and the tenant's
:class:`~jaga.decide.DecisionPoint` is shared between requests (see :class:`~jaga.api.deps.ApiState`),
so a request costs one read of the store and, in ``off`` mode or for an allowed answer, no write. The
endpoints are async and hand only the store work to a few threads (``ApiState.decide_limiter``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends

from jaga.api.auth import Caller
from jaga.api.deps import ApiState, decide_caller, decide_state
from jaga.api.schemas import DecideBatchIn, DecideIn, Question
from jaga.decide import DecisionPoint
from jaga.ledger import Identity, check_purpose

router = APIRouter(tags=["decide"])


def _point(state: ApiState, caller: Caller, question: Question) -> DecisionPoint:
    point = state.point(caller)
    check_purpose(point.policy, question.purpose)
    return point


def _kwargs(q: Question, caller: Caller) -> dict[str, Any]:
    return {
        "categories": q.categories,
        "recipient": q.recipient,
        "country": q.country,
        "at": q.at,
        "channel": q.channel,
        "operation": q.operation,
        "actor": caller.actor,
    }


def _decide(point: DecisionPoint, body: DecideIn, caller: Caller) -> dict[str, Any]:
    return point.decide(body.subject.ref(), body.purpose, **_kwargs(body, caller)).as_dict()


@router.post("/v1/decide")
async def decide(
    body: DecideIn, caller: Caller = Depends(decide_caller), state: ApiState = Depends(decide_state)
) -> dict[str, Any]:
    """Is this processing allowed for this subject (now, or at ``at``)? Every "no" says why."""
    point = _point(state, caller, body)
    return await to_thread.run_sync(partial(_decide, point, body, caller), limiter=state.decide_limiter())


def _decide_batch(point: DecisionPoint, body: DecideBatchIn, caller: Caller) -> dict[str, Any]:
    subjects: list[str] | list[Identity] = body.subjects or [i.to_identity() for i in body.identities]
    result = point.decide_many(subjects, body.purpose, **_kwargs(body, caller))
    rendered: dict[int, dict[str, Any]] = {}
    results = []
    for decision in result.decisions:
        out = rendered.get(id(decision))
        if out is None:
            out = rendered[id(decision)] = {"allowed": decision.allowed, "reasons": [r.code for r in decision.reasons]}
        results.append(out)
    return {"allowed": result.allowed, "denied": result.denied, "results": results}


@router.post("/v1/decide/batch")
async def decide_batch(
    body: DecideBatchIn, caller: Caller = Depends(decide_caller), state: ApiState = Depends(decide_state)
) -> dict[str, Any]:
    """Decide for many subjects at once; ``results[i]`` answers for the i-th subject given."""
    point = _point(state, caller, body)
    return await to_thread.run_sync(partial(_decide_batch, point, body, caller), limiter=state.decide_limiter())
