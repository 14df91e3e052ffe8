"""The text scanner: two compiled regex passes propose candidates, validators and context decide.

Speed comes from never running a per-entity regex over the whole text. One pass over the original
text finds numbers, the first digit of upper-case identifiers (passports, IBANs) and the colons of
IPv6 addresses; one pass over the lower-cased text finds the trigger words of keyword-led entities
and the context cues, from the union of both vocabularies. Each starts with a plain character class,
so ``re`` skips ordinary prose in C, and Python code only runs on the few candidates that could be
personal data. Keyword-led entities (names, addresses, dates of birth, salaries, health terms) match
only their trigger word; their value is then read with an anchored regex from the trigger onwards, so
a phone number inside an address is still seen by the number pass. Candidates are :class:`Finding`
from the start (a named tuple, built in C); overlaps between them are resolved at the end.

What was measured and left out: a single pattern for both passes is slower (``re`` then tries every
alternative at every separator); so is letting the regex skip whole words itself, or ``findall``.
What remains is about a quarter in the two regex passes (``re``'s cost per separator it tries) and
the rest in the Python that validates and scores each candidate.

Counted in instructions (``valgrind``, fixed hash seed: wall time on a shared machine wanders by a
third), a bench document costs ~125k, down from ~137k (and ~166k before that). Per document: ~38k
for the union pass of words (~25k of it inside ``re``: each separator it tries costs some hundreds,
the trie's branches little), ~27k for the number pass (~20k inside ``re``), ~30k to classify the
~1.7 numbers (~7k finding their cues, ~15k in :func:`_classify` with its validators), ~8k for
trigger words, ~3k for emails, ~4k for IPv6 colons, and ~12k fixed per call. In CPython every
call, slice and allocation costs hundreds of instructions, so what is gained is mostly calls not
made. Gained: ``re.ASCII`` variants of both passes for ASCII text, a lookbehind that turns away
digits inside words before the number pass's three branches, module constants for ``Cue`` members
and score tables instead of calls, a single phone pattern, no sort for findings already in order;
then (~137k to ~125k) candidates built as :class:`Finding` where found instead of a
``list(map(finding, ...))`` per text, a text out of order but apart resolved by one sort with no
filtering copy and no second call, ``search`` from each match's end instead of ``finditer`` (~0.7k
a pass), each word's cue kind read with its roles instead of a ``map`` afterwards, one ``isascii``
per text, IBANs and passports added in place instead of through a list of their own,
the :class:`CueIndex` filled without ``__init__`` (~1k), a ``bytes`` table for Luhn and the card
scheme chosen by its first digit. Tried and left out: ordering the trie's branches by letter
frequency, a lookahead for a letter after the separator, no capturing group in the union pass
(each under 2% of that pass), ``[^0-9a-z_]`` for ``[^\\w]`` in the ASCII union pass (no change),
the Python of the union pass rearranged (``span`` vs ``group``, ``map``: within noise),
``any(map(str.isdecimal, gap))`` for the digit test between a cue and its value (slower than the
regex), other constructors for :class:`Finding` (a comprehension or ``map`` over ``repeat``: no
better than ``partial``), ``bytes.translate`` for the separators of a number instead of the chain of
``replace`` (cheaper alone, ~0.8k a document more in place). Not tried: a cursor instead of the
bisection in :meth:`CueIndex.at` (a Python loop costs more than one C call for the ~2 cues of a text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter

import phonenumbers

from jaga.discover import _model as m
from jaga.discover._checks import card_ok, iban_ok, ipv4_ok, ipv6_ok, kk_ok, nik_ok, npwp15_ok, plausible_date
from jaga.discover._context import (
    BANK_LENGTHS,
    CUE_OF,
    CUE_TRIE,
    Context,
    Cue,
    CueIndex,
    lower_same_length,
    new_cue_index,
    trie_regex,
)
from jaga.discover._model import Finding, finding

_Add = Callable[[Finding], None]  # where a candidate goes (they are findings before overlaps are resolved)

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

# A number: digits with single separators, optionally led by "+" or "(". The lookbehind after the
# first character keeps "INV/2024" and "v2.4.1" out without defeating the first-character skip.
# Digit runs are matched possessively and whole ("[0-9]*+"), not one digit per repetition of the
# separator group, which lets ``re`` use its single-character loop: the pass runs almost twice as fast.
_NUMBER = re.compile(r"[0-9+(](?<![\w.,/+\-][0-9+(])(?:(?<=[0-9])|[0-9])[0-9]*+(?:\)?[ .\-]?\(?[0-9]++)*+")
_UPPER = re.compile(
    r"[A-Z](?<![\w][A-Z])(?:(?P<iban>[A-Z][0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)"
    r"|(?P<passport>[A-Z]?[0-9]{7}))(?!\w)"
)
_IP6_RUN = re.compile(r"[0-9a-fA-F:.]*+")
_KEYWORD_TRIE = trie_regex(sorted(_KIND, key=len, reverse=True))
# The pass over the original text: numbers (that could be seven characters long: shorter ones fail
# in C instead of costing a Python iteration each); a digit right after a capital letter, where an
# ``_UPPER`` identifier (passport, IBAN) must have its first digit, so that no pass of its own has to
# try every capital of the text; and colons between hex digits, the heart of an IPv6 address. The
# branch taken is told by ``lastindex``: None, 1 or 2. Most characters it stops at are digits inside a
# word or after another digit ("INV/2025/10"), where no branch can match: one lookbehind turns them
# away before the three branches are tried, a tenth fewer instructions for the pass.
_SCAN = re.compile(
    r"[0-9+(:](?<![0-9a-z_.,/+\-][0-9])(?:(?<=[0-9+(])(?<![\w.,/+\-][0-9+(])(?=[0-9() .\-]{6})"
    r"(?:(?<=[0-9])|[0-9])[0-9]*+(?:\)?[ .\-]?\(?[0-9]++)*+"
    r"|(?<=[A-Z][0-9])()"
    r"|(?<=[0-9A-Fa-f:]:)(?=[0-9A-Fa-f:])())"
)
_SCAN_ASCII = re.compile(_SCAN.pattern, re.ASCII)
# Run over " " + the lower-cased text, so a word at the very start has its separator too.
_KEYWORD = re.compile(r"[\s(\[:;,.\"'/*#>-](" + _KEYWORD_TRIE + r")(?![\w])")
_KEYWORD_SEPARATORS = frozenset(" \n([:;,.\"'/*#>-")  # and any other whitespace
_CUE_SCAN = re.compile(r"[^\w-](" + CUE_TRIE + r")(?![\w-])")
_WORDS = re.compile(r"[^\w](" + trie_regex(sorted({*_KIND, *CUE_OF}, key=len, reverse=True)) + r")(?!\w)")
# The same passes for ASCII text (``str.isascii`` is a flag lookup): there ``\w`` means the same with
# ``re.ASCII``, whose test of a character is a table lookup instead of Unicode's several, and
# ``re`` makes that test at every separator: the union pass takes about a fifth fewer instructions.
_WORDS_ASCII = re.compile(_WORDS.pattern, re.ASCII)
_IP4_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
_LOCAL_REVERSED = re.compile(r"[\w.%+\-']*")  # what a local part may hold
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
# Five digits alone. The lookbehind sits after the first digit, so the pattern starts with a plain
# character class and ``re`` skips to the digits in C, instead of trying the match at every
# character of the (up to 200 characters of) address.
_POSTAL = re.compile(r"\d(?<!\d\d)\d{4}(?!\d)")
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
    """Expand an ``@`` into the whole address: cheaper than a regex that tries every word start.

    The local part is read backwards, by matching its characters from the start of the reversed
    64 characters before the ``@``.
    """
    i = at - _LOCAL_REVERSED.match(text[max(0, at - 64) : at][::-1]).end()  # type: ignore[union-attr]
    while i < at and text[i] in ".-'":
        i += 1
    domain = _DOMAIN.match(text, at + 1)
    if i == at or domain is None:
        return None
    return i, domain.end()


_ID_PHONE: re.Pattern[str] | None = None  # set on first use: the metadata loads only when needed
_ID_PHONE_KINDS: dict[str, str] = {}  # the name of each kind's group in ``_ID_PHONE`` -> its label


def _id_phone_pattern() -> re.Pattern[str]:
    """libphonenumber's own patterns for Indonesian numbers, compiled once into one.

    ``phonenumbers.parse`` costs ~100 µs a call, mostly generic normalisation we do not need for a
    string that is already digits; matching its metadata directly gives the same verdict in ~1 µs.
    The general pattern becomes a lookahead and each kind's pattern a named alternative, in the
    metadata's order: one ``fullmatch`` answers what the general pattern's and then each kind's in
    turn would (the first kind that matches the whole number wins), at a third of the cost.
    """
    md = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    if md is None or md.general_desc is None or not md.general_desc.national_number_pattern:
        raise RuntimeError("phonenumbers ships no metadata for Indonesia")
    alternatives: list[str] = []
    for label, desc in (("mobile", md.mobile), ("fixed_line", md.fixed_line), ("phone", md.voip),
                        ("phone", md.uan), ("phone", md.toll_free)):  # fmt: skip
        if desc is not None and desc.national_number_pattern:
            name = f"kind{len(alternatives)}"
            _ID_PHONE_KINDS[name] = label
            alternatives.append(f"(?P<{name}>{desc.national_number_pattern})")
    global _ID_PHONE
    _ID_PHONE = re.compile(rf"(?=(?:{md.general_desc.national_number_pattern})\Z)(?:{'|'.join(alternatives)})")
    return _ID_PHONE


def _phone(number: str, international: bool) -> str | None:
    """``mobile``/``fixed_line``/``phone`` if libphonenumber's metadata accepts the digits, else ``None``."""
    if international and not number.startswith("62"):
        return _foreign_phone(number)
    national = number[2:] if international else number[1:]
    if not national or national[0] == "0":
        return None
    match = (_ID_PHONE or _id_phone_pattern()).fullmatch(national)
    kind = None if match is None else match.lastgroup
    return None if kind is None else _ID_PHONE_KINDS[kind]


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


