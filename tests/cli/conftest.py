"""What the CLI tests share: a small sample company in a SQLite file, made as its README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from examples.sample.__main__ import main as make_sample


@pytest.fixture
def company_db(tmp_path: Path) -> str:
    """``company.db`` in the test's directory: the sample company (examples/sample), 20 customers; its URL."""
    url = f"sqlite:///{tmp_path / 'company.db'}"
    assert make_sample(["--url", url, "--customers", "20", "--employees", "3", "--quiet"]) == 0
    return url
