"""The ``jaga`` command: a thin shell over the domain modules, one sub-command group per module."""

from __future__ import annotations

import typer

from jaga import __version__
from jaga.cli import store
from jaga.cli._base import JagaGroup, console
from jaga.cli.check import check
from jaga.cli.reference import regimes_app, taxonomy_app

app = typer.Typer(
    help="jaga makes a privacy policy executable: policy-as-code for UU PDP and GDPR.",
    cls=JagaGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("check")(check)
app.add_typer(taxonomy_app, name="taxonomy")
app.add_typer(regimes_app, name="regimes")
app.add_typer(store.app, name="store")


@app.command("version")
def version() -> None:
    """Print jaga's version."""
    console.print(f"jaga {__version__}")


def main() -> None:
    app()
