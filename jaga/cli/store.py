"""``jaga store``: create or upgrade jaga's own database."""

from __future__ import annotations

from jaga.cli._base import console, new_app
from jaga.store import make_engine, migrate, redact_url

app = new_app("Manage jaga's own database (SQLite by default, PostgreSQL via JAGA_DATABASE_URL).")


@app.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade every table of jaga's store."""
    engine = make_engine()
    migrate(engine)
    console.print(f"[green]✓[/] store at {redact_url(str(engine.url))} is up to date")
