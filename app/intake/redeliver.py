"""Recover failed webhook deliveries: GitHub never retries them, so Warden asks for them again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.context import Context
from app.scheduler import JobFailed

log = logging.getLogger(__name__)

WINDOW_SECONDS = 3 * 24 * 3600  # GitHub redelivers only deliveries from the past 3 days


@dataclass
class RedeliveryReport:
    """What one recovery pass saw and did."""

    seen: int = 0
    failed_guids: list[str] = field(default_factory=list)
    redelivered: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _delivered_at(item: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(item["delivered_at"]).replace("Z", "+00:00")).timestamp()


def guids_to_redeliver(deliveries: list[dict[str, Any]]) -> dict[str, int]:
    """GitHub's algorithm: a guid none of whose attempts succeeded -> its latest attempt id."""
    latest: dict[str, dict[str, Any]] = {}
    succeeded: set[str] = set()
    for item in deliveries:
        guid = item["guid"]
        if 200 <= int(item.get("status_code") or 0) < 300:
            succeeded.add(guid)
        if guid not in latest or _delivered_at(item) > _delivered_at(latest[guid]):
            latest[guid] = item
    return {g: int(d["id"]) for g, d in latest.items() if g not in succeeded}


async def recover_failed_deliveries(ctx: Context) -> RedeliveryReport:
    """List recent deliveries, then redeliver each failed guid once, within 3 days."""
    report = RedeliveryReport()
    if ctx.github is None:
        return report
    gh = ctx.github.app_client()
    cutoff = ctx.clock.time() - WINDOW_SECONDS
    recent: list[dict[str, Any]] = []
    async for item in gh.getiter("/app/hook/deliveries?per_page=100"):
        if _delivered_at(item) < cutoff:
            break  # newest first: everything after this is too old to redeliver
        recent.append(item)
    report.seen = len(recent)
    candidates = guids_to_redeliver(recent)
    report.failed_guids = sorted(candidates)
    stored = await ctx.store.known_delivery_ids(list(candidates))
    for guid, delivery_id in candidates.items():
        if guid in stored:
            continue  # it reached us after all (GitHub saw a timeout); nothing is lost
        await _redeliver(ctx, guid, delivery_id, report)
    if report.errors:  # the next pass asks again; this one still failed
        raise JobFailed(report.errors, len(report.redelivered))
    return report


async def _redeliver(ctx: Context, guid: str, delivery_id: int, report: RedeliveryReport) -> None:
    if not await ctx.store.record_redelivery(guid, ctx.clock.time(), "requested"):
        return  # never the same guid twice
    assert ctx.github is not None
    try:
        await ctx.github.app_client().post(
            "/app/hook/deliveries/{delivery_id}/attempts", {"delivery_id": delivery_id}, data=b""
        )
    except Exception as exc:
        # Forget the claim so the next pass can try again.
        await ctx.store.execute("DELETE FROM redeliveries WHERE guid = ?", guid)
        report.errors.append(f"{guid}: {exc}")
        log.warning("redelivery of %s failed: %s", guid, exc)
        return
    report.redelivered.append(guid)
    log.info("asked GitHub to redeliver %s", guid)
