"""Fides datasets behave as Fides' own tests expect, on SQLite, PostgreSQL and MariaDB.

The fixtures are our own small shop that reproduces each situation of Fides' example datasets
(``data/dataset/postgres_example_test_dataset.yml`` and its MySQL/MariaDB twins): a table with no
primary key found by its identity columns, a read-only collection, a ``skip_processing`` collection,
``erase_after`` ordering a delete before a foreign key would refuse it, field- and collection-level
``masking_strategy_override``, ``length`` and a schema ``namespace`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, insert, text

from jaga.actions import read_export
from jaga.errors import ConfigError
from jaga.requests import RequestSpec, run_requests
from jaga.store import make_engine
from tests.requests.conftest import BACKENDS, POLICY, _company

ME, OTHER = "jane@example.com", "joe@example.com"

MAP = """\
dataset:
  - fides_key: shop
    name: Shop
    description: our own fixture in the shape of Fides' example datasets
    collections:
      - name: account
        fides_meta: {erase_after: [shop.orders]}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: customer
        fields:
          - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email, data_type: string}}
          - {name: name, data_categories: [user.name], fides_meta: {data_type: string, length: 40}}
      - name: orders
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: account_id, data_categories: [system.operations]}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: login
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta:
              references: [{dataset: shop, field: customer.id, direction: from}]
          - {name: time, data_categories: [user.sensor]}
      - name: visit
        fides_meta: {erase_after: [shop.session]}
        fields:
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email, data_type: string}}
          - {name: last_visit, data_categories: [system.operations]}
      - name: device
        jaga: {owner: [email, customer_id]}  # a row is the person's whichever of the two found it
        fields:
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta:
              references: [{dataset: shop, field: customer.id, direction: from}]
          - {name: model, data_categories: [user.device]}
      - name: service_request
        fields:
          - {name: alt_email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: email, data_categories: [system.operations], fides_meta: {identity: email}}
          - {name: note, data_categories: [user.content.private]}
      - name: report
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email, read_only: true}}
          - {name: total, data_categories: [user.behavior], fides_meta: {read_only: true}}
      - name: audit_log
        fides_meta: {skip_processing: true}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: employee
        fields:
          - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - name: name
            data_categories: [user.name]
            fides_meta:
              data_type: string
              masking_strategy_override:
                strategy: string_rewrite
                configuration: {rewrite_value: testing, format_preservation: {suffix: "-test"}}
          - {name: nickname, data_categories: [user.name], fides_meta: {length: 5}}
          - {name: badge, data_categories: [user.unique_id], fides_meta: {read_only: true}}
      - name: session
        fides_meta: {masking_strategy_override: {strategy: delete}}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - name: token
            data_categories: [user.authorization.credentials]
            fides_meta: {masking_strategy_override: {strategy: null_rewrite}}
