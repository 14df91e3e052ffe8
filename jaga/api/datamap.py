"""``/v1/datamap``: the tenant's data map (where personal data lives) and its check, as ``jaga datamap show``
and ``jaga datamap check`` give them.

Both read the map the server was started with (``jaga serve --map``) and need ``requests:read``. Drafting
a map from a database URL (``jaga datamap introspect``) stays on the command line: an endpoint that
connects wherever a caller points it would let a stolen key probe the company's network.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from jaga.api.auth import Caller, Scope
from jaga.api.deps import ApiState, api_state, require
from jaga.datamap import check_datamap, edges, unlocated_notes
from jaga.requests.execute import load_config

router = APIRouter(prefix="/v1/datamap", tags=["datamap"])


@router.get("")
def show(
    caller: Caller = Depends(require(Scope.requests_read)), state: ApiState = Depends(api_state)
) -> dict[str, Any]:
    """Datasets and tables with their identities, categories and legal holds, and the reference graph."""
    company = state.company(caller.tenant_slug)
    _, dm, _ = load_config(company.policy_path, company.datamap_paths)
    return {
        "tables": [
            {
                "dataset": ds.key,
                "table": coll.name,
                "identities": {f.name: f.identity for f in coll.fields if f.identity},
                "categories": {f.name: list(f.categories) for f in coll.fields if f.categories},
                "legal_hold": coll.legal_hold,
            }
            for ds, coll in dm.collections()
        ],
        "references": [
            f"{e.src[0]}.{e.src[1]}.{e.src_field} -> {e.dst[0]}.{e.dst[1]}.{e.dst_field}" for e in edges(dm)
        ],
    }


@router.get("/check")
def check(
    caller: Caller = Depends(require(Scope.requests_read)), state: ApiState = Depends(api_state)
) -> dict[str, Any]:
    """The map against the live databases (tables and columns exist) and the policy (every personal
    category it holds is declared); ``notes`` name declared categories located in no mapped table."""
    company = state.company(caller.tenant_slug)
    policy, dm, _ = load_config(company.policy_path, company.datamap_paths)
    problems = check_datamap(dm, policy, company.connections)
    return {
        "ok": not problems,
        "tables": len(dm.collections()),
        "problems": [{"where": p.where, "message": p.message, "hint": p.hint} for p in problems],
        "notes": [{"where": p.where, "message": p.message, "hint": p.hint} for p in unlocated_notes(dm, policy)],
    }
