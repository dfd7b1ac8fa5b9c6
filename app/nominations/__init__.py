"""Nominations and votes (SPEC 5.1): open, count, close, veto, admit and onboard."""

from app.nominations.events import (
    closed_by_hand,
    comment_deleted,
    comment_edited,
    guard_label,
    joined_team,
)
from app.nominations.lifecycle import refresh, sweep_votes
from app.nominations.opening import engine_rule, open_nomination
from app.nominations.templates import NOMINATION

__all__ = [
    "NOMINATION",
    "closed_by_hand",
    "comment_deleted",
    "comment_edited",
    "engine_rule",
    "guard_label",
    "joined_team",
    "open_nomination",
    "refresh",
    "sweep_votes",
]
