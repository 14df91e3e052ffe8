"""What every jaga command shares: user errors become one clear message and exit code 2, the tenant
a command acts for, and the company databases it reaches.

The handling sits in the Click group so that it applies identically to ``jaga`` on the command line and
to ``CliRunner`` in tests; unexpected bugs still raise so they are not hidden.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from typer.core import TyperGroup

from jaga.errors import ConfigError, JagaError
from jaga.store import Tenant, find_tenant, session_scope

console = Console()
err_console = Console(stderr=True)


_HOSTILE_INPUT: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "the input is nested too deeply to read"),
    (UnicodeDecodeError, "an input file is not text in the expected encoding (UTF-8)"),
)
"""Failures only a hostile or broken input file causes, should a reader not name them itself: still one
message and exit 2 (usage), never a traceback with exit 1 (which means "findings")."""


class JagaGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        try:
            return super().invoke(ctx)
        except JagaError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise SystemExit(2) from None
        except (RecursionError, UnicodeDecodeError) as exc:
            message = next(text for cls, text in _HOSTILE_INPUT if isinstance(exc, cls))
            err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
            err_console.print("  hint: check the files given to this command (save them as UTF-8, flatten the nesting)")
            raise SystemExit(2) from None


def escape(text: str) -> str:
    """Text safe to print through Rich markup (file paths and YAML often contain brackets)."""
    from rich.markup import escape as _escape

    return _escape(text)


def new_app(help_text: str) -> typer.Typer:
    """A sub-command group that shares jaga's error handling."""
    return typer.Typer(
        help=help_text, cls=JagaGroup, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode="rich"
    )


TenantOpt = typer.Option(
    None,
    "--tenant",
    envvar="JAGA_TENANT",
    help="Tenant to act for (default: the only tenant, if there is just one; `jaga tenant list`)",
)
DbOpt = typer.Option(
    [], "--db", help="SQLAlchemy URL of every dataset, or DATASET=URL for one (repeat); else JAGA_DB_<DATASET>_URL"
)


@contextmanager
def store_ready() -> Iterator[None]:
    """Around the first read of jaga's store: missing tables become one message saying what to run.

    Only there: a missing table later on (a company database's, say) must not read as "set up the store".
    """
    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        if not any(m in str(exc.orig) for m in ("no such table", "does not exist", "doesn't exist")):
            raise
        raise ConfigError(
            "the store is not set up yet (tables missing)",
            hint="run `jaga tenant create NAME` (or `jaga store migrate`, or `jaga up`) first",
        ) from None


@contextmanager
def tenant_store(slug: str | None) -> Iterator[tuple[Session, Tenant]]:
    """A committed-on-success session and an existing tenant, never created on the way (``find_tenant``)."""
    with session_scope() as session:
        with store_ready():
            tenant = find_tenant(session, slug)
        yield session, tenant


@contextmanager
def tenant_session(slug: str | None) -> Iterator[tuple[Session, int]]:
    """:func:`tenant_store` with the tenant's id, which is what most domain calls take."""
    with tenant_store(slug) as (session, tenant):
        yield session, tenant.id


def tenant_id_for(slug: str | None) -> int:
    """The id of the tenant ``--tenant``/``JAGA_TENANT`` names (or the only one)."""
    with tenant_store(slug) as (_, tenant):
        return tenant.id


def tenant_slug(slug: str | None) -> str:
    """The slug of that tenant, for domain calls that take a slug."""
    with tenant_store(slug) as (_, tenant):
        return tenant.slug


def db_urls(values: list[str]) -> dict[str, str]:
    """``--db URL`` applies to every dataset (key ``*``); ``--db DATASET=URL`` to one."""
    urls: dict[str, str] = {}
    for value in values:
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$", value)
        key, url = (match.group(1), match.group(2)) if match else ("*", value)
        urls[key] = url
    return urls


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on before anything is printed or set up.

    Left to uvicorn, a busy port gave the banner, then uvicorn's own log line and exit code 1.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}",
                hint="stop the program that uses it, or choose another port with --port",
            ) from None
