"""What the installation check decides, from plain facts: what is missing and how to fix it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from config import WardenConfig

#: Read config, post issues and comments, write the public lists, add members.
ALWAYS_NEEDED = {
    "metadata": "read",
    "contents": "write",
    "issues": "write",
    "members": "write",
    "checks": "write",
}
LEVELS = {"none": 0, "read": 1, "write": 2, "admin": 3}


@dataclass(frozen=True)
class Problem:
    """One thing missing: what it is, and how an admin fixes it."""

    key: str
    what: str
    fix: str


@dataclass(frozen=True)
class RepoFacts:
    """A repository as the installation sees it (``exists`` False: absent or not granted)."""

    name: str
    exists: bool
    private: bool = False


@dataclass(frozen=True)
class Findings:
    """What the check read from GitHub for one installation."""

    org: str
    config: str  # "valid", "missing", "unreadable" or "invalid"
    config_errors: tuple[str, ...] = ()
    teams: Mapping[str, bool] = field(default_factory=dict)  # slug -> exists
    maintainers: int | None = None  # of the member team, when admins are its maintainers
    governance: RepoFacts | None = None
    roster: RepoFacts | None = None
    advisories_api: bool = True
    permissions: Mapping[str, str] = field(default_factory=dict)
    #: each ``advisories.publish.downstream`` repository -> whether Warden may open its issue
    downstream: Mapping[str, bool] = field(default_factory=dict)


def needed_permissions(config: WardenConfig | None, advisories_api: bool) -> dict[str, str]:
    """The app permissions this config needs (everything Warden does, when unknown)."""
    needed = dict(ALWAYS_NEEDED)
    roster_pulls = config is None or (
        config.roster.repo is not None and config.roster.via == "pull_request"
    )
    if roster_pulls or advisories_api:
        needed["pull_requests"] = "write"  # roster pull requests; experts from fork pulls
    if advisories_api:
        needed["repository_advisories"] = "write"
    return needed


def problems(found: Findings, config: WardenConfig | None) -> list[Problem]:
    """Every missing thing, in the order an admin fixes them."""
    return [
        *_config_problems(found),
        *_team_problems(found, config),
        *_repo_problems(found, config),
        *_downstream_problems(found),
        *_permission_problems(found, config),
    ]


def _config_problems(found: Findings) -> list[Problem]:
    where = f"{found.org}/.github"
    if found.config == "missing":
        return [
            Problem(
                "config",
                f"`.github/warden.yml` is missing from `{where}`.",
                "Add it on the default branch; `team` and `governance_repo` are enough to "
                "start (the README's *Configuration* section lists every key).",
            )
        ]
    if found.config == "unreadable":
        return [
            Problem(
                "config",
                f"Warden cannot read `.github/warden.yml` in `{where}`.",
                "Give the app access to the `.github` repository (installation settings → "
                "Repository access) and the *Contents* permission.",
            )
        ]
    if found.config == "invalid":
        listed = "; ".join(found.config_errors[:5])
        return [
            Problem(
                "config",
                f"`.github/warden.yml` has errors: {listed}.",
                "Fix them as the `warden/config-error` issue explains; `python -m app "
                "check-config warden.yml` checks a file before you push it.",
            )
        ]
    return []


def _team_problems(found: Findings, config: WardenConfig | None) -> list[Problem]:
    if config is None:
        return []
    out = []
    if not found.teams.get(config.team.lower(), False):
        out.append(
            Problem(
                "team",
                f"The member team `{config.team}` does not exist in {found.org}.",
                "Create it (organisation → Teams → New team) or set `team:` to the slug of "
                "the team that lists your members.",
            )
        )
    if config.admins_are_maintainers:
        if found.maintainers is not None and found.maintainers < 2:
            out.append(
                Problem(
                    "admins",
                    f"The team `{config.team}` has {found.maintainers} maintainer(s); "
                    "PEP 811 asks for at least two admins.",
                    "Make two or more members maintainers of the team, or set `admins:` to "
                    "an admin team.",
                )
            )
    elif not found.teams.get(config.admins.lower(), False):
        out.append(
            Problem(
                "admins",
                f"The admin team `{config.admins}` does not exist in {found.org}.",
                "Create it, or set `admins: maintainers` to make the member team's "
                "maintainers the admins.",
            )
        )
    return out


def _repo_problems(found: Findings, config: WardenConfig | None) -> list[Problem]:
    out = []
    gov = found.governance
    if config is not None and gov is not None and not gov.exists:
        out.append(
            Problem(
                "governance_repo",
                f"The governance repository `{gov.name}` does not exist or the app cannot see it.",
                "Create it as a private repository, or give the app access to it.",
            )
        )
    elif gov is not None and not gov.private:
        out.append(
            Problem(
                "governance_private",
                f"The governance repository `{gov.name}` is public; nominations and votes "
                "must not be.",
                "Make it private (repository settings → Danger zone → Change visibility).",
            )
        )
    roster = found.roster
    if config is not None and roster is not None and not roster.exists:
        path = config.roster.path
        out.append(
            Problem(
                "roster",
                f"The roster repository `{roster.name}` (for `{path}`) does not exist or the "
                "app cannot write to it.",
                "Give the app access to it, or correct `roster.repo`.",
            )
        )
    return out


def _downstream_problems(found: Findings) -> list[Problem]:
    return [
        Problem(
            f"downstream:{name}",
            f"Warden cannot open issues in `{name}` (`advisories.publish.downstream`): a "
            "published advisory would get no issue there.",
            f"Install the app on `{name.partition('/')[0]}` with access to `{name}`, or take "
            "it out of `advisories.publish.downstream`.",
        )
        for name, reachable in sorted(found.downstream.items())
        if not reachable
    ]


def _permission_problems(found: Findings, config: WardenConfig | None) -> list[Problem]:
    out = []
    for name, level in sorted(needed_permissions(config, found.advisories_api).items()):
        granted = found.permissions.get(name, "none")
        if LEVELS.get(granted, 0) < LEVELS[level]:
            label = name.replace("_", " ")
            out.append(
                Problem(
                    f"permission:{name}",
                    f"The app has {granted} access to *{label}*; Warden needs {level}.",
                    "Accept the app's requested permissions (organisation settings → GitHub "
                    "Apps → Warden → Review request), or add them in the app's settings.",
                )
            )
    return out
