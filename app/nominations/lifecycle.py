"""A vote's life after it opens: count, close, wait out the veto window, admit or stop."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from app.context import Context
from app.github import GitHubAPI
from app.nominations import issues as gh_issues
from app.nominations import records
from app.nominations import templates as t
from app.nominations.records import Vote
from app.orgconfig import current_config
from app.store.base import AuditEntry
from app.teams import expect_membership, membership_state
from app.votes import Reaction, Tally, tally

log = logging.getLogger(__name__)


def now_of(ctx: Context) -> datetime:
    return datetime.fromtimestamp(ctx.clock.time(), UTC)


def count(vote: Vote, reactions: list[Reaction], now: datetime) -> Tally:
    """The engine's tally of the vote with the rule and voters it opened with."""
    return tally(
        vote.rule,
        vote.voters,
        reactions,
        excluded=frozenset({vote.nominee}),
        deadline=vote.deadline_at,
        now=now,
    )


def digest(result: Tally) -> str:
    """A fingerprint of who voted how: the comment is edited only when it changes."""
    text = json.dumps(
        [result.for_, result.against, result.abstain, result.invalid, dict(result.non_binding)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def audit(ctx: Context, vote: Vote, kind: str, **detail: object) -> None:
    entry = AuditEntry(
        at=ctx.clock.time(),
        kind=kind,
        subject=vote.subject,
        detail={"nominee": vote.nominee, "state": vote.state, **detail},
        installation_id=vote.installation_id,
        delivery_id=ctx.delivery_id,
    )
    await ctx.store.append_audit(entry)


@asynccontextmanager
async def held(ctx: Context, vote: Vote) -> AsyncIterator[Vote]:
    """The vote as stored now, while no one else (on any replica) changes it: the sweep, a
    command and an event about one vote take turns."""
    async with ctx.store.lock("vote", f"{vote.installation_id}/{vote.subject}"):
        current = await records.find(ctx.store, vote.installation_id, vote.repo, vote.issue_number)
        yield current or vote


async def refresh(ctx: Context, gh: GitHubAPI, vote: Vote, *, force: bool = False) -> Vote:
    """Count the reactions now; edit the comment if the tally changed (or ``force``); close
    the vote when it is decided or due. A veto window that ended admits the nominee."""
    async with held(ctx, vote) as current:
        return await refresh_held(ctx, gh, current, force=force)


async def refresh_held(ctx: Context, gh: GitHubAPI, vote: Vote, *, force: bool = False) -> Vote:
    """``refresh`` for a caller that holds the vote (``held``)."""
    now = now_of(ctx)
    if vote.state == "veto" and ctx.clock.time() >= (vote.veto_until or 0):
        passed = vote.but(state="passed")
        return await admit(ctx, gh, passed) if await _moved(ctx, vote, passed) else vote
    if vote.state == "passed" and vote.kind == "nomination" and vote.onboarding_issue is None:
        return await admit(ctx, gh, vote)  # an admission that failed half-way
    if vote.state != "open":
        return vote
    reactions = await gh_issues.read_reactions(gh, vote) if vote.comment_id else None
    if reactions is None:
        vote = await repost(ctx, gh, vote)
        reactions = []
    result = count(vote, reactions, now)
    if result.decided:
        return await close(ctx, gh, vote, result)
    fingerprint = digest(result)
    if force or fingerprint != vote.tally:
        body = t.open_comment(vote, result, now, vote.voters_team)
        if not await gh_issues.edit_comment(gh, vote, body):
            return await refresh_held(ctx, gh, vote.but(comment_id=None), force=force)
        vote = vote.but(tally=fingerprint)
        await records.save(ctx.store, vote)
    return vote


async def _moved(ctx: Context, before: Vote, after: Vote) -> bool:
    """Move the stored vote from ``before.state`` to ``after``; False if someone else did."""
    if await records.transition(ctx.store, before, after):
        return True
    log.info("vote %s changed meanwhile; leaving it to whoever changed it", before.subject)
    return False


async def repost(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """Post the vote comment again (it was deleted); the issue says so."""
    old = vote.comment_id
    result = count(vote, [], now_of(ctx))
    body = t.open_comment(vote, result, now_of(ctx), vote.voters_team)
    if old is not None:
        body = body.replace("\n## Vote", f"\n> {t.comment_reposted(old)}\n\n## Vote", 1)
    vote = vote.but(comment_id=await gh_issues.post_comment(gh, vote, body), tally=digest(result))
    await records.save(ctx.store, vote)
    if old is not None:
        await audit(ctx, vote, "vote.comment_reposted", old_comment=old)
    return vote


def _closed_words(vote: Vote, result: Tally, now: datetime) -> str:
    if now >= vote.deadline_at:
        return f"Closed at its deadline, {t.when(vote.deadline_at)}."
    return f"Closed early on {t.when(now)}: the remaining votes could no longer change the result."


async def close(ctx: Context, gh: GitHubAPI, vote: Vote, result: Tally) -> Vote:
    """Record the result: the comment becomes the result, the label, the audit log; a passed
    vote waits out the veto window (if any) before the nominee is admitted."""
    now = ctx.clock.time()
    before, vetoable = vote, vote.veto_team and vote.veto_window > 0
    if result.outcome == "passed" and vetoable:
        vote = vote.but(state="veto", veto_until=now + vote.veto_window)
    else:
        vote = vote.but(state="passed" if result.outcome == "passed" else "failed")
    vote = vote.but(outcome=result.outcome, closed_at=now, tally=digest(result))
    if not await _moved(ctx, before, vote):
        return before
    note = t.veto_window_note(vote) if vote.state == "veto" else ""
    body = t.result_comment(vote, result, _closed_words(vote, result, now_of(ctx)), note)
    await _show(ctx, gh, vote, body)
    await audit(ctx, vote, "vote.closed", tally=_tally_detail(result), outcome=result.outcome)
    if vote.state == "passed":
        return await admit(ctx, gh, vote)
    if vote.state == "failed":
        await gh_issues.close_issue(gh, vote, "not_planned")
    return vote


def _tally_detail(result: Tally) -> dict[str, object]:
    return {
        "for": list(result.for_),
        "against": list(result.against),
        "abstain": list(result.abstain),
        "invalid": list(result.invalid),
        "non_binding": {k: list(v) for k, v in result.non_binding.items()},
    }


async def _show(ctx: Context, gh: GitHubAPI, vote: Vote, body: str) -> Vote:
    """Put the body in the vote comment (posted again if deleted) and the label on the issue."""
    if vote.comment_id is None or not await gh_issues.edit_comment(gh, vote, body):
        vote = vote.but(comment_id=await gh_issues.post_comment(gh, vote, body))
        await records.save(ctx.store, vote)
    await gh_issues.set_state_label(gh, vote)
    return vote


async def admit(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """The vote passed (and was not vetoed): add the nominee to the team, onboard them and
    close the nomination. Each step is safe to run again."""
    reason = f"passed vote {vote.subject}"
    state = await membership_state(gh, vote.org, vote.team, vote.nominee)
    if state is None:
        await expect_membership(
            ctx, vote.installation_id, vote.org, vote.team, vote.nominee, "added", reason
        )
        added = await gh.put(
            "/orgs/{org}/teams/{team_slug}/memberships/{username}",
            {"org": vote.org, "team_slug": vote.team, "username": vote.nominee},
            data={"role": "member"},
        )
        state = str(added.get("state"))
    config = await current_config(ctx, gh, vote.installation_id, vote.org)
    checklist = config.onboarding.checklist if config is not None else ()
    title, body = t.onboarding_issue(vote, checklist, invited=state == "pending")
    number = await gh_issues.open_onboarding_issue(gh, vote, title, body)
    vote = vote.but(onboarding_issue=number)
    await records.save(ctx.store, vote)
    await audit(ctx, vote, "nomination.admitted", membership=state, onboarding_issue=number)
    await gh_issues.close_issue(gh, vote)
    return vote


async def stop(
    ctx: Context, gh: GitHubAPI, vote: Vote, state: str, why: str, close_issue: bool = True
) -> Vote:
    """End a live vote as ``cancelled`` or ``vetoed``: result comment, label, audit, closed."""
    assert state in ("cancelled", "vetoed")
    async with held(ctx, vote) as current:
        if not current.live:
            return current  # closed meanwhile (the sweep, another command)
        return await _stop(ctx, gh, current, state, why, close_issue)


async def _stop(
    ctx: Context, gh: GitHubAPI, vote: Vote, state: str, why: str, close_issue: bool
) -> Vote:
    before, vote = vote, vote.but(state=state, closed_at=ctx.clock.time())
    if not await _moved(ctx, before, vote):
        return before
    result = None
    if vote.comment_id is not None:
        reactions = await gh_issues.read_reactions(gh, vote)
        result = count(vote, reactions or [], now_of(ctx)) if reactions is not None else None
    await _show(ctx, gh, vote, t.result_comment(vote, result, why))
    await audit(ctx, vote, f"vote.{state}", why=why)
    if close_issue:
        await gh_issues.close_issue(gh, vote, "not_planned")
    return vote


async def sweep_votes(ctx: Context) -> int:
    """The ``votes`` job: count every live vote, close those decided or due; how many seen."""
    if ctx.github is None:
        return 0
    seen = 0
    for vote in await records.live_votes(ctx.store):
        gh = ctx.github.installation_client(vote.installation_id)
        try:
            if await current_config(ctx, gh, vote.installation_id, vote.org) is None:
                continue  # the org is not set up (any more): Warden acts on nothing there
            await refresh(ctx, gh, vote)
        except Exception:  # one broken vote must not stop the others
            log.exception("could not count the vote %s", vote.subject)
            continue
        seen += 1
    return seen
