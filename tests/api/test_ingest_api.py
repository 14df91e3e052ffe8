"""``POST /v1/policies/ingest``: needs a key with policies:write, answers the draft and gaps, refuses bad files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jaga.api import create_app
from jaga.ingest import MAX_BYTES
from jaga.policy import Policy, parse_policy
from tests.api.test_api import key_for
from tests.ingest._make import docx_with

POLICY = (Path(__file__).parents[1] / "ingest" / "fixtures" / "numbered-en.md").read_bytes()
URL = "/v1/policies/ingest"


@pytest.fixture
def client(sqlite_engine: Engine, policy: Policy) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_engine, policy), raise_server_exceptions=False) as c:
        yield c


def test_dpo_gets_the_draft_and_gaps(client: TestClient, sqlite_engine: Engine) -> None:
    _, headers = key_for(sqlite_engine, "dpo")
    answer = client.post(URL, headers=headers, files={"file": ("policy.md", POLICY, "text/markdown")})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["tenant"] and body["errors"] >= 1
    assert parse_policy(body["draft"]).controller.legal_name == "PT Contoh Sehat Digital"
    assert {"JGI01", "JG003"} <= {f["rule"] for f in body["findings"]}
    word = docx_with(POLICY.decode().splitlines())
    assert client.post(URL, headers=headers, files={"file": ("policy.docx", word)}).status_code == 200


def test_auth_scope_and_bad_files(client: TestClient, sqlite_engine: Engine) -> None:
    files = {"file": ("policy.md", POLICY, "text/markdown")}
    assert client.post(URL, files=files).status_code == 401
    _, operator = key_for(sqlite_engine, "operator")
    assert client.post(URL, headers=operator, files=files).status_code == 403
    _, dpo = key_for(sqlite_engine, "dpo")
    empty = client.post(URL, headers=dpo, files={"file": ("empty.txt", b"")})
    assert empty.status_code == 422 and "empty" in empty.json()["error"]
    news = client.post(URL, headers=dpo, files={"file": ("news.txt", b"The river flooded the city on Monday.")})
    assert news.status_code == 422 and "privacy policy" in news.json()["error"]
    big = client.post(URL, headers=dpo, files={"file": ("big.txt", b"a" * (MAX_BYTES + 10))})
    assert big.status_code == 422 and "larger" in big.json()["error"]
    huge = client.post(URL, headers=dpo, files={"file": ("huge.txt", b"a" * (40 * 1024 * 1024))})
    assert huge.status_code == 413
