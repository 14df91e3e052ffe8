"""Engines, sessions and migrations for jaga's own store (not the company's databases).

SQLite is the embedded default: WAL and foreign keys are switched on at connect time so that it behaves
like the server databases for the guarantees jaga relies on (referential integrity, concurrent reads).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, event, make_url, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeEngine

from jaga.errors import ConfigError, NotFoundError
from jaga.settings import get_settings


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured store); a bad URL is a :class:`ConfigError`."""
    url = url or get_settings().effective_database_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "not a database URL",
            where="JAGA_DATABASE_URL",
            hint="write e.g. sqlite:///jaga.db or postgresql+psycopg://user@host/db",
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername="mysql+pymysql")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # MySQL/MariaDB default to REPEATABLE READ, where a transaction's first plain read fixes its snapshot:
    # a ledger writer that looked a subject up before taking the tenant's audit-head lock would then fold
    # its new state from data older than the writer it waited for. READ COMMITTED (PostgreSQL's default)
    # reads what committed before each statement.
    options: dict[str, Any] = {"isolation_level": "READ COMMITTED"} if parsed.drivername.startswith("mysql") else {}
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(f"cannot use database URL {redact_url(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        _ping_when_idle(engine)
    return engine


IDLE_PING_SECONDS = 10.0
"""A pooled server connection unused for longer than this is pinged before it is handed out."""


def _ping_when_idle(engine: Engine) -> None:
    """Ping a server connection at checkout only if it sat idle in the pool for a while.

    ``pool_pre_ping`` pings at every checkout: a round trip per request on the decision and ingest hot
    paths, where connections are reused within milliseconds and cannot have gone stale. A connection
    that waited longer (a server restart, an idle timeout) is pinged, and replaced if it is dead.
    """

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["jaga_idle_since"] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("jaga_idle_since")
        if since is not None and time.monotonic() - since > IDLE_PING_SECONDS:
            try:
                alive = engine.dialect.do_ping(dbapi_conn)
            except Exception as exc:  # any failure: the pool discards it and tries another connection
                raise DisconnectionError() from exc
            if not alive:  # pragma: no cover - dialects raise rather than return False
                raise DisconnectionError()

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def existing_database(url: str, where: str | None = None) -> str:
    """``url`` unchanged, or a clear error if it names a SQLite file that does not exist.

    SQLite creates a missing file on connect: a mistyped path would silently be scanned, introspected
    or erased as an empty database (and leave an empty file behind) instead of being reported.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # make_engine reports a malformed URL
    database = parsed.database or ""
    if (
        parsed.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
    ) and not Path(database).expanduser().exists():
        raise NotFoundError(
            f"SQLite database {database!r} does not exist",
            where=where,
            hint="check the path (relative paths start from the current folder)",
        )
    return url


def check_connection(engine: Engine) -> None:
    """Fail with one clear message if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else "connection failed"
        raise ConfigError(
            f"cannot reach database {engine.url.render_as_string(hide_password=True)}: {reason}",
            hint="check that the server runs and the URL is right",
        ) from None


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    location = resources.files("jaga.store").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the store's schema up to date (every domain's migration branch)."""
    check_connection(engine)
    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(_alembic_config(engine), revision)


@lru_cache(maxsize=8)
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(make_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = _factory(url or get_settings().effective_database_url())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# ---------------------------------------------------------------- hand-written statements on hot paths


@dataclass(frozen=True)
class Driver:
    """The DB-API connection under a session's transaction, for hot paths that skip SQLAlchemy's
    per-statement work (compilation, result wrapping): a few microseconds instead of a few hundred.

    Statements run in the session's transaction; the session still commits or rolls back.
    """

    raw: Any
    dialect: Dialect

    @property
    def name(self) -> str:
        return str(self.dialect.name)

    def sql(self, statement: str) -> str:
        """``statement`` with ``?`` placeholders in the driver's style (it must hold no other ``?``/``%``)."""
        return _styled(statement, str(self.dialect.paramstyle))

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one statement (``?`` placeholders, see :meth:`sql`) and return its rows, if any."""
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(statement), params)
            return list(cursor.fetchall()) if cursor.description is not None else []
        finally:
            cursor.close()

    def pipeline(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[Any]]:
        """Run statements in order and return each one's rows; on PostgreSQL they go in one round trip
        (psycopg's pipeline mode), each still running after the one before has finished."""
        if self.name != "postgresql" or len(statements) < 2:
            return [self.execute(sql, params) for sql, params in statements]
        cursors = [self.raw.cursor() for _ in statements]
        try:
            with self.raw.pipeline():
                for cursor, (sql, params) in zip(cursors, statements, strict=True):
                    cursor.execute(self.sql(sql), params)
            return [list(c.fetchall()) if c.description is not None else [] for c in cursors]
        finally:
            for cursor in cursors:
                cursor.close()

    def execute_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cursor = self.raw.cursor()
            try:
                cursor.executemany(self.sql(statement), rows)
            finally:
                cursor.close()

    def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows (dicts with the same keys) in one ``executemany``, each value bound as its
        column's type binds it: SQLAlchemy's per-row parameter handling costs about 10 µs a row, more
        than the insert itself for the thousands of rows a batch writes at once."""
        if rows:
            names = list(rows[0])
            quoted = ", ".join(self.dialect.identifier_preparer.quote(n) for n in names)
            sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(names))})"
            self.execute_many(sql, self._bound(table, names, rows))

    def update_rows(self, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """``UPDATE table SET … WHERE key = ?`` for each row (dicts with the same keys, ``key`` among
        them), bound as :meth:`insert_rows` binds."""
        if rows:
            names = [n for n in rows[0] if n != key] + [key]
            q = self.dialect.identifier_preparer.quote
            sets = ", ".join(f"{q(n)} = ?" for n in names[:-1])
            self.execute_many(f"UPDATE {table.name} SET {sets} WHERE {q(key)} = ?", self._bound(table, names, rows))

    def _bound(self, table: Table, names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
        binders = [self.binder(table.c[n].type) for n in names]
        return [[bind(row[n]) for bind, n in zip(binders, names, strict=True)] for row in rows]

    def binder(self, kind: TypeEngine[Any]) -> Callable[[Any], Any]:
        """Turns a Python value into what this driver stores for a column of type ``kind``."""
        return _processors(self.dialect, kind)[0]

    def reader(self, kind: TypeEngine[Any]) -> Callable[[Any], Any]:
        """Turns what this driver returns for a column of type ``kind`` into the Python value."""
        return _processors(self.dialect, kind)[1]


def driver(session: Session) -> Driver:
    """The session's DB-API connection (beginning the session's transaction if needed)."""
    conn = session.connection()
    return Driver(conn.connection.driver_connection, conn.dialect)


def placeholders(sql: str, paramstyle: str) -> str:
    """``?`` placeholders in the driver's style (the statement must hold no other ``?`` or ``%``)."""
    if paramstyle == "qmark":
        return sql
    if paramstyle in ("format", "pyformat"):
        return sql.replace("?", "%s")
    raise NotImplementedError(f"driver parameter style {paramstyle!r} is not supported")  # pragma: no cover


