"""A vote's life after it opens: count, close, wait out the veto window, admit or stop."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from app.context import Context
from app.features.offboarding.offboard import offboard
from app.features.orgconfig import current_config
from app.features.votes import issues as gh_issues
from app.features.votes import records
from app.features.votes import templates as t
from app.features.votes.records import Vote
from app.features.votes.tally import Reaction, Tally, tally
from app.github.client import GitHubAPI
from app.github.teams import expect_membership, membership_state
from app.org import Installation, Org
from app.scheduler import Failures, org_due
from app.store.base import AuditEntry

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
        opened_at=datetime.fromtimestamp(vote.opened_at, UTC),
    )


def digest(result: Tally) -> str:
    """A fingerprint of who voted how: the comment is edited only when it changes."""
    text = json.dumps(
        [result.for_, result.against, result.abstain, result.invalid, dict(result.non_binding)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def audit(
    ctx: Context, vote: Vote, kind: str, delivery_id: str | None = None, **detail: object
) -> None:
    entry = AuditEntry(
        at=ctx.clock.time(),
        kind=kind,
        subject=vote.subject,
        detail={"nominee": vote.nominee, "state": vote.state, **detail},
        installation_id=vote.installation_id,
        delivery_id=delivery_id or ctx.delivery_id,
    )
    await ctx.store.append_audit(entry)


async def audit_once(
    ctx: Context, vote: Vote, kind: str, delivery_id: str | None = None, **detail: object
) -> None:
    """Append the entry unless this vote has one of ``kind`` already (a step run again)."""
    for entry in await ctx.store.audit_entries(vote.subject):
        if entry.kind == kind and entry.installation_id == vote.installation_id:
            return
    await audit(ctx, vote, kind, delivery_id, **detail)


async def _stored(ctx: Context, vote: Vote) -> Vote:
    """The vote as the database has it now (after losing a compare-and-set)."""
    log.info("vote %s changed meanwhile; leaving it to whoever changed it", vote.subject)
    fresh = await records.find(ctx.store, vote.installation_id, vote.repo, vote.issue_number)
    return fresh or vote


@asynccontextmanager
async def held(ctx: Context, vote: Vote) -> AsyncIterator[Vote]:
    """The vote as stored now, while no one else (on any replica) works on it: the sweep, a
    command and an event about one vote take turns, so GitHub is not written to twice.
    (Every write is also a compare-and-set, which keeps the record right without it.)"""
    async with ctx.store.lock("vote", f"{vote.installation_id}/{vote.subject}"):
        yield (
            await records.find(ctx.store, vote.installation_id, vote.repo, vote.issue_number)
            or vote
        )


async def refresh(ctx: Context, gh: GitHubAPI, vote: Vote, *, force: bool = False) -> Vote:
    """Count the reactions now; edit the comment if the tally changed (or ``force``); close
    the vote when it is decided or due. Finishes whatever an interrupted run left undone."""
    async with held(ctx, vote) as current:
        return await _refresh(ctx, gh, current, force=force)


async def _refresh(ctx: Context, gh: GitHubAPI, vote: Vote, *, force: bool = False) -> Vote:
    if vote.pending is not None:
        return await finish(ctx, gh, vote)
    if vote.state == "veto" and ctx.clock.time() >= (vote.veto_until or 0):
        return await _veto_window_over(ctx, gh, vote)
    if vote.state == "passed" and vote.onboarding_issue is None:
        return await _carry_out(ctx, gh, vote)  # an admission or removal that failed half-way
    if vote.state != "open":
        return vote
    if vote.comment_id is None:  # the opening was interrupted before the comment was stored
        vote = await finish_opening(ctx, gh, vote)
    reactions = await gh_issues.read_reactions(gh, vote)
    if reactions is None:
        vote, reactions = await repost(ctx, gh, vote), []
    result = count(vote, reactions, now_of(ctx))
    if result.closable:
        return await close(ctx, gh, vote, result)
    if force or digest(result) != vote.tally:
        body = t.open_comment(vote, result, now_of(ctx), vote.voters_team)
        if not await gh_issues.edit_comment(gh, vote, body):  # deleted since the count
            return await _refresh(ctx, gh, await repost(ctx, gh, vote), force=force)
        counted = vote.but(tally=digest(result))
        if not await records.update(ctx.store, vote, counted):
            return await _recounted_meanwhile(ctx, gh, vote)
        return counted
    return vote


async def _recounted_meanwhile(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """The vote changed between this count and its edit of the comment. If it closed, the
    edit may have overwritten the result: put the result back."""
    fresh = await _stored(ctx, vote)
    if fresh.state != "open" and fresh.pending is None and fresh.result is not None:
        await gh_issues.edit_comment(gh, fresh, fresh.result)
    return fresh


async def finish_opening(ctx: Context, gh: GitHubAPI, vote: Vote, *, first: bool = False) -> Vote:
    """The steps of opening a vote after its row is stored: label, audit, vote comment.
    Each is safe to run again; the comment id, stored last, marks the opening done. On the
    ``first`` run no earlier comment can exist, so none is looked for."""
    await gh_issues.add_label(gh, vote, t.VOTE_OPEN)
    await audit_once(ctx, vote, "vote.opened", voters=sorted(vote.voters), deadline=vote.deadline)
    result = count(vote, [], now_of(ctx))
    body = t.open_comment(vote, result, now_of(ctx), vote.voters_team)
    if first:
        comment_id = await gh_issues.post_comment(gh, vote, body)
    else:
        comment_id = await _own_or_new_comment(ctx, gh, vote, body)
    opened = vote.but(comment_id=comment_id, tally=digest(result))
    return opened if await records.update(ctx.store, vote, opened) else await _stored(ctx, vote)


async def _own_or_new_comment(ctx: Context, gh: GitHubAPI, vote: Vote, body: str) -> int:
    """The id of Warden's vote comment on the issue if an interrupted run posted one (found
    by its marker), else of a new comment with ``body``: never two vote comments."""
    found = await gh_issues.find_vote_comment(gh, vote)
    if found not in (None, vote.comment_id) and await gh_issues.edit_comment(
        gh, vote.but(comment_id=found), body
    ):
        return int(found or 0)
    return await gh_issues.post_comment(gh, vote, body)


async def repost(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """Post the vote comment again (it was deleted); the issue says so."""
    old = vote.comment_id
    result = count(vote, [], now_of(ctx))
    body = t.open_comment(vote, result, now_of(ctx), vote.voters_team)
    if old is not None:
        body = body.replace("\n## Vote", f"\n> {t.comment_reposted(old)}\n\n## Vote", 1)
    new_id = await _own_or_new_comment(ctx, gh, vote, body)
    reposted = vote.but(comment_id=new_id, tally=digest(result))
    if not await records.update(ctx.store, vote, reposted):
        return await _stored(ctx, vote)
    if old is not None:
        await audit(ctx, reposted, "vote.comment_reposted", old_comment=old)
    return reposted


async def _veto_window_over(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """No veto came in the window: the vote becomes passed, the comment says so, the nominee
    is admitted."""
    passed = vote.but(state="passed")
    body = t.veto_window_over(passed, vote.result or "")
    owed = _owed(ctx, body, "vote.veto_window_ended", {}, None) if vote.result else None
    passed = passed.but(result=body if vote.result else None, pending=owed)
    if not await records.update(ctx.store, vote, passed):
        return await _stored(ctx, vote)
    return await finish(ctx, gh, passed) if owed else await admit(ctx, gh, passed)


def _closed_words(vote: Vote, now: datetime) -> str:
    if now >= vote.deadline_at:
        return t.closed_why("deadline", at=t.when(vote.deadline_at))
    return t.closed_why("early", at=t.when(now))


def _owed(
    ctx: Context, body: str, kind: str, detail: Mapping[str, object], close: str | None
) -> str:
    """What a state change owes, stored with it: the result comment, the audit entry (with
    the delivery that caused it) and how to close the issue (None: leave it open)."""
    owed = {"body": body, "audit": kind, "detail": detail, "close": close}
    return json.dumps({**owed, "delivery": ctx.delivery_id})


async def close(ctx: Context, gh: GitHubAPI, vote: Vote, result: Tally) -> Vote:
    """Record the result: the comment becomes the result, the label, the audit log; a passed
    vote waits out the veto window (if any) before the nominee is admitted."""
    now = ctx.clock.time()
    closed = vote.but(outcome=result.outcome, closed_at=now, tally=digest(result))
    if result.outcome == "passed" and vote.veto_team and vote.veto_window > 0:
        closed = closed.but(state="veto", veto_until=now + vote.veto_window)
    else:
        closed = closed.but(state="passed" if result.outcome == "passed" else "failed")
    note = t.veto_window_note(closed) if closed.state == "veto" else ""
    body = t.result_comment(closed, result, _closed_words(vote, now_of(ctx)), note)
    detail = {"tally": _tally_detail(result), "outcome": result.outcome}
    shut = "not_planned" if closed.state == "failed" else None
    closed = closed.but(result=body, pending=_owed(ctx, body, "vote.closed", detail, shut))
    # Decided on this deadline: an extension typed meanwhile wins, and the vote stays open.
    if not await records.update(ctx.store, vote, closed, also=("deadline",)):
        return await _stored(ctx, vote)
    return await finish(ctx, gh, closed)


def _tally_detail(result: Tally) -> dict[str, object]:
    return {
        "for": list(result.for_),
        "against": list(result.against),
        "abstain": list(result.abstain),
        "invalid": list(result.invalid),
        "non_binding": {k: list(v) for k, v in result.non_binding.items()},
    }


async def finish(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """Carry out what the vote's last state change owes (``pending``): the audit entry, the
    result in the vote comment, the state label, closing the issue; then admit a passed
    nominee. Every step is safe to repeat, so a run cut short is finished by the next sweep
    without a second comment or audit entry."""
    assert vote.pending is not None
    owed = json.loads(vote.pending)
    await audit_once(ctx, vote, owed["audit"], owed["delivery"], **owed["detail"])
    vote = await _show(ctx, gh, vote, owed["body"])
    if owed["close"]:
        await gh_issues.close_issue(gh, vote, owed["close"])
    done = vote.but(pending=None)
    if not await records.update(ctx.store, vote, done):
        return await _stored(ctx, vote)
    if done.state == "passed":
        return await _carry_out(ctx, gh, done)
    return done


async def _carry_out(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """What a passed vote decided: admit the nominee, or remove the member."""
    if vote.kind == "removal":
        return await remove(ctx, gh, vote)
    return await admit(ctx, gh, vote)


async def remove(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """The removal passed: take the member off the team, open the offboarding issue, close
    the removal issue. Safe to run again; the offboarding issue's number marks it done."""
    config = await current_config(Installation(ctx, gh, vote.installation_id, vote.org))
    if config is None:
        return vote  # not set up any more: nothing is done there
    org = Org(ctx, gh, vote.installation_id, vote.org, config)
    how = f"removed by the vote in #{vote.issue_number}"
    number = await offboard(org, vote.nominee, how, vote.subject)
    await audit_once(ctx, vote, "removal.done", offboarding_issue=number)
    await gh_issues.close_issue(gh, vote)
    removed = vote.but(onboarding_issue=number)
    return removed if await records.update(ctx.store, vote, removed) else await _stored(ctx, vote)


