"""Fill the sample schema with deterministic Indonesian test data, at any size, fast.

Faker (``id_ID``) is called only to build small pools of names and street addresses; rows are then
assembled from the pools with a seeded ``random.Random`` per chunk, so the same ``seed`` always gives
the same rows on every database, and 1,000,000 customers take minutes, not hours. Rows go in with
``connection.execute(table.insert(), rows)`` in chunks, or with ``COPY`` on PostgreSQL via psycopg.

Ids are assigned here (1, 2, 3, ... per table), so the twins and every foreign key are known in
advance; on PostgreSQL the ``id`` sequences are moved past the loaded rows afterwards.
"""

from __future__ import annotations

import queue
import random
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, cast

from faker import Faker
from sqlalchemy import Connection, Date, DateTime, Engine, MetaData, Table, func, select, text

from examples.sample import _ids
from examples.sample.schema import TABLES, metadata

__all__ = ["AS_OF", "CHUNK", "TWINS", "Twins", "generate", "twins"]

Row = tuple[Any, ...]

#: The fixed "today" the sample data is generated against (dates spread over the 12 years before it).
AS_OF: Final[datetime] = datetime(2026, 11, 1, tzinfo=UTC)
#: Subjects generated per chunk; part of the seed's meaning, so fixed (not a tuning knob).
CHUNK: Final[int] = 5_000

_YEAR = 365.25 * 86_400
_SPAN = 12 * _YEAR
_WIB = timedelta(hours=7)

MARKETING_LISTS: Final[tuple[str, ...]] = (
    "Promo Bulanan",
    "Newsletter Produk",
    "Undangan Acara",
    "Survei Pelanggan",
    "Penawaran Mitra",
)
_PATHS: Final[tuple[str, ...]] = (
    "/", "/produk", "/produk/detail", "/keranjang", "/checkout", "/akun", "/akun/pesanan",
    "/bantuan", "/promo", "/cari", "/login", "/kebijakan-privasi",
)  # fmt: skip
_SUBJECTS: Final[tuple[str, ...]] = (
    "Pesanan belum sampai", "Minta faktur pajak", "Ganti alamat pengiriman", "Refund belum masuk",
    "Tidak bisa login", "Barang rusak saat diterima", "Tanya status pesanan", "Hapus akun saya",
    "Salah tagihan", "Perubahan nomor HP",
)  # fmt: skip
_BODIES: Final[tuple[str, ...]] = (
    "Halo, pesanan {order} sudah lewat 5 hari tapi belum sampai. Mohon dicek.",
    "Saya butuh faktur pajak untuk pesanan {order}, atas nama {name}.",
    "Mohon bantuannya, saya tidak bisa masuk ke akun sejak kemarin.",
    "Barang yang saya terima rusak, foto terlampir. Pesanan {order}.",
    "Tolong batalkan langganan promo saya, terima kasih.",
)  # fmt: skip
_PHONE_NOTES: Final[tuple[str, ...]] = (
    " Bisa hubungi saya di {phone}.",
    " WA saya {phone} ya kak.",
    " No HP: {phone}",
)
_NIK_NOTES: Final[tuple[str, ...]] = (
    " Untuk verifikasi, NIK saya {nik}.",
    " KTP: {nik}",
)


@dataclass(frozen=True, slots=True)
class Twins:
    """Two different people with the same full name and the same family-card (KK) number.

    ``customers`` and ``employees`` are ``(id, id)`` pairs. A request about one of them must never
    read or change the other's rows: tests use them to prove that identity matching is exact.
    """

    customers: tuple[int, int]
    employees: tuple[int, int]
    customer_name: str = "Budi Santoso"
    employee_name: str = "Siti Aminah"
    customer_kk: str = "3174051203150007"
    employee_kk: str = "3273010506180012"


#: Where the twins are in every generated database with at least 5 customers and 4 employees.
TWINS: Final[Twins] = Twins(customers=(2, 5), employees=(3, 4))


def twins() -> Twins:
    """The twins' ids and shared attributes (the same as ``TWINS``)."""
    return TWINS


# -- pools --------------------------------------------------------------------------------------------


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


