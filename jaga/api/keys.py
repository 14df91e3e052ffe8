"""``/v1/apikeys``: admins create keys for their own tenant."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from jaga import audit
from jaga.api.auth import Caller, Role, Scope, create_api_key
from jaga.api.deps import get_session, require

router = APIRouter(tags=["keys"])


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(default="", max_length=120)


@router.post("/v1/apikeys", status_code=201)
def create_key(
    body: KeyIn, caller: Caller = Depends(require(Scope.keys)), session: Session = Depends(get_session)
) -> dict[str, str]:
    """A new key for the caller's tenant; the response is the only place the key is ever shown."""
    key = create_api_key(session, caller.tenant_id, body.role, body.name)
    audit.append(
        session, caller.tenant_id, "apikey.created", {"role": body.role.value, "name": body.name}, actor=caller.actor
    )
    return {"key": key, "role": body.role.value}
