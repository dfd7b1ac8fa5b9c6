"""The wiring table: every feature Warden runs, with its router, commands, jobs and hooks.

``serve``, ``tick``, ``replay`` and ``demo`` all build the app from ``WIRING``; a feature
is switched on by being listed here, never by being imported. The order is the order of
the jobs in ``tick --help`` and of the config hooks.
"""

from __future__ import annotations

from app.feature import Wiring
from app.features.advisories.entry import FEATURE as ADVISORIES
from app.features.offboarding.entry import FEATURE as OFFBOARDING
from app.features.orgconfig.entry import FEATURE as ORGCONFIG
from app.features.roster.entry import FEATURE as ROSTER
from app.features.setup.entry import FEATURE as SETUP
from app.features.votes.entry import FEATURE as VOTES
from app.intake.entry import FEATURE as INTAKE

WIRING = Wiring.of(INTAKE, ORGCONFIG, VOTES, ADVISORIES, ROSTER, OFFBOARDING, SETUP)
