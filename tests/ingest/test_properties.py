"""Property tests for the parser pieces: nothing is lost, nothing crashes, the YAML says what the tree says."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jaga.ingest.draft import Val, plain, render
from jaga.ingest.facts import durations
from jaga.ingest.text import Sentence, language, sentences, split_sentences

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(_TEXT)
def test_split_sentences_keeps_every_character(text: str) -> None:
    paragraph = " ".join(text.split())
    assert "".join(split_sentences(paragraph)).replace(" ", "") == paragraph.replace(" ", "")


@given(st.lists(_TEXT, max_size=30))
def test_sentences_point_at_real_lines(lines: list[str]) -> None:
    for s in sentences(lines):
        assert 1 <= s.line <= len(lines)
        assert s.lang in ("en", "id")
        assert (
            " ".join(s.text.split())[:1] == "" or s.text.split()[0] in " ".join(lines[s.line - 1].split()) or s.bullet
        )


@given(_TEXT)
def test_language_is_total(text: str) -> None:
    assert language(text) in ("en", "id", "")


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["days", "hari", "months", "bulan", "years", "tahun"]))
def test_durations_read_numbers_and_units(amount: int, unit: str) -> None:
    found = list(durations(f"disimpan selama {amount} {unit} / kept for {amount} {unit}"))
    assert found and all(d.amount == amount for d in found)


@settings(max_examples=60)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), _TEXT, min_size=1, max_size=5))
def test_render_round_trips_through_yaml(values: dict[str, str]) -> None:
    source = Sentence('a sentence with "quotes" and # hashes', 3, "", "en")
    tree = {key: Val(value, source) for key, value in values.items()}
    tree["items"] = [Val(v, None) for v in values.values()]  # type: ignore[assignment]
    assert yaml.safe_load(render(tree, ["header"])) == plain(tree)
