"""Read a policy file and explain every mistake in it at ``file:line:column`` with a one-line fix.

YAML is composed into nodes first so that each value keeps its position; Pydantic errors (which know
only a path such as ``purposes.2.basis``) are then mapped back to where the person typed it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from jaga.errors import PolicyError
from jaga.policy.model import Policy
from jaga.policy.taxonomy import Taxonomy, covers, default_taxonomy
from jaga.policy.yamlsource import PathKey, Positions, Problem, ProblemsError, compose, suggest


class PolicyInvalid(ProblemsError, PolicyError):
    """The policy file has one or more problems; ``problems`` lists each with its position."""


_HINTS = {
    "missing": "add this key; see examples/ for a complete policy",
    "extra_forbidden": "remove it or fix its spelling",
    "literal_error": "use one of the allowed values",
    "enum": "use one of the allowed values",
    "string_pattern_mismatch": "keys are lower-case words joined by '.' or '_', e.g. user.contact.email",
    "too_short": "add at least one entry",
}


def _pydantic_problems(exc: ValidationError, pos: Positions) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [part for part in err["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        kind = err["type"]
        dotted = ".".join(str(p) for p in loc) or "(top)"
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif kind == "missing":
            message = f"missing required key {dotted!r}"
        else:
            message = f"{dotted}: {err['msg']}"
        hint = _HINTS.get(kind, "correct the value to the expected type")
        problems.append(Problem(pos.at(loc, key=kind == "extra_forbidden"), message, hint))
    return problems


def _semantic_problems(policy: Policy, taxonomy: Taxonomy, pos: Positions) -> list[Problem]:
    """References that Pydantic cannot check: taxonomy keys and links between sections."""
    problems: list[Problem] = []
    cats, subjects, uses = taxonomy.data_categories, taxonomy.data_subjects, taxonomy.data_uses
    declared = policy.categories

    def need(ok: bool, path: PathKey, message: str, hint: str) -> None:
        if not ok:
            problems.append(Problem(pos.at(path), message, hint))

    def check_categories(keys: list[str], path: PathKey, *, within_declared: bool) -> None:
        for i, key in enumerate(keys):
            need(
                key in cats,
                (*path, i),
                f"unknown data category {key!r}",
                (suggest(key, cats) if key not in cats else "")
                + "use a key from `jaga taxonomy show categories` or add it to custom_categories",
            )
            if key in cats and within_declared:
                need(
                    any(covers(d, key) for d in declared),
                    (*path, i),
                    f"category {key!r} is not declared in the policy's categories list",
                    "add it (or a parent key) to the top-level categories",
                )

    check_categories(policy.categories, ("categories",), within_declared=False)
    for i, key in enumerate(policy.subjects):
        need(
            key in subjects,
            ("subjects", i),
            f"unknown data subject {key!r}",
            (suggest(key, subjects) if key not in subjects else "")
            + "use a key from `jaga taxonomy show subjects` or add it to custom_subjects",
        )
    seen: set[str] = set()
    for i, purpose in enumerate(policy.purposes):
        base: PathKey = ("purposes", i)
        need(
            purpose.key not in seen,
            (*base, "key"),
            f"purpose key {purpose.key!r} is used twice",
            "give each purpose its own key",
        )
        seen.add(purpose.key)
        need(
            purpose.use in uses,
            (*base, "use"),
            f"unknown data use {purpose.use!r}",
            (suggest(purpose.use, uses) if purpose.use not in uses else "")
            + "use a key from `jaga taxonomy show uses`",
        )
        check_categories(purpose.categories, (*base, "categories"), within_declared=True)
        for j, subject in enumerate(purpose.subjects):
            need(
                subject in policy.subjects,
                (*base, "subjects", j),
                f"subject {subject!r} is not in the policy's subjects list",
                "add it to the top-level subjects",
            )
        if purpose.retention is not None:
            need(
                policy.retention_rule(purpose.retention) is not None,
                (*base, "retention"),
                f"retention rule {purpose.retention!r} does not exist",
                "add it under retention: or fix the key",
            )
        for j, rec_key in enumerate(purpose.recipients):
            need(
                policy.recipient(rec_key) is not None,
                (*base, "recipients", j),
                f"recipient {rec_key!r} is not declared",
                "add it under recipients: or fix the key",
            )
    clients = {client.name for client in policy.controller.processor_for}
    for i, purpose in enumerate(policy.purposes):
        if purpose.on_behalf_of is not None:
            need(
                purpose.on_behalf_of in clients,
                ("purposes", i, "on_behalf_of"),
                f"client controller {purpose.on_behalf_of!r} is not listed under controller.processor_for",
                "add it to controller.processor_for or fix the name",
            )
    for i, client in enumerate(policy.controller.processor_for):
        check_categories(client.categories, ("controller", "processor_for", i, "categories"), within_declared=False)
    for section in ("custom_categories", "custom_subjects"):
        for key, term in getattr(policy, section).items():
            need(
                term.parent is None or key.startswith(term.parent + "."),
                (section, key),
                f"custom term {key!r} names parent {term.parent!r} but its key does not start with it",
                f"name the key {term.parent}.<something> or fix the parent",
            )
    for i, rule in enumerate(policy.retention):
        check_categories(rule.categories, ("retention", i, "categories"), within_declared=True)
        if rule.legal_hold is not None and rule.legal_hold.keeps is not None:
            check_categories(rule.legal_hold.keeps, ("retention", i, "legal_hold", "keeps"), within_declared=False)
    for i, rec in enumerate(policy.recipients):
        check_categories(rec.categories, ("recipients", i, "categories"), within_declared=True)
    for i, cookie in enumerate(policy.cookies):
        need(
            policy.purpose(cookie.purpose) is not None,
            ("cookies", i, "purpose"),
            f"cookie purpose {cookie.purpose!r} is not a declared purpose",
            "use the key of a purpose",
        )
    return problems


@dataclass(frozen=True)
class PolicySource:
    """A parsed policy together with where each of its parts stands in the file."""

    policy: Policy
    positions: Positions

    def where(self, path: Sequence[str | int]) -> str:
        """``file:line:column`` of a path such as ``("purposes", 2, "basis")``."""
        return self.positions.at(path)


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Parse and validate policy text; raise :class:`PolicyInvalid` listing every problem."""
    return parse_policy_source(text, source).policy


