"""The text scanner: one compiled regex pass proposes candidates, validators and context decide.

Speed comes from never running a per-entity regex over the whole text: the master pattern's
branches all start at a word boundary, an ``@`` or a digit, so ``re`` skips ordinary prose in C, and
Python code only runs on the few candidates that could be personal data. Keyword-led entities
(names, addresses, dates of birth, salaries, health terms) match only their trigger word in the
master pass; their value is then read with an anchored regex from the trigger onwards, so a phone
number inside an address is still seen by the master pass.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, partial

import phonenumbers

from jaga.discover import _model as m
from jaga.discover._checks import card_ok, iban_ok, kk_ok, nik_ok, npwp15_ok, plausible_date
from jaga.discover._context import BANK_LENGTHS, Context, Cue, CueIndex, lower_same_length, trie_regex
from jaga.discover._model import Finding

Found = tuple[str, float, str | None]  # category, confidence, detail
_Ctx = Callable[[int, int], Context]  # the context of the candidate text[start:end]

_NAME_CUES = {
    "nama": 0.85, "nama saya": 0.85, "nama lengkap": 0.88, "name": 0.85, "my name is": 0.88,
    "full name": 0.88, "a.n.": 0.85, "a.n": 0.85, "a/n": 0.8, "atas nama": 0.88, "bapak": 0.75,
    "bpk": 0.75, "bpk.": 0.75, "ibu": 0.72, "pak": 0.72, "bu": 0.7, "sdr": 0.75, "sdr.": 0.75,
    "sdri": 0.75, "sdri.": 0.75, "saudara": 0.72, "saudari": 0.72, "mr": 0.78, "mr.": 0.78,
    "mrs": 0.78, "mrs.": 0.78, "ms": 0.75, "ms.": 0.75, "yth": 0.75, "yth.": 0.75, "kepada": 0.65,
    "dear": 0.72, "pelanggan": 0.6, "customer": 0.6, "penerima": 0.75, "recipient": 0.75,
    "pasien": 0.75, "patient": 0.75, "i am": 0.7, "i'm": 0.7,
}  # fmt: skip
_STREET_CUES = ("jl", "jl.", "jln", "jln.", "jalan", "gang", "gg", "gg.", "komplek", "kompleks",
                "perumahan", "perum", "perum.")  # fmt: skip
_ADDRESS_CUES = ("alamat", "address", "alamat rumah", "domisili", "tinggal di", "alamat pengiriman",
                 "kirim ke", "dikirim ke", "shipping address", "home address", "lives at",
                 "alamat lengkap", "alamat saya", "my address is")  # fmt: skip
_DOB_CUES = ("lahir", "tgl lahir", "tgl. lahir", "tanggal lahir", "ttl", "dob", "d.o.b.",
             "date of birth", "born", "born on", "birthday", "birth date", "kelahiran", "lahir pada",
             "tempat tanggal lahir", "tempat/tgl lahir", "tempat, tanggal lahir")  # fmt: skip
_SALARY_CUES = ("gaji", "gaji pokok", "salary", "upah", "penghasilan", "pendapatan", "income",
                "thp", "take home pay", "gajinya", "base pay", "annual salary", "gaji bersih",
                "gaji kotor", "monthly salary")  # fmt: skip
_HEALTH_TERMS = (
    "diabetes", "diabetes melitus", "hipertensi", "darah tinggi", "asma", "tbc", "tuberkulosis",
    "hiv", "aids", "kanker", "kanker payudara", "stroke", "depresi", "gangguan kecemasan",
    "skizofrenia", "bipolar", "epilepsi", "hepatitis", "hepatitis b", "demam berdarah", "dbd",
    "tifus", "gagal ginjal", "penyakit jantung", "jantung koroner", "kolesterol tinggi",
    "asam urat", "autisme", "adhd", "hamil", "kehamilan", "keguguran", "osteoporosis", "leukemia",
    "thalassemia", "talasemia", "lupus", "migrain", "vertigo", "maag", "gerd", "anemia",
    "pneumonia", "bronkitis", "katarak", "glaukoma", "rematik", "obesitas", "kemoterapi",
    "cuci darah", "hypertension", "high blood pressure", "asthma", "tuberculosis", "cancer",
    "breast cancer", "depression", "anxiety disorder", "schizophrenia", "bipolar disorder",
    "epilepsy", "kidney failure", "heart disease", "pregnant", "pregnancy", "miscarriage",
    "dementia", "alzheimer", "parkinson", "leukaemia", "migraine", "chemotherapy", "dialysis",
    "covid-19", "hiv positif", "hiv positive", "ptsd", "insulin",
)  # fmt: skip
_HEALTH_CONTEXT = re.compile(
    r"(?<!\w)(?:" + trie_regex(("diagnosa", "didiagnosis", "diagnosis", "diagnosed", "penyakit",
    "sakit", "menderita", "riwayat", "rawat", "dirawat", "dokter", "rumah sakit", "rs", "pasien",
    "obat", "terapi", "medis", "medical", "suffers", "suffering", "treatment", "patient",
    "hospital", "kondisi", "condition", "klinik", "clinic", "idap", "mengidap", "kontrol",
    "history")) + r")(?!\w)"
)  # fmt: skip

_KIND: dict[str, str] = {}
for _words, _kind in (
    (_NAME_CUES, "name"), (_STREET_CUES, "street"), (_ADDRESS_CUES, "address"), (_DOB_CUES, "dob"),
    (_SALARY_CUES, "salary"), (_HEALTH_TERMS, "health"),
):  # fmt: skip
    for _w in _words:
        _KIND.setdefault(_w, _kind)

# Each pass starts with a plain character class, which lets ``re`` skip other text in a C loop
# instead of trying every alternative at every position. Lookbehinds come after the first
# character so they do not defeat that optimisation.
_NUMBER = re.compile(r"[0-9+(](?<![\w.,/+\-][0-9+(])(?:(?<=[0-9])|[0-9])(?:\)?[ .\-]?\(?[0-9])*")
_UPPER = re.compile(
    r"[A-Z](?<![\w][A-Z])(?:(?P<iban>[A-Z][0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)"
    r"|(?P<passport>[A-Z]?[0-9]{7}))(?!\w)"
)
_COLON = re.compile(r":(?<=[0-9A-Fa-f:]:)(?=[0-9A-Fa-f:])")
_IP6_CHARS = frozenset("0123456789abcdefABCDEF:.")
_KEYWORD_TRIE = trie_regex(sorted(_KIND, key=len, reverse=True))
_KEYWORD = re.compile(r"[\s(\[:;,.\"'/*#>-](" + _KEYWORD_TRIE + r")(?![\w])")
_KEYWORD_AT_START = re.compile("(" + _KEYWORD_TRIE + r")(?![\w])")
_IP4_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
_LOCAL_EXTRA = frozenset("._%+-'")
_NON_DIGIT = re.compile(r"\D")
_NPWP_FORMAT = re.compile(r"\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}")
_SPACE_TOKEN = re.compile(r"[^ ]+")

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6,
    "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8,
    "agt": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
    "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "(?i:" + trie_regex(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    r"(?<!\d)(?:(?P<d1>\d{1,2})[-/. ](?P<m1>\d{1,2})[-/. ](?P<y1>\d{4}|\d{2})"
    r"|(?P<y2>\d{4})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})"
    rf"|(?P<d3>\d{{1,2}})\s+(?P<mn3>{_MONTH_RE}),?\s+(?P<y3>\d{{4}})"
    rf"|(?P<mn4>{_MONTH_RE})\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}}))(?!\d)"
)
_AMOUNT = re.compile(
    r"(?i:(?:rp\.?|idr|usd|us\$|\$|sgd|eur|€)\s?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?:,-)?"
    r"|(?:rp\.?|idr|usd|\$)\s?\d+(?:[.,]\d+)?\s?(?:juta|jt|ribu|rb|k|m|million|thousand)?(?!\w)"
    r"|\d+(?:[.,]\d+)?\s?(?:juta|jt|million)(?!\w)"
    r"|\d{1,3}(?:[.,]\d{3}){1,3}(?![\d.,]\d))"
)
_NAME_VALUE = re.compile(
    r"[\s:,\-]*(?:(?:saya|adalah|is|lengkap|:)\s*)*"
    r"(?P<v>[A-Z][a-zA-Z'’\-]+\.?(?:[ ](?:[A-Z][a-zA-Z'’\-]+|[A-Z]\.)){0,4})"
)
_NOT_NAMES = frozenset(
    [
        "Kota",
        "Saya",
        "Yang",
        "Anda",
        "Kami",
        "The",
        "Tolong",
        "Mohon",
        "Terima",
        "Kasih",
        "Sudah",
        "Belum",
        "Apakah",
        "Bisa",
        "Tidak",
        "Ada",
        "Jl",
        "Jalan",
        "Customer",
        "Pelanggan",
        "Rekening",
        "Bank",
        "Dengan",
        "Untuk",
        "Dan",
        "Please",
        "Thanks",
        "Hi",
        "Halo",
        "Selamat",
        "Email",
        "Nomor",
        "No",
        "Alamat",
        "Data",
        "Lengkap",
        "Service",
        "Support",
        "Team",
        "Tim",
        "Admin",
        "Kak",
        "Gan",
    ]
)
_ADDRESS_VALUE = re.compile(r"[\s:,\-]*(?:(?:di|saya|is|:)\s+)*")
_POSTAL = re.compile(r"(?<!\d)\d{5}(?!\d)")
_ADDRESS_STOP = re.compile(
    r"[.!?](?=\s|$)|,?\s+(?i:hp|telp|telepon|no\.? ?hp|e-?mail|nik|npwp|tolong|mohon|please|"
    r"phone|dan nomor|and my|terima kasih|thanks|sejak|since|karena|because)(?!\w)"
)
_ABBREVIATIONS = frozenset(
    [
        "no",
        "jl",
        "jln",
        "kel",
        "kec",
        "kab",
        "gg",
        "rt",
        "rw",
        "blk",
        "blok",
        "ds",
        "kp",
        "prov",
        "kav",
        "perum",
        "komp",
        "lt",
        "gd",
        "dsn",
        "ds",
        "kel.",
        "kota",
        "st",
        "rd",
        "ave",
        "apt",
        "ste",
    ]
)


def _email(text: str, at: int) -> tuple[int, int] | None:
    """Expand an ``@`` into the whole address: cheaper than a regex that tries every word start."""
    i = at
    while i > 0 and at - i < 64 and (text[i - 1].isalnum() or text[i - 1] in _LOCAL_EXTRA):
        i -= 1
    while i < at and text[i] in ".-'":
        i += 1
    domain = _DOMAIN.match(text, at + 1)
    if i == at or domain is None:
        return None
    return i, domain.end()


@cache
def _id_phone_patterns() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """libphonenumber's own patterns for Indonesian numbers, compiled once.

    ``phonenumbers.parse`` costs ~100 µs a call, mostly generic normalisation we do not need for a
    string that is already digits; matching its metadata directly gives the same verdict in ~1 µs.
    """
    md = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    if md is None or md.general_desc is None or not md.general_desc.national_number_pattern:
        raise RuntimeError("phonenumbers ships no metadata for Indonesia")
    kinds = []
    for label, desc in (("mobile", md.mobile), ("fixed_line", md.fixed_line), ("phone", md.voip),
                        ("phone", md.uan), ("phone", md.toll_free)):  # fmt: skip
        if desc is not None and desc.national_number_pattern:
            kinds.append((label, re.compile(desc.national_number_pattern)))
    return re.compile(md.general_desc.national_number_pattern), tuple(kinds)


def _phone(number: str, international: bool) -> str | None:
    """``mobile``/``fixed_line``/``phone`` if libphonenumber's metadata accepts the digits, else ``None``."""
    if international and not number.startswith("62"):
        return _foreign_phone(number)
    national = number[2:] if international else number[1:]
    if not national or national[0] == "0":
        return None
    general, kinds = _id_phone_patterns()
    if general.fullmatch(national) is None:
        return None
    for label, pattern in kinds:
        if pattern.fullmatch(national):
            return label
    return None


