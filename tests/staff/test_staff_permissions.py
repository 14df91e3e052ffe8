"""The permission table: viewer reads; operator runs routine work; DPO decides; admin does everything."""

from __future__ import annotations

import pytest

from jaga.errors import PermissionDenied
from jaga.policy import Right
from jaga.staff import PERMISSIONS, Action, Role, action_for_right, can, require

A = Action
EXPECTED = {
    Role.viewer: {A.read},
    Role.operator: {A.read, A.start, A.wait, A.run},
    Role.dpo: {A.read, A.start, A.wait, A.run, A.verify, A.approve, A.refuse, A.extend, A.draft},
    Role.admin: set(Action),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_permission_table(role: Role, action: Action) -> None:
    assert can(role, action) is (action in EXPECTED[role])
    assert can(role.value, action.value) is (action in EXPECTED[role])


def test_table_is_exactly_the_documented_one() -> None:
    assert {r: set(a) for r, a in PERMISSIONS.items()} == EXPECTED


def test_only_admin_manages_users() -> None:
    assert [r for r in Role if can(r, Action.users)] == [Role.admin]


def test_unknown_role_or_action_may_do_nothing() -> None:
    assert not can("root", "read")
    assert not can("admin", "drop_tables")


def test_require_raises_permission_denied() -> None:
    require(Role.dpo, Action.approve)
    with pytest.raises(PermissionDenied, match="viewer"):
        require(Role.viewer, Action.approve)


@pytest.mark.parametrize(
    ("right", "action"),
    [
        (Right.erasure, A.approve),
        (Right.restriction, A.approve),
        (Right.access, A.run),
        (Right.portability, A.run),
        (Right.rectification, A.run),
        (Right.information, A.run),
        (Right.objection, A.run),
        (Right.withdraw_consent, A.run),
    ],
)
def test_erasure_and_restriction_need_approval(right: Right, action: Action) -> None:
    assert action_for_right(right) is action
