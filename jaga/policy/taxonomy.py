"""The shipped taxonomy (data categories, data uses, data subjects), keyed like Fides' fideslang.

Kept as a data file so that lawyers can review it without reading code; this module only loads it
and answers questions about the hierarchy (a key covers its descendants).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from jaga.policy.yamlsource import load_yaml

RegimeKey = str


class Term(BaseModel):
    """One taxonomy entry with its English and Indonesian names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    name_id: str
    description: str | None = None
    parent: str | None = None
    sensitivity: dict[RegimeKey, str] = Field(default_factory=dict)
    is_child: bool = False


class Taxonomy(BaseModel):
    """The three vocabularies of the policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_categories: dict[str, Term]
    data_uses: dict[str, Term]
    data_subjects: dict[str, Term]

    def sensitivity(self, category: str, regime: RegimeKey) -> str | None:
        """The article that makes ``category`` (or any ancestor of it) specific/special, if any."""
        for key in ancestors(category):
            term = self.data_categories.get(key)
            if term and regime in term.sensitivity:
                return term.sensitivity[regime]
        return None

    def extended(self, categories: dict[str, Term], subjects: dict[str, Term]) -> Taxonomy:
        """The taxonomy plus a policy's own custom terms."""
        return Taxonomy(
            data_categories={**self.data_categories, **categories},
            data_uses=self.data_uses,
            data_subjects={**self.data_subjects, **subjects},
        )


def ancestors(key: str) -> list[str]:
    """``a.b.c`` -> ``['a.b.c', 'a.b', 'a']``: a key and every key that contains it."""
    parts = key.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def covers(general: str, specific: str) -> bool:
    """Whether declaring ``general`` also declares ``specific`` (same key or a descendant)."""
    return specific == general or specific.startswith(general + ".")


@cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with jaga (``taxonomy.yaml`` beside this module)."""
    text = resources.files("jaga.policy").joinpath("taxonomy.yaml").read_text(encoding="utf-8")
    return Taxonomy.model_validate(load_yaml(text, "taxonomy.yaml"))
