"""The one `warden/config-error` issue in `.github`: opened, kept current, and closed when fixed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gidgethub.abc import GitHubAPI

from app.features.orgconfig import templates as t
from app.features.orgconfig.reads import CONFIG_REPO
from app.github import marked_issues
from config import ConfigIssue
from config.check import ISSUE_MARKER


async def find_error_issue(gh: GitHubAPI, org: str) -> dict[str, Any] | None:
    """Warden's open error issue, found by its label and hidden marker."""
    return await marked_issues.find(gh, org, CONFIG_REPO, t.ERROR_LABEL, ISSUE_MARKER)


async def report_errors(
    gh: GitHubAPI, org: str, issues: Sequence[ConfigIssue], file_url: str | None
) -> int:
    """Open the error issue, or edit it when the problems changed; return its number."""
    body = t.error_issue_body(issues, file_url)
    digest = next(line for line in body.splitlines() if line.startswith(t.DIGEST_PREFIX))
    return await marked_issues.upsert(
        gh,
        org,
        CONFIG_REPO,
        label=t.ERROR_LABEL,
        marker=ISSUE_MARKER,
        title=t.ERROR_TITLE,
        body=body,
        digest=digest,
    )


async def close_error_issue(gh: GitHubAPI, org: str, comment: str) -> None:
    """Close the error issue, if one is open, with a short comment saying why."""
    current = await find_error_issue(gh, org)
    if current is not None:
        await marked_issues.close(gh, org, CONFIG_REPO, int(current["number"]), comment)