"""


def _schema(metadata: MetaData, schema: str | None = None) -> None:
    def text_col(name: str, width: int = 60) -> Column[str]:
        return Column(name, String(width), nullable=True)

    Table("account", metadata, Column("id", Integer, primary_key=True), text_col("email"), schema=schema)
    Table("customer", metadata, Column("id", Integer, primary_key=True), text_col("email"), text_col("name"),
          schema=schema)  # fmt: skip
    account = f"{schema}.account.id" if schema else "account.id"
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("account_id", Integer, ForeignKey(account)), text_col("email"), schema=schema)  # fmt: skip
    Table("login", metadata, Column("id", Integer, primary_key=True), Column("customer_id", Integer),
          text_col("time"), schema=schema)  # fmt: skip
    Table("visit", metadata, text_col("email"), text_col("last_visit"), schema=schema)
    Table("device", metadata, text_col("email"), Column("customer_id", Integer), text_col("model"), schema=schema)
    Table("service_request", metadata, text_col("alt_email"), text_col("email"), text_col("note"), schema=schema)
    Table("report", metadata, Column("id", Integer, primary_key=True), text_col("email"), Column("total", Integer),
          schema=schema)  # fmt: skip
    Table("audit_log", metadata, Column("id", Integer, primary_key=True), text_col("email"), schema=schema)
    Table("employee", metadata, Column("id", Integer, primary_key=True), text_col("email"), text_col("name"),
          text_col("nickname"), text_col("badge"), schema=schema)  # fmt: skip
    Table("session", metadata, Column("id", Integer, primary_key=True), text_col("email"), text_col("token"),
          schema=schema)  # fmt: skip


def _fill(url: str, schema: str | None = None) -> MetaData:
    metadata = MetaData()
    _schema(metadata, schema)
    engine = make_engine(url)
    metadata.create_all(engine)
    t = {name.split(".")[-1]: table for name, table in metadata.tables.items()}
    with engine.begin() as conn:
        for i, who in enumerate((ME, OTHER), start=1):
            conn.execute(insert(t["account"]).values(id=i, email=who))
            conn.execute(insert(t["customer"]).values(id=i, email=who, name=f"Person {i}"))
            conn.execute(insert(t["orders"]).values(id=i, account_id=i, email=who))
            conn.execute(insert(t["login"]).values(id=i, customer_id=i, time=f"2026-01-0{i}"))
            conn.execute(insert(t["visit"]).values(email=who, last_visit=f"day {i}"))
            conn.execute(insert(t["report"]).values(id=i, email=who, total=10 * i))
            conn.execute(insert(t["audit_log"]).values(id=i, email=who))
            conn.execute(
                insert(t["employee"]).values(id=i, email=who, name=f"Staff {i}", nickname="Nicky", badge=f"B{i}")
            )
            conn.execute(insert(t["session"]).values(id=i, email=who, token=f"tok{i}"))
        # no primary key, and rows found either by identity or by reference, NULL in the other column
        conn.execute(insert(t["device"]).values(email=None, customer_id=1, model="phone A"))
        conn.execute(insert(t["device"]).values(email=ME, customer_id=None, model="tablet"))
        conn.execute(insert(t["device"]).values(email=None, customer_id=2, model="phone B"))
        conn.execute(insert(t["device"]).values(email=OTHER, customer_id=None, model="tv"))
        # rows with no primary key, one of them found only through its second identity column
        conn.execute(insert(t["service_request"]).values(alt_email=None, email=ME, note="mine"))
        conn.execute(insert(t["service_request"]).values(alt_email=ME, email="desk@example.com", note="also mine"))
        conn.execute(insert(t["service_request"]).values(alt_email=None, email=OTHER, note="not mine"))
    engine.dispose()
    return metadata


def _rows(url: str, table: str, schema: str | None = None) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    name = f"{schema}.{table}" if schema else table
    with engine.connect() as conn:
        rows = sorted((tuple(r) for r in conn.execute(text(f"SELECT * FROM {name}"))), key=repr)
    engine.dispose()
    return rows


@pytest.fixture(params=BACKENDS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    gen = _company(request.param, tmp_path)
    url = next(gen)
    _fill(url)
    yield url
    next(gen, None)


def _write_map(tmp_path: Path, text_: str = MAP) -> Path:
    path = tmp_path / "shop.yml"
    path.write_text(text_, encoding="utf-8")
    return path


def test_access_reads_every_fides_situation_and_skips_what_the_map_skips(shop: str, tmp_path: Path) -> None:
    result = run_requests(
        [RequestSpec("access", {"email": ME})],
        datamap=_write_map(tmp_path),
        policy=POLICY,
        connections={"shop": shop},
        out_dir=tmp_path / "out",
    )
    assert result.status == "done", result
    data = read_export(Path(result.requests[0].result["export"]))["data"]["shop"]
    assert [r["time"] for r in data["login"]] == ["2026-01-01"]  # user.sensor, reached by reference
    assert [r["email"] for r in data["visit"]] == [ME]  # no primary key: found by its identity
    assert sorted(r["note"] for r in data["service_request"]) == ["also mine", "mine"]
    assert sorted(r["model"] for r in data["device"]) == ["phone A", "tablet"]
    assert [r["total"] for r in data["report"]] == [10]  # read-only is still shown
    assert "audit_log" not in data  # skip_processing: never read


def test_erasure_honours_read_only_skip_override_length_and_no_primary_key(shop: str, tmp_path: Path) -> None:
    untouched = {t: _rows(shop, t) for t in ("report", "audit_log")}
    result = run_requests(
        [RequestSpec("erasure", {"email": ME})], datamap=_write_map(tmp_path), policy=POLICY, connections={"shop": shop}
    )
    assert result.status == "done", result
    assert result.requests[0].result["verification"]["verified"] is True
    assert {t: _rows(shop, t) for t in untouched} == untouched  # read-only and skipped tables as they were
    # no primary key: the person's two rows go (one addressed with a NULL), the other person's stays
    assert _rows(shop, "service_request") == [(None, OTHER, "not mine")]
    assert _rows(shop, "visit") == [(OTHER, "day 2")]
    # a row found through one column is addressed by all of them: NULLs of other people stay
    assert _rows(shop, "device") == sorted([(None, 2, "phone B"), (OTHER, None, "tv")], key=repr)
    # erase_after: orders went before account, which their foreign key requires
    assert [r[0] for r in _rows(shop, "orders")] == [2] and [r[0] for r in _rows(shop, "account")] == [2]
    assert [r[0] for r in _rows(shop, "customer")] == [2]
    employees = {r[0]: r for r in _rows(shop, "employee")}
    assert employees[2] == (2, OTHER, "Staff 2", "Nicky", "B2")
    _, email, name, nickname, badge = employees[1]
    assert name == "testing-test"  # field masking_strategy_override: string_rewrite with its suffix
    assert nickname == "[eras"  # length 5: no erased value is longer
    assert badge == "B1" and email != ME  # read_only kept; the identity hashed
    assert [r[0] for r in _rows(shop, "session")] == [2]  # collection override: delete, not null_rewrite


def test_erase_after_orders_the_plan(shop: str, tmp_path: Path) -> None:
    """Nothing links visit and session, in the map or in the database: the map's order would erase
    the visits first, ``erase_after`` puts them after the session."""

    def order(text_: str) -> list[str]:
        plan = run_requests(
            [RequestSpec("erasure", {"email": ME})],
            datamap=_write_map(tmp_path, text_),
            policy=POLICY,
            connections={"shop": shop},
            dry_run=True,
        ).plan_text
        return [line[2:].split(":")[0] for line in (plan or "").splitlines() if line.startswith("- ")]

    with_after = order(MAP)
    assert with_after.index("shop.session") < with_after.index("shop.visit")
    assert with_after.index("shop.orders") < with_after.index("shop.account")
    without = order(MAP.replace("        fides_meta: {erase_after: [shop.session]}\n", "", 1))
    assert without.index("shop.visit") < without.index("shop.session")


NAMESPACED = """\
dataset:
  - fides_key: shop
    fides_meta:
      namespace: {schema: fides_ns, database_name: DBNAME}
    collections:
      - name: account
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: orders
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: account_id, data_categories: [system.operations]}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: visit
        fields:
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: last_visit, data_categories: [user.behavior]}
      - name: customer
        fields:
          - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: name, data_categories: [user.name]}
