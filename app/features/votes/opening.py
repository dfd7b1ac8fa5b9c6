"""Open a nomination vote, after checking opener and nominee through the API."""

from __future__ import annotations

import logging
from typing import Any

from app.features.votes import issues as gh_issues
from app.features.votes import records
from app.features.votes import templates as t
from app.features.votes.eligibility import read_facts, refusal
from app.features.votes.lifecycle import finish_opening
from app.features.votes.records import Vote
from app.features.votes.tally import VoteRule
from app.github.teams import team_logins
from app.org import Org

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


async def open_nomination(org: Org, issue: dict[str, Any]) -> Vote | None:
    """Open the vote for a nomination issue, or explain in one comment why not.

    Runs again harmlessly: an issue that has a vote keeps it, a refusal is not repeated.
    """
    if issue.get("state") != "open":
        return None
    found = await records.find(org.ctx.store, org.id, org.config.governance_repo, issue["number"])
    if found is not None:
        if found.state == "open" and found.comment_id is None:  # opening cut short
            return await finish_opening(org.ctx, org.gh, found)
        return found
    facts = await read_facts(org, issue)
    problem = refusal(facts)
    if problem is not None:
        await gh_issues.comment_once(org.gh, issue["comments_url"], t.refusal(problem))
        log.info("nomination %s#%s refused: %s", org.login, issue["number"], problem)
        return None
    assert facts.nominee is not None  # no refusal: the nominee was found
    return await _start(org, issue, facts.nominee)


async def _start(org: Org, issue: dict[str, Any], nominee: str) -> Vote | None:
    opener = issue["user"]["login"]
    return await start_vote(org, int(issue["number"]), nominee, opener)


async def start_vote(
    org: Org, number: int, subject: str, proposer: str, kind: str = "nomination"
) -> Vote | None:
    """Open a vote of ``kind`` (``nomination`` or ``removal``) about ``subject`` on issue
    ``number`` of the governance repository, with the rule and voters of that kind now."""
    rule = org.config.votes.removal if kind == "removal" else org.config.votes.nomination
    voters_team = org.config.voters_team(rule)
    members = await team_logins(org.gh, org.login, voters_team)
    voters = frozenset(m for m in members if m.lower() != subject.lower())
    now = org.ctx.clock.time()
    vote = Vote(
        installation_id=org.id,
        org=org.login,
        repo=org.config.governance_repo,
        issue_number=number,
        kind=kind,
        nominee=subject,
        nominator=proposer,
        team=org.config.team,
        rule=engine_rule(rule),
        voters=voters,
        voters_team=voters_team,
        opened_at=now,
        deadline=now + rule.duration.total_seconds(),
        veto_team=rule.veto.team,
        veto_window=rule.veto.window.total_seconds() if rule.veto.team else 0.0,
    )
    if not await records.insert(org.ctx.store, vote):  # another delivery opened it meanwhile
        return await records.find(org.ctx.store, org.id, vote.repo, vote.issue_number)
    await gh_issues.ensure_labels(org.gh, org.login, vote.repo)
    return await finish_opening(org.ctx, org.gh, vote, first=True)
