"""The staff console, live: sign-in, roles, the queue, a request's page and actions, consent history,
the audit chain and staff accounts; HTTP checks first, then the DPO's erasure approval in real Chromium.

The console runs as its own server over the demo that ``live`` set up (same store, same sample
database), so these tests do not depend on how the centre's fixture mounts it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from sqlalchemy import select

from jaga import staff
from jaga.ledger import Identity
from jaga.requests import lifecycle, verification
from jaga.store import make_engine, session_scope, utcnow
from jaga.store.models.audit import AuditEntry
from jaga.web import create_web_app
from jaga.web._common import WebConfig
from tests.web.conftest import LiveDemo, _free_port, shot

PASSWORDS = {"dpo": "dpo password for tests", "viewer": "viewer password for tests", "operator": "operator pass 1234"}
_address = iter(range(1, 250))


@dataclass(frozen=True)
class Console:
    base_url: str
    tenant_id: int
    live: LiveDemo
    emails: dict[str, str]

    def submit(self, email: str, right: str = "erasure", *, verified: bool = True, **kw: Any) -> str:
        """A request made through the lifecycle API (the centre's form does the same), verified by staff."""
        with session_scope() as session:
            view = lifecycle.submit(
                session, self.tenant_id, right=right, identity=Identity.of("email", email), regime="uu_pdp", **kw
            )
            if verified:
                verification.mark_verified(session, self.tenant_id, view.id, actor="test:front-desk", note="KTP")
        return view.id

    def status(self, request_id: str) -> str:
        with session_scope() as session:
            return lifecycle.get(session, self.tenant_id, request_id).status.value


@pytest.fixture(scope="module")
def console(live: LiveDemo) -> Iterator[Console]:
    """The web app with the console mounted, served on its own port, plus one account per role."""
    engine = make_engine()
    app = create_web_app(
        engine,
        tenant=live.demo.tenant,
        company=live.demo.company(),
        config=WebConfig(trusted_proxies=("127.0.0.1",), rate_limits={"console-login": (8, 60.0)}),
        data_dir=live.data_dir,
    )
    tenant_id = app.state.web.tenant_id
    # cheap argon2 parameters for the accounts made here (production's cost ~0.5 s per sign-in on CI)
    staff.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    emails = {role: f"{role}-{time.monotonic_ns()}@benemica.example" for role in PASSWORDS}
    with session_scope() as session:
        for role, email in emails.items():
            staff.create_user(session, tenant_id, email, role, PASSWORDS[role], actor="test")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the console app did not start")
        time.sleep(0.05)
    try:
        yield Console(f"http://127.0.0.1:{port}", tenant_id, live, emails)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
        staff.use_hasher(PasswordHasher())


def _http(console: Console) -> httpx.Client:
    return httpx.Client(base_url=console.base_url, headers={"X-Forwarded-For": f"10.9.0.{next(_address)}"}, timeout=60)


def _token(html: str, action: str) -> str:
    found = re.search(r'action="' + re.escape(action) + r'".*?name="csrf_token" value="([^"]+)"', html, re.S)
    assert found, f"no form posting to {action}"
    return found.group(1)


def _login(http: httpx.Client, email: str, password: str) -> httpx.Response:
    form = http.get("/console/login")
    return http.post(
        "/console/login",
        data={"csrf_token": _token(form.text, "/console/login"), "email": email, "password": password},
    )


@pytest.fixture
def as_dpo(console: Console) -> Iterator[httpx.Client]:
    with _http(console) as http:
        assert _login(http, console.emails["dpo"], PASSWORDS["dpo"]).status_code == 303
        yield http


@pytest.fixture
def as_viewer(console: Console) -> Iterator[httpx.Client]:
    with _http(console) as http:
        assert _login(http, console.emails["viewer"], PASSWORDS["viewer"]).status_code == 303
        yield http


def _sample_rows(live: LiveDemo, email: str) -> dict[str, list[tuple[Any, ...]]]:
    """The customer's rows in the sample database, read directly (not through jaga)."""
    with sqlite3.connect(live.sample_db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM customers WHERE email = ?", (email,))]
        assert len(ids) <= 1
        cid = ids[0] if ids else -1
        queries = {
            "customers": ("SELECT * FROM customers WHERE id = ?", cid),
            "web_events": ("SELECT * FROM web_events WHERE customer_id = ?", cid),
            "support_tickets": ("SELECT * FROM support_tickets WHERE customer_id = ?", cid),
            "marketing_subscriptions": ("SELECT * FROM marketing_subscriptions WHERE customer_id = ?", cid),
            "orders": ("SELECT * FROM orders WHERE customer_id = ?", cid),
            "invoices": (
                "SELECT i.* FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = ? ORDER BY i.id",
                cid,
            ),
        }
        return {name: conn.execute(sql, (arg,)).fetchall() for name, (sql, arg) in queries.items()}


# ---------------------------------------------------------------- HTTP: sign-in, sessions, roles


def test_pages_need_a_session(console: Console) -> None:
    with _http(console) as http:
        for path in ("/console/requests", "/console/audit", "/console/subjects", "/console/users"):
            response = http.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
        assert http.get("/console").status_code in (303, 307)


def test_wrong_password_fails_with_one_message_for_every_cause(console: Console) -> None:
    with _http(console) as http:
        wrong = _login(http, console.emails["dpo"], "not the password at all")
        unknown = _login(http, "nobody@benemica.example", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 401 and "jaga_staff" not in response.headers.get("set-cookie", "")
        assert "Email or password is wrong" in response.text
    assert wrong.text.count("Email or password is wrong") == unknown.text.count("Email or password is wrong")


def test_session_cookie_is_httponly_lax_and_scoped_and_logout_ends_it(console: Console) -> None:
    with _http(console) as http:
        response = _login(http, console.emails["operator"], PASSWORDS["operator"])
        cookie = response.headers["set-cookie"]
        assert "jaga_staff=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert "Path=/console" in cookie and "Secure" not in cookie  # plain http here; https sets Secure
        assert response.headers["location"] == "/console/requests"
        token = http.cookies["jaga_staff"]
        queue = http.get("/console/requests")
        assert queue.status_code == 200 and queue.headers["cache-control"] == "no-store"
        out = http.post("/console/logout", data={"csrf_token": _token(queue.text, "/console/logout")})
        assert out.status_code == 303
    with _http(console) as other:  # the old token is dead even if someone kept it
        other.cookies.set("jaga_staff", token, path="/console")
        assert other.get("/console/requests").status_code == 303


def test_login_needs_csrf_and_next_cannot_leave_the_console(console: Console) -> None:
    with _http(console) as http:
        http.get("/console/login")
        forged = http.post("/console/login", data={"email": console.emails["dpo"], "password": PASSWORDS["dpo"]})
        assert forged.status_code == 403
        form = http.get("/console/login?next=//evil.example/")
        response = http.post(
            "/console/login",
            data={
                "csrf_token": _token(form.text, "/console/login"),
                "email": console.emails["dpo"],
                "password": PASSWORDS["dpo"],
                "next": "https://evil.example/",
            },
        )
        assert response.status_code == 303 and response.headers["location"] == "/console/requests"


def test_viewer_reads_but_cannot_act(console: Console, as_viewer: httpx.Client) -> None:
    emails = console.live.customer_emails()
    request_id = console.submit(emails[-3], "erasure")
    page = as_viewer.get(f"/console/requests/{request_id}")
    assert page.status_code == 200 and request_id in page.text
    assert "/approve" not in page.text and "/refuse" not in page.text
    for action in ("approve", "refuse", "extend", "start", "verify"):
        response = as_viewer.post(f"/console/requests/{request_id}/{action}", data={"reason": "x", "article": "x"})
        assert response.status_code == 403 and "Your role (viewer) may not do this" in response.text
    assert as_viewer.get("/console/users").status_code == 403
    assert console.status(request_id) == "identity_verified"


def test_queue_filters_and_overdue_in_red(console: Console, as_dpo: httpx.Client) -> None:
    emails = console.live.customer_emails()
    late = console.submit(emails[-4], "access", verified=False, now=utcnow() - timedelta(days=5))
    fresh = console.submit(emails[-4], "rectification", verified=False, changes={"city": "Bandung"})
    queue = as_dpo.get("/console/requests")
    assert queue.status_code == 200
    assert re.search(rf'<tr class="overdue" data-request="{late}">', queue.text)
    assert re.search(rf'<tr class="" data-request="{fresh}">', queue.text)
    only_late = as_dpo.get("/console/requests", params={"overdue": "1"}).text
    assert late in only_late and fresh not in only_late
    by_right = as_dpo.get("/console/requests", params={"right": "rectification"}).text
    assert fresh in by_right and late not in by_right
    assert fresh in as_dpo.get("/console/requests", params={"status": "received"}).text
    for bad in ({"status": "nope"}, {"right": "<script>"}, {"overdue": "maybe"}):
        response = as_dpo.get("/console/requests", params=bad)
        assert response.status_code == 400 and "<script>" not in response.text
    assert as_dpo.get("/console/requests/REQ-0000000000").status_code == 404
    assert as_dpo.get("/console/requests/not-an-id").status_code == 404


def test_refuse_extend_and_wait_with_reasons(console: Console, as_dpo: httpx.Client) -> None:
    emails = console.live.customer_emails()
    request_id = console.submit(emails[-5], "access")
    page = as_dpo.get(f"/console/requests/{request_id}").text
    assert "/extend" not in page  # UU PDP gives no extension, so none is offered
    forged = as_dpo.post(f"/console/requests/{request_id}/refuse", data={"reason": "x", "article": "y"})
    assert forged.status_code == 403 and console.status(request_id) == "identity_verified"
    missing = as_dpo.post(
        f"/console/requests/{request_id}/refuse",
        data={"csrf_token": _token(page, f"/console/requests/{request_id}/refuse"), "reason": " ", "article": "x"},
    )
    assert missing.status_code == 400
    page = as_dpo.get(f"/console/requests/{request_id}").text
    waited = as_dpo.post(
        f"/console/requests/{request_id}/wait",
        data={"csrf_token": _token(page, f"/console/requests/{request_id}/wait"), "reason": "Send a copy of your KTP"},
    )
    assert waited.status_code == 303 and console.status(request_id) == "waiting_on_person"
    page = as_dpo.get(waited.headers["location"]).text
    assert "The person was asked." in page
    refused = as_dpo.post(
        f"/console/requests/{request_id}/refuse",
        data={
            "csrf_token": _token(page, f"/console/requests/{request_id}/refuse"),
            "reason": "Manifestly unfounded",
            "article": "UU PDP art. 15(1)",
        },
    )
    assert refused.status_code == 303 and console.status(request_id) == "refused"
    page = as_dpo.get(f"/console/requests/{request_id}").text
    assert "Manifestly unfounded (UU PDP art. 15(1))" in page and console.emails["dpo"] in page
    # a closed request: the law says no, and the page says why instead of failing
    again = as_dpo.post(
        f"/console/requests/{request_id}/start",
        data={"csrf_token": _token(as_dpo.get("/console/requests").text, "/console/logout")},
    )
    assert again.status_code == 403  # a token for another form is refused before anything happens


def test_illegal_transition_is_explained_on_the_page(console: Console, as_dpo: httpx.Client) -> None:
    request_id = console.submit(console.live.customer_emails()[-6], "access")
    page = as_dpo.get(f"/console/requests/{request_id}").text
    token = _token(page, f"/console/requests/{request_id}/start")
    assert as_dpo.post(f"/console/requests/{request_id}/start", data={"csrf_token": token}).status_code == 303
    with session_scope() as session:  # meanwhile someone else closes it
        lifecycle.withdraw(session, console.tenant_id, request_id, actor="test", notify=None)
    response = as_dpo.post(f"/console/requests/{request_id}/start", data={"csrf_token": token})
    assert response.status_code == 400 and "Not done: a request cannot go from withdrawn" in response.text


def test_consent_history_lookup_is_audited_and_hashed(console: Console, as_viewer: httpx.Client) -> None:
    me = console.live.customer_emails()[-7]
    form = as_viewer.get("/console/subjects")
    response = as_viewer.post(
        "/console/subjects",
        data={"csrf_token": _token(form.text, "/console/subjects"), "kind": "email", "value": me.upper()},
    )
    assert response.status_code == 200 and "No one with this identity is in the ledger" in response.text
    bad = as_viewer.post(
        "/console/subjects",
        data={"csrf_token": _token(form.text, "/console/subjects"), "kind": "phone", "value": "not a phone"},
    )
    assert bad.status_code == 400
    with session_scope() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.tenant_id == console.tenant_id, AuditEntry.kind == "staff.subject_viewed")
            .order_by(AuditEntry.seq.desc())
        ).first()
    assert entry is not None and entry.actor.endswith(":viewer") and me not in entry.payload


def test_audit_chain_status(console: Console, as_viewer: httpx.Client) -> None:
    page = as_viewer.get("/console/audit")
    assert page.status_code == 200 and "Intact:" in page.text and "staff.login" in page.text


def test_admin_manages_accounts(console: Console) -> None:
    with _http(console) as http:
        assert _login(http, console.live.admin_email, console.live.admin_password).status_code == 303
        page = http.get("/console/users")
        assert page.status_code == 200 and console.emails["dpo"] in page.text
        added = http.post(
            "/console/users",
            data={
                "csrf_token": _token(page.text, "/console/users"),
                "email": "new-op@benemica.example",
                "role": "operator",
            },
        )
        password = re.search(r"Password for new-op@benemica.example: (\S+) ", added.text)
        assert added.status_code == 200 and password
        with _http(console) as newcomer:
            assert _login(newcomer, "new-op@benemica.example", password.group(1)).status_code == 303
        bad = http.post(
            "/console/users",
            data={"csrf_token": _token(page.text, "/console/users"), "email": "nope", "role": "operator"},
        )
        assert bad.status_code == 400 and "not an email address" in bad.text


def test_admin_creates_rotates_and_revokes_api_keys(console: Console) -> None:
    """The API keys page: a new key is shown once, rotating and revoking are audited, and a key that was
    revoked here is refused by the API."""
    with _http(console) as http:
        assert _login(http, console.live.admin_email, console.live.admin_password).status_code == 303
        page = http.get("/console/keys")
        assert page.status_code == 200
        made = http.post(
            "/console/keys",
            data={"csrf_token": _token(page.text, "/console/keys"), "role": "service", "name": "till"},
        )
        key = re.search(r"The new key is (jaga_\S+)\. ", made.text)
        assert made.status_code == 200 and key
        key_id = re.search(r"/console/keys/(\d+)/rotate", made.text)
        assert key_id
        rotated = http.post(
            f"/console/keys/{key_id.group(1)}/rotate",
            data={"csrf_token": _token(made.text, f"/console/keys/{key_id.group(1)}/rotate")},
        )
        new = re.search(r"The new key is (jaga_\S+)\. ", rotated.text)
        assert rotated.status_code == 200 and new and new.group(1) != key.group(1)
        new_id = re.search(r"/console/keys/(\d+)/revoke", rotated.text)
        assert new_id
        revoked = http.post(
            f"/console/keys/{new_id.group(1)}/revoke",
            data={"csrf_token": _token(rotated.text, f"/console/keys/{new_id.group(1)}/revoke")},
        )
        assert revoked.status_code == 200 and "The key is revoked." in revoked.text
        assert key.group(1) not in revoked.text and new.group(1) not in revoked.text  # shown once only
    with session_scope() as session:
        kinds = set(session.scalars(select(AuditEntry.kind).where(AuditEntry.tenant_id == console.tenant_id)))
    assert {"apikey.created", "apikey.rotated", "apikey.revoked"} <= kinds


def test_only_admins_see_api_keys(console: Console, as_dpo: httpx.Client) -> None:
    assert as_dpo.get("/console/keys").status_code == 403


# ---------------------------------------------------------------- Chromium: the DPO approves an erasure


def _browser_login(page: Any, console: Console, role: str) -> None:
    page.goto(f"{console.base_url}/console/login?lang=en")
    page.get_by_label("Work email").fill(console.emails[role])
    page.get_by_label("Password").fill(PASSWORDS[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/requests"))


@pytest.mark.browser
def test_dpo_approves_an_erasure_in_the_console(page: Any, console: Console) -> None:
    me = console.live.customer_emails()[-1]
    before = _sample_rows(console.live, me)
    assert before["customers"] and before["web_events"] and before["invoices"], "the sample customer has no history"
    request_id = console.submit(me, "erasure", verified=False)

    page.goto(f"{console.base_url}/console/login?lang=en")
    page.get_by_label("Work email").fill(console.emails["dpo"])
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert "Email or password is wrong" in page.content()
    _browser_login(page, console, "dpo")

    row = page.locator(f"tr[data-request='{request_id}']")
    assert row.count() == 1
    shot(page, "console-01-queue")
    row.get_by_role("link", name=request_id).click()
    page.wait_for_url(re.compile(rf"/console/requests/{request_id}"))
    assert "The plan is shown once the person's identity is verified." in page.content()

    page.get_by_label("How it was verified").fill("KTP seen in person at the front desk")
    page.get_by_role("button", name="Mark identity verified").click()
    assert "Identity marked verified." in page.content()
    plan = page.locator("section.plan pre").inner_text()
    assert "erasure plan for 1 request(s)" in plan and "legal hold" in plan and me not in plan
    shot(page, "console-02-request")

    # an erasure cannot be undone: the browser will not send the form until the confirmation is ticked
    page.get_by_role("button", name="Approve and run").click()
    assert page.locator("#approve-confirm:invalid").count() == 1
    assert f"/console/requests/{request_id}" in page.url and console.status(request_id) == "identity_verified"
    # and without the browser's check (no JavaScript, a crafted post) the server refuses and runs nothing
    token = page.locator("form[action$='/approve'] input[name=csrf_token]").get_attribute("value")
    unconfirmed = page.request.post(
        f"{console.base_url}/console/requests/{request_id}/approve", form={"csrf_token": token, "go": "1"}
    )
    assert unconfirmed.status == 400 and "tick the box to confirm" in unconfirmed.text()
    assert console.status(request_id) == "identity_verified"
    page.get_by_label("I have read the plan above: carry it out on this person's data now").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and run").click()
    flash = " ".join(page.locator(".flash").all_inner_texts())
    assert "done=approve" in page.url, f"approval failed: {flash}"
    assert "Done: the request was carried out." in page.content()
    assert "In progress → Completed" in page.content()
    shot(page, "console-03-completed")
    assert console.status(request_id) == "completed"

    after = _sample_rows(console.live, me)
    for table in ("web_events", "support_tickets", "marketing_subscriptions"):
        assert not after[table], f"{table} rows of the person are still there"
    assert after["invoices"] == before["invoices"]  # kept under UU KUP art. 28(11)
    with session_scope() as session:
        actors = {
            e.kind: e.actor
            for e in session.scalars(
                select(AuditEntry).where(
                    AuditEntry.tenant_id == console.tenant_id, AuditEntry.payload.contains(request_id)
                )
            )
        }
    assert actors["request.completed"].endswith(":dpo") and actors["request.identity_verified"].endswith(":dpo")


@pytest.mark.browser
def test_viewer_cannot_approve_in_the_browser(page: Any, console: Console) -> None:
    request_id = console.submit(console.live.customer_emails()[-2], "erasure")
    _browser_login(page, console, "viewer")
    page.goto(f"{console.base_url}/console/requests/{request_id}")
    assert page.get_by_role("button", name="Approve and run").count() == 0
    response = page.request.post(f"{console.base_url}/console/requests/{request_id}/approve", form={"go": "1"})
    assert response.status == 403 and "Your role (viewer) may not do this" in response.text()
    assert console.status(request_id) == "identity_verified"