# Members of ``Cue`` the hot paths compare with, as module constants: ``Cue.NPWP`` is a lookup through
# the enum's metaclass, about 0.1 µs each, and classifying one number compares its cue with several.
_CUE_NEGATIVE, _CUE_NPWP, _CUE_KK, _CUE_BPJS, _CUE_BPJS_KES, _CUE_BPJS_TK, _CUE_SIM, _CUE_BANK, _CUE_ACCOUNT = (
    Cue.NEGATIVE, Cue.NPWP, Cue.KK, Cue.BPJS, Cue.BPJS_KES, Cue.BPJS_TK, Cue.SIM, Cue.BANK, Cue.ACCOUNT
)  # fmt: skip
_OWN_NIK = (Cue.NIK,)
_OWN_NPWP = (Cue.NPWP,)
_OWN_KK = (Cue.KK,)
_OWN_CARD = (Cue.CARD,)
_OWN_BPJS_KES = (Cue.BPJS_KES, Cue.BPJS)
_OWN_BPJS_TK = (Cue.BPJS_TK,)
_OWN_BPJS = (Cue.BPJS,)
_OWN_SIM = (Cue.SIM,)
_OWN_PHONE = (Cue.PHONE,)
_OWN_IP = (Cue.IP,)
_OWN_PASSPORT = (Cue.PASSPORT,)
# The best any reading of a number can score next to a negative cue: the formatted NPWP's 0.9 - 0.5
# (no other base is higher, and BPJS, SIM, KK and bank accounts need a cue of their own).
_NEGATIVE_CEILING = 0.9 - 0.5

