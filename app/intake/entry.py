"""Intake's own entry points: comment commands routed to the features, failed deliveries
asked for again."""

from __future__ import annotations

from app.feature import Feature
from app.intake.dispatch import router
from app.intake.redeliver import recover_failed_deliveries
from app.scheduler import Job

FEATURE = Feature(
    name="intake",
    router=router,
    jobs=[
        Job(
            name="redeliver",
            every=300.0,
            run=recover_failed_deliveries,
            description="ask GitHub again for webhook deliveries that failed in the past 3 days",
            at_start=True,
        )
    ],
)
