"""``jaga check`` as a CI pipeline sees it: exit codes, JSON and SARIF, one clear error for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app

runner = CliRunner()


@pytest.fixture
def clean_file(tmp_path: Path, clean_policy_text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(clean_policy_text, encoding="utf-8")
    return path


def test_clean_exits_zero(clean_file: Path) -> None:
    result = runner.invoke(app, ["check", str(clean_file)])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_findings_exit_one_with_json(clean_file: Path) -> None:
    clean_file.write_text(
        clean_file.read_text().replace("response_time: {default: 3x24 hours}", "response_time: {default: 30 days}")
    )
    result = runner.invoke(app, ["check", str(clean_file), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] >= 1
    assert {f["rule"] for f in data["findings"]} == {"JG009"}
    assert all(f["where"].startswith(str(clean_file)) for f in data["findings"])


def test_sarif_has_rules_and_regions(clean_file: Path) -> None:
    clean_file.write_text(clean_file.read_text().replace("    safeguard: standard_contractual_clauses\n", ""))
    result = runner.invoke(app, ["check", str(clean_file), "--format", "sarif"])
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and len(run["tool"]["driver"]["rules"]) == 17
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] > 1 and run["results"][0]["ruleId"] == "JG003"


def test_indonesian_messages(clean_file: Path) -> None:
    clean_file.write_text(
        clean_file.read_text().replace("response_time: {default: 3x24 hours}", "response_time: {default: 1 month}")
    )
    result = runner.invoke(app, ["check", str(clean_file), "--lang", "id"], env={"COLUMNS": "400"})
    assert "kebijakan menjanjikan 1 month" in result.output


@pytest.mark.parametrize("content", ["purposes: [\n", "jaga: 1\nversion: x\n", "\x00\x01"])
def test_unusable_input_exits_two_without_traceback(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "error:" in result.output and "bad.yaml" in result.output


def test_missing_file_exits_two(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "file not found" in result.output


def test_examples_report_findings() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    for path in sorted(root.glob("*/policy.yaml")):
        result = runner.invoke(app, ["check", str(path), "--format", "json"])
        assert result.exit_code in (0, 1), result.output
        assert json.loads(result.stdout)["findings"], f"{path} should show its real gaps"
