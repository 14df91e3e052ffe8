"""The sample generator: deterministic, the requested size, valid identifiers, twins, on three DBs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from examples.sample import AS_OF, TABLES, TWINS, create_schema, drop_schema, generate, metadata, rows
from examples.sample.__main__ import main
from tests.sample.sample_checks import kk_ok, nik_birth, npwp_ok

CUSTOMERS, EMPLOYEES = 1_200, 60


def _expected(customers: int, employees: int, seed: int = 42) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
    for chunk in rows(customers, employees, seed):
        for table, batch in chunk.items():
            out[table].extend(batch)
    return out


def _naive(value: Any) -> Any:
    """Timestamps compare as UTC wall-clock: SQLite and MariaDB do not keep the zone."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _table(engine: Engine, name: str) -> list[tuple[Any, ...]]:
    table = metadata.tables[name]
    with engine.connect() as conn:
        result = conn.execute(select(table).order_by(table.c.id))
        return [tuple(_naive(v) for v in row) for row in result]


def _norm(batch: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_naive(v) for v in row) for row in batch]


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first, again = _expected(300, 20), _expected(300, 20)
    assert first == again
    assert _expected(300, 20, seed=7)["customers"] != first["customers"]


def test_a_smaller_run_is_a_prefix_of_a_larger_one() -> None:
    small, large = _expected(200, 10), _expected(400, 10)
    assert large["customers"][:200] == small["customers"]


def _check_database(engine: Engine, expected: dict[str, list[tuple[Any, ...]]]) -> None:
    with engine.connect() as conn:
        for name in TABLES:
            count = conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
            assert count == len(expected[name]), name
    for name in ("customers", "employees", "orders", "payslips", "support_tickets"):
        assert _table(engine, name) == _norm(expected[name]), name


def test_sqlite_round_trip(sqlite_engine: Engine) -> None:
    create_schema(sqlite_engine)
    counts = generate(sqlite_engine, customers=CUSTOMERS, employees=EMPLOYEES)
    expected = _expected(CUSTOMERS, EMPLOYEES)
    assert counts == {t: len(expected[t]) for t in TABLES}
    assert counts["customers"] == CUSTOMERS and counts["employees"] == EMPLOYEES
    _check_database(sqlite_engine, expected)
    with pytest.raises(ValueError, match="empty schema"):
        generate(sqlite_engine, customers=1, employees=0)
    drop_schema(sqlite_engine)


@pytest.mark.postgres
def test_postgresql_round_trip(pg_engine: Engine) -> None:
    create_schema(pg_engine)
    generate(pg_engine, customers=CUSTOMERS, employees=EMPLOYEES)
    _check_database(pg_engine, _expected(CUSTOMERS, EMPLOYEES))
    with pg_engine.begin() as conn:
        # sequences moved past the loaded ids; the bulk-load session settings did not leak
        new_id = conn.execute(
            metadata.tables["marketing_lists"].insert().values(name="Baru").returning(text("id"))
        ).scalar_one()
        assert new_id == 6
        assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"


@pytest.mark.mariadb
def test_mariadb_round_trip(mariadb_engine: Engine) -> None:
    create_schema(mariadb_engine)
    generate(mariadb_engine, customers=CUSTOMERS, employees=EMPLOYEES)
    _check_database(mariadb_engine, _expected(CUSTOMERS, EMPLOYEES))
    with mariadb_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT @@foreign_key_checks").scalar() == 1


def test_identifiers_are_structurally_valid() -> None:
    data = _expected(3_000, 150)
    people = [(r[5], r[7], r[2]) for r in data["customers"] if r[5] is not None]
    people += [(r[3], r[10], r[2]) for r in data["employees"]]
    assert len(people) > 1_800
    niks = [nik for nik, _, _ in people]
    assert len(set(niks)) == len(niks), "NIKs are unique"
    genders: Counter[bool] = Counter()
    for nik, born, _ in people:
        parsed = nik_birth(nik)
        assert parsed is not None, nik
        day, month, yy, female = parsed
        assert (day, month, yy) == (born.day, born.month, born.year % 100), nik
        genders[female] += 1
    assert genders[True] > 500 and genders[False] > 500
    kks = [r[6] for r in data["customers"] if r[6]] + [r[4] for r in data["employees"]]
    assert kks and all(kk_ok(kk) for kk in kks)
    assert all(npwp_ok(r[5], r[3]) for r in data["employees"])
    assert all(npwp_ok(r[4], "") for r in data["invoices"] if r[4] and len(r[4]) != 16)
    phones = [r[4] for r in data["customers"]] + [r[9] for r in data["employees"]]
    assert all(p.startswith("+628") and p[1:].isdigit() and 12 <= len(p) <= 14 for p in phones)
    assert all(len(r[6]) == 13 and r[6].startswith("000") for r in data["employees"])
    assert all(len(r[7]) == 11 and r[7].isdigit() for r in data["employees"])
    # 16-digit order numbers look like NIKs but are not: the hard negative for NIK detection
    orders = [r[2] for r in data["orders"]]
    assert all(len(o) == 16 and o.isdigit() for o in orders)
    assert not any(nik_birth(o) for o in orders)
    assert len(set(orders)) == len(orders)


