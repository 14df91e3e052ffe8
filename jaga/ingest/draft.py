"""The draft policy as a tree whose every leaf knows the sentence it came from, and its YAML form.

A leaf is a :class:`Val`: a value plus either the source sentence or ``None`` (the text does not
state it). The renderer writes each leaf on its own line with ``# source: "…" (line N)`` or
``# not stated in the source text``, so a reader sees at once what to verify and what to fill in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Union

import yaml

from jaga.ingest.text import Sentence

NOT_STATED = "# not stated in the source text"
_QUOTE_MAX = 160
# What YAML may not hold unescaped (its printable set, YAML 1.1 §5.1), plus line and paragraph separators.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class Val:
    """A value for the policy file and the sentence it was read from (``None``: not stated)."""

    value: object
    source: Sentence | None
    note: str = ""

    def comment(self) -> str:
        if self.source is None:
            return f"{NOT_STATED}{'; ' + self.note if self.note else ''}"
        return f"# source: {quote(self.source)}{'; ' + self.note if self.note else ''}"


Node = Union[Val, "Tree", list["Node"]]
Tree = dict[str, Node]


def quote(sentence: Sentence) -> str:
    """``"the sentence" (line N)``, shortened to stay one readable line."""
    text = _UNPRINTABLE.sub("", " ".join(sentence.text.split())).replace('"', "'")
    if len(text) > _QUOTE_MAX:
        text = text[: _QUOTE_MAX - 1].rstrip() + "…"
    return f'"{text}" (line {sentence.line})'


def plain(node: Node) -> object:
    """The tree without its sources: what the policy loader will see."""
    if isinstance(node, Val):
        return node.value
    if isinstance(node, dict):
        return {key: plain(child) for key, child in node.items()}
    return [plain(child) for child in node]


def _scalar(value: object) -> str:
    # JSON scalars and flow collections are valid YAML; characters YAML refuses raw are \u-escaped.
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _key(key: str) -> str:
    """A mapping key, quoted when plain YAML would read it as something else ("on" is true in YAML 1.1)."""
    loaded = yaml.safe_load(f"{key}: 0") if re.fullmatch(r"[A-Za-z_][\w.]*", key) else None
    return key if isinstance(loaded, dict) and key in loaded else _scalar(key)


def render(tree: Tree, header: list[str]) -> str:
    """The YAML text of the draft: a header comment, then every value with its source comment."""
    lines = [f"# {line}" if line else "#" for line in header]
    _render_map(tree, 0, lines)
    return "\n".join(lines) + "\n"


def _render_map(tree: Tree, indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for n, (key, child) in enumerate(tree.items()):
        prefix = first_prefix if (first_prefix is not None and n == 0) else pad
        if isinstance(child, Val):
            lines.append(f"{prefix}{_key(key)}: {_scalar(child.value)}  {child.comment()}")
        elif isinstance(child, dict):
            lines.append(f"{prefix}{_key(key)}:")
            _render_map(child, indent + 2, lines)
        elif not child:
            lines.append(f"{prefix}{_key(key)}: []")
        else:
            lines.append(f"{prefix}{_key(key)}:")
            _render_list(child, indent + 2, lines)


def _render_list(items: list[Node], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, Val):
            lines.append(f"{pad}- {_scalar(item.value)}  {item.comment()}")
        elif isinstance(item, dict):
            _render_map(item, indent + 2, lines, first_prefix=f"{pad}- ")
        else:
            raise TypeError("nested lists are not part of the policy format")