_Scores = tuple[dict[Cue | None, float], dict[Cue | None, float]]


def _scores(own: tuple[Cue, ...], base: float, bonus: float) -> _Scores:
    """What :func:`_cued` gives for every cue, far (``[False]``) and near (``[True]``), worked out by
    it once: a reading of a number then costs two lookups instead of a call."""
    far, near = (
        {cue: _cued(Context(cue, close, None), own, base, bonus) for cue in (None, *Cue)} for close in (False, True)
    )
    return far, near


_NIK_SCORES = _scores(_OWN_NIK, 0.8, 0.19)
_CARD_SCORES = _scores(_OWN_CARD, 0.75, 0.22)
_NPWP_FORMATTED_SCORES = _scores(_OWN_NPWP, 0.9, 0.35)
_NPWP_SCORES = _scores(_OWN_NPWP, 0.6, 0.35)
_PHONE_PLUS_SCORES = _scores(_OWN_PHONE, 0.85, 0.18)
_PHONE_SCORES = _scores(_OWN_PHONE, 0.8, 0.18)


_ROUNDED: dict[float, float] = {}


def _round3(confidence: float) -> float:
    """``round(confidence, 3)``, remembered: ``round`` is slow, and confidences come from a few
    constants added and subtracted, so only a few dozen distinct values ever occur."""
    rounded = _ROUNDED.get(confidence)
    if rounded is None:
        rounded = _ROUNDED[confidence] = round(confidence, 3)
    return rounded


