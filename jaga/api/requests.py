"""``/v1/requests``: run data-subject requests on the company's databases over HTTP, as the CLI does.

A batch runs set-based and crash-safe (:func:`jaga.requests.run_requests`) and the call answers when it
has ended, with each request's result (counts, held rows with their law, the verification pass; never
the data itself). Running one needs ``requests:write`` (admin, DPO); reading a batch ``requests:read``.
Everything is scoped to the caller's tenant: another tenant's batch is not found, and ``resume`` finishes
only this tenant's batches. An access export is written to the server's export folder, not sent back:
data leaves through the privacy centre's signed links, after the person proved who they are.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jaga.api.auth import Caller, Scope
from jaga.api.deps import ApiState, api_state, require
from jaga.errors import NotFoundError
from jaga.requests import BatchOutcome, RequestSpec, outcome, resume, run_requests
from jaga.store.models.dsr import DsrBatch

router = APIRouter(prefix="/v1/requests", tags=["requests"])
MAX_BATCH = 10_000
IdentityType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
"""An identity type as the data map names it (``email``, ``phone``, ``nik``, ``member_no``…)."""
IdentityValue = Annotated[str, StringConstraints(min_length=1, max_length=320)]
"""A blank value is refused by the engine (no regex here: Python's and JSON Schema's ``\\s`` differ)."""
IdentityValues = Annotated[list[IdentityValue], Field(min_length=1, max_length=10)]


class RequestIn(BaseModel):
    """One person: identity type -> value(s) as the data map names them (``email``, ``phone``, ``nik``…)."""

    model_config = ConfigDict(extra="forbid")

    identities: dict[IdentityType, IdentityValue | IdentityValues] = Field(
        min_length=1, max_length=10, json_schema_extra={"additionalProperties": False}
    )
    changes: dict[str, str] = Field(default_factory=dict, max_length=50, description="rectification: table.column")


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["access", "erasure", "rectification", "restriction"]
    requests: list[RequestIn] = Field(min_length=1, max_length=MAX_BATCH)
    dry_run: bool = Field(default=False, description="plan and count only; change nothing")
    categories: list[str] = Field(
        default_factory=list, max_length=50, description="erasure: erase only these data categories (default: all)"
    )
    masking: dict[str, str] = Field(
        default_factory=dict, max_length=50, description="erasure: category -> null|fixed|hash|pseudonym|generalise"
    )


def _answer(out: BatchOutcome) -> dict[str, Any]:
    return {
        "batch": out.batch_id,
        "type": out.kind,
        "status": out.status,
        "plan": out.plan_text,
        "requests": [{"request": r.request_id, "status": r.status, "result": r.result} for r in out.requests],
        **({"error": out.error} if out.error else {}),
    }


@router.post("/batches")
def run_batch(
    body: BatchIn, caller: Caller = Depends(require(Scope.requests_write)), state: ApiState = Depends(api_state)
) -> dict[str, Any]:
    """Run a batch of requests of one type end to end (or only plan it, with ``dry_run``)."""
    company = state.company(caller.tenant_slug)
    out = run_requests(
        [
            RequestSpec(body.type, r.identities, changes=r.changes, categories=body.categories, masking=body.masking)
            for r in body.requests
        ],
        datamap=company.datamap_paths,
        policy=company.policy_path,
        tenant=caller.tenant_slug,
        store_url=state.store_url,
        connections=company.connections,
        out_dir=company.export_dir,
        dry_run=body.dry_run,
        actor=caller.actor,
    )
    return _answer(out)


@router.get("/batches/{batch_id}")
def read_batch(
    batch_id: str = Path(max_length=64),
    caller: Caller = Depends(require(Scope.requests_read)),
    state: ApiState = Depends(api_state),
) -> dict[str, Any]:
    """A batch's state and each request's result, as stored."""
    with state.begin() as session:
        batch = session.get(DsrBatch, batch_id)
        if batch is None or batch.tenant_id != caller.tenant_id:
            raise NotFoundError("no such batch", where=batch_id)
    return _answer(outcome(batch_id, state.store_url))


@router.post("/batches/resume")
def resume_batches(
    caller: Caller = Depends(require(Scope.requests_write)), state: ApiState = Depends(api_state)
) -> dict[str, Any]:
    """Finish this tenant's batches that a crash left unfinished (safe to call at any time)."""
    company = state.company(caller.tenant_slug)
    done = resume(
        store_url=state.store_url, connections=company.connections, actor=caller.actor, tenant_id=caller.tenant_id
    )
    return {"resumed": [_answer(out) for out in done]}
