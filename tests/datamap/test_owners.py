"""Which field makes a row the subject's own: named by ``jaga.owner``, or decided from identities and
references; the map's mistakes in naming it are reported with their line."""

from __future__ import annotations

import pytest

from jaga.datamap import DataMapInvalid, parse_datamap
from jaga.datamap.graph import ForeignKey, edges, links, owners

MAP = """
dataset:
  - fides_key: desk
    collections:
      - name: customers
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
      - name: employees
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - name: manager_id
            fides_meta: {references: [{dataset: desk, field: employees.id, direction: from}]}
      - name: tickets
        OWNER
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - name: customer_id
            fides_meta: {references: [{dataset: desk, field: customers.id, direction: from}]}
          - name: employee_id
            fides_meta: {references: [{dataset: desk, field: employees.id, direction: from}]}
      - name: notes
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: ticket_id}
          - {name: body, data_categories: [user.communication]}
      - name: stores
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - name: visits_customer_id
            fides_meta: {references: [{dataset: desk, field: customers.id, direction: to}]}
          - name: address_id
            fides_meta: {references: [{dataset: desk, field: address.id, direction: to}]}
      - name: service_request
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - name: employee_id
            fides_meta: {references: [{dataset: desk, field: employees.id, direction: from}]}
          - name: address_id
            fides_meta: {references: [{dataset: desk, field: address.id, direction: to}]}
      - name: address
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: street, data_categories: [user.contact.address.street]}
"""


def _owners(owner: str = "", keys: tuple[ForeignKey, ...] = ()) -> dict[str, frozenset[str]]:
    dm = parse_datamap(MAP.replace("OWNER", owner), "desk.yml")
    found = links(dm, keys).owners if keys else owners(dm, edges(dm))
    return {node[1]: names for node, names in found.items()}


def test_owners_default_to_identities_then_the_one_reference_into_a_table() -> None:
    found = _owners()
    assert found["customers"] == {"email"}  # reached by its identity; a "to" reference into id is not its owner
    assert found["employees"] == {"email"}  # a manager's erasure does not take their reports with it
    assert found["tickets"] == frozenset()  # two references in, none named: no row is provably anyone's
    assert found["notes"] == frozenset()  # nothing leads there in the map
    # Fides' example: a service request is found by the requester's email; the employee who handled it
    # does not own it. An address pointed at from several tables is owned through its key.
    assert found["service_request"] == {"email"}
    assert found["address"] == {"id"}


def test_the_named_owner_wins_and_live_foreign_keys_count_as_references() -> None:
    assert _owners("jaga: {owner: customer_id}")["tickets"] == {"customer_id"}
    assert _owners("jaga: {owner: [customer_id, employee_id]}")["tickets"] == {"customer_id", "employee_id"}
    live = ForeignKey(("desk", "notes"), "ticket_id", ("desk", "tickets"), "id", "notes")
    assert _owners(keys=(live,))["notes"] == {"ticket_id"}


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("jaga: {owner: nobody}", "unknown column 'nobody'"),
        ("jaga: {owner: 3}", "owner must name a field"),
        ("ABOUT", "jaga.about of notes.body names unknown column 'nobody'"),
    ],
)
def test_a_bad_owner_or_about_is_reported_at_its_line(owner: str, message: str) -> None:
    body = "{name: body, data_categories: [user.communication]}"
    text = MAP.replace("OWNER", "" if owner == "ABOUT" else owner)
    if owner == "ABOUT":
        text = text.replace(body, body[:-1] + ", jaga: {about: nobody}}")
    with pytest.raises(DataMapInvalid) as info:
        parse_datamap(text, "desk.yml")
    assert message in str(info.value) and "desk.yml:" in str(info.value)
