"""The loader must point at the exact line of every mistake and never raise anything but PolicyError."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaga.errors import PolicyError
from jaga.policy import Duration, PolicyInvalid, dump_policy, load_policy, parse_policy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/policy.yaml"))


def _problem(text: str) -> PolicyInvalid:
    with pytest.raises(PolicyInvalid) as info:
        parse_policy(text, "p.yaml")
    return info.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_clean_policy_loads(clean_policy_text: str) -> None:
    policy = parse_policy(clean_policy_text)
    assert policy.purpose("payroll") is not None
    assert policy.retention_rule("payroll_records").legal_hold.duration == Duration(10, "years")  # type: ignore[union-attr]


def test_yaml_syntax_error_names_line(clean_policy_text: str) -> None:
    broken = clean_policy_text.replace("legal_name: PT Contoh", "legal_name: [PT Contoh")
    err = _problem(broken)
    assert err.problems[0].where.startswith("p.yaml:")
    assert "YAML syntax error" in err.problems[0].message


def test_unknown_key_points_at_the_key(clean_policy_text: str) -> None:
    text = clean_policy_text.replace("    basis: contract\n", "    basis: contract\n    basiss: contract\n", 1)
    err = _problem(text)
    line = _line_of(text, "basiss:")
    assert err.problems[0].where == f"p.yaml:{line}:5"
    assert "unknown key 'basiss'" in err.problems[0].message


def test_unknown_category_points_at_the_item_and_suggests(clean_policy_text: str) -> None:
    text = clean_policy_text.replace(
        "categories: [user.name, user.contact.email, user.behavior",
        "categories: [user.name, user.contact.emial, user.behavior",
        1,
    )
    err = _problem(text)
    line = _line_of(text, "user.contact.emial")
    messages = {(p.where.split(":")[1], p.message) for p in err.problems}
    assert (str(line), "unknown data category 'user.contact.emial'") in messages
    assert any("did you mean 'user.contact.email'" in p.hint for p in err.problems)


def test_wrong_type_names_the_path(clean_policy_text: str) -> None:
    text = clean_policy_text.replace("direct_marketing: true", "direct_marketing: sometimes")
    err = _problem(text)
    line = _line_of(text, "direct_marketing: sometimes")
    assert err.problems[0].where == f"p.yaml:{line}:23"
    assert "direct_marketing" in err.problems[0].message


def test_bad_duration_is_explained(clean_policy_text: str) -> None:
    err = _problem(clean_policy_text.replace("duration: 2 years", "duration: forever"))
    assert "'forever' is not a duration" in str(err)


def test_missing_key_and_duplicate_key(clean_policy_text: str) -> None:
    assert "missing required key 'version'" in str(_problem(clean_policy_text.replace('version: "2026-01-01"\n', "")))
    dup = clean_policy_text.replace("jaga: 1\n", "jaga: 1\njaga: 1\n")
    assert "appears twice" in str(_problem(dup))


def test_cross_references_are_checked(clean_policy_text: str) -> None:
    err = _problem(clean_policy_text.replace("retention: payroll_records", "retention: payrol_records"))
    assert "retention rule 'payrol_records' does not exist" in str(err)
    err = _problem(clean_policy_text.replace("recipients: [cloud]", "recipients: [clowd]"))
    assert "recipient 'clowd' is not declared" in str(err)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"- just\n- a list\n", "must be a mapping"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(content)
    with pytest.raises(PolicyError, match=expected):
        load_policy(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_dump_then_parse_is_identity(clean_policy_text: str) -> None:
    policy = parse_policy(clean_policy_text)
    assert parse_policy(dump_policy(policy)) == policy


def test_three_examples_exist_and_load() -> None:
    assert len(EXAMPLES) >= 3
    for path in EXAMPLES:
        policy = load_policy(path)
        assert parse_policy(dump_policy(policy)) == policy
