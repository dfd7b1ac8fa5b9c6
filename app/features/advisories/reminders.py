"""Deadline reminders in the tracking issue."""

from __future__ import annotations

from app.features.advisories import templates as t
from app.features.advisories.model import Advisory
from app.features.advisories.once import post_once
from app.features.advisories.records import Record, current_coordinator
from app.features.advisories.rules import days_left, deadline_at, reminder_due, reminder_level
from app.features.advisories.scope import Scope


async def remind(scope: Scope, adv: Advisory, record: Record) -> Record:
    """Post the reminder that is due (warn, urgent, overdue), never two within min_interval
    and each once, even across a crash."""
    if not scope.tracking or record.tracking_issue is None:
        return record
    rules = scope.config.advisories.reminders
    deadline = scope.config.advisories.deadline
    level = reminder_level(record.reported_at, deadline, scope.now, rules)
    if level is None or not reminder_due(
        level, record.reminder_level, record.reminded_at, scope.now, rules
    ):
        return record
    coordinator = current_coordinator(adv, record)
    end = t.date(deadline_at(record.reported_at, deadline))
    days = abs(days_left(record.reported_at, deadline, scope.now))
    body = t.reminder(adv.ghsa_id, level, coordinator, end, days, scope.now)
    return await post_once(scope, record, "reminder", body, level=level)