@lru_cache(maxsize=512)
def _styled(sql: str, paramstyle: str) -> str:
    return placeholders(sql, paramstyle)


def _identity(value: Any) -> Any:
    return value


_Processors = tuple[Callable[[Any], Any], Callable[[Any], Any], TypeEngine[Any]]
_PROCESSORS: dict[tuple[str, str, int], _Processors] = {}


def python_type(kind: TypeEngine[Any]) -> type | None:
    """The Python type a column type's values take, or ``None`` where SQLAlchemy cannot say."""
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _remembered(bind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``bind``, remembering its last few thousand results.

    A batch stamps thousands of rows with the same few times (the event's, ``now``), and turning one
    into the driver's form costs about 9 µs on SQLite (time zone to UTC, then formatting): a third of a
    DSR batch's ledger step. Equal times bind alike (aware times are compared in UTC, as they are stored).
    """
    seen: dict[Any, Any] = {}

    def bound(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: not a time; let the processor say what is wrong with it
            return bind(value)
        if len(seen) >= 4096:
            seen.clear()
        out = seen[value] = bind(value)
        return out

    return bound


def _processors(dialect: Dialect, kind: TypeEngine[Any]) -> _Processors:
    """Bind and result processors of ``kind`` (callers pass long-lived type objects, e.g. a column's)."""
    key = (dialect.name, dialect.driver, id(kind))
    found = _PROCESSORS.get(key)
    if found is None or found[2] is not kind:
        impl = kind.dialect_impl(dialect)
        bind: Callable[[Any], Any] = impl.bind_processor(dialect) or _identity
        if bind is not _identity and python_type(kind) is datetime:
            bind = _remembered(bind)
        result = impl.result_processor(dialect, None) or _identity
        found = _PROCESSORS[key] = (bind, result, kind)  # the type is kept, so its id is not reused
    return found
