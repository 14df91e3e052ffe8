"""The HTTP API: ``create_app`` and the reusable auth/tenancy dependencies (see :mod:`jaga.api.deps`)."""

from jaga.api.app import create_app
from jaga.api.auth import Caller, Role, Scope, authenticate, create_api_key
from jaga.api.deps import ApiState, get_session, require, tenant_policy

__all__ = [
    "ApiState",
    "Caller",
    "Role",
    "Scope",
    "authenticate",
    "create_api_key",
    "create_app",
    "get_session",
    "require",
    "tenant_policy",
]
