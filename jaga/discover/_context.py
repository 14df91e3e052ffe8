"""Context words ("cues") near a candidate that raise or lower the detectors' confidence.

A bare 13-digit number is nothing; after "BPJS" it is a health-insurance number, after "resi" it is
a parcel tracking code. Cues are found with one trie-shaped regex over a small window, so the cost
is paid per candidate, not per character of text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from enum import Enum
from typing import TypeAlias

_Trie: TypeAlias = "dict[str, _Trie]"


class Cue(Enum):
    """What a context word says the nearby value is."""

    NIK = "nik"
    KK = "kk"
    NPWP = "npwp"
    BPJS = "bpjs"
    BPJS_KES = "bpjs_kes"
    BPJS_TK = "bpjs_tk"
    PASSPORT = "passport"
    SIM = "sim"
    PHONE = "phone"
    BANK = "bank"
    ACCOUNT = "account"
    CARD = "card"
    IP = "ip"
    EMAIL = "email"
    NEGATIVE = "negative"

    # ``Enum.__hash__`` is Python code (it hashes the name); members are singletons, so identity
    # hashing is equivalent and runs in C: the scanner looks contexts up by cue for every candidate.
    __hash__ = object.__hash__


# ``Cue.BANK`` is looked up through the enum's metaclass (about 0.1 µs); these are plain globals.
_BANK, _ACCOUNT = Cue.BANK, Cue.ACCOUNT

# Bank name -> account-number lengths its core banking system issues.
BANK_LENGTHS: dict[str, tuple[int, ...]] = {
    "bca": (10,), "mandiri": (13,), "bri": (15,), "bni": (10,), "bsi": (10,), "btn": (16,),
    "cimb": (13, 14), "danamon": (10,), "permata": (10,), "ocbc": (12,), "panin": (10,),
    "maybank": (10,), "btpn": (11,), "jenius": (11,), "jago": (12,), "seabank": (12,),
    "bjb": (13,), "mega": (15,), "bukopin": (10,), "muamalat": (10,),
}  # fmt: skip

_CUES: dict[Cue, tuple[str, ...]] = {
    Cue.NIK: ("nik", "ktp", "e-ktp", "ektp", "nomor induk kependudukan", "identity card", "id card"),
    Cue.KK: ("kk", "kartu keluarga", "family card", "no kk"),
    Cue.NPWP: ("npwp", "tax id", "nomor pokok wajib pajak", "taxpayer"),
    Cue.BPJS: ("bpjs",),
    Cue.BPJS_KES: ("bpjs kesehatan", "bpjs kes", "jkn", "kis", "jkn-kis", "askes"),
    Cue.BPJS_TK: ("bpjs ketenagakerjaan", "bpjs tk", "bpjstk", "jamsostek", "kpj", "bp jamsostek"),
    Cue.PASSPORT: ("paspor", "passport", "pasport", "no paspor"),
    Cue.SIM: (
        "sim",
        "sim a",
        "sim c",
        "surat izin mengemudi",
        "driving licence",
        "driving license",
        "driver's license",
        "drivers license",
        "driver license",
    ),
    Cue.PHONE: (
        "hp",
        "no hp",
        "telp",
        "tel",
        "telepon",
        "telpon",
        "phone",
        "wa",
        "whatsapp",
        "handphone",
        "ponsel",
        "mobile",
        "hubungi",
        "call",
        "sms",
        "kontak",
        "contact",
        "nomor hp",
        "no. hp",
        "tlp",
        "cell",
        "fax",
        "nomor telepon",
    ),
    Cue.BANK: tuple(BANK_LENGTHS),
    Cue.ACCOUNT: (
        "rek",
        "rekening",
        "no rek",
        "norek",
        "a/n",
        "account",
        "acct",
        "bank account",
        "transfer ke",
        "account number",
        "nomor rekening",
        "va",
        "virtual account",
    ),
    Cue.CARD: (
        "kartu kredit",
        "credit card",
        "card",
        "visa",
        "mastercard",
        "cc",
        "kartu debit",
        "debit card",
        "amex",
        "jcb",
        "kartu",
        "card number",
    ),
    Cue.IP: ("ip", "ip address", "alamat ip", "ipv4", "ipv6", "host", "server"),
    Cue.EMAIL: ("email", "e-mail", "surel", "mail"),
    Cue.NEGATIVE: (
        "invoice",
        "inv",
        "order",
        "pesanan",
        "no pesanan",
        "resi",
        "awb",
        "sku",
        "kode produk",
        "produk",
        "transaksi",
        "trx",
        "ref",
        "referensi",
        "tracking",
        "booking",
        "kode booking",
        "serial",
        "sn",
        "voucher",
        "versi",
        "version",
        "build",
        "barcode",
        "ean",
        "imei",
        "pelacakan",
        "nomor pesanan",
        "order id",
        "id transaksi",
        "no. invoice",
        "batch",
        "part",
        "model",
        "tiket",
        "ticket",
        "timestamp",
        "faktur",
        "kode",
        "nomor seri",
        "po",
    ),
}


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation shaped as a trie, so ``re`` rejects a non-matching word in a few steps.

    A flat alternation of a hundred words tries all hundred at every position; the trie tries at
    most the letters that actually continue a prefix.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


def _cue_of(words: dict[Cue, tuple[str, ...]]) -> dict[str, Cue]:
    table: dict[str, Cue] = {}
    for cue, items in words.items():
        for item in items:
            table[item] = cue
    return table


CUE_OF: dict[str, Cue] = _cue_of(_CUES)
# Words are matched on lower-cased text with word boundaries; "no." and "nomor" are neutral filler.

WINDOW_BEFORE = 40
WINDOW_AFTER = 24


class Context:
    """The cues around one candidate: the nearest before it, else the nearest after it.

    ``near`` is true when the cue sits within a dozen characters ("NIK: 3174..."), which earns the
    full bonus; a cue further away earns half, since it may belong to a neighbouring value.
    """

    __slots__ = ("bank", "cue", "near")

    def __init__(self, cue: Cue | None, near: bool, bank: str | None) -> None:
        self.cue = cue
        self.near = near
        self.bank = bank


_EMPTY = Context(None, False, None)
_HINTED = {cue: Context(cue, True, None) for cue in Cue}
# Contexts without a bank name are shared (nothing modifies a Context): there are only two per cue,
# and building one costs more than looking it up.
_NEAR = _HINTED
_FAR = {cue: Context(cue, False, None) for cue in Cue}


CUE_TRIE = trie_regex(sorted(CUE_OF, key=len, reverse=True))
# Starts with a plain character class so ``re`` skips ordinary text in C (see ``_text``).
_CUE_SCAN = re.compile(r"[^\w-](" + CUE_TRIE + r")(?![\w-])")
_CUE_AT_START = re.compile("(" + CUE_TRIE + r")(?![\w-])")
_DIGIT = re.compile(r"\d")
# In ASCII, ``\d`` is these; a set answers for a short gap in a third of the instructions of a
# regex call (whose set-up alone costs more than the search).
_ASCII_DIGITS = frozenset("0123456789")


def lower_same_length(text: str) -> str:
    """``text.lower()`` with every code point kept in place, so offsets still match ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


