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

from jaga.errors import JagaError, PermissionDenied
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
