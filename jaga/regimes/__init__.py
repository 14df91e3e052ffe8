"""UU PDP and GDPR as data: rights and deadlines, bases, breach duties, transfers, each with its article."""

from __future__ import annotations

from jaga.errors import NotFoundError
from jaga.regimes.gdpr import GDPR
from jaga.regimes.model import BreachRule, Regime, RightRule, TransferRule
from jaga.regimes.uu_pdp import UU_PDP

REGIMES: dict[str, Regime] = {UU_PDP.key: UU_PDP, GDPR.key: GDPR}


def get_regime(key: str) -> Regime:
    """The regime named ``key`` (``uu_pdp`` or ``gdpr``)."""
    try:
        return REGIMES[key]
    except KeyError:
        raise NotFoundError(f"unknown regime {key!r}", hint=f"use one of {', '.join(REGIMES)}") from None


__all__ = ["GDPR", "REGIMES", "UU_PDP", "BreachRule", "Regime", "RightRule", "TransferRule", "get_regime"]
