"""End to end on real databases: access, erasure with legal holds, rectification, dry run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from examples.sample import DATAMAP, TWINS
from jaga.actions import read_export
from jaga.requests import RequestSpec, execute, run_requests
from jaga.requests.plan import Plan, deferrable
from jaga.store import make_engine, session_scope
from jaga.store.models.audit import AuditEntry
from jaga.store.models.dsr import DsrStep
from tests.requests.conftest import POLICY, connections, snapshot


def _scalar(url: str, sql: str, **params: object) -> object:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def _subject_rows(url: str, customer_id: int) -> dict[str, set[int]]:
    """The subject's rows by hand-written SQL: what every export and erasure must cover."""
    engine = make_engine(url)
    q = {
        "customers": "SELECT id FROM customers WHERE id = :c",
        "contacts": "SELECT id FROM contacts WHERE customer_id = :c",
        "orders": "SELECT id FROM orders WHERE customer_id = :c",
        "invoices": "SELECT i.id FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = :c",
        "marketing_subscriptions": "SELECT id FROM marketing_subscriptions WHERE customer_id = :c",
        "support_tickets": "SELECT id FROM support_tickets WHERE customer_id = :c",
        "web_events": "SELECT id FROM web_events WHERE customer_id = :c",
    }
    with engine.connect() as conn:
        out = {t: {r[0] for r in conn.execute(text(sql), {"c": customer_id})} for t, sql in q.items()}
    engine.dispose()
    return out


def test_access_export_holds_every_row_of_the_subject_and_nothing_else(company: str, tmp_path: Path) -> None:
    me, twin = TWINS.customers
    email = _scalar(company, "SELECT email FROM customers WHERE id = :i", i=me)
    result = run_requests(
        [RequestSpec("access", {"email": str(email)})],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
        out_dir=tmp_path / "out",
    )
    assert result.status == "done"
    export = read_export(Path(result.requests[0].result["export"]))
    data = export["data"]["sample_crm"]
    expected = _subject_rows(company, me)
    twin_rows = _subject_rows(company, twin)
    for table, ids in expected.items():
        got = {row["id"] for row in data.get(table, [])} if ids else set()
        if table == "customers":
            assert [r["full_name"] for r in data["customers"]] == [TWINS.customer_name]
        assert got == ids, table
        assert not (got & twin_rows[table]), table
    assert export["manifest"]["tables"]["sample_crm.customers"] == 1
    assert set(export["manifest"]["sha256"]) >= {"data.json", "csv/sample_crm.customers.csv"}


def test_erasure_leaves_nothing_outside_holds_and_other_subjects_untouched(company: str) -> None:
    me = TWINS.customers[0]
    email = str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=me))
    mine = _subject_rows(company, me)
    before = snapshot(company)
    result = run_requests(
        [RequestSpec("erasure", {"email": email})], datamap=DATAMAP, policy=POLICY, connections=connections(company)
    )
    req = result.requests[0]
    assert req.status == "done" and req.result["verification"]["verified"]
    after = snapshot(company)
    kept = {"customers", "orders", "invoices"}  # rows kept: held invoices, and the parents they need
    for table, rows in before.items():
        untouched = [r for r in rows if r[0] not in mine.get(table, set())]
        now = [r for r in after[table] if r[0] not in mine.get(table, set())]
        assert untouched == now, table
        if table in mine and table not in kept:
            assert not {r[0] for r in after[table]} & mine[table], table
    assert _scalar(company, "SELECT COUNT(*) FROM customers WHERE email = :e", e=email) == 0
    invoices = [h for h in req.result["held"] if h["table"] == "sample_crm.invoices"]
    if mine["invoices"]:
        assert invoices and invoices[0]["rows"] == len(mine["invoices"]) and "UU KUP" in invoices[0]["law"]
        assert invoices[0]["until"] > "2030"
    held_invoices = [r for r in after["invoices"] if r[0] in mine["invoices"]]
    assert held_invoices == [r for r in before["invoices"] if r[0] in mine["invoices"]]


