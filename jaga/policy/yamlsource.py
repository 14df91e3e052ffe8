"""YAML read with positions, shared by every jaga file format (policy, data map).

Values keep the ``file:line:column`` where a person typed them, so that a validation error found later
(by Pydantic or by a cross-reference check) can point back at the exact spot with a one-line fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark, MarkedYAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jaga.errors import JagaError

PathKey = tuple[str | int, ...]


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


def _build(node: Node, path: PathKey, pos: Positions, constructor: SafeConstructor) -> Any:
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
            result[key] = _build(value_node, child, pos, constructor)
        return result
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, i), pos, constructor) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return constructor.construct_object(node)


def compose(text: str, source: str, what: str = "document") -> tuple[Any, Positions]:
    """Parse YAML into plain data plus positions; a top level that is not a mapping is refused."""
    pos = Positions(source)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
    if node is None:
        raise ProblemsError([Problem(source, "the file is empty", f"write a {what} (see examples/)")])
    data = _build(node, (), pos, SafeConstructor())
    if not isinstance(data, dict):
        raise ProblemsError(
            [Problem(pos.at(()), f"a {what} must be a mapping of keys", f"start from a {what} in examples/")]
        )
    return data, pos


def suggest(key: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` for the closest known key, or nothing."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""
