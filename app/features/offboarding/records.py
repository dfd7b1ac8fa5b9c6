"""Inactivity reviews in the database (migration 13): when each opened, the window it
covered, who it warned and when their grace ends."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from app.store import Store

OPEN, DONE = "open", "done"


@dataclass(frozen=True)
class Review:
    """One inactivity review issue."""

    installation_id: int
    org: str
    repo: str
    issue_number: int
    opened_at: float
    since: float
    action: str
    warned: tuple[str, ...] = ()
    remove_after: float | None = None
    state: str = OPEN

    @property
    def subject(self) -> str:
        """How the audit log names this review: ``org/repo#number``."""
        return f"{self.org}/{self.repo}#{self.issue_number}"

    def but(self, **changes: Any) -> Review:
        return replace(self, **changes)


def _from_row(row: Any) -> Review:
    return Review(
        installation_id=int(row["installation_id"]),
        org=row["org"],
        repo=row["repo"],
        issue_number=int(row["issue_number"]),
        opened_at=float(row["opened_at"]),
        since=float(row["since"]),
        action=row["action"],
        warned=tuple(json.loads(row["warned"])),
        remove_after=None if row["remove_after"] is None else float(row["remove_after"]),
        state=row["state"],
    )


async def insert(store: Store, review: Review) -> None:
    """Store a review (a second insert for the same issue changes nothing)."""
    await store.execute(
        "INSERT INTO inactivity_reviews (installation_id, org, repo, issue_number, opened_at, "
        "since, action, warned, remove_after, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (installation_id, repo, issue_number) DO NOTHING",
        review.installation_id,
        review.org,
        review.repo,
        review.issue_number,
        review.opened_at,
        review.since,
        review.action,
        json.dumps(list(review.warned)),
        review.remove_after,
        review.state,
    )


async def latest(store: Store, installation_id: int) -> Review | None:
    """The installation's most recent review, if any."""
    row = await store.fetchrow(
        "SELECT * FROM inactivity_reviews WHERE installation_id = ? ORDER BY opened_at DESC, id "
        "DESC LIMIT 1",
        installation_id,
    )
    return None if row is None else _from_row(row)


async def finish(store: Store, review: Review) -> bool:
    """Mark an open review done; False if another run did it first."""
    rows = await store.fetch(
        "UPDATE inactivity_reviews SET state = ? WHERE installation_id = ? AND repo = ? "
        "AND issue_number = ? AND state = ? RETURNING issue_number",
        DONE,
        review.installation_id,
        review.repo,
        review.issue_number,
        OPEN,
    )
    return bool(rows)


async def votes_cast(store: Store, installation_id: int, since: float) -> list[dict[str, Any]]:
    """The closed votes' tallies since ``since`` (from the audit log): who voted, when, where."""
    rows = await store.fetch(
        "SELECT at, subject, detail FROM audit_log WHERE installation_id = ? AND kind = ? "
        "AND at >= ? ORDER BY at",
        installation_id,
        "vote.closed",
        since,
    )
    found = []
    for row in rows:
        detail = row["detail"]
        tally = (json.loads(detail) if isinstance(detail, str) else detail).get("tally", {})
        voters = [*tally.get("for", []), *tally.get("against", []), *tally.get("abstain", [])]
        found.append({"at": float(row["at"]), "subject": row["subject"], "voters": voters})
    return found
