"""One source of truth for the controller's zone: the policy, never a process setting."""

from __future__ import annotations

import pytest

from jaga.errors import ConfigError
from jaga.settings import get_settings


def test_jaga_timezone_is_refused_with_the_way_to_say_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JAGA_TIMEZONE left over from older versions must not be silently ignored (deadlines would move)."""
    monkeypatch.setenv("JAGA_TIMEZONE", "Asia/Jakarta")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"JAGA_TIMEZONE.*controller\.timezone"):
            get_settings()
    finally:
        monkeypatch.delenv("JAGA_TIMEZONE")
        get_settings.cache_clear()