@dataclass(slots=True)
class _Pools:
    male: list[str]
    female: list[str]
    local_male: list[str]
    local_female: list[str]
    streets: list[str]
    domains: list[str]
    city_pick: list[int]

    @classmethod
    def build(cls, seed: int, size: int = 5_000) -> _Pools:
        fake = Faker("id_ID")
        fake.seed_instance(seed)
        reserved = {TWINS.customer_name, TWINS.employee_name}

        def names(first: Callable[[], str]) -> list[str]:
            out: list[str] = []
            seen: set[str] = set()
            while len(out) < size:
                name = f"{first()} {fake.last_name()}"
                if name not in seen and name not in reserved:
                    seen.add(name)
                    out.append(name)
            return out

        male = names(fake.first_name_male)
        female = names(fake.first_name_female)
        streets = [fake.street_address() for _ in range(size)]
        city_pick = [i for i, c in enumerate(_ids.CITIES) for _ in range(c[4])]
        return cls(
            male=male,
            female=female,
            local_male=[_ascii(n).replace(" ", ".") for n in male],
            local_female=[_ascii(n).replace(" ", ".") for n in female],
            streets=streets,
            domains=["gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "outlook.com"],
            city_pick=city_pick,
        )


# -- row factories --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What must stay unique across chunks, and the next id of every table."""

    niks: set[str] = field(default_factory=set)
    next_id: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 1))

    def take(self, table: str) -> int:
        n = self.next_id[table]
        self.next_id[table] = n + 1
        return n


def _at(base: float) -> datetime:
    return datetime.fromtimestamp(int(base), UTC)


def _birth(rng: random.Random, young: int = 18, old: int = 70) -> date:
    return AS_OF.date() - timedelta(days=int((young + rng.random() * (old - young)) * 365.25))


def _unique_nik(rng: random.Random, state: _State, city: int, born: date, female: bool) -> str:
    while True:
        value = _ids.nik(rng, city, born, female)
        if value not in state.niks:
            state.niks.add(value)
            return value


def _local_phone(e164: str) -> str:
    local = "0" + e164[3:]
    return f"{local[:4]}-{local[4:8]}-{local[8:]}"


