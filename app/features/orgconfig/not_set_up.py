"""Commands typed in an org without a config: one reply per issue saying how to set Warden up."""

from __future__ import annotations

from typing import Any

from gidgethub.abc import GitHubAPI

from app.features.orgconfig import templates as t
from app.features.orgconfig.reads import CONFIG_REPO
from app.github import authorship


async def reply_not_set_up(gh: GitHubAPI, issue: dict[str, Any], org: str, org_url: str) -> bool:
    """Reply on `issue` that Warden is not set up, unless it already did; True if it replied."""
    comments_url = issue["comments_url"]
    async for comment in authorship.own_items(gh, comments_url):
        if t.NOT_SET_UP_MARKER in (comment.get("body") or ""):
            return False
    body = t.not_set_up_reply(org, f"{org_url}/{CONFIG_REPO}")
    await gh.post(comments_url, data={"body": body})
    return True
