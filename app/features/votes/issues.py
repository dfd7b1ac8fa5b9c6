"""The GitHub calls votes make: comments, labels, reactions, the issue's state, who Warden is."""

from __future__ import annotations

from typing import Any

from gidgethub import BadRequest

from app.features.votes import templates as t
from app.features.votes.records import State, Vote
from app.features.votes.tally import Reaction
from app.github import authorship, labels
from app.github.client import GitHubAPI

ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}"
COMMENTS = ISSUE + "/comments"
COMMENT = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
REACTIONS = COMMENT + "/reactions{?per_page}"

LABEL_OF_STATE: dict[State, str] = {
    "open": t.VOTE_OPEN,
    "veto": t.PASSED,
    "passed": t.PASSED,
    "failed": t.FAILED,
    "cancelled": t.CANCELLED,
    "vetoed": t.VETOED,
}


def where(vote: Vote, **more: Any) -> dict[str, Any]:
    return {"owner": vote.org, "repo": vote.repo, "issue_number": vote.issue_number, **more}


async def read_reactions(gh: GitHubAPI, vote: Vote) -> list[Reaction] | None:
    """The reactions on the vote comment (conditional: unchanged costs a 304), None if deleted."""
    try:
        return [
            Reaction(item["user"]["login"], item["content"])
            async for item in gh.getiter(
                REACTIONS, where(vote, comment_id=vote.comment_id, per_page=100)
            )
            if item.get("user")
        ]
    except BadRequest as exc:
        if exc.status_code in (404, 410):
            return None
        raise


async def post_comment(gh: GitHubAPI, vote: Vote, body: str) -> int:
    comment = await gh.post(COMMENTS, where(vote), data={"body": body})
    return int(comment["id"])


async def find_vote_comment(gh: GitHubAPI, vote: Vote) -> int | None:
    """The id of the newest vote comment Warden itself posted on the issue (by its marker),
    None if there is none: how a run cut short before storing the id finds its comment."""
    marker, found = t.vote_marker(vote.issue_number), None
    url, variables = COMMENTS + "{?per_page}", where(vote, per_page=100)
    async for comment in authorship.own_items(gh, url, variables):
        # The marker opens the comment: Warden's replies may quote a user's text further down.
        if (comment.get("body") or "").startswith(marker):
            found = int(comment["id"])
    return found


async def edit_comment(gh: GitHubAPI, vote: Vote, body: str) -> bool:
    """Edit the vote comment in place; False when it no longer exists."""
    try:
        await gh.patch(COMMENT, where(vote, comment_id=vote.comment_id), data={"body": body})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return True


async def comment_once(gh: GitHubAPI, comments_url: str, body: str) -> bool:
    """Post ``body`` unless Warden wrote exactly that comment already; True if posted."""
    async for comment in authorship.own_items(gh, comments_url):
        if (comment.get("body") or "").strip() == body.strip():
            return False
    await gh.post(comments_url, data={"body": body})
    return True


async def set_state_label(gh: GitHubAPI, vote: Vote) -> None:
    """Make the issue carry the nomination label and exactly the label of the vote's state."""
    wanted = LABEL_OF_STATE[vote.state]
    labels = await gh.getitem(ISSUE + "/labels", where(vote))
    present = {label["name"] for label in labels}
    for name in present & set(t.STATE_LABELS) - {wanted}:
        await remove_label(gh, vote, name)
    missing = [name for name in (t.NOMINATION, wanted) if name not in present]
    if missing:
        await gh.post(ISSUE + "/labels", where(vote), data={"labels": missing})


async def add_label(gh: GitHubAPI, vote: Vote, name: str) -> None:
    await gh.post(ISSUE + "/labels", where(vote), data={"labels": [name]})


async def remove_label(gh: GitHubAPI, vote: Vote, name: str) -> None:
    try:
        await gh.delete(ISSUE + "/labels/{name}", where(vote, name=name))
    except BadRequest as exc:
        if exc.status_code != 404:  # already gone
            raise


async def close_issue(gh: GitHubAPI, vote: Vote, reason: str = "completed") -> None:
    await gh.patch(ISSUE, where(vote), data={"state": "closed", "state_reason": reason})


async def open_onboarding_issue(gh: GitHubAPI, vote: Vote, title: str, body: str) -> int:
    """Open the onboarding issue, unless an earlier attempt did (found by its marker)."""
    marker = t.onboarding_marker(vote.issue_number)
    listed = "/repos/{owner}/{repo}/issues{?labels,state}"
    query = {"owner": vote.org, "repo": vote.repo, "labels": t.ONBOARDING, "state": "all"}
    async for issue in authorship.own_items(gh, listed, query):
        if (issue.get("body") or "").split("\n", 1)[0] == marker:
            return int(issue["number"])
    created = await gh.post(
        "/repos/{owner}/{repo}/issues",
        {"owner": vote.org, "repo": vote.repo},
        data={"title": title, "body": body, "labels": [t.ONBOARDING]},
    )
    return int(created["number"])


async def ensure_labels(gh: GitHubAPI, org: str, repo: str) -> list[str]:
    """Create the vote labels the repository lacks (with colour and description)."""
    return await labels.ensure_labels(gh, org, repo, t.LABELS)
