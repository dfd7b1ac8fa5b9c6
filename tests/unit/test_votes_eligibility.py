"""The nomination rule on facts alone: who may nominate whom, with no server and no GitHub."""

from __future__ import annotations

import pytest

from app.features.votes.eligibility import Facts, refusal


def facts(**changes: object) -> Facts:
    base = Facts(
        org="python",
        team="psrt",
        opener="bob",
        opener_is_member=True,
        named=("grace",),
        nominee="Grace",
        nominee_type="User",
    )
    return Facts(**{**base.__dict__, **changes})


def test_a_member_nominating_one_real_person_who_is_not_in_the_team_opens_a_vote() -> None:
    assert refusal(facts()) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"opener_is_member": False}, "only members of `@python/psrt` can nominate, and @bob"),
        ({"named": ()}, "the issue names no nominee."),
        ({"named": ("a", "b")}, "the issue names 2 nominees."),
        ({"nominee": None, "nominee_type": ""}, "@grace is not a GitHub user."),
        ({"nominee_type": "Bot"}, "@Grace is not a person's account"),
        ({"nominee_type": "Organization"}, "@Grace is not a person's account"),
        ({"membership": "active"}, "@Grace is already a member of `@python/psrt`."),
        ({"membership": "pending"}, "@Grace is already invited to `@python/psrt`."),
        ({"other_vote": 7}, "@Grace already has an open nomination in #7."),
    ],
)
def test_each_refusal_says_why_in_one_sentence(changes: dict[str, object], reason: str) -> None:
    said = refusal(facts(**changes))
    assert said is not None and said.startswith(reason)


def test_a_non_member_opener_is_refused_before_the_nominee_is_looked_at() -> None:
    # Nothing about the nominee was read (the flow stops asking GitHub at the first refusal).
    said = refusal(facts(opener_is_member=False, named=(), nominee=None, nominee_type=None))
    assert said is not None and said.startswith("only members")
