"""The right of access covers all personal data held (UU PDP art. 7, GDPR art. 15), declared in the
policy or not; the export's manifest names the categories the policy does not declare."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from examples.sample import DATAMAP, TWINS
from jaga.actions import read_export
from jaga.requests import RequestSpec, run_requests
from jaga.store import make_engine
from tests.requests.conftest import connections

DEMO_POLICY = Path(__file__).parents[2] / "examples" / "bpo7-benemica" / "policy.yaml"
HELD_NOT_STATED = [
    "user.behavior",
    "user.demographic.date_of_birth",
    "user.device.cookie_id",
    "user.government_id.kk",
    "user.privacy_preferences",
    "user.unique_id",
]


def undeclaring(tmp_path: Path) -> Path:
    """The demo policy as it was before it declared what the demo database holds."""
    lines = DEMO_POLICY.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not any(line.startswith(f"  - {c}  #") for c in HELD_NOT_STATED)]
    assert len(lines) - len(kept) == len(HELD_NOT_STATED)
    path = tmp_path / "policy.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def _email(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text("SELECT email FROM customers WHERE id = :i"), {"i": TWINS.customers[0]}).scalar()
    engine.dispose()
    return str(value)


def test_export_holds_every_personal_column_and_names_undeclared_categories(company: str, tmp_path: Path) -> None:
    def export(policy: Path) -> dict[str, object]:
        result = run_requests(
            [RequestSpec("access", {"email": _email(company)})],
            datamap=DATAMAP,
            policy=policy,
            connections=connections(company),
            out_dir=tmp_path / policy.parent.name,
        )
        assert result.status == "done"
        return dict(read_export(Path(result.requests[0].result["export"])))

    got = export(undeclaring(tmp_path))
    data, manifest = got["data"]["sample_crm"], got["manifest"]  # type: ignore[index]
    customer = data["customers"][0]
    for column in ("kk_number", "date_of_birth", "last_activity_at", "customer_no"):
        assert column in customer, column
    assert all("cookie_id" in row for row in data["web_events"])
    assert all("subscribed_at" in row for row in data["marketing_subscriptions"])
    assert manifest["categories_not_in_policy"] == HELD_NOT_STATED
    assert set(HELD_NOT_STATED) <= set(manifest["categories"])
    assert "system.operations" not in manifest["categories"]
    assert export(DEMO_POLICY)["manifest"]["categories_not_in_policy"] == []  # type: ignore[index]
