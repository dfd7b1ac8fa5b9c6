"""What the roster keeps in the database: the members it knows and each org's sync state."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.store import Store

Source = Literal["baseline", "vote", "alerted"]
"""Why a member is known: in the team when Warden was first configured, admitted by a
passed vote, or added otherwise and already reported to the admins."""


@dataclass(frozen=True)
class RosterState:
    """One installation's sync state: the team it follows, the last reconcile, and a
    paused removal waiting for an admin's `/roster confirm`."""

    installation_id: int
    org: str
    team: str
    baseline_at: float
    reconciled_at: float | None
    pending_removals: frozenset[str] | None
    pending_issue: int | None
    confirmed_removals: frozenset[str] | None
    confirmed_by: str | None
    listed: frozenset[str] | None = None
    """Logins (lower case) the public list held as members at the last reconcile, and
    leavers it still holds; None until a reconcile recorded them."""


def _logins(text: str | None) -> frozenset[str] | None:
    return None if text is None else frozenset(json.loads(text))


def _text(logins: Iterable[str] | None) -> str | None:
    return None if logins is None else json.dumps(sorted(login.lower() for login in logins))


async def fetch_state(store: Store, installation_id: int) -> RosterState | None:
    row = await store.fetchrow(
        "SELECT * FROM roster_state WHERE installation_id = ?", installation_id
    )
    if row is None:
        return None
    return RosterState(
        installation_id=int(row["installation_id"]),
        org=row["org"],
        team=row["team"],
        baseline_at=float(row["baseline_at"]),
        reconciled_at=None if row["reconciled_at"] is None else float(row["reconciled_at"]),
        pending_removals=_logins(row["pending_removals"]),
        pending_issue=None if row["pending_issue"] is None else int(row["pending_issue"]),
        confirmed_removals=_logins(row["confirmed_removals"]),
        confirmed_by=row["confirmed_by"],
        listed=_logins(row["listed"]),
    )


async def save_baseline(
    store: Store, installation_id: int, org: str, team: str, logins: Iterable[str], now: float
) -> None:
    """Start following ``team``: its members now are the baseline (known without a vote)."""
    await store.execute("DELETE FROM roster_members WHERE installation_id = ?", installation_id)
    for login in sorted({login.lower() for login in logins}):
        await remember_member(store, installation_id, team, login, "baseline", now)
    await store.execute(
        "INSERT INTO roster_state (installation_id, org, team, baseline_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (installation_id) DO UPDATE SET org = excluded.org, team = excluded.team, "
        "baseline_at = excluded.baseline_at, reconciled_at = NULL, pending_removals = NULL, "
        "pending_issue = NULL, confirmed_removals = NULL, confirmed_by = NULL, listed = NULL",
        installation_id,
        org,
        team,
        now,
    )


async def known_members(store: Store, installation_id: int, team: str) -> dict[str, str]:
    """The logins (lower case) Warden knows as members of ``team``, with their source."""
    rows = await store.fetch(
        "SELECT login, source FROM roster_members WHERE installation_id = ? AND team = ?",
        installation_id,
        team,
    )
    return {str(row["login"]): str(row["source"]) for row in rows}


async def remember_member(
    store: Store, installation_id: int, team: str, login: str, source: Source, now: float
) -> None:
    await store.execute(
        "INSERT INTO roster_members (installation_id, team, login, source, at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (installation_id, team, login) DO UPDATE SET "
        "source = excluded.source, at = excluded.at",
        installation_id,
        team,
        login.lower(),
        source,
        now,
    )


async def known_ids(store: Store, installation_id: int, team: str) -> dict[int, str]:
    """GitHub user id -> login (lower case) of the known members whose id Warden saw."""
    rows = await store.fetch(
        "SELECT login, user_id FROM roster_members WHERE installation_id = ? AND team = ? "
        "AND user_id IS NOT NULL",
        installation_id,
        team,
    )
    return {int(row["user_id"]): str(row["login"]) for row in rows}


async def set_user_id(
    store: Store, installation_id: int, team: str, login: str, user_id: int
) -> None:
    """Record a known member's GitHub user id (seen for the first time)."""
    await store.execute(
        "UPDATE roster_members SET user_id = ? WHERE installation_id = ? AND team = ? "
        "AND login = ?",
        user_id,
        installation_id,
        team,
        login.lower(),
    )


async def rename_member(store: Store, installation_id: int, team: str, old: str, new: str) -> None:
    """A known member renamed their login on GitHub: still known, under the new login."""
    await store.execute(
        "UPDATE roster_members SET login = ? WHERE installation_id = ? AND team = ? AND login = ?",
        new.lower(),
        installation_id,
        team,
        old.lower(),
    )


async def forget_member(store: Store, installation_id: int, team: str, login: str) -> None:
    """A member left: adding them again later needs a vote again."""
    await store.execute(
        "DELETE FROM roster_members WHERE installation_id = ? AND team = ? AND login = ?",
        installation_id,
        team,
        login.lower(),
    )


async def mark_reconciled(store: Store, installation_id: int, now: float) -> None:
    """A reconcile finished: the lists match the team (a confirmed pause is used up)."""
    await store.execute(
        "UPDATE roster_state SET reconciled_at = ?, pending_removals = NULL, "
        "pending_issue = NULL, confirmed_removals = NULL, confirmed_by = NULL "
        "WHERE installation_id = ?",
        now,
        installation_id,
    )


async def save_listed(store: Store, installation_id: int, logins: Iterable[str]) -> None:
    """Record who the public list holds as members (and leavers not moved yet)."""
    await store.execute(
        "UPDATE roster_state SET listed = ? WHERE installation_id = ?",
        _text(logins),
        installation_id,
    )


async def pause_removals(
    store: Store, installation_id: int, logins: Iterable[str], issue: int
) -> None:
    """Remember the removals waiting for an admin's confirmation, and their alert issue."""
    await store.execute(
        "UPDATE roster_state SET pending_removals = ?, pending_issue = ? WHERE installation_id = ?",
        _text(logins),
        issue,
        installation_id,
    )


async def confirm_removals(store: Store, installation_id: int, admin: str) -> frozenset[str] | None:
    """An admin confirmed the paused removals; return them (None when nothing is paused)."""
    current = await fetch_state(store, installation_id)
    if current is None or current.pending_removals is None:
        return None
    await store.execute(
        "UPDATE roster_state SET confirmed_removals = pending_removals, confirmed_by = ? "
        "WHERE installation_id = ?",
        admin,
        installation_id,
    )
    return current.pending_removals