class CueIndex:
    """Every cue in one text, found in a single pass; each candidate then looks its context up.

    Looking up is a bisection over cue positions instead of a regex over a window per candidate,
    which keeps dense texts (a form full of identifiers) fast. The scanner finds the cues in the
    same regex pass as the trigger words and hands them over as parallel lists (starts, ends,
    lower-cased cue words, and what each says); :func:`cue_index` scans a text on its own.
    """

    __slots__ = ("banks", "cues", "ends", "hint", "kinds", "starts", "text")

    def __init__(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        cues: list[str],
        hint: Cue | None = None,
        kinds: list[Cue] | None = None,
    ) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends
        self.cues = cues
        self.kinds = [CUE_OF[c] for c in cues] if kinds is None else kinds  # what each cue says
        self.hint = hint
        # Whether a bank name is among the cues: most texts name none, and then :meth:`at` need not
        # look for one behind the governing cue.
        self.banks = _BANK in self.kinds

    def accounts(self) -> bool:
        """Whether any candidate of this text can have a bank or account cue as its context."""
        hint = self.hint
        kinds = self.kinds
        return hint is _BANK or hint is _ACCOUNT or _BANK in kinds or _ACCOUNT in kinds

    def at(self, start: int, end: int, hint: Cue | None = None) -> Context:
        """The cue governing the candidate ``text[start:end]``; the hint stands in when none is found.

        The nearest cue before the candidate wins, else the nearest after it. A cue only counts if
        no digit lies between it and the candidate: in "rek 123 a/n Budi, hp 0812" the "rek" belongs
        to 123, not to the phone number. ``hint`` overrides the index's own hint.
        """
        starts = self.starts
        if starts:
            ends = self.ends
            k = bisect_right(ends, start) - 1
            if k >= 0 and starts[k] >= start - WINDOW_BEFORE:
                gap_start = ends[k]
                gap = self.text[gap_start:start]
                if _ASCII_DIGITS.isdisjoint(gap) if gap.isascii() else _DIGIT.search(gap) is None:
                    cue = self.kinds[k]
                    if self.banks:
                        bank = self._bank(k, start - WINDOW_BEFORE)
                        if bank is not None:
                            return Context(cue, start - gap_start <= 12, bank)
                    return (_NEAR if start - gap_start <= 12 else _FAR)[cue]
            i = bisect_left(starts, end)
            if i < len(starts) and ends[i] <= end + WINDOW_AFTER and _DIGIT.search(self.text, end, starts[i]) is None:
                cue = self.kinds[i]
                if cue is _BANK:
                    return Context(cue, starts[i] - end <= 8, self.cues[i])
                return (_NEAR if starts[i] - end <= 8 else _FAR)[cue]
        if hint is None:
            hint = self.hint
        return _EMPTY if hint is None else _HINTED[hint]

    def _bank(self, k: int, window: int) -> str | None:
        """The nearest bank name among the cues ``k`` and before that start at or after ``window``."""
        starts, kinds = self.starts, self.kinds
        while k >= 0 and starts[k] >= window:
            if kinds[k] is _BANK:
                return self.cues[k]
            k -= 1
        return None


