"""``jaga up``: a fresh directory becomes a demo company in seconds; a second run changes nothing."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app
from jaga.settings import get_settings
from jaga.staff import list_users
from jaga.store import ensure_tenant, session_scope


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JAGA_DATA_DIR", "JAGA_DATABASE_URL", "JAGA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


def test_up_sets_up_once_and_is_idempotent(tmp_path: Path) -> None:
    data = tmp_path / "jaga-data"
    runner = CliRunner()
    started = time.perf_counter()
    first = runner.invoke(app, ["up", "--data-dir", str(data), "--no-serve"])
    elapsed = time.perf_counter() - started
    assert first.exit_code == 0, first.output
    assert elapsed < 20
    assert "sample database generated" in first.output
    assert "http://127.0.0.1:8000/" in first.output and "/console/" in first.output
    password = re.search(r"password: (\S+)", first.output)
    assert password and len(password.group(1)) >= 16
    assert (data / "jaga.db").is_file() and (data / "sample.db").is_file()
    stamp = (data / "sample.db").stat().st_mtime_ns

    second = runner.invoke(app, ["up", "--data-dir", str(data), "--no-serve", "--port", "8123"])
    assert second.exit_code == 0, second.output
    assert "not regenerated" in second.output and "already exists" in second.output
    assert password.group(1) not in second.output
    assert "http://127.0.0.1:8123/" in second.output
    assert (data / "sample.db").stat().st_mtime_ns == stamp
    with session_scope() as session:
        users = list_users(session, ensure_tenant(session, "demo").id)
    assert [u.email for u in users] == ["admin@jaga.local"]
    assert [u.role for u in users] == ["admin"]


def test_up_without_examples_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["up", "--data-dir", str(tmp_path / "d"), "--no-serve", "--example", str(tmp_path / "none")]
    )
    assert result.exit_code == 2
    assert "no demo company found" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["up", "--no-serve"], ["up"], ["serve"]], ids=["up-no-serve", "up", "serve"])
def test_a_busy_port_is_one_message_and_exit_2(command: list[str], tmp_path: Path) -> None:
    """Another program listens on the port: one message before anything is set up or printed, exit 2
    (before, `jaga up` printed its banner and password, then uvicorn's own error, and exited 1)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data = tmp_path / "jaga-data"
        args = [*command, "--port", str(port)] + (["--data-dir", str(data)] if command[0] == "up" else [])
        result = CliRunner().invoke(app, args, env={"JAGA_DATA_DIR": str(data)})
    if command == ["up", "--no-serve"]:  # nothing is served, so the port does not matter
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "privacy centre" not in result.output and "password" not in result.output
    assert "Traceback" not in result.output and "ERROR" not in result.output
    assert not data.exists()  # refused before anything was set up
