"""Nominations and votes (SPEC 5.1): open, count, close, veto, admit and onboard."""

from app.features.votes.events import (
    closed_by_hand,
    comment_deleted,
    comment_edited,
    joined_team,
    left_team,
    no_longer_member,
    restore_label,
)
from app.features.votes.lifecycle import refresh, sweep_votes
from app.features.votes.opening import engine_rule, open_nomination
from app.features.votes.templates import NOMINATION

__all__ = [
    "NOMINATION",
    "closed_by_hand",
    "comment_deleted",
    "comment_edited",
    "engine_rule",
    "joined_team",
    "left_team",
    "no_longer_member",
    "open_nomination",
    "refresh",
    "restore_label",
    "sweep_votes",
]
