"""Alert issues for the admins, in the governance repo: opened once, found again by marker."""

from __future__ import annotations

import logging
from typing import Any

from app import labels
from app.github import GitHubAPI
from app.rostersync import templates as t

log = logging.getLogger(__name__)

ISSUES_URL = "/repos/{owner}/{repo}/issues"
ISSUE_URL = "/repos/{owner}/{repo}/issues/{issue_number}"


async def find_alert(gh: GitHubAPI, org: str, repo: str, marker: str) -> dict[str, Any] | None:
    """Warden's open alert issue carrying ``marker``, if there is one."""
    url = ISSUES_URL + "{?state,labels,per_page}"
    variables: dict[str, str | int] = {
        "owner": org,
        "repo": repo,
        "state": "open",
        "labels": t.ALERT_LABEL,
        "per_page": 100,
    }
    async for issue in gh.getiter(url, variables):
        if marker in (issue.get("body") or "") and "pull_request" not in issue:
            return dict(issue)
    return None


async def raise_alert(
    gh: GitHubAPI, org: str, repo: str, title: str, body: str, marker: str
) -> int:
    """Open the alert (or edit the open one with the same marker); return its number."""
    current = await find_alert(gh, org, repo, marker)
    if current is not None:
        number = int(current["number"])
        if current.get("body") != body:
            await gh.patch(ISSUE_URL, _vars(org, repo, number), data={"body": body})
        return number
    await labels.ensure_label(gh, org, repo, t.ALERT_LABEL)
    created = await gh.post(
        ISSUES_URL,
        {"owner": org, "repo": repo},
        data={"title": title, "body": body, "labels": [t.ALERT_LABEL]},
    )
    log.info("opened %s/%s#%s: %s", org, repo, created["number"], title)
    return int(created["number"])


async def close_alert(gh: GitHubAPI, org: str, repo: str, number: int, comment: str) -> None:
    """Close an alert with a comment saying why."""
    variables = _vars(org, repo, number)
    await gh.post(ISSUE_URL + "/comments", variables, data={"body": comment})
    await gh.patch(ISSUE_URL, variables, data={"state": "closed", "state_reason": "completed"})


def _vars(org: str, repo: str, number: int) -> dict[str, Any]:
    return {"owner": org, "repo": repo, "issue_number": number}
