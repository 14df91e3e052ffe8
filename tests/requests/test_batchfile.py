"""A batch of requests from a CSV or JSON Lines file: the reader (every problem named by file and line),
the CLI running it as one batch, and the refusal of identity types no table is searched by."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from examples.sample import DATAMAP, create_schema, generate
from jaga.cli import app
from jaga.errors import JagaError
from jaga.requests import RequestSpec, run_requests
from jaga.requests.batchfile import read_batch
from jaga.store import make_engine
from tests.requests.conftest import POLICY, snapshot

runner = CliRunner()


def test_csv_rows_become_requests(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,phone,phone\nani@contoh.co.id,,\n,0812-1111-2222,+62 813 3333 4444\n\n", encoding="utf-8")
    specs = read_batch(path, "erasure")
    assert [s.identities for s in specs] == [
        {"email": ["ani@contoh.co.id"]},
        {"phone": ["0812-1111-2222", "+62 813 3333 4444"]},
    ]
    assert {s.kind for s in specs} == {"erasure"}


def test_json_lines_take_a_value_or_a_list(tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text(
        '{"email": "ani@contoh.co.id"}\n\n{"email": ["b@x.id", " "], "nik": "3174012345678901"}\n', encoding="utf-8"
    )
    assert [s.identities for s in read_batch(path, "access")] == [
        {"email": ["ani@contoh.co.id"]},
        {"email": ["b@x.id"], "nik": ["3174012345678901"]},
    ]


@pytest.mark.parametrize(
    ("name", "content", "where", "message"),
    [
        ("a.csv", 'email\n"ani@contoh.co.id\nbudi@contoh.co.id\n', "a.csv:2", "not a valid CSV line"),
        ("a.csv", "email\nani@contoh.co.id\nbudi@contoh.co.id, x\n", "a.csv:3", "2 values but 1 columns"),
        ("a.csv", "email\nani@contoh.co.id\nnot-an-address\n", "a.csv:3", "malformed email address"),
        ("a.csv", "phone\n0812\n", "a.csv:2", "malformed phone number"),
        ("a.csv", "email,phone\n,\n", "a.csv:2", "no identity on this row"),
        ("a.csv", "member_no\n" + "x" * 400 + "\n", "a.csv:2", "member_no: malformed member no"),
        ("a.jsonl", '{"email": "a@b.id\\nc@d.id"}\n', "a.jsonl:1", "malformed email address"),
        ("a.jsonl", "[" * 100_000 + "\n", "a.jsonl:1", "nested too deeply"),
        ("a.jsonl", '{"email": "a@b.id"}\n{"email": \n', "a.jsonl:2:", "not JSON"),
        ("a.jsonl", '["a@b.id"]\n', "a.jsonl:1", "must be a JSON object"),
        ("a.jsonl", '{"email": 5}\n', "a.jsonl:1", "'email' must be a string or a list of strings"),
        ("a.jsonl", '{"email": ""}\n', "a.jsonl:1", "no identity on this row"),
        ("a.csv", "email\na@b.id,0812\n", "a.csv:2", "2 values but 1 columns"),
        ("a.csv", "email,\na@b.id,\n", "a.csv:1", "first row must name the identity type"),
        ("a.csv", "email\n", "a.csv", "holds no requests"),
        ("a.csv", 'email\nok@b.id\n"x,attacker@evil.io"\n', "a.csv:3", "email: malformed email address"),
        ("a.jsonl", '{"email": "victim<attacker@evil.io>"}\n', "a.jsonl:1", "exactly one mailbox"),
        ("a.csv", "phone\n0812\n", "a.csv:2", "phone: malformed phone number"),
        ("a.jsonl", '{"nik": "3174"}\n', "a.jsonl:1", "malformed NIK"),
    ],
)
def test_a_bad_file_is_named_with_its_line(tmp_path: Path, name: str, content: str, where: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(JagaError) as caught:
        read_batch(path, "erasure")
    assert message in caught.value.message and where in str(caught.value.where)
    assert "ani@" not in str(caught.value) and "budi@" not in str(caught.value)  # never the value itself


def test_a_binary_or_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "export.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(JagaError, match="not a UTF-8 text file"):
        read_batch(binary, "erasure")
    with pytest.raises(JagaError, match="file not found"):
        read_batch(tmp_path / "nope.csv", "erasure")


_VALUE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Zl", "Zp", "Cs"]), max_size=40)
_PERSON = st.dictionaries(  # free-text identity types: any value is well-formed, the file format is under test
    st.sampled_from(["customer_no", "employee_no", "member_id"]),
    st.lists(_VALUE.filter(lambda v: bool(v.strip())).map(str.strip), min_size=1, max_size=3),
    min_size=1,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(_PERSON, min_size=1, max_size=6))
def test_what_is_written_is_read_back(tmp_path: Path, people: list[dict[str, list[str]]]) -> None:
    """Any identities written by ``json.dumps`` or ``csv.writer`` come back as they were."""
    lines = tmp_path / "p.jsonl"
    lines.write_text("\n".join(json.dumps(p) for p in people) + "\n", encoding="utf-8")
    assert [dict(s.identities) for s in read_batch(lines, "erasure")] == people

    kinds = sorted({k for p in people for k in p})
    width = {k: max(len(p.get(k, [])) for p in people) for k in kinds}
    header = [k for k in kinds for _ in range(width[k])]
    table = tmp_path / "p.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for p in people:
            writer.writerow([v for k in kinds for v in [*p.get(k, []), *[""] * (width[k] - len(p.get(k, [])))]])
    assert [dict(s.identities) for s in read_batch(table, "erasure")] == [
        {k: p[k] for k in kinds if k in p} for p in people
    ]


def test_an_identity_type_no_table_is_searched_by_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=5, employees=2, seed=1)
    engine.dispose()
    with pytest.raises(JagaError) as caught:
        run_requests(
            [RequestSpec("erasure", {"email": "a@b.id"}), RequestSpec("erasure", {"e-mail": "c@d.id"})],
            datamap=DATAMAP,
            policy=POLICY,
            connections={"sample_hr": url, "sample_crm": url},
        )
    assert "no table of the data map is searched by e-mail" in str(caught.value)
    assert caught.value.where == "request 2" and "email" in str(caught.value.hint)


def test_cli_runs_a_file_as_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=12, employees=3, seed=7)
    with engine.connect() as conn:
        emails = [r[0] for r in conn.execute(text("SELECT email FROM customers WHERE id IN (3, 4, 5) ORDER BY id"))]
    engine.dispose()
    monkeypatch.setenv("JAGA_DB_SAMPLE_CRM_URL", url)
    monkeypatch.setenv("JAGA_DB_SAMPLE_HR_URL", url)
    people = tmp_path / "erase.csv"
    people.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
    before = snapshot(url)
    base = ["requests", "run", "--type", "erasure", "-m", str(DATAMAP), "-p", str(POLICY)]
    result = runner.invoke(app, [*base, "--from", str(people)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.count(": done,") == 3 and "3 done" in result.output
    after = snapshot(url)
    assert [r for r in after["customers"] if r[0] not in (3, 4, 5)] == [
        r for r in before["customers"] if r[0] not in (3, 4, 5)
    ]
    assert not {r[3] for r in after["customers"]} & set(emails)  # column 3: email

    both = runner.invoke(app, [*base, "--from", str(people), "-i", "email=a@b.id"], env={"COLUMNS": "200"})
    assert both.exit_code != 0 and "either --identity" in both.output


def _company(tmp_path: Path, customers: int) -> str:
    """A sample company database with ``customers`` people (none: only the tables); its URL."""
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    if customers:
        generate(engine, customers=customers, employees=2, seed=5)
    engine.dispose()
    return url


def test_a_request_that_matches_nobody_is_not_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An erasure of an address no table holds changes nothing: it is reported as matching no row and
    the command exits 1, instead of "done" with exit 0 while the person is never erased."""
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    url = _company(tmp_path, customers=6)
    engine = make_engine(url)
    with engine.connect() as conn:
        email = conn.execute(text("SELECT email FROM customers WHERE id = 2")).scalar_one()
    engine.dispose()
    monkeypatch.setenv("JAGA_DB_SAMPLE_CRM_URL", url)
    monkeypatch.setenv("JAGA_DB_SAMPLE_HR_URL", url)
    people = tmp_path / "erase.csv"
    people.write_text(f"email\n{email}\nnobody.here@contoh.co.id\n", encoding="utf-8")
    base = ["requests", "run", "--type", "erasure", "-m", str(DATAMAP), "-p", str(POLICY)]
    result = runner.invoke(app, [*base, "--from", str(people)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "1 done, 1 no_match" in result.output and "1 request(s) matched no row" in result.output


def test_every_identity_type_must_be_one_the_map_searches(tmp_path: Path) -> None:
    """A request giving a known and an unknown type is refused: the unknown one would silently be dropped."""
    url = _company(tmp_path, customers=0)
    with pytest.raises(JagaError, match="searched by e-mail"):
        run_requests(
            [RequestSpec("erasure", {"email": "a@b.id", "e-mail": "c@d.id"})],
            datamap=DATAMAP,
            policy=POLICY,
            connections={"sample_hr": url, "sample_crm": url},
        )


def test_a_database_refusal_is_a_clear_error_and_resume_finishes_after_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company database refuses a step (here a trigger; in life a permission, a lock, a full disk):
    the CLI says which step, that the batch can be finished, and how, without a traceback or the refused
    values; once the cause is gone, ``jaga requests resume`` completes the batch with verification."""
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=8, employees=2, seed=3)
    with engine.begin() as conn:
        email = conn.execute(text("SELECT email FROM customers WHERE id = 4")).scalar_one()
        conn.execute(text("CREATE TRIGGER frozen BEFORE UPDATE ON customers BEGIN SELECT RAISE(ABORT, 'frozen'); END"))
    monkeypatch.setenv("JAGA_DB_SAMPLE_CRM_URL", url)
    monkeypatch.setenv("JAGA_DB_SAMPLE_HR_URL", url)
    run = ["requests", "run", "--type", "erasure", "-i", f"email={email}", "-m", str(DATAMAP), "-p", str(POLICY)]
    failed = runner.invoke(app, run, env={"COLUMNS": "200"})
    assert failed.exit_code == 2 and failed.exception is not None and isinstance(failed.exception, SystemExit)
    assert "step erase:sample_crm.customers" in failed.output and "failed in the database" in failed.output
    assert "jaga requests resume" in failed.output and "Traceback" not in failed.output
    assert email not in failed.output and "frozen" not in failed.output  # the database's own words stay out
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER frozen"))
        assert conn.execute(text("SELECT COUNT(*) FROM customers WHERE email = :e"), {"e": email}).scalar() == 1
    resumed = runner.invoke(app, ["requests", "resume"], env={"COLUMNS": "200"})
    assert resumed.exit_code == 0, resumed.output
    assert "1 unfinished batch(es) completed" in resumed.output and '"verified": true' in resumed.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM customers WHERE email = :e"), {"e": email}).scalar() == 0
    engine.dispose()


def test_cli_refuses_an_identity_naming_two_mailboxes_with_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    base = ["requests", "run", "--type", "erasure", "-m", str(DATAMAP), "-p", str(POLICY)]
    for hostile in ("x,attacker@evil.io", "victim<attacker@evil.io>"):
        result = runner.invoke(app, [*base, "--identity", f"email={hostile}"], env={"COLUMNS": "200"})
        assert result.exit_code == 2, result.output
        assert "malformed email address" in result.output and "attacker" not in result.output
        assert "Traceback" not in result.output
