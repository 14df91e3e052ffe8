"""Which tenant a command acts for: create one on purpose, list them, find one by its slug.

Nothing here creates a tenant as a side effect. A mistyped or forgotten tenant used to become a new,
empty tenant (requests, consent and staff accounts the console of the real tenant never saw); now it is
an error that names the tenants there are and how to create one.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga.errors import JagaError, NotFoundError
from jaga.store.models.tenant import Tenant

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
CREATE_HINT = "create it with `jaga tenant create NAME` (`jaga tenant list` shows the tenants there are)"


def list_tenants(session: Session) -> list[Tenant]:
    """Every tenant, oldest first."""
    return list(session.scalars(select(Tenant).order_by(Tenant.id)))


def create_tenant(session: Session, slug: str, name: str | None = None) -> Tenant:
    """A new tenant; an invalid or taken slug is refused rather than reused."""
    if not SLUG.fullmatch(slug):
        raise JagaError(
            f"{slug!r} is not a valid tenant name",
            hint="use lower-case letters, digits and hyphens (at most 64), e.g. acme or pt-contoh",
        )
    if session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise JagaError(f"tenant {slug!r} already exists", hint="pick another name, or use it with --tenant")
    tenant = Tenant(slug=slug, name=name or slug)
    session.add(tenant)
    session.flush()
    return tenant


def find_tenant(session: Session, slug: str | None) -> Tenant:
    """The tenant named ``slug``; with no name, the only tenant there is (an error if none or several)."""
    if slug:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise NotFoundError(f"unknown tenant {slug!r}{_known(session)}", hint=CREATE_HINT)
        return tenant
    tenants = list_tenants(session)
    if len(tenants) == 1:
        return tenants[0]
    if not tenants:
        raise NotFoundError("there is no tenant yet", hint=CREATE_HINT + ", then name it with --tenant or JAGA_TENANT")
    raise JagaError(
        f"several tenants exist{_known(session)}", hint="name one with --tenant NAME or the JAGA_TENANT variable"
    )


def _known(session: Session) -> str:
    slugs = [t.slug for t in list_tenants(session)]
    shown = ", ".join(slugs[:10]) + (", ..." if len(slugs) > 10 else "")
    return f" (tenants: {shown})" if slugs else " (there is no tenant yet)"
