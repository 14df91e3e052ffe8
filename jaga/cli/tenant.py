"""``jaga tenant``: create the tenant the other commands act for, and list the tenants there are.

Every other command finds its tenant through ``--tenant``/``JAGA_TENANT`` (or the only one) and never
creates it, so this is the one place a tenant comes into being on the command line.
"""

from __future__ import annotations

import typer
from rich.table import Table

from jaga.cli._base import console, escape, new_app, store_ready
from jaga.store import create_tenant, list_tenants, make_engine, migrate, session_scope

app = new_app("Tenants: each company served by this jaga installation, isolated from the others.")


@app.command("create")
def create_cmd(
    slug: str = typer.Argument(..., help="Short name: lower-case letters, digits and hyphens, e.g. acme"),
    name: str | None = typer.Option(None, "--name", help="The company's display name (default: the short name)"),
) -> None:
    """Create a tenant (and jaga's store, if this is the first one)."""
    migrate(make_engine())
    with session_scope() as session:
        tenant = create_tenant(session, slug, name)
        console.print(f"[green]✓[/] tenant {escape(tenant.slug)} created")
    console.print(f"use it with --tenant {escape(slug)} or JAGA_TENANT={escape(slug)}")


@app.command("list")
def list_cmd() -> None:
    """Every tenant with its display name."""
    with session_scope() as session:
        with store_ready():
            tenants = list_tenants(session)
        table = Table("tenant", "name", "created (UTC)")
        for t in tenants:
            table.add_row(escape(t.slug), escape(t.name), t.created_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table if tenants else "no tenant yet: `jaga tenant create NAME` makes one")