def _customer_chunk(rng: random.Random, pools: _Pools, state: _State, ids: range, now: float) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {t: [] for t in TABLES}
    customers, contacts, orders = out["customers"], out["contacts"], out["orders"]
    invoices, subs, tickets, events = (
        out["invoices"],
        out["marketing_subscriptions"],
        out["support_tickets"],
        out["web_events"],
    )
    r = rng.random
    n_lists = len(MARKETING_LISTS)
    for cid in ids:
        female = r() < 0.5
        k = int(r() * len(pools.male))
        name = pools.female[k] if female else pools.male[k]
        local = pools.local_female[k] if female else pools.local_male[k]
        city = pools.city_pick[int(r() * len(pools.city_pick))]
        city_name, province = _ids.CITIES[city][0], _ids.CITIES[city][1]
        email = f"{local}{cid}@{pools.domains[int(r() * len(pools.domains))]}"
        phone = _ids.phone(rng)
        created = now - r() * _SPAN
        closed: float | None = None
        if r() < 0.15:
            closed = created + r() * (now - created)
            last = created + r() * (closed - created)
        else:
            last = now - (now - created) * r() ** 3
        born: date | None = None
        nik: str | None = None
        kk: str | None = None
        roll = r()
        if roll < 0.6:
            born = _birth(rng)
            nik = _unique_nik(rng, state, city, born, female)
            if r() < 0.5:
                kk = _ids.kk(rng, city, born + timedelta(days=int(r() * 9000)))
        elif roll < 0.75:
            born = _birth(rng)
        npwp = _ids.npwp(rng, nik) if nik is not None and r() < 0.15 else None
        if cid == TWINS.customers[0] or cid == TWINS.customers[1]:
            father = cid == TWINS.customers[0]
            name, female, city = TWINS.customer_name, False, 0
            city_name, province = _ids.CITIES[0][0], _ids.CITIES[0][1]
            email = f"budi.santoso{'' if father else '.jr'}{cid}@gmail.com"
            born = date(1968, 3, 14) if father else date(1995, 8, 2)
            nik = _unique_nik(rng, state, city, born, False)
            kk = TWINS.customer_kk
        customers.append(
            (
                cid,
                f"PLG-{cid:08d}",
                name,
                email,
                phone,
                nik,
                kk,
                born,
                city_name,
                province,
                _at(created),
                _at(last),
                _at(closed) if closed is not None else None,
            )
        )
        street = pools.streets[int(r() * len(pools.streets))]
        kinds = ["email", "phone", "address"]
        rng.shuffle(kinds)
        for kind in kinds[: 1 + int(r() * 3)]:
            if kind == "email":
                value = email if r() < 0.5 else f"{local}.{int(r() * 1000)}@{pools.domains[0]}"
            elif kind == "phone":
                value = phone if r() < 0.5 else _ids.phone(rng)
            else:
                value = f"{street}, {city_name}, {province}"
            contacts.append((state.take("contacts"), cid, kind, value))
        roll = r()
        first_order = ""
        for _ in range(1 if roll < 0.5 else 2 if roll < 0.8 else 3):
            oid = state.take("orders")
            at = created + r() * (last - created)
            when = _at(at)
            order_no = f"{when:%Y%m%d}{oid:08d}"
            first_order = first_order or order_no
            total = (50 + int(r() ** 2 * 5000)) * 1000
            orders.append((oid, cid, order_no, total, when))
            if r() < 0.95:
                iid = state.take("invoices")
                issued = _at(at + r() * 172_800)
                invoices.append((iid, oid, f"INV/{issued:%Y/%m}/{iid:07d}", total, npwp, issued))
        roll = r()
        for _ in range(0 if roll < 0.5 else 1 if roll < 0.85 else 2):
            body = _BODIES[int(r() * len(_BODIES))].format(order=first_order, name=name)
            note = r()
            if note < 0.2:
                body += _PHONE_NOTES[int(r() * len(_PHONE_NOTES))].format(phone=_local_phone(phone))
            elif note < 0.3 and nik is not None:
                body += _NIK_NOTES[int(r() * len(_NIK_NOTES))].format(nik=nik)
            tickets.append(
                (
                    state.take("support_tickets"),
                    cid,
                    _SUBJECTS[int(r() * len(_SUBJECTS))],
                    body,
                    _at(created + r() * (last - created)),
                )
            )
        n_events = int(r() * 6)
        if n_events:
            cookie = _cookie(rng)
            ip = _ids.ipv4(rng)
            for _ in range(n_events):
                events.append(
                    (
                        state.take("web_events"),
                        cid,
                        cookie,
                        ip,
                        _PATHS[int(r() * len(_PATHS))],
                        _at(created + r() * (last - created)),
                    )
                )
        roll = r()
        n_subs = 0 if roll < 0.4 else 1 if roll < 0.8 else 2
        for list_id in sorted(rng.sample(range(1, n_lists + 1), n_subs)):
            subs.append((state.take("marketing_subscriptions"), cid, list_id, _at(created + r() * (last - created))))
    # Visitors who never logged in: events without a customer.
    for _ in range(len(ids) // 4):
        events.append(
            (
                state.take("web_events"),
                None,
                _cookie(rng),
                _ids.ipv4(rng),
                _PATHS[int(r() * len(_PATHS))],
                _at(now - r() * _SPAN),
            )
        )
    return out


def _cookie(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _month_start(d: date, back: int) -> date:
    m = d.year * 12 + d.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def _employee_chunk(rng: random.Random, pools: _Pools, state: _State, ids: range, now: float) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {t: [] for t in TABLES}
    employees, banks, payslips = out["employees"], out["bank_accounts"], out["payslips"]
    attendance, filings = out["attendance"], out["tax_filings"]
    r = rng.random
    as_of = _at(now).date()
    for eid in ids:
        female = r() < 0.5
        k = int(r() * len(pools.male))
        name = pools.female[k] if female else pools.male[k]
        local = pools.local_female[k] if female else pools.local_male[k]
        city = pools.city_pick[int(r() * len(pools.city_pick))]
        born = _birth(rng, 19, 58)
        kk_number = _ids.kk(rng, city, born + timedelta(days=int(r() * 9000)))
        if eid == TWINS.employees[0] or eid == TWINS.employees[1]:
            mother = eid == TWINS.employees[0]
            name, female, city, local = TWINS.employee_name, True, 5, "siti.aminah"
            born = date(1971, 11, 5) if mother else date(1998, 4, 21)
            kk_number = TWINS.employee_kk
        nik = _unique_nik(rng, state, city, born, female)
        hired = now - r() * _SPAN
        terminated = hired + 30 * 86_400 + r() * (now - hired) if r() < 0.3 else None
        if terminated is not None and terminated >= now:
            terminated = None
        created = hired - r() * 30 * 86_400
        npwp = _ids.npwp(rng, nik)
        city_name, province = _ids.CITIES[city][0], _ids.CITIES[city][1]
        employees.append(
            (
                eid,
                f"KRY-{eid:06d}",
                name,
                nik,
                kk_number,
                npwp,
                _ids.bpjs_kesehatan(rng),
                _ids.bpjs_ketenagakerjaan(rng),
                f"{local}.{eid}@{pools.domains[int(r() * len(pools.domains))]}",
                _ids.phone(rng),
                born,
                f"{pools.streets[int(r() * len(pools.streets))]}, {city_name}, {province}",
                _at(hired),
                _at(terminated) if terminated is not None else None,
                _at(created),
            )
        )
        bank, account = _ids.bank_account(rng)
        banks.append((state.take("bank_accounts"), eid, bank, account, name.upper()))
        end = _at(terminated).date() if terminated is not None else as_of
        start = _at(hired).date()
        gross = (4_500 + int(r() ** 2 * 30_000)) * 1_000
        last_period = start
        for back in range(12, 0, -1):
            period = _month_start(end, back - 1)
            if period < _month_start(start, 0):
                continue
            last_period = period
            bpjs = min(gross, 12_000_000) * 4 // 100
            tax = gross * (0 if gross <= 5_400_000 else 2 if gross < 10_000_000 else 7) // 100
            paid = datetime(period.year, period.month, 25, 3, tzinfo=UTC)
            payslips.append((state.take("payslips"), eid, period, gross, gross - tax - bpjs, tax, bpjs, paid))
        day = end
        for _ in range(20):
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            if day < start:
                break
            check_in = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) - _WIB
            check_in += timedelta(minutes=int(r() * 75) - 30)
            check_out = check_in + timedelta(hours=9, minutes=int(r() * 60)) if r() < 0.97 else None
            attendance.append((state.take("attendance"), eid, day, check_in, check_out))
            day -= timedelta(days=1)
        year = last_period.year
        filed = datetime(year + 1, 1, 15, 2, tzinfo=UTC) + timedelta(days=int(r() * 70))
        if filed.timestamp() > now:
            year -= 1
            filed = datetime(year + 1, 1, 15, 2, tzinfo=UTC) + timedelta(days=int(r() * 70))
        filings.append((state.take("tax_filings"), eid, year, npwp, "1721-A1", filed))
    return out


# -- sinks ----------------------------------------------------------------------------------------------


def _qualified(conn: Connection, table: Table) -> str:
    from psycopg import sql

    translate = conn.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(table.schema, table.schema)
    ident = sql.Identifier(schema, table.name) if schema else sql.Identifier(table.name)
    return ident.as_string(conn.connection.driver_connection)


def _writer(conn: Connection) -> Callable[[Table, list[Row]], None]:
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        import psycopg

        raw = cast("psycopg.Connection[Any]", conn.connection.driver_connection)

        def copy(table: Table, rows: list[Row]) -> None:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {_qualified(conn, table)} ({columns}) FROM STDIN") as out,
            ):
                for row in rows:
                    out.write_row(row)

        return copy

    if conn.dialect.name in ("sqlite", "mysql", "mariadb"):
        return lambda table, rows: _executemany(conn, table, rows)

    def insert(table: Table, rows: list[Row]) -> None:
        keys = [c.key for c in table.columns]
        for i in range(0, len(rows), 20_000):
            conn.execute(table.insert(), [dict(zip(keys, row, strict=True)) for row in rows[i : i + 20_000]])

    return insert


