"""Every command line in the README runs as written, in order, and exits as the README says.

The README's fenced blocks are read line by line: a line starting with ``jaga`` runs in-process
(``CliRunner``, so the whole tour takes seconds), ``echo "TEXT" | jaga ...`` feeds TEXT on stdin,
``export NAME=VALUE`` sets a variable for the lines after it, a trailing backslash joins the next line, and
a comment-only line belongs to the command above it. Lines that are not jaga commands (the install and
test commands at the top) are left out.

Only the placeholders the README names above its tour are filled in, with real files: ``POLICY`` and
``OLD.yaml`` become ``examples/bpo7-benemica/policy.yaml``; ``NEW.yaml`` a copy of it whose newsletter
purpose uses one more category (so the diff asks for fresh consent); ``company.db`` is the sample
company (``examples/sample``) generated in the directory; ``people.csv`` holds two of its customers' addresses; and
``examples/`` is the checkout's (the tour runs "from the checkout"); the published policy ``jaga ingest``
reads is one of the ingest tests' own (:data:`PUBLISHED`). A command exits 0, or 0 or 1 where
its comment says "exit 1 if". ``jaga up`` and ``jaga serve`` run up to the point of serving: the port
probe and ``uvicorn.run`` are replaced by recorders (the busy port is tested for real in test_up.py).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from typer.testing import CliRunner

from jaga.cli import app
from jaga.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "examples" / "bpo7-benemica" / "policy.yaml"
PUBLISHED = {"../shared/policies/bpo7-benemica.txt": str(ROOT / "tests" / "ingest" / "fixtures" / "bilingual.txt")}
"""A published policy for ``jaga ingest`` ("any policy file works"): shared/ is beside the checkout, not in it."""


@dataclass
class Line:
    """One command of the README: its arguments after ``jaga``, stdin, and the comment that goes with it."""

    text: str
    args: list[str]
    stdin: str | None = None
    export: tuple[str, str] | None = None
    comment: str = ""
    allowed: set[int] = field(default_factory=lambda: {0})


def readme_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    in_block, pending = False, ""
    for raw in text.splitlines():
        if raw.startswith("```"):
            in_block, pending = not in_block, ""
            continue
        if not in_block:
            continue
        joined = (pending + raw.strip()) if pending else raw.strip()
        if joined.endswith("\\"):
            pending = joined[:-1].rstrip() + " "
            continue
        pending = ""
        if not joined:
            continue
        if joined.startswith("#"):
            if lines:
                lines[-1].comment += " " + joined
            continue
        code, _, comment = joined.partition(" # ")
        words = shlex.split(code)
        if words[0] == "jaga":
            lines.append(Line(joined, words[1:], comment=comment))
        elif words[0] == "echo" and words[2:4] == ["|", "jaga"]:
            lines.append(Line(joined, words[4:], stdin=words[1] + "\n", comment=comment))
        elif words[0] == "export" and len(words) == 2 and "=" in words[1]:
            name, _, value = words[1].partition("=")
            lines.append(Line(joined, [], export=(name, value), comment=comment))
    for line in lines:
        if "exit 1 if" in line.comment:
            line.allowed = {0, 1}
    return lines


def test_the_parser_reads_every_kind_of_line() -> None:
    text = (
        "```\npython3 -m venv .venv && jaga up\n"
        'jaga a POLICY --x "two words"   # first\n'
        "                                # allowed? exit 1 if not\n"
        'echo "NIK 1, HP 2" | jaga redact\nexport JAGA_TENANT=acme   # or --tenant\n'
        "jaga b \\\n  --c d   # joined\n```\nprose jaga x\n"
    )
    lines = readme_lines(text)
    assert [line.args for line in lines] == [["a", "POLICY", "--x", "two words"], ["redact"], [], ["b", "--c", "d"]]
    assert lines[0].allowed == {0, 1} and lines[3].allowed == {0} and lines[1].stdin == "NIK 1, HP 2\n"
    assert lines[2].export == ("JAGA_TENANT", "acme")


@pytest.fixture
def tour_dir(tmp_path: Path, company_db: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory standing for the checkout: examples/ linked, the placeholders' files made."""
    for name in ("DATA_DIR", "DATABASE_URL", "SECRET_KEY", "TENANT", "POLICY", "PUBLIC_URL"):
        monkeypatch.delenv(f"JAGA_{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    old = "categories: [user.name, user.contact.email]\n    subjects: [visitor, customer, prospect]"
    text = POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1  # the newsletter purpose
    new = text.replace(old, old.replace("user.contact.email]", "user.contact.email, user.contact.phone_number]"))
    (tmp_path / "NEW.yaml").write_text(new, encoding="utf-8")
    engine = sa.create_engine(company_db)
    with engine.connect() as conn:  # two customers of the sample company: a batch that matches nobody exits 1
        emails = [row[0] for row in conn.execute(sa.text("SELECT email FROM customers ORDER BY id LIMIT 2"))]
    engine.dispose()
    (tmp_path / "people.csv").write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
    return tmp_path


def test_every_readme_command_runs_as_written(tour_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[tuple[Any, ...]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append(args))
    monkeypatch.setattr("jaga.cli.serve.ensure_port_free", lambda host, port: None)
    monkeypatch.setattr("jaga.cli.up.ensure_port_free", lambda host, port: None)
    from jaga.api.app import SERVE_AUDIT, SERVE_HOSTS, SERVE_MAPS, SERVE_POLICY

    # `jaga serve --workers` hands these to its workers
    for name in (SERVE_AUDIT, SERVE_HOSTS, SERVE_MAPS, SERVE_POLICY):
        monkeypatch.setenv(name, "")
    places = {"POLICY": str(POLICY), "OLD.yaml": str(POLICY), "NEW.yaml": str(tour_dir / "NEW.yaml"), **PUBLISHED}
    lines = readme_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len([line for line in lines if line.args]) >= 25  # the tour and the reference block were read
    runner, env, servers = CliRunner(), {"COLUMNS": "200"}, 0
    for line in lines:
        if line.export:
            env[line.export[0]] = line.export[1]
            continue
        args = [places.get(word, word) for word in line.args]
        servers += args[0] in ("up", "serve")
        result = runner.invoke(app, args, input=line.stdin, env=env)
        assert result.exit_code in line.allowed, f"{line.text}\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{line.text}: {result.exception!r}"
        )
        assert "Traceback" not in result.output
    assert len(served) == servers > 0  # every server command got as far as serving
