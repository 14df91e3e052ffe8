"""Indonesian means Indonesian: every privacy-centre page, console page and message rendered in ``id``
holds no text from the English catalogue.

The English side of every catalogue (the shared web catalogue with the console's words, the request
summaries, the message templates) is cut into phrases; a page in Bahasa Indonesia that shows one of
them, or a raw status/right value, fails. Text that comes from the company's own policy (quotes, names)
is not jaga's to translate and is not in the catalogue.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

import jaga.web.console._strings  # noqa: F401  (registers the console's words in the catalogue)
from jaga import staff
from jaga.notices import _labels as L
from jaga.notices._sections import SECTIONS
from jaga.regimes import REGIMES
from jaga.requests.summaries import TEXTS
from jaga.store import make_engine, session_scope
from jaga.web import create_web_app
from jaga.web._common import CATALOGUE
from tests.web.conftest import LiveDemo, message_body

MESSAGES = Path(__file__).resolve().parents[2] / "jaga" / "requests" / "messages"
FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
#: Raw values a page must show through the catalogue, never as they are.
RAW = ("in_progress", "identity_verified", "waiting_on_person", "withdraw_consent", "row(s)", "table(s)")


def _phrases(texts: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for part in re.split(r"\{[^}]*\}|\n", text):
            part = part.strip(" .,:;!?—–-()“”\"'*")
            if len(part) >= 12 and " " in part:
                found.add(part)
    return found


def _notice_labels() -> list[tuple[str, str]]:
    tables = (L.BASIS, L.RIGHT, L.ROLE, L.SAFEGUARD, L.TRIGGER, L.ACTION, L.WORDS)
    pairs = [pair for table in tables for pair in table.values()]
    pairs += [(en, id_) for en, id_, _ in SECTIONS.values()]
    return pairs + [(r.breach.authority, r.breach.authority_in("id")) for r in REGIMES.values()]


def english() -> set[str]:
    web = [e["en"] for e in CATALOGUE.values() if e["en"] != e["id"]]
    web += [en for en, id_ in _notice_labels() if en != id_]
    summaries = [v["en"] for v in TEXTS.values() if v["en"] != v["id"]]
    mails = [p.read_text(encoding="utf-8") for p in sorted(MESSAGES.glob("*.en.j2"))]
    indonesian = _phrases([e["id"] for e in CATALOGUE.values()] + [id_ for _, id_ in _notice_labels()])
    return _phrases(web + summaries + mails) - indonesian


def visible(page: str) -> str:
    """The words a reader sees in the page's language: ``<code>`` holds identifiers (audit kinds, hashes),
    and a block marked ``lang="en"`` (the engine's SQL plan for staff) says it is English."""
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<(pre)\b[^>]*\blang=\"en\"[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_indonesian(where: str, text: str, company_text: str = "") -> None:
    """No catalogue English in ``text``, except where the company's own policy says it (its data)."""
    leaks = sorted(p for p in english() if p in text and p not in company_text) + [r for r in RAW if r in text]
    assert not leaks, f"English on the Indonesian {where}: {leaks}"


def _csrf(page: str, action: str | None = None) -> str:
    if action is not None:
        page = page[page.index(f'action="{action}"') :]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.fixture
def centre(live: LiveDemo) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, headers={"X-Forwarded-For": "10.9.0.1"}, timeout=60) as http:
        http.get("/", params={"lang": "id"})
        yield http


