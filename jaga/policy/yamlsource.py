"""The one YAML reader of jaga, with positions, shared by every file format (policy, data map, taxonomy).

Values keep the ``file:line:column`` where a person typed them, so that a validation error found later
(by Pydantic or by a cross-reference check) can point back at the exact spot with a one-line fix.

Files come from people and over HTTP, so reading is bounded: a document larger than
:data:`MAX_DOCUMENT_CHARS`, nested deeper than :data:`MAX_DEPTH`, with more than :data:`MAX_ALIASES`
aliases or whose aliases would expand past :data:`MAX_EXPANDED_NODES` nodes (a "billion laughs" of a few
hundred bytes otherwise fills gigabytes) is refused as one :class:`ProblemsError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark, MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jaga.errors import JagaError

PathKey = tuple[str | int, ...]

MAX_DOCUMENT_CHARS = 8 * 1024 * 1024
"""Largest YAML document read (characters); policies and data maps are far smaller."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences; a data map needs about a dozen levels."""
MAX_ALIASES = 100
"""Most ``*alias`` references in one document (anchors are rare in policies and maps)."""
MAX_EXPANDED_NODES = 10_000
"""Most nodes that aliases may add when expanded into plain data."""


@dataclass(frozen=True)
class Problem:
    """One mistake in a policy file."""

    where: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}\n  fix: {self.hint}"


class ProblemsError(JagaError):
    """A file has one or more problems; ``problems`` lists each with its position."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.message + more, where=first.where, hint=first.hint)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class Positions:
    """Where each value (and each mapping key) of the document stands in the file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.values: dict[PathKey, Mark] = {}
        self.keys: dict[PathKey, Mark] = {}

    def at(self, path: Sequence[str | int], *, key: bool = False) -> str:
        """``file:line:col`` of the deepest known prefix of ``path``."""
        for cut in range(len(path), -1, -1):
            prefix = tuple(path[:cut])
            mark = (self.keys if key and cut == len(path) else self.values).get(prefix)
            if mark is None and key:
                mark = self.values.get(prefix)
            if mark is not None:
                return f"{self.source}:{mark.line + 1}:{mark.column + 1}"
        return self.source


class _Bounded(yaml.SafeLoader):
    """PyYAML's safe loader that stops composing at :data:`MAX_DEPTH` levels or :data:`MAX_ALIASES` aliases
    (its composer is recursive: without the bound a deep document ends in a ``RecursionError``)."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self.depth = 0
        self.aliases = 0

    def _mark(self) -> Mark | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Mark | None = getattr(event, "start_mark", None)
        return mark

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _refusal(self.source, self._mark(), f"more than {MAX_ALIASES} aliases (*name)")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _refusal(self.source, self._mark(), f"nested deeper than {MAX_DEPTH} levels")
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1


def _refusal(source: str, mark: Mark | None, what: str) -> ProblemsError:
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    return ProblemsError([Problem(where, f"refused: the YAML has {what}", "write the values out plainly")])


class _Budget:
    """Counts nodes built again through an alias, across one document (and the nesting of the result)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: set[int] = set()
        self.expanded = 0

    def visit(self, node: Node, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _refusal(self.source, node.start_mark, f"nested deeper than {MAX_DEPTH} levels (through aliases)")
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > MAX_EXPANDED_NODES:
                raise _refusal(self.source, node.start_mark, f"aliases that expand past {MAX_EXPANDED_NODES} nodes")
        else:
            self.seen.add(id(node))


def _build(node: Node, path: PathKey, pos: Positions, constructor: SafeConstructor, budget: _Budget) -> Any:
    budget.visit(node, len(path))
    pos.values[path] = node.start_mark
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node)
            if not isinstance(key, str | int):
                raise ProblemsError([Problem(pos.at(path), "a mapping key must be text", "quote the key")])
            child = (*path, key)
            if key in result:
                where = f"{pos.source}:{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}"
                raise ProblemsError([Problem(where, f"key {key!r} appears twice", "keep one of them")])
            pos.keys[child] = key_node.start_mark
            result[key] = _build(value_node, child, pos, constructor, budget)
        return result
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, i), pos, constructor, budget) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return constructor.construct_object(node)


def _compose(text: str, source: str) -> Node | None:
    """The node graph of ``text`` within the bounds above (aliases still shared, not yet expanded)."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ProblemsError(
            [Problem(source, f"refused: the YAML is larger than {MAX_DOCUMENT_CHARS:,} characters", "split the file")]
        )
    loader: _Bounded | None = None
    try:
        loader = _Bounded(text, source)  # its reader refuses control characters already
        node: Node | None = loader.get_single_node()
        return node
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ProblemsError(
            [
                Problem(
                    where,
                    f"YAML syntax error: {exc.problem or exc.context}",
                    "check indentation, colons and quotes on this line",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(source, f"YAML error: {exc}", "fix the YAML syntax")]) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml(text: str, source: str) -> Any:
    """Plain data of a YAML document (``None`` when empty), read within the bounds above; for files
    that need no positions (Fides datasets read by other commands, packaged data)."""
    node = _compose(text, source)
    return None if node is None else _build(node, (), Positions(source), SafeConstructor(), _Budget(source))


def compose(text: str, source: str, what: str = "document") -> tuple[Any, Positions]:
    """Parse YAML into plain data plus positions; a top level that is not a mapping is refused."""
    pos = Positions(source)
    node = _compose(text, source)
    if node is None:
        raise ProblemsError([Problem(source, "the file is empty", f"write a {what} (see examples/)")])
    data = _build(node, (), pos, SafeConstructor(), _Budget(source))
    if not isinstance(data, dict):
        raise ProblemsError(
            [Problem(pos.at(()), f"a {what} must be a mapping of keys", f"start from a {what} in examples/")]
        )
    return data, pos


def suggest(key: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` for the closest known key, or nothing."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""
