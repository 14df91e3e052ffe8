"""Primary keys of ordinary SQL types (timestamp, date, time, decimal, UUID, bytes) through a whole
batch: planned, frozen in the store, read back on resume and erased exactly; and a batch that can
never run is marked failed without holding up the batches behind it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from ipaddress import ip_address, ip_interface, ip_network
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Column, Date, DateTime, LargeBinary, MetaData, Numeric, String, Table, Time, Uuid, select, text
from sqlalchemy.dialects import mysql
from typer.testing import CliRunner

from jaga.actions import read_export
from jaga.actions.frozen import UnsupportedKeyType, freeze, thaw
from jaga.cli import app
from jaga.errors import JagaError
from jaga.requests import RequestSpec, outcome, resume, run_requests
from jaga.store import make_engine, session_scope
from jaga.store.models.dsr import DsrBatch
from tests.requests import helpdesk
from tests.requests.conftest import POLICY

KEYS: dict[str, tuple[Any, Any, Any]] = {
    # name: (column type, the subject's key, another person's key)
    "at": (
        DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
        datetime(2026, 3, 1, 8, 30, 15, 123456),
        datetime(2026, 3, 1, 8, 30, 15, 123457),
    ),
    "day": (Date(), date(2026, 3, 1), date(2026, 3, 2)),
    "clock": (Time(), time(8, 30, 15), time(8, 30, 16)),
    "amount": (Numeric(12, 2), Decimal("10.50"), Decimal("10.05")),
    "token": (Uuid(), uuid.UUID(int=1), uuid.UUID(int=2)),
    "blob": (LargeBinary().with_variant(mysql.VARBINARY(16), "mysql", "mariadb"), b"\x00\xffa", b"\x00\xffb"),
}


def test_every_key_value_reads_back_equal_and_of_its_type() -> None:
    values = [
        datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7))),
        datetime(2026, 3, 1, 8, 30, 15, 1, tzinfo=UTC),
        datetime(2026, 3, 1),
        date(2026, 3, 1),
        time(23, 59, 59, 999999),
        timedelta(days=2, microseconds=5),
        Decimal("10.50"),
        Decimal("-0.000"),
        uuid.uuid4(),
        b"\x00\xff",
        ip_address("10.0.0.1"),
        ip_interface("10.0.0.1/24"),
        ip_network("2001:db8::/32"),
        1.5,
        True,
        None,
        "text",
        12,
    ]
    for value in values:
        back = thaw(json.loads(json.dumps(freeze((value, 1)))))
        assert back == (value, 1) and type(back[0]) is type(value), value
        assert str(back[0]) == str(value)  # a decimal's scale and a time zone survive too
    with pytest.raises(UnsupportedKeyType):
        freeze(object())


def _company(url: str, tmp_path: Path) -> Path:
    """One table per key type, each with a row of the subject and of someone else."""
    md = MetaData()
    collections = []
    for name, (kind, mine, other) in KEYS.items():
        table = Table(
            f"k_{name}",
            md,
            Column("k", kind, primary_key=True),
            Column("email", String(100)),
            Column("note", String(50)),
        )
        collections.append(
            {
                "name": f"k_{name}",
                "fields": [
                    {"name": "k", "data_categories": ["system.operations"], "fides_meta": {"primary_key": True}},
                    {"name": "email", "data_categories": ["user.contact.email"], "fides_meta": {"identity": "email"}},
                    {"name": "note", "data_categories": ["user.communication"]},
                ],
            }
        )
        table.info["rows"] = [
            {"k": mine, "email": "a@example.com", "note": "mine"},
            {"k": other, "email": "b@example.com", "note": "other"},
        ]
    engine = make_engine(url)
    md.create_all(engine)
    with engine.begin() as conn:
        for table in md.sorted_tables:
            conn.execute(table.insert(), table.info["rows"])
    engine.dispose()
    path = tmp_path / "keys.yaml"
    doc = {"dataset": [{"fides_key": "keys", "collections": collections}]}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _rows(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {n: sorted(r[0] for r in conn.execute(text(f"SELECT note FROM k_{n}"))) for n in KEYS}
    engine.dispose()
    return out


def test_keys_of_every_type_are_exported_and_erased_across_a_resume(empty_db: str, tmp_path: Path) -> None:
    datamap = _company(empty_db, tmp_path)
    conns = {"keys": empty_db}
    spec = RequestSpec("access", {"email": "a@example.com"})
    access = run_requests([spec], datamap=datamap, policy=POLICY, connections=conns, out_dir=tmp_path / "out")
    data = read_export(Path(access.requests[0].result["export"]))["data"]["keys"]
    assert {name: [r["note"] for r in data[f"k_{name}"]] for name in KEYS} == {name: ["mine"] for name in KEYS}
    # the first run is refused at its last table, after the plan is frozen: resume reads the keys back
    helpdesk.refuse_deletes(empty_db, "k_blob")
    with pytest.raises(JagaError, match="nothing of this batch changed"):
        run_requests(
            [RequestSpec("erasure", {"email": "a@example.com"})], datamap=datamap, policy=POLICY, connections=conns
        )
    assert _rows(empty_db) == {name: ["mine", "other"] for name in KEYS}
    helpdesk.refuse_deletes(empty_db, "k_blob", on=False)
    (done,) = resume(connections=conns)
    assert done.error is None and done.requests[0].result["verification"]["verified"]
    assert done.requests[0].result["tables"] == {f"keys.k_{name}": 1 for name in KEYS}
    assert _rows(empty_db) == {name: ["other"] for name in KEYS}


@pytest.mark.parametrize("via", ["api", "cli"])
def test_a_batch_that_can_never_run_is_marked_failed_and_resume_goes_on(
    empty_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    """Batch 1 stays unfinished (its table is missing), then meets a key jaga cannot record (a
    timestamp, here made unrecordable); batch 2 was refused by the database, which is since fixed.
    ``resume`` marks batch 1 failed with its reason and finishes batch 2."""
    datamap = _company(empty_db, tmp_path)
    engine = make_engine(empty_db)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE k_at RENAME TO k_at_later"))
    with pytest.raises(JagaError, match="does not exist"):
        run_requests(
            [RequestSpec("erasure", {"email": "a@example.com"})],
            datamap=datamap,
            policy=POLICY,
            connections={"keys": empty_db},
        )
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE k_at_later RENAME TO k_at"))
    engine.dispose()

    def unrecordable(value: Any) -> Any:
        if isinstance(value, tuple) and any(isinstance(v, datetime) for v in value):
            raise UnsupportedKeyType("a key column holds values of type datetime, which jaga cannot record")
        return freeze(value)

    monkeypatch.setattr("jaga.requests.execute.freeze", unrecordable, raising=False)
    helpdesk.build(empty_db)
    helpdesk.refuse_deletes(empty_db, "customers")
    with pytest.raises(JagaError):
        run_requests(
            [RequestSpec("erasure", {"email": "b@example.com"})],
            datamap=helpdesk.write_map(tmp_path / "map.yaml"),
            policy=POLICY,
            connections={"helpdesk": empty_db},
        )
    helpdesk.refuse_deletes(empty_db, "customers", on=False)
    if via == "cli":
        monkeypatch.setenv("JAGA_DB_KEYS_URL", empty_db)
        monkeypatch.setenv("JAGA_DB_HELPDESK_URL", empty_db)
        said = CliRunner().invoke(app, ["requests", "resume"], env={"COLUMNS": "200"})
        assert said.exit_code == 2 and "Traceback" not in said.output, said.output
        assert "cannot record" in said.output and "1 unfinished batch(es) completed" in said.output
        assert "1 batch(es) did not finish" in said.output
        with session_scope() as s:
            ids = list(s.scalars(select(DsrBatch.id).order_by(DsrBatch.created_at)))
        poison, good = (outcome(i) for i in ids)
    else:
        poison, good = resume(connections={"keys": empty_db, "helpdesk": empty_db})
    assert poison.status == "failed" and poison.error and "cannot record" in poison.error
    assert [r.status for r in poison.requests] == ["failed"]
    assert good.error is None and good.requests[0].result["verification"]["verified"]
    assert [r[0] for r in helpdesk.dump(empty_db)["customers"]] == [1]
    with session_scope() as s:
        stored = s.scalar(select(DsrBatch.error).where(DsrBatch.id == poison.batch_id))
    assert stored and "cannot record" in stored
    assert resume(connections={"keys": empty_db, "helpdesk": empty_db}) == []  # never tried again
