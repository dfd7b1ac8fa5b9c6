"""The public status page: member lists, open votes with their tallies, advisory counts.

Only what is public under PEP 811 is shown: who is on each team, how many votes each open
vote has (not who the nominee is: a nomination lives in a private repository until it
passes), how many advisories were reported and published per year, and how many are open
and overdue (never an id, a title or a repository). The page is computed at most once
per ``TTL`` seconds, so it costs GitHub a few conditional requests however often it is
loaded.
"""

from __future__ import annotations

import html
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from app.context import Context
from app.features.orgconfig import current_config
from app.features.votes import records as vote_records
from app.features.votes.issues import read_reactions
from app.features.votes.lifecycle import count
from app.features.votes.records import Vote
from app.github.client import GitHubAPI
from app.github.teams import team_logins
from app.org import Installation
from config.model import WardenConfig

log = logging.getLogger(__name__)

TTL = 300.0


@dataclass(frozen=True)
class VoteLine:
    kind: str
    state: str  # "open" or "veto window"
    for_: int
    against: int
    abstain: int
    voters: int
    until: datetime


@dataclass(frozen=True)
class YearCount:
    year: int
    reported: int
    published: int


@dataclass(frozen=True)
class OrgStatus:
    org: str
    team: str
    members: tuple[tuple[str, bool], ...] = ()  # (login, is an admin)
    votes: tuple[VoteLine, ...] = ()
    advisories: tuple[YearCount, ...] = ()
    open_advisories: int = 0
    overdue_advisories: int = 0
    unavailable: bool = False


async def _members(gh: GitHubAPI, org: str, config: WardenConfig) -> tuple[tuple[str, bool], ...]:
    members = await team_logins(gh, org, config.team)
    if config.admins_are_maintainers:
        admins = await team_logins(gh, org, config.team, role="maintainer")
    else:
        admins = await team_logins(gh, org, config.admins)
    admin_keys = {a.lower() for a in admins}
    ordered = sorted(members, key=str.lower)
    return tuple((login, login.lower() in admin_keys) for login in ordered)


async def _vote_line(ctx: Context, gh: GitHubAPI, vote: Vote) -> VoteLine:
    now = datetime.fromtimestamp(ctx.clock.time(), UTC)
    reactions = await read_reactions(gh, vote) if vote.comment_id else None
    result = count(vote, reactions or [], now)
    in_veto = vote.state == "veto" and vote.veto_until is not None
    until = vote.deadline_at
    if vote.state == "veto" and vote.veto_until is not None:
        until = datetime.fromtimestamp(vote.veto_until, UTC)
    return VoteLine(
        kind=vote.kind,
        state="veto window" if in_veto else "open",
        for_=len(result.for_),
        against=len(result.against),
        abstain=len(result.abstain),
        voters=len(vote.voters),
        until=until,
    )


@dataclass(frozen=True)
class AdvisoryCounts:
    years: tuple[YearCount, ...]
    open: int
    overdue: int


async def _advisory_counts(
    ctx: Context, installation_id: int, config: WardenConfig
) -> AdvisoryCounts:
    rows = await ctx.store.fetch(
        "SELECT reported_at, state, finished_at FROM advisories WHERE installation_id = ?",
        installation_id,
    )
    reported: Counter[int] = Counter()
    published: Counter[int] = Counter()
    still_open = overdue = 0
    allowed = config.advisories.deadline.total_seconds()
    for row in rows:
        at = float(row["reported_at"])
        reported[datetime.fromtimestamp(at, UTC).year] += 1
        published[datetime.fromtimestamp(at, UTC).year] += row["state"] == "published"
        if row["finished_at"] is None and row["state"] in ("triage", "draft"):
            still_open += 1
            overdue += ctx.clock.time() > at + allowed
    years = tuple(YearCount(y, reported[y], published[y]) for y in sorted(reported, reverse=True))
    return AdvisoryCounts(years, still_open, overdue)


async def _org_status(ctx: Context, installation_id: int, org: str) -> OrgStatus | None:
    assert ctx.github is not None
    gh = ctx.github.installation_client(installation_id)
    config = await current_config(Installation(ctx, gh, installation_id, org))
    if config is None:
        return None
    try:
        members = await _members(gh, org, config)
        live = [v for v in await vote_records.live_votes(ctx.store) if v.org == org]
        votes = tuple([await _vote_line(ctx, gh, v) for v in live])
    except Exception:  # GitHub down or rate limited: say so, never fail the page
        log.warning("status page: GitHub did not answer for %s", org, exc_info=True)
        return OrgStatus(org, config.team, unavailable=True)
    counts = await _advisory_counts(ctx, installation_id, config)
    return OrgStatus(org, config.team, members, votes, counts.years, counts.open, counts.overdue)


async def gather(ctx: Context) -> list[OrgStatus]:
    """The status of every organisation with a config in force, by name."""
    rows = await ctx.store.fetch(
        "SELECT installation_id, org FROM org_configs WHERE text IS NOT NULL ORDER BY org"
    )
    found = [await _org_status(ctx, int(r["installation_id"]), r["org"]) for r in rows]
    return [s for s in found if s is not None]


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _render_org(status: OrgStatus) -> str:
    e = html.escape
    parts = [f"<section><h2>{e(status.org)} / {e(status.team)}</h2>"]
    if status.unavailable:
        return parts[0] + "<p>GitHub did not answer; try again in a few minutes.</p></section>"
    parts.append(f"<h3>Members ({len(status.members)})</h3><ul>")
    for login, admin in status.members:
        parts.append(f"<li>@{e(login)}{' (admin)' if admin else ''}</li>")
    parts.append("</ul><h3>Open votes</h3>")
    if not status.votes:
        parts.append("<p>None.</p>")
    for v in status.votes:
        parts.append(
            f"<p>A {e(v.kind)} vote ({e(v.state)} until {_when(v.until)}): {v.for_} for, "
            f"{v.against} against, {v.abstain} abstain, of {v.voters} voters.</p>"
        )
    parts.append("<h3>Advisories</h3>")
    parts.append(
        f"<p>{status.open_advisories} open, {status.overdue_advisories} past their deadline.</p>"
    )
    if not status.advisories:
        parts.append("<p>None reported through Warden yet.</p>")
    else:
        parts.append("<table><tr><th>year</th><th>reported</th><th>published</th></tr>")
        for y in status.advisories:
            parts.append(f"<tr><td>{y.year}</td><td>{y.reported}</td><td>{y.published}</td></tr>")
        parts.append("</table>")
    return "".join(parts) + "</section>"


def render(statuses: list[OrgStatus]) -> str:
    if not statuses:
        return "<p>Status: running. No organisation has a Warden config yet.</p>"
    return "<p>Status: running.</p>" + "".join(_render_org(s) for s in statuses)


class StatusPage:
    """The page body, recomputed at most once per ``ttl`` seconds of Warden's clock."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._body: str | None = None
        self._at = 0.0

    async def body(self, ctx: Context) -> str:
        now = ctx.clock.time()
        if self._body is None or now - self._at >= self.ttl:
            self._body = render(await gather(ctx))
            self._at = now
        return self._body
