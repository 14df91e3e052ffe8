"""An erasure deletes only rows that are provably the person's own (reached through the reference the
map names as owner); rows it reaches any other way keep everything but the link to the person."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaga.actions import read_export
from jaga.requests import RequestSpec, run_requests
from tests.requests import helpdesk
from tests.requests.conftest import POLICY


def _run(url: str, datamap: Path, kind: str, email: str, out: Path | None = None) -> dict[str, object]:
    result = run_requests(
        [RequestSpec(kind, {"email": email})],  # type: ignore[arg-type]
        datamap=datamap,
        policy=POLICY,
        connections={"helpdesk": url},
        out_dir=out,
    )
    assert result.status == "done"
    return result.requests[0].result


def test_erasing_an_employee_keeps_the_tickets_they_handled(empty_db: str, tmp_path: Path) -> None:
    helpdesk.build(empty_db)
    before = helpdesk.dump(empty_db)
    result = _run(empty_db, helpdesk.write_map(tmp_path / "map.yaml"), "erasure", "e@example.com")
    assert result["verification"] == {"left": {"helpdesk.employees": 0, "helpdesk.tickets": 0}, "verified": True}
    after = helpdesk.dump(empty_db)
    assert after["employees"] == []
    # both customers' tickets are still there; only the link to the employee and their name are gone
    assert after["tickets"] == [(t[0], t[1], None, t[3], None) for t in before["tickets"]]
    assert after["customers"] == before["customers"] and after["notes"] == before["notes"]


def test_erasing_a_customer_leaves_the_other_customer_byte_for_byte(empty_db: str, tmp_path: Path) -> None:
    helpdesk.build(empty_db)
    before = helpdesk.dump(empty_db)
    result = _run(empty_db, helpdesk.write_map(tmp_path / "map.yaml"), "erasure", "a@example.com")
    assert result["verification"]["verified"]  # type: ignore[index]
    after = helpdesk.dump(empty_db)
    assert after["customers"] == [r for r in before["customers"] if r[0] != 1]
    assert after["tickets"] == [r for r in before["tickets"] if r[1] != 1]  # ticket 2 is customer b's
    assert after["notes"] == [r for r in before["notes"] if r[1] == 2]  # notes of a's ticket went with it
    assert after["employees"] == before["employees"]  # the employee who handled a's ticket stays


def test_a_ticket_with_no_named_owner_is_never_deleted(empty_db: str, tmp_path: Path) -> None:
    """Tickets point at a customer and an employee and the map names neither as owner: no one can prove
    the rows are theirs, so an erasure of either keeps every ticket."""
    helpdesk.build(empty_db)
    before = helpdesk.dump(empty_db)
    datamap = helpdesk.write_map(tmp_path / "map.yaml", owner=None)
    result = _run(empty_db, datamap, "erasure", "e@example.com")
    assert result["verification"]["verified"]  # type: ignore[index]
    after = helpdesk.dump(empty_db)
    assert after["tickets"] == [(t[0], t[1], None, t[3], None) for t in before["tickets"]]
    result = _run(empty_db, datamap, "erasure", "a@example.com")
    assert result["verification"]["verified"]  # type: ignore[index]
    final = helpdesk.dump(empty_db)
    # customer_id is NOT NULL: the link cannot be masked, so the customer row stays, erased in place
    assert final["tickets"] == after["tickets"] and final["notes"] == before["notes"]
    kept = [r for r in final["customers"] if r[0] == 1]
    assert kept and "a@example.com" not in kept[0] and "Ani" not in kept[0]
    assert [r for r in final["customers"] if r[0] == 2] == [r for r in before["customers"] if r[0] == 2]


def test_an_employee_export_holds_only_the_link_of_tickets_they_handled(empty_db: str, tmp_path: Path) -> None:
    helpdesk.build(empty_db)
    result = _run(empty_db, helpdesk.write_map(tmp_path / "map.yaml"), "access", "e@example.com", tmp_path / "out")
    data = read_export(Path(str(result["export"])))["data"]["helpdesk"]
    assert data["employees"] == [{"id": 1, "email": "e@example.com", "full_name": "Eko"}]
    assert data["tickets"] == [{"employee_id": 1, "handler_name": "Eko"}] * 2
    assert "customers" not in data and "notes" not in data


@pytest.mark.parametrize("owner", ["customer_id", None])
def test_a_customer_export_holds_their_own_tickets_whole(empty_db: str, tmp_path: Path, owner: str | None) -> None:
    helpdesk.build(empty_db)
    datamap = helpdesk.write_map(tmp_path / "map.yaml", owner=owner)
    result = _run(empty_db, datamap, "access", "a@example.com", tmp_path / "out")
    tickets = read_export(Path(str(result["export"])))["data"]["helpdesk"]["tickets"]
    if owner:
        assert sorted(t["body"] for t in tickets) == ["my parcel is late", "thanks!"]
        assert {t["id"] for t in tickets} == {1, 3}
    else:  # no owner named: the rows are not provably hers, only her link in them is
        assert tickets == [{"customer_id": 1}, {"customer_id": 1}]
