"""Fixtures shared by tests/ledger, tests/decide, tests/api and tests/audit.

One store per database per session (migrations run once); every test gets its own tenant, so tests stay
independent and fast. PostgreSQL tests use a throw-away schema that is dropped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from jaga.ledger.identity import clear_key_cache
from jaga.policy import Policy, parse_policy
from jaga.settings import get_settings
from jaga.store import create_tenant, ensure_tenant, make_engine, migrate, session_scope

# Only the branches these tests need, so a sibling branch under construction cannot break them.
LEDGER_HEAD = "ledger@head"
PG_URL = os.environ.get("JAGA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

POLICY_YAML = """
version: "2024-01"
controller:
  legal_name: PT Contoh Jaga
  address: Jl. Sudirman 1, Jakarta
  contact: {email: privacy@contoh.example}
  regimes: [uu_pdp, gdpr]
subjects: [customer, child]
categories: [user.contact, user.account, user.behavior, user.health_and_medical, user.demographic]
purposes:
  - key: orders
    use: essential.service
    description: {en: Deliver orders}
    basis: contract
    categories: [user.contact, user.account]
    subjects: [customer]
    recipients: [courier, cloud_us, crm_sg]
  - key: newsletter
    use: marketing.communications.email
    description: {en: Newsletter}
    basis: consent
    direct_marketing: true
    categories: [user.contact.email]
    subjects: [customer, child]
  - key: promo_li
    use: marketing.communications
    description: {en: Offers to existing customers}
    basis: legitimate_interest
    direct_marketing: true
    categories: [user.contact]
    subjects: [customer]
  - key: fraud
    use: essential.service.security
    description: {en: Fraud prevention}
    basis: legitimate_interest
    categories: [user.behavior, user.account]
    subjects: [customer]
  - key: health_tips
    use: personalize
    description: {en: Health tips}
    basis: explicit_consent
    categories: [user.health_and_medical, user.contact.email]
    subjects: [customer]
  - key: tax
    use: essential.legal_obligation
    description: {en: Tax records}
    basis: legal_obligation
    legal_obligation: UU KUP art. 28
    categories: [user.account]
    subjects: [customer]
recipients:
  - {key: courier, name: Kurir, kind: logistics, role: processor, country: ID}
  - {key: cloud_us, name: Cloud US, kind: cloud_hosting, role: processor, country: US,
     safeguard: standard_contractual_clauses}
  - {key: crm_sg, name: CRM SG, kind: crm, role: processor, country: SG}
rights:
  offered: [access, erasure, withdraw_consent, objection, restriction]
children: {served: true, minimum_age: 13, parental_consent: false}
"""


def test_policy() -> Policy:
    return parse_policy(POLICY_YAML, "tests/policy.yaml")


@pytest.fixture(scope="session")
def policy() -> Policy:
    return test_policy()


@pytest.fixture(scope="session", autouse=True)
def _secret(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("JAGA_SECRET_KEY", "JAGA_DATA_DIR")}
    os.environ["JAGA_SECRET_KEY"] = "test-secret-" + "x" * 40
    os.environ["JAGA_DATA_DIR"] = str(tmp_path_factory.mktemp("jaga-data"))
    get_settings.cache_clear()
    clear_key_cache()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
    clear_key_cache()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path: Path = tmp_path_factory.mktemp("store") / "jaga.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, LEDGER_HEAD)
    return engine


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    probe = make_engine(PG_URL)
    try:
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL at {PG_URL} unreachable: {type(exc).__name__}")
    schema = f"jaga_test_{uuid.uuid4().hex[:10]}"
    with probe.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        migrate(engine, LEDGER_HEAD)
        yield engine
    finally:
        engine.dispose()
        with probe.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        probe.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Both databases: tests taking ``engine`` run once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")  # type: ignore[no-any-return]


def sessions_for(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    factory = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def scope() -> Iterator[Session]:
        with factory.begin() as session:
            yield session

    return scope


@pytest.fixture
def tenant_id(sqlite_engine: Engine) -> int:
    """A fresh tenant on the SQLite store."""
    return new_tenant(sqlite_engine)


def new_tenant(engine: Engine) -> int:
    with sessions_for(engine)() as session:
        return ensure_tenant(session, f"t-{uuid.uuid4().hex[:12]}").id


def cli_root() -> typer.Typer:
    """The CLI pieces mounted exactly as jaga/cli/__init__.py should mount them."""
    from jaga.cli import audit, decide, ledger, serve

    root = typer.Typer()
    root.add_typer(ledger.consent_app, name="consent")
    root.add_typer(ledger.app, name="ledger")
    root.add_typer(audit.app, name="audit")
    root.add_typer(serve.apikey_app, name="apikey")
    root.command("decide")(decide.decide)
    root.command("serve")(serve.serve)
    return root


@pytest.fixture
def cli_env(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at the test store; yields a fresh tenant slug."""
    monkeypatch.setenv("JAGA_DATABASE_URL", str(sqlite_engine.url))
    get_settings.cache_clear()
    slug = f"cli-{uuid.uuid4().hex[:10]}"
    with session_scope() as session:  # the CLI never creates a tenant on the way (`jaga tenant create` does)
        create_tenant(session, slug)
    yield slug
    monkeypatch.delenv("JAGA_DATABASE_URL")
    get_settings.cache_clear()
