"""API keys and roles: who may call which endpoint, for which tenant.

A key is ``jaga_<prefix>_<secret>``; only the SHA-256 of the whole key is stored (keys are 256-bit
random, so a slow hash would add latency and no safety). The prefix finds the row, the hash is compared
in constant time, and the row's tenant is the only tenant the caller can ever see.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError, NotFoundError, PermissionDenied
from jaga.store.base import utcnow
from jaga.store.models.apikeys import ApiKey
from jaga.store.models.tenant import Tenant


class Role(StrEnum):
    admin = "admin"
    dpo = "dpo"
    operator = "operator"
    service = "service"


class Scope(StrEnum):
    """What an endpoint needs; routers of other domains may add scopes here (e.g. ``requests:write``)."""

    ledger_read = "ledger:read"
    ledger_write = "ledger:write"
    decide = "decide"
    audit = "audit"
    keys = "keys"
    requests_read = "requests:read"
    requests_write = "requests:write"
    policies_write = "policies:write"


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.admin: frozenset(Scope),
    Role.dpo: frozenset(
        {
            Scope.ledger_read,
            Scope.ledger_write,
            Scope.decide,
            Scope.audit,
            Scope.requests_read,
            Scope.requests_write,
            Scope.policies_write,
        }
    ),
    Role.operator: frozenset({Scope.ledger_read, Scope.ledger_write, Scope.decide, Scope.requests_read}),
    Role.service: frozenset({Scope.ledger_write, Scope.decide}),
}


class Unauthenticated(PermissionDenied):
    """No usable API key was presented (HTTP 401, unlike a role that lacks a scope: 403)."""


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a request: every query must be filtered by ``tenant_id``."""

    tenant_id: int
    tenant_slug: str
    role: Role
    key_id: int

    @property
    def actor(self) -> str:
        """How the caller appears in the audit chain (never the key itself)."""
        return f"apikey:{self.key_id}:{self.role.value}"

    def can(self, scope: Scope) -> bool:
        return scope in ROLE_SCOPES[self.role]


CALLER_TTL = 1.0
"""Seconds a worker may trust a verified key for reads and decisions without asking the store again:
the longest a revoked key keeps working (writes always ask the store)."""


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(session: Session, tenant_id: int, role: Role | str, name: str = "") -> str:
    """Create a key and return it; this is the only time the full key exists outside the caller."""
    try:
        parsed = Role(role)
    except ValueError:
        raise JagaError(f"unknown role {role!r}", hint=f"use one of {', '.join(r.value for r in Role)}") from None
    prefix = secrets.token_hex(6)
    raw = f"jaga_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(tenant_id=tenant_id, prefix=prefix, hash=_digest(raw), role=parsed.value, name=name or parsed.value)
    )
    session.flush()
    return raw


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never the key or its hash, only the public prefix."""

    id: int
    prefix: str
    role: str
    name: str
    created_at: str
    revoked_at: str | None


def list_api_keys(session: Session, tenant_id: int) -> list[KeyInfo]:
    """The tenant's keys, newest first, revoked ones included (they stay for the audit trail)."""
    rows = session.scalars(select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.id.desc()))
    return [
        KeyInfo(
            k.id, k.prefix, k.role, k.name, k.created_at.isoformat(), k.revoked_at.isoformat() if k.revoked_at else None
        )
        for k in rows
    ]


def _live_key(session: Session, tenant_id: int, key_id: int) -> ApiKey:
    """The tenant's key ``key_id``, locked for the change; another tenant's key is simply not found."""
    key = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id).with_for_update())
    if key is None:
        raise NotFoundError(f"no API key {key_id}", hint="list the keys with `jaga apikey list`")
    if key.revoked_at is not None:
        raise JagaError(f"API key {key_id} is already revoked", hint="create a new key instead")
    return key


def revoke_api_key(session: Session, tenant_id: int, key_id: int, *, actor: str) -> None:
    """Revoke a key in the caller's transaction and record it in the audit chain.

    Writes check the store on every call, so they stop at once; reads trust a key for at most
    :data:`CALLER_TTL` seconds in each worker, so they stop within that.
    """
    key = _live_key(session, tenant_id, key_id)
    key.revoked_at = utcnow()
    audit.append(session, tenant_id, "apikey.revoked", {"key": key.id, "prefix": key.prefix}, actor=actor)


def issue_api_key(session: Session, tenant_id: int, role: Role | str, name: str = "", *, actor: str) -> tuple[int, str]:
    """Create a key and record it in the audit chain (its id, role and name; never the key): the one way
    the CLI, the API and the console make keys. Returns the new key's id and the key."""
    raw = create_api_key(session, tenant_id, role, name)
    key_id = key_id_of(session, raw)
    audit.append(
        session, tenant_id, "apikey.created", {"key": key_id, "role": Role(role).value, "name": name}, actor=actor
    )
    return key_id, raw


def key_id_of(session: Session, raw: str) -> int:
    """The id of a key just created in this session (found by its public prefix)."""
    found = session.scalar(select(ApiKey.id).where(ApiKey.prefix == raw.split("_")[1]))
    assert found is not None
    return found


def rotate_api_key(session: Session, tenant_id: int, key_id: int, *, actor: str) -> tuple[int, str, str]:
    """Replace a key by a new one of the same role and name, revoking the old one in the same
    transaction (audited); returns the new key's id, its role and the key, shown only this once."""
    old = _live_key(session, tenant_id, key_id)
    raw = create_api_key(session, tenant_id, old.role, old.name)
    new = session.get(ApiKey, key_id_of(session, raw))
    assert new is not None
    old.revoked_at = utcnow()
    audit.append(
        session,
        tenant_id,
        "apikey.rotated",
        {"key": old.id, "prefix": old.prefix, "new_key": new.id, "new_prefix": new.prefix},
        actor=actor,
    )
    return new.id, new.role, raw


def authenticate(session: Session, raw: str | None) -> Caller:
    """The caller behind ``raw``; :class:`PermissionDenied` for a missing, malformed, unknown or revoked key."""
    parts = (raw or "").split("_")
    if len(parts) < 3 or parts[0] != "jaga":
        raise Unauthenticated(
            "missing or malformed API key",
            hint="send 'Authorization: Bearer jaga_...' (create one with `jaga apikey create`)",
        )
    row = session.execute(
        select(ApiKey, Tenant.slug).join(Tenant, Tenant.id == ApiKey.tenant_id).where(ApiKey.prefix == parts[1])
    ).first()
    if row is None or row[0].revoked_at is not None or not hmac.compare_digest(row[0].hash, _digest(raw or "")):
        raise Unauthenticated("invalid API key", hint="check the key or create a new one")
    key, slug = row
    return Caller(key.tenant_id, slug, Role(key.role), key.id)
