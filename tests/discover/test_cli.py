"""The Typer sub-app: output, exit code 2 and one clear message for user errors."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from jaga.cli.discover import app

runner = CliRunner()


def test_redact_stdin_and_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["redact"], input="email budi@example.com\n")
    assert result.exit_code == 0 and result.stdout == "email [user.contact.email]\n"
    f = tmp_path / "t.txt"
    f.write_text("hp 081234567890", encoding="utf-8")
    result = runner.invoke(app, ["redact", str(f), "--mode", "mask"])
    assert result.stdout == "hp ************"


def test_scan_writes_yaml(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE users (email TEXT, no_hp TEXT)"))
        conn.execute(sa.text("INSERT INTO users VALUES ('a@example.com', '081234567890')"))
    engine.dispose()
    out = tmp_path / "map.yml"
    existing = tmp_path / "old.yml"
    existing.write_text("dataset: [{fides_key: a, collections: [{name: users, fields: []}]}]\n")
    for scan in (["scan"], []):  # ``jaga discover URL`` is short for ``jaga discover scan URL``
        out.unlink(missing_ok=True)
        result = runner.invoke(app, [*scan, f"sqlite:///{db}", "--out", str(out), "--map", str(existing)])
        assert result.exit_code == 0, result.output
        fields = yaml.safe_load(out.read_text())["dataset"][0]["collections"][0]["fields"]
        assert [f["data_categories"] for f in fields] == [["user.contact.email"], ["user.contact.phone_number"]]
        assert "users.email" in result.stderr


def test_user_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    blob = tmp_path / "b.bin"
    blob.write_bytes(b"\x00\x01\x02")
    for args in (["redact", str(blob)], ["redact", "--mode", "nope"], ["scan", "mysql+pymysql://u:pw@127.0.0.1:1/x"],
                 ["redact", str(tmp_path / "nothing.txt")]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "error:" in result.stderr
        assert "pw" not in result.stderr
