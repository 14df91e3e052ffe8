"""The security probes share the ledger's fixtures (a migrated SQLite store, a test policy, a secret)."""

from tests.ledger.ledger_fixtures import *  # noqa: F403
