"""What other people's actions do to a vote: labels, closing by hand, deleted comments,
the nominee joining the team some other way, a member leaving it during their removal vote."""

from __future__ import annotations

from typing import Any

from app.context import Context
from app.features.votes import issues as gh_issues
from app.features.votes import lifecycle, records
from app.features.votes import templates as t
from app.features.votes.records import Vote
from app.github import authorship
from app.github.client import GitHubAPI
from app.github.teams import is_admin, is_member
from app.org import Installation
from config.model import WardenConfig


def wanted_labels(vote: Vote | None) -> set[str]:
    """The state labels the issue should carry (none when it has no vote)."""
    if vote is None:
        return set()
    return {t.kind_label(vote.kind), gh_issues.LABEL_OF_STATE[vote.state]}


async def restore_label(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    event: dict[str, Any],
) -> bool:
    """Put back a state label someone without the right added or removed; True if it did."""
    name, added = event["label"]["name"], event["action"] == "labeled"
    warden_label = name in t.STATE_LABELS or name in (t.NOMINATION, t.REMOVAL)
    if not warden_label or event["repository"]["name"] != config.governance_repo:
        return False
    issue, sender = event["issue"], event["sender"]
    vote = await records.find(ctx.store, installation_id, config.governance_repo, issue["number"])
    if name == t.NOMINATION and (vote is None or (added and vote.kind == "nomination")):
        return False  # anyone may propose; the opener is checked when the vote opens
    if name == t.REMOVAL and vote is None:
        return False  # only `/removal` opens removal votes: the label alone does nothing
    if added == (name in wanted_labels(vote)) or await authorship.is_warden(gh, sender):
        return False
    org = event["repository"]["owner"]["login"]
    if await is_admin(gh, org, config, sender["login"]):
        return False
    target = {"owner": org, "repo": config.governance_repo, "issue_number": issue["number"]}
    if added:
        await gh.delete(gh_issues.ISSUE + "/labels/{name}", {**target, "name": name})
    else:
        await gh.post(gh_issues.ISSUE + "/labels", target, data={"labels": [name]})
    await gh.post(
        issue["comments_url"], data={"body": t.label_restored(sender["login"], name, added)}
    )
    return True


async def closed_by_hand(
    ctx: Context, gh: GitHubAPI, installation_id: int, event: dict[str, Any]
) -> Vote | None:
    """Someone closed a nomination issue while its vote was open: the vote is cancelled.
    (In the veto window the vote has passed; only a veto stops the admission then.)"""
    repo, issue = event["repository"]["name"], event["issue"]
    vote = await records.find(ctx.store, installation_id, repo, issue["number"])
    if vote is None or vote.state != "open" or await authorship.is_warden(gh, event["sender"]):
        return None
    why = t.closed_why("issue_closed", who=event["sender"]["login"])
    return await lifecycle.stop(ctx, gh, vote, "cancelled", why, close_issue=False)


async def comment_deleted(
    ctx: Context, gh: GitHubAPI, installation_id: int, event: dict[str, Any]
) -> Vote | None:
    """The vote comment was deleted: post it again at once (the sweep would too)."""
    repo, issue = event["repository"]["name"], event["issue"]
    vote = await records.find(ctx.store, installation_id, repo, issue["number"])
    if vote is None or vote.state != "open" or vote.comment_id != event["comment"]["id"]:
        return None
    return await lifecycle.refresh(ctx, gh, vote)


async def comment_edited(
    ctx: Context, gh: GitHubAPI, installation_id: int, event: dict[str, Any]
) -> Vote | None:
    """Someone else edited the vote comment: Warden writes the true count (or, once the vote
    is closed, the result) back at once."""
    repo, issue = event["repository"]["name"], event["issue"]
    vote = await records.find(ctx.store, installation_id, repo, issue["number"])
    if vote is None or vote.comment_id != event["comment"]["id"] or vote.pending is not None:
        return None
    if vote.state != "open" and vote.result is None:
        return None
    if await authorship.is_warden(gh, event["sender"]):
        return None
    await lifecycle.audit(ctx, vote, "vote.comment_restored", edited_by=event["sender"]["login"])
    if vote.state != "open" and vote.result is not None:
        await gh_issues.edit_comment(gh, vote, vote.result)
        return vote
    return await lifecycle.refresh(ctx, gh, vote, force=True)


async def joined_team(org: Installation, team: str, login: str) -> list[Vote]:
    """The nominee became a member during the vote (added by hand): the vote is moot."""
    stopped = []
    for vote in await records.live_for_nominee(org.ctx.store, org.id, login):
        if vote.state != "open" or vote.team.lower() != team.lower() or vote.org != org.login:
            continue
        why = t.closed_why("joined", who=vote.nominee, org=org.login, team=team)
        stopped.append(await lifecycle.stop(org.ctx, org.gh, vote, "cancelled", why))
    return stopped


async def left_team(org: Installation, team: str, login: str, sender: dict[str, Any]) -> list[Vote]:
    """The member a removal vote is about left the team some other way (removed by hand): the
    vote is moot. Warden's own removals (``/resign``, the inactivity review) end the vote
    themselves; that the member is gone is asked of GitHub, not read from the payload (a
    delivery replayed after they were added back changes nothing)."""
    if await authorship.is_warden(org.gh, sender):
        return []
    live = [
        vote
        for vote in await records.live_for_nominee(org.ctx.store, org.id, login, "removal")
        if vote.team.lower() == team.lower() and vote.org == org.login
    ]
    if not live or await is_member(org.gh, org.login, team, login):
        return []
    return await no_longer_member(org.ctx, org.gh, live)


async def no_longer_member(ctx: Context, gh: GitHubAPI, votes: list[Vote]) -> list[Vote]:
    """End these removal votes as cancelled: their member is off the team already."""
    stopped = []
    for vote in votes:
        if vote.state != "open":
            continue  # a removal that passed is being carried out: that is what removed them
        why = t.closed_why("left", who=vote.nominee, org=vote.org, team=vote.team)
        stopped.append(await lifecycle.stop(ctx, gh, vote, "cancelled", why))
    return stopped
