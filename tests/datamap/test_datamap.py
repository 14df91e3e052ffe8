"""The data map: Fides import, drafts from a live database, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from examples.sample import DATAMAP, create_schema
from jaga.datamap import DataMapInvalid, check_datamap, introspect, load_datamap, parse_datamap
from jaga.policy import load_policy
from jaga.store import make_engine

POLICY = Path(__file__).parents[1] / "requests" / "policy.yaml"

FIDES = """\
dataset:
  - fides_key: shop
    name: Shop
    collections:
      - name: customers
        fields:
          - name: id
            data_categories: [user.unique_id]
            fides_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
      - name: orders
        fields:
          - name: customer_id
            fides_meta:
              references:
                - {dataset: shop, field: customers.id, direction: from}
"""


def test_fides_dataset_imports() -> None:
    dm = parse_datamap(FIDES, "shop.yml")
    customers = dm.datasets[0].collection("customers")
    assert customers is not None and customers.field("email") is not None
    assert customers.field("email").identity == "email"  # type: ignore[union-attr]
    orders = dm.datasets[0].collection("orders")
    assert orders is not None and orders.fields[0].references[0].collection == "customers"
    assert load_datamap(DATAMAP).dataset("sample_crm") is not None


@pytest.mark.parametrize(
    ("bad", "line", "words"),
    [
        (FIDES.replace("field: customers.id", "field: clients.id"), 18, "unknown table 'clients'"),
        (FIDES.replace("field: customers.id", "field: customers.idx"), 18, "unknown column"),
        (FIDES.replace("[user.contact.email]", "[user.contact.emial]"), 11, "unknown data category"),
        (
            FIDES.replace(
                "fides_meta: {identity: email, data_type: string}", "fides_meta: {data_type: string}"
            ).replace(
                "          - name: id\n            data_categories: [user.unique_id]\n"
                "            fides_meta: {primary_key: true}\n",
                "          - name: id\n            fides_meta:\n              primary_key: true\n"
                "              references: [{dataset: shop, field: orders.customer_id, direction: from}]\n",
            ),
            5,
            "cycle with no identity",
        ),
    ],
)
def test_bad_map_names_file_and_line(bad: str, line: int, words: str) -> None:
    with pytest.raises(DataMapInvalid) as info:
        parse_datamap(bad, "shop.yml")
    assert f"shop.yml:{line}:" in str(info.value)
    assert words in str(info.value)


def test_introspect_drafts_a_loadable_map_and_check_finds_unknown_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    create_schema(make_engine(url))
    draft = introspect(url, dataset="sample_crm")
    dm = parse_datamap(draft, "draft.yml")
    orders = dm.datasets[0].collection("orders")
    assert orders is not None and orders.field("customer_id").references  # type: ignore[union-attr]
    real = load_datamap(DATAMAP)
    assert check_datamap(real, load_policy(POLICY), {"sample_hr": url, "sample_crm": url}) == []
    bad = tmp_path / "bad.yml"
    bad.write_text(FIDES.replace("name: email", "name: e_mail"), encoding="utf-8")
    problems = check_datamap(load_datamap(bad), None, {"shop": url})
    assert any("unknown table 'orders'" not in p.message and "bad.yml:" in p.where for p in problems)


def test_a_missing_sqlite_file_is_reported_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite creates a missing file on connect; introspect, discover and the DSR engine must say the
    path is wrong instead of working on an empty database (and leave no empty file behind)."""
    from jaga.datamap import Connections
    from jaga.discover import discover_database
    from jaga.errors import NotFoundError
    from jaga.store import existing_database

    monkeypatch.chdir(tmp_path)
    url = "sqlite:///typo.db"
    with pytest.raises(NotFoundError, match=r"typo\.db"):
        introspect(url)
    with pytest.raises(NotFoundError, match=r"typo\.db"):
        discover_database(url)
    with pytest.raises(NotFoundError, match=r"typo\.db") as raised:
        Connections(load_datamap([DATAMAP]), {"sample_crm": url}).engine("sample_crm")
    assert raised.value.where == "dataset sample_crm"
    assert not (tmp_path / "typo.db").exists()
    assert existing_database("sqlite://") == "sqlite://" and existing_database("sqlite:///:memory:")
    (tmp_path / "there.db").touch()
    assert existing_database("sqlite:///there.db") == "sqlite:///there.db"
