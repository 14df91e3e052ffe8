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
