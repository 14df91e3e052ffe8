"""Lint a policy against the regimes it declares; each finding cites its article, in EN and ID."""

from __future__ import annotations

from pathlib import Path

from jaga.check import _time  # noqa: F401  (registers JG017)
from jaga.check.finding import Finding, Severity
from jaga.check.report import to_json, to_sarif
from jaga.check.rules import RULES, RuleInfo, run_rules
from jaga.policy import PolicySource, read_policy_source
from jaga.regimes import get_regime


def check_source(source: PolicySource) -> list[Finding]:
    """Every finding for a parsed policy, each with ``file:line:column``."""
    regimes = [get_regime(key) for key in source.policy.controller.regimes]
    findings = [
        Finding(f.rule, f.severity, f.regime, f.article, f.message, f.message_id, f.path, source.where(f.path))
        for f in run_rules(source.policy, regimes)
    ]
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.rule, f.regime))


def check_file(path: str | Path) -> list[Finding]:
    """Load and lint a policy file; unusable input raises :class:`jaga.errors.PolicyError`."""
    return check_source(read_policy_source(path))


__all__ = ["RULES", "Finding", "RuleInfo", "Severity", "check_file", "check_source", "to_json", "to_sarif"]
