"""`/resign` (a member leaves) and `/removal @login [reason]` (the removal voters ask for a
vote). Rights are checked through the API, never taken from the payload."""

from __future__ import annotations

import re

from app.features.offboarding import templates as t
from app.features.offboarding.offboard import offboard
from app.features.votes import lifecycle
from app.features.votes import records as votes
from app.features.votes import templates as vt
from app.features.votes.opening import start_vote
from app.github import labels, marked_issues
from app.github.client import GitHubAPI
from app.github.teams import is_member
from app.intake.commands import Invocation

LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")


async def _reply(gh: GitHubAPI, call: Invocation, key: str, **values: object) -> None:
    await gh.post(call.issue["comments_url"], data={"body": t.reply(call.sender, key, **values)})


def _subject(call: Invocation) -> str:
    return f"{call.org.login}/{call.repo}#{call.issue['number']}"


async def on_resign(call: Invocation) -> None:
    """A member leaves the team at once; anyone else is told they cannot."""
    org, gh = call.org, call.org.gh
    if call.repo != org.config.governance_repo:
        return  # elsewhere the line is prose, and a reply could say too much
    team = org.config.team
    if await _resigned_here(call):
        return  # a redelivery or replay of a resignation already carried out
    if not await is_member(gh, org.login, team, call.sender):
        await _reply(gh, call, "resign_denied", org=org.login, team=team)
        return
    how = f"resigned with `/resign` in #{call.issue['number']}"
    subject = _subject(call)
    number = await offboard(org, call.sender, how, subject)
    await org.audit("member.resigned", subject, login=call.sender)
    for vote in await votes.live_for_nominee(org.ctx.store, org.id, call.sender, "removal"):
        why = vt.closed_why("resigned", who=call.sender)
        await lifecycle.stop(org.ctx, gh, vote, "cancelled", why)
    await _reply(gh, call, "resigned", org=org.login, team=team, issue=number)


async def _resigned_here(call: Invocation) -> bool:
    """Whether the audit log already holds this sender's resignation on this issue."""
    for entry in await call.org.ctx.store.audit_entries(_subject(call)):
        if entry.kind == "member.resigned" and entry.detail.get("login") == call.sender:
            return entry.installation_id == call.org.id
    return False


async def on_removal(call: Invocation) -> None:
    """Open a removal vote on a member, for the removal voters only."""
    org, gh = call.org, call.org.gh
    config = org.config
    if call.repo != config.governance_repo:
        return
    voters = config.voters_team(config.votes.removal)
    if not await is_member(gh, org.login, voters, call.sender):
        await _reply(gh, call, "removal_denied", org=org.login, voters=voters)
        return
    match = LOGIN.match(call.command.args[0]) if call.command.args else None
    if match is None:
        await _reply(gh, call, "removal_usage")
        return
    login = match.group(1)
    if not await is_member(gh, org.login, config.team, login):
        await _reply(gh, call, "removal_not_member", login=login, org=org.login, team=config.team)
        return
    live = await votes.live_for_nominee(org.ctx.store, org.id, login, "removal")
    if live:
        mine = await marked_issues.find(
            gh, org.login, config.governance_repo, labels.REMOVAL, _marker(call, login)
        )
        if mine is None or int(mine["number"]) != live[0].issue_number:  # else: a replay
            await _reply(gh, call, "removal_exists", login=login, issue=live[0].issue_number)
        return
    number = await _open_removal(call, login)
    await _reply(gh, call, "removal_opened", login=login, issue=number)


def _marker(call: Invocation, login: str) -> str:
    """The removal issue's marker: who, and the issue the `/removal` was typed on."""
    return f"<!-- warden:removal login={login.lower()} from={call.issue['number']} -->"


async def _open_removal(call: Invocation, login: str) -> int:
    """The removal issue (found again by its marker after a crash) and its vote."""
    org = call.org
    reason = " ".join(call.command.args[1:])
    source = int(call.issue["number"])
    title, body = t.removal_issue(login, call.sender, reason, source)
    marker = _marker(call, login)
    number = await marked_issues.upsert(
        org.gh,
        org.login,
        org.config.governance_repo,
        label=labels.REMOVAL,
        marker=marker,
        title=title,
        body=f"{marker}\n{body}",
    )
    await start_vote(org, number, login, call.sender, "removal")
    return number
