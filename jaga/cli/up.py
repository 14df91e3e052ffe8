"""``jaga up``: one command from a fresh checkout to a running privacy centre and console.

It creates the data directory (SQLite store, master secret, outbox), migrates, loads the demo company
(the BPO7/Benemica policy over the sample HR/payroll + CRM system), generates a small sample database,
creates an admin account (printing its password once), prints the URLs and serves. A second run finds
everything in place and only serves, so the printed password stays the only copy.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from sqlalchemy import create_engine, inspect, text

import jaga
from jaga.cli._base import console, ensure_port_free
from jaga.errors import ConfigError, JagaError
from jaga.requests.handlers import Company
from jaga.settings import get_settings
from jaga.store import ensure_tenant, make_engine, migrate, session_scope

if TYPE_CHECKING:
    from jaga.web import WebConfig

DEMO_TENANT = "demo"
DEMO_COMPANY = "bpo7-benemica"
ADMIN_EMAIL = "admin@jaga.local"
MARKER = "demo.json"


@dataclass(frozen=True)
class Demo:
    """What ``jaga up`` set up; ``admin_password`` is only set on the run that created the account."""

    data_dir: Path
    examples: Path
    policy: Path
    datamap: Path
    sample_db: Path
    tenant: str
    admin_email: str
    admin_password: str | None
    fresh: bool

    @property
    def sample_url(self) -> str:
        return f"sqlite:///{self.sample_db}"

    def company(self) -> Company:
        """Where the demo's policy, data map and database are, for the request handlers."""
        return Company(
            tenant=self.tenant,
            policy_path=self.policy,
            datamap_paths=[self.datamap],
            connections={"sample_hr": self.sample_url, "sample_crm": self.sample_url},
            export_dir=self.data_dir / "exports",
        )


def find_examples(explicit: Path | None = None) -> Path:
    """The ``examples`` folder of the checkout (or ``explicit``), with a clear error when it is absent."""
    folder = explicit or Path(jaga.__file__).resolve().parents[1] / "examples"
    if not (folder / DEMO_COMPANY / "policy.yaml").is_file() or not (folder / "sample" / "datamap.yaml").is_file():
        raise ConfigError(
            f"no demo company found in {folder}",
            hint="run jaga up from a checkout of the jaga repository, or give --example PATH/TO/examples",
        )
    return folder.resolve()


