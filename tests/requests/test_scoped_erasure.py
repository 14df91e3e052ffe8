"""An erasure limited to data categories (as a Fides erasure policy is) changes those columns of the
person's rows and nothing else: full table dumps before and after differ only there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from examples.sample import DATAMAP, TABLES, TWINS
from jaga.cli import app
from jaga.datamap import load_datamap
from jaga.errors import JagaError, NotFoundError
from jaga.ledger import Identity, state_at
from jaga.policy import covers
from jaga.requests import RequestSpec, resume, run_requests
from jaga.store import ensure_tenant, make_engine, session_scope
from tests.requests.conftest import POLICY, connections

runner = CliRunner()


def _dump(url: str) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every table as primary key -> column -> value."""
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: {r["id"]: dict(r) for r in conn.execute(text(f"SELECT * FROM {t}")).mappings()} for t in TABLES}
    engine.dispose()
    return out


def _in_scope(scope: list[str]) -> set[tuple[str, str]]:
    """(table, column) pairs whose categories the scope covers."""
    dmap = load_datamap([DATAMAP])
    return {
        (c.name, f.name)
        for _, c in dmap.collections()
        for f in c.fields
        if any(covers(s, cat) for s in scope for cat in f.categories)
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, Any, str]]:
    """(table, key, column) of every cell that differs; rows gone or new count for every column."""
    out: set[tuple[str, Any, str]] = set()
    for table, rows in before.items():
        for key in rows.keys() | after[table].keys():
            a, b = rows.get(key), after[table].get(key)
            if a is None or b is None:
                out |= {(table, key, col) for col in (a or b or {})}
            else:
                out |= {(table, key, col) for col in a if a[col] != b[col]}
    return out


def test_a_scoped_erasure_changes_only_the_scoped_columns(company: str) -> None:
    me = TWINS.customers[0]
    engine = make_engine(company)
    with engine.connect() as conn:
        email = str(conn.execute(text("SELECT email FROM customers WHERE id = :i"), {"i": me}).scalar())
    engine.dispose()
    before = _dump(company)
    result = run_requests(
        [
            RequestSpec(
                "erasure", {"email": email}, categories=["user.contact"], masking={"user.contact.address": "fixed"}
            )
        ],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
    )
    req = result.requests[0]
    assert req.status == "done" and req.result["verification"]["verified"], req.result
    after = _dump(company)
    changed = _changed(before, after)
    scoped = _in_scope(["user.contact"])
    assert changed, "the scoped columns were erased"
    assert {(t, c) for t, _, c in changed} <= scoped  # no other column, no row deleted
    assert {(t, k) for t, k, _ in changed if t == "customers"} == {("customers", me)}  # nobody else's row
    mine = after["customers"][me]
    assert mine["email"] != email and mine["city"] == "[erased]" and mine["province"] == "[erased]"
    assert mine["full_name"] == before["customers"][me]["full_name"]  # user.name is out of scope
    contacts = [k for k, r in before["contacts"].items() if r["customer_id"] == me]
    assert all(after["contacts"][k]["value"] != before["contacts"][k]["value"] for k in contacts)
    with session_scope() as s:  # the ledger is not told the person is erased: only their contacts are
        tenant = ensure_tenant(s, "default").id
        try:
            erased_at = state_at(s, tenant, Identity.of("email", email)).erased_at
        except NotFoundError:
            erased_at = None
    assert erased_at is None


