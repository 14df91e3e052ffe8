"""Every table of jaga's own store; one module per domain so each domain owns its tables.

Importing this package registers all tables on ``Base.metadata`` (Alembic autogenerate needs that).
"""

from jaga.store.models import (  # noqa: F401  (ledger + API key tables)
    apikeys,
    dsr,
    incidents,
    ledger,
    requests,
    retention,
    staff,
    throttle,
)
from jaga.store.models.audit import AuditEntry, AuditHead
from jaga.store.models.tenant import Tenant

__all__ = ["AuditEntry", "AuditHead", "Tenant"]
