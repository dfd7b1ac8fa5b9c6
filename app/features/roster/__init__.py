"""Roster sync: the GitHub team is the member list; the public and emeritus lists follow it."""

from app.features.roster.events import (
    followed_teams,
    on_config_change,
    on_membership,
    on_team_deleted,
    on_team_renamed,
)
from app.features.roster.job import dry_run_lines, reconcile_due, roster_command
from app.features.roster.reconcile import Outcome, reconcile_org

__all__ = [
    "Outcome",
    "dry_run_lines",
    "followed_teams",
    "on_config_change",
    "on_membership",
    "on_team_deleted",
    "on_team_renamed",
    "reconcile_due",
    "reconcile_org",
    "roster_command",
]
