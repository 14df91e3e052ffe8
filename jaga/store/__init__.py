"""jaga's own database: tables, engines, sessions, migrations and tenant secrets."""

from jaga.store.base import Base, UTCDateTime, utcnow
from jaga.store.db import (
    check_connection,
    downgrade,
    existing_database,
    make_engine,
    migrate,
    redact_url,
    session_scope,
)
from jaga.store.models import Tenant
from jaga.store.secrets import ensure_tenant, master_secret, tenant_secret
from jaga.store.tenants import create_tenant, find_tenant, list_tenants

__all__ = [
    "Base",
    "Tenant",
    "UTCDateTime",
    "check_connection",
    "create_tenant",
    "downgrade",
    "ensure_tenant",
    "existing_database",
    "find_tenant",
    "list_tenants",
    "make_engine",
    "master_secret",
    "migrate",
    "redact_url",
    "session_scope",
    "tenant_secret",
    "utcnow",
]
