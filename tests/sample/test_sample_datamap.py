"""The sample data map names only real tables, columns and taxonomy keys, and every column."""

from __future__ import annotations

from typing import Any

import yaml

from examples.sample import DATAMAP, metadata
from jaga.policy import default_taxonomy

ERASE = {"delete", "null", "fixed", "hmac", "pseudonym", "generalise_year"}


def _datasets() -> list[dict[str, Any]]:
    data = yaml.safe_load(DATAMAP.read_text(encoding="utf-8"))
    assert set(data) == {"dataset"}
    return list(data["dataset"])


def test_every_collection_and_field_is_a_real_table_and_column() -> None:
    seen: set[str] = set()
    for dataset in _datasets():
        assert dataset["fides_key"] in {"sample_hr", "sample_crm"}
        assert dataset["name"] and dataset["description"]
        for collection in dataset["collections"]:
            table = metadata.tables[collection["name"]]
            fields = [f["name"] for f in collection["fields"]]
            assert sorted(fields) == sorted(c.name for c in table.columns), table.name
            seen.add(table.name)
            trigger = collection.get("jaga", {}).get("retention_trigger")
            named = list(trigger.values()) if isinstance(trigger, dict) else [trigger] if trigger else []
            assert all(column in table.columns for column in named), table.name
    assert seen == set(metadata.tables)


def test_categories_exist_in_the_taxonomy() -> None:
    known = default_taxonomy().data_categories
    for dataset in _datasets():
        for collection in dataset["collections"]:
            for field in collection["fields"]:
                assert field["data_categories"], field["name"]
                for key in field["data_categories"]:
                    assert key in known, f"{collection['name']}.{field['name']}: {key}"


def test_identities_primary_keys_and_references_match_the_schema() -> None:
    identities: dict[str, str] = {}
    for dataset in _datasets():
        for collection in dataset["collections"]:
            table = metadata.tables[collection["name"]]
            for field in collection["fields"]:
                meta = field.get("fides_meta", {})
                column = table.columns[field["name"]]
                if "identity" in meta:
                    identities[f"{table.name}.{column.name}"] = meta["identity"]
                assert bool(meta.get("primary_key")) == column.primary_key
                assert set(meta) <= {"identity", "primary_key", "references", "data_type"}
                targets = {
                    f"{ref['field']}" for ref in meta.get("references", []) if ref["dataset"] == dataset["fides_key"]
                }
                fks = {f"{fk.column.table.name}.{fk.column.name}" for fk in column.foreign_keys}
                assert targets == fks, f"{table.name}.{column.name}"
                for ref in meta.get("references", []):
                    assert ref["direction"] in {"from", "to"}
                erase = field.get("jaga", {}).get("erase")
                assert erase is None or erase in ERASE
                if erase == "null":
                    assert column.nullable, f"{table.name}.{column.name} cannot be set to NULL"
    assert identities == {
        "customers.email": "email",
        "customers.phone": "phone_number",
        "customers.nik": "nik",
        "customers.customer_no": "customer_no",
        "employees.email": "email",
        "employees.nik": "nik",
        "employees.employee_no": "employee_no",
    }


def test_legal_holds_on_payroll_tax_and_invoices() -> None:
    held = {
        c["name"] for d in _datasets() for c in d["collections"] if "UU KUP" in c.get("jaga", {}).get("legal_hold", "")
    }
    assert held == {"payslips", "tax_filings", "invoices"}