def test_cli_scopes_an_erasure_and_refuses_a_bad_scope(company: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_DB_SAMPLE_CRM_URL", company)
    monkeypatch.setenv("JAGA_DB_SAMPLE_HR_URL", company)
    engine = make_engine(company)
    with engine.connect() as conn:
        email = str(conn.execute(text("SELECT email FROM customers WHERE id = 3")).scalar())
    engine.dispose()
    base = ["requests", "run", "--type", "erasure", "-m", str(DATAMAP), "-p", str(POLICY), "-i", f"email={email}"]
    before = _dump(company)
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    ok = runner.invoke(app, [*base, "--category", "user.name"], env={"COLUMNS": "200"})
    assert ok.exit_code == 0, ok.output
    changed = _changed(before, _dump(company))
    assert changed and {(t, c) for t, _, c in changed} <= _in_scope(["user.name"])
    for bad in (["--category", "user.nonsense"], ["--mask", "user.contact=shred"], ["--category", "system.operations"]):
        refused = runner.invoke(app, [*base, *bad], env={"COLUMNS": "200"})
        assert refused.exit_code == 2 and "Traceback" not in refused.output, refused.output


def test_only_an_erasure_takes_a_scope(company: str, tmp_path: Path) -> None:
    with pytest.raises(JagaError, match="only an erasure"):
        run_requests(
            [RequestSpec("access", {"email": "a@b.id"}, categories=["user.contact"])],
            datamap=DATAMAP,
            policy=POLICY,
            connections=connections(company),
            out_dir=tmp_path,
        )


_CHILD = """
import json, sys
from jaga.requests import RequestSpec, run_requests
emails, datamap, policy, conns = json.loads(sys.argv[1])
run_requests([RequestSpec("erasure", {"email": e}, categories=["user.name"]) for e in emails], datamap=datamap,
             policy=policy, connections=conns)
"""


def test_a_scoped_erasure_killed_midway_resumes_with_its_scope(company: str) -> None:
    engine = make_engine(company)
    with engine.connect() as conn:
        emails = [r[0] for r in conn.execute(text("SELECT email FROM customers WHERE id > 5 ORDER BY id LIMIT 3"))]
    engine.dispose()
    before = _dump(company)
    env = {**os.environ, "JAGA_DSR_CRASH": "1:during", "PYTHONPATH": str(Path(__file__).parents[2])}
    args = json.dumps([emails, str(DATAMAP), str(POLICY), connections(company)])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    outcomes = resume(connections=connections(company))
    assert len(outcomes) == 1 and outcomes[0].status == "done"
    assert all(r.result["verification"]["verified"] for r in outcomes[0].requests)
    changed = _changed(before, _dump(company))
    assert changed and {(t, c) for t, _, c in changed} <= _in_scope(["user.name"])


def _map_with_default(tmp_path: Path, section: str) -> Path:
    """The sample map with a top-level ``jaga:`` section appended."""
    path = tmp_path / "datamap.yaml"
    path.write_text(DATAMAP.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")
    return path


def test_the_map_sets_the_scope_an_erasure_takes_when_the_request_names_none(company: str, tmp_path: Path) -> None:
    """A Fides erasure policy says which categories an erasure erases; the map's ``jaga: erasure:`` does
    the same for every request that names no scope, and a request's own scope still wins."""
    dmap = _map_with_default(
        tmp_path, "jaga:\n  erasure:\n    categories: [user.contact]\n    masking: {user.contact.address: fixed}\n"
    )
    engine = make_engine(company)
    with engine.connect() as conn:
        emails = [str(e) for e in conn.execute(text("SELECT email FROM customers ORDER BY id LIMIT 2")).scalars()]
    engine.dispose()
    before = _dump(company)
    result = run_requests(
        [RequestSpec("erasure", {"email": emails[0]})], datamap=dmap, policy=POLICY, connections=connections(company)
    )
    assert result.requests[0].status == "done", result.requests[0].result
    after = _dump(company)
    changed = _changed(before, after)
    assert changed and {(t, c) for t, _, c in changed} <= _in_scope(["user.contact"])  # no row deleted, no name
    assert any(r["city"] == "[erased]" for r in after["customers"].values())  # the map's masking was used
    own = run_requests(
        [RequestSpec("erasure", {"email": emails[1]}, categories=["user.name"])],
        datamap=dmap,
        policy=POLICY,
        connections=connections(company),
    )
    assert own.requests[0].status == "done"
    assert {(t, c) for t, _, c in _changed(after, _dump(company))} <= _in_scope(["user.name"])


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("jaga:\n  erasure:\n    categories: [user.nonsense]\n", "unknown data category 'user.nonsense'"),
        ("jaga:\n  erasure:\n    categories: [system.operations]\n", "names personal data (user.*)"),
        ("jaga:\n  erasure:\n    masking: {user.contact: shred}\n", "unknown masking strategy 'shred'"),
        ("jaga:\n  erasure:\n    scope: [user.contact]\n", "unknown erasure key 'scope'"),
        ("jaga:\n  retention: {}\n", "unknown jaga key 'retention'"),
    ],
)
def test_a_bad_default_scope_names_its_line(tmp_path: Path, section: str, message: str) -> None:
    path = _map_with_default(tmp_path, section)
    with pytest.raises(JagaError) as caught:
        load_datamap([path])
    shown = str(caught.value)
    assert message in shown and f"{path}:" in shown, shown
