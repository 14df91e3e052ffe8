"""Split a policy's lines into sections and sentences that remember their line, and tell EN from ID.

Extraction quotes sentences back to the reader, so every sentence keeps the line it starts on and the
heading of the section it sits in. Language is decided per sentence from stopword counts (no model):
short function words differ sharply between English and Bahasa Indonesia.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_EN = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "we",
        "you",
        "your",
        "our",
        "is",
        "are",
        "for",
        "with",
        "will",
        "be",
        "this",
        "that",
        "by",
        "or",
        "in",
        "on",
        "as",
        "may",
        "from",
        "any",
        "which",
        "such",
        "not",
        "have",
        "has",
        "when",
        "who",
        "information",
        "personal",
        "use",
        "it",
        "an",
    ]
)
_ID = frozenset(
    [
        "dan",
        "yang",
        "kami",
        "anda",
        "untuk",
        "dengan",
        "atau",
        "dari",
        "ini",
        "itu",
        "tidak",
        "akan",
        "dalam",
        "pada",
        "kepada",
        "sebagai",
        "oleh",
        "dapat",
        "adalah",
        "telah",
        "bahwa",
        "serta",
        "kebijakan",
        "pribadi",
        "informasi",
        "jika",
        "apabila",
        "setiap",
        "tersebut",
        "kita",
        "para",
    ]
)
_WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
_ABBREV = re.compile(r"\b(?:PT|Tbk|e\.g|i\.e|etc|No|Jl|art|Art|Mr|Mrs|Dr|Inc|Ltd|Co|vs|cf|dll|dsb|yth|St|U\.S)\.$")
_BULLET = re.compile(r"^(?:[•●▪◦\-*–·]|\(?\d{1,2}[.)]|\(?[a-z][.)]|[ivx]{1,4}[.)])\s+", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.|[A-H]\.|Pasal \d+|Section \d+)\s+\S")


@dataclass(frozen=True)
class Sentence:
    """One sentence (or bullet) of the document with its 1-based line, section heading and language."""

    text: str
    line: int
    section: str
    lang: str
    index: int = 0
    bullet: bool = False


def language(text: str) -> str:
    """``"en"``, ``"id"`` or ``""`` (too few words to say), by counting stopwords of each language."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN for w in words)
    id_ = sum(w in _ID for w in words)
    if en == id_ == 0:
        return ""
    if en > id_:
        return "en"
    return "id" if id_ > en else ""


def is_heading(line: str) -> bool:
    """A short line without closing punctuation that is numbered, upper-case or Title Case."""
    text = line.strip().lstrip("#").strip()
    if not text or len(text) > 90 or (text.endswith((".", ",", ";", ":")) and not text.isupper()):
        return False
    if text.startswith(("•", "●", "-", "*", "–")):
        return False
    words = text.split()
    if len(words) > 12:
        return False
    if line.lstrip().startswith("#") or text.isupper() or _NUMBERED_HEADING.match(text):
        return True
    capitals = sum(w[:1].isupper() for w in words if len(w) > 3)
    return capitals >= max(1, (sum(len(w) > 3 for w in words) + 1) // 2)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; abbreviations such as "PT." or "e.g." do not end a sentence."""
    pieces: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?;](?=\s+[\"“(]?[A-Z0-9•])", paragraph):
        end = match.end()
        if _ABBREV.search(paragraph[start:end]):
            continue
        pieces.append(paragraph[start:end].strip())
        start = end
    pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def sentences(lines: list[str]) -> list[Sentence]:
    """Every sentence in reading order; bullets are sentences of their own; headings set the section."""
    result: list[Sentence] = []
    section = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if is_heading(line):
            section = _BULLET.sub("", line.lstrip("#").strip())
            result.append(Sentence(section, number, section, language(section), len(result)))
            continue
        body = _BULLET.sub("", line)
        bullet = body != line
        for text in split_sentences(body):
            result.append(Sentence(text, number, section, language(text), len(result), bullet))
    return _fill_languages(result)


def _fill_languages(items: list[Sentence]) -> list[Sentence]:
    """A sentence too short to tell takes the language of its section (or the document's)."""
    by_section: dict[str, Counter[str]] = {}
    for s in items:
        if s.lang:
            by_section.setdefault(s.section, Counter())[s.lang] += 1
    overall = Counter(s.lang for s in items if s.lang)
    default = overall.most_common(1)[0][0] if overall else "en"
    out = []
    for s in items:
        if s.lang:
            out.append(s)
            continue
        counts = by_section.get(s.section)
        lang = counts.most_common(1)[0][0] if counts else default
        out.append(Sentence(s.text, s.line, s.section, lang, s.index, s.bullet))
    return out


def languages(items: list[Sentence]) -> list[str]:
    """Languages making up at least a tenth of the sentences, the larger share first."""
    counts = Counter(s.lang for s in items)
    total = sum(counts.values()) or 1
    return [lang for lang, n in counts.most_common() if n / total >= 0.1 and lang in ("en", "id")] or ["en"]


def align(items: list[Sentence]) -> list[Sentence]:
    """Sentences to extract from in a bilingual text: the larger language part, then what only the other has.

    Both halves usually say the same; extraction keeps the first sentence per value, so reading the main
    language first gives one set of values quoted in one language, and the other half fills gaps.
    """
    langs = languages(items)
    if len(langs) < 2:
        return items
    main = [s for s in items if s.lang == langs[0]]
    rest = [s for s in items if s.lang != langs[0]]
    return main + rest
