"""The console's policy drafting page: the DPO uploads the published privacy policy and reads the draft
beside the gap report; only roles allowed to draft may upload; the upload path keeps every form guard
(CSRF, size cap, one file) and a bad document gives one clear message. HTTP first, then real Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from jaga.ingest import MAX_BYTES
from tests.web.conftest import shot
from tests.web.test_console import PASSWORDS, Console, _browser_login, _http, _login, _token, console

__all__ = ["console"]  # the module-scoped live console fixture, shared with test_console

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
POLICY = FIXTURES / "numbered-en.md"
NOT_A_POLICY = FIXTURES / "not-a-policy-contract.txt"


@contextmanager
def _signed_in(console: Console, role: str) -> Iterator[httpx.Client]:
    with _http(console) as http:
        assert _login(http, console.emails[role], PASSWORDS[role]).status_code == 303
        yield http


def _upload(http: httpx.Client, path: Path, *, token: str | None = None, data: bytes | None = None) -> httpx.Response:
    if token is None:
        token = _token(http.get("/console/policy", params={"lang": "en"}).text, "/console/policy")
    body = path.read_bytes() if data is None else data
    return http.post("/console/policy", data={"csrf_token": token}, files={"document": (path.name, body)})


def test_dpo_uploads_a_policy_and_reads_draft_and_gaps(console: Console) -> None:
    with _signed_in(console, "dpo") as http:
        page = _upload(http, POLICY)
    assert page.status_code == 200
    assert "Draft policy" in page.text and "Gap report" in page.text
    assert "# source:" in page.text and "PT Contoh Sehat Digital" in page.text
    assert re.search(r"Draft ready: \d+ error\(s\) to fix among [1-9]\d* finding\(s\)", page.text)
    assert page.headers["cache-control"] == "no-store"


def test_upload_keeps_the_form_guards(console: Console) -> None:
    with _signed_in(console, "dpo") as http:
        assert _upload(http, POLICY, token="forged").status_code == 403
        larger_than_a_form = POLICY.read_bytes() + b"\n" * 200_000  # over the 64 KB form cap, under 10 MB
        assert _upload(http, POLICY, data=larger_than_a_form).status_code == 200
        too_big = _upload(http, POLICY, data=b"a" * (MAX_BYTES + 70 * 1024))
        assert too_big.status_code == 413 and "too large" in too_big.text
        just_over = _upload(http, POLICY, data=b"a" * (MAX_BYTES + 1))  # under the body cap, over the file limit
        assert just_over.status_code == 400 and "file is larger than 10 MB" in just_over.text
        token = _token(http.get("/console/policy").text, "/console/policy")
        two = http.post(
            "/console/policy",
            data={"csrf_token": token},
            files=[("document", ("a.txt", b"one")), ("document", ("b.txt", b"two"))],
        )
        assert two.status_code == 400
        no_file = http.post("/console/policy", data={"csrf_token": token}, files={"other": ("a.txt", b"x")})
        assert no_file.status_code == 400 and "Please fill in" in no_file.text
        # other forms still refuse files and large bodies
        assert http.post("/console/subjects", content=b"x" * (128 * 1024)).status_code == 413


def test_a_bad_document_gives_one_clear_message(console: Console) -> None:
    with _signed_in(console, "dpo") as http:
        page = _upload(http, NOT_A_POLICY)
    assert page.status_code == 400
    assert page.text.count("This document could not be drafted") == 1
    assert "does not read as a privacy policy" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_roles_without_draft_permission_are_refused(console: Console, role: str) -> None:
    with _signed_in(console, role) as http:
        assert http.get("/console/policy").status_code == 403
        token = _token(http.get("/console/subjects").text, "/console/subjects")
        refused = _upload(http, POLICY, token=token)
        assert refused.status_code == 403 and f"Your role ({role}) may not do this" in refused.text
        assert 'href="/console/policy"' not in http.get("/console/requests").text


def test_signed_out_upload_goes_to_sign_in(console: Console) -> None:
    with _http(console) as http:
        response = http.post("/console/policy", files={"document": ("a.txt", b"x")}, follow_redirects=False)
    assert response.status_code == 303 and "/console/login" in response.headers["location"]


@pytest.mark.browser
def test_dpo_drafts_a_policy_in_the_browser(page: Any, console: Console) -> None:
    _browser_login(page, console, "dpo")
    page.get_by_role("link", name="Draft a policy").click()
    page.get_by_label("Privacy policy document").set_input_files(str(POLICY))
    page.get_by_role("button", name="Read the document").click()
    page.get_by_role("heading", name="Gap report").wait_for()
    assert "# source:" in page.locator("pre.draft").inner_text()
    assert page.locator("table.findings tbody tr").count() > 0
    shot(page, "console-policy-draft")
    page.get_by_label("Privacy policy document").set_input_files(str(NOT_A_POLICY))
    page.get_by_role("button", name="Read the document").click()
    page.get_by_text("This document could not be drafted").wait_for()
    assert page.locator("pre.draft").count() == 0


@pytest.mark.browser
def test_operator_cannot_draft_in_the_browser(page: Any, console: Console) -> None:
    _browser_login(page, console, "operator")
    assert page.get_by_role("link", name="Draft a policy").count() == 0
    response = page.goto(f"{console.base_url}/console/policy")
    assert response is not None and response.status == 403
    assert "Your role (operator) may not do this" in page.content()