def parse_policy_source(text: str, source: str = "<policy>") -> PolicySource:
    """Like :func:`parse_policy`, keeping positions for messages that point into the file."""
    try:
        data, pos = compose(text, source, "policy")
    except ProblemsError as exc:
        raise PolicyInvalid(exc.problems) from None
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyInvalid(_pydantic_problems(exc, pos)) from None
    taxonomy = taxonomy_for(policy)
    problems = _semantic_problems(policy, taxonomy, pos)
    if problems:
        raise PolicyInvalid(problems)
    return PolicySource(policy, pos)


def load_policy(path: str | Path) -> Policy:
    """Read a policy file; every failure is a :class:`PolicyError` naming the file."""
    return read_policy_source(path).policy


def read_policy_source(path: str | Path) -> PolicySource:
    """Read a policy file keeping positions; every failure is a :class:`PolicyError` naming the file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError("file not found", where=str(file), hint="check the path") from None
    except IsADirectoryError:
        raise PolicyError("is a directory, not a policy file", where=str(file)) from None
    except UnicodeDecodeError:
        raise PolicyError("not UTF-8 text", where=str(file), hint="save the file as UTF-8") from None
    except OSError as exc:
        raise PolicyError(f"cannot read file ({exc.strerror})", where=str(file)) from None
    return parse_policy_source(text, str(file))


def taxonomy_for(policy: Policy) -> Taxonomy:
    """The shipped taxonomy extended with the policy's custom categories and subjects."""
    return default_taxonomy().extended(dict(policy.custom_categories), dict(policy.custom_subjects))


def dump_policy(policy: Policy) -> str:
    """The policy as YAML that :func:`parse_policy` reads back to an equal policy."""
    data = policy.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("jaga", 1)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def policy_digest(policy: Policy) -> str:
    """SHA-256 of the policy's canonical JSON; consent events and notices cite it as the version hash."""
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
