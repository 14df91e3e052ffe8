"""Which database each dataset lives in. URLs come from the environment, never from the YAML, so a map
can be committed to git without secrets."""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping

from sqlalchemy import Engine, make_url

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
    """The SQLAlchemy URL of ``dataset``; ``overrides`` (dataset -> URL, ``*`` for every dataset not named
    on its own, as ``--db URL`` gives) win over the environment."""
    if overrides and (dataset in overrides or "*" in overrides):
        return overrides.get(dataset) or overrides["*"]
    name = env_var(datamap, dataset)
    url = os.environ.get(name)
    if not url:
        raise ConfigError(
            f"no database URL for dataset {dataset!r}",
            where=name,
            hint=f"set the environment variable {name} to its SQLAlchemy URL",
        )
    return url


def _check_database_name(datamap: DataMap, dataset: str, url: str) -> None:
    """A dataset whose Fides namespace names its database must be connected to that database: reading
    another one (a staging copy, a neighbour's) would answer a request from the wrong data."""
    ds = datamap.dataset(dataset)
    if ds is None or not ds.database_name:
        return
    actual = make_url(url).database
    if actual != ds.database_name:
        raise ConfigError(
            f"dataset {dataset!r} names database {ds.database_name!r} but its URL connects to another one",
            where=ds.where,
            hint=f"point {env_var(datamap, dataset)} at database {ds.database_name!r}, or fix namespace.database_name",
        )


_SHARED: OrderedDict[str, Engine] = OrderedDict()
_SHARED_LOCK = threading.Lock()
SHARED_ENGINES = 4
"""Company databases whose engines (and their pooled connections) a process keeps between batches."""


def _shared_engine(url: str, dataset: str) -> Engine:
    """The process's engine for ``url``, the least recently used beyond :data:`SHARED_ENGINES` disposed.

    A new PostgreSQL connection costs a server process and a cold catalog cache, about 10 ms before the
    first statement and slower statements after: a batch that opened its own (one per dataset and
    per table step running side by side) paid that a dozen times, for every batch of a long-running
    server. Stale pooled connections are replaced on checkout (``make_engine`` pings idle ones).
    """
    existing_database(url, where=f"dataset {dataset}")  # a SQLite file deleted since is reported, not recreated
    with _SHARED_LOCK:
        engine = _SHARED.get(url)
        if engine is not None:
            _SHARED.move_to_end(url)
            return engine
    engine = make_engine(url)
    with _SHARED_LOCK:
        kept = _SHARED.setdefault(url, engine)
        _SHARED.move_to_end(url)
        evicted = [_SHARED.popitem(last=False)[1] for _ in range(max(0, len(_SHARED) - SHARED_ENGINES))]
    for old in [*evicted, *([engine] if kept is not engine else [])]:
        old.dispose()
    return kept


class Connections:
    """One engine per dataset, created on first use.

    ``shared`` engines come from the process's small cache (:func:`_shared_engine`), so later batches
    reuse warm connections and datasets in the same database share one pool; :meth:`dispose` then
    only lets go of them. Otherwise each engine is this object's own and is disposed with it.
    """

    def __init__(self, datamap: DataMap, overrides: Mapping[str, str] | None = None, *, shared: bool = False) -> None:
        self.datamap = datamap
        self.overrides = dict(overrides or {})
        self.shared = shared
        self._engines: dict[str, Engine] = {}

    def engine(self, dataset: str) -> Engine:
        if dataset not in self._engines:
            url = dataset_url(self.datamap, dataset, self.overrides)
            _check_database_name(self.datamap, dataset, url)
            self._engines[dataset] = (
                _shared_engine(url, dataset)
                if self.shared
                else make_engine(existing_database(url, where=f"dataset {dataset}"))
            )
        return self._engines[dataset]

    def dispose(self) -> None:
        if not self.shared:
            for engine in self._engines.values():
                engine.dispose()
        self._engines.clear()
