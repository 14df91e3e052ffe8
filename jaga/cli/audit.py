"""``jaga audit``: check that nobody changed, removed or inserted an entry of the audit chain."""

from __future__ import annotations

import typer

from jaga import audit
from jaga.cli._base import TenantOpt, console, new_app, tenant_session

app = new_app("Inspect the tamper-evident audit chain.")


@app.command("verify")
def verify(tenant: str | None = TenantOpt) -> None:
    """Walk the tenant's chain; exit 1 and name the first bad entry if it was tampered with."""
    with tenant_session(tenant) as (session, tenant_id):
        result = audit.verify(session, tenant_id)
    if result.ok:
        console.print(f"[green]✓[/] audit chain intact: {result.checked} entries, head {result.head_hash}")
        return
    console.print(
        f"[bold red]✗[/] audit chain broken at entry {result.first_bad_seq}: {result.problem} "
        f"({result.checked} entries verified before it)"
    )
    raise typer.Exit(1)
