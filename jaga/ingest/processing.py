"""What is processed: data subjects, data categories, purposes, recipients, retention and cookies.

Categories are read only from sentences about collecting data (by cue words or the section heading),
purposes from lists introduced as purposes and from "we use your data to ..." sentences. A purpose's
basis is taken from its own sentence or the sentence that introduces its list; otherwise it is marked
not stated (``basis_stated: false``) so that ``jaga check`` reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jaga.ingest.draft import Node, Tree, Val
from jaga.ingest.facts import durations
from jaga.ingest.lexicon import (
    ABROAD,
    BASES,
    CATEGORIES,
    COUNTRIES,
    DEFAULT_USE,
    KIND_NAMES,
    KIND_ROLES,
    NAMED_RECIPIENTS,
    RECIPIENT_KINDS,
    SAFEGUARDS,
    SUBJECTS,
    USES,
    first,
    matches,
)
from jaga.ingest.text import Sentence

_COLLECT = re.compile(
    r"\bcollect|gather|obtain|we (?:may )?(?:receive|process)|you (?:provide|give)|includes?\b|such as|"
    r"mengumpulkan|memperoleh|meliputi|termasuk|antara lain|yang anda berikan",
    re.IGNORECASE,
)
_COLLECT_HEADING = re.compile(
    r"collect|information|data we|type|categor|personal data|data (?:pribadi )?yang|informasi|kumpulkan|jenis data",
    re.IGNORECASE,
)
_PURPOSE_LEAD = re.compile(
    r"purpose|we (?:may )?use (?:your|the|this|personal)|use (?:your|the) information|for the following|"
    r"tujuan|kami (?:dapat )?(?:menggunakan|memproses|mengolah)",
    re.IGNORECASE,
)
_PURPOSE_SENTENCE = re.compile(
    r"we (?:may )?(?:use|process) (?:your |the )?(?:personal )?(?:data|information) (?:to|for)\b|"
    r"kami (?:dapat )?(?:menggunakan|memproses|mengolah) data pribadi anda untuk",
    re.IGNORECASE,
)
_NOT_PURPOSE_LEAD = re.compile(r"legal basis|dasar hukum|\bright|\bhak\b|collect|mengumpulkan|share|disclos", re.I)
_SHARE = re.compile(
    r"\bshare|disclos|transfer|provide (?:it|them|your \w+(?: \w+)?) to|membagikan|mengungkapkan|mentransfer|"
    r"memberikan data|kepada pihak",
    re.IGNORECASE,
)
_RETAIN = re.compile(
    r"\bretain|retention|\bkeep\b|\bkept\b|\bstore[ds]?\b|menyimpan|disimpan|penyimpanan|retensi", re.I
)
_TRIGGERS = [
    (key, re.compile(pattern, re.I))
    for key, pattern in (
        (
            "account_closure",
            r"(?:close|delete|deregister|deactivat)\w* (?:your |the )?account|akun (?:anda )?(?:ditutup|dihapus)",
        ),
        (
            "contract_end",
            r"(?:end|termination|expiry) of (?:the |our |your )?(?:contract|agreement|relationship)|"
            r"berakhirnya (?:perjanjian|kontrak|hubungan)",
        ),
        ("last_interaction", r"last (?:activity|interaction|login|contact|visit|use)|terakhir"),
        ("consent_withdrawn", r"withdraw|menarik persetujuan"),
        ("collection", r"(?:from|after) (?:the (?:date of )?)?collection|sejak (?:tanggal )?(?:pengumpulan|diperoleh)"),
    )
]
_OPT_OUT = re.compile(r"unsubscribe|opt[ -]out|berhenti berlangganan", re.I)
_AUTOMATED = re.compile(r"automated decision|profiling|keputusan otomatis|pemrofilan|pembuatan profil", re.I)
_DECISION = re.compile(
    r"automated decision|decision based solely|keputusan (?:yang )?(?:hanya )?(?:berdasarkan|didasarkan)", re.I
)
_HUMAN_REVIEW = re.compile(
    r"human (?:review|intervention|involvement)|campur tangan manusia|ditinjau oleh manusia", re.I
)
_EFFECT = re.compile(
    r"legal effect|significantly affect|similarly significant|akibat hukum|berdampak (?:signifikan|hukum)", re.I
)
_SESSION = re.compile(r"session cookie|cookie sesi", re.I)
_PERSISTENT = re.compile(r"persistent cookie|cookie (?:persisten|tetap)", re.I)
_COOKIE_CONSENT = re.compile(
    r"(?:consent|agree|accept)\w* (?:to )?(?:the use of |our )?cookies|persetujuan .{0,30}cookie", re.I
)


@dataclass
class Found:
    """Keys found so far with the first sentence that named each: the draft quotes that one."""

    keys: dict[str, Sentence] = field(default_factory=dict)

    def add(self, key: str, sentence: Sentence) -> None:
        self.keys.setdefault(key, sentence)

    def vals(self) -> list[Node]:
        return [Val(key, s) for key, s in self.keys.items()]


def categories(items: list[Sentence], document: list[Sentence]) -> Found:
    """Categories named where the text says what it collects (``document``: ``items`` in reading order)."""
    found = Found()
    for s in items:
        lead = _lead(document, s) if s.bullet else None
        if (
            _COLLECT.search(s.text)
            or (s.bullet and _COLLECT_HEADING.search(s.section))
            or (lead is not None and _COLLECT.search(lead.text))
        ):
            for key in matches(CATEGORIES, s.text):
                found.add(key, s)
    return found


def subjects(items: list[Sentence]) -> Found:
    found = Found()
    for s in items:
        for key in matches(SUBJECTS, s.text):
            found.add(key, s)
    return found


def _lead(document: list[Sentence], s: Sentence) -> Sentence | None:
    """The sentence that introduces the list a bullet belongs to (same section, not a bullet).

    ``document`` is in reading order, so ``document[s.index]`` is ``s``.
    """
    for i in range(s.index - 1, -1, -1):
        prev = document[i]
        if prev.section != s.section and not prev.bullet:
            return prev if prev.text == s.section else None
        if not prev.bullet:
            return prev
    return None


def purpose_sentences(items: list[Sentence]) -> list[tuple[Sentence, Sentence | None]]:
    """Each sentence that states a purpose, with the sentence that introduces it (for its basis)."""
    out: list[tuple[Sentence, Sentence | None]] = []
    for s in items:
        if s.bullet:
            lead = _lead(items, s)
            if lead and _PURPOSE_LEAD.search(lead.text) and not _NOT_PURPOSE_LEAD.search(lead.text):
                out.append((s, lead))
        elif _PURPOSE_SENTENCE.search(s.text) and len(s.text) > 30 and not s.text.endswith(":"):
            out.append((s, None))
    return out


def _slug(text: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2][:4] or ["purpose"]
    key = "_".join(words)
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key}_{n}", n + 1
    taken.add(candidate)
    return candidate


def purposes(items: list[Sentence], cats: Found, subs: Found, lang: str) -> list[Tree]:
    """Purposes in ``lang`` (the main language; the other half of a bilingual text repeats them)."""
    all_cats = list(cats.keys) or ["user"]
    all_subjects = list(subs.keys) or ["customer"]
    opt_out = next((s for s in items if _OPT_OUT.search(s.text)), None)
    taken: set[str] = set()
    out: list[Tree] = []
    stated = purpose_sentences(items)
    # "We rely on legitimate interests when we contact you, do marketing, improve products...": a basis
    # stated once for several uses applies to the purposes with those uses.
    purpose_lines = {x.index for x, _ in stated}
    basis_lists = [x for x in items if x.index not in purpose_lines and first(BASES, x.text) and first(USES, x.text)]
    stated = [(s, lead) for s, lead in stated if s.lang == lang] or stated
    for s, lead in stated[:40]:
        text = " ".join(s.text.split())
        use = first(USES, text) or DEFAULT_USE
        tree: Tree = {
            "key": Val(_slug(text, taken), s),
            "use": Val(use, s, "" if use != DEFAULT_USE else "no more specific use named"),
            "description": {"en": Val(text, s)}
            if s.lang == "en"
            else {"en": Val(text, s, "Bahasa Indonesia text; translate"), "id": Val(text, s)},
        }
        basis_from = next((b for b in (s, lead) if b is not None and first(BASES, b.text)), None)
        uses = set(matches(USES, text))
        basis_from = basis_from or next((b for b in basis_lists if uses & set(matches(USES, b.text))), None)
        if basis_from is not None:
            tree["basis"] = Val(first(BASES, basis_from.text), basis_from)
        else:
            tree["basis"] = Val("consent", None, "the text names no basis for this purpose")
            tree["basis_stated"] = Val(False, None)
        named = [k for k in matches(CATEGORIES, text) if k in cats.keys]
        tree["categories"] = [Val(k, s) for k in named] or [
            Val(k, None, "every category the text lists") for k in all_cats
        ]
        named_subjects = [k for k in matches(SUBJECTS, text) if k in subs.keys]
        tree["subjects"] = [Val(k, s) for k in named_subjects] or [
            Val(k, None, "every subject the text names") for k in all_subjects
        ]
        if use.startswith("marketing.communications"):
            tree["direct_marketing"] = Val(True, s)
            if opt_out:
                tree["opt_out"] = Val(" ".join(opt_out.text.split())[:300], opt_out)
        if _AUTOMATED.search(text):
            tree.update(_automated(text, s))
        out.append(tree)
    if not out:
        out.append(
            {
                "key": Val("unstated_purpose", None),
                "use": Val(DEFAULT_USE, None),
                "description": {"en": Val("The text states no purpose.", None)},
                "basis": Val("consent", None),
                "basis_stated": Val(False, None),
                "categories": [Val(k, None) for k in all_cats],
                "subjects": [Val(k, None) for k in all_subjects],
            }
        )
    return out


def _automated(text: str, s: Sentence) -> Tree:
    """Profiling, or a decision by machine; with legal or similarly significant effect where the text says so."""
    if not _DECISION.search(text):
        return {"automated_decision": Val("profiling", s)}
    reviewed = _HUMAN_REVIEW.search(text)
    tree: Tree = {
        "automated_decision": Val(
            "decision_with_human_review" if reviewed else "decision_without_human_review",
            s,
            "" if reviewed else "the text promises no human review",
        )
    }
    if _EFFECT.search(text):
        tree["legal_effect"] = Val(True, s)
    return tree


def recipients(items: list[Sentence], home: str = "ID") -> list[Tree]:
    out: dict[str, Tree] = {}
    for s in items:
        if not _SHARE.search(s.text):
            continue
        safeguard = first(SAFEGUARDS, s.text)
        named_kinds: set[str] = set()
        for kind, pattern in NAMED_RECIPIENTS:
            for m in pattern.finditer(s.text):
                named_kinds.add(kind)
                country = _country_near(s.text, m)
                _add_recipient(out, _key(m.group(0)), m.group(0), kind, s, country, safeguard)
        for kind, pattern in RECIPIENT_KINDS:
            found = pattern.search(s.text)
            if found and kind not in named_kinds:
                _add_recipient(out, kind, KIND_NAMES[kind], kind, s, _country_near(s.text, found), safeguard)
        if ABROAD.search(s.text) and not first(COUNTRIES, s.text):
            _add_recipient(
                out,
                "recipients_abroad",
                "Recipients outside Indonesia (country not stated)",
                "transfer",
                s,
                "XX",
                safeguard,
            )
    return list(out.values())


def _country_near(text: str, match: re.Match[str]) -> str | None:
    """A country named right after the recipient ("Amazon Web Services in Singapore")."""
    return first(COUNTRIES, text[match.start() : match.end() + 40])


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "recipient"


def _add_recipient(
    out: dict[str, Tree], key: str, name: str, kind: str, s: Sentence, country: str | None, safeguard: str | None
) -> None:
    if key in out:
        return
    tree: Tree = {
        "key": Val(key, s),
        "name": Val(name, s),
        "kind": Val("transfer_abroad" if kind == "transfer" else kind, s),
        "role": Val(
            KIND_ROLES.get(kind, "processor"),
            s if kind in KIND_ROLES else None,
            "" if kind in KIND_ROLES else "role assumed from the kind of recipient",
        ),
    }
    if country == "XX":
        tree["country"] = Val("XX", s, "the text says abroad but names no country (XX = unknown)")
    elif country:
        tree["country"] = Val(country, s)
    else:
        tree["country"] = Val("ID", None, "country of this recipient")
    if country:
        tree["safeguard"] = Val(safeguard, s) if safeguard else Val("unspecified", None, "no safeguard is named")
    out[key] = tree


def retention(items: list[Sentence], cats: Found) -> list[Tree]:
    out: list[Tree] = []
    seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
    for s in items:
        if not (_RETAIN.search(s.text) or _RETAIN.search(s.section)):
            continue
        for period in durations(s.text):
            trigger = next((k for k, p in _TRIGGERS if p.search(s.text)), None)
            named = [k for k in matches(CATEGORIES, s.text) if k in cats.keys]
            if (str(period), trigger, tuple(named)) in seen:  # the same promise repeated (e.g. both languages)
                continue
            seen.add((str(period), trigger, tuple(named)))
            out.append(
                {
                    "key": Val(f"retention_{len(out) + 1}", s),
                    "categories": [Val(k, s) for k in named] or [Val(k, None, "every category") for k in cats.keys],
                    "duration": Val(str(period), s),
                    "trigger": Val(trigger, s) if trigger else Val("purpose_fulfilled", None, "no starting event"),
                }
            )
    return out if cats.keys else []


_COOKIE_USE = re.compile(r"cookies?\b.{0,80}\b(?:to|for|untuk|agar)\b", re.I)


def cookie_purpose(items: list[Sentence], subs: Found) -> Tree | None:
    """A purpose for the cookies the text describes, from the sentence that says what they are for."""
    s = next((x for x in items if _COOKIE_USE.search(x.text)), None)
    if s is None or not (any(_SESSION.search(x.text) or _PERSISTENT.search(x.text) for x in items)):
        return None
    text = " ".join(s.text.split())
    return {
        "key": Val("cookies", s),
        "use": Val(first(USES, text) or DEFAULT_USE, s),
        "description": {"en": Val(text, s)},
        "basis": Val("consent", None, "the text names no basis for cookies"),
        "basis_stated": Val(False, None),
        "categories": [Val("user.device.cookie_id", s)],
        "subjects": [Val(k, None, "every subject the text names") for k in subs.keys] or [Val("visitor", None)],
    }


def cookies(items: list[Sentence]) -> list[Tree]:
    """Session and persistent cookies the text mentions; they serve the ``cookies`` purpose."""
    consent = next((s for s in items if _COOKIE_CONSENT.search(s.text)), None)
    out: list[Tree] = []
    for kind, pattern in (("session", _SESSION), ("persistent", _PERSISTENT)):
        s = next((x for x in items if pattern.search(x.text)), None)
        if s is None:
            continue
        out.append(
            {
                "name": Val(f"{kind} cookies (names not stated)", s),
                "kind": Val(kind, s),
                "purpose": Val("cookies", s),
                "consent_required": Val(True, consent)
                if consent
                else Val(False, None, "no cookie consent is described"),
            }
        )
    return out