def _classify(s: int, e: int, digits: str, raw: str, ctx: Context) -> Finding | None:
    """Best reading of a digit string: every identifier it could be, scored, the highest kept.

    Readings are offered in a fixed order and a later one wins only with a strictly higher score.
    A reading with no confidence of its own (BPJS, SIM, KK, a 16-digit NPWP) scores only next to its
    own cue, so its validator is not even run without one. The result is the candidate
    ``text[s:e]`` becomes, score rounded and detector named.
    """
    n = len(digits)
    cue = ctx.cue
    near = ctx.near
    category: str | None = None
    best = 0.0
    detail: str | None = None
    if n == 16:
        nik = nik_ok(digits)
        if nik:
            best = _NIK_SCORES[near][cue]
            category, detail = m.NIK, "female" if digits[6] >= "4" else "male"
            if best >= 0.99:  # the cap: no later reading can score strictly higher
                return finding((s, e, category, _ROUNDED.get(best) or _round3(best), "nik", detail))
            if cue is _CUE_NPWP:
                c = 0.95 if near else 0.95 / 2
                if c > best:
                    category, best, detail = m.NPWP, c, None
        if cue is _CUE_KK and (nik or kk_ok(digits)):
            c = 0.96 if near else 0.96 / 2
            if c > best:
                category, best, detail = m.KK, c, None
    if n >= 13:
        c = _CARD_SCORES[near][cue]
        if c > best:  # the score first: the validator only runs for a reading that could win
            brand = card_ok(digits)
            if brand:
                category, best, detail = m.CARD, c, brand
        if n == 15:
            c = (_NPWP_FORMATTED_SCORES if _NPWP_FORMAT.fullmatch(raw) else _NPWP_SCORES)[near][cue]
            if c > best and npwp15_ok(digits):
                category, best, detail = m.NPWP, c, None
        elif n == 13 and (cue is _CUE_BPJS_KES or cue is _CUE_BPJS):
            c = 0.95 if near else 0.95 / 2
            if c > best:
                category, best, detail = m.BPJS_KES, c, None
    elif n == 11:
        if cue is _CUE_BPJS_TK:
            c = 0.95 if near else 0.95 / 2
        elif cue is _CUE_BPJS:
            c = 0.85 if near else 0.85 / 2
        else:
            c = 0.0
        if c > best:
            category, best, detail = m.BPJS_TK, c, None
    if cue is _CUE_SIM and 12 <= n <= 14 and digits[0] != "0":
        c = 0.92 if near else 0.92 / 2
        if c > best:
            category, best, detail = m.SIM, c, None
    if (cue is _CUE_BANK or cue is _CUE_ACCOUNT) and 8 <= n <= 18:
        bank = ctx.bank
        fits = bank is not None and n in BANK_LENGTHS.get(bank, ())
        c = (0.8 if near else 0.65) + (0.15 if fits else 0.0)
        if c > best:
            category, best, detail = m.BANK, c, bank
    if 9 <= n <= 15:
        plus = raw[0] == "+"
        international = plus or (n >= 10 and digits.startswith("62"))
        if international or digits[0] == "0":
            c = (_PHONE_PLUS_SCORES if plus else _PHONE_SCORES)[near][cue]
            if c > best:
                kind = _phone(digits, international)
                if kind is not None:
                    category, best, detail = m.PHONE, c, kind
    if category is None or best <= 0.0:
        return None
    return finding((s, e, category, _ROUNDED.get(best) or _round3(best), _DETECTOR[category], detail))


