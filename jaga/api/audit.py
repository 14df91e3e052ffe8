"""``/v1/audit``: verify the tenant's hash chain."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from jaga import audit
from jaga.api.auth import Caller, Scope
from jaga.api.deps import get_session, require

router = APIRouter(tags=["audit"])


@router.get("/v1/audit/verify")
def verify(caller: Caller = Depends(require(Scope.audit)), session: Session = Depends(get_session)) -> dict[str, Any]:
    """Walk the chain; ``ok`` is false with the first bad entry if anything was changed, removed or inserted."""
    return asdict(audit.verify(session, caller.tenant_id))
