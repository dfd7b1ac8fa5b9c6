"""`/vote status|cancel|extend DURATION` and `/veto`, with the rights SPEC section 4 gives."""

from __future__ import annotations

from datetime import UTC, datetime

from app.context import Context
from app.features.votes import lifecycle, records
from app.features.votes import templates as t
from app.features.votes.records import Vote
from app.github.client import GitHubAPI
from app.github.markdown import inert
from app.github.teams import is_admin, is_member
from app.intake.commands import Invocation
from config.units import UnitError, parse_duration


async def reply(gh: GitHubAPI, call: Invocation, key: str, **values: str) -> None:
    """Answer the command's author with ``templates.REPLIES[key]``."""
    body = t.reply(call.sender, key, **values)
    await gh.post(call.issue["comments_url"], data={"body": body})


async def _vote_here(ctx: Context, gh: GitHubAPI, call: Invocation) -> Vote | None:
    """The vote of the issue the command was typed on; replies and returns None if none.

    Outside the governance repository a `/vote` line is prose (and the reply could leak that
    a vote exists), so nothing is said there.
    """
    if call.repo != call.org.config.governance_repo:
        return None
    vote = await records.find(ctx.store, call.org.id, call.repo, call.issue["number"])
    if vote is None:
        await reply(gh, call, "no_vote", word=inert(call.command.line.split()[0]))
    return vote


def _state(vote: Vote) -> str:
    return "passed, in its veto window" if vote.state == "veto" else vote.state


async def on_vote(call: Invocation) -> None:
    ctx, gh = call.org.ctx, call.org.gh
    vote = await _vote_here(ctx, gh, call)
    if vote is None:
        return
    action = call.command.args[0].lower() if call.command.args else ""
    if action == "status" and vote.state != "open":
        await reply(gh, call, "status_closed", state=_state(vote))
    elif action == "status":
        await lifecycle.refresh(ctx, gh, vote, force=True)
    elif action == "cancel":
        await _cancel(ctx, gh, call, vote)
    elif action == "extend":
        await _extend(ctx, gh, call, vote)
    else:
        await reply(gh, call, "unknown", line=inert(call.command.line))


async def _cancel(ctx: Context, gh: GitHubAPI, call: Invocation, vote: Vote) -> None:
    allowed = call.sender.lower() == vote.nominator.lower() or await is_admin(
        gh, call.org.login, call.org.config, call.sender
    )
    if not allowed:
        await reply(gh, call, "cancel_denied", nominator=vote.nominator)
    elif vote.state != "open":  # a passed vote in its veto window is stopped only by a veto
        await reply(gh, call, "already_closed", state=_state(vote))
    else:
        why = t.closed_why("cancelled_by", who=call.sender)
        done = await lifecycle.stop(ctx, gh, vote, "cancelled", why)
        await _say_if_lost(gh, call, done, "cancelled")


async def _extend(ctx: Context, gh: GitHubAPI, call: Invocation, vote: Vote) -> None:
    if not await is_admin(gh, call.org.login, call.org.config, call.sender):
        await reply(gh, call, "extend_denied")
        return
    if vote.state != "open":
        await reply(gh, call, "already_closed", state=_state(vote))
        return
    written = " ".join(call.command.args[1:])
    try:
        extra = parse_duration(written)
    except UnitError as exc:
        await reply(gh, call, "bad_duration", error=t.duration_problem(str(exc), written))
        return
    extended = vote.but(deadline=vote.deadline + extra.total_seconds())
    if not await records.update(ctx.store, vote, extended):
        await reply(gh, call, "extend_lost")
        return
    seconds = extra.total_seconds()
    await lifecycle.audit(ctx, extended, "vote.extended", by=call.sender, seconds=seconds)
    await lifecycle.refresh(ctx, gh, extended, force=True)


async def on_veto(call: Invocation) -> None:
    ctx, gh = call.org.ctx, call.org.gh
    vote = await _vote_here(ctx, gh, call)
    if vote is None:
        return
    if not vote.veto_team:
        await reply(gh, call, "no_veto")
    elif not await is_member(gh, call.org.login, vote.veto_team, call.sender):
        await reply(gh, call, "veto_denied", org=call.org.login, team=vote.veto_team)
    elif vote.state != "veto" or ctx.clock.time() >= (vote.veto_until or 0):
        key, values = _no_window(vote)
        await reply(gh, call, key, **values)
    else:
        why = t.closed_why("vetoed_by", who=call.sender)
        done = await lifecycle.stop(ctx, gh, vote, "vetoed", why)
        await _say_if_lost(gh, call, done, "vetoed")


async def _say_if_lost(gh: GitHubAPI, call: Invocation, vote: Vote, wanted: str) -> None:
    """Another run changed the vote between reading it and acting on it: say so."""
    if vote.state != wanted:
        await reply(gh, call, "changed", state=_state(vote))


def _no_window(vote: Vote) -> tuple[str, dict[str, str]]:
    """The reply to a `/veto` outside the veto window."""
    if vote.state == "open":
        return "still_open", {}
    if vote.veto_until is not None:
        return "window_ended", {"ended": t.when(datetime.fromtimestamp(vote.veto_until, UTC))}
    return "nothing_to_veto", {"state": vote.state}


__all__ = ["on_veto", "on_vote"]