def test_child_rows_per_subject() -> None:
    data = _expected(2_000, 100)

    def per(table: str, col: int) -> Counter[int]:
        return Counter(r[col] for r in data[table] if r[col] is not None)

    contacts, orders = per("contacts", 1), per("orders", 1)
    assert all(1 <= contacts[c] <= 3 and 1 <= orders[c] <= 3 for c in range(1, 2_001))
    assert max(per("support_tickets", 1).values()) <= 2
    assert max(per("web_events", 1).values()) <= 5
    assert max(per("marketing_subscriptions", 1).values()) <= 2
    assert 0.9 < len(data["invoices"]) / len(data["orders"]) <= 1
    assert any(r[1] is None for r in data["web_events"]), "anonymous visitors exist"
    assert all(per("bank_accounts", 1)[e] == 1 and per("tax_filings", 1)[e] == 1 for e in range(1, 101))
    payslips, attendance = per("payslips", 1), per("attendance", 1)
    assert all(1 <= payslips[e] <= 12 and 1 <= attendance[e] <= 20 for e in range(1, 101))
    assert sum(payslips.values()) / 100 > 10 and sum(attendance.values()) / 100 > 18


def test_dates_spread_so_retention_rules_bite() -> None:
    data = _expected(2_000, 300)
    as_of = AS_OF.replace(tzinfo=None)
    created = [_naive(r[10]) for r in data["customers"]]
    assert min(created) < as_of - timedelta(days=11 * 365) and max(created) <= as_of
    closed = [_naive(r[12]) for r in data["customers"] if r[12] is not None]
    assert 0.1 < len(closed) / 2_000 < 0.2
    assert any(c < as_of - timedelta(days=5 * 365) for c in closed)
    assert all(_naive(r[10]) <= _naive(r[11]) for r in data["customers"])
    assert any(r[2] < (AS_OF - timedelta(days=10 * 366)).date() for r in data["payslips"])
    assert any(r[13] is not None for r in data["employees"])
    assert all(_naive(r[5]) <= as_of for r in data["tax_filings"])


def test_twins_share_name_and_family_card_but_nothing_else() -> None:
    data = _expected(10, 5)
    customers = {r[0]: r for r in data["customers"]}
    employees = {r[0]: r for r in data["employees"]}
    a, b = (customers[i] for i in TWINS.customers)
    assert a[2] == b[2] == TWINS.customer_name
    assert a[6] == b[6] == TWINS.customer_kk and kk_ok(TWINS.customer_kk)
    assert a[3] != b[3] and a[4] != b[4] and a[5] != b[5] and a[7] != b[7] and a[1] != b[1]
    assert sum(r[2] == TWINS.customer_name for r in data["customers"]) == 2
    c, d = (employees[i] for i in TWINS.employees)
    assert c[2] == d[2] == TWINS.employee_name
    assert c[4] == d[4] == TWINS.employee_kk and kk_ok(TWINS.employee_kk)
    assert c[3] != d[3] and c[8] != d[8] and c[1] != d[1]
    assert sum(r[2] == TWINS.employee_name for r in data["employees"]) == 2


def test_twins_in_a_database(sqlite_engine: Engine) -> None:
    create_schema(sqlite_engine)
    generate(sqlite_engine, customers=20, employees=5)
    with sqlite_engine.connect() as conn:
        ids = conn.execute(
            text("SELECT id FROM customers WHERE full_name = :n AND kk_number = :k ORDER BY id"),
            {"n": TWINS.customer_name, "k": TWINS.customer_kk},
        ).scalars()
        assert tuple(ids) == TWINS.customers
        ids = conn.execute(
            text("SELECT id FROM employees WHERE full_name = :n AND kk_number = :k ORDER BY id"),
            {"n": TWINS.employee_name, "k": TWINS.employee_kk},
        ).scalars()
        assert tuple(ids) == TWINS.employees


def test_cli_creates_and_fills(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--url", url, "--customers", "50", "--employees", "5", "--quiet"]) == 0
    assert "customers" in capsys.readouterr().out
    assert main(["--url", url, "--customers", "50", "--employees", "5", "--quiet"]) == 2
    assert "empty schema" in capsys.readouterr().err
    assert main(["--url", url, "--customers", "60", "--employees", "5", "--quiet", "--drop"]) == 0
