"""``jaga staff``: console accounts (add, list, disable, reset-password).

A thin shell over :mod:`jaga.staff`. Generated passwords are printed once, on stdout alone, so they can
be piped into a password manager; jaga keeps only their argon2id hash. Whoever runs these commands is
recorded as the actor (``--actor``, default ``cli``) in the audit chain.
"""

from __future__ import annotations

import typer
from rich.table import Table

from jaga import staff
from jaga.cli._base import TenantOpt, console, err_console, escape, new_app, tenant_session
from jaga.policy import UTC_ZONE, show
from jaga.store import utcnow

app = new_app("Staff accounts of the admin console: add, list, disable, reset passwords.")

ActorOpt = typer.Option("cli", "--actor", envvar="JAGA_ACTOR", help="Who is acting (recorded in the audit chain)")
PromptOpt = typer.Option(False, "--prompt", help="Type the password instead of generating one")


def _password(prompt: bool) -> str | None:
    if not prompt:
        return None
    value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value


def _print_password(password: str, generated: bool) -> None:
    if generated:
        err_console.print("store this password now; jaga keeps only its hash:")
        print(password)


@app.command("add")
def add_cmd(
    email: str = typer.Argument(..., help="The staff member's work email (their login)"),
    role: str = typer.Option(..., "--role", help="admin, dpo, operator or viewer"),
    prompt: bool = PromptOpt,
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Create an account; a strong password is generated and printed once unless --prompt is given."""
    given = _password(prompt)
    with tenant_session(tenant) as (session, tenant_id):
        user, password = staff.create_user(session, tenant_id, email, role, given, actor=actor)
    console.print(f"[green]✓[/] account {user.id} ({user.role.value}) created", highlight=False)
    _print_password(password, given is None)


@app.command("list")
def list_cmd(tenant: str | None = TenantOpt) -> None:
    """Every account of the tenant with its role and state."""
    with tenant_session(tenant) as (session, tenant_id):
        users = staff.list_users(session, tenant_id)
    table = Table("id", "email", "role", "state", "last sign-in")
    for user in users:
        locked = user.locked_until is not None and user.locked_until > utcnow()
        state = "disabled" if user.disabled else "locked" if locked else "ok"
        table.add_row(
            str(user.id),
            escape(user.email),
            user.role.value,
            state,
            show(user.last_login_at, UTC_ZONE) if user.last_login_at else "-",
        )
    console.print(table)
    console.print(f"{len(users)} account(s)")


@app.command("disable")
def disable_cmd(
    email: str = typer.Argument(...),
    enable: bool = typer.Option(False, "--enable", help="Re-enable a disabled account instead"),
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Disable an account (its sessions end at once), or re-enable it with --enable."""
    with tenant_session(tenant) as (session, tenant_id):
        user = staff.set_disabled(session, tenant_id, email, not enable, actor=actor)
    console.print(f"[green]✓[/] account {user.id} {'disabled' if user.disabled else 'enabled'}", highlight=False)


@app.command("reset-password")
def reset_password_cmd(
    email: str = typer.Argument(...),
    prompt: bool = PromptOpt,
    tenant: str | None = TenantOpt,
    actor: str = ActorOpt,
) -> None:
    """Set a new password (generated and printed once unless --prompt), unlock, and end open sessions."""
    given = _password(prompt)
    with tenant_session(tenant) as (session, tenant_id):
        user, password = staff.reset_password(session, tenant_id, email, given, actor=actor)
    console.print(f"[green]✓[/] password of account {user.id} reset", highlight=False)
    _print_password(password, given is None)
