"""``kill -9`` in the middle of a sweep, then ``resume``: the company database ends exactly as after an
uninterrupted run, and the counts are exact even when the kill fell between the company commit and the
store's record of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from examples.sample import DATAMAP
from jaga import retention
from jaga.store import create_tenant, session_scope
from jaga.store.models.retention import RetentionRun
from tests.retention.conftest import NOW, POLICY, connections, snapshot
from tests.retention.test_sweep import changed_counts, expected_after

_CHILD = """
import json, sys
from datetime import datetime
from jaga import retention
policy, datamap, conns, now = json.loads(sys.argv[1])
retention.run(policy, datamap, now=datetime.fromisoformat(now), connections=conns, chunk_rows=40)
"""


@pytest.mark.parametrize(
    ("kind", "point"),
    [
        ("sqlite", "web_events:3:prepared"),  # the chunk's counts are recorded, its transaction not committed
        pytest.param("postgres", "contacts:1:before", marks=pytest.mark.postgres),
        # committed, but the store never heard it finished (test_keyset does the same on SQLite)
        pytest.param("mariadb", "attendance:1:committed", marks=pytest.mark.mariadb),
    ],
)
def test_kill_minus_nine_then_resume_equals_an_uninterrupted_run(
    new_company: Callable[[str], str], store: str, kind: str, point: str
) -> None:
    url = new_company(kind)
    before = snapshot(url)
    env = {**os.environ, retention.CRASH_ENV: point, "PYTHONPATH": str(Path(__file__).parents[2])}
    args = json.dumps([str(POLICY), str(DATAMAP), connections(url), NOW.isoformat()])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    with session_scope(store) as s:
        assert [r.status for r in s.query(RetentionRun)] == ["running"]
    with pytest.raises(retention.JagaError, match="did not finish"):  # no new sweep over a broken one
        retention.run(POLICY, DATAMAP, now=NOW, connections=connections(url))
    with session_scope(store) as s:
        other = create_tenant(s, "other").id
    assert retention.resume(connections=connections(url), tenant_id=other) == []  # another tenant's run stays
    outcomes = retention.resume(connections=connections(url))
    assert len(outcomes) == 1 and outcomes[0].status == "done" and outcomes[0].now == NOW
    after = snapshot(url)
    assert after == expected_after(before)  # what the uninterrupted run produces (test_sweep proves it)
    counts = changed_counts(before, after)
    for name, t in outcomes[0].tables.items():
        assert (t["deleted"], t["anonymised"]) == counts[name.split(".")[1]], name
    assert retention.resume(connections=connections(url)) == []
