"""The ``jaga`` command: a thin shell over the domain modules, one sub-command group per module."""

from __future__ import annotations

import typer

from jaga import __version__
from jaga.cli import audit as audit_cli
from jaga.cli import datamap as datamap_cli
from jaga.cli import decide as decide_cli
from jaga.cli import discover as discover_cli
from jaga.cli import dsr as dsr_cli
from jaga.cli import incidents as incidents_cli
from jaga.cli import ledger as ledger_cli
from jaga.cli import notices as notices_cli
from jaga.cli import requests as requests_cli
from jaga.cli import retention as retention_cli
from jaga.cli import serve as serve_cli
from jaga.cli import staff as staff_cli
from jaga.cli import store
from jaga.cli import tenant as tenant_cli
from jaga.cli import up as up_cli
from jaga.cli._base import JagaGroup, console
from jaga.cli.check import check
from jaga.cli.ingest import ingest
from jaga.cli.reference import regimes_app, taxonomy_app

app = typer.Typer(
    help="jaga makes a privacy policy executable: policy-as-code for UU PDP and GDPR.",
    cls=JagaGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("check")(check)
app.command("ingest")(ingest)
app.add_typer(taxonomy_app, name="taxonomy")
app.add_typer(regimes_app, name="regimes")
app.add_typer(store.app, name="store")
app.add_typer(tenant_cli.app, name="tenant")
# policy -> decision
app.command("decide")(decide_cli.decide)
app.add_typer(ledger_cli.consent_app, name="consent")
app.add_typer(ledger_cli.app, name="ledger")
# where the data lives
app.add_typer(datamap_cli.app, name="datamap")
app.add_typer(discover_cli.app, name="discover")
app.command("redact")(discover_cli.redact_command)
# actions: requests, notices, incidents
app.add_typer(dsr_cli.app, name="dsr")
app.add_typer(requests_cli.app, name="requests")
app.add_typer(notices_cli.app, name="notice")
app.add_typer(incidents_cli.app, name="incident")
app.add_typer(retention_cli.app, name="retention")
# audit and serving
app.add_typer(audit_cli.app, name="audit")
app.add_typer(serve_cli.apikey_app, name="apikey")
app.add_typer(staff_cli.app, name="staff")
app.command("serve")(serve_cli.serve)
app.command("up")(up_cli.up)


@app.command("version")
def version() -> None:
    """Print jaga's version."""
    console.print(f"jaga {__version__}")


def main() -> None:
    app()
