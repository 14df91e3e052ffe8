"""Hostile or broken input files: every command that reads a file answers with one clear message and
exit code 2 (usage), never a traceback with exit 1 (which means "findings"); ``jaga redact`` streams.

Probes: binary and non-UTF-8 files, deeply nested documents, CSV fields over the size limit, and
a JSON line nested a hundred thousand deep."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app
from jaga.cli.discover import MAX_LINE, redact_stream

runner = CliRunner()
POLICY = Path(__file__).parents[1] / "requests" / "policy.yaml"
BINARY = b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00"
LATIN1 = "dataset:\n  - fides_key: caf\xe9\n".encode("latin-1")
DEEP_YAML = "a: " + "[" * 5000 + "]" * 5000 + "\n"


def _files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "binary.yaml": BINARY,
        "latin1.yaml": LATIN1,
        "deep.yaml": DEEP_YAML.encode(),
        "big.csv": b"email\n" + b"a" * 200_000 + b"@b.id\n",
        "deep.jsonl": b"[" * 100_000 + b"\n",
        "binary.csv": BINARY,
        "latin1.csv": "email\njos\xe9@b.id\n".encode("latin-1"),
    }
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def _commands(f: dict[str, Path]) -> list[tuple[str, list[str], str]]:
    run = ["requests", "run", "--type", "erasure", "-m", str(f["latin1.yaml"]), "-p", str(POLICY), "--from"]
    return [
        ("policy: binary", ["check", str(f["binary.yaml"])], "UTF-8"),
        ("policy: nested", ["check", str(f["deep.yaml"])], "nested"),
        ("map: binary", ["datamap", "check", str(f["binary.yaml"]), "--policy", str(POLICY)], "UTF-8"),
        ("map: latin-1", ["datamap", "check", str(f["latin1.yaml"]), "--policy", str(POLICY)], "UTF-8"),
        ("map: nested", ["datamap", "check", str(f["deep.yaml"]), "--policy", str(POLICY)], "nested"),
        ("batch: huge field", [*run, str(f["big.csv"])], "field larger than field limit"),
        ("batch: nested JSON line", [*run, str(f["deep.jsonl"])], "nested too deeply"),
        ("batch: binary", [*run, str(f["binary.csv"])], "not a UTF-8 text file"),
        ("discover: huge field", ["discover", "scan", str(f["big.csv"])], "field larger than field limit"),
        ("discover: binary", ["discover", "scan", str(f["binary.csv"])], "binary"),
        ("discover: latin-1", ["discover", "scan", str(f["latin1.csv"])], "not valid utf-8"),
        ("redact: binary", ["redact", str(f["binary.csv"])], "binary"),
        ("redact: latin-1", ["redact", str(f["latin1.csv"])], "not valid utf-8"),
    ]


@pytest.mark.parametrize("case", range(13))
def test_a_hostile_file_is_one_message_and_exit_2(case: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_DATABASE_URL", f"sqlite:///{tmp_path / 'jaga.db'}")
    name, args, expected = _commands(_files(tmp_path))[case]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 2, (name, result.output)
    assert isinstance(result.exception, SystemExit), (name, repr(result.exception))
    assert "Traceback" not in result.output and "error" in result.output.lower(), name
    assert expected in " ".join(result.output.split()), (name, result.output)


class _Recorder(io.BytesIO):
    """A source that logs each read, and a sink that logs each write, in one shared order."""

    def __init__(self, data: bytes, log: list[str]) -> None:
        super().__init__(data)
        self.log = log

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.log.append(f"read {len(line)}")
        return line


class _Sink(io.StringIO):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def write(self, text: str) -> int:
        if text:
            self.log.append("write")
        return super().write(text)


def test_redact_streams_line_by_line_in_bounded_reads() -> None:
    """Each line is written out before the next is read, and no read asks for more than one line's
    bound: memory does not grow with the input (a 200 MB file used to be held whole, 2 GB)."""
    lines = [f"baris {i}: email orang{i}@contoh.co.id\n" for i in range(50)]
    log: list[str] = []
    sink = _Sink(log)
    redact_stream(
        _Recorder("".join(lines).encode(), log), sink, where="<test>", encoding="utf-8", mode="label", key=None
    )
    assert sink.getvalue() == "".join(f"baris {i}: email [user.contact.email]\n" for i in range(50))
    reads = [entry for entry in log if entry.startswith("read")]
    assert len(reads) == 51 and all(int(r.split()[1]) <= MAX_LINE for r in reads)
    assert log[:4] == [f"read {len(lines[0])}", "write", f"read {len(lines[1])}", "write"]


def test_redact_refuses_a_line_longer_than_the_bound() -> None:
    from jaga.errors import JagaError

    with pytest.raises(JagaError, match="line longer than") as caught:
        redact_stream(
            io.BytesIO(b"ok\n" + b"x" * (MAX_LINE + 5)),
            io.StringIO(),
            where="f",
            encoding="utf-8",
            mode="label",
            key=None,
        )
    assert caught.value.where == "f:2"


def test_non_ascii_text_is_kept_exactly() -> None:
    out = io.StringIO()
    redact_stream(
        io.BytesIO("Kopi Café enak\nSelesai\n".encode()), out, where="f", encoding="utf-8", mode="label", key=None
    )
    assert out.getvalue() == "Kopi Café enak\nSelesai\n"
