"""Facts stated once in a policy: who the controller is, how to reach it and its DPO, which law,
languages, rights and how fast they are answered, breach promises and children.

Each function returns draft nodes (:class:`Val` with the sentence quoted) and never fills a fact the
text does not give; where the schema needs a value anyway, the value is marked not stated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jaga.ingest.draft import Node, Tree, Val
from jaga.ingest.lexicon import RIGHTS, matches
from jaga.ingest.text import Sentence, languages
from jaga.policy.duration import Duration

_LEGAL_NAME = re.compile(
    r"\b(PT\.? (?:[A-Z0-9][\w&-]*\.? ?){1,6}?(?:Tbk\.?)?)(?=\s*(?:\(|,|\bis\b|\badalah\b|$|\.|\n))"
    r"|\b((?:[A-Z][\w&-]* ){1,5}(?:Inc|Ltd|LLC|GmbH|B\.V|Pte\. Ltd|Sdn\. Bhd)\.?)"
)
_TRADE_NAME = re.compile(r"^\s*\((?:[^“\"()]{0,30})[“\"]([^”\"]{1,40})[”\"]")
_PRONOUNS = {"we", "us", "our", "kami", "kita", "the company", "company", "perusahaan", "controller"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+62|\(0\d{1,3}\)|\b0\d{2,3})[\d\s().-]{6,16}\d")
_URL = re.compile(r"\b(?:https?://|www\.)[\w.-]+\.[a-z]{2,}[\w/.-]*", re.IGNORECASE)
_DPO = re.compile(
    r"data protection officer|\bDPO\b|pejabat (?:atau petugas )?(?:yang melaksanakan fungsi )?pelindungan data|"
    r"petugas pelindungan data|privacy officer",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"^(?:address|alamat|registered office|kantor)\s*:|\bJl\.|\bJalan\b", re.IGNORECASE)
_UPDATED = re.compile(
    r"(?:last updated|effective (?:date|from|as of)|terakhir diperbarui|berlaku (?:sejak|mulai))\s*:?\s*(.+)",
    re.IGNORECASE,
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "januari", "jan"),
            ("february", "februari", "feb"),
            ("march", "maret", "mar"),
            ("april", "apr"),
            ("may", "mei"),
            ("june", "juni", "jun"),
            ("july", "juli", "jul"),
            ("august", "agustus", "aug", "agu"),
            ("september", "sep", "sept"),
            ("october", "oktober", "oct", "okt"),
            ("november", "nov"),
            ("december", "desember", "dec", "des"),
        ]
    )
    for m in names
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "thirty": 30,
    "fourteen": 14, "twelve": 12, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "sepuluh": 10, "empat belas": 14, "tiga puluh": 30, "dua belas": 12, "a": 1, "an": 1, "se": 1,
}  # fmt: skip
_DURATION = re.compile(
    r"\b(\d+\s*[x×]\s*\d+|\d+|one|two|three|four|five|six|seven|ten|twelve|fourteen|thirty|a|an|satu|dua|tiga|"
    r"empat belas|empat|lima|enam|tujuh|sepuluh|dua belas|tiga puluh)\s*(?:\([\w\s]+\)\s*)?"
    r"(?:working |business |calendar |kerja |kalender )?"
    r"(hours?|days?|weeks?|months?|years?|jam|hari|minggu|bulan|tahun)\b",
    re.IGNORECASE,
)
_RIGHTS_CONTEXT = re.compile(r"\bright|\bhak\b|you (?:can|may) (?:ask|request)|anda (?:dapat|berhak)", re.IGNORECASE)
_RIGHTS_SECTION = re.compile(r"\bright|\bhak\b|access|control|choices|pilihan|kendali", re.IGNORECASE)
_RESPOND = re.compile(r"respon|reply|answer|menanggapi|menjawab|menindaklanjuti|memproses permintaan", re.IGNORECASE)
_BREACH = re.compile(r"breach|security incident|kegagalan pelindungan|kebocoran data|insiden", re.IGNORECASE)
_NOTIFY = re.compile(r"notif|inform|memberitahu|pemberitahuan|menyampaikan", re.IGNORECASE)
_SUBJECTS = re.compile(r"\byou\b|\banda\b|individuals|data subjects|subjek data|affected", re.IGNORECASE)
_AUTHORITY = re.compile(r"authorit|regulator|lembaga|kementerian", re.IGNORECASE)
_CHILD = re.compile(r"\bchild(?:ren)?\b|\bminors?\b|\banak\b|di bawah umur|belum dewasa", re.IGNORECASE)
_PARENT = re.compile(r"parent|guardian|orang tua|\bwali\b", re.IGNORECASE)
_NOT_FOR_CHILDREN = re.compile(
    r"not (?:intended|directed|designed) (?:for|to|at) (?:children|minors|anyone under)|"
    r"do not knowingly collect|tidak ditujukan (?:untuk|bagi) anak",
    re.IGNORECASE,
)
_MIN_AGE = re.compile(
    r"(?:under|below|younger than|di bawah|belum berusia)(?: the age of| umur| usia)? (\d{1,2})", re.IGNORECASE
)
_GDPR = re.compile(r"\bGDPR\b|General Data Protection Regulation|2016/679", re.IGNORECASE)
_UU_PDP = re.compile(r"\bUU PDP\b|Pelindungan Data Pribadi|Law No\.? 27 of 2022|Indonesia", re.IGNORECASE)
_PREVAIL = re.compile(r"prevail|shall govern|yang berlaku|berlaku (?:adalah|yang)|akan berlaku", re.IGNORECASE)


def first(items: list[Sentence], pattern: re.Pattern[str]) -> Sentence | None:
    return next((s for s in items if pattern.search(s.text)), None)


def durations(text: str) -> Iterator[Duration]:
    """Every period written in ``text`` ("30 days", "one month", "3x24 jam", "14 (empat belas) hari")."""
    for match in _DURATION.finditer(text):
        amount, unit = match.group(1).lower(), match.group(2).lower()
        number = str(_NUMBER_WORDS[amount]) if amount in _NUMBER_WORDS else amount
        try:
            yield Duration.parse(f"{number} {unit}")
        except ValueError:
            continue


def controller(items: list[Sentence]) -> Tree:
    """``controller:`` with every fact the text states; the rest left out or marked not stated."""
    tree: Tree = {}
    for s in items[:60]:
        match = _LEGAL_NAME.search(s.text)
        if match:
            name = (match.group(1) or match.group(2)).strip().rstrip(",")
            tree["legal_name"] = Val(name, s)
            trade = _TRADE_NAME.match(s.text[match.end() :])
            if trade and trade.group(1).strip(" ,;").lower() not in _PRONOUNS:
                tree["trade_name"] = Val(trade.group(1).strip(" ,;"), s)
            break
    else:
        tree["legal_name"] = Val("(controller not named)", None, "write the company's legal name")
    address = first(items, _ADDRESS)
    if address:
        tree["address"] = Val(_ADDRESS.sub("", address.text, count=1).strip(" :") or address.text, address)
    dpo_email: tuple[str, Sentence] | None = None
    contact: Tree = {}
    for i, s in enumerate(items):
        emails = _EMAIL.findall(s.text)
        if not emails:
            continue
        near = items[max(0, i - 3) : i + 1]
        if dpo_email is None and any(_DPO.search(n.text) for n in near):
            dpo_email = (emails[0], s)
        if "email" not in contact:
            contact["email"] = Val(emails[0], s)
    phone = next(((m, s) for s in items if (m := _PHONE.search(s.text)) and not _EMAIL.search(m.group(0))), None)
    if phone:
        contact["phone"] = Val(phone[0].group(0).strip(), phone[1])
    if contact:
        tree["contact"] = contact
    if dpo_email:
        tree["dpo"] = {"email": Val(dpo_email[0], dpo_email[1])}
    indonesia = first(items, re.compile(r"\bIndonesia"))
    tree["jurisdiction"] = Val("ID", indonesia, "" if indonesia else "jaga's default")
    tree["regimes"] = _regimes(items)
    tree.update(_languages(items))
    website = _website(items, contact)
    if website:
        tree["website"] = website
    return tree


def _regimes(items: list[Sentence]) -> list[Node]:
    out: list[Node] = []
    home = first(items, _UU_PDP)
    out.append(Val("uu_pdp", home, "" if home else "jaga's default; the text names no law"))
    gdpr = first(items, _GDPR)
    if gdpr:
        out.append(Val("gdpr", gdpr))
    return out


def _languages(items: list[Sentence]) -> Tree:
    found = languages(items)
    evidence = {lang: next(s for s in items if s.lang == lang) for lang in found}
    published: list[Node] = [Val(lang, evidence[lang], "language of this sentence") for lang in found]
    tree: Tree = {"languages": published}
    stated = next(
        (s for s in items if _PREVAIL.search(s.text) and re.search(r"english|inggris|indonesia", s.text, re.I)), None
    )
    if stated:
        lang = "id" if re.search(r"(?:bahasa|version|versi) indonesia|indonesian", stated.text, re.I) else "en"
        tree["prevailing_language"] = Val(lang, stated)
        if lang not in found:  # the text names a version this file does not hold: it is published elsewhere
            published.append(Val(lang, stated, "version named by the text"))
    elif len(found) == 1:
        tree["prevailing_language"] = Val(found[0], evidence[found[0]], "the only language of the text")
    else:
        tree["prevailing_language"] = Val(found[0], None, "the larger part of the text")
    return tree


def _website(items: list[Sentence], contact: Tree) -> Val | None:
    email = contact.get("email")
    domain = str(email.value).split("@")[1].lower() if isinstance(email, Val) else None
    for s in items:
        for url in _URL.findall(s.text):
            if domain and domain in url.lower():
                return Val(url.rstrip("."), s)
    return None


def version(items: list[Sentence]) -> Tree:
    for s in items[:40]:
        match = _UPDATED.search(s.text)
        if match:
            day = _date(match.group(1))
            tree: Tree = {"version": Val(day or match.group(1).strip()[:40], s)}
            if day:
                tree["published_on"] = Val(day, s)
            return tree
    return {"version": Val("draft", None, "write the policy's version or date")}


def _date(text: str) -> str | None:
    m = re.search(r"(\d{1,2}) (\w+),? (\d{4})|(\w+) (\d{1,2}),? (\d{4})|(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    if m.group(7):
        return f"{m.group(7)}-{m.group(8)}-{m.group(9)}"
    day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
    number = _MONTHS.get(month.lower())
    return f"{year}-{number:02d}-{int(day):02d}" if number else None


def rights(items: list[Sentence]) -> Tree:
    offered: dict[str, Sentence] = {}
    channels: dict[str, Sentence] = {}
    response: Val | None = None
    for s in items:
        context = _RIGHTS_CONTEXT.search(s.text) or _RIGHTS_SECTION.search(s.section)
        if not context:
            continue
        for email in _EMAIL.findall(s.text):
            channels.setdefault(f"E-mail: {email}", s)
        for key in matches(RIGHTS, s.text):
            offered.setdefault(key, s)
        if response is None and _RESPOND.search(s.text):
            found = next(durations(s.text), None)
            if found:
                response = Val(str(found), s)
    tree: Tree = {
        "offered": [Val(key, s) for key, s in offered.items()] if offered else Val([], None, "no right is listed")
    }
    if response:
        tree["response_time"] = {"default": response}
    if channels:
        tree["channels"] = [Val(channel, s) for channel, s in channels.items()]
    return tree


def breach(items: list[Sentence]) -> Tree:
    tree: Tree = {}
    for s in items:
        if not (_BREACH.search(s.text) and _NOTIFY.search(s.text)):
            continue
        tree.setdefault("note", Val(" ".join(s.text.split())[:300], s))
        found = next(durations(s.text), None)
        if found:
            if _AUTHORITY.search(s.text):
                tree.setdefault("notify_authority_within", Val(str(found), s))
            if _SUBJECTS.search(s.text) or not _AUTHORITY.search(s.text):
                tree.setdefault("notify_subjects_within", Val(str(found), s))
    return tree


def children(items: list[Sentence]) -> Tree:
    tree: Tree = {}
    mentions = [s for s in items if _CHILD.search(s.text)]
    refusal = next((s for s in mentions if _NOT_FOR_CHILDREN.search(s.text)), None)
    parental = next((s for s in mentions if _PARENT.search(s.text)), None)
    if parental and not refusal:
        tree["served"] = Val(True, parental)
        tree["parental_consent"] = Val(True, parental)
    elif refusal:
        tree["served"] = Val(False, refusal)
    age = next(((m, s) for s in mentions if (m := _MIN_AGE.search(s.text))), None)
    if age:
        tree["minimum_age"] = Val(min(int(age[0].group(1)), 21), age[1])
    return tree
