"""Hostile YAML files: every command that reads a policy or data map refuses them with one clear error.

A "billion laughs" of a few hundred bytes expands to gigabytes when its aliases are copied out; a deep
nesting overflows PyYAML's recursive composer; a huge document fills memory. Each must end as exit code 2
with the file named, quickly, and never as a traceback.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli import app
from jaga.discover._fides import declared_categories
from jaga.errors import JagaError
from jaga.incidents._datamap import read_map
from jaga.policy import load_yaml
from jaga.policy.yamlsource import MAX_DOCUMENT_CHARS

ROOT = Path(__file__).resolve().parents[2]

# nine levels of nine aliases: 9**9 (387 million) leaves once expanded, 300-odd bytes on disk
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
DEEP = "a: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_MAPS = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"
RECURSIVE = "a: &a [*a]\n"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _bounded_memory() -> Iterator[None]:
    """Keep a regression from taking the machine down: 2 GB of address space is plenty for these files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = 2 * 1024**3
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        yield
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    else:
        yield


@pytest.mark.parametrize(
    ("text", "what"),
    [(LAUGHS, "aliases"), (DEEP, "nested deeper"), (DEEP_MAPS, "nested deeper"), (RECURSIVE, "nested deeper")],
    ids=["billion-laughs", "deep-sequences", "deep-mappings", "recursive-alias"],
)
@pytest.mark.parametrize("command", ["check", "datamap"])
def test_hostile_yaml_is_refused_with_exit_2(tmp_path: Path, text: str, what: str, command: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["check", str(path)] if command == "check" else ["datamap", "check", str(path), "--offline"]
    started = time.monotonic()
    code, output = _run(*args)
    assert time.monotonic() - started < 10
    assert code == 2, output
    assert "hostile.yaml" in output and what in output and "Traceback" not in output


def test_a_huge_document_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("x: '" + "a" * (MAX_DOCUMENT_CHARS + 10) + "'\n", encoding="utf-8")
    code, output = _run("check", str(path))
    assert code == 2 and "huge.yaml" in output and "larger than" in output


@pytest.mark.parametrize("reader", [read_map, declared_categories], ids=["incident-map", "discover-existing"])
def test_other_readers_of_data_maps_use_the_bounded_loader(tmp_path: Path, reader: object) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(JagaError, match="aliases"):
        reader(path)  # type: ignore[operator]


def test_a_few_plain_aliases_are_still_read() -> None:
    data = load_yaml("base: &b {x: 1}\none: *b\ntwo: *b\n", "ok.yaml")
    assert data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}


def test_the_example_policy_and_map_still_check() -> None:
    code, output = _run("datamap", "check", str(ROOT / "examples/sample/datamap.yaml"), "--offline")
    assert code == 0, output
