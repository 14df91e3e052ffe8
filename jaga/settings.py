"""One Settings object for the whole process, read from ``JAGA_*`` environment variables.

The embedded default is a SQLite file in ``./jaga-data`` so that a fresh machine needs no server;
production points ``JAGA_DATABASE_URL`` at PostgreSQL.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Process-wide configuration; every field can be set as ``JAGA_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="JAGA_", extra="ignore")

    data_dir: Path = Path("jaga-data")
    database_url: str | None = None
    secret_key: str | None = None

    def effective_database_url(self) -> str:
        """The store URL: explicit setting, else a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'jaga.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The cached settings; tests clear it with ``get_settings.cache_clear()``."""
    return Settings()
