"""Write new list texts: one commit per file on the default branch, or one pull request."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from gidgethub import BadRequest

from app.features.roster import templates as t
from app.features.roster.reads import CONTENTS_URL, ListFile, ListFiles, read_lists
from app.features.roster.rules import RosterDiff
from app.github.client import GitHubAPI
from config import WardenConfig

log = logging.getLogger(__name__)

REF_URL = "/repos/{owner}/{repo}/git/ref/{+ref}"
REFS_URL = "/repos/{owner}/{repo}/git/refs"
PULLS_URL = "/repos/{owner}/{repo}/pulls"


class StaleList(Exception):
    """A list file changed between reading and writing it (GitHub answered 409)."""


class Declined(Exception):
    """Someone closed Warden's pull request for these very lists without merging it."""

    def __init__(self, number: int) -> None:
        super().__init__(f"pull request #{number} was closed without merging")
        self.number = number


@dataclass(frozen=True)
class Writes:
    """The new texts for the files that change, and what the change is."""

    files: tuple[tuple[ListFile, str], ...]
    """(the file as read, its new text) for each file whose text changes."""
    diff: RosterDiff
    pending: tuple[str, ...]


async def put_file(
    gh: GitHubAPI, org: str, repo: str, file: ListFile, text: str, message: str, branch: str
) -> None:
    """Create or update one file on ``branch``; a stale blob sha raises StaleList."""
    data: dict[str, Any] = {
        "message": message,
        "content": base64.b64encode(text.encode()).decode(),
        "branch": branch,
    }
    if file.sha is not None:
        data["sha"] = file.sha
    variables = {"owner": org, "repo": repo, "path": file.path}
    try:
        await gh.put(CONTENTS_URL, variables, data=data)
    except BadRequest as exc:
        # 409: the sha is not the file's current one; 422: the file appeared meanwhile.
        if exc.status_code in (409, 422):
            raise StaleList(file.path) from exc
        raise


async def commit_writes(
    gh: GitHubAPI, org: str, lists: ListFiles, writes: Writes, team: str
) -> None:
    """``via: commit``: each changed file committed to the default branch."""
    message = t.commit_message(org, team, writes.diff)
    for file, text in writes.files:
        await put_file(gh, org, lists.repo, file, text, message, lists.branch)
    log.info("committed the roster of %s to %s/%s", org, org, lists.repo)


async def _branch_sha(gh: GitHubAPI, org: str, repo: str, branch: str) -> str | None:
    try:
        ref = await gh.getitem(REF_URL, {"owner": org, "repo": repo, "ref": f"heads/{branch}"})
    except BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    return str(ref["object"]["sha"])


def _holds(on_branch: ListFiles, writes: Writes, lists: ListFiles) -> bool:
    """Whether ``on_branch`` holds exactly the new texts (of every list file)."""
    wanted = {file.path: text for file, text in writes.files}
    for file in (lists.public, lists.emeritus):
        current = next(f for f in (on_branch.public, on_branch.emeritus) if f.path == file.path)
        if current.text != wanted.get(file.path, file.text):
            return False
    return True


async def _branch_has(
    gh: GitHubAPI, org: str, config: WardenConfig, writes: Writes, lists: ListFiles
) -> bool:
    """Whether Warden's branch already holds exactly the new texts (of every list file)."""
    return _holds(await read_lists(gh, org, config, ref=t.BRANCH), writes, lists)


async def _declined(
    gh: GitHubAPI, org: str, config: WardenConfig, writes: Writes, lists: ListFiles
) -> int | None:
    """The last roster pull request, if someone closed it without merging and it proposed
    exactly these lists: Warden does not propose them again (a new change of the team
    does). It says so once on that pull request. One Warden closed itself does not count."""
    pull = await last_declined_pull(gh, org, lists.repo)
    if pull is None:
        return None
    proposed = await read_lists(gh, org, config, ref=str(pull["head"]["sha"]))
    if not _holds(proposed, writes, lists):
        return None
    number = int(pull["number"])
    url = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
    variables: dict[str, str | int] = {"owner": org, "repo": lists.repo, "issue_number": number}
    said = [str(c.get("body") or "") async for c in gh.getiter(url, variables)]
    closed_by_warden = (t.PULL_CLOSED_MARKER, "this pull request is no longer needed")
    if any(mark in body for body in said for mark in closed_by_warden):
        return None
    if not any(body.startswith(t.PULL_DECLINED_MARKER) for body in said):
        await gh.post(url, variables, data={"body": t.PULL_DECLINED_COMMENT})
    return number


