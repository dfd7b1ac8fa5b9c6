"""What ``report`` reads from the store: advisories, publications, passed membership votes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from app.context import Context
from app.features.advisories.publications import all_publications
from app.features.advisories.report import (
    RENDER,
    MemberChange,
    ReportRow,
    Review,
    figures,
    year_of,
)
from app.features.orgconfig.records import fetch_stored, parse_stored

DEFAULT_DEADLINE = timedelta(days=90)  # SPEC 2: reports should be finished within 90 days


async def report_rows(ctx: Context) -> list[ReportRow]:
    """Every advisory Warden tracks, with its publication (if any) and its org's deadline."""
    published = {
        (p.installation_id, p.ghsa_id.upper()): p for p in await all_publications(ctx.store)
    }
    rows = await ctx.store.fetch(
        "SELECT installation_id, org, repo, ghsa_id, reported_at, state, finished_at "
        "FROM advisories ORDER BY reported_at"
    )
    deadlines: dict[int, float] = {}
    found = []
    for row in rows:
        installation_id = int(row["installation_id"])
        if installation_id not in deadlines:
            deadlines[installation_id] = await _deadline(ctx, installation_id)
        pub = published.get((installation_id, str(row["ghsa_id"]).upper()))
        found.append(
            ReportRow(
                org=str(row["org"]),
                repo=str(row["repo"]),
                reported_at=float(row["reported_at"]),
                state=str(row["state"]),
                finished_at=row["finished_at"],
                deadline=deadlines[installation_id],
                published_at=pub.published_at if pub else row["finished_at"],
                credits=pub.credits if pub else (),
            )
        )
    return found


async def _deadline(ctx: Context, installation_id: int) -> float:
    stored = await fetch_stored(ctx.store, installation_id)
    config = parse_stored(stored) if stored is not None else None
    deadline = config.advisories.deadline if config is not None else DEFAULT_DEADLINE
    return deadline.total_seconds()


async def member_changes(ctx: Context) -> list[MemberChange]:
    """Passed nomination votes (joined); passed removal votes and every other removal Warden
    made (a resignation, an inactivity review: `member.removed` in the audit log) (left)."""
    rows = await ctx.store.fetch(
        "SELECT org, nominee, kind, closed_at FROM votes WHERE state = 'passed' "
        "AND closed_at IS NOT NULL ORDER BY closed_at"
    )
    found = [
        MemberChange(str(r["org"]), str(r["nominee"]), str(r["kind"]), float(r["closed_at"]))
        for r in rows
    ]
    for entry in await _audit(ctx, "member.removed"):
        org = entry["subject"].partition("/")[0]
        found.append(MemberChange(org, str(entry["detail"]["login"]), "removal", entry["at"]))
    return found


async def reviews(ctx: Context) -> list[Review]:
    """The inactivity reviews (`inactivity.reported`) with the removals that settled them."""
    settled = await _audit(ctx, "inactivity.settled")
    removed = {e["subject"]: len(e["detail"].get("removed", [])) for e in settled}
    return [
        Review(
            org=e["subject"].partition("/")[0],
            at=e["at"],
            inactive=len(e["detail"].get("inactive", [])),
            proposed=len(e["detail"].get("proposed", [])),
            removed=removed.get(e["subject"], 0),
        )
        for e in await _audit(ctx, "inactivity.reported")
    ]


async def _audit(ctx: Context, kind: str) -> list[dict[str, Any]]:
    rows = await ctx.store.fetch(
        "SELECT at, subject, detail FROM audit_log WHERE kind = ? ORDER BY seq", kind
    )
    return [
        {"at": float(r["at"]), "subject": str(r["subject"]), "detail": json.loads(r["detail"])}
        for r in rows
    ]


async def print_report(ctx: Context, year: int | None, org: str | None, form: str) -> int:
    """``python -m app report``: print the year's figures (text, json or csv)."""
    chosen = year if year is not None else year_of(ctx.clock.time())
    rows, changes = await report_rows(ctx), await member_changes(ctx)
    found = figures(chosen, org, rows, changes, await reviews(ctx))
    print(RENDER[form](found), end="")
    return 0
