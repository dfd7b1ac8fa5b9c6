"""Repository security advisories: reports, edits, publication, private forks, CVE requests."""

from __future__ import annotations

from typing import Any

from sandbox.core import Core
from sandbox.errors import Unprocessable
from sandbox.scores import cvss_score
from sandbox.state import Advisory, Repo

GHSA_ALPHABET = "23456789cfghjmpqrvwx"
TRANSITIONS = {
    "triage": {"draft", "closed"},
    "draft": {"published", "closed"},
    "closed": {"draft"},
    "published": set(),
}
PLAIN_FIELDS = (
    "summary",
    "description",
    "severity",
    "cve_id",
    "cwe_ids",
    "vulnerabilities",
    "cvss_vector_string",
)


def ghsa_id(number: int) -> str:
    """A GHSA id in GitHub's alphabet, derived from a sandbox id (stable between runs)."""
    chars = []
    number = number * 7919 + 123456789
    for _ in range(12):
        number, digit = divmod(number, len(GHSA_ALPHABET))
        chars.append(GHSA_ALPHABET[digit])
    text = "".join(chars)
    return f"GHSA-{text[:4]}-{text[4:8]}-{text[8:]}"


def report(
    core: Core,
    repo: Repo,
    reporter: str,
    summary: str,
    description: str,
    severity: str | None = None,
) -> Advisory:
    """A private vulnerability report (``repository_advisory.reported``, state ``triage``)."""
    now = core.now()
    login = core.world.user(reporter).login
    adv = Advisory(ghsa_id(core.world.new_id()), summary, description, severity, login, now, now)
    repo.advisories[adv.ghsa_id.lower()] = adv
    core.emit(
        "repository_advisory",
        "reported",
        sender=login,
        repo=repo,
        repository_advisory=core.render.advisory(repo, adv),
    )
    return adv


def update(core: Core, repo: Repo, adv: Advisory, changes: dict[str, Any], sender: str) -> None:
    """``PATCH`` an advisory. Only publication sends a webhook, as on GitHub."""
    _check_people(core, repo, changes)
    if changes.get("cvss_vector_string") is not None:
        cvss_score(str(changes["cvss_vector_string"]))  # GitHub refuses an invalid vector
    target = changes.get("state")
    if target and target != adv.state and target not in TRANSITIONS[adv.state]:
        raise Unprocessable(f"Invalid state transition from `{adv.state}` to `{target}`.")
    for key in PLAIN_FIELDS:
        if key in changes and changes[key] is not None:
            setattr(adv, key, changes[key])
    if changes.get("credits") is not None:
        adv.credits = [(core.world.user(c["login"]).login, c["type"]) for c in changes["credits"]]
    if changes.get("collaborating_users") is not None:
        adv.collaborating_users = [core.world.user(u).login for u in changes["collaborating_users"]]
    if changes.get("collaborating_teams") is not None:
        adv.collaborating_teams = [
            core.world.team(repo.owner, t).slug for t in changes["collaborating_teams"]
        ]
    adv.updated_at = core.now()
    if target and target != adv.state:
        _move(core, repo, adv, target, sender)


def _check_people(core: Core, repo: Repo, changes: dict[str, Any]) -> None:
    logins = [c["login"] for c in changes.get("credits") or []]
    logins += list(changes.get("collaborating_users") or [])
    for login in logins:
        if login.lower() not in core.world.users:
            raise Unprocessable(
                "Validation Failed",
                [
                    {
                        "resource": "RepositoryAdvisory",
                        "code": "invalid",
                        "value": login,
                        "message": f"{login} is not a valid user",
                    }
                ],
            )
    org = core.world.orgs.get(repo.owner.lower())
    for slug in changes.get("collaborating_teams") or []:
        if org is None or slug.lower() not in org.teams:
            raise Unprocessable(
                "Validation Failed",
                [
                    {
                        "resource": "RepositoryAdvisory",
                        "code": "invalid",
                        "value": slug,
                        "message": f"{slug} is not a team of {repo.owner}",
                    }
                ],
            )


def _move(core: Core, repo: Repo, adv: Advisory, target: str, sender: str) -> None:
    adv.state = target
    now = core.now()
    adv.closed_at = now if target == "closed" else None
    if target == "published":
        adv.published_at = now
        core.emit(
            "repository_advisory",
            "published",
            sender=sender,
            repo=repo,
            repository_advisory=core.render.advisory(repo, adv),
        )


def create_fork(core: Core, repo: Repo, adv: Advisory) -> Repo:
    """The temporary private fork (created once; later calls return it)."""
    if adv.private_fork:
        return core.world.repos[adv.private_fork.lower()]
    name = f"{repo.name}-{adv.ghsa_id.lower()}"
    fork = Repo(
        core.world.new_id(),
        repo.owner,
        name,
        True,
        repo.default_branch,
        core.now(),
        fork_of_advisory=adv.ghsa_id,
    )
    fork.commits = dict(repo.commits)
    fork.branches = {repo.default_branch: repo.branches[repo.default_branch]}
    core.world.repos[fork.full_name.lower()] = fork
    adv.private_fork = fork.full_name
    return fork


def request_cve(core: Core, repo: Repo, adv: Advisory) -> None:
    """Ask GitHub's CNA for a CVE: public repositories only, once, before publication."""
    if repo.private:
        raise Unprocessable("CVE requests are only available for public repositories.")
    if adv.cve_id or adv.cve_requested:
        raise Unprocessable("A CVE has already been requested for this advisory.")
    if adv.state not in ("triage", "draft"):
        raise Unprocessable(f"Cannot request a CVE for an advisory in state {adv.state}.")
    adv.cve_requested = True


def grant_cve(core: Core, adv: Advisory) -> str:
    """GitHub's CNA assigns the requested CVE id (a scenario step)."""
    adv.cve_id = f"CVE-{core.now().year}-{20000 + core.world.new_id()}"
    adv.updated_at = core.now()
    return adv.cve_id