async def last_declined_pull(gh: GitHubAPI, org: str, repo: str) -> dict[str, Any] | None:
    """The newest closed roster pull request, if it was closed without merging."""
    url = PULLS_URL + "{?state,head,per_page}"
    variables = {"owner": org, "repo": repo, "state": "closed", "head": f"{org}:{t.BRANCH}"}
    async for pull in gh.getiter(url, {**variables, "per_page": 1}):
        return None if pull.get("merged_at") else dict(pull)
    return None


async def _reset_branch(gh: GitHubAPI, org: str, repo: str, base: str, exists: bool) -> None:
    """Point Warden's branch at the default branch's head (created if missing)."""
    base_sha = await _branch_sha(gh, org, repo, base)
    if exists:
        url, variables = (
            REFS_URL + "/{+ref}",
            {"owner": org, "repo": repo, "ref": f"heads/{t.BRANCH}"},
        )
        await gh.patch(url, variables, data={"sha": base_sha, "force": True})
    else:
        variables = {"owner": org, "repo": repo}
        await gh.post(REFS_URL, variables, data={"ref": f"refs/heads/{t.BRANCH}", "sha": base_sha})


async def _open_pull(gh: GitHubAPI, org: str, repo: str) -> dict[str, Any] | None:
    url = PULLS_URL + "{?state,head}"
    variables = {"owner": org, "repo": repo, "state": "open", "head": f"{org}:{t.BRANCH}"}
    async for pull in gh.getiter(url, variables):
        return dict(pull)
    return None


async def pull_request_writes(
    gh: GitHubAPI, org: str, config: WardenConfig, lists: ListFiles, writes: Writes
) -> int:
    """``via: pull_request``: Warden's branch holds the new lists and one pull request
    proposes them; an open one is updated. Returns the pull request's number."""
    repo = lists.repo
    current = await _open_pull(gh, org, repo)
    if current is None and (closed := await _declined(gh, org, config, writes, lists)):
        raise Declined(closed)
    exists = await _branch_sha(gh, org, repo, t.BRANCH) is not None
    if exists and await _branch_has(gh, org, config, writes, lists):
        if current is not None:
            return int(current["number"])
    else:
        await _reset_branch(gh, org, repo, lists.branch, exists)
        message = t.commit_message(org, config.team, writes.diff)
        for file, text in writes.files:
            await put_file(gh, org, repo, file, text, message, t.BRANCH)
    if current is None:
        body = t.pull_body(org, config.team, writes.diff, writes.pending)
        data = {"title": t.PULL_TITLE, "head": t.BRANCH, "base": lists.branch, "body": body}
        created = await gh.post(PULLS_URL, {"owner": org, "repo": repo}, data=data)
        log.info("opened %s/%s#%s: the roster of %s", org, repo, created["number"], org)
        return int(created["number"])
    comment = t.pull_update_comment(writes.diff, writes.pending)
    url = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
    await gh.post(
        url, {"owner": org, "repo": repo, "issue_number": current["number"]}, data={"body": comment}
    )
    return int(current["number"])


async def close_stale_pull(
    gh: GitHubAPI, org: str, repo: str, why: str = t.PULL_STALE_COMMENT
) -> None:
    """The default branch already matches the team, or the config no longer keeps the lists
    by pull request in ``repo``: an open roster pull request is closed, saying ``why``."""
    current = await _open_pull(gh, org, repo)
    if current is None:
        return
    url = "/repos/{owner}/{repo}/issues/{issue_number}"
    variables = {"owner": org, "repo": repo, "issue_number": current["number"]}
    await gh.post(url + "/comments", variables, data={"body": why})
    await gh.patch(url, variables, data={"state": "closed"})
