"""A legal hold keeps only what its law needs: an erasure under a tax hold keeps the invoice with the
billing name, NPWP, address and amounts, and erases the email and phone on the same rows; the person
is told each kept field, the law and the day it may go, in their language."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, text

from jaga.datamap import load_datamap
from jaga.datamap.loader import DataMapInvalid
from jaga.requests import RequestSpec, run_requests
from jaga.requests.summaries import held_note
from jaga.store import make_engine
from tests.requests.conftest import POLICY

MAP = """
dataset:
  - fides_key: shop
    collections:
      - name: shop_customers
        fields:
          - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: full_name, data_categories: [user.name]}
      - name: shop_invoices
        jaga: {legal_hold: tax_records, hold_from: issued_at, restrict_column: restricted}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta: {references: [{dataset: shop, field: shop_customers.id, direction: from}]}
          - {name: billing_name, data_categories: [user.name]}
          - {name: billing_email, data_categories: [user.contact.email]}
          - {name: billing_phone, data_categories: [user.contact.phone_number]}
          - {name: street, data_categories: [user.contact.address.street]}
          - {name: npwp, data_categories: [user.government_id.npwp]}
          - {name: amount, data_categories: [user.financial]}
          - {name: issued_at, data_categories: [user.behavior.purchase_history]}
          - {name: restricted, data_categories: [system.operations]}
