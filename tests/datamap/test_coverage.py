"""``jaga datamap check`` against the policy: personal categories held but not declared are problems;
``system.*`` categories and key columns are not; declared categories located nowhere are notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples.sample import DATAMAP, create_schema
from jaga.cli import app
from jaga.datamap import check_datamap, load_datamap, unlocated_notes
from jaga.policy import load_policy
from jaga.store import make_engine
from tests.requests.test_access_complete import DEMO_POLICY, HELD_NOT_STATED, undeclaring


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    return url


def test_the_demo_policy_and_map_agree(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    dm, policy = load_datamap(DATAMAP), load_policy(DEMO_POLICY)
    assert check_datamap(dm, policy, {"sample_hr": demo_db, "sample_crm": demo_db}) == []
    notes = [n.message for n in unlocated_notes(dm, policy)]
    assert any("'user.content.cctv_footage'" in n for n in notes)  # held outside databases: a note
    monkeypatch.setenv("JAGA_DB_SAMPLE_HR_URL", demo_db)
    monkeypatch.setenv("JAGA_DB_SAMPLE_CRM_URL", demo_db)
    result = CliRunner().invoke(app, ["datamap", "check", str(DATAMAP), "--policy", str(DEMO_POLICY)])
    assert result.exit_code == 0, result.output
    assert "check out" in result.output and "note:" in result.output


def test_held_but_undeclared_categories_are_the_only_policy_problems(tmp_path: Path) -> None:
    problems = check_datamap(load_datamap(DATAMAP), load_policy(undeclaring(tmp_path)), live=False)
    named = sorted({p.message.split("'")[1] for p in problems})
    assert named == HELD_NOT_STATED
    assert not any("system." in p.message for p in problems)
    # key columns (primary keys, references) are how rows join: never reported
    assert not any(f".{col} " in p.message for p in problems for col in ("id", "customer_id", "employee_id"))
    assert all(":" in p.where and "datamap.yaml" in p.where for p in problems)  # each names file and line
