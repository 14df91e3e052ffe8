"""Text findings quote the sentence that shows the gap; output formats are those of `jaga check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app
from jaga.ingest import ingest_bytes

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (
    "Privacy Policy\n\nWe collect your name and email address. We process personal data for the purposes below. "
    "You have the right to access your data. Contact us at privacy@x.example.\n\n"
)


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        ("JGI01", "By using the application you agree to this policy and to all processing described in it."),
        ("JGI01", "Dengan menggunakan aplikasi ini, Anda dianggap menyetujui seluruh pemrosesan data pribadi."),
        ("JGI02", "New members are automatically subscribed to our marketing newsletter."),
        ("JGI03", "When you submit a contact form we link it to the tracking cookies already on your device."),
        ("JGI04", "We keep your personal data as long as necessary."),
        ("JGI04", "Kami menyimpan data pribadi Anda selama diperlukan."),
        ("JGI05", "When we transfer data outside Indonesia we take appropriate measures to protect it."),
        ("JGI06", "We may obtain information about you from third parties such as data brokers."),
    ],
)
def test_text_rule_quotes_the_sentence(rule: str, sentence: str) -> None:
    findings = ingest_bytes((BASE + sentence + "\n").encode(), "p.txt").findings
    hits = [f for f in findings if f.rule == rule]
    assert hits, [f.rule for f in findings]
    assert sentence[:40] in hits[0].message and hits[0].where == "p.txt:5:1"
    assert sentence[:40] in hits[0].message_id


@pytest.mark.parametrize(
    "sentence",
    [
        "When you submit a contact form we ask for your separate consent before any tracking cookies are set.",
        "We may obtain information about you from third parties and will inform you when we do.",
        "We keep invoices for 10 years.",
    ],
)
def test_text_rules_stay_quiet_when_the_text_is_fine(sentence: str) -> None:
    findings = ingest_bytes((BASE + sentence + "\n").encode(), "p.txt").findings
    assert not [f for f in findings if f.regime == "text"]


def test_cli_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    source = str(FIXTURES / "numbered-en.md")
    out = str(tmp_path / "d.yaml")
    as_json = runner.invoke(app, ["ingest", source, "--out", out, "--format", "json"])
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)
    rules = {f["rule"] for f in data["findings"]}
    assert {"JGI01", "JGI04", "JGI05"} <= rules and any(r.startswith("JG0") for r in rules)
    sarif = json.loads(runner.invoke(app, ["ingest", source, "--out", out, "--format", "sarif", "--force"]).output)
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "JGI01" and r["locations"] for r in results)
    english = runner.invoke(app, ["ingest", source, "--out", out, "--force"], env={"COLUMNS": "400"})
    indonesian = runner.invoke(app, ["ingest", source, "--out", out, "--lang", "id", "--force"], env={"COLUMNS": "400"})
    assert "consent is bundled" in english.output and "draft written to" in english.output
    assert "persetujuan digabung" in indonesian.output and "draf ditulis ke" in indonesian.output
    assert Path(out).read_text(encoding="utf-8").startswith("# Draft jaga policy")


def test_cli_does_not_overwrite_a_finished_draft(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("# hand-finished policy\n", encoding="utf-8")
    runner = CliRunner()
    source = str(FIXTURES / "bilingual.txt")
    refused = runner.invoke(app, ["ingest", source, "--out", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "# hand-finished policy\n"
    assert runner.invoke(app, ["ingest", source, "--out", str(out), "--force"]).exit_code in (0, 1)
    assert out.read_text(encoding="utf-8").startswith("# Draft jaga policy")
