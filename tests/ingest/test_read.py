"""Every input format yields the policy text; unusable files get one clear IngestError (exit 2 in the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app
from jaga.ingest import IngestError, ingest_bytes
from jaga.ingest.read import MAX_BYTES, read_document
from tests.ingest._make import docx_with, encrypted_pdf, pdf_with_text

FIXTURES = Path(__file__).parent / "fixtures"
POLICY_LINES = [
    "Privacy Policy of PT Uji Format",
    "We collect your name, email address and NIK when you register.",
    "We use your personal data for the following purposes:",
    "- To provide the service, to fulfil our contract with you.",
    "You have the right to access and delete your personal data.",
    "We share data with our payment provider. Contact us at privacy@uji.example.",
]


def _categories(data: bytes, name: str) -> set[str]:
    return set(ingest_bytes(data, name).source.policy.categories)


def test_txt_and_md() -> None:
    text = "\n\n".join(POLICY_LINES).encode()
    assert {"user.name", "user.contact.email", "user.government_id.nik"} <= _categories(text, "p.txt")
    assert {"user.name", "user.government_id.nik"} <= _categories(text, "p.md")


def test_html_main_text_only() -> None:
    html = (
        "<html><head><style>.x{}</style><script>var tracking='NIK';</script></head><body>"
        "<nav><a>Home</a><a>Passport services</a></nav><header>Shop menu</header><main>"
        + "".join(f"<p>{line}</p>" for line in POLICY_LINES)
        + "</main><footer>Copyright - passport photo studio</footer></body></html>"
    )
    lines = read_document(html.encode(), "p.html")
    joined = "\n".join(lines)
    assert "We collect your name" in joined
    assert "Passport" not in joined and "Copyright" not in joined and "tracking" not in joined
    assert "user.government_id.passport_number" not in _categories(html.encode(), "p.html")


def test_pdf_text_layer() -> None:
    data = pdf_with_text(POLICY_LINES)
    assert "We collect your name" in "\n".join(read_document(data, "p.pdf"))
    assert "user.government_id.nik" in _categories(data, "p.pdf")


def test_docx_paragraphs_and_tables() -> None:
    data = docx_with(POLICY_LINES, table=[["Data", "Why"], ["NPWP", "we collect it for tax reporting"]])
    lines = read_document(data, "p.docx")
    assert "We collect your name, email address and NIK when you register." in lines
    assert any("NPWP" in line for line in lines)


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\n ", "blank.md", "empty"),
        (bytes(range(256)) * 20, "random.txt", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "logo.txt", "binary"),
        (encrypted_pdf(), "locked.pdf", "encrypted"),
        (b"%PDF-1.4 this is not really a pdf", "broken.pdf", "PDF"),
        (b"PK\x03\x04 not a zip", "broken.docx", "Word"),
        (pdf_with_text([]), "scan.pdf", "no text"),
    ],
)
def test_unusable_files(data: bytes, name: str, says: str) -> None:
    with pytest.raises(IngestError, match=says):
        ingest_bytes(data, name)


def test_not_a_policy() -> None:
    article = (
        "Jakarta floods again. Heavy rain hit the capital on Monday and the river overflowed. "
        "The governor said pumps were working and schools would open on Wednesday."
    )
    contract = (FIXTURES / "not-a-policy-contract.txt").read_bytes()
    for data in (article.encode(), contract):
        with pytest.raises(IngestError, match="privacy policy"):
            ingest_bytes(data, "doc.txt")


def test_cli_bad_inputs_exit_2_without_traceback(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    big.write_bytes(b"personal data privacy. " * (20 * 1024 * 1024 // 23 + 1))
    assert big.stat().st_size > 20 * 1024 * 1024 > MAX_BYTES
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "x.pdf"
    binary.write_bytes(encrypted_pdf())
    runner = CliRunner()
    for path in (big, empty, binary, tmp_path / "missing.txt"):
        result = runner.invoke(app, ["ingest", str(path), "--out", str(tmp_path / "d.yaml")])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "d.yaml").exists()
