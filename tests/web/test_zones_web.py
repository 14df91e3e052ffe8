"""Pages show each time in the zone it is labelled with: a Berlin controller's request says CET/CEST.

In-process (no server, no browser): the privacy centre of a Berlin company takes a GDPR request; the
request keeps Europe/Berlin and its status page shows received and due times in Berlin time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from jaga import staff
from jaga.policy import parse_policy
from jaga.store import make_engine, migrate, session_scope
from jaga.store.models.requests import SubjectRequest
from jaga.web import create_web_app

CLEAN = Path(__file__).resolve().parents[1] / "fixtures_clean_policy.yaml"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.fixture
def berlin(jaga_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("JAGA_SECRET_KEY", "s" * 40)
    text = CLEAN.read_text(encoding="utf-8").replace("timezone: Asia/Jakarta", "timezone: Europe/Berlin")
    policy = parse_policy(text.replace("jurisdiction: ID", "jurisdiction: DE"))
    engine = make_engine()
    migrate(engine)
    app = create_web_app(engine, policy, tenant="berlin", mount_api=False, data_dir=jaga_env)
    with TestClient(app, base_url="http://localhost") as client:
        yield client
    engine.dispose()


def test_centre_request_keeps_and_shows_the_berlin_zone(berlin: TestClient, jaga_env: Path) -> None:
    form = berlin.get("/request", params={"lang": "en"}).text
    sent = berlin.post(
        "/request",
        data={"csrf_token": _csrf(form), "right": "erasure", "kind": "email", "identity": "ana@example.de",
              "language": "en", "regime": "gdpr"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303, sent.text[:300]
    request_id = sent.headers["location"].rsplit("/", 1)[-1]
    with session_scope() as session:
        row = session.get(SubjectRequest, request_id)
        assert row is not None and row.timezone == "Europe/Berlin"
    code_mail = sorted((jaga_env / "outbox").glob(f"*-{request_id}-code-*.eml"))[-1].read_text()
    code = re.search(r"\b(\d{6})\b", code_mail)
    assert code
    verify = berlin.get(f"/verify/{request_id}").text
    done = berlin.post(f"/verify/{request_id}", data={"csrf_token": _csrf(verify), "code": code.group(1)})
    assert done.status_code == 200, done.text[:300]
    due = re.search(r'id="request-due">([^<]+)<', done.text)
    assert due and re.fullmatch(r"\d{4}-\d\d-\d\d 23:59 CES?T", due.group(1)), due
    assert "WIB" not in done.text

    # the console shows the same request, and the audit chain, in Berlin time too
    staff.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with session_scope() as session:
        tenant = berlin.app.state.web.tenant_id  # type: ignore[attr-defined]
        staff.create_user(session, tenant, "dpo@example.de", "dpo", "a long password for tests", actor="test")
    login = berlin.get("/console/login").text
    signed = berlin.post(
        "/console/login",
        data={"csrf_token": _csrf(login), "email": "dpo@example.de", "password": "a long password for tests"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    for path in ("/console/requests", f"/console/requests/{request_id}", "/console/audit"):
        page = berlin.get(path).text
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T", page) and "WIB" not in page, path
    assert due.group(1) in berlin.get(f"/console/requests/{request_id}").text
