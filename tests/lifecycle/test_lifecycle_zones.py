"""A request keeps its controller's zone: counted, re-counted (pause, extension) and shown in it.

Jakarta and Berlin controllers receive a GDPR request at the same instant, late on 31 January UTC; the
months end on each controller's own calendar, on SQLite, PostgreSQL and MariaDB (the zone is a column
of the request, so every later recomputation uses the zone the request was received under).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jaga.ledger.identity import Identity
from jaga.policy import Right
from jaga.requests import lifecycle as lc
from jaga.requests import verification as vf
from tests.lifecycle.conftest import ALICE, make_store

WIB, BERLIN = ZoneInfo("Asia/Jakarta"), ZoneInfo("Europe/Berlin")
RECEIVED = datetime(2025, 1, 31, 20, 0, tzinfo=UTC)  # 1 Feb 03:00 WIB; 31 Jan 21:00 CET


def _local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ]
)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jaga.db'}"
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_schema_url"))
    return str(request.getfixturevalue("mariadb_db_url"))


@pytest.mark.parametrize(
    ("zone", "first", "extended", "shown", "mailed"),
    [
        (WIB, (2025, 3, 1, 23, 59, 59), (2025, 5, 1, 23, 59, 59), "2025-03-01 23:59 WIB", "2025-02-01 03:00 WIB"),
        (BERLIN, (2025, 2, 28, 23, 59, 59), (2025, 4, 30, 23, 59, 59), "2025-02-28 23:59 CET", "2025-01-31 21:00 CET"),
    ],
)
def test_gdpr_deadline_on_the_controllers_calendar(
    env: Path,
    url: str,
    zone: ZoneInfo,
    first: tuple[int, ...],
    extended: tuple[int, ...],
    shown: str,
    mailed: str,
) -> None:
    store = make_store(url, env)
    t = store.tenant_id
    try:
        with store.session() as s:
            view = lc.submit(
                s, t, right=Right.access, identity=Identity.of("email", ALICE), regime="gdpr", now=RECEIVED, zone=zone
            )
            s.commit()
        assert view.due_at == _local(zone, *first) and view.due_local == shown
        with store.session() as s:  # a fresh read: the zone comes back from the database
            vf.mark_verified(s, t, view.id, actor="dpo", note="ID card", now=RECEIVED + timedelta(hours=1))
            again = lc.extend(s, t, view.id, reason="many systems", actor="dpo", now=RECEIVED + timedelta(days=2))
            s.commit()
        assert again.zone == zone and again.due_at == _local(zone, *extended)  # 30 April ends in CEST
        received = store.last_mail("received").get_payload(decode=True)
        assert isinstance(received, bytes) and mailed in received.decode()
    finally:
        store.engine.dispose()
