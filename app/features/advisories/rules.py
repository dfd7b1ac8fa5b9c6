"""Who coordinates next and when a deadline reminder is due (pure, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from config.model import ReminderConfig

DAY = 86400.0


@dataclass(frozen=True)
class Load:
    """A member's open coordinations and when they were last assigned one (None: never)."""

    open: int = 0
    last_assigned_at: float | None = None


def pick_coordinator(
    members: Iterable[str], excluded: Iterable[str], loads: Mapping[str, Load]
) -> str | None:
    """The eligible member with the fewest open coordinations; ties go to the one assigned
    least recently (never assigned first), then by login so the choice is stable."""
    out = {login.lower() for login in excluded}
    eligible = [m for m in members if m.lower() not in out and not m.lower().endswith("[bot]")]
    if not eligible:
        return None

    def key(login: str) -> tuple[int, float, str]:
        load = loads.get(login.lower(), Load())
        last = load.last_assigned_at if load.last_assigned_at is not None else float("-inf")
        return (load.open, last, login.lower())

    return min(eligible, key=key)


def deadline_at(reported_at: float, deadline: timedelta) -> float:
    """When a report should be finished."""
    return reported_at + deadline.total_seconds()


def days_left(reported_at: float, deadline: timedelta, now: float) -> int:
    """Days until the deadline, started days counted whole; zero or less once it passed."""
    left = deadline_at(reported_at, deadline) - now
    return math.ceil(left / DAY) if left > 0 else -math.ceil(-left / DAY)


LEVELS = ("warn", "urgent", "overdue")


def reminder_level(
    reported_at: float, deadline: timedelta, now: float, rules: ReminderConfig
) -> str | None:
    """``warn``, ``urgent`` or ``overdue`` by how close the deadline is; None while far off."""
    left = deadline_at(reported_at, deadline) - now
    if left <= 0:
        return "overdue"
    if left <= rules.urgent_before.total_seconds():
        return "urgent"
    if left <= rules.warn_before.total_seconds():
        return "warn"
    return None


def reminder_due(
    level: str | None,
    last_level: str | None,
    last_at: float | None,
    now: float,
    rules: ReminderConfig,
) -> bool:
    """Whether to post a reminder now.

    The first comes at ``warn_before``; after that one when the level rises (urgent,
    overdue), and urgent and overdue ones repeat; never two within ``min_interval``.
    """
    if level is None:
        return False
    if last_at is None or last_level is None:
        return True
    if now - last_at < rules.min_interval.total_seconds():
        return False
    return LEVELS.index(level) > LEVELS.index(last_level) or level != "warn"
