"""Open a nomination vote, after checking opener and nominee through the API."""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import BadRequest

from app.context import Context
from app.features.votes import issues as gh_issues
from app.features.votes import records
from app.features.votes import templates as t
from app.features.votes.lifecycle import finish_opening
from app.features.votes.parse import nominees
from app.features.votes.records import Vote
from app.features.votes.tally import VoteRule
from app.github.client import GitHubAPI
from app.github.teams import is_member, membership_state, team_logins
from config.model import WardenConfig

log = logging.getLogger(__name__)


def engine_rule(rule: Any) -> VoteRule:
    """The engine's rule for a `votes.nomination` or `votes.removal` config section."""
    return VoteRule(
        threshold=rule.threshold,
        denominator=rule.denominator,
        quorum=rule.quorum,
        strict=rule.strict,
        duration=rule.duration,
        min_open=rule.min_open,
    )


async def _nominee_problem(
    ctx: Context, gh: GitHubAPI, installation_id: int, org: str, team: str, login: str
) -> str | None:
    try:
        user = await gh.getitem("/users/{username}", {"username": login})
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        return t.refusal_reason("not_user", login=login)
    if user.get("type") != "User":
        return t.refusal_reason("not_person", login=login)
    state = await membership_state(gh, org, team, user["login"])
    if state == "active":
        return t.refusal_reason("member", login=user["login"], org=org, team=team)
    if state == "pending":
        return t.refusal_reason("invited", login=user["login"], org=org, team=team)
    for other in await records.live_for_nominee(ctx.store, installation_id, user["login"]):
        return t.refusal_reason("nominated", login=user["login"], number=other.issue_number)
    return None


async def _problem(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    org: str,
    issue: dict[str, Any],
) -> str | None:
    """Why this issue cannot open a vote, in one sentence; None when it can."""
    opener = issue["user"]["login"]
    if not await is_member(gh, org, config.team, opener):
        return t.refusal_reason("not_member", org=org, team=config.team, opener=opener)
    named = nominees(issue.get("body"))
    if len(named) != 1:
        found = "names no nominee" if not named else f"names {len(named)} nominees"
        return t.refusal_reason("nominee_count", found=found)
    return await _nominee_problem(ctx, gh, installation_id, org, config.team, named[0])


async def open_nomination(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    org: str,
    issue: dict[str, Any],
) -> Vote | None:
    """Open the vote for a nomination issue, or explain in one comment why not.

    Runs again harmlessly: an issue that has a vote keeps it, a refusal is not repeated.
    """
    if issue.get("state") != "open":
        return None
    found = await records.find(ctx.store, installation_id, config.governance_repo, issue["number"])
    if found is not None:
        if found.state == "open" and found.comment_id is None:  # opening cut short
            return await finish_opening(ctx, gh, found)
        return found
    problem = await _problem(ctx, gh, config, installation_id, org, issue)
    if problem is not None:
        await gh_issues.comment_once(gh, issue["comments_url"], t.refusal(problem))
        log.info("nomination %s#%s refused: %s", org, issue["number"], problem)
        return None
    [login] = nominees(issue.get("body"))
    user = await gh.getitem("/users/{username}", {"username": login})
    return await _start(ctx, gh, config, installation_id, org, issue, user["login"])


async def _start(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    org: str,
    issue: dict[str, Any],
    nominee: str,
) -> Vote | None:
    opener = issue["user"]["login"]
    number = int(issue["number"])
    return await start_vote(ctx, gh, config, installation_id, org, number, nominee, opener)


async def start_vote(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    org: str,
    number: int,
    subject: str,
    proposer: str,
    kind: str = "nomination",
) -> Vote | None:
    """Open a vote of ``kind`` (``nomination`` or ``removal``) about ``subject`` on issue
    ``number`` of the governance repository, with the rule and voters of that kind now."""
    rule = config.votes.removal if kind == "removal" else config.votes.nomination
    voters_team = config.voters_team(rule)
    members = await team_logins(gh, org, voters_team)
    voters = frozenset(m for m in members if m.lower() != subject.lower())
    now = ctx.clock.time()
    vote = Vote(
        installation_id=installation_id,
        org=org,
        repo=config.governance_repo,
        issue_number=number,
        kind=kind,
        nominee=subject,
        nominator=proposer,
        team=config.team,
        rule=engine_rule(rule),
        voters=voters,
        voters_team=voters_team,
        opened_at=now,
        deadline=now + rule.duration.total_seconds(),
        veto_team=rule.veto.team,
        veto_window=rule.veto.window.total_seconds() if rule.veto.team else 0.0,
    )
    if not await records.insert(ctx.store, vote):  # another delivery opened it meanwhile
        return await records.find(ctx.store, installation_id, vote.repo, vote.issue_number)
    await gh_issues.ensure_labels(gh, org, vote.repo)
    return await finish_opening(ctx, gh, vote, first=True)
