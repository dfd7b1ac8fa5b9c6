"""Membership is read from GitHub; Warden remembers the changes it causes itself."""

from __future__ import annotations

from app.github.teams import (
    expect_membership,
    is_member,
    membership_state,
    team_logins,
    was_expected,
)
from sandbox.testing import seed_psrt
from tests.harness import Stack


async def test_membership_comes_from_the_api(stack: Stack) -> None:
    installation = seed_psrt(stack.sb)
    gh = stack.ctx.github.installation_client(installation)  # type: ignore[union-attr]
    assert await is_member(gh, "python", "psrt", "alice")  # a maintainer is a member
    assert await is_member(gh, "python", "psrt", "bob")
    assert not await is_member(gh, "python", "psrt", "dave")
    assert await membership_state(gh, "python", "no-such-team", "bob") is None
    assert sorted(await team_logins(gh, "python", "psrt")) == ["alice", "bob"]
    assert await team_logins(gh, "python", "psrt", role="maintainer") == ["alice"]


async def test_expected_memberships_are_remembered_case_insensitively(stack: Stack) -> None:
    await expect_membership(stack.ctx, 1, "python", "psrt", "Carol", "added", "vote #4 passed")
    assert await was_expected(stack.ctx, 1, "psrt", "carol", "added") == "vote #4 passed"
    assert await was_expected(stack.ctx, 1, "psrt", "carol", "removed") is None
