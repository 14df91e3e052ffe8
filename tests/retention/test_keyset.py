"""Tables without a single integer key are swept by keyset paging (text and composite keys), and a
``kill -9`` between a chunk's commit and its record still resumes to exact counts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from jaga import retention
from jaga.store import make_engine

NOW = datetime(2026, 11, 1, tzinfo=UTC)
POLICY = """
jaga: 1
version: "k1"
controller: {legal_name: PT Kunci, address: Jakarta, contact: {email: dpo@kunci.example}}
subjects: [customer]
categories: [user.device, user.communication]
purposes:
  - {key: support, use: essential.service, description: {en: Support}, basis: contract,
     categories: [user.device, user.communication], subjects: [customer], retention: visit_logs}
retention:
  - {key: visit_logs, categories: [user.device, user.communication], duration: 30 days, trigger: collection}
rights: {offered: [access, erasure]}
"""
DATAMAP = """
dataset:
  - fides_key: web
    collections:
      - name: visits
        jaga: {retention_trigger: {collection: at}}
        fields:
          - {name: code, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: ip, data_categories: [user.device.ip_address]}
          - {name: at, data_categories: [system.operations]}
      - name: notes
        fields:
          - name: visit_code
            data_categories: [system.operations]
            fides_meta: {primary_key: true, references: [{dataset: web, field: visits.code, direction: from}]}
          - {name: line, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: body, data_categories: [user.communication]}
"""
_CHILD = """
import json, sys
from datetime import datetime
from jaga import retention
policy, datamap, url, now = json.loads(sys.argv[1])
retention.run(policy, datamap, now=datetime.fromisoformat(now), connections={"*": url}, chunk_rows=3)
"""


def _company(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE visits (code VARCHAR(12) PRIMARY KEY, ip VARCHAR(45), at DATETIME NOT NULL)"))
        conn.execute(
            text(
                "CREATE TABLE notes (visit_code VARCHAR(12) NOT NULL REFERENCES visits(code), line INTEGER NOT NULL,"
                " body TEXT, PRIMARY KEY (visit_code, line))"
            )
        )
        for i in range(20):
            at = (NOW - timedelta(days=3 * i)).replace(tzinfo=None)
            conn.execute(
                text("INSERT INTO visits VALUES (:c, :ip, :at)"), {"c": f"v{i:03d}", "ip": f"10.0.0.{i}", "at": at}
            )
            for line in range(i % 3):
                conn.execute(text("INSERT INTO notes VALUES (:c, :l, 'hi')"), {"c": f"v{i:03d}", "l": line})
    engine.dispose()
    return url


def _rows(url: str) -> tuple[list[str], list[tuple[str, int]]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        visits = [r[0] for r in conn.execute(text("SELECT code FROM visits ORDER BY code"))]
        notes = [(r[0], r[1]) for r in conn.execute(text("SELECT visit_code, line FROM notes ORDER BY 1, 2"))]
    engine.dispose()
    return visits, notes


def test_keyset_sweep_resumes_after_kill_minus_nine(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(DATAMAP, encoding="utf-8")
    url = _company(tmp_path)
    visits, notes = _rows(url)
    old = {f"v{i:03d}" for i in range(20) if 3 * i > 30}
    env = {**os.environ, retention.CRASH_ENV: "notes:1:committed", "PYTHONPATH": str(Path(__file__).parents[2])}
    args = json.dumps([str(tmp_path / "policy.yaml"), str(tmp_path / "map.yaml"), url, NOW.isoformat()])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    [outcome] = retention.resume(connections={"*": url})
    assert outcome.status == "done"
    after_visits, after_notes = _rows(url)
    assert after_visits == [v for v in visits if v not in old]
    assert after_notes == [n for n in notes if n[0] not in old]
    assert outcome.tables["web.visits"]["deleted"] == len(old)
    assert outcome.tables["web.notes"]["deleted"] == len([n for n in notes if n[0] in old]) > 3