def test_employee_erasure_keeps_payroll_and_tax_under_legal_hold(company: str) -> None:
    me = TWINS.employees[0]
    nik = str(_scalar(company, "SELECT nik FROM employees WHERE id = :i", i=me))
    result = run_requests(
        [RequestSpec("erasure", {"nik": nik})], datamap=DATAMAP, policy=POLICY, connections=connections(company)
    )
    req = result.requests[0]
    assert req.result["verification"]["verified"]
    held = {h["table"]: h for h in req.result["held"]}
    assert {"sample_hr.payslips", "sample_hr.tax_filings"} <= set(held)
    assert (
        _scalar(company, "SELECT COUNT(*) FROM payslips WHERE employee_id = :i", i=me)
        == held["sample_hr.payslips"]["rows"]
    )
    assert _scalar(company, "SELECT COUNT(*) FROM attendance WHERE employee_id = :i", i=me) == 0
    assert _scalar(company, "SELECT COUNT(*) FROM employees WHERE nik = :n", n=nik) == 0


def test_batch_of_many_erasures_and_dry_run_changes_nothing(company: str) -> None:
    engine = make_engine(company)
    with engine.connect() as conn:
        emails = [r[0] for r in conn.execute(text("SELECT email FROM customers WHERE id > 5 ORDER BY id"))]
    engine.dispose()
    specs = [RequestSpec("erasure", {"email": e}) for e in emails[:10]]
    before = snapshot(company)
    dry = run_requests(specs, datamap=DATAMAP, policy=POLICY, connections=connections(company), dry_run=True)
    assert dry.status == "dry-run" and dry.plan_text and "DELETE FROM" in dry.plan_text
    assert emails[0] not in dry.plan_text  # identities are never printed
    assert snapshot(company) == before
    result = run_requests(specs, datamap=DATAMAP, policy=POLICY, connections=connections(company))
    assert all(r.result["verification"]["verified"] for r in result.requests)


def test_rectification_updates_named_fields_and_validates(company: str) -> None:
    me = TWINS.customers[1]
    email = str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=me))
    run_requests(
        [RequestSpec("rectification", {"email": email}, changes={"customers.city": "Bandung"})],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
    )
    assert _scalar(company, "SELECT city FROM customers WHERE id = :i", i=me) == "Bandung"