def _executemany(conn: Connection, table: Table, rows: list[Row]) -> None:
    """One driver-level ``executemany`` of plain tuples: no per-row SQLAlchemy bind processing.

    pymysql turns it into multi-row ``INSERT ... VALUES`` statements. sqlite3 gets the timestamps
    pre-rendered in SQLAlchemy's own SQLite storage format, so reading them back through SQLAlchemy
    gives the same values as if they had been inserted through it.
    """
    prep = conn.dialect.identifier_preparer
    translate = conn.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(table.schema, table.schema)
    name = (prep.quote_schema(schema) + "." if schema else "") + prep.quote(table.name)
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {name} ({', '.join(prep.quote(c.name) for c in table.columns)}) "
        f"VALUES ({', '.join(marker for _ in table.columns)})"
    )
    if conn.dialect.name == "sqlite":
        rows = _sqlite_rows(table, rows)
    conn.exec_driver_sql(sql, rows)


def _sqlite_rows(table: Table, rows: list[Row]) -> list[Row]:
    stamps = [i for i, c in enumerate(table.columns) if isinstance(c.type, DateTime)]
    days = [i for i, c in enumerate(table.columns) if isinstance(c.type, Date)]
    if not stamps and not days:
        return rows
    out: list[Row] = []
    for row in rows:
        values = list(row)
        for i in stamps:
            v = values[i]
            if v is not None:
                values[i] = f"{v:%Y-%m-%d %H:%M:%S}.{v.microsecond:06d}"
        for i in days:
            v = values[i]
            if v is not None:
                values[i] = v.isoformat()
        out.append(tuple(values))
    return out


def _chunks(total: int) -> Iterator[tuple[int, range]]:
    for n, start in enumerate(range(1, total + 1, CHUNK)):
        yield n, range(start, min(start + CHUNK, total + 1))