@lru_cache(maxsize=4096)
def _foreign_phone(number: str) -> str | None:
    """Non-Indonesian international numbers: rare, so the full (slow) parser is affordable."""
    try:
        parsed = phonenumbers.parse("+" + number, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = phonenumbers.number_type(parsed)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return "mobile"
    return "fixed_line" if kind == phonenumbers.PhoneNumberType.FIXED_LINE else "phone"


def _cued(ctx: Context, own: tuple[Cue, ...], base: float, bonus: float) -> float:
    """Confidence after context: own cue adds ``bonus`` (half if far), negative cue subtracts."""
    cue = ctx.cue
    if cue is None:
        return base
    if cue is Cue.NEGATIVE:
        return base - 0.5
    if cue in own:
        return min(0.99, base + (bonus if ctx.near else bonus / 2))
    return base - 0.1


def _classify(digits: str, raw: str, ctx: Context) -> Found | None:
    """Best reading of a digit string: every identifier it could be, scored, the highest kept."""
    n = len(digits)
    best: Found | None = None

    def offer(category: str, confidence: float, detail: str | None = None) -> None:
        nonlocal best
        if confidence > 0 and (best is None or confidence > best[1]):
            best = (category, confidence, detail)

    if n == 16:
        if nik_ok(digits):
            offer(m.NIK, _cued(ctx, (Cue.NIK,), 0.8, 0.19), "female" if digits[6] >= "4" else "male")
            offer(m.NPWP, _cued(ctx, (Cue.NPWP,), 0.0, 0.95))
        if kk_ok(digits) or nik_ok(digits):
            offer(m.KK, _cued(ctx, (Cue.KK,), 0.0, 0.96))
    if 13 <= n <= 19:
        brand = card_ok(digits)
        if brand:
            offer(m.CARD, _cued(ctx, (Cue.CARD,), 0.75, 0.22), brand)
    if n == 15 and npwp15_ok(digits):
        base = 0.9 if _NPWP_FORMAT.fullmatch(raw) else 0.6
        offer(m.NPWP, _cued(ctx, (Cue.NPWP,), base, 0.35))
    if n == 13:
        offer(m.BPJS_KES, _cued(ctx, (Cue.BPJS_KES, Cue.BPJS), 0.0, 0.95))
    if n == 11:
        offer(m.BPJS_TK, _cued(ctx, (Cue.BPJS_TK,), 0.0, 0.95))
        offer(m.BPJS_TK, _cued(ctx, (Cue.BPJS,), 0.0, 0.85))
    if 12 <= n <= 14 and digits[0] != "0":
        offer(m.SIM, _cued(ctx, (Cue.SIM,), 0.0, 0.92))
    if 8 <= n <= 18 and ctx.cue in (Cue.BANK, Cue.ACCOUNT):
        fits = ctx.bank is not None and n in BANK_LENGTHS.get(ctx.bank, ())
        offer(m.BANK, (0.8 if ctx.near else 0.65) + (0.15 if fits else 0.0), ctx.bank)
    if 9 <= n <= 15:
        international = raw[0] == "+" or (digits[:2] == "62" and n >= 10)
        if international or digits[0] == "0":
            kind = _phone(digits, international)
            if kind is not None:
                offer(m.PHONE, _cued(ctx, (Cue.PHONE,), 0.85 if raw[0] == "+" else 0.8, 0.18), kind)
    return best


class Scanner:
    """Finds personal data in strings; one instance is immutable and safe to share across threads."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        self.min_confidence = min_confidence

    def scan(self, text: str, hint: Cue | None = None) -> list[Finding]:
        """All findings at or above the threshold, overlaps resolved, ordered by position.

        ``hint`` is the cue implied by where the text came from (a column named ``bpjs``) and is
        used when the text itself carries none.
        """
        out: list[Finding] = []
        add = out.append
        low = lower_same_length(text)
        ctx: _Ctx = partial(CueIndex(text, low).at, hint=hint)
        for match in _NUMBER.finditer(text):
            s, e = match.span()
            if e - s >= 7:
                self._number(text, s, e, ctx, add)
        for match in _UPPER.finditer(text):
            s, e = match.span()
            if match.lastgroup == "iban":
                if iban_ok(text[s:e].replace(" ", "")):
                    add(Finding(s, e, m.BANK, 0.95, "iban", "iban"))
            else:
                self._passport(text, s, e, ctx, add)
        at = text.find("@")
        while at != -1:
            span = _email(text, at)
            if span:
                add(Finding(span[0], span[1], m.EMAIL, 0.97, "email"))
            at = text.find("@", at + 1)
        self._ipv6(text, ctx, add)
        for s, e in _keywords(low):
            self._keyword(text, s, e, add)
        return resolve(f for f in out if f.confidence >= self.min_confidence)

    def scan_value(self, value: str, hint: Cue | None = None) -> list[Finding]:
        """Like :meth:`scan`, with a fast path for the common column value that is one bare number.

        A column of NIKs holds nothing but the digits, so there is no surrounding text to find cues
        in: the column's own hint is the context, and the text passes can be skipped.
        """
        if _NUMBER.fullmatch(value) is None or len(value) < 7:
            return self.scan(value, hint)
        out: list[Finding] = []
        self._number(value, 0, len(value), partial(CueIndex(value).at, hint=hint), out.append)
        return [f for f in out if f.confidence >= self.min_confidence]

    @staticmethod
    def _number(text: str, s: int, e: int, ctx: _Ctx, add: Callable[[Finding], None]) -> None:
        raw = text[s:e]
        if raw.count(".") == 3 and _IP4_SHAPE.fullmatch(raw) and Scanner._ip(text, s, e, ctx, add):
            return
        found = _classify(_NON_DIGIT.sub("", raw), raw, ctx(s, e))
        if found is not None:
            add(Finding(s, e, found[0], round(found[1], 3), _DETECTOR[found[0]], found[2]))
            return
        if " " not in raw:
            return
        # Two values run together ("NIK 3174... 0812..."): try the longest valid runs of tokens.
        tokens = [(s + t.start(), s + t.end()) for t in _SPACE_TOKEN.finditer(raw)]
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                ts, te = tokens[i][0], tokens[j - 1][1]
                if j - i == len(tokens):
                    continue
                part = text[ts:te]
                digits = _NON_DIGIT.sub("", part)
                if len(digits) < 7:
                    break
                found = _classify(digits, part, ctx(ts, te))
                if found is not None:
                    add(Finding(ts, te, found[0], round(found[1], 3), _DETECTOR[found[0]], found[2]))
                    i = j - 1
                    break
            i += 1

    @staticmethod
    def _ipv6(text: str, ctx: _Ctx, add: Callable[[Finding], None]) -> None:
        covered = -1
        for match in _COLON.finditer(text):
            if match.start() < covered:
                continue
            s = e = match.start()
            while s > 0 and e - s < 45 and text[s - 1] in _IP6_CHARS:
                s -= 1
            while e < len(text) and e - s < 45 and text[e] in _IP6_CHARS:
                e += 1
            while e > s and text[e - 1] in ".:" and text[e - 2 : e] != "::":
                e -= 1
            covered = e
            if (s == 0 or not text[s - 1].isalnum()) and (e == len(text) or not text[e].isalnum()):
                Scanner._ip(text, s, e, ctx, add)

    @staticmethod
    def _ip(text: str, s: int, e: int, ctx: _Ctx, add: Callable[[Finding], None]) -> bool:
        try:
            address = ipaddress.ip_address(text[s:e])
        except ValueError:
            return False
        base = 0.9 if address.version == 6 else 0.8
        add(Finding(s, e, m.IP, round(_cued(ctx(s, e), (Cue.IP,), base, 0.17), 3), "ip", f"ipv{address.version}"))
        return True

    @staticmethod
    def _passport(text: str, s: int, e: int, ctx: _Ctx, add: Callable[[Finding], None]) -> None:
        base = 0.45 if e - s == 8 and text[s] in "ABCEX" else 0.3
        add(Finding(s, e, m.PASSPORT, round(_cued(ctx(s, e), (Cue.PASSPORT,), base, 0.53), 3), "passport"))

    @staticmethod
    def _keyword(text: str, s: int, e: int, add: Callable[[Finding], None]) -> None:
        word = text[s:e].lower()
        kind = _KIND[word]
        if kind == "name":
            value = _NAME_VALUE.match(text, e)
            if value is not None:
                vs, ve = value.span("v")
                first = text[vs:ve].split(" ", 1)[0].rstrip(".")
                if first not in _NOT_NAMES and ve - vs >= 3:
                    add(Finding(vs, ve, m.NAME, _NAME_CUES[word], "name"))
        elif kind in ("address", "street"):
            start = s if kind == "street" else _ADDRESS_VALUE.match(text, e).end()  # type: ignore[union-attr]
            end = _address_end(text, start)
            if end - start >= 8:
                confidence = 0.85 if kind == "address" else 0.75
                if _POSTAL.search(text, start, end):
                    confidence += 0.1
                add(Finding(start, end, m.ADDRESS, confidence, "address"))
        elif kind == "dob":
            date = _DATE.search(text, e, e + 40)
            if date is not None and _date_ok(date):
                add(Finding(date.start(), date.end(), m.DOB, 0.9, "date_of_birth"))
        elif kind == "salary":
            amount = _AMOUNT.search(text, e, e + 32)
            if amount is not None:
                add(Finding(amount.start(), amount.end(), m.SALARY, 0.85, "salary"))
        else:
            cued = _HEALTH_CONTEXT.search(text[max(0, s - 48) : s].lower()) is not None
            add(Finding(s, e, m.HEALTH, 0.9 if cued else 0.6, "health"))


def _keywords(low: str) -> Iterable[tuple[int, int]]:
    """Spans of trigger words in the (offset-preserving) lower-cased text."""
    first = _KEYWORD_AT_START.match(low)
    if first is not None:
        yield first.span(1)
    for match in _KEYWORD.finditer(low):
        yield match.span(1)


def _address_end(text: str, start: int) -> int:
    """Where an address that starts at ``start`` ends: a postal code, a sentence end, a new topic."""
    limit = min(len(text), start + 200)
    for sep in "\n;|":
        cut = text.find(sep, start, limit)
        if cut != -1:
            limit = cut
    postal = _POSTAL.search(text, start, limit)
    if postal is not None:
        return postal.end()
    for stop in _ADDRESS_STOP.finditer(text, start, limit):
        if text[stop.start()] == ".":
            word = text[max(start, stop.start() - 6) : stop.start()].rsplit(None, 1)
            if word and (word[-1].lower() in _ABBREVIATIONS or len(word[-1]) == 1):
                continue
        limit = stop.start()
        break
    while limit > start and text[limit - 1] in " ,.:-\t\r":
        limit -= 1
    return limit


def _date_ok(match: re.Match[str]) -> bool:
    """The matched date exists (day within month, month 1..12)."""
    g = match.groupdict()
    if g["d1"]:
        day, month = int(g["d1"]), int(g["m1"])
    elif g["y2"]:
        day, month = int(g["d2"]), int(g["m2"])
    elif g["d3"]:
        day, month = int(g["d3"]), _MONTHS[g["mn3"].lower().rstrip(".")]
    else:
        day, month = int(g["d4"]), _MONTHS[g["mn4"].lower().rstrip(".")]
    return plausible_date(day, month)


_DETECTOR = {
    m.NIK: "nik", m.KK: "kk", m.NPWP: "npwp", m.BPJS_KES: "bpjs", m.BPJS_TK: "bpjs",
    m.SIM: "sim", m.PHONE: "phone", m.CARD: "card", m.BANK: "bank_account",
}  # fmt: skip


def _better(a: Finding, b: Finding) -> bool:
    """Whether ``a`` should win over the overlapping ``b``: more confident, then longer."""
    return (a.confidence, a.end - a.start, -a.start) > (b.confidence, b.end - b.start, -b.start)


def resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping findings in text order: of two that overlap, the better one stays.

    A single sweep in start order, comparing each finding with the last one kept, keeps this
    linear after the sort even for texts with many thousands of findings.
    """
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        while kept and kept[-1].end > f.start:
            if not _better(f, kept[-1]):
                break
            kept.pop()
        else:
            kept.append(f)
    return kept
