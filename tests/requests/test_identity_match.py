"""The planner finds a person's rows whatever spelling the company's database stores an identity in.

The request planner used to compare phones as digits and plus and emails as typed, so a customer whose
phone column held ``0812-3456-7801`` was not found by ``+62 812 3456 7801`` (an access export missed
them, an erasure erased nothing and said done)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from examples.sample import DATAMAP
from jaga.actions import read_export
from jaga.errors import JagaError
from jaga.requests import RequestSpec, run_requests
from jaga.store import make_engine
from tests.requests.conftest import POLICY, connections

# (customer id, phone as the company stored it, phone as the person gives it)
PHONES = [
    (11, "0812-3456-781", "+62 812 3456 781"),
    (12, "+62 812 3456 782", "0812 3456 782"),
    (13, "628123456783", "(0812) 3456-783"),
    (14, "812 3456 784", "+628123456784"),
    (15, "0812.3456.785", "62 812-3456-785"),
]
EMAIL = (16, "Budi.Santoso.X@Contoh.CO.ID", "budi.santoso.x@contoh.co.id ")


def _store(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for cid, stored, _ in PHONES:
            conn.execute(text("UPDATE customers SET phone = :p WHERE id = :i"), {"p": stored, "i": cid})
        conn.execute(text("UPDATE customers SET email = :e WHERE id = :i"), {"e": EMAIL[1], "i": EMAIL[0]})
    engine.dispose()


def test_access_finds_every_stored_spelling_of_phone_and_email(company: str, tmp_path: Path) -> None:
    _store(company)
    specs = [RequestSpec("access", {"phone_number": given}) for _, _, given in PHONES]
    specs.append(RequestSpec("access", {"email": EMAIL[2]}))
    result = run_requests(
        specs, datamap=DATAMAP, policy=POLICY, connections=connections(company), out_dir=tmp_path / "out"
    )
    assert result.status == "done"
    wanted = [cid for cid, _, _ in PHONES] + [EMAIL[0]]
    for req, cid in zip(result.requests, wanted, strict=True):
        export = read_export(Path(req.result["export"]))
        assert [r["id"] for r in export["data"]["sample_crm"]["customers"]] == [cid]


def test_erasure_by_another_spelling_erases_the_row(company: str) -> None:
    _store(company)
    cid, _, given = PHONES[0]
    result = run_requests(
        [RequestSpec("erasure", {"phone_number": given})],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
    )
    req = result.requests[0]
    assert req.status == "done" and req.result["verification"]["verified"]
    engine = make_engine(company)
    with engine.connect() as conn:
        phone = conn.execute(text("SELECT phone FROM customers WHERE id = :i"), {"i": cid}).scalar()
        others = conn.execute(text("SELECT COUNT(*) FROM customers WHERE phone = :p"), {"p": PHONES[1][1]}).scalar()
    engine.dispose()
    assert phone is None or "3456" not in str(phone)  # erased (the map keeps the row, phone fixed)
    assert others == 1  # another customer's number, one digit apart, untouched


@pytest.mark.parametrize("hostile", ["x,attacker@evil.io", "victim<attacker@evil.io>"])
def test_a_request_for_two_mailboxes_is_refused_before_anything_runs(company: str, hostile: str) -> None:
    with pytest.raises(JagaError) as caught:
        run_requests(
            [RequestSpec("access", {"email": hostile})],
            datamap=DATAMAP,
            policy=POLICY,
            connections=connections(company),
        )
    assert "malformed email address" in caught.value.message and "attacker" not in str(caught.value)
