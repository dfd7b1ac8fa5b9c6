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
from datetime import datetime

from app.context import Context
from app.features.status.facts import read_all
from app.features.status.rules import OrgStatus, org_status

TTL = 300.0


async def gather(ctx: Context) -> list[OrgStatus]:
    """The status of every organisation with a config in force, by name (read, then decide)."""
    now = ctx.clock.time()
    return [org_status(facts, now) for facts in await read_all(ctx)]


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
