"""``jaga serve`` (the HTTP API under uvicorn) and ``jaga apikey create|list|revoke|rotate``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from jaga.api.auth import Role, issue_api_key, list_api_keys, revoke_api_key, rotate_api_key
from jaga.cli._base import TenantOpt, console, ensure_port_free, err_console, new_app, tenant_session
from jaga.datamap import load_datamap
from jaga.decide import AuditMode
from jaga.errors import JagaError
from jaga.policy import load_policy, taxonomy_for
from jaga.store import make_engine, migrate

apikey_app = new_app("Manage API keys (only a hash of each key is stored).")

UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False}
"""How ``jaga serve`` and ``jaga up`` run uvicorn. Its proxy headers are off: by default it believes
``X-Forwarded-For`` from any local client, which would let one client pose as many against the rate
limits; jaga reads that header itself, from ``JAGA_TRUSTED_PROXIES`` only."""


def serve(
    policy: Path | None = typer.Option(None, "--policy", envvar="JAGA_POLICY", help="Policy YAML for all tenants"),
    datamap: list[Path] = typer.Option(
        [], "--map", "-m", help="Data-map YAML file(s), to run data-subject requests over /v1/requests (needs --policy)"
    ),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    audit: AuditMode = typer.Option(AuditMode.denials, "--audit", help="Which decisions go to the audit chain"),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Worker processes; about one per core for thousands of decisions a second"
    ),
) -> None:
    """Serve the HTTP API (OpenAPI at /docs); the store is migrated first."""
    import uvicorn

    from jaga.api import create_app
    from jaga.api.app import SERVE_AUDIT, SERVE_HOSTS, SERVE_MAPS, SERVE_POLICY, served_company, served_hosts

    ensure_port_free(host, port)
    loaded = load_policy(policy) if policy else None  # a bad policy stops here, once, with its line
    if datamap and policy is None:
        raise JagaError("--map needs --policy", hint="the data map's categories are checked against the policy")
    company = served_company(policy, datamap)
    if company is not None and loaded is not None:  # a bad map stops here too, with its file and line
        load_datamap([str(p) for p in company.datamap_paths], taxonomy_for(loaded))
    hosts = served_hosts(host)  # a bad JAGA_PUBLIC_URL stops here, with what to set
    engine = make_engine()
    migrate(engine)
    console.print(f"jaga API on http://{host}:{port}/docs" + (f" ({workers} workers)" if workers > 1 else ""))
    if workers == 1:
        uvicorn.run(
            create_app(engine, loaded, audit_mode=audit, company=company, allowed_hosts=hosts),
            host=host,
            port=port,
            log_level="info",
            **UVICORN_OPTIONS,
        )
        return
    engine.dispose()
    os.environ[SERVE_POLICY] = str(policy.resolve()) if policy else ""
    os.environ[SERVE_AUDIT] = audit.value
    os.environ[SERVE_MAPS] = os.pathsep.join(str(p.resolve()) for p in datamap)
    os.environ[SERVE_HOSTS] = ",".join(hosts)
    uvicorn.run(
        "jaga.api.app:served_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        **UVICORN_OPTIONS,
    )


@apikey_app.command("create")
def create(
    role: Role = typer.Option(..., "--role", help="admin, dpo, operator or service"),
    name: str = typer.Option("", "--name", help="A label, e.g. the system that uses the key"),
    tenant: str | None = TenantOpt,
) -> None:
    """Create an API key for a tenant and print it once (it cannot be shown again)."""
    with tenant_session(tenant) as (session, tenant_id):
        new_id, key = issue_api_key(session, tenant_id, role, name, actor="cli")
    err_console.print(f"key {new_id}: store this key now; jaga keeps only its hash:")
    print(key)


@apikey_app.command("list")
def list_keys(tenant: str | None = TenantOpt) -> None:
    """List the tenant's keys (id, prefix, role, name, created, revoked); never the keys themselves."""
    with tenant_session(tenant) as (session, tenant_id):
        keys = list_api_keys(session, tenant_id)
    if not keys:
        console.print("no API keys (create one with `jaga apikey create`)")
    for k in keys:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        console.print(f"{k.id}\tjaga_{k.prefix}_…\t{k.role}\t{k.name}\tcreated {k.created_at}\t{state}", markup=False)


@apikey_app.command("revoke")
def revoke(
    key_id: int = typer.Argument(..., help="The key's id (see `jaga apikey list`)"), tenant: str | None = TenantOpt
) -> None:
    """Revoke a key at once (audited): writes stop now, reads within a second, in every worker."""
    with tenant_session(tenant) as (session, tenant_id):
        revoke_api_key(session, tenant_id, key_id, actor="cli")
    console.print(f"[green]✓[/] key {key_id} revoked")


@apikey_app.command("rotate")
def rotate(
    key_id: int = typer.Argument(..., help="The key's id (see `jaga apikey list`)"), tenant: str | None = TenantOpt
) -> None:
    """Replace a key by a new one of the same role and name; the old one is revoked (audited)."""
    with tenant_session(tenant) as (session, tenant_id):
        new_id, _, key = rotate_api_key(session, tenant_id, key_id, actor="cli")
    err_console.print(f"key {key_id} revoked; new key {new_id}: store it now, jaga keeps only its hash:")
    print(key)
