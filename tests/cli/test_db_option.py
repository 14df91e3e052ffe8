"""``--db`` names the company databases on every command that reaches them, as the README says.

``datamap check`` and ``requests run``/``resume`` had no ``--db`` (only ``JAGA_DB_<DATASET>_URL``):
``--db URL`` serves every dataset, ``--db DATASET=URL`` one, and a dataset named on its own wins.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples.sample import DATAMAP
from jaga.cli import app

POLICY = str(Path(__file__).resolve().parents[2] / "examples" / "bpo7-benemica" / "policy.yaml")
runner = CliRunner()


@pytest.fixture(autouse=True)
def no_database_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JAGA_DB_SAMPLE_HR_URL", "JAGA_DB_SAMPLE_CRM_URL", "JAGA_TENANT"):
        monkeypatch.delenv(name, raising=False)


def test_datamap_check_takes_db_for_every_dataset_or_one(company_db: str, tmp_path: Path) -> None:
    check = ["datamap", "check", str(DATAMAP), "--policy", POLICY]
    missing = runner.invoke(app, check)
    assert missing.exit_code == 2 and "no database URL for dataset" in missing.output
    every = runner.invoke(app, [*check, "--db", company_db], env={"COLUMNS": "200"})
    assert "tables in 2 dataset(s) check out" in every.output or "problem(s) in the data map" in every.output
    assert "no database URL" not in every.output and every.exit_code in (0, 2)
    nowhere = f"sqlite:///{tmp_path / 'nowhere.db'}"
    named = runner.invoke(app, [*check, "--db", nowhere, "--db", f"sample_hr={company_db}"])
    assert "sample_crm" in named.output and named.exit_code == 2  # only sample_hr was pointed at the company
    both = runner.invoke(
        app, [*check, "--db", f"sample_crm={company_db}", "--db", f"sample_hr={company_db}"], env={"COLUMNS": "200"}
    )
    assert both.output == every.output and both.exit_code == every.exit_code


def test_requests_run_takes_db(company_db: str, jaga_env: Path) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0
    run = ["requests", "run", "--type", "access", "-i", "email=ani@contoh.co.id", "-m", str(DATAMAP), "-p", POLICY]
    missing = runner.invoke(app, run)
    assert missing.exit_code == 2 and "no database URL for dataset" in missing.output
    done = runner.invoke(app, [*run, "--db", company_db, "--out", str(jaga_env / "exports")])
    assert done.exit_code == 0 and "done" in done.output, done.output
    assert runner.invoke(app, ["requests", "resume", "--db", company_db]).exit_code == 0
