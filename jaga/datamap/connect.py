"""Which database each dataset lives in. URLs come from the environment, never from the YAML, so a map
can be committed to git without secrets."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from sqlalchemy import Engine

from jaga.datamap.model import DataMap
from jaga.errors import ConfigError
from jaga.store import existing_database, make_engine


def env_var(datamap: DataMap, dataset: str) -> str:
    """The environment variable holding ``dataset``'s URL: declared in the map, else JAGA_DB_<KEY>_URL."""
    ds = datamap.dataset(dataset)
    if ds is not None and ds.connection:
        return ds.connection
    return "JAGA_DB_" + re.sub(r"[^A-Z0-9]", "_", dataset.upper()) + "_URL"


def dataset_url(datamap: DataMap, dataset: str, overrides: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL of ``dataset``; ``overrides`` (dataset -> URL) wins, for tests and the API."""
    if overrides and dataset in overrides:
        return overrides[dataset]
    name = env_var(datamap, dataset)
    url = os.environ.get(name)
    if not url:
        raise ConfigError(
            f"no database URL for dataset {dataset!r}",
            where=name,
            hint=f"set the environment variable {name} to its SQLAlchemy URL",
        )
    return url


class Connections:
    """One engine per dataset, created on first use and disposed together."""

    def __init__(self, datamap: DataMap, overrides: Mapping[str, str] | None = None) -> None:
        self.datamap = datamap
        self.overrides = dict(overrides or {})
        self._engines: dict[str, Engine] = {}

    def engine(self, dataset: str) -> Engine:
        if dataset not in self._engines:
            url = dataset_url(self.datamap, dataset, self.overrides)
            self._engines[dataset] = make_engine(existing_database(url, where=f"dataset {dataset}"))
        return self._engines[dataset]

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