def test_deferred_tables_are_found_by_their_delete_and_counted(company: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaf tables are not read before an erasure: their DELETE by the frozen parent key returns the rows.
    A row the application adds after planning is therefore erased and counted too, and every table's
    count in the result equals what hand-written SQL finds for the subject."""
    me = TWINS.customers[0]
    email = str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=me))
    mine = _subject_rows(company, me)
    policy, dmap, _ = execute.load_config(POLICY, [DATAMAP])
    assert {("sample_crm", "web_events"), ("sample_crm", "contacts")} <= deferrable(dmap, policy)
    assert not {("sample_crm", "orders"), ("sample_crm", "customers")} & deferrable(dmap, policy)
    planned = execute._Runner.plan

    def plan_then_app_writes(self: execute._Runner) -> Plan:
        plan = planned(self)
        engine = make_engine(company)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO web_events (id, customer_id, cookie_id, ip_address, path, at) "
                    "VALUES (999999, :c, 'late-cookie', '10.0.0.9', '/late', CURRENT_TIMESTAMP)"
                ),
                {"c": me},
            )
        engine.dispose()
        return plan

    monkeypatch.setattr(execute._Runner, "plan", plan_then_app_writes)
    result = run_requests(
        [RequestSpec("erasure", {"email": email})], datamap=DATAMAP, policy=POLICY, connections=connections(company)
    )
    req = result.requests[0]
    assert req.status == "done" and req.result["verification"]["verified"]
    assert req.result["tables"]["sample_crm.web_events"] == len(mine["web_events"]) + 1
    for table in ("contacts", "marketing_subscriptions", "support_tickets"):
        assert req.result["tables"].get(f"sample_crm.{table}", 0) == len(mine[table]), table
    assert _scalar(company, "SELECT COUNT(*) FROM web_events WHERE customer_id = :c", c=me) == 0
    with session_scope() as s:  # the audit entry of the plan says how a deferred table is found
        planned = json.loads(
            s.scalars(
                select(AuditEntry.payload).where(AuditEntry.kind == "dsr.planned").order_by(AuditEntry.id.desc())
            ).first()
            or "{}"
        )
    assert "sample_crm.web_events" not in planned["tables"] and planned["tables"]["sample_crm.customers"] == 1
    assert planned["found_when_erased"]["sample_crm.web_events"] == {"by": "customer_id", "parents": 1}


def test_dates_are_cut_to_the_year_alike_in_sql_and_in_python(company: str) -> None:
    """PostgreSQL and MariaDB cut dates to the year inside the UPDATE, SQLite in Python: same values."""
    me = TWINS.customers[0]
    email = str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=me))
    engine = make_engine(company)
    with engine.connect() as conn:
        before_orders = dict(
            conn.execute(text("SELECT id, created_at FROM orders WHERE customer_id = :c"), {"c": me}).all()
        )
        born = conn.execute(text("SELECT date_of_birth FROM customers WHERE id = :c"), {"c": me}).scalar()
    run_requests(
        [RequestSpec("erasure", {"email": email})], datamap=DATAMAP, policy=POLICY, connections=connections(company)
    )
    with engine.connect() as conn:
        after_orders = dict(
            conn.execute(text("SELECT id, created_at FROM orders WHERE customer_id = :c"), {"c": me}).all()
        )
        born_after = conn.execute(text("SELECT date_of_birth FROM customers WHERE id = :c"), {"c": me}).scalar()
    engine.dispose()
    assert before_orders and set(after_orders) == set(before_orders)
    for key, value in before_orders.items():
        cut = str(after_orders[key])
        assert cut.startswith(f"{str(value)[:4]}-01-01 00:00:00"), (value, cut)
    assert str(born_after) == f"{str(born)[:4]}-01-01"


def test_every_step_on_one_database_runs_in_one_transaction(company: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Customers and orders are kept (invoices need them) and only pseudonymised, beside the children's
    deletes and the invoices' restriction: all the steps of the batch on one database are one job,
    one connection and one transaction, so they commit together or not at all."""
    groups: list[int] = []
    settle = execute.settle

    def recorded(jobs: list[object], *, concurrent: bool) -> object:
        groups.append(len(jobs))
        return settle(jobs, concurrent=concurrent)  # type: ignore[arg-type]

    monkeypatch.setattr(execute, "settle", recorded)
    emails = [str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=i)) for i in (7, 8, 9)]
    before = snapshot(company)
    out = run_requests(
        [RequestSpec("erasure", {"email": e}) for e in emails],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
    )
    assert all(r.result["verification"]["verified"] for r in out.requests)
    with session_scope() as s:
        names = set(s.scalars(select(DsrStep.name).where(DsrStep.batch_id == out.batch_id)))
    table_steps = {n for n in names if n.partition(":")[0] in ("erase", "restrict")}
    assert {"erase:sample_crm.customers", "erase:sample_crm.orders", "erase:sample_crm.web_events"} <= table_steps
    assert groups == [1]  # both datasets live in one database
    after = snapshot(company)
    assert after["invoices"] == before["invoices"]  # held, and still pointing at their kept orders


def test_a_table_with_no_personal_data_keeps_the_rows_it_points_at(company: str, tmp_path: Path) -> None:
    """A map that files ``orders`` and ``invoices`` as mere bookkeeping (no personal column): an erasure
    leaves the orders alone, so the customer they point at is pseudonymised, not deleted (a deleted customer broke the
    foreign key: refused by PostgreSQL and MariaDB, an orphaned order on SQLite)."""
    import yaml

    doc = yaml.safe_load(DATAMAP.read_text(encoding="utf-8"))
    for dataset in doc["dataset"]:
        for coll in dataset["collections"]:
            if coll["name"] in ("orders", "invoices"):  # and nothing else (no legal hold) keeps the customer
                coll.pop("jaga", None)
                for fld in coll["fields"]:
                    fld["data_categories"] = ["system.operations"]
            if coll["name"] == "customers":  # and the map does not ask for customers to be kept either
                for fld in coll["fields"]:
                    fld.pop("jaga", None)
    changed = tmp_path / "datamap.yaml"
    changed.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    me = int(str(_scalar(company, "SELECT MIN(customer_id) FROM orders WHERE customer_id > 5")))
    email = str(_scalar(company, "SELECT email FROM customers WHERE id = :i", i=me))
    before = snapshot(company)
    out = run_requests(
        [RequestSpec("erasure", {"email": email})], datamap=changed, policy=POLICY, connections=connections(company)
    )
    assert out.requests[0].status == "done" and out.requests[0].result["verification"]["verified"]
    after = snapshot(company)
    assert after["orders"] == before["orders"]  # untouched, and still pointing at a customer row
    kept = [r for r in after["customers"] if r[0] == me]
    assert kept and email not in kept[0]
