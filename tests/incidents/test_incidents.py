"""The breach register on the sample company's payroll tables: counts, deadlines, notices, audit, errors."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from examples.sample import DATAMAP, create_schema, generate
from jaga import audit
from jaga.cli._base import new_app
from jaga.cli.incidents import app as incident_app
from jaga.errors import JagaError
from jaga.incidents import (
    ELEMENTS,
    Incident,
    assess_incident,
    authority_notice,
    deadlines,
    notify,
    open_incident,
    read_map,
    subject_notice,
    timeline,
)
from jaga.policy import Policy, parse_policy
from jaga.regimes import get_regime
from jaga.store import create_tenant, ensure_tenant, make_engine, migrate, session_scope

DISCOVERED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
OCCURRED = DISCOVERED - timedelta(hours=20)
NOW = DISCOVERED + timedelta(hours=10)
PAYROLL = ["sample_hr.payslips", "sample_hr.bank_accounts"]


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.db'}"
    engine = create_engine(url)
    create_schema(engine)
    generate(engine, customers=40, employees=25, seed=42, progress=False)
    engine.dispose()
    return url


@pytest.fixture
def policy(clean_policy_text: str) -> Policy:
    return parse_policy(clean_policy_text)


@pytest.fixture
def store(jaga_env: Path) -> Iterator[tuple[Session, int]]:
    engine = make_engine()
    migrate(engine)
    with Session(engine) as session:
        yield session, ensure_tenant(session, "acme").id
    engine.dispose()


def _open(session: Session, tenant_id: int, **changes: object) -> Incident:
    fields: dict[str, object] = {
        "title": "Payroll export sent to the wrong client",
        "description": "A payroll export was e-mailed to another client company.",
        "occurred_at": OCCURRED,
        "discovered_at": DISCOVERED,
        "regimes": ["uu_pdp", "gdpr"],
        "tables": PAYROLL,
        "containment": "The recipient confirmed deletion in writing.",
        "consequences": "Possible fraud attempts using bank details.",
        "measures": "Exports now need a second person's check.",
        "high_risk": True,
        "now": NOW,
    }
    fields.update(changes)
    return open_incident(session, tenant_id, **fields)  # type: ignore[arg-type]


def _expected_people(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        query = text(
            "SELECT COUNT(*) FROM (SELECT employee_id FROM payslips UNION SELECT employee_id FROM bank_accounts)"
        )
        count = int(conn.execute(query).scalar_one())
    engine.dispose()
    return count


def test_payroll_breach_end_to_end(store: tuple[Session, int], policy: Policy, sample_url: str) -> None:
    session, tenant_id = store
    incident = _open(session, tenant_id)
    result = assess_incident(session, incident, read_map(DATAMAP), {"*": sample_url}, policy, now=NOW)
    assert result.subjects == {"sample_hr.employees": _expected_people(sample_url)} and result.total_subjects > 0
    assert set(result.records) == set(PAYROLL) and result.records["sample_hr.payslips"] > 25
    assert {"user.financial.salary", "user.financial.bank_account", "user.name"} <= set(result.categories)
    assert "user.financial.salary" in result.special["uu_pdp"]  # UU PDP art. 4(2)(f) personal financial data
    assert result.identities["sample_hr.employees"] == ["email", "employee_no", "nik"]

    due = {(d.regime, d.audience): d for d in deadlines(DISCOVERED, ["uu_pdp", "gdpr"], True)}
    assert due["uu_pdp", "subjects"].due == due["uu_pdp", "authority"].due == DISCOVERED + timedelta(hours=72)
    assert due["uu_pdp", "authority"].article == "UU PDP art. 46(1)(b)"
    assert due["gdpr", "authority"].due == DISCOVERED + timedelta(hours=72)
    assert due["gdpr", "subjects"].due is None and due["gdpr", "subjects"].required
    assert not {(d.regime, d.audience): d for d in deadlines(DISCOVERED, ["gdpr"], False)}["gdpr", "subjects"].required

    for lang in ("id", "en"):
        draft = subject_notice(incident, result, policy, lang)
        required = {*get_regime("uu_pdp").breach.required_content, *get_regime("gdpr").breach.required_content}
        assert set(draft.elements) == required
        for key, value in draft.elements.items():
            label = ELEMENTS[key][0 if lang == "en" else 1]
            assert label in draft.body and value.splitlines()[0] in draft.body
        assert "Exports now need a second person's check." in draft.elements["handling_and_recovery"]
        assert "dpo@contoh.co.id" in draft.elements["dpo_contact"]
        assert "Possible fraud" in draft.elements["likely_consequences"]
        assert "2026-03-01 13:00 WIB" in draft.elements["when_and_how"]  # occurred, in the controller's zone
        name = "Gaji dan penggajian" if lang == "id" else "Salary and payroll"
        assert name in draft.elements["data_disclosed"]
    form = authority_notice(incident, result, policy, "gdpr", NOW)
    assert form.elements["subjects_count"] == str(result.total_subjects)
    assert set(get_regime("gdpr").breach.required_content) <= set(form.elements)
    assert "delay_reason" not in form.elements

    files = notify(session, incident, policy, now=NOW)
    assert sorted(f.name for f in files) == [
        "authority-gdpr.en.eml",
        "authority-uu_pdp.id.eml",
        "subjects.en.eml",
        "subjects.id.eml",
    ]
    message = email.message_from_bytes((files[0].parent / "subjects.id.eml").read_bytes())
    body = message.get_payload(decode=True)
    assert message["Content-Language"] == "id" and isinstance(body, bytes)
    assert "Data pribadi yang terungkap" in body.decode() and "{{ name }}" in body.decode()  # mail-merge, no PD
    assert incident.status == "notified" and incident.subjects_notified_at == NOW

    kinds = [step.kind for step in timeline(session, incident)]
    assert kinds == ["incident.opened", "incident.assessed", "incident.notified", "incident.notified"]
    assert audit.verify(session, tenant_id).ok
    for entry in audit.entries(session, tenant_id):
        payload = json.loads(entry.payload)
        assert "@" not in entry.payload and "wrong client" not in entry.payload and payload["incident"] == incident.id


def test_late_authority_notice_needs_reasons(store: tuple[Session, int], policy: Policy) -> None:
    session, tenant_id = store
    incident = _open(session, tenant_id, categories=["user.name"])
    late = DISCOVERED + timedelta(hours=80)
    with pytest.raises(JagaError, match="reasons for the delay"):
        notify(session, incident, policy, audiences=["authority"], now=late)
    notify(session, incident, policy, audiences=["authority"], delay_reason="Forensics took long.", now=late)
    assert incident.authority_notified_at == late


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"discovered_at": datetime.now(UTC) + timedelta(days=1), "now": None}, "discovery time is in the future"),
        ({"occurred_at": DISCOVERED + timedelta(hours=1)}, "occurred after it was discovered"),
        ({"regimes": ["ccpa"]}, "unknown or no regime"),
        ({"title": " "}, "needs a title"),
    ],
)
def test_bad_input(store: tuple[Session, int], changes: dict[str, object], message: str) -> None:
    session, tenant_id = store
    with pytest.raises(JagaError, match=message):
        _open(session, tenant_id, **changes)


def test_missing_facts_and_unknown_table(store: tuple[Session, int], policy: Policy, sample_url: str) -> None:
    session, tenant_id = store
    incident = _open(session, tenant_id, consequences="", categories=["user.name"])
    with pytest.raises(JagaError, match="likely consequences is missing"):
        notify(session, incident, policy, now=NOW)
    incident.tables = ["nowhere"]
    with pytest.raises(JagaError, match="'nowhere' is not in the data map"):
        assess_incident(session, incident, read_map(DATAMAP), {"*": sample_url}, policy)


def test_cli(jaga_env: Path, sample_url: str, tmp_path: Path) -> None:
    policy = Path(__file__).resolve().parents[1] / "fixtures_clean_policy.yaml"
    root = new_app("test")
    root.add_typer(incident_app, name="incident")
    runner = CliRunner()
    assert runner.invoke(root, ["incident", "list"]).exit_code == 2  # store not migrated: clear error
    migrate(make_engine())
    with session_scope() as session:  # the only tenant, so the commands need no --tenant
        create_tenant(session, "acme")
    discovered = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    opened = runner.invoke(root, [
        "incident", "open", "--policy", str(policy), "--title", "Leak", "--description", "Export sent to wrong client",
        "--occurred", discovered, "--discovered", discovered, "--table", "sample_hr.payslips",
        "--containment", "Deleted", "--consequences", "Fraud risk",
    ])  # fmt: skip
    assert opened.exit_code == 0, opened.output
    contacts = tmp_path / "contacts.csv"
    assessed = runner.invoke(root, [
        "incident", "assess", "1", "--policy", str(policy), "--datamap", str(DATAMAP), "--db", sample_url,
        "--export-contacts", str(contacts),
    ])  # fmt: skip
    assert assessed.exit_code == 0, assessed.output
    assert "people affected" in assessed.output and "@" not in assessed.output
    assert contacts.stat().st_mode & 0o077 == 0 and "email" in contacts.read_text()
    assert runner.invoke(root, ["incident", "notify", "1", "--policy", str(policy)]).exit_code == 0
    listed = runner.invoke(root, ["incident", "list"])
    assert "Leak" in listed.output and "OVERDUE" not in listed.output
    assert runner.invoke(root, ["incident", "close", "1"]).exit_code == 0
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    bad = runner.invoke(root, [
        "incident", "open", "--policy", str(policy), "--title", "x", "--description", "y",
        "--occurred", discovered, "--discovered", future,
    ])  # fmt: skip
    assert bad.exit_code == 2 and "future" in bad.output
    engine = make_engine()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Incident.__table__)).scalar_one() == 1
    engine.dispose()
