"""The temporary private fork's pull requests: the fixes, their authors and reviewers."""

from __future__ import annotations

from typing import Any

from app.features.advisories.credits import Pull, parse_pull
from app.features.advisories.scope import Scope

PULLS_URL = "/repos/{owner}/{repo}/pulls{?state,per_page}"
REVIEWS_URL = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews{?per_page}"


async def fork_pulls(scope: Scope, fork: str) -> list[dict[str, Any]]:
    """Every pull request (open or closed) of the private fork, listed once a pass."""
    if fork not in scope.fork_pulls:
        owner, _, name = fork.partition("/")
        variables: dict[str, str | int] = {
            "owner": owner,
            "repo": name,
            "state": "all",
            "per_page": 100,
        }
        scope.fork_pulls[fork] = [p async for p in scope.gh.getiter(PULLS_URL, variables)]
    return scope.fork_pulls[fork]


async def reviewed_pulls(scope: Scope, fork: str) -> list[Pull]:
    """The fork's pull requests with their reviews (one conditional read each)."""
    owner, _, name = fork.partition("/")
    found = []
    for data in await fork_pulls(scope, fork):
        variables = {"owner": owner, "repo": name, "pull_number": data["number"], "per_page": 100}
        reviews = [r async for r in scope.gh.getiter(REVIEWS_URL, variables)]
        found.append(parse_pull(data, reviews))
    return found
