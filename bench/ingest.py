"""Benchmark `jaga ingest` against hand-written gold policies: precision/recall per field, rule ids, speed.

Run from the repository root: ``python -m bench.ingest [--policies DIR] [--big-mb N]``.
Gold: the three shared texts (``../shared/policies`` by default; skipped if absent) against
``examples/*/policy.yaml`` written by a person from the same texts, plus the repository's own test
policies (``tests/ingest/fixtures/*``, gold in ``*.gold.yaml``). Prints one JSON line: per document and
field precision/recall/F1, the `jaga check` rule ids of the gold the draft misses, time and peak
memory (tracemalloc) per document and for a synthetic policy of ``--big-mb`` MB.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from jaga.check import check_source
from jaga.ingest import Ingested, ingest_bytes
from jaga.policy import Policy, read_policy_source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "ingest" / "fixtures"
Fields = dict[str, set[str]]


def fields(policy: Policy) -> Fields:
    """The facts compared, as sets of strings, read from a policy (the gold or the draft)."""
    c = policy.controller
    controller = {f"legal_name={c.legal_name}"}
    if c.contact and c.contact.email:
        controller.add(f"email={c.contact.email}")
    if c.dpo and c.dpo.email:
        controller.add(f"dpo={c.dpo.email}")
    return {
        "controller": controller,
        "languages": set(c.languages),
        "categories": set(policy.categories),
        "uses": {p.use for p in policy.purposes},
        "bases": {p.basis.value for p in policy.purposes if p.basis_stated},
        "recipients": {r.kind for r in policy.recipients},
        "transfers": {r.country for r in policy.recipients if r.country != c.jurisdiction},
        "retention": {str(r.duration) for r in policy.retention if r.duration.amount},
        "rights": {r.value for r in policy.rights.offered},
        "response_times": {
            f"{k if isinstance(k, str) else k.value}={v}" for k, v in policy.rights.response_time.items()
        },
    }


def score(gold: set[str], got: set[str]) -> dict[str, float | None]:
    hit = len(gold & got)
    precision = hit / len(got) if got else (1.0 if not gold else 0.0)
    recall = hit / len(gold) if gold else None
    f1 = 2 * precision * recall / (precision + recall) if recall is not None and precision + recall else None
    return {
        "precision": round(precision, 3),
        "recall": None if recall is None else round(recall, 3),
        "f1": f1 and round(f1, 3),
    }


def _timed(run: Callable[[], Ingested]) -> tuple[Ingested, float, float]:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, round(seconds, 3), round(peak / 1e6, 1)


def evaluate(document: Path, gold: Fields, gold_rules: set[str] | None) -> dict[str, object]:
    data = document.read_bytes()
    result, seconds, peak_mb = _timed(lambda: ingest_bytes(data, document.name))
    got = fields(result.source.policy)
    row: dict[str, object] = {"seconds": seconds, "peak_mb": peak_mb}
    row["fields"] = {name: score(gold[name], got[name]) for name in gold}
    if gold_rules is not None:
        draft_rules = {f.rule for f in result.findings if f.regime != "text"}
        row["gold_rules_missed"] = sorted(gold_rules - draft_rules)
        row["draft_rules_extra"] = sorted(draft_rules - gold_rules)
    return row


def big_policy(texts: list[bytes], megabytes: int) -> bytes:
    """A policy of about ``megabytes`` MB: the given texts repeated, like a very long multi-product policy."""
    body = b"\n\n".join(texts)
    return (body + b"\n\n") * (megabytes * 1024 * 1024 // (len(body) + 2) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policies", type=Path, default=ROOT.parent / "shared" / "policies")
    parser.add_argument("--big-mb", type=int, default=5)
    args = parser.parse_args()
    report: dict[str, object] = {"benchmark": "ingest"}
    docs: dict[str, object] = {}
    texts: list[bytes] = []
    for gold_path in sorted((ROOT / "examples").glob("*/policy.yaml")):
        document = args.policies / f"{gold_path.parent.name}.txt"
        if not document.is_file():
            continue
        source = read_policy_source(gold_path)
        gold_rules = {f.rule for f in check_source(source)}
        docs[document.name] = evaluate(document, fields(source.policy), gold_rules)
        texts.append(document.read_bytes())
    report["shared_policies"] = docs if docs else f"skipped: {args.policies} not found"
    own: dict[str, object] = {}
    for gold_path in sorted(FIXTURES.glob("*.gold.yaml")):
        document = FIXTURES / gold_path.name.removesuffix(".gold.yaml")
        gold = {k: {str(v) for v in values} for k, values in yaml.safe_load(gold_path.read_text()).items()}
        own[document.name] = evaluate(document, gold, None)
        texts.append(document.read_bytes())
    report["own_policies"] = own
    report["summary"] = _summary({**docs, **own})
    data = big_policy(texts, args.big_mb)
    _, seconds, peak_mb = _timed(lambda: ingest_bytes(data, "big.txt"))
    report["big_policy"] = {"megabytes": round(len(data) / 1e6, 2), "seconds": seconds, "peak_mb": peak_mb}
    print(json.dumps(report, ensure_ascii=False))


def _summary(rows: dict[str, object]) -> dict[str, float]:
    """Micro-averaged F1 of each field over all documents, for a one-glance figure."""
    out: dict[str, list[float]] = {}
    for row in rows.values():
        assert isinstance(row, dict)
        for name, s in row["fields"].items():
            if s["f1"] is not None:
                out.setdefault(name, []).append(s["f1"])
    return {name: round(sum(v) / len(v), 3) for name, v in out.items()}


if __name__ == "__main__":
    main()