def rows(customers: int, employees: int, seed: int = 42, as_of: datetime = AS_OF) -> Iterator[dict[str, list[Row]]]:
    """The generated rows, chunk by chunk, as ``{table: [tuple in column order, ...]}``.

    This is what ``generate`` writes; it is public so that tests and benchmarks can compare a
    database with the expected rows without a second database.
    """
    pools = _Pools.build(seed)
    state = _State()
    now = as_of.timestamp()
    yield {"marketing_lists": [(i + 1, n) for i, n in enumerate(MARKETING_LISTS)]}
    for n, ids in _chunks(employees):
        yield _employee_chunk(random.Random(f"{seed}:employees:{n}"), pools, state, ids, now)
    for n, ids in _chunks(customers):
        yield _customer_chunk(random.Random(f"{seed}:customers:{n}"), pools, state, ids, now)


def generate(
    engine: Engine,
    customers: int = 1_000,
    employees: int = 100,
    seed: int = 42,
    *,
    md: MetaData = metadata,
    as_of: datetime = AS_OF,
    progress: bool | None = None,
) -> dict[str, int]:
    """Fill the (empty) sample tables; returns the number of rows written per table.

    Deterministic: the same ``customers``, ``employees``, ``seed`` and ``as_of`` give the same rows
    on every database. ``progress`` shows a Rich progress bar (default: only from 50,000 subjects).
    """
    if customers < 0 or employees < 0:
        raise ValueError("customers and employees must be >= 0")
    tables = {name: md.tables[f"{md.schema}.{name}" if md.schema else name] for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    show = progress if progress is not None else customers + employees >= 50_000
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(tables["customers"])).scalar_one():
            raise ValueError("generate() fills an empty schema; drop_schema() and create_schema() first")
        conn.commit()
        postgres = conn.dialect.name == "postgresql"
        mysql = conn.dialect.name in ("mysql", "mariadb")
        if postgres or mysql:
            _fast_session(conn)
        write = _writer(conn)
        advance = _progress_bar(show, customers + employees)
        try:
            for chunk in _prefetch(rows(customers, employees, seed, as_of)):
                for name in TABLES:
                    batch = chunk.get(name)
                    if batch:
                        write(tables[name], batch)
                        counts[name] += len(batch)
                conn.commit()
                advance(len(chunk.get("customers", ())) + len(chunk.get("employees", ())))
            if postgres:
                _reset_sequences(conn, [tables[n] for n in TABLES])
                conn.commit()
        finally:
            advance(-1)
            if postgres:
                conn.rollback()
                conn.exec_driver_sql("RESET session_replication_role")
                conn.exec_driver_sql("RESET synchronous_commit")
                conn.commit()
            if mysql:
                conn.rollback()
                conn.exec_driver_sql("SET foreign_key_checks = 1, unique_checks = 1")
                conn.commit()
    return counts


def _prefetch(chunks: Iterator[dict[str, list[Row]]]) -> Iterator[dict[str, list[Row]]]:
    """Generate the next chunk in a thread while the database ingests the current one."""
    ahead: queue.Queue[dict[str, list[Row]] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        ahead.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            ahead.put(exc)

    worker = threading.Thread(target=produce, name="sample-generate", daemon=True)
    worker.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _fast_session(conn: Connection) -> None:
    """Cheaper bulk load: no fsync wait per chunk; skip per-row foreign-key checks if we may.

    The generator's rows are consistent by construction, so skipping the per-row checks (on
    PostgreSQL only allowed for a superuser) loses nothing; the constraints themselves stay. The
    session settings are reset before the connection goes back to the pool.
    """
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql("SET foreign_key_checks = 0, unique_checks = 0")
        conn.commit()
        return
    conn.exec_driver_sql("SET synchronous_commit = off")
    superuser = conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar()
    if superuser:
        conn.exec_driver_sql("SET session_replication_role = replica")
    conn.commit()


def _reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    for table in tables:
        name = table.name if table.schema is None else f"{table.schema}.{table.name}"
        translate = conn.get_execution_options().get("schema_translate_map") or {}
        if table.schema is None and translate.get(None):
            name = f"{translate[None]}.{table.name}"
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM " + name),
            {"t": name},
        )


def _progress_bar(show: bool, total: int) -> Callable[[int], None]:
    """``advance(n)`` moves the bar; ``advance(-1)`` closes it. A no-op when ``show`` is false."""
    if not show:
        return lambda n: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    task = bar.add_task("subjects", total=total)
    bar.start()

    def advance(n: int) -> None:
        if n < 0:
            bar.stop()
        else:
            bar.advance(task, n)

    return advance