"""


@pytest.mark.postgres
def test_namespace_schema_reads_and_erases_in_that_schema_only(tmp_path: Path) -> None:
    """Same tables in ``public`` and in ``fides_ns``: a request works on the namespace's tables and leaves
    the others byte for byte; a URL to another database than ``database_name`` is refused."""
    gen = _company("postgres", tmp_path)
    url = next(gen)
    try:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA fides_ns"))
        engine.dispose()
        _fill(url)
        _fill(url, "fides_ns")
        engine = make_engine(url)
        with engine.begin() as conn:  # the decoy keeps no foreign key that could order the namespace's tables
            conn.execute(text("DROP TABLE public.orders"))
        engine.dispose()
        public = {t: _rows(url, t) for t in ("visit", "customer")}
        path = _write_map(tmp_path, NAMESPACED.replace("DBNAME", url.rsplit("/", 1)[1]))
        out = run_requests(
            [RequestSpec("access", {"email": ME})],
            datamap=path,
            policy=POLICY,
            connections={"shop": url},
            out_dir=tmp_path / "out",
        )
        data = read_export(Path(out.requests[0].result["export"]))["data"]["shop"]
        assert [r["last_visit"] for r in data["visit"]] == ["day 1"]
        result = run_requests(
            [RequestSpec("erasure", {"email": ME})], datamap=path, policy=POLICY, connections={"shop": url}
        )
        assert result.status == "done"
        assert _rows(url, "visit", "fides_ns") == [(OTHER, "day 2")]
        # the namespace's own foreign key (orders -> account) is read there and orders the deletes
        assert [r[0] for r in _rows(url, "account", "fides_ns")] == [2]
        assert {t: _rows(url, t) for t in public} == public
        wrong = _write_map(tmp_path, NAMESPACED.replace("DBNAME", "elsewhere"))
        with pytest.raises(ConfigError, match="names database 'elsewhere'"):
            run_requests(
                [RequestSpec("access", {"email": OTHER})], datamap=wrong, policy=POLICY, connections={"shop": url}
            )
    finally:
        next(gen, None)
