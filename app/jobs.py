"""The scheduled jobs Warden knows, by name (``python -m app tick --help`` lists them)."""

from __future__ import annotations

from app.advisories.sweep import sweep_all_advisories
from app.nominations import sweep_votes
from app.orgconfig.sweep import reload_all_configs
from app.redeliver import recover_failed_deliveries
from app.rostersync import reconcile_due
from app.scheduler import Job

JOBS: list[Job] = [
    Job(
        name="redeliver",
        every=300.0,
        run=recover_failed_deliveries,
        description="ask GitHub again for webhook deliveries that failed in the past 3 days",
        at_start=True,
    ),
    Job(
        name="reload-configs",
        every=3600.0,
        run=reload_all_configs,
        description="reload each organisation's .github/warden.yml (repairs missed pushes)",
    ),
    Job(
        name="votes",
        every=600.0,
        run=sweep_votes,
        description="count open votes (reactions send no webhook), close those decided or due",
    ),
    Job(
        name="advisories",
        every=900.0,
        run=sweep_all_advisories,
        description="bring every advisory in triage or draft to its desired state (no webhook "
        "tells of edits)",
    ),
    Job(
        name="roster",
        every=3600.0,
        run=reconcile_due,
        description="reconcile each team with its public and emeritus lists (schedule.roster)",
    ),
]


def job_names() -> list[str]:
    return [job.name for job in JOBS]
