"""The lifecycle driving the real engine: a verified request is carried out on the sample company's database
(SQLite here; the engine itself is tested on PostgreSQL and MariaDB in test_dsr.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from examples.sample import DATAMAP, TWINS, create_schema, generate
from jaga.actions import read_export
from jaga.errors import JagaError
from jaga.ledger import EventIn, EventKind, record, state_at, subject_key
from jaga.ledger.identity import Identity, IdentityKind
from jaga.requests import lifecycle, mark_verified, submit
from jaga.requests.handlers import Company, hooks_for
from jaga.store import ensure_tenant, make_engine, session_scope
from tests.requests.conftest import POLICY


@pytest.fixture
def company(tmp_path: Path) -> Iterator[tuple[str, Company]]:
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=30, employees=8, seed=42)
    engine.dispose()
    yield (
        url,
        Company(
            tenant="default",
            policy_path=POLICY,
            datamap_paths=[DATAMAP],
            connections={"sample_hr": url, "sample_crm": url},
            export_dir=tmp_path / "exports",
        ),
    )


def _email(url: str, customer_id: int) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text("SELECT email FROM customers WHERE id = :i"), {"i": customer_id}).scalar()
    engine.dispose()
    return str(value)


def _verified(session: Session, tenant_id: int, right: str, email: str, **kw: object) -> str:
    view = submit(
        session,
        tenant_id,
        right=right,
        identity=Identity(IdentityKind.email, email),
        regime="uu_pdp",
        notify=None,
        **kw,
    )  # type: ignore[arg-type]
    mark_verified(session, tenant_id, view.id, actor="staff:test", note="KTP seen in person")
    return view.id


def _run(company: Company, right: str, email: str, **kw: object) -> lifecycle.RequestView:
    hooks = hooks_for(company, notify=None)
    with session_scope() as s:
        tenant_id = ensure_tenant(s, company.tenant).id
        request_id = _verified(s, tenant_id, right, email, **kw)
    with session_scope() as s:
        return lifecycle.execute(s, tenant_id, request_id, hooks, actor="staff:test")


def test_access_request_exports_only_the_verified_person(company: tuple[str, Company]) -> None:
    url, comp = company
    me, twin = TWINS.customers
    view = _run(comp, "access", _email(url, me))
    assert view.status == lifecycle.Status.completed
    exports = list((comp.export_dir or Path()).glob("*.zip"))
    assert len(exports) == 1
    customers = read_export(exports[0])["data"]["sample_crm"]["customers"]
    assert [c["id"] for c in customers] == [me]
    assert twin not in {c["id"] for c in customers}


def test_erasure_request_removes_the_person_and_completes(company: tuple[str, Company]) -> None:
    url, comp = company
    me, twin = TWINS.customers
    view = _run(comp, "erasure", _email(url, me))
    assert view.status == lifecycle.Status.completed
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, full_name FROM customers WHERE id IN (:a, :b)"), {"a": me, "b": twin})
        names = {row[0]: row[1] for row in rows}
    engine.dispose()
    assert names.get(me) != TWINS.customer_name  # erased or masked
    assert names[twin] == TWINS.customer_name  # the namesake is untouched


def test_withdrawal_and_objection_write_the_ledger(company: tuple[str, Company]) -> None:
    _, comp = company
    email = "someone@contoh.example"
    ident = Identity(IdentityKind.email, email)
    with session_scope() as s:
        tenant_id = ensure_tenant(s, comp.tenant).id
        record(s, tenant_id, ident, EventIn(kind=EventKind.consent_given, purpose="sales"))
    _run(comp, "withdraw_consent", email)
    _run(comp, "objection", email)
    with session_scope() as s:
        state = state_at(s, tenant_id, subject_key(s, tenant_id, ident))
    assert state.purposes["sales"].consent is False
    assert state.marketing_objected is True


def test_information_request_answers_with_the_notice(company: tuple[str, Company]) -> None:
    _, comp = company
    with session_scope() as s:
        tenant_id = ensure_tenant(s, comp.tenant).id
        request_id = _verified(s, tenant_id, "information", "reader@contoh.example")
    with session_scope() as s:
        view = lifecycle.execute(s, tenant_id, request_id, hooks_for(comp, notify=None), actor="staff:test")
        events = lifecycle.timeline(s, tenant_id, request_id)
    assert view.status == lifecycle.Status.completed
    assert events[-1].to_status == lifecycle.Status.completed


def test_a_data_map_without_a_phone_identity_is_a_clear_error(company: tuple[str, Company], tmp_path: Path) -> None:
    _, comp = company
    from jaga.requests.handlers import _identity_key

    comp.__dict__["identity_names"] = frozenset({"email"})  # a map that knows people only by email
    with pytest.raises(JagaError, match="no identity a phone"):
        _identity_key(comp, Identity(IdentityKind.phone, "+628123456789"))


def test_erasure_tells_the_person_what_a_hold_kept_in_their_language(company: tuple[str, Company]) -> None:
    url, comp = company
    engine = make_engine(url)
    with engine.connect() as conn:
        customer = conn.execute(
            text("SELECT o.customer_id FROM invoices i JOIN orders o ON o.id = i.order_id ORDER BY i.id")
        ).scalar()
    engine.dispose()
    view = _run(comp, "erasure", _email(url, int(str(customer))), language="id")
    assert view.status == lifecycle.Status.completed
    assert "Disimpan karena diwajibkan UU KUP art. 28(11)" in str(view.outcome) and "hingga 20" in str(view.outcome)
    assert "amount" in str(view.outcome) and "npwp" in str(view.outcome)
