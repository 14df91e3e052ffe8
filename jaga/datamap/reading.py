"""Reading a composed data-map document: typed values, unknown keys and Fides' ``fides_meta`` blocks,
every mistake kept as a :class:`Problem` with the line it is on (the loader turns them into one error)."""

from __future__ import annotations

from typing import Any

from jaga.datamap import fides
from jaga.policy import Taxonomy
from jaga.policy.yamlsource import Positions, Problem, suggest

PathKey = tuple[str | int, ...]


class Reader:
    """Reads values out of a composed YAML document, collecting every problem with its ``file:line``."""

    def __init__(self, pos: Positions, taxonomy: Taxonomy) -> None:
        self.pos = pos
        self.taxonomy = taxonomy
        self.problems: list[Problem] = []

    def problem(self, path: PathKey, message: str, hint: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.pos.at(path, key=key), message, hint))

    def known(self, categories: list[str], path: PathKey) -> None:
        """A problem for each category the taxonomy lacks, at its place in the list."""
        for i, cat in enumerate(categories):
            if cat not in self.taxonomy.data_categories:
                self.problem(
                    (*path, i),
                    f"unknown data category {cat!r}",
                    suggest(cat, self.taxonomy.data_categories)
                    + "use a key from `jaga taxonomy categories` or the policy's custom_categories",
                )

    def mapping(self, value: Any, path: PathKey, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        if value is not None:
            self.problem(path, f"{what} must be a mapping", "write key: value pairs here")
        return {}

    def listing(self, value: Any, path: PathKey, what: str) -> list[Any]:
        if isinstance(value, list):
            return value
        if value is not None:
            self.problem(path, f"{what} must be a list", "start each entry with '- '")
        return []

    def text(self, data: dict[str, Any], key: str, path: PathKey, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, f"missing required key {key!r}", "add it")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.problem((*path, key), f"{key} must be text", "write a plain word")
            return None
        return str(value)

    def extension(self, data: dict[str, Any], path: PathKey, allowed: set[str]) -> dict[str, Any]:
        ext = self.mapping(data.get("jaga"), (*path, "jaga"), "jaga:")
        for key in ext:
            if key not in allowed:
                self.problem(
                    (*path, "jaga", key),
                    f"unknown jaga key {key!r}",
                    suggest(key, allowed) + f"allowed here: {', '.join(sorted(allowed))}",
                    key=True,
                )
        return ext

    def keys(self, data: dict[str, Any], path: PathKey, allowed: frozenset[str], what: str) -> None:
        """Every key of ``data`` must be one jaga implements or one that only describes; anything else
        is named with its line rather than ignored (:mod:`jaga.datamap.fides`)."""
        for key in data:
            if key in allowed:
                continue
            reason = fides.NOT_SUPPORTED.get(str(key))
            self.problem(
                (*path, key),
                f"{what} key {key!r} is not supported by jaga" if reason else f"unknown {what} key {key!r}",
                reason or suggest(str(key), allowed) + f"allowed here: {', '.join(sorted(allowed))}",
                key=True,
            )

    def meta(self, data: dict[str, Any], path: PathKey, allowed: frozenset[str], what: str) -> dict[str, Any]:
        """``fides_meta`` (or its older spelling ``fidesops_meta``), its keys checked."""
        if "fides_meta" in data and "fidesops_meta" in data:
            self.problem((*path, "fidesops_meta"), "both fides_meta and fidesops_meta", "keep fides_meta", key=True)
        name = "fides_meta" if "fides_meta" in data else "fidesops_meta"
        meta = self.mapping(data.get(name), (*path, name), name)
        self.keys(meta, (*path, name), allowed, f"{what} {name}")
        return meta

    def flag(self, meta: dict[str, Any], key: str, path: PathKey) -> bool:
        value = meta.get(key)
        if value is not None and not isinstance(value, bool):
            self.problem((*path, key), f"{key} must be true or false", "write true or false")
        return value is True

    def names(self, raw: Any, path: PathKey, parts: int) -> tuple[str, ...]:
        """A list of dataset keys (``parts=1``) or ``dataset.collection`` addresses (``parts=2``)."""
        out = []
        for i, item in enumerate(self.listing(raw, path, "after")):
            if not isinstance(item, str) or item.count(".") != parts - 1 or not all(item.split(".")):
                self.problem(
                    (*path, i),
                    f"{item!r} is not a {'dataset.collection' if parts == 2 else 'dataset'} name",
                    "write e.g. shop.customers" if parts == 2 else "write a dataset's fides_key",
                )
            else:
                out.append(item)
        return tuple(out)
