"""Whether an issue may open a nomination vote: facts read from GitHub, then a pure rule.

``read_facts`` asks GitHub and the records only what the rule still needs (a refused
opener costs one request); ``refusal`` decides from the facts alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gidgethub import BadRequest

from app.features.votes import records
from app.features.votes import templates as t
from app.features.votes.parse import nominees
from app.github.teams import is_member, membership_state
from app.org import Org


@dataclass(frozen=True)
class Facts:
    """What is known about a nomination issue when the rule is applied (None: not read)."""

    org: str
    team: str
    opener: str
    opener_is_member: bool
    named: tuple[str, ...]
    nominee: str | None = None  # the login as GitHub spells it
    nominee_type: str | None = None  # "User", "Bot", "Organization"; "" when not found
    membership: str | None = None  # "active", "pending", or None for none
    other_vote: int | None = None  # issue number of another live vote on the nominee


def refusal(facts: Facts) -> str | None:
    """Why this issue cannot open a vote, in one sentence; None when it can."""
    if not facts.opener_is_member:
        return t.refusal_reason("not_member", org=facts.org, team=facts.team, opener=facts.opener)
    if len(facts.named) != 1:
        found = "names no nominee" if not facts.named else f"names {len(facts.named)} nominees"
        return t.refusal_reason("nominee_count", found=found)
    login = facts.nominee or facts.named[0]
    if facts.nominee_type == "":
        return t.refusal_reason("not_user", login=login)
    if facts.nominee_type != "User":
        return t.refusal_reason("not_person", login=login)
    if facts.membership == "active":
        return t.refusal_reason("member", login=login, org=facts.org, team=facts.team)
    if facts.membership == "pending":
        return t.refusal_reason("invited", login=login, org=facts.org, team=facts.team)
    if facts.other_vote is not None:
        return t.refusal_reason("nominated", login=login, number=facts.other_vote)
    return None


async def read_facts(org: Org, issue: dict[str, Any]) -> Facts:
    """Read what ``refusal`` needs, stopping at the first fact that already refuses."""
    opener, team = issue["user"]["login"], org.config.team
    member = await is_member(org.gh, org.login, team, opener)
    facts = Facts(org.login, team, opener, member, tuple(nominees(issue.get("body"))))
    if not member or len(facts.named) != 1:
        return facts
    try:
        user = await org.gh.getitem("/users/{username}", {"username": facts.named[0]})
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        return _with(facts, nominee_type="")
    login, kind = str(user["login"]), str(user.get("type"))
    if kind != "User":
        return _with(facts, nominee=login, nominee_type=kind)
    state = await membership_state(org.gh, org.login, team, login)
    if state is not None:
        return _with(facts, nominee=login, nominee_type=kind, membership=state)
    others = await records.live_for_nominee(org.ctx.store, org.id, login)
    other = others[0].issue_number if others else None
    return _with(facts, nominee=login, nominee_type=kind, other_vote=other)


def _with(facts: Facts, **found: Any) -> Facts:
    return Facts(**{**facts.__dict__, **found})
