"""The status page's reads: each configured organisation's team, live votes and advisories."""

from __future__ import annotations

import logging

from app.context import Context
from app.features.orgconfig import current_config
from app.features.status.rules import AdvisoryRow, OrgFacts
from app.features.votes import records as vote_records
from app.features.votes.issues import read_reactions
from app.github.teams import team_logins
from app.org import Installation

log = logging.getLogger(__name__)


async def read_org(ctx: Context, installation_id: int, org: str) -> OrgFacts | None:
    """The facts of one organisation; None when it has no config in force."""
    assert ctx.github is not None
    gh = ctx.github.installation_client(installation_id)
    config = await current_config(Installation(ctx, gh, installation_id, org))
    if config is None:
        return None
    advisories = await _advisory_rows(ctx, installation_id)
    try:
        members = await team_logins(gh, org, config.team)
        if config.admins_are_maintainers:
            admins = await team_logins(gh, org, config.team, role="maintainer")
        else:
            admins = await team_logins(gh, org, config.admins)
        live = [v for v in await vote_records.live_votes(ctx.store) if v.org == org]
        votes = [(v, (await read_reactions(gh, v) if v.comment_id else None) or []) for v in live]
    except Exception:  # GitHub down or rate limited: say so, never fail the page
        log.warning("status page: GitHub did not answer for %s", org, exc_info=True)
        return OrgFacts(org, config, unavailable=True)
    return OrgFacts(org, config, members, admins, votes, advisories)


async def _advisory_rows(ctx: Context, installation_id: int) -> list[AdvisoryRow]:
    rows = await ctx.store.fetch(
        "SELECT reported_at, state, finished_at FROM advisories WHERE installation_id = ?",
        installation_id,
    )
    return [AdvisoryRow(float(r["reported_at"]), r["state"], r["finished_at"]) for r in rows]


async def read_all(ctx: Context) -> list[OrgFacts]:
    """The facts of every organisation with a config in force, by name."""
    rows = await ctx.store.fetch(
        "SELECT installation_id, org FROM org_configs WHERE text IS NOT NULL ORDER BY org"
    )
    found = [await read_org(ctx, int(r["installation_id"]), r["org"]) for r in rows]
    return [f for f in found if f is not None]
