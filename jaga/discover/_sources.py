"""Stream sampled rows out of databases and files, table by table, in constant memory.

Every source yields ``Table`` descriptions and then row tuples in batches, so the classifier never
holds more than one batch: a 10-million-row table costs the same memory as a 10-row one. Driver and
I/O failures are turned into :class:`JagaError` here, with the URL's password hidden, because this is
the only place that knows what the user pointed us at.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, NoSuchTableError, SQLAlchemyError

from jaga.discover._columns import ColumnStats
from jaga.discover._model import DataMapProposal
from jaga.discover._text import Scanner
from jaga.errors import ConfigError, JagaError, NotFoundError
from jaga.store import existing_database

BATCH = 1000
FILE_SUFFIXES = (".csv", ".tsv", ".parquet")


@dataclass(frozen=True, slots=True)
class Table:
    """A table or file to scan: its columns, their coarse type and which form the primary key."""

    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    primary_key: frozenset[str] = frozenset()
    references: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Column -> the (table, column) pairs its foreign keys point at."""


Progress = Callable[[str, int, int | None], None]
"""``progress(table, rows_done, rows_expected)``; called once at the start of each table and per batch."""


def _coarse_type(type_: object) -> str:
    """The Fides ``data_type`` nearest to a SQLAlchemy column type."""
    try:
        python = type_.python_type  # type: ignore[attr-defined]
    except (NotImplementedError, AttributeError):
        return "string"
    names = {int: "integer", float: "float", bool: "boolean", bytes: "bytes"}
    return names.get(python, "string")


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<database url>"


