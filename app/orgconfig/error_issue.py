"""The one `warden/config-error` issue in `.github`: opened, kept current, and closed when fixed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from app import labels
from app.orgconfig import templates as t
from app.orgconfig.reads import CONFIG_REPO
from config import ConfigIssue
from config.check import ISSUE_MARKER

log = logging.getLogger(__name__)

ISSUES_URL = "/repos/{owner}/{repo}/issues"
ISSUE_URL = "/repos/{owner}/{repo}/issues/{issue_number}"


async def find_error_issue(gh: GitHubAPI, org: str) -> dict[str, Any] | None:
    """Warden's open error issue, found by its label and hidden marker."""
    url = ISSUES_URL + "{?state,labels}"
    variables = {"owner": org, "repo": CONFIG_REPO, "state": "open", "labels": t.ERROR_LABEL}
    try:
        async for issue in gh.getiter(url, variables):
            if ISSUE_MARKER in (issue.get("body") or "") and "pull_request" not in issue:
                return dict(issue)
    except BadRequest as exc:
        if exc.status_code not in (404, 410):  # no `.github` repo, or its issues are off
            raise
    return None


async def report_errors(
    gh: GitHubAPI, org: str, issues: Sequence[ConfigIssue], file_url: str | None
) -> int:
    """Open the error issue, or edit it when the problems changed; return its number."""
    body = t.error_issue_body(issues, file_url)
    current = await find_error_issue(gh, org)
    if current is None:
        await labels.ensure_label(gh, org, CONFIG_REPO, t.ERROR_LABEL)
        created = await gh.post(
            ISSUES_URL,
            {"owner": org, "repo": CONFIG_REPO},
            data={"title": t.ERROR_TITLE, "body": body, "labels": [t.ERROR_LABEL]},
        )
        log.info("opened %s/%s#%s: the config has errors", org, CONFIG_REPO, created["number"])
        return int(created["number"])
    number = int(current["number"])
    if _digest_line(body) not in (current.get("body") or ""):
        url, variables = _issue_vars(org, number)
        await gh.patch(url, variables, data={"body": body})
        log.info("updated %s/%s#%s: the config errors changed", org, CONFIG_REPO, number)
    return number


def _digest_line(body: str) -> str:
    return next(line for line in body.splitlines() if line.startswith(t.DIGEST_PREFIX))


def _issue_vars(org: str, number: int) -> tuple[str, dict[str, Any]]:
    return ISSUE_URL, {"owner": org, "repo": CONFIG_REPO, "issue_number": number}


async def close_error_issue(gh: GitHubAPI, org: str, comment: str) -> None:
    """Close the error issue, if one is open, with a short comment saying why."""
    current = await find_error_issue(gh, org)
    if current is None:
        return
    url, variables = _issue_vars(org, int(current["number"]))
    await gh.post(url + "/comments", variables, data={"body": comment})
    await gh.patch(url, variables, data={"state": "closed", "state_reason": "completed"})
    log.info("closed %s/%s#%s: the config is fixed", org, CONFIG_REPO, current["number"])
