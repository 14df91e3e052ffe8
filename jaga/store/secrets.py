"""Tenant secrets: the keys that turn identities into HMACs and sign links.

Only one master secret exists (``JAGA_SECRET_KEY`` or a ``secret.key`` file made on first use with
owner-only permissions); each tenant's key is derived from it, so a copy of the database alone never
reveals how to recompute identity hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga.errors import ConfigError
from jaga.settings import Settings, get_settings
from jaga.store.models.tenant import Tenant


def master_secret(settings: Settings | None = None) -> bytes:
    """The installation's master secret, created in the data directory if none is configured."""
    settings = settings or get_settings()
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ConfigError("JAGA_SECRET_KEY is too short", hint="use at least 32 random characters")
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def tenant_secret(tenant_id: int, purpose: str = "identity", settings: Settings | None = None) -> bytes:
    """A per-tenant, per-purpose key derived from the master secret."""
    return hmac.new(master_secret(settings), f"jaga/{purpose}/tenant/{tenant_id}".encode(), hashlib.sha256).digest()


def ensure_tenant(session: Session, slug: str, name: str | None = None) -> Tenant:
    """The tenant with ``slug``, created if missing."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        tenant = Tenant(slug=slug, name=name or slug)
        session.add(tenant)
        session.flush()
    return tenant
