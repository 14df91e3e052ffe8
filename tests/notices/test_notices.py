"""The generated notice, RoPA, flows and policy diff, on every example policy and on mutated ones."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jaga.cli._base import new_app
from jaga.cli.notices import app as notice_app
from jaga.errors import JagaError
from jaga.notices import (
    SECTIONS,
    ChangeKind,
    diff_policies,
    flows_markdown,
    heading,
    notice_version,
    render_notice,
    write_ropa,
)
from jaga.policy import Policy, load_policy, parse_policy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [*sorted(ROOT.glob("examples/*/policy.yaml")), ROOT / "tests" / "fixtures_clean_policy.yaml"]
_load = cache(load_policy)  # example policies are only read, never changed, by these tests


@pytest.fixture
def clean(clean_policy_text: str) -> Policy:
    return parse_policy(clean_policy_text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_indonesian_notice_has_every_section(path: Path, fmt: str) -> None:
    policy = _load(path)
    notice = render_notice(policy, "id", fmt)
    expected = [
        "Data pribadi yang kami kumpulkan",
        "Tujuan dan dasar hukum pemrosesan",
        "Pihak yang menerima data pribadi",
        "Transfer data pribadi ke luar negeri",
        "Jangka waktu penyimpanan",
        "Hak Anda dan cara menggunakannya",
        "Keamanan data pribadi",
        "Data pribadi anak",
        "Cookie",
        "Kontak dan Pejabat Pelindungan Data Pribadi",
        "Perubahan pemberitahuan ini dan bahasa yang berlaku",
    ]
    assert [heading(key, "id") for key in SECTIONS] == expected
    marker = "## {n}. {h}" if fmt == "md" else "<h2>{n}. {h}</h2>"
    positions = [notice.text.index(marker.format(n=n, h=h)) for n, h in enumerate(expected, 1)]
    assert positions == sorted(positions)
    assert "UU PDP art. 21" in notice.text
    assert notice.version in notice.text


def test_indonesian_terms_and_citations(clean: Policy) -> None:
    text = render_notice(clean, "id").text
    for term in ("Pemenuhan kewajiban perjanjian", "Pemenuhan kewajiban hukum", "Persetujuan", "Kepentingan yang sah"):
        assert term in text
    assert "3 x 24 jam" in text  # response time in the statute's wording
    assert "GDPR art. 13(1)(e)" in text and "UU PDP art. 56" in text
    assert "versi Bahasa Indonesia yang berlaku" in text


def test_english_notice_and_version_is_stable(clean: Policy) -> None:
    en = render_notice(clean, "en", "html")
    assert "Your rights and how to use them" in en.text
    assert en.version == notice_version(clean, "en") == render_notice(clean, "en", "md").version
    assert notice_version(clean, "id") != notice_version(clean, "en")
    changed = clean.model_copy(deep=True)
    changed.purposes[0].description.en = "Something else"
    assert notice_version(changed, "en") != en.version


def test_policy_text_is_inert_in_html_and_markdown(clean: Policy) -> None:
    clean.purposes[0].description.id = "<script>alert(1)</script>"
    html = render_notice(clean, "id", "html").text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render_notice(clean, "id", "md").text
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_bad_language_or_format(clean: Policy) -> None:
    with pytest.raises(JagaError, match="unknown notice language"):
        render_notice(clean, "fr")
    with pytest.raises(JagaError, match="unknown notice format"):
        render_notice(clean, "id", "pdf")
    with pytest.raises(JagaError, match="unknown RoPA format"):
        write_ropa(clean, "ropa.pdf")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_ropa_xlsx_has_one_row_per_purpose(path: Path, tmp_path: Path) -> None:
    policy = _load(path)
    out = write_ropa(policy, tmp_path / "ropa.xlsx")
    sheet = load_workbook(out)["RoPA"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Purpose" and "Retention" in rows[0]
    assert [r[0] for r in rows[1:]] == [p.key for p in policy.purposes]


def test_ropa_csv_and_flows(clean: Policy, tmp_path: Path) -> None:
    text = write_ropa(clean, tmp_path / "ropa.csv", "id").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Tujuan,Uraian,Dasar pemrosesan")
    assert len(text.strip().splitlines()) == 1 + len(clean.purposes)
    assert "Example Cloud Pte Ltd → SG: klausul kontrak standar" in text
    flows = flows_markdown(clean)
    assert "Customer → Name, Email address, Purchase history → **service**" in flows
    assert "[SG]" in flows and "10 years (UU KUP art. 28(11))" in flows


def _kinds(old: Policy, new: Policy) -> dict[ChangeKind, bool]:
    return {c.kind: c.reconsent for c in diff_policies(old, new)}


def test_diff_detects_each_change_kind(clean: Policy) -> None:
    new = clean.model_copy(deep=True)
    newsletter = new.purpose("newsletter")
    assert newsletter is not None
    newsletter.categories.append("user.contact.phone_number")
    newsletter.recipients.append("mailer")
    fraud = new.purpose("fraud")
    assert fraud is not None
    fraud.basis = fraud.basis.__class__.contract
    new.purposes.append(newsletter.model_copy(update={"key": "promo"}))
    new.purposes = [p for p in new.purposes if p.key != "health_check"]
    new.recipients.append(new.recipients[0].model_copy(update={"key": "mailer", "name": "Mailer Inc", "country": "US"}))
    new.recipients[0].country = "JP"
    rule = new.retention_rule("marketing")
    assert rule is not None
    rule.duration = rule.duration.parse("5 years")
    new.rights.offered.remove(new.rights.offered[-1])
    kinds = _kinds(clean, new)
    assert kinds[ChangeKind.purpose_added] is True  # consent purpose
    assert kinds[ChangeKind.purpose_categories_added] is True
    assert kinds[ChangeKind.purpose_recipients_added] is True
    assert kinds[ChangeKind.recipient_added] is True
    assert kinds[ChangeKind.basis_changed] is False  # onto contract: no consent needed
    assert kinds[ChangeKind.recipient_country_changed] is False  # cloud serves no consent purpose
    assert ChangeKind.purpose_removed in kinds
    assert ChangeKind.retention_longer in kinds
    assert ChangeKind.right_removed in kinds
    assert diff_policies(clean, clean) == []


def test_cli(clean_policy_text: str, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(clean_policy_text)
    new = tmp_path / "new.yaml"
    new.write_text(
        clean_policy_text.replace(
            "categories: [user.name, user.contact.email]\n    subjects: [customer]\n    retention: marketing",
            "categories: [user.name, user.contact]\n    subjects: [customer]\n    retention: marketing",
        )
    )
    root = new_app("test")
    root.add_typer(notice_app, name="notice")
    runner = CliRunner()
    result = runner.invoke(
        root, ["notice", "render", str(old), "--lang", "id", "--format", "html", "--out", str(tmp_path / "n.html")]
    )
    assert result.exit_code == 0, result.output
    assert "<h2>6. Hak Anda" in (tmp_path / "n.html").read_text()
    assert runner.invoke(root, ["notice", "ropa", str(old), "--out", str(tmp_path / "r.xlsx")]).exit_code == 0
    assert "**payroll**" in runner.invoke(root, ["notice", "flows", str(old)]).output
    result = runner.invoke(root, ["notice", "diff", str(old), str(new)])
    assert result.exit_code == 1 and "fresh consent" in result.output
    assert runner.invoke(root, ["notice", "render", str(tmp_path / "missing.yaml")]).exit_code == 2