async def _show(ctx: Context, gh: GitHubAPI, vote: Vote, body: str) -> Vote:
    """Put the body in the vote comment (posted again if deleted) and the label on the issue."""
    if vote.comment_id is None or not await gh_issues.edit_comment(gh, vote, body):
        shown = vote.but(comment_id=await _own_or_new_comment(ctx, gh, vote, body))
        vote = shown if await records.update(ctx.store, vote, shown) else vote
    await gh_issues.set_state_label(gh, vote)
    return vote


async def admit(ctx: Context, gh: GitHubAPI, vote: Vote) -> Vote:
    """The vote passed (and was not vetoed): add the nominee to the team, onboard them and
    close the nomination. Each step is safe to run again; the onboarding issue's number,
    stored last, marks the admission done."""
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
    config = await current_config(Installation(ctx, gh, vote.installation_id, vote.org))
    checklist = config.onboarding.checklist if config is not None else ()
    venues = config.onboarding.venues if config is not None else ()
    title, body = t.onboarding_issue(vote, checklist, invited=state == "pending", venues=venues)
    number = await gh_issues.open_onboarding_issue(gh, vote, title, body)
    await audit_once(ctx, vote, "nomination.admitted", membership=state, onboarding_issue=number)
    await gh_issues.close_issue(gh, vote)
    admitted = vote.but(onboarding_issue=number)
    return admitted if await records.update(ctx.store, vote, admitted) else await _stored(ctx, vote)


