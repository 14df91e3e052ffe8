"""Shared company-database engines: reused between batches, bounded, and never recreating a deleted
SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from examples.sample import DATAMAP
from jaga.datamap import connect, load_datamap
from jaga.errors import NotFoundError


def _db(path: Path) -> str:
    path.write_bytes(b"")
    return f"sqlite:///{path}"


def test_shared_engines_are_reused_bounded_and_disposed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dmap = load_datamap(DATAMAP)
    monkeypatch.setattr(connect, "_SHARED", type(connect._SHARED)())
    url = _db(tmp_path / "a.db")
    first = connect.Connections(dmap, {"sample_hr": url, "sample_crm": url}, shared=True)
    engine = first.engine("sample_hr")
    assert first.engine("sample_crm") is engine  # one database, one pool
    first.dispose()
    with engine.connect() as conn:  # let go of, not disposed: still usable
        assert conn.execute(text("SELECT 1")).scalar() == 1
    again = connect.Connections(dmap, {"sample_hr": url}, shared=True)
    assert again.engine("sample_hr") is engine
    disposed: list[object] = []
    monkeypatch.setattr(type(engine), "dispose", lambda self, *a, **k: disposed.append(self))
    for i in range(connect.SHARED_ENGINES):
        connect.Connections(dmap, {"sample_hr": _db(tmp_path / f"{i}.db")}, shared=True).engine("sample_hr")
    assert disposed == [engine] and len(connect._SHARED) == connect.SHARED_ENGINES
    own = connect.Connections(dmap, {"sample_hr": _db(tmp_path / "own.db")})
    mine = own.engine("sample_hr")
    own.dispose()
    assert disposed[-1] is mine  # an unshared engine goes with its Connections


def test_a_deleted_sqlite_file_is_reported_even_when_its_engine_is_kept(tmp_path: Path) -> None:
    dmap = load_datamap(DATAMAP)
    path = tmp_path / "gone.db"
    url = _db(path)
    connect.Connections(dmap, {"sample_hr": url}, shared=True).engine("sample_hr")
    path.unlink()
    with pytest.raises(NotFoundError, match="does not exist"):
        connect.Connections(dmap, {"sample_hr": url}, shared=True).engine("sample_hr")
    assert not path.exists()