"""
KEEP = {"billing_name", "street", "npwp", "amount", "issued_at"}
ERASE = {"billing_email", "billing_phone"}


def _shop(url: str) -> None:
    meta = MetaData()
    customers = Table(
        "shop_customers",
        meta,
        Column("id", Integer, primary_key=True),
        Column("email", String(120), nullable=False),
        Column("full_name", String(120), nullable=False),
    )
    invoices = Table(
        "shop_invoices",
        meta,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("shop_customers.id"), nullable=False),
        Column("billing_name", String(120), nullable=False),
        Column("billing_email", String(120), nullable=False),
        Column("billing_phone", String(20)),
        Column("street", String(200), nullable=False),
        Column("npwp", String(20), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("issued_at", DateTime, nullable=False),
        Column("restricted", Boolean, nullable=False, default=False),
    )
    engine = make_engine(url)
    meta.create_all(engine)
    with engine.begin() as conn:
        for i in (1, 2):
            conn.execute(customers.insert().values(id=i, email=f"buyer{i}@contoh.co.id", full_name=f"Buyer {i}"))
            conn.execute(
                invoices.insert().values(
                    id=i,
                    customer_id=i,
                    billing_name=f"Buyer {i}",
                    billing_email=f"buyer{i}@contoh.co.id",
                    billing_phone=f"0812345678{i}",
                    street=f"Jl. Merdeka {i}",
                    npwp=f"01.234.567.8-901.00{i}",
                    amount=1000 * i,
                    issued_at=datetime(2025, 3, i),
                )
            )
    engine.dispose()


def _invoices(url: str) -> dict[int, dict[str, Any]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = {r["id"]: dict(r) for r in conn.execute(text("SELECT * FROM shop_invoices")).mappings()}
    engine.dispose()
    return rows


def _erase(company: str, tmp_path: Path, policy: Path = POLICY) -> dict[str, Any]:
    datamap = tmp_path / "shop.yaml"
    datamap.write_text(MAP, encoding="utf-8")
    result = run_requests(
        [RequestSpec("erasure", {"email": "Buyer1@contoh.co.id"})],
        datamap=datamap,
        policy=policy,
        connections={"shop": company},
    )
    req = result.requests[0]
    assert req.status == "done" and req.result["verification"]["verified"], req.result
    return req.result


def test_a_tax_hold_keeps_the_record_and_erases_contact_details(company: str, tmp_path: Path) -> None:
    _shop(company)
    before = _invoices(company)
    result = _erase(company, tmp_path)
    after = _invoices(company)
    assert after[2] == before[2]  # another customer's invoice, byte for byte
    mine = after[1]
    assert mine["restricted"] and not before[1]["restricted"]  # held rows are restricted as well
    assert {c: mine[c] for c in KEEP} == {c: before[1][c] for c in KEEP}
    assert mine["billing_name"] == "Buyer 1" and mine["street"] == "Jl. Merdeka 1" and mine["amount"] == 1000
    for col in ERASE:
        assert mine[col] is None or ("buyer1" not in str(mine[col]) and "0812" not in str(mine[col])), col
    (held,) = [h for h in result["held"] if h["table"] == "shop.shop_invoices"]
    assert set(held["columns"]) >= KEEP and not ERASE & set(held["columns"])
    assert "UU KUP" in held["law"] and held["until"].startswith("2035-03-01")
    english, indonesian = held_note(result, "en"), held_note(result, "id")
    assert "Kept because UU KUP art. 28(11) requires it, until 2035-03-01" in english and "billing_name" in english
    assert "Disimpan karena diwajibkan UU KUP art. 28(11), hingga 2035-03-01" in indonesian
    assert "street" in indonesian and "billing_email" not in indonesian


def test_a_hold_naming_what_its_law_keeps_keeps_only_that(company: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        POLICY.read_text(encoding="utf-8").replace(
            'legal_hold: {law: "UU KUP art. 28(11)", duration: 10 years, trigger: collection}',
            'legal_hold: {law: "UU KUP art. 28(11)", duration: 10 years, trigger: collection,'
            " keeps: [user.financial, user.government_id.npwp]}",
        ),
        encoding="utf-8",
    )
    assert "keeps:" in policy.read_text(encoding="utf-8")
    _shop(company)
    result = _erase(company, tmp_path, policy)
    mine = _invoices(company)[1]
    assert mine["amount"] == 1000 and mine["npwp"] == "01.234.567.8-901.001"
    assert mine["billing_name"] != "Buyer 1" and mine["street"] != "Jl. Merdeka 1"
    (held,) = [h for h in result["held"] if h["table"] == "shop.shop_invoices"]
    assert set(held["columns"]) == {"amount", "npwp"}


def test_the_map_can_name_what_a_tables_hold_keeps(company: str, tmp_path: Path) -> None:
    """``jaga.hold_keeps`` on the table wins over the rule's (and the default) for that table."""
    _shop(company)
    datamap = tmp_path / "shop.yaml"
    datamap.write_text(
        MAP.replace(
            "jaga: {legal_hold: tax_records, hold_from: issued_at, restrict_column: restricted}",
            'jaga: {legal_hold: "UU KUP art. 28(11) — 10 years", hold_from: issued_at, hold_keeps: [user.financial],'
            " restrict_column: restricted}",
        ),
        encoding="utf-8",
    )
    result = run_requests(
        [RequestSpec("erasure", {"email": "buyer1@contoh.co.id"})],
        datamap=datamap,
        policy=POLICY,
        connections={"shop": company},
    )
    assert result.requests[0].result["verification"]["verified"]
    mine = _invoices(company)[1]
    assert mine["amount"] == 1000 and mine["npwp"] != "01.234.567.8-901.001" and mine["billing_name"] != "Buyer 1"
    (held,) = [h for h in result.requests[0].result["held"] if h["table"] == "shop.shop_invoices"]
    assert held["columns"] == ["amount"]


def test_an_unknown_category_in_hold_keeps_names_its_line(tmp_path: Path) -> None:
    datamap = tmp_path / "shop.yaml"
    datamap.write_text(MAP.replace("hold_from: issued_at,", "hold_from: issued_at, hold_keeps: [user.nonsense],"))
    with pytest.raises(DataMapInvalid) as caught:
        load_datamap([datamap])
    assert "unknown data category 'user.nonsense'" in str(caught.value) and "shop.yaml:" in str(caught.value)
