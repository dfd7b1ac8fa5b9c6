"""Offboarding's entry points: the `/resign` and `/removal` commands, the `inactivity` job."""

from __future__ import annotations

from app.feature import Feature
from app.features.offboarding import commands
from app.features.offboarding.review import review_all
from app.scheduler import Job

FEATURE = Feature(
    name="offboarding",
    commands={"resign": commands.on_resign, "removal": commands.on_removal},
    jobs=[
        Job(
            name="inactivity",
            every=3600.0,
            run=review_all,
            description="open the inactivity review when due (inactivity.report, inactivity.day); "
            "remove warned members after the grace period (action: remove); each organisation "
            "on its schedule.inactivity cadence",
        )
    ],
)
