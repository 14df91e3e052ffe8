"""``/v1/apikeys``: admins create, list, revoke and rotate keys of their own tenant (all audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from jaga.api.auth import (
    Caller,
    KeyInfo,
    Role,
    Scope,
    issue_api_key,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
)
from jaga.api.deps import get_session, require

router = APIRouter(tags=["keys"])
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The key's id (from the list)")]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(default="", max_length=120)


class NewKey(BaseModel):
    """A key just made; ``key`` is shown here once and never again."""

    id: int
    key: str
    role: str


@router.post("/v1/apikeys", status_code=201)
def create_key(
    body: KeyIn, caller: Caller = Depends(require(Scope.keys)), session: Session = Depends(get_session)
) -> NewKey:
    """A new key for the caller's tenant; the response is the only place the key is ever shown."""
    key_id, key = issue_api_key(session, caller.tenant_id, body.role, body.name, actor=caller.actor)
    return NewKey(id=key_id, key=key, role=body.role.value)


@router.get("/v1/apikeys")
def list_keys(caller: Caller = Depends(require(Scope.keys)), session: Session = Depends(get_session)) -> list[KeyInfo]:
    """The tenant's keys, revoked ones included."""
    return list_api_keys(session, caller.tenant_id)


@router.post("/v1/apikeys/{key_id}/revoke", status_code=204)
def revoke_key(
    key_id: KeyId, caller: Caller = Depends(require(Scope.keys)), session: Session = Depends(get_session)
) -> None:
    """Revoke a key: writes with it stop at once, reads within a second, in every worker."""
    revoke_api_key(session, caller.tenant_id, key_id, actor=caller.actor)


@router.post("/v1/apikeys/{key_id}/rotate", status_code=201)
def rotate_key(
    key_id: KeyId, caller: Caller = Depends(require(Scope.keys)), session: Session = Depends(get_session)
) -> NewKey:
    """A new key of the same role and name; the old one is revoked in the same transaction."""
    new_id, role, key = rotate_api_key(session, caller.tenant_id, key_id, actor=caller.actor)
    return NewKey(id=new_id, key=key, role=role)
