"""Properties over arbitrary text: detectors never crash, offsets are valid, redaction is surgical."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jaga.discover import redact, scan_text

# Arbitrary unicode, and text salted with the characters detectors care about.
salted = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(
        ["NIK ", "3174051205900012", "0812-3456-7890", "@", "a@b.co", ":", "::1", "nama: Budi ", "Jl. ",
         "+62", "(021)", "İ", "🙂", "tgl lahir 12-05-1990", "gaji Rp 5.000.000", " ", "\n", "4111 1111 1111 1111"]
    )), max_size=12,
).map("".join)  # fmt: skip
texts = st.one_of(st.text(), salted)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_findings_are_valid_sorted_and_disjoint(text: str) -> None:
    findings = scan_text(text)
    last = 0
    for f in findings:
        assert last <= f.start < f.end <= len(text)
        assert 0.0 <= f.confidence <= 1.0
        last = f.end


@settings(max_examples=300, deadline=None)
@given(texts)
def test_redaction_keeps_text_outside_spans(text: str) -> None:
    findings = scan_text(text)
    out = redact(text, "label")
    pos = 0
    cursor = 0
    for f in findings:
        gap = text[pos : f.start]
        assert out[cursor : cursor + len(gap)] == gap
        cursor += len(gap)
        label = f"[{f.category}]"
        assert out[cursor : cursor + len(label)] == label
        cursor += len(label)
        pos = f.end
    assert out[cursor:] == text[pos:]
    assert redact(text, "mask").encode("utf-8", "surrogatepass") is not None
    assert len(redact(text, "mask")) == len(text)
