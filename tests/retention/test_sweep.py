"""A sweep on the sample company with a fixed clock changes exactly the rows whose time is up, keeps
the rows a law holds, proves anonymisation, and is audited; on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import copy
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from examples.sample import DATAMAP
from jaga import audit, retention
from jaga.store import ensure_tenant, session_scope
from tests.retention.conftest import NOW, POLICY, Rows, connections, snapshot


def _ago(years: int) -> datetime:
    return NOW - relativedelta(years=years)


def _year(day: date | None) -> date | None:
    return None if day is None else date(day.year, 1, 1)


def expected_after(before: Rows) -> Rows:
    """What tests/retention/policy.yaml demands, worked out row by row in Python (no jaga SQL)."""
    after = copy.deepcopy(before)

    def drop(table: str, ids: set[int]) -> None:
        for i in ids:
            del after[table][i]

    # web logs: one year from the event
    drop("web_events", {i for i, r in before["web_events"].items() if r["at"] < _ago(1)})
    # customers: anonymised three years after their last activity; what holds only identifiers goes
    gone = {i for i, r in before["customers"].items() if r["last_activity_at"] < _ago(3)}
    for i in gone:
        row = after["customers"][i]
        token = f"anon{i}"
        row.update(customer_no=token, full_name=token, email=token, phone="[erased]", nik=None, kk_number=None)
        row["date_of_birth"] = _year(row["date_of_birth"])
    for table in ("contacts", "support_tickets"):
        drop(table, {i for i, r in before[table].items() if r["customer_id"] in gone})
    orders = {i for i, r in before["orders"].items() if r["customer_id"] in gone}
    for i, r in before["invoices"].items():  # tax law keeps invoices ten years, then only the NPWP goes
        if r["order_id"] in orders and r["issued_at"] < _ago(10):
            after["invoices"][i]["npwp"] = None
    # employees: two years after the contract ends; payslips and tax filings held ten years (UU KUP)
    ended = {i for i, r in before["employees"].items() if r["terminated_at"] and r["terminated_at"] < _ago(2)}
    for table in ("bank_accounts", "attendance"):
        drop(table, {i for i, r in before[table].items() if r["employee_id"] in ended})
    for table, column in (("payslips", "created_at"), ("tax_filings", "filed_at")):
        drop(table, {i for i, r in before[table].items() if r["employee_id"] in ended and r[column] < _ago(10)})
    kept = {r["employee_id"] for t in ("payslips", "tax_filings") for r in after[t].values()}
    for i in ended:
        if i not in kept:
            del after["employees"][i]
            continue
        row, token = after["employees"][i], f"anon{i}"
        row.update(employee_no=token, nik=token, kk_number=token, npwp=token, email=token, bpjs_kesehatan=f"a{i}")
        row.update(bpjs_ketenagakerjaan=f"a{i}", full_name="[erased]", phone="[erased]", address="[erased]")
        row["date_of_birth"] = _year(row["date_of_birth"])
    return after


def changed_counts(before: Rows, after: Rows) -> dict[str, tuple[int, int]]:
    """Per table (deleted, changed) between two snapshots: what a run must report."""
    return {
        t: (len(set(before[t]) - set(after[t])), sum(1 for i, r in after[t].items() if before[t][i] != r))
        for t in before
    }


def test_sweep_changes_exactly_the_rows_whose_time_is_up(company: str) -> None:
    before = snapshot(company)
    by_month_region = {"month_of": "created_at", "by": ["province"]}
    stats_before = retention.statistics(company, "customers", **by_month_region)  # type: ignore[arg-type]
    result = retention.run(POLICY, DATAMAP, now=NOW, connections=connections(company), chunk_rows=40)
    after = snapshot(company)
    want = expected_after(before)
    for table in want:
        assert after[table] == want[table], table
    assert result.status == "done"
    assert all(check["verified"] for check in result.verification.values())
    # counts reported per table are exactly what changed, and equal what the plan said was due
    counts = changed_counts(before, after)
    for name, t in result.tables.items():
        assert (t["deleted"], t["anonymised"]) == counts[name.split(".")[1]], name
        assert t["due"] == t["deleted"] + t["anonymised"], name
    assert result.deleted > 0 and result.anonymised > 0
    # held rows: counted, kept unchanged (checked above), and the law is named
    payslips, invoices = result.tables["sample_hr.payslips"], result.tables["sample_crm.invoices"]
    assert payslips["held"] > 0 and "UU KUP art. 28(11)" in payslips["laws"]
    assert invoices["held"] > 0 and invoices["laws"] == ["UU KUP art. 28(11) — 10 years"]
    # anonymised statistics (counts by month and region) equal the statistics before the sweep
    assert retention.statistics(company, "customers", **by_month_region) == stats_before  # type: ignore[arg-type]
    check = result.verification["sample_crm.customers"]
    assert check == {
        "left_identified": 0,
        "still_linked": 0,
        "pii_found": {},
        "statistics_kept": True,
        "verified": True,
    }
    gone = [i for i, r in after["customers"].items() if r["customer_no"].startswith("anon")]
    left = {str(v) for i in gone for v in after["customers"][i].values() if v is not None}
    for i in gone:  # no direct identifier of an anonymised customer survives in its row
        for column in ("customer_no", "full_name", "email", "phone", "nik", "kk_number"):
            assert before["customers"][i][column] not in left, column


def test_plan_then_run_then_nothing_left_and_audited(new_company: object, store: str) -> None:
    url = new_company("sqlite")  # type: ignore[operator]
    before = snapshot(url)
    planned = retention.plan(POLICY, DATAMAP, now=NOW, connections=connections(url))
    assert snapshot(url) == before  # a plan changes nothing
    result = retention.run(POLICY, DATAMAP, now=NOW, connections=connections(url), actor="dpo")
    assert {t.table: t.due for t in planned.tables if t.due} == {
        n: t["due"] for n, t in result.tables.items() if t["due"]
    }
    assert {t.table: t.held for t in planned.tables if t.held} == {
        n: t["held"] for n, t in result.tables.items() if t["held"]
    }
    web = next(t for t in planned.tables if t.table == "sample_crm.web_events")
    assert web.sql == (  # SQLite keeps timestamps as text: instants are compared, whatever their layout
        "DELETE FROM web_events WHERE web_events.at IS NOT NULL AND "
        "julianday(web_events.at) < julianday('2025-11-01 00:00:00.000000')"
    )
    assert web.oldest is not None and web.oldest < "2025-11-01"
    again = retention.run(POLICY, DATAMAP, now=NOW, connections=connections(url), actor="dpo")
    assert (again.deleted, again.anonymised, again.status) == (0, 0, "done")
    with session_scope(store) as s:
        tenant = ensure_tenant(s, "default").id
        assert audit.verify(s, tenant).ok
        entries = audit.entries(s, tenant, limit=10)
        kinds, payloads, actors = [e.kind for e in entries], [e.payload for e in entries], {e.actor for e in entries}
    assert kinds == ["retention.completed", "retention.started"] * 2 and actors == {"dpo"}
    assert f'"deleted":{result.deleted}' in payloads[2] and result.run_id in payloads[2]
    values = {str(r[c]) for r in before["customers"].values() for c in ("email", "phone", "full_name", "nik")}
    assert not any(v in p for v in values if v != "None" for p in payloads)


def test_return_to_client_exports_the_rows_before_they_go(new_company: object, tmp_path: object, store: str) -> None:
    from pathlib import Path

    url = new_company("sqlite")  # type: ignore[operator]
    policy = Path(str(tmp_path)) / "policy.yaml"
    text = POLICY.read_text(encoding="utf-8")
    policy.write_text(
        text.replace(
            "    trigger: collection\n  - key: employment_records",
            "    trigger: collection\n    action: return_to_client\n  - key: employment_records",
        ),
        encoding="utf-8",
    )
    before = snapshot(url)
    out = Path(str(tmp_path)) / "returned"
    result = retention.run(policy, DATAMAP, now=NOW, connections=connections(url), out_dir=out, chunk_rows=100)
    web = result.tables["sample_crm.web_events"]
    assert web["exported"] == web["deleted"] > 0
    files = sorted((out / "sample_crm.web_events").glob("part-*.jsonl"))
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == web["deleted"]
    assert result.export_dir == str(out.resolve())
    gone = set(before["web_events"]) - set(snapshot(url)["web_events"])
    assert {int(line.split('"id": ')[1].split(",")[0]) for line in lines} == gone