_new = object.__new__


def new_cue_index(
    text: str, starts: list[int], ends: list[int], cues: list[str], kinds: list[Cue], hint: Cue | None
) -> CueIndex:
    """``CueIndex(text, starts, ends, cues, hint, kinds)`` for the scanner, which makes one a text.

    Calling a class runs ``__init__`` through a slot wrapper that is not specialised, which costs
    more than twice the instructions of a plain call that fills the slots itself.
    """
    index: CueIndex = _new(CueIndex)
    index.text = text
    index.starts = starts
    index.ends = ends
    index.cues = cues
    index.kinds = kinds
    index.hint = hint
    index.banks = _BANK in kinds
    return index


def cue_index(text: str, low: str | None = None, hint: Cue | None = None) -> CueIndex:
    """Index the cues of ``text`` by itself (``low`` is its :func:`lower_same_length`, if at hand)."""
    low = lower_same_length(text) if low is None else low
    starts: list[int] = []
    ends: list[int] = []
    cues: list[str] = []
    first = _CUE_AT_START.match(low)
    if first is not None:
        starts.append(first.start(1))
        ends.append(first.end(1))
        cues.append(first.group(1))
    for m in _CUE_SCAN.finditer(low):
        starts.append(m.start(1))
        ends.append(m.end(1))
        cues.append(m.group(1))
    return CueIndex(text, starts, ends, cues, hint)


def context_at(text: str, start: int, end: int, hint: Cue | None = None) -> Context:
    """The context of one candidate when no :class:`CueIndex` of the whole text is at hand."""
    lo = max(0, start - WINDOW_BEFORE)
    hi = min(len(text), end + WINDOW_AFTER)
    return cue_index(text[lo:hi]).at(start - lo, end - lo, hint)
