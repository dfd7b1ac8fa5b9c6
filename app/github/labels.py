"""The `warden/*` labels of SPEC 4, and creating the ones a repository lacks."""

from __future__ import annotations

from collections.abc import Iterable

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

NOMINATION = "warden/nomination"
VOTE_OPEN = "warden/vote-open"
PASSED = "warden/passed"
FAILED = "warden/failed"
CANCELLED = "warden/cancelled"
VETOED = "warden/vetoed"
REMOVAL = "warden/removal"
ADVISORY = "warden/advisory"
ONBOARDING = "warden/onboarding"
INACTIVITY = "warden/inactivity"
CONFIG_ERROR = "warden/config-error"
ROSTER_ALERT = "warden/roster-alert"
SETUP = "warden/setup"

#: Name -> (colour, description). GitHub would create a label named on an issue
#: by itself, but grey and unexplained; Warden creates it with these first.
CATALOGUE: dict[str, tuple[str, str]] = {
    NOMINATION: ("5319e7", "A nomination of a new member (Warden opens the vote)"),
    VOTE_OPEN: ("fbca04", "Vote open: react to Warden's vote comment"),
    PASSED: ("0e8a16", "The vote passed"),
    FAILED: ("d73a4a", "The vote failed"),
    CANCELLED: ("cfd3d7", "The vote was cancelled"),
    VETOED: ("b60205", "The admission was vetoed"),
    REMOVAL: ("e99695", "A vote to remove a member"),
    ADVISORY: ("b60205", "Tracks a private vulnerability report (repository security advisory)"),
    ONBOARDING: ("1d76db", "Onboarding or offboarding checklist of a member"),
    INACTIVITY: ("c5def5", "The yearly inactivity review"),
    CONFIG_ERROR: ("d73a4a", "Warden cannot apply .github/warden.yml"),
    ROSTER_ALERT: ("d93f0b", "Warden: something about the team needs an admin"),
    SETUP: ("d93f0b", "Warden's installation check: what is missing and how to fix it"),
}

LABELS_URL = "/repos/{owner}/{repo}/labels"


async def ensure_label(gh: GitHubAPI, org: str, repo: str, name: str) -> None:
    """Create the label ``name`` unless the repository has it (GitHub answers 422 then)."""
    color, description = CATALOGUE[name]
    data = {"name": name, "color": color, "description": description}
    try:
        await gh.post(LABELS_URL, {"owner": org, "repo": repo}, data=data)
    except BadRequest as exc:
        if exc.status_code != 422:
            raise


async def ensure_labels(gh: GitHubAPI, org: str, repo: str, names: Iterable[str]) -> list[str]:
    """Create those of ``names`` the repository lacks (one read first); return them."""
    url = LABELS_URL + "{?per_page}"
    present = {
        label["name"].lower()
        async for label in gh.getiter(url, {"owner": org, "repo": repo, "per_page": 100})
    }
    missing = [name for name in names if name.lower() not in present]
    for name in missing:
        await ensure_label(gh, org, repo, name)
    return missing
