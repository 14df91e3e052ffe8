"""The privacy centre in real Chromium: what a person does, end to end, against the live demo."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from jaga.ledger import Identity, IdentityKind, history, state_at
from jaga.store import session_scope
from tests.web.conftest import LiveDemo, message_body, shot

pytestmark = pytest.mark.browser


def _submit_access(page: Any, live: LiveDemo, address: str, *, lang: str) -> str:
    page.goto(f"{live.base_url}/request?right=access&lang={lang}")
    page.get_by_label(re.compile("Alamat email|Your email")).fill(address)
    page.locator("form[action='/request'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/verify/"))
    return str(page.url.rsplit("/", 1)[-1].split("?")[0])


def _verify(page: Any, live: LiveDemo, request_id: str) -> None:
    page.locator("#code").fill(live.latest_code(request_id))
    page.locator("form[action^='/verify/'] button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/status/{request_id}"))


def _download(page: Any, tmp_path: Path, name: str) -> dict[str, Any]:
    with page.expect_download() as info:
        page.locator("#download").click()
    target = tmp_path / name
    info.value.save_as(str(target))
    with zipfile.ZipFile(target) as archive:
        assert "manifest.json" in archive.namelist()
        data: dict[str, Any] = json.loads(archive.read("data.json"))
    return data


def _customers(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = data.get("sample_crm", {}).get("customers", [])
    return rows


def test_access_request_in_bahasa_indonesia(page: Any, live: LiveDemo, tmp_path: Path) -> None:
    me = live.customer_emails()[0]
    page.goto(f"{live.base_url}/?lang=id")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text() == "Privasi Anda, hak Anda"
    shot(page, "01-home-id")
    page.get_by_role("link", name="Pemberitahuan privasi").first.click()
    assert "Pemberitahuan Privasi" in page.content()
    shot(page, "02-notice-id")

    page.get_by_role("link", name="Ajukan permintaan").first.click()
    page.get_by_label("Mengakses data Anda").check()
    page.get_by_label("Alamat email atau nomor ponsel Anda").fill(me)
    assert page.locator("#language").input_value() == "id"
    shot(page, "03-request-form-id")
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_url(re.compile(r"/verify/"))
    request_id = page.url.rsplit("/", 1)[-1]
    assert "Pastikan itu Anda" in page.content()
    shot(page, "04-verify-id")

    code_mail = live.messages(request_id, "code")[-1]
    assert code_mail["Content-Language"] == "id"
    assert code_mail["To"] == me

    page.get_by_label("Kode").fill("000000" if live.latest_code(request_id) != "000000" else "111111")
    page.get_by_role("button", name="Konfirmasi").click()
    assert "Kode itu salah" in page.content()

    _verify(page, live, request_id)
    assert page.locator("#request-status").get_attribute("data-status") == "completed"
    assert "Selesai" in page.locator("#request-status").inner_text()
    assert page.locator("#request-due").inner_text().strip()
    shot(page, "05-status-completed-id")

    data = _download(page, tmp_path, "export.zip")
    customers = _customers(data)
    assert [c["email"] for c in customers] == [me]
    flat = json.dumps(data)
    for other in live.customer_emails()[1:]:
        assert other not in flat

    # a phone-sized screen, and a friendly error page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.base_url}/request")
    shot(page, "13-request-form-mobile")
    response = page.goto(f"{live.base_url}/?lang=xx")
    assert response is not None and response.status == 400
    assert "Kode bahasa “xx” tidak dikenal" in page.content()
    shot(page, "14-error-unknown-language")


def test_consent_withdrawal_and_unsubscribe_by_link(page: Any, live: LiveDemo) -> None:
    me = live.customer_emails()[1]
    page.goto(f"{live.base_url}/consent?lang=en")
    shot(page, "06-consent-identify")
    page.get_by_label("Your email address or phone number").fill(me)
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_url(re.compile(r"/consent\?sent=1"))
    mails = live.messages("consent", "consent-link")
    mine = [m for m in mails if m["To"] == me]
    assert mine, "no consent link in the outbox"
    link = re.search(r"https?://\S+/consent/open/\S+", message_body(mine[-1]))
    assert link
    page.goto(link.group(0))
    page.wait_for_url(re.compile(r"/consent$"))

    row = page.locator("#purpose-newsletter_and_promotions")
    assert row.locator("[data-consent]").get_attribute("data-consent") == "none"
    row.get_by_role("button", name=re.compile("Give consent")).click()
    row = page.locator("#purpose-newsletter_and_promotions")
    assert row.locator("[data-consent]").get_attribute("data-consent") == "given"
    shot(page, "07-consent-given")
    row.get_by_role("button", name=re.compile("Withdraw consent")).click()
    row = page.locator("#purpose-newsletter_and_promotions")
    assert row.locator("[data-consent]").get_attribute("data-consent") == "withdrawn"
    assert "Your consent is withdrawn." in page.content()
    shot(page, "08-consent-withdrawn")

    page.locator("a.unsubscribe[data-purpose='newsletter_and_promotions']").click()
    page.wait_for_url(re.compile(r"/unsubscribe/"))
    shot(page, "09-unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("#unsubscribed").is_visible()
    shot(page, "10-unsubscribed")

    with session_scope() as session:
        tenant_id = live.app.state.web.tenant_id
        state = state_at(session, tenant_id, Identity(IdentityKind.email, me))
        kinds = [e["kind"] for e in history(session, tenant_id, Identity(IdentityKind.email, me))]
    purpose = state.purpose("newsletter_and_promotions")
    assert not purpose.consent and purpose.withdrawn_at is not None
    assert kinds == ["consent_given", "consent_withdrawn", "unsubscribed"]


def test_another_requester_never_sees_the_first_persons_data(browser: Any, live: LiveDemo, tmp_path: Path) -> None:
    first, second = live.customer_emails()[2:4]
    contexts = [
        browser.new_context(accept_downloads=True, extra_http_headers={"X-Forwarded-For": f"10.2.0.{i}"})
        for i in (1, 2)
    ]
    try:
        page_a, page_b = (c.new_page() for c in contexts)
        request_a = _submit_access(page_a, live, first, lang="en")
        _verify(page_a, live, request_a)
        download_a = page_a.locator("#download").get_attribute("href")

        request_b = _submit_access(page_b, live, second, lang="en")
        # the first request's code does not verify the second request
        page_b.locator("#code").fill(live.latest_code(request_a))
        page_b.locator("form[action^='/verify/'] button[type=submit]").first.click()
        assert "That code is not right" in page_b.content()
        _verify(page_b, live, request_b)
        data_b = _download(page_b, tmp_path, "b.zip")
        assert [c["email"] for c in _customers(data_b)] == [second]
        assert first not in json.dumps(data_b)

        # B opens A's status page: locked, nothing of A's shown
        response = page_b.goto(f"{live.base_url}/status/{request_a}")
        assert response is not None and response.status == 403
        html = page_b.content()
        assert first not in html and (download_a or "") not in html and 'id="download"' not in html
        shot(page_b, "11-status-locked")
        page_b.goto(f"{live.base_url}/status")
        listed = page_b.locator("table a").all_inner_texts()
        assert listed == [request_b]
        shot(page_b, "12-status-list")
    finally:
        for context in contexts:
            context.close()
