"""Who may do what in the console: one table, so a reviewer can check the whole policy at a glance.

The split follows the risk of each action. Reading is harmless to the person; answering an access or
rectification request, starting work and asking the person for something are routine; erasure and
restriction cannot be undone, and refusals and extensions are legal decisions, so they need the DPO.
Identity verification by other means decides whose data is released, so it sits with the DPO too.
"""

from __future__ import annotations

from enum import StrEnum

from jaga.errors import JagaError, PermissionDenied
from jaga.policy import Right


class Role(StrEnum):
    admin = "admin"
    dpo = "dpo"
    operator = "operator"
    viewer = "viewer"


class Action(StrEnum):
    read = "read"
    """See the queue, a request and its plan, a subject's consent history, the audit chain status."""
    start = "start"
    """Begin work on a verified request."""
    wait = "wait"
    """Ask the person for something, and resume when they answer."""
    run = "run"
    """Execute access, portability, rectification, information, objection and consent withdrawal."""
    verify = "verify"
    """Mark a request's identity verified by other means (with a note)."""
    approve = "approve"
    """Approve and execute erasure and restriction (irreversible for the company's data)."""
    refuse = "refuse"
    extend = "extend"
    draft = "draft"
    """Upload a privacy policy document and read the draft policy and its gaps (as ``jaga ingest``)."""
    users = "users"
    """Add, disable and reset staff accounts."""


_OPERATOR = frozenset({Action.read, Action.start, Action.wait, Action.run})
_DPO = _OPERATOR | {Action.verify, Action.approve, Action.refuse, Action.extend, Action.draft}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.viewer: frozenset({Action.read}),
    Role.operator: _OPERATOR,
    Role.dpo: frozenset(_DPO),
    Role.admin: frozenset(Action),
}

_APPROVAL_RIGHTS = frozenset({Right.erasure, Right.restriction})


def parse_role(role: Role | str) -> Role:
    """The role named by ``role``, or one clear error listing the roles."""
    try:
        return Role(role)
    except ValueError:
        raise JagaError(f"unknown role {role!r}", hint=f"use one of {', '.join(r.value for r in Role)}") from None


def can(role: Role | str, action: Action | str) -> bool:
    """Whether ``role`` may perform ``action``; unknown roles or actions may do nothing."""
    try:
        return Action(action) in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: Role | str, action: Action | str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` may perform ``action``."""
    if not can(role, action):
        raise PermissionDenied(f"the {role} role may not {action}", hint="ask an admin or the DPO")


def action_for_right(right: Right | str) -> Action:
    """The permission needed to execute a request of ``right`` (erasure and restriction need approval)."""
    return Action.approve if Right(right) in _APPROVAL_RIGHTS else Action.run
