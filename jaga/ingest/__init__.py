"""Read an existing privacy policy (txt/md/html/pdf/docx, EN/ID) into a draft jaga policy and a gap report.

The draft says what the text promises and nothing more: every value quotes its sentence and line,
and a value the schema needs but the text does not give is marked not stated and chosen so that
``jaga check`` reports it. Extraction is rule-based (lexicons, headings, cue phrases) and offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jaga.check import Finding, Severity, check_source
from jaga.ingest import facts, processing
from jaga.ingest.draft import NOT_STATED, Tree, Val, plain, render
from jaga.ingest.gaps import TEXT_RULES, text_findings
from jaga.ingest.lexicon import POLICY_CUES, matches
from jaga.ingest.read import MAX_BYTES, IngestError, read_document, too_large
from jaga.ingest.text import Sentence, align, languages, sentences
from jaga.policy import PolicySource, parse_policy_source

_MIN_CUES = 4


@dataclass(frozen=True)
class Ingested:
    """The draft policy text, the policy it loads as, and the gap report (check findings + text findings)."""

    draft: str
    source: PolicySource
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.error for f in self.findings)


def ingest_file(path: str | Path, draft_name: str = "draft.yaml") -> Ingested:
    """Ingest a file on disk; see :func:`ingest_bytes`."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise too_large(str(path))
        data = file.read_bytes()
    except OSError as exc:
        raise IngestError(
            f"cannot read the file ({exc.strerror}) / berkas tidak dapat dibaca", where=str(path)
        ) from None
    return ingest_bytes(data, str(path), draft_name)


def ingest_bytes(data: bytes, name: str, draft_name: str = "draft.yaml") -> Ingested:
    """Draft policy and gap report for one document; unusable input raises :class:`IngestError`."""
    items = sentences(read_document(data, name))
    _require_policy(items, name)
    tree = build_tree(items)
    header = [
        f"Draft jaga policy read from {Path(name).name} by `jaga ingest`: read it and finish it by hand.",
        '"# source:" quotes the sentence behind a value (line N of the input);',
        f'"{NOT_STATED}" marks a value the schema needs but the text does not give.',
    ]
    draft = render(tree, header)
    source = parse_policy_source(draft, draft_name)
    findings = check_source(source) + text_findings(items, Path(name).name)
    return Ingested(draft, source, findings)


def _require_policy(items: list[Sentence], name: str) -> None:
    """A news article or a contract is refused rather than turned into a draft full of guesses."""
    text = " ".join(s.text for s in items[:2000])
    cues = matches(POLICY_CUES, text)
    if "personal_data" not in cues or len(cues) < _MIN_CUES:
        raise IngestError(
            "this does not read as a privacy policy (it hardly mentions personal data, purposes, rights or "
            "sharing) / dokumen ini tidak tampak sebagai kebijakan privasi",
            where=name,
            hint="give the privacy policy or privacy notice itself",
        )


def build_tree(ordered: list[Sentence]) -> Tree:
    """The whole draft policy as a tree of sourced values, in the order of the hand-written examples."""
    items = align(ordered)
    tree: Tree = {"jaga": Val(1, None, "format version of the policy file")}
    tree.update(facts.version(items))
    tree["controller"] = facts.controller(items)
    cats, subs = processing.categories(items, ordered), processing.subjects(items)
    cookie_purpose = processing.cookie_purpose(items, subs)
    if cookie_purpose is not None:
        cats.keys.setdefault("user.device.cookie_id", next(s for s in items if "cookie" in s.text.lower()))
    tree["subjects"] = subs.vals() or [Val("customer", None, "the text names no data subjects")]
    if cookie_purpose is not None and not subs.keys:
        cookie_purpose["subjects"] = [Val("customer", None)]
    tree["categories"] = cats.vals() or [Val("user", None, "the text lists no data categories")]
    # A bilingual text states each purpose twice: list them from the main language only (extract once).
    purposes = processing.purposes(ordered, cats, subs, languages(ordered)[0])
    if cookie_purpose is not None:
        purposes.append(cookie_purpose)
    tree["purposes"] = list(purposes)
    recipients = processing.recipients(items)
    if recipients:
        tree["recipients"] = list(recipients)
    retention = processing.retention(items, cats)
    if retention:
        tree["retention"] = list(retention)
    cookies = processing.cookies(items) if cookie_purpose is not None else []
    if cookies:
        tree["cookies"] = list(cookies)
    tree["rights"] = facts.rights(items)
    for key, part in (("children", facts.children(items)), ("breach", facts.breach(items))):
        if part:
            tree[key] = part
    return tree


__all__ = [
    "MAX_BYTES",
    "NOT_STATED",
    "TEXT_RULES",
    "IngestError",
    "Ingested",
    "build_tree",
    "ingest_bytes",
    "ingest_file",
    "plain",
]
