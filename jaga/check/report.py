"""Findings as JSON and SARIF 2.1.0, so CI pipelines and code hosts can show them inline."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from jaga import __version__
from jaga.check.finding import Finding, Severity
from jaga.check.rules import RULES

_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}
_WHERE = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+)$")


def to_json(findings: Sequence[Finding]) -> str:
    return json.dumps(
        {"findings": [f.as_dict() for f in findings], "errors": sum(f.severity is Severity.error for f in findings)},
        ensure_ascii=False,
        indent=2,
    )


def to_sarif(findings: Sequence[Finding]) -> str:
    rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.title},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
        for r in RULES
    ]
    results = []
    for f in findings:
        location: dict[str, object] = {}
        match = _WHERE.match(f.where)
        if match:
            location = {
                "physicalLocation": {
                    "artifactLocation": {"uri": match["file"]},
                    "region": {"startLine": int(match["line"]), "startColumn": int(match["col"])},
                }
            }
        results.append(
            {
                "ruleId": f.rule,
                "level": _LEVEL[f.severity],
                "message": {"text": f"[{f.regime}] {f.message} ({f.article})"},
                "locations": [location] if location else [],
                "properties": {"regime": f.regime, "article": f.article, "message_id": f.message_id},
            }
        )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "jaga", "version": __version__, "rules": rules}}, "results": results}],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)
