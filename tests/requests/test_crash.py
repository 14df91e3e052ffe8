"""Kill the runner with a real SIGKILL at several points of a batch; ``resume`` must finish it with the
verification pass green and other subjects' rows unchanged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from examples.sample import DATAMAP
from jaga.requests import resume
from jaga.store import make_engine
from tests.requests.conftest import POLICY, connections, snapshot

_CHILD = """
import json, sys
from jaga.requests import RequestSpec, run_requests
emails, datamap, policy, conns = json.loads(sys.argv[1])
run_requests([RequestSpec("erasure", {"email": e}) for e in emails], datamap=datamap, policy=policy,
             connections=conns)
"""


@pytest.mark.parametrize("point", ["2:during", "5:after", "8:before"])
def test_kill_minus_nine_then_resume(company: str, point: str) -> None:
    engine = make_engine(company)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, email FROM customers WHERE id > 5 ORDER BY id LIMIT 5")).all()
    engine.dispose()
    ids = {r[0] for r in rows}
    before = snapshot(company)
    env = {**os.environ, "JAGA_DSR_CRASH": point, "PYTHONPATH": str(Path(__file__).parents[2])}
    args = json.dumps([[r[1] for r in rows], str(DATAMAP), str(POLICY), connections(company)])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    outcomes = resume(connections=connections(company))
    assert len(outcomes) == 1 and outcomes[0].status == "done"
    assert all(r.result["verification"]["verified"] for r in outcomes[0].requests)
    after = snapshot(company)
    assert [r for r in after["customers"] if r[0] not in ids] == [r for r in before["customers"] if r[0] not in ids]
    assert resume(connections=connections(company)) == []


@pytest.mark.parametrize("phase", ["after", "during"])
def test_rows_a_deferred_delete_committed_before_the_crash_are_still_reported(company: str, phase: str) -> None:
    """A leaf table is found by its own DELETE … RETURNING; killed after that commit, the resumed step
    finds the rows gone, yet every request still reports how many of its rows the table lost."""
    engine = make_engine(company)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, email FROM customers WHERE id > 5 ORDER BY id LIMIT 5")).all()
        events = {
            r[0]: conn.execute(text("SELECT COUNT(*) FROM web_events WHERE customer_id = :c"), {"c": r[0]}).scalar()
            for r in rows
        }
    engine.dispose()
    assert any(events.values())
    env = {
        **os.environ,
        "JAGA_DSR_CRASH": f"erase:sample_crm.web_events:{phase}",
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    args = json.dumps([[r[1] for r in rows], str(DATAMAP), str(POLICY), connections(company)])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    outcomes = resume(connections=connections(company))
    assert len(outcomes) == 1 and outcomes[0].status == "done"
    for (cid, _), request in zip(rows, outcomes[0].requests, strict=True):
        assert request.result["verification"]["verified"]
        assert request.result["tables"].get("sample_crm.web_events", 0) == events[cid]
