"""The `Warden config` check run on pull requests changing `.github/warden.yml` (never applied)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gidgethub.abc import GitHubAPI

from app.features.orgconfig import templates as t
from app.features.orgconfig.load import current_config, validate
from app.features.orgconfig.reads import CONFIG_PATH, read_file
from app.org import Installation
from config import ConfigIssue, WardenConfig, diff_summary, summarise

MAX_ANNOTATIONS = 50
"""GitHub takes at most 50 annotations per request."""


async def changes_config(gh: GitHubAPI, owner: str, repo: str, number: int) -> str | None:
    """The status (added, modified, removed, ...) of the config file in the pull request, if any."""
    url = "/repos/{owner}/{repo}/pulls/{pull_number}/files"
    async for changed in gh.getiter(url, {"owner": owner, "repo": repo, "pull_number": number}):
        if changed["filename"] == CONFIG_PATH:
            return str(changed["status"])
    return None


async def check_pull_request(org: Installation, pull: dict[str, Any]) -> dict[str, Any] | None:
    """Validate the pull request's config and post the check run on its head; None if untouched."""
    base = pull["base"]["repo"]
    owner, repo, sha = base["owner"]["login"], base["name"], pull["head"]["sha"]
    status = await changes_config(org.gh, owner, repo, pull["number"])
    if status is None:
        return None
    text = None if status == "removed" else await _head_text(org.gh, pull["head"])
    if text is None:
        output: dict[str, Any] = {"title": t.CHECK_REMOVED_TITLE, "summary": t.CHECK_REMOVED}
        return await _post(org.gh, owner, repo, sha, "neutral", output)
    checked = await validate(org.gh, owner, text)
    if isinstance(checked, WardenConfig):
        current = await current_config(org)
        title, summary = t.check_valid(summarise(checked), diff_summary(current, checked))
        return await _post(
            org.gh, owner, repo, sha, "success", {"title": title, "summary": summary}
        )
    title, summary = t.check_invalid(checked, f"{base['html_url']}/blob/{sha}/{CONFIG_PATH}")
    output = {"title": title, "summary": summary, "annotations": line_annotations(checked)}
    return await _post(org.gh, owner, repo, sha, "failure", output)


async def _head_text(gh: GitHubAPI, head: dict[str, Any]) -> str | None:
    """The file at the pull request's head commit (its repository may be a fork)."""
    if not head.get("repo"):
        return None  # the fork was deleted
    source = head["repo"]
    found = await read_file(gh, source["owner"]["login"], source["name"], head["sha"])
    return None if found is None else found[0]


def line_annotations(issues: Sequence[ConfigIssue]) -> list[dict[str, Any]]:
    """One failure annotation per problem, on its line (line 1 when it has none)."""
    return [
        {
            "path": CONFIG_PATH,
            "start_line": issue.line or 1,
            "end_line": issue.line or 1,
            "annotation_level": "failure",
            "title": issue.path or "warden.yml",
            "message": issue.message,
        }
        for issue in issues[:MAX_ANNOTATIONS]
    ]


async def _post(
    gh: GitHubAPI, owner: str, repo: str, sha: str, conclusion: str, output: dict[str, Any]
) -> dict[str, Any]:
    run = await gh.post(
        "/repos/{owner}/{repo}/check-runs",
        {"owner": owner, "repo": repo},
        data={
            "name": t.CHECK_NAME,
            "head_sha": sha,
            "status": "completed",
            "conclusion": conclusion,
            "output": output,
        },
    )
    return dict(run)
