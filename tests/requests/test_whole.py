"""A request changes a database wholly or not at all: one transaction per database per batch, the live
foreign keys planned with, and an error that says which database finished and which did not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Column, Integer, MetaData, String, Table
from typer.testing import CliRunner

from jaga.cli import app
from jaga.datamap import Connections, load_datamap
from jaga.datamap.live import undeclared_problems
from jaga.errors import JagaError
from jaga.requests import RequestSpec, resume, run_requests
from jaga.store import make_engine
from tests.requests import helpdesk
from tests.requests.conftest import POLICY


def _mail(tmp_path: Path) -> tuple[Path, str]:
    """A second database (SQLite) with a newsletter list that also knows customer a."""
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    md = MetaData()
    subscribers = Table(
        "subscribers",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(100)),
    )
    engine = make_engine(url)
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(subscribers.insert(), [{"id": 1, "email": "a@example.com"}, {"id": 2, "email": "b@example.com"}])
    engine.dispose()
    fields = [
        {"name": "id", "data_categories": ["system.operations"], "fides_meta": {"primary_key": True}},
        {"name": "email", "data_categories": ["user.contact.email"], "fides_meta": {"identity": "email"}},
    ]
    doc = {"dataset": [{"fides_key": "mail", "collections": [{"name": "subscribers", "fields": fields}]}]}
    path = tmp_path / "mail.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path, url


def _erase(url: str, maps: list[Path], email: str, extra: dict[str, str] | None = None) -> object:
    return run_requests(
        [RequestSpec("erasure", {"email": email})],
        datamap=maps,
        policy=POLICY,
        connections={"helpdesk": url, **(extra or {})},
    )


def test_a_refused_step_changes_nothing_in_its_database(empty_db: str, tmp_path: Path) -> None:
    """The customers' delete comes last (children first); when the database refuses it, the tickets and
    notes deleted before it in the same batch are back, and the message says so truthfully."""
    helpdesk.build(empty_db)
    datamap = helpdesk.write_map(tmp_path / "map.yaml")
    before = helpdesk.dump(empty_db)
    helpdesk.refuse_deletes(empty_db, "customers")
    with pytest.raises(JagaError) as refused:
        _erase(empty_db, [datamap], "a@example.com")
    message = str(refused.value)
    assert "step erase:helpdesk.customers failed in the database" in message
    assert "nothing of this batch changed in the database of helpdesk" in message and "a@example.com" not in message
    assert helpdesk.dump(empty_db) == before
    helpdesk.refuse_deletes(empty_db, "customers", on=False)
    (done,) = resume(connections={"helpdesk": empty_db})
    assert done.error is None and done.requests[0].result["verification"]["verified"]
    assert [r[0] for r in helpdesk.dump(empty_db)["customers"]] == [2]


def test_the_error_names_the_database_that_finished(empty_db: str, tmp_path: Path) -> None:
    helpdesk.build(empty_db)
    mail_map, mail_url = _mail(tmp_path)
    before = helpdesk.dump(empty_db)
    helpdesk.refuse_deletes(empty_db, "customers")
    maps = [helpdesk.write_map(tmp_path / "map.yaml"), mail_map]
    with pytest.raises(JagaError) as refused:
        _erase(empty_db, maps, "a@example.com", {"mail": mail_url})
    message = str(refused.value)
    assert "nothing of this batch changed in the database of helpdesk" in message
    assert "the database of mail finished" in message
    assert helpdesk.dump(empty_db) == before
    assert helpdesk.dump(mail_url, ("subscribers",)) == {"subscribers": [(2, "b@example.com")]}
    helpdesk.refuse_deletes(empty_db, "customers", on=False)
    (done,) = resume(connections={"helpdesk": empty_db, "mail": mail_url})
    assert done.requests[0].result["verification"]["verified"]


def test_a_foreign_key_the_map_does_not_declare_is_planned_with(empty_db: str, tmp_path: Path) -> None:
    """``notes.ticket_id`` points at tickets in the database only: its notes are found through it and
    deleted before their ticket (not a refused delete of the ticket)."""
    helpdesk.build(empty_db)
    before = helpdesk.dump(empty_db)
    out = _erase(empty_db, [helpdesk.write_map(tmp_path / "map.yaml")], "a@example.com")
    assert out.requests[0].result["verification"]["verified"]  # type: ignore[attr-defined]
    assert helpdesk.dump(empty_db)["notes"] == [n for n in before["notes"] if n[1] != 1]


def test_rows_an_unmapped_table_points_at_are_kept_and_erased_in_place(empty_db: str, tmp_path: Path) -> None:
    """``notes`` is not in the map at all: jaga cannot tell whose its rows are, so the tickets they point
    at (and the customer those point at) stay, erased in place, and no note changes."""
    helpdesk.build(empty_db)
    before = helpdesk.dump(empty_db)
    out = _erase(empty_db, [helpdesk.write_map(tmp_path / "map.yaml", notes=False)], "a@example.com")
    assert out.requests[0].result["verification"]["verified"]  # type: ignore[attr-defined]
    after = helpdesk.dump(empty_db)
    assert after["notes"] == before["notes"]
    assert [t[0] for t in after["tickets"]] == [1, 2, 3]
    assert after["tickets"][1] == before["tickets"][1]  # customer b's ticket: byte for byte
    assert all(t[3] != before["tickets"][i][3] for i, t in enumerate(after["tickets"]) if t[1] == 1)
    assert "a@example.com" not in after["customers"][0] and after["customers"][1] == before["customers"][1]


def test_datamap_check_warns_about_undeclared_foreign_keys(empty_db: str, tmp_path: Path) -> None:
    helpdesk.build(empty_db)
    for notes, expected in ((True, "foreign key notes.ticket_id -> tickets.id is not declared"), (False, "'notes'")):
        datamap = load_datamap(helpdesk.write_map(tmp_path / "map.yaml", notes=notes, declare_employee=False))
        conns = Connections(datamap, {"helpdesk": empty_db})
        try:
            found = [p.message for p in undeclared_problems(datamap, conns)]
        finally:
            conns.dispose()
        assert any(expected in m for m in found), found
        assert any("tickets.employee_id -> employees.id" in m for m in found), found
        assert not any("customer_id" in m for m in found), found  # declared in the map
    datamap = load_datamap(helpdesk.write_map(tmp_path / "map.yaml", owner=None))
    conns = Connections(datamap, {"helpdesk": empty_db})
    try:
        found = [p.message for p in undeclared_problems(datamap, conns)]
    finally:
        conns.dispose()
    assert any("'tickets' are reached through customer_id, employee_id and the map names no owner" in m for m in found)


def test_datamap_check_prints_the_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    helpdesk.build(url)
    monkeypatch.setenv("JAGA_DB_HELPDESK_URL", url)
    said = CliRunner().invoke(app, ["datamap", "check", str(helpdesk.write_map(tmp_path / "m.yaml"))])
    assert "warning:" in said.output and "notes.ticket_id -> tickets.id is not declared" in said.output
    assert "Traceback" not in said.output
