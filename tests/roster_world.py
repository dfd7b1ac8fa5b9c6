"""A PSRT-shaped sandbox world for the roster sync tests: team, notes team, roster repo."""

from __future__ import annotations

from typing import Any

from app.features.orgconfig import CONFIG_PATH
from app.features.roster import templates as t
from app.features.roster.listfile import Row, parse_list, render_list
from sandbox import Sandbox
from tests.harness import Stack

ORG = "python"
ROSTER_REPO = "devguide"
PUBLIC = "security/psrt.csv"
EMERITUS = "security/psrt-emeritus.csv"
GOVERNANCE = "psrt-governance"

NAMES = {
    "alice": "Alice Adams",
    "grace": "Grace Hopper",
    "bob": "Bob Brown",
    "carol": "Carol Chen",
    "dave": "Dave Diaz",
    "erin": "Erin Evans",
    "frank": "Frank Fischer",
    "heidi": "Heidi Hall",
    "mallory": "Mallory Moss",
    "ivan": "Ivan Ivanov",
    "oscar": "Oscar Ortiz",
}
MAINTAINERS = ("alice", "grace")
MEMBERS = ("bob", "carol", "dave", "erin", "frank", "heidi")
RELEASE_MANAGERS = ("carol",)


def config_text(
    via: str = "commit", enforce: bool = False, extra: str = "", note: str = "Left {date}"
) -> str:
    return (
        "team: psrt\n"
        f"governance_repo: {GOVERNANCE}\n"
        "notes:\n"
        "  release-managers: Release Manager\n"
        "roster:\n"
        f"  repo: {ROSTER_REPO}\n"
        f"  path: {PUBLIC}\n"
        f"  emeritus_path: {EMERITUS}\n"
        f"  via: {via}\n"
        f'  emeritus_note: "{note}"\n'
        f"  enforce: {'true' if enforce else 'false'}\n" + extra
    )


def row(login: str) -> Row:
    notes = ("Admin",) if login in MAINTAINERS else ()
    notes += ("Release Manager",) if login in RELEASE_MANAGERS else ()
    return Row(NAMES[login], login, notes)


def current_list(logins: tuple[str, ...] = MAINTAINERS + MEMBERS) -> str:
    """The public list as it should read for ``logins`` (it matches the seeded team)."""
    return render_list([row(login) for login in logins], "csv")


EMERITUS_TEXT = "Name,GitHub username,Notes\nOscar Ortiz,oscar,Left 2024-03-01\n"


def seed(sb: Sandbox, config: str | None = None) -> None:
    """Fill ``sb`` with the world (the app is not installed yet: see `install`)."""
    for login, name in NAMES.items():
        sb.add_user(login, name)
    sb.add_org(ORG, members=["mallory", "oscar"], admins=["alice"])
    sb.add_team(ORG, "psrt", members=MEMBERS, maintainers=MAINTAINERS)
    sb.add_team(ORG, "release-managers", members=RELEASE_MANAGERS)
    sb.add_repo(ORG, GOVERNANCE, private=True, files={"README.md": "PSRT\n"})
    sb.add_repo(ORG, ROSTER_REPO, files={PUBLIC: current_list(), EMERITUS: EMERITUS_TEXT})
    sb.add_repo(ORG, ".github", files={CONFIG_PATH: config or config_text()})


async def settled(stack: Stack) -> None:
    """Wait until Warden processed every delivery, and check that none failed."""
    await stack.idle()
    counts = await stack.ctx.store.count_deliveries()
    assert counts.get("failed", 0) == 0, await stack.ctx.store.list_deliveries("failed")


async def install(stack: Stack) -> int:
    """Install the app (Warden loads the config, takes the baseline, reconciles)."""
    installation_id = stack.sb.install(ORG, notify=True)
    await settled(stack)
    return installation_id


def file_text(sb: Sandbox, path: str, branch: str = "main") -> str:
    return sb.repo(ORG, ROSTER_REPO).tree(branch).get(path, "")


def logins_in(text: str) -> list[str]:
    """The logins a CSV list names, in file order (its header, if any, left out)."""
    return [row.login for row in parse_list(text, "csv")]


def alerts(sb: Sandbox, state: str = "open") -> list[Any]:
    repo = sb.repo(ORG, GOVERNANCE)
    return [i for i in repo.issues.values() if t.ALERT_LABEL in i.labels and i.state == state]


def open_pulls(sb: Sandbox) -> list[Any]:
    """The open pull requests of the roster repo."""
    repo = sb.repo(ORG, ROSTER_REPO)
    return [p for p in repo.pulls.values() if repo.issues[p.number].state == "open"]


def roster_commits(sb: Sandbox, branch: str = "main") -> int:
    """How many commits on ``branch`` of the roster repo came after the seed."""
    repo = sb.repo(ORG, ROSTER_REPO)
    count, sha = 0, repo.branches[branch]
    while (parent := repo.commits[sha].parent) is not None:
        count += 1
        sha = parent
    return count
