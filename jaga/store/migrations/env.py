"""Alembic environment: runs against the engine jaga hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import jaga.store.models  # noqa: F401  (registers every table)
from jaga.store.base import Base

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    context.run_migrations()