def _sql_tables(
    url: str, wanted: Sequence[str] | None, schema: str | None, sample: int | None
) -> Iterator[tuple[Table, Iterator[Sequence[object]]]]:
    where = _safe_url(url)
    try:
        engine = sa.create_engine(existing_database(url))
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(
            "not a database URL or file this command can read",
            where=where,
            hint="use e.g. postgresql+psycopg://user@host/db, sqlite:///file.db or data.csv",
        ) from exc
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = inspector.get_table_names(schema=schema)
            if wanted:
                missing = [t for t in wanted if t not in names]
                if missing:
                    raise NotFoundError(
                        f"table {missing[0]!r} does not exist",
                        where=where,
                        hint="existing tables: " + ", ".join(sorted(names)[:20]),
                    )
                names = list(wanted)
            for name in names:
                try:
                    columns = inspector.get_columns(name, schema=schema)
                    pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
                    refs: dict[str, tuple[tuple[str, str], ...]] = {}
                    for fk in inspector.get_foreign_keys(name, schema=schema):
                        for col, target in zip(fk["constrained_columns"], fk["referred_columns"], strict=False):
                            refs[col] = (*refs.get(col, ()), (fk["referred_table"], target))
                except NoSuchTableError as exc:
                    raise NotFoundError(f"table {name!r} does not exist", where=where) from exc
                table_obj = sa.table(name, *(sa.column(c["name"]) for c in columns), schema=schema)
                query = sa.select(*table_obj.columns)
                if sample is not None:
                    query = query.limit(sample)
                table = Table(
                    name,
                    tuple(c["name"] for c in columns),
                    tuple(_coarse_type(c["type"]) for c in columns),
                    frozenset(pk),
                    refs,
                )
                result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
                yield table, (tuple(row) for row in result)
    except JagaError:
        raise
    except SQLAlchemyError as exc:
        raise ConfigError(
            f"cannot read the database ({type(getattr(exc, 'orig', None) or exc).__name__})",
            where=where,
            hint="check that the server is running, the URL, user and permissions",
        ) from None
    finally:
        engine.dispose()


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """Open ``path`` as text after making sure it is not binary and the encoding exists."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise JagaError(f"cannot read file ({exc.strerror})", where=str(path)) from None
    if b"\x00" in head:
        raise JagaError(
            "file looks binary, not text",
            where=str(path),
            hint="pass a CSV/TSV text file, a .parquet file or a database URL",
        )
    try:
        return path.open("r", encoding=encoding, newline="")
    except LookupError:
        raise JagaError(
            f"unknown encoding {encoding!r}",
            where=str(path),
            hint="use a Python codec name such as utf-8, latin-1 or cp1252",
        ) from None


def _csv_rows(path: Path, encoding: str, sample: int | None) -> tuple[Table, Iterator[Sequence[object]]]:
    fh = _open_text(path, encoding)
    try:
        head = fh.read(65536)
        fh.seek(0)
        dialect: type[csv.Dialect] | csv.Dialect
        try:
            dialect = csv.Sniffer().sniff(head, delimiters=",;\t|") if head else csv.excel
        except csv.Error:
            dialect = csv.excel_tab if path.suffix == ".tsv" else csv.excel
        reader = csv.reader(fh, dialect)
        header = next(reader, None)
    except UnicodeDecodeError:
        fh.close()
        raise JagaError(
            f"file is not valid {encoding}", where=str(path), hint="pass the right --encoding (e.g. latin-1, cp1252)"
        ) from None
    except csv.Error as exc:
        fh.close()
        raise _bad_csv(path, exc) from None
    if header is None:
        fh.close()
        header = []
    table = Table(path.stem, tuple(header), tuple("string" for _ in header))

    def rows() -> Iterator[Sequence[object]]:
        try:
            with fh:
                for i, row in enumerate(reader):
                    if sample is not None and i >= sample:
                        return
                    yield row
        except UnicodeDecodeError:
            raise JagaError(
                f"file is not valid {encoding}",
                where=str(path),
                hint="pass the right --encoding (e.g. latin-1, cp1252)",
            ) from None
        except csv.Error as exc:
            raise _bad_csv(path, exc, reader.line_num) from None

    return table, rows()


def _bad_csv(path: Path, exc: csv.Error, line: int | None = None) -> JagaError:
    """A CSV the reader refuses (a field over the size limit, an unbalanced quote), named with its line."""
    return JagaError(
        f"not a readable CSV file ({exc})",
        where=f"{path}:{line}" if line else str(path),
        hint="check for an unbalanced quote; a field may hold at most 128 KiB",
    )


def _parquet_rows(path: Path, sample: int | None) -> tuple[Table, Iterator[Sequence[object]]]:
    try:
        import duckdb
    except ImportError:
        raise JagaError(
            "reading Parquet needs the duckdb package", where=str(path), hint="pip install duckdb"
        ) from None
    try:
        conn = duckdb.connect()
        limit = f" LIMIT {int(sample)}" if sample is not None else ""
        cursor = conn.execute(f"SELECT * FROM read_parquet(?){limit}", [str(path)])
    except duckdb.Error:
        raise JagaError("cannot read Parquet file", where=str(path)) from None
    columns = tuple(d[0] for d in cursor.description or ())
    table = Table(path.stem, columns, tuple("string" for _ in columns))

    def rows() -> Iterator[Sequence[object]]:
        try:
            while batch := cursor.fetchmany(BATCH):
                yield from batch
        finally:
            conn.close()

    return table, rows()


def _file_tables(
    path: Path, wanted: Sequence[str] | None, sample: int | None, encoding: str
) -> Iterator[tuple[Table, Iterator[Sequence[object]]]]:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in FILE_SUFFIXES) if path.is_dir() else [path]
    if wanted:
        by_name = {p.stem: p for p in files}
        missing = [t for t in wanted if t not in by_name]
        if missing:
            raise NotFoundError(
                f"table {missing[0]!r} does not exist",
                where=str(path),
                hint="a file's table name is its name without the suffix",
            )
        files = [by_name[t] for t in wanted]
    for file in files:
        if file.suffix.lower() == ".parquet":
            yield _parquet_rows(file, sample)
        else:
            yield _csv_rows(file, encoding, sample)


def is_file_source(url: str) -> bool:
    """A path to a CSV/TSV/Parquet file or a directory of them, rather than a SQLAlchemy URL."""
    if "://" in url:
        return False
    path = Path(url)
    return path.is_dir() or path.suffix.lower() in FILE_SUFFIXES or path.exists()


def discover(
    url: str,
    *,
    sample: int | None = 1000,
    tables: Sequence[str] | None = None,
    schema: str | None = None,
    min_confidence: float = 0.4,
    progress: Progress | None = None,
    encoding: str = "utf-8",
    scanner: Scanner | None = None,
    settle_after: int | None = 20_000,
) -> DataMapProposal:
    """Scan every table (or ``tables``) of ``url`` and propose a category for each column."""
    scan = scanner or Scanner()
    if is_file_source(url):
        path = Path(url)
        if not path.exists():
            raise NotFoundError("file or directory does not exist", where=url)
        sources = _file_tables(path, tables, sample, encoding)
        name = path.stem or "files"
    else:
        sources = _sql_tables(url, tables, schema, sample)
        try:
            name = sa.make_url(url).database or "database"
        except ArgumentError:
            name = "database"
        name = Path(name).stem if name.endswith((".db", ".sqlite", ".sqlite3")) else name
    proposal = DataMapProposal(name)
    for table, rows in sources:
        stats = [
            ColumnStats(table.name, c, t, c in table.primary_key, settle_after)
            for c, t in zip(table.columns, table.types, strict=True)
        ]
        if progress:
            progress(table.name, 0, sample)
        done = 0
        for row in rows:
            for stat, value in zip(stats, row, strict=False):
                stat.add(value, scan)
            done += 1
            if progress and done % BATCH == 0:
                progress(table.name, done, sample)
        if progress:
            progress(table.name, done, done)
        proposal.columns.extend(
            replace(s.proposal(min_confidence), references=table.references.get(s.column, ())) for s in stats
        )
    return proposal