def _sample_module(examples: Path) -> Any:
    """``examples.sample`` (the generator), importable from the checkout even when jaga is installed."""
    root = str(examples.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module("examples.sample")


def _sample_rows(path: Path) -> int:
    if not path.is_file():
        return 0
    engine = create_engine(f"sqlite:///{path}")
    try:
        if not inspect(engine).has_table("customers"):
            return 0
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM customers")).scalar_one())
    finally:
        engine.dispose()


def use_data_dir(data_dir: Path) -> Path:
    """Point the process's settings at ``data_dir`` (the outbox and master secret follow the settings)."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["JAGA_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    return data_dir


def prepare(
    data_dir: Path,
    examples: Path | None = None,
    *,
    customers: int = 300,
    employees: int = 40,
    admin_email: str = ADMIN_EMAIL,
    say: Callable[[str], None] = lambda _: None,
) -> Demo:
    """Set up (or find) the demo in ``data_dir``; idempotent: nothing is regenerated or re-created."""
    from jaga.staff import create_user, list_users

    data_dir = use_data_dir(data_dir)
    folder = find_examples(examples)
    policy, datamap = folder / DEMO_COMPANY / "policy.yaml", folder / "sample" / "datamap.yaml"
    sample_db = data_dir / "sample.db"

    engine = make_engine()
    try:
        migrate(engine)
    finally:
        engine.dispose()
    say(f"store ready in {data_dir}")

    fresh = False
    if _sample_rows(sample_db):
        say(f"sample database already there ({sample_db.name}); not regenerated")
    else:
        sample = _sample_module(folder)
        started = time.perf_counter()
        sample_db.unlink(missing_ok=True)
        target = create_engine(f"sqlite:///{sample_db}")
        try:
            sample.create_schema(target)
            counts = sample.generate(target, customers=customers, employees=employees, seed=42, progress=False)
        finally:
            target.dispose()
        fresh = True
        say(f"sample database generated: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")

    password: str | None = None
    with session_scope() as session:
        tenant_id = ensure_tenant(session, DEMO_TENANT, "BPO7 (Benemica) demo").id
        if list_users(session, tenant_id):
            say("admin account already exists; its password was shown on the first run")
        else:
            user, password = create_user(session, tenant_id, admin_email, "admin", actor="system:jaga-up")
            admin_email = user.email
            say(f"admin account created: {admin_email}")
    marker = data_dir / MARKER
    if password is not None or not marker.exists():
        marker.write_text(json.dumps({"tenant": DEMO_TENANT, "company": DEMO_COMPANY, "admin": admin_email}))
    else:
        admin_email = json.loads(marker.read_text()).get("admin", admin_email)
    return Demo(data_dir, folder, policy, datamap, sample_db, DEMO_TENANT, admin_email, password, fresh)


def web_config(host: str, port: int) -> WebConfig:
    """The demo's web configuration: the settings' (trusted hosts and proxies, secure cookies), with links
    in messages pointing where the demo is served unless ``JAGA_PUBLIC_URL`` names the public address."""
    from jaga.web import WebConfig

    settings = get_settings()
    explicit = "public_url" in settings.model_fields_set
    public = settings.public_url if explicit else f"http://{_url_host(host)}:{port}"
    return WebConfig.from_settings(settings.model_copy(update={"public_url": public}))


def _url_host(host: str) -> str:
    """``host`` as written in a URL: a wildcard bind address becomes 127.0.0.1, IPv6 gets brackets."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def up(
    data_dir: Path = typer.Option(Path("jaga-data"), "--data-dir", help="Where the store, secret and outbox live"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    example: Path | None = typer.Option(None, "--example", help="The examples folder (default: the checkout's)"),
    customers: int = typer.Option(300, "--customers", min=1, max=100_000, help="Sample customers to generate"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="--no-serve sets up and exits (tests, scripts)"),
) -> None:
    """Set up the demo company (store, sample database, admin) and serve the privacy centre and console."""
    if serve:
        ensure_port_free(host, port)
    if os.environ.get("JAGA_DATA_DIR") and data_dir == Path("jaga-data"):
        data_dir = Path(os.environ["JAGA_DATA_DIR"])
    with console.status("setting up the demo…"):
        demo = prepare(data_dir, example, customers=customers, say=lambda m: console.print(f"[green]✓[/green] {m}"))
    from jaga.web import create_web_app

    config = web_config(host, port)  # a bad JAGA_PUBLIC_URL stops here, with what to set
    base = f"http://{_url_host(host)}:{port}"
    console.print()
    console.print(f"[bold]privacy centre[/bold]  {base}/")
    console.print(f"[bold]staff console[/bold]   {base}/console/")
    console.print(f"[bold]JSON API[/bold]        {base}/api/healthz")
    console.print(f"[bold]outbox[/bold]          {demo.data_dir / 'outbox'}  (codes and links sent to people)")
    if demo.admin_password is not None:
        console.print()
        console.print(f"admin: [bold]{demo.admin_email}[/bold]  password: [bold]{demo.admin_password}[/bold]")
        console.print("[yellow]this password is shown once; jaga keeps only its argon2 hash[/yellow]")
    else:
        console.print(f"admin: {demo.admin_email} (password shown on the first run)")
    if not serve:
        return
    import uvicorn

    from jaga.cli.serve import UVICORN_OPTIONS

    app = create_web_app(
        make_engine(), tenant=demo.tenant, company=demo.company(), config=config, data_dir=demo.data_dir
    )
    console.print(f"\nserving on {base}  (Ctrl+C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", **UVICORN_OPTIONS)
    except OSError as exc:  # e.g. the port is taken
        raise JagaError(f"cannot serve on {host}:{port}: {exc.strerror}", hint="choose another with --port") from None


__all__ = ["Demo", "find_examples", "prepare", "up", "use_data_dir", "web_config"]
