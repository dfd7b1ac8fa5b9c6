"""The scheduled jobs Warden knows, by name (``python -m app tick --help`` lists them)."""

from __future__ import annotations

from app.redeliver import recover_failed_deliveries
from app.scheduler import Job

JOBS: list[Job] = [
    Job(
        name="redeliver",
        every=300.0,
        run=recover_failed_deliveries,
        description="ask GitHub again for webhook deliveries that failed in the past 3 days",
        at_start=True,
    ),
]


def job_names() -> list[str]:
    return [job.name for job in JOBS]