async def stop(
    ctx: Context, gh: GitHubAPI, vote: Vote, state: str, why: str, close_issue: bool = True
) -> Vote:
    """End a live vote as ``cancelled`` or ``vetoed``: result comment, label, audit, closed.
    Only if it is still as ``vote`` says; else the vote as it is now, unchanged."""
    assert state in ("cancelled", "vetoed")
    async with held(ctx, vote):
        return await _stop(ctx, gh, vote, state, why, close_issue)


async def _stop(
    ctx: Context, gh: GitHubAPI, vote: Vote, state: str, why: str, close_issue: bool
) -> Vote:
    result = None
    if vote.comment_id is not None:
        reactions = await gh_issues.read_reactions(gh, vote)
        result = count(vote, reactions, now_of(ctx)) if reactions is not None else None
    stopped = vote.but(state=state, closed_at=ctx.clock.time())
    body = t.result_comment(stopped, result, why)
    shut = "not_planned" if close_issue else None
    owed = _owed(ctx, body, f"vote.{state}", {"why": why}, shut)
    stopped = stopped.but(result=body, pending=owed)
    if not await records.update(ctx.store, vote, stopped):
        return await _stored(ctx, vote)
    return await finish(ctx, gh, stopped)


async def sweep_votes(ctx: Context) -> int:
    """The ``votes`` job: count every live vote, close those decided or due; how many seen.
    Each organisation's votes are counted on its ``schedule.votes`` cadence."""
    if ctx.github is None:
        return 0
    by_org: dict[tuple[int, str], list[Vote]] = {}
    for vote in await records.live_votes(ctx.store):
        by_org.setdefault((vote.installation_id, vote.org), []).append(vote)
    seen = 0
    failures = Failures()  # one broken vote must not stop the others, nor pass for a success
    for (installation_id, login), votes in by_org.items():
        org = Installation(
            ctx, ctx.github.installation_client(installation_id), installation_id, login
        )
        due = False
        with failures.each(f"votes of {login} (installation {installation_id})", counted=False):
            due = await _org_due(org)
        if not due:
            continue
        for vote in votes:
            with failures.each(f"vote {vote.subject} of {login} (installation {installation_id})"):
                await refresh(ctx, org.gh, vote)
                seen += 1
        await ctx.store.record_org_run(installation_id, "votes", ctx.clock.time())
    failures.raise_if_any()
    return seen


async def _org_due(org: Installation) -> bool:
    """Whether the organisation is set up and its ``schedule.votes`` cadence has come."""
    config = await current_config(org)
    if config is None:
        return False  # the org is not set up (any more): Warden acts on nothing there
    return await org_due(org.ctx, org.id, "votes", config.schedule.votes)
