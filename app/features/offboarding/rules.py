"""The inactivity rules, pure: who was active when, who is inactive, when a review is due,
and who a warn-then-remove review removes."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

#: No single review removes more than this share of the team (as the roster guard).
MAX_REMOVAL_FRACTION = 0.25
QUARTER_MONTHS = (0, 3, 6, 9)


@dataclass(frozen=True)
class Activity:
    """One thing a member did that counts as activity, and where to see it."""

    login: str
    at: datetime
    what: str
    link: str


@dataclass(frozen=True)
class Standing:
    """One member in the review: their last activity found (None: none), whether it falls
    in the review's window, and whether they are exempt."""

    login: str
    last: Activity | None
    exempt: bool
    inactive: bool


def last_activity(activities: Iterable[Activity], since: datetime) -> dict[str, Activity]:
    """Each login's latest activity at or after ``since``, keyed case-insensitively."""
    latest: dict[str, Activity] = {}
    for activity in activities:
        key = activity.login.casefold()
        if activity.at < since:
            continue
        if key not in latest or activity.at > latest[key].at:
            latest[key] = activity
    return latest


def review(
    members: Iterable[str], activities: Iterable[Activity], since: datetime, exempt: Iterable[str]
) -> list[Standing]:
    """Every member's standing, inactive ones first, then by login. A member is inactive
    with no activity at or after ``since``; their last one found (older) is still shown."""
    activities = list(activities)
    within = last_activity(activities, since)
    ever = last_activity(activities, datetime.min.replace(tzinfo=UTC))
    spared = {login.casefold() for login in exempt}
    standings = [
        Standing(
            login,
            ever.get(login.casefold()),
            login.casefold() in spared,
            login.casefold() not in within,
        )
        for login in members
    ]
    return sorted(standings, key=lambda s: (not s.inactive, s.login.casefold()))


def proposed(standings: Iterable[Standing]) -> list[str]:
    """The inactive members who are not exempt: those the review proposes to remove."""
    return [s.login for s in standings if s.inactive and not s.exempt]


def _anchors(day: str, year: int, report: str) -> list[datetime]:
    """The dates a review falls due in ``year`` (a 31st is the month's last day)."""
    month, mday = (int(part) for part in day.split("-"))
    found = []
    for shift in QUARTER_MONTHS if report == "quarterly" else (0,):
        y, m = year + (month - 1 + shift) // 12, (month - 1 + shift) % 12 + 1
        found.append(datetime(y, m, min(mday, calendar.monthrange(y, m)[1]), tzinfo=UTC))
    return found


def latest_due(now: datetime, day: str, report: str) -> datetime | None:
    """The latest date a review fell due at or before ``now`` (None: `report: never`)."""
    if report == "never":
        return None
    candidates = [a for y in (now.year - 1, now.year) for a in _anchors(day, y, report)]
    return max(a for a in candidates if a <= now)


def review_due(now: datetime, day: str, report: str, last_opened: datetime | None) -> bool:
    """Whether a review is due: one fell due and none was opened since."""
    due = latest_due(now, day, report)
    return due is not None and (last_opened is None or last_opened < due)


@dataclass(frozen=True)
class Removals:
    """What a warn-then-remove review does once the grace period is over."""

    remove: tuple[str, ...]
    kept: tuple[str, ...]
    held: bool
    """True when removing them all would remove more than the guard allows: nobody is."""


def to_remove(
    warned: Iterable[str],
    replied: Iterable[str],
    active_since: Mapping[str, Activity],
    members: Iterable[str],
    team_size: int,
) -> Removals:
    """Of the ``warned`` members still in the team, those who neither replied nor were
    active since the warning; none at all if they exceed the removal guard."""
    answered = {login.casefold() for login in replied} | set(active_since)
    still = {login.casefold() for login in members}
    gone: list[str] = []
    kept: list[str] = []
    for login in warned:
        if login.casefold() not in still:
            continue
        (kept if login.casefold() in answered else gone).append(login)
    held = team_size > 0 and len(gone) / team_size > MAX_REMOVAL_FRACTION
    return Removals(() if held else tuple(gone), tuple(kept), held)
