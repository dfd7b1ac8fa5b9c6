"""Alert issues for the admins, in the governance repo: opened once, found again by marker."""

from __future__ import annotations

from typing import Any

from app.features.roster import templates as t
from app.github import marked_issues
from app.github.client import GitHubAPI


async def find_alert(gh: GitHubAPI, org: str, repo: str, marker: str) -> dict[str, Any] | None:
    """Warden's open alert issue carrying ``marker``, if there is one."""
    return await marked_issues.find(gh, org, repo, t.ALERT_LABEL, marker)


async def raise_alert(
    gh: GitHubAPI, org: str, repo: str, title: str, body: str, marker: str
) -> int:
    """Open the alert (or edit the open one with the same marker); return its number."""
    return await marked_issues.upsert(
        gh, org, repo, label=t.ALERT_LABEL, marker=marker, title=title, body=body
    )


async def close_alert(gh: GitHubAPI, org: str, repo: str, number: int, comment: str) -> None:
    """Close an alert with a comment saying why."""
    await marked_issues.close(gh, org, repo, number, comment)