def _access(centre: httpx.Client, live: LiveDemo, me: str, language: str) -> str:
    """An access request in ``language`` through the centre (pages in Indonesian), confirmed by its code."""
    form = centre.get("/request", params={"right": "access"}).text
    sent = centre.post(
        "/request",
        data={"csrf_token": _csrf(form, "/request"), "right": "access", "kind": "email", "identity": me,
              "language": language},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303
    request_id = sent.headers["location"].rsplit("/", 1)[-1]
    verify = centre.get(f"/verify/{request_id}").text
    assert_indonesian("code page", visible(verify))
    data = {"csrf_token": _csrf(verify, f"/verify/{request_id}"), "code": live.latest_code(request_id)}
    assert centre.post(f"/verify/{request_id}", data=data).status_code == 303
    return request_id


def test_the_detector_finds_english() -> None:
    with pytest.raises(AssertionError, match="English"):
        assert_indonesian("page", "Permintaan Anda: access: 14 row(s) in 7 table(s)")
    with pytest.raises(AssertionError, match="English"):
        assert_indonesian("page", CATALOGUE["console.action.approve.help"]["en"])


def test_centre_pages_and_messages_in_indonesian(centre: httpx.Client, live: LiveDemo) -> None:
    company = live.demo.policy.read_text(encoding="utf-8")
    for path in ("/", "/notice", "/request", "/status", "/consent"):
        page = centre.get(path)
        assert page.status_code == 200 and '<html lang="id">' in page.text
        assert_indonesian(f"page {path}", visible(page.text), company)
    # a request made in English, then its status page read in Indonesian: the answer follows the page
    english_id = _access(centre, live, live.customer_emails()[8], "en")
    status = centre.get(f"/status/{english_id}").text
    assert 'data-status="completed"' in status and "baris dalam" in visible(status)
    assert_indonesian("status page of an English request", visible(status), company)
    request_id = _access(centre, live, live.customer_emails()[7], "id")
    status = centre.get(f"/status/{request_id}").text
    assert 'data-status="completed"' in status
    assert_indonesian("status page", visible(status), company)
    assert "baris dalam" in visible(status)  # the answer itself, in Indonesian
    # the demo's policy states Asia/Jakarta: times are shown, and labelled, in WIB
    assert re.search(r'id="request-due">\d{4}-\d\d-\d\d \d\d:\d\d WIB<', status)
    for template in ("received", "code", "completed"):
        for message in live.messages(request_id, template):
            assert message["Content-Language"] == "id"
            assert_indonesian(f"{template} message", f"{message['Subject']}\n{message_body(message)}")


def test_console_pages_in_indonesian(live: LiveDemo) -> None:
    engine = make_engine()
    app = create_web_app(engine, tenant=live.demo.tenant, company=live.demo.company(), data_dir=live.data_dir)
    staff.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    email, password = f"admin-id-{time.monotonic_ns()}@benemica.example", "kata sandi panjang untuk uji"
    with session_scope() as session:
        staff.create_user(session, app.state.web.tenant_id, email, "admin", password, actor="test")
    try:
        with TestClient(app, base_url="http://127.0.0.1", headers={"X-Forwarded-For": "10.9.0.2"}) as http:
            login = http.get("/console/login", params={"lang": "id"}).text
            assert_indonesian("console sign-in", visible(login))
            signed = http.post(
                "/console/login",
                data={"csrf_token": _csrf(login, "/console/login"), "email": email, "password": password},
                follow_redirects=False,
            )
            assert signed.status_code == 303
            queue = http.get("/console/requests", params={"status": "all"}).text
            assert_indonesian("console queue", visible(queue))
            assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d WIB</td>", queue)  # the Jakarta controller's zone
            ids = re.findall(r'data-request="(REQ-[0-9A-F]+)"', queue)
            assert ids
            for request_id in ids:  # English requests too: their answer is told in the page's language
                assert_indonesian(
                    f"console request {request_id}", visible(http.get(f"/console/requests/{request_id}").text)
                )
            for path in ("/console/subjects", "/console/audit", "/console/users", "/console/policy"):
                page = http.get(path)
                assert page.status_code == 200
                assert_indonesian(f"console {path}", visible(page.text))
            policy = FIXTURES / "indonesian-only.txt"
            drafted = http.post(
                "/console/policy",
                data={"csrf_token": _csrf(page.text, "/console/policy")},
                files={"document": (policy.name, policy.read_bytes(), "text/plain")},
            )
            assert drafted.status_code == 200 and "Laporan kekurangan" in drafted.text
            assert_indonesian("console policy draft", visible(drafted.text), policy.read_text(encoding="utf-8"))
    finally:
        engine.dispose()
