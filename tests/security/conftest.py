"""Shares the ledger test fixtures (tests/ledger/ledger_fixtures.py) with this folder."""

from tests.ledger.ledger_fixtures import *  # noqa: F403