class Scanner:
    """Finds personal data in strings; one instance is immutable and safe to share across threads."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        self.min_confidence = min_confidence

    def scan(self, text: str, hint: Cue | None = None) -> list[Finding]:
        """All findings at or above the threshold, overlaps resolved, ordered by position.

        ``hint`` is the cue implied by where the text came from (a column named ``bpjs``) and is
        used when the text itself carries none.
        """
        floor = self.min_confidence
        return _kept(_candidates(text, hint, floor), floor)

    def scan_value(self, value: str, hint: Cue | None = None) -> list[Finding]:
        """Like :meth:`scan`, with a fast path for the common column value that is one bare number.

        A column of NIKs holds nothing but the digits, so there is no surrounding text to find cues
        in: the column's own hint is the context, and the text passes can be skipped.
        """
        floor = self.min_confidence
        if len(value) < 7 or _NUMBER.fullmatch(value) is None:
            return _kept(_candidates(value, hint, floor), floor)
        out: list[Finding] = []
        _number(value, 0, len(value), CueIndex(value, [], [], [], hint), out.append, floor)
        return _kept(out, floor)


def _candidates(text: str, hint: Cue | None, floor: float) -> list[Finding]:
    """Every candidate of the text, in the order the overlap resolution breaks ties by.

    Each pass starts with a plain character class, so ``re`` skips other text in a C loop.
    Candidates are built as :class:`Finding` where they are found: converting the survivors
    afterwards cost a ``list(map(...))`` per text, about as much as a finding each.
    """
    ascii = text.isascii()  # then ``low`` is ASCII too, and both passes take their ASCII variant
    low = text.lower()
    if len(low) != len(text):
        low = lower_same_length(text)
    low = " " + low  # offsets in ``low`` are one more than in ``text``
    triggers, starts, ends, cues, kinds = _read_words(low, ascii)
    index = new_cue_index(text, starts, ends, cues, kinds, hint)
    out: list[Finding] = []
    add = out.append
    upper_end = 0
    colons: list[int] = []
    search = (_SCAN_ASCII if ascii else _SCAN).search
    match = search(text)
    while match is not None:  # ``search`` from each match's end is ``finditer``, a little cheaper
        s, e = match.span()
        branch = match.lastindex
        if branch is None:  # a number
            if e - s >= 7:
                _number(text, s, e, index, add, floor)
        elif branch == 1:  # a digit right after a capital: a passport or an IBAN may start there
            d = s - 2 if s >= 2 and "A" <= text[s - 2] <= "Z" else s - 1
            if d >= upper_end:
                upper = _UPPER.match(text, d)
                if upper is not None:
                    upper_end = _upper(text, upper, index, add)
        else:
            colons.append(s)
        match = search(text, e)
    at = text.find("@")
    while at != -1:
        span = _email(text, at)
        if span:
            add(finding((span[0], span[1], m.EMAIL, 0.97, "email", None)))
        at = text.find("@", at + 1)
    if colons:
        _ipv6(text, colons, index, add)
    if triggers:
        addresses: dict[int, tuple[int, bool]] = {}
        for s, e, word in triggers:
            _keyword(text, low, s, e, word, add, addresses)
    return out


Words = tuple[list[tuple[int, int, str]], list[int], list[int], list[str], list[Cue]]


def _bounded_prefix(short: str, long: str) -> bool:
    """``short`` begins ``long`` and ends where a word may end (at its end or before a non-word)."""
    return long.startswith(short) and (len(long) == len(short) or re.match(r"\w", long[len(short)]) is None)


def _read_words(low: str, ascii: bool) -> Words:
    """Trigger words (start, end, word) and cues (starts, ends, words, kinds) of ``" " + lower-cased text``.

    One pass of the union of both vocabularies replaces a pass per vocabulary. It reads the text
    exactly as the two passes would: a word one vocabulary does not take (not its word, or after a
    separator it does not accept, or a cue before a hyphen) is simply dropped for it, unless that
    vocabulary's own pass could have read a shorter or inner word there ("alamat ip" hides the
    trigger "alamat"). Such texts are rare and are read by the two separate passes instead.
    Offsets returned are offsets in the original text. ``ascii`` tells whether the text is ASCII.
    """
    triggers: list[tuple[int, int, str]] = []
    starts: list[int] = []
    ends: list[int] = []
    cues: list[str] = []
    kinds: list[Cue] = []
    search = (_WORDS_ASCII if ascii else _WORDS).search
    match = search(low)
    while match is not None:  # ``search`` from each match's end is ``finditer``, a little cheaper
        word = match[1]  # the word ends the match: one call for it and one for its end, not a span
        e = match.end()
        s = e - len(word)
        match = search(low, e)  # the next word, read now so that every branch below may ``continue``
        roles, kind = _ROLES[word]
        if roles == _CUE:  # the common words first: a cue and nothing else, and nothing to read again
            if low[s - 1] != "-" and low[e : e + 1] != "-":
                starts.append(s - 1)
                ends.append(e - 1)
                cues.append(word)
                kinds.append(kind)  # type: ignore[arg-type]  # a cue has a kind
            continue
        if roles & _TRIGGER:
            sep = low[s - 1]
            if sep in _KEYWORD_SEPARATORS or sep.isspace():
                triggers.append((s - 1, e - 1, word))
            elif roles & _REREAD_TRIGGER:
                return _words_apart(low)
        elif roles & _REREAD_TRIGGER:
            return _words_apart(low)
        if roles & _CUE:
            if low[s - 1] != "-" and not low.startswith("-", e):
                starts.append(s - 1)
                ends.append(e - 1)
                cues.append(word)
                kinds.append(kind)  # type: ignore[arg-type]
            elif roles & _REREAD_CUE:
                return _words_apart(low)
        elif roles & _REREAD_CUE:
            return _words_apart(low)
    return triggers, starts, ends, cues, kinds


def _words_apart(low: str) -> Words:
    """Trigger words and cues, each vocabulary in its own pass with its own rules (see :func:`_read_words`)."""
    triggers = [(m.start(1) - 1, m.end(1) - 1, m.group(1)) for m in _KEYWORD.finditer(low)]
    starts: list[int] = []
    ends: list[int] = []
    cues: list[str] = []
    for match in _CUE_SCAN.finditer(low):
        s, e = match.span(1)
        starts.append(s - 1)
        ends.append(e - 1)
        cues.append(match.group(1))
    return triggers, starts, ends, cues, [CUE_OF[c] for c in cues]


def _rereads(vocabulary: Iterable[str], union: Iterable[str]) -> frozenset[str]:
    """Words of ``union`` within which ``vocabulary``'s own pass could read another of its words.

    That is a word with a proper prefix, or an inner part after a separator, that begins a word of
    ``vocabulary`` ending where a word may end: where the union pass took such a word and the
    vocabulary does not, its own pass has to look again.
    """
    words = frozenset(vocabulary)
    by_first: dict[str, list[str]] = {}
    for v in words:
        by_first.setdefault(v[0], []).append(v)
    out: set[str] = set()
    for word in union:
        for i in range(1, len(word)):
            if re.match(r"\w", word[i]) is None and word[:i] in words:
                out.add(word)
            if re.match(r"\w", word[i - 1]) is None:
                rest = word[i:]
                if any(_bounded_prefix(v, rest) or _bounded_prefix(rest, v) for v in by_first.get(rest[0], ())):
                    out.add(word)
    return frozenset(out)


def _upper(text: str, match: re.Match[str], index: CueIndex, add: _Add) -> int:
    """An IBAN (if its checksum holds) or a passport number from an ``_UPPER`` match; returns its end."""
    s, e = match.span()
    if match.lastgroup == "iban":
        if iban_ok(text[s:e].replace(" ", "")):
            add(finding((s, e, m.BANK, 0.95, "iban", "iban")))
    else:
        base = 0.45 if e - s == 8 and text[s] in "ABCEX" else 0.3
        confidence = _round3(_cued(index.at(s, e), _OWN_PASSPORT, base, 0.53))
        add(finding((s, e, m.PASSPORT, confidence, "passport", None)))
    return e


def _number(text: str, s: int, e: int, index: CueIndex, add: _Add, floor: float) -> None:
    """Classify the number ``text[s:e]``, or the longest valid runs of its space-separated parts.

    ``floor`` is the scanner's minimum confidence: a number with a negative cue ("order", "resi")
    can score no more than ``_NEGATIVE_CEILING``, so above that it is not even classified.
    """
    raw = text[s:e]
    if raw.isdigit():  # most numbers: no separators, so no IPv4 address either
        digits = raw
    else:
        if raw.count(".") == 3 and _IP4_SHAPE.fullmatch(raw) and _ip(text, s, e, index, add):
            return
        # a chain of ``replace`` beats ``translate`` and ``re.sub`` on strings this short
        digits = raw.replace(" ", "").replace("-", "").replace(".", "").replace("+", "").replace("(", "")
        digits = digits.replace(")", "")
    n = len(digits)
    if n < 8:  # no identifier has fewer digits, and neither has any part of this one
        return
    if n == 8 and not index.accounts():  # eight digits can only be a bank account: "1990-05-12"
        return
    if n <= 19:
        ctx = index.at(s, e)
        if ctx.cue is _CUE_NEGATIVE and floor > _NEGATIVE_CEILING and " " not in raw:
            return
        found = _classify(s, e, digits, raw, ctx)
        if found is not None:
            add(found)
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
            found = _classify(ts, te, digits, part, index.at(ts, te))
            if found is not None:
                add(found)
                i = j - 1
                break
        i += 1


def _ipv6(text: str, colons: list[int], index: CueIndex, add: _Add) -> None:
    """Grow each colon between hex digits into the longest address-shaped run around it and check it.

    The run is at most 45 characters, grown backwards first; both directions are read by a regex
    (backwards over the reversed text before the colon) rather than a character at a time.
    """
    covered = -1
    for colon in colons:
        if colon < covered:
            continue
        s = colon - _IP6_RUN.match(text[max(0, colon - 45) : colon][::-1]).end()  # type: ignore[union-attr]
        e = _IP6_RUN.match(text, colon, s + 45).end()  # type: ignore[union-attr]
        while e > s and text[e - 1] in ".:" and text[e - 2 : e] != "::":
            e -= 1
        covered = e
        if (s == 0 or not text[s - 1].isalnum()) and (e == len(text) or not text[e].isalnum()):
            _ip(text, s, e, index, add)


def _ip(text: str, s: int, e: int, index: CueIndex, add: _Add) -> bool:
    candidate = text[s:e]
    if ipv4_ok(candidate):
        version = 4
    elif ":" in candidate and ipv6_ok(candidate):
        version = 6
    else:
        return False
    base = 0.9 if version == 6 else 0.8
    confidence = _round3(_cued(index.at(s, e), _OWN_IP, base, 0.17))
    add(finding((s, e, m.IP, confidence, "ip", f"ipv{version}")))
    return True


def _keyword(text: str, low: str, s: int, e: int, word: str, add: _Add, addresses: dict[int, tuple[int, bool]]) -> None:
    """Read the value a trigger word ``text[s:e]`` introduces (``low`` is offset by one).

    ``addresses`` remembers, for this text, where an address starting at an offset ends: "Alamat: Jl.
    Merdeka" triggers twice ("alamat", "jl.") on the same start.
    """
    kind = _KIND[word]
    if kind == "name":
        value = _NAME_VALUE.match(text, e)
        if value is not None:
            vs, ve = value.span(1)
            first = text[vs:ve].split(" ", 1)[0].rstrip(".")
            if first not in _NOT_NAMES and ve - vs >= 3:
                add(finding((vs, ve, m.NAME, _NAME_CUES[word], "name", None)))
    elif kind in ("address", "street"):
        start = s if kind == "street" else _ADDRESS_VALUE.match(text, e).end()  # type: ignore[union-attr]
        known = addresses.get(start)
        if known is None:
            known = addresses[start] = _address_end(text, start)
        end, postal = known
        if end - start >= 8:
            confidence = 0.85 if kind == "address" else 0.75
            if postal:
                confidence += 0.1
            add(finding((start, end, m.ADDRESS, confidence, "address", None)))
    elif kind == "dob":
        date = _DATE.search(text, e, e + 40)
        if date is not None and _date_ok(date):
            add(finding((date.start(), date.end(), m.DOB, 0.9, "date_of_birth", None)))
    elif kind == "salary":
        amount = _AMOUNT.search(text, e, e + 32)
        if amount is not None:
            add(finding((amount.start(), amount.end(), m.SALARY, 0.85, "salary", None)))
    else:
        cued = _HEALTH_CONTEXT.search(low[max(0, s - 48) + 1 : s + 1]) is not None
        add(finding((s, e, m.HEALTH, 0.9 if cued else 0.6, "health", None)))


def _address_end(text: str, start: int) -> tuple[int, bool]:
    """Where an address that starts at ``start`` ends (a postal code, a sentence end, a new topic),
    and whether it ends with a postal code (an address cut off before one holds none).
    """
    limit = min(len(text), start + 200)
    for sep in "\n;|":
        cut = text.find(sep, start, limit)
        if cut != -1:
            limit = cut
    postal = _POSTAL.search(text, start, limit)
    if postal is not None:
        return postal.end(), True
    for stop in _ADDRESS_STOP.finditer(text, start, limit):
        if text[stop.start()] == ".":
            word = text[max(start, stop.start() - 6) : stop.start()].rsplit(None, 1)
            if word and (word[-1].lower() in _ABBREVIATIONS or len(word[-1]) == 1):
                continue
        limit = stop.start()
        break
    while limit > start and text[limit - 1] in " ,.:-\t\r":
        limit -= 1
    return limit, False


def _date_ok(match: re.Match[str]) -> bool:
    """The matched date exists (day within month, month 1..12).

    The branch that matched is read from the index of its last group (y1, d2, y3, y4), which is
    cheaper than building the ``groupdict``.
    """
    last = match.lastindex
    if last == 3:  # d1 m1 y1
        day, month = int(match.group(1)), int(match.group(2))
    elif last == 6:  # y2 m2 d2
        day, month = int(match.group(6)), int(match.group(5))
    elif last == 9:  # d3 mn3 y3
        day, month = int(match.group(7)), _MONTHS[match.group(8).lower().rstrip(".")]
    else:  # mn4 d4 y4
        day, month = int(match.group(11)), _MONTHS[match.group(10).lower().rstrip(".")]
    return plausible_date(day, month)


_DETECTOR = {
    m.NIK: "nik", m.KK: "kk", m.NPWP: "npwp", m.BPJS_KES: "bpjs", m.BPJS_TK: "bpjs",
    m.SIM: "sim", m.PHONE: "phone", m.CARD: "card", m.BANK: "bank_account",
}  # fmt: skip


def _better(a: Finding, b: Finding) -> bool:
    """Whether ``a`` should win over the overlapping ``b``: more confident, then longer."""
    return (a[3], a[1] - a[0], -a[0]) > (b[3], b[1] - b[0], -b[0])


_START = itemgetter(0)


def _start_then_longest(c: Finding) -> tuple[int, int]:
    return c[0], -c[1]


def _kept(candidates: list[Finding], floor: float) -> list[Finding]:
    """The candidates at or above ``floor``, in text order, overlaps resolved (``candidates`` is reused).

    Often all of them already are at or above it, in order and apart (the passes read left to
    right): one loop then tells, and the list comes back as it is. Else they are often still apart
    and above it once sorted by start (a name is found after the numbers that follow it): the
    stable sort and one more loop tell that, and only overlaps or a candidate below the floor need
    the full resolution.
    """
    end = -1
    for c in candidates:
        if c[0] < end or c[3] < floor:
            break
        end = c[1]
    else:
        return candidates
    candidates.sort(key=_START)  # sorting by start first leaves :func:`_resolve` the same answer
    end = -1
    for c in candidates:
        if c[0] < end or c[3] < floor:
            return _resolve([c for c in candidates if c[3] >= floor])
        end = c[1]
    return candidates


def _resolve(candidates: list[Finding]) -> list[Finding]:
    """Non-overlapping candidates in text order: of two that overlap, the better one stays.

    A single sweep in start order, comparing each candidate with the last one kept, keeps this
    linear after the sort even for texts with many thousands of findings.
    """
    kept: list[Finding] = []
    for c in sorted(candidates, key=_start_then_longest):
        while kept and kept[-1][1] > c[0]:
            if not _better(c, kept[-1]):
                break
            kept.pop()
        else:
            kept.append(c)
    return kept


# What each word of the union is, as bits, and what it says as a cue (``None`` for a trigger word
# only), so the union pass needs one lookup per word.
_TRIGGER, _CUE, _REREAD_TRIGGER, _REREAD_CUE = 1, 2, 4, 8
_BITS: dict[str, int] = dict.fromkeys({*_KIND, *CUE_OF}, 0)
for _bit, _words_of in (
    (_TRIGGER, _KIND),
    (_CUE, CUE_OF),
    (_REREAD_TRIGGER, _rereads(_KIND, _BITS)),
    (_REREAD_CUE, _rereads(CUE_OF, _BITS)),
):
    for _word in _words_of:
        _BITS[_word] |= _bit
_ROLES: dict[str, tuple[int, Cue | None]] = {word: (bits, CUE_OF.get(word)) for word, bits in _BITS.items()}
