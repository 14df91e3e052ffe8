"""The privacy centre's guards over HTTP against the live server: CSRF, rate limits, bad input, links.

Every answer to bad input is a clear page with a 4xx status, never a 500 or a traceback.
"""

from __future__ import annotations

import re
import time
from unittest import mock

import httpx
import pytest

from jaga.web._common import WebState
from tests.web.conftest import LiveDemo


def _token(client: httpx.Client, path: str, form: str | None = None) -> str:
    """The CSRF token of the (first, or named by its action) form on ``path``."""
    html = client.get(path).text
    if form is not None:
        html = html[html.index(f'action="{form}"') :]
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def _request(client: httpx.Client, **fields: str) -> httpx.Response:
    data = {"csrf_token": _token(client, "/request"), "right": "access", "kind": "email", "language": "en"}
    data.update(fields)
    return client.post("/request", data=data)


def _clear(response: httpx.Response, status: int, *phrases: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert "text/html" in response.headers["content-type"]
    assert "Traceback" not in response.text
    for phrase in phrases:
        assert phrase in response.text


def test_pages_answer_in_both_languages(client: httpx.Client) -> None:
    for path in ("/", "/notice", "/request", "/status", "/consent"):
        english = client.get(path, params={"lang": "en"})
        indonesian = client.get(path, params={"lang": "id"})
        assert english.status_code == indonesian.status_code == 200, path
        assert '<html lang="en">' in english.text and '<html lang="id">' in indonesian.text
    # the choice is remembered in a cookie
    assert '<html lang="id">' in client.get("/").text


def test_security_headers(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_csrf_refuses_a_forged_post(client: httpx.Client, live: LiveDemo) -> None:
    email = live.customer_emails()[5]
    fields = {"right": "access", "kind": "email", "identity": email}
    # no token at all
    _clear(client.post("/request", data=fields), 403, "did not come from this site")
    # a token for another form
    other = _token(client, "/consent", "/consent/link")
    _clear(client.post("/request", data={**fields, "csrf_token": other}), 403)
    # a valid token but another browser's cookie (the attacker's own token replayed from a victim)
    with httpx.Client(base_url=live.base_url, headers=dict(client.headers)) as attacker:
        stolen = _token(attacker, "/request")
    _clear(client.post("/request", data={**fields, "csrf_token": stolen}), 403)
    # a tampered token
    good = _token(client, "/request")
    _clear(client.post("/request", data={**fields, "csrf_token": good[:-2] + "xx"}), 403)
    # and the real form works
    assert client.post("/request", data={**fields, "csrf_token": good}).status_code == 303


def test_rate_limit_refuses_a_flooding_client(client: httpx.Client, live: LiveDemo) -> None:
    state: WebState = live.app.state.web
    limit, _ = state.limiter.limit_for("verify")
    token = _token(client, "/consent", "/consent/link")
    statuses = [
        client.post("/consent/link", data={"csrf_token": token, "identity": "nobody"}).status_code
        for _ in range(limit + 3)
    ]
    assert statuses[:limit] == [400] * limit  # refused for the bad address, but counted
    assert statuses[limit:] == [429, 429, 429]
    flooded = client.post("/consent/link", data={"csrf_token": token, "identity": "x"})
    _clear(flooded, 429, "Too many attempts")
    # another client is not affected
    with httpx.Client(base_url=live.base_url, headers={"X-Forwarded-For": "10.9.9.9"}) as other:
        assert other.get("/consent").status_code == 200
        token = _token(other, "/consent", "/consent/link")
        assert other.post("/consent/link", data={"csrf_token": token, "identity": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("fields", "status", "phrase"),
    [
        ({"right": "telepathy"}, 400, "choose one of the listed rights"),
        ({"right": "complaint"}, 400, "choose one of the listed rights"),
        ({"identity": ""}, 400, "Please fill in"),
        ({"identity": "not-an-email"}, 400, "does not look like a valid"),
        ({"identity": "x,attacker@evil.io"}, 400, "does not look like a valid"),
        ({"identity": "victim<attacker@evil.io>"}, 400, "does not look like a valid"),
        ({"kind": "nik", "identity": "3171012345678901"}, 400, "choose email or phone"),
        ({"language": "fr"}, 400, "English or Bahasa Indonesia"),
        ({"regime": "ccpa"}, 400, "listed laws"),
        ({"right": "rectification", "changes": "no equals sign"}, 400, "field = new value"),
        ({"identity": "a" * 300 + "@example.com"}, 413, "longer than"),
    ],
)
def test_bad_request_input_gets_a_clear_page(
    client: httpx.Client, fields: dict[str, str], status: int, phrase: str
) -> None:
    base = {"identity": "someone@example.com"}
    _clear(_request(client, **{**base, **fields}), status, phrase)


def test_oversized_body_and_files_are_refused(client: httpx.Client) -> None:
    token = _token(client, "/request")
    _clear(client.post("/request", data={"csrf_token": token, "changes": "x" * 100_000}), 413, "too large")
    files = {"upload": ("a.txt", b"hello", "text/plain")}
    _clear(client.post("/request", data={"csrf_token": token}, files=files), 400, "cannot be uploaded")


def test_unknown_language_code(client: httpx.Client) -> None:
    _clear(client.get("/", params={"lang": "xx"}), 400, "Unknown language code", "en (English)")
    _clear(client.get("/notice", params={"lang": "<script>"}), 400)
    assert "<script>" not in client.get("/notice", params={"lang": "<script>"}).text


def test_links_expired_tampered_or_foreign(client: httpx.Client, live: LiveDemo) -> None:
    links = live.app.state.web.links
    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 30 * 86400):
        old = links.sign("export", {"r": "REQ-0000000000", "f": "x.zip"})
    _clear(client.get(f"/download/{old}"), 410, "expired")
    fresh = links.sign("export", {"r": "REQ-0000000000", "f": "x.zip"})
    _clear(client.get(f"/download/{fresh[:-3]}abc"), 400, "not valid")
    # a token signed for another purpose does not open a download
    _clear(client.get(f"/download/{links.sign('consent-open', {'r': 'x', 'f': 'y'})}"), 400)
    _clear(client.get(f"/download/{fresh}"), 404)  # well signed, but no such request
    _clear(client.get("/consent/open/garbage"), 400)
    token = _token(client, "/unsubscribe/garbage")
    _clear(client.post("/unsubscribe/garbage", data={"csrf_token": token}), 400, "not valid")


def test_unknown_pages_and_requests(client: httpx.Client) -> None:
    _clear(client.get("/no-such-page"), 404, "does not exist")
    _clear(client.get("/status/REQ-0000000000"), 404)
    _clear(client.get("/verify/..%2F..%2Fetc"), 404)
    _clear(client.get("/status", params={"request_id": "<b>x</b>"}), 404)
    _clear(client.put("/request"), 405)


def test_verify_wrong_codes_then_locked(client: httpx.Client, live: LiveDemo) -> None:
    response = _request(client, identity=live.customer_emails()[6])
    request_id = response.headers["location"].rsplit("/", 1)[-1]
    code = live.latest_code(request_id)
    wrong = "111111" if code != "111111" else "222222"
    answers = []
    for _ in range(5):
        token = _token(client, f"/verify/{request_id}", f"/verify/{request_id}")
        answers.append(client.post(f"/verify/{request_id}", data={"csrf_token": token, "code": wrong}))
    assert [a.status_code for a in answers] == [400] * 5
    assert "attempt(s) left" in answers[0].text
    token = _token(client, f"/verify/{request_id}", f"/verify/{request_id}")
    locked = client.post(f"/verify/{request_id}", data={"csrf_token": token, "code": code})
    _clear(locked, 400, "Too many wrong codes")
    token = _token(client, f"/verify/{request_id}", f"/verify/{request_id}")
    _clear(client.post(f"/verify/{request_id}", data={"csrf_token": token, "code": "abc"}), 400)
    # nothing of the request is visible without verification
    assert client.get(f"/status/{request_id}", follow_redirects=False).headers["location"] == f"/verify/{request_id}"


def test_consent_changes_need_a_verified_visitor(client: httpx.Client) -> None:
    token = _token(client, "/consent", "/consent/link")
    forged = client.post("/consent", data={"csrf_token": token, "purpose": "newsletter_and_promotions", "action": "x"})
    assert forged.status_code == 403  # token for another form
    response = client.post("/consent/link", data={"csrf_token": token, "identity": "someone@example.com"})
    assert response.status_code == 303


def test_api_is_mounted(client: httpx.Client) -> None:
    assert client.get("/api/healthz").json() == {"status": "ok"}
