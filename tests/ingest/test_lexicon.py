"""A lexicon answers as its plain entry-by-entry loop would: the one-scan alternation that skips texts no
entry can match, and the memory of answers, are speed only (a long policy took ~50 s per 5 MB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaga.ingest import lexicon
from jaga.ingest.lexicon import Lexicon, first, matches
from jaga.ingest.read import read_document
from jaga.ingest.text import sentences

FIXTURES = Path(__file__).with_name("fixtures")
LEXICONS = {name: value for name, value in vars(lexicon).items() if isinstance(value, Lexicon)}


def _texts() -> list[str]:
    files = [f for f in sorted(FIXTURES.iterdir()) if not f.name.endswith(".gold.yaml")]
    found = [s.text for f in files for s in sentences(read_document(f.read_bytes(), f.name))]
    return [*found, "", "nothing here", "E-MAIL ADDRESS and NIK", "alamat email dan nomor telepon"]


def test_every_lexicon_is_one_alternation() -> None:
    assert {"CATEGORIES", "USES", "BASES", "RIGHTS", "POLICY_CUES"} <= set(LEXICONS)


@pytest.mark.parametrize("name", sorted(LEXICONS))
def test_answers_are_those_of_the_plain_loop(name: str) -> None:
    lex = LEXICONS[name]
    for text in _texts() * 2:  # the second round answers from memory
        plain = [key for key, pattern in lex if pattern.search(text)]
        assert matches(lex, text) == plain, text
        assert first(lex, text) == (plain[0] if plain else None), text


def test_a_caller_cannot_change_a_remembered_answer() -> None:
    text = "your name and email address"
    matches(lexicon.CATEGORIES, text).clear()
    assert matches(lexicon.CATEGORIES, text) == ["user.name", "user.contact.email"]
