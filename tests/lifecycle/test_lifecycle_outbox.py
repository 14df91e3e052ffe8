"""Outgoing messages: every template in English and Bahasa Indonesia, written as .eml files."""

from __future__ import annotations

import stat
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jaga.errors import ConfigError, JagaError
from jaga.ledger.identity import Identity
from jaga.policy import Right
from jaga.requests import lifecycle as lc
from jaga.requests import outbox
from jaga.requests import verification as vf
from tests.lifecycle.conftest import ALICE, T0, Store

CONTEXT = {
    "right": "access",
    "regime_name": "GDPR",
    "received": "2025-01-31 10:00 WIB",
    "due": "2025-02-28 23:59 WIB",
    "deadline_article": "GDPR art. 12(3)",
    "code": "123456",
    "ttl_minutes": 15,
    "reason": "many accounts",
    "article": "GDPR art. 12(3)",
    "summary": "",
    "pauses": True,
}


@pytest.mark.parametrize("template", outbox.TEMPLATES)
def test_every_template_in_both_languages(template: str) -> None:
    en = outbox.render(template, "en", {"request_id": "REQ-1", **CONTEXT})
    id_ = outbox.render(template, "id", {"request_id": "REQ-1", **CONTEXT})
    assert "REQ-1" in en[0] + en[1] and "REQ-1" in id_[0] + id_[1]
    assert en[0] != id_[0] and en[1] != id_[1]
    assert en[0] and "Subject:" not in en[1]


def test_unknown_template_or_language() -> None:
    with pytest.raises(JagaError, match="no message template"):
        outbox.render("nope", "en", CONTEXT)
    with pytest.raises(JagaError, match="unknown language"):
        outbox.render("code", "fr", CONTEXT)  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "words"), [("en", "verification code"), ("id", "Kode verifikasi")])
def test_request_messages_are_written_in_the_requests_language(store: Store, lang: str, words: str) -> None:
    with store.session() as s:
        rid = lc.submit(
            s,
            store.tenant_id,
            right=Right.erasure,
            identity=Identity.of("email", ALICE),
            regime="uu_pdp",
            language="id" if lang == "id" else "en",
            now=T0,
            zone=ZoneInfo("Asia/Jakarta"),  # the policy's controller.timezone
        ).id
        vf.send_code(s, store.tenant_id, rid, now=T0)
        lc.refuse(s, store.tenant_id, rid, reason="no account found", article="UU PDP art. 8", actor="dpo", now=T0)
        s.commit()
    files = store.outbox()
    assert [f.name.split("-")[-2] for f in files] == ["received", "code", "refused"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # holds an address and maybe a code
        mail = message_from_bytes(path.read_bytes())
        assert mail["To"] == ALICE.lower() and mail["X-Jaga-Request"] == rid
        assert mail["Content-Language"] == lang
    code_mail = store.last_mail("code")
    assert words in str(code_mail["Subject"])
    refused = str(store.last_mail("refused").get_payload())
    assert "UU PDP art. 8" in refused and "no account found" in refused
    received = str(store.last_mail("received").get_payload())
    assert ("2025-02-03 10:00 WIB" in received) and ("UU PDP" in received)


def test_message_repr_hides_address() -> None:
    msg = outbox.compose("code", "en", to=ALICE, channel="email", request_id="REQ-1", context=CONTEXT)
    assert ALICE not in repr(msg) and "123456" not in repr(msg)


def test_smtp_failure_is_a_config_error(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_SMTP_URL", "smtp://127.0.0.1:1")
    msg = outbox.compose("code", "id", to=ALICE, channel="email", request_id="REQ-1", context=CONTEXT)
    with pytest.raises(ConfigError, match="cannot send mail") as info:
        outbox.send(msg)
    assert ALICE not in str(info.value)
    sms = outbox.compose("code", "id", to="+6281234567890", channel="sms", request_id="REQ-1", context=CONTEXT)
    assert outbox.send(sms).transport == "file"  # SMS always goes to the outbox folder for the gateway
    monkeypatch.setenv("JAGA_SMTP_URL", "http://example")
    with pytest.raises(ConfigError, match="not an smtp"):
        outbox.send(msg)


def test_smtp_delivery(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, object]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            sent.append(("connect", (host, port)))

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def starttls(self, context: object) -> None:
            sent.append(("starttls", None))

        def login(self, user: str, password: str) -> None:
            sent.append(("login", (user, password)))

        def send_message(self, mail: object) -> None:
            sent.append(("send", mail))

    monkeypatch.setattr("jaga.requests.outbox.smtplib.SMTP", FakeSMTP)
    monkeypatch.setenv("JAGA_SMTP_URL", "smtp://jaga%40acme:p%40ss@mail.acme:587?starttls=1")
    msg = outbox.compose("completed", "en", to=ALICE, channel="email", request_id="REQ-1", context=CONTEXT)
    delivery = outbox.send(msg)
    assert delivery == outbox.Delivery("smtp", "mail.acme")
    assert [k for k, _ in sent] == ["connect", "starttls", "login", "send"]
    assert sent[2][1] == ("jaga@acme", "p@ss")
    assert not (env / "outbox").exists()
