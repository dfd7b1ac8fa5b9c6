"""Checks that need GitHub, as pure code over facts the caller gathered: teams and repos exist."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from config.issues import ConfigIssue, line_of, sort_issues
from config.model import MAINTAINERS_KEYWORD, TEAM_KEYWORD, VoteRule, WardenConfig


@dataclass(frozen=True)
class OrgFacts:
    """What GitHub says about the organisation: its team slugs and its repositories."""

    teams: frozenset[str]
    repos: Mapping[str, bool]
    """Repository name -> its `private` flag, for every repository the app can see."""
    org: str = ""
    """The organisation's login; `@org/team` experts of this org are checked against `teams`."""


NO_TEAM = (
    'there is no team "{}" in the organisation; create it, or write the slug of an existing '
    "team (the last part of the team's URL)."
)
NO_REPO = (
    'Warden cannot see a repository "{}"; create it, or add it to the repositories the app is '
    "installed on."
)
PUBLIC_REPO = (
    '"{}" is public, so nominations and vulnerability reports would be visible to everyone; '
    "make it private or name a private repository."
)


def check_against_org(config: WardenConfig, facts: OrgFacts) -> list[ConfigIssue]:
    """Each team or repository named in the config that does not exist; a public governance repo."""
    teams = {slug.lower() for slug in facts.teams}
    repos = {name.lower(): private for name, private in facts.repos.items()}
    issues = [
        _issue(config, path, NO_TEAM.format(slug))
        for path, slug in team_references(config, facts.org)
        if slug.lower() not in teams
    ]
    issues += [
        _issue(config, path, NO_REPO.format(name))
        for path, name in repo_references(config)
        if name.lower() not in repos
    ]
    if repos.get(config.governance_repo.lower()) is False:
        issues.append(_issue(config, "governance_repo", PUBLIC_REPO.format(config.governance_repo)))
    return sort_issues(issues)


def _issue(config: WardenConfig, path: str, message: str) -> ConfigIssue:
    return ConfigIssue(path, line_of(config.lines, path), message)


def team_references(config: WardenConfig, org: str = "") -> Iterator[tuple[str, str]]:
    """(key path, team slug) for every team the config names."""
    yield "team", config.team
    if config.admins != MAINTAINERS_KEYWORD:
        yield "admins", config.admins
    for slug in config.notes:
        yield f"notes.{slug}", slug
    for name in ("nomination", "removal"):
        yield from _vote_teams(f"votes.{name}", getattr(config.votes, name))
    yield from _listed("inactivity.exempt_teams", config.inactivity.exempt_teams)
    if config.advisories.collaborating_team is not None:
        yield "advisories.collaborating_team", config.advisories.collaborating_team
    yield from _listed(
        "advisories.coordinator.exclude_teams", config.advisories.coordinator.exclude_teams
    )
    prefix = f"@{org.lower()}/"
    for glob, experts in config.advisories.experts.items():
        for index, expert in enumerate(experts):
            if org and expert.lower().startswith(prefix):
                yield f"advisories.experts.{glob}[{index}]", expert[len(prefix) :]


def _vote_teams(path: str, rule: VoteRule) -> Iterator[tuple[str, str]]:
    if rule.voters != TEAM_KEYWORD:
        yield f"{path}.voters", rule.voters
    if rule.veto.team is not None:
        yield f"{path}.veto.team", rule.veto.team


def _listed(path: str, names: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for index, name in enumerate(names):
        yield f"{path}[{index}]", name


def repo_references(config: WardenConfig) -> Iterator[tuple[str, str]]:
    """(key path, repository name) for every repository the config names."""
    yield "governance_repo", config.governance_repo
    if config.roster.repo is not None:
        yield "roster.repo", config.roster.repo
    if isinstance(config.advisories.repos, tuple):
        yield from _listed("advisories.repos", config.advisories.repos)
    if isinstance(config.advisories.cna.repos, tuple):
        yield from _listed("advisories.cna.repos", config.advisories.cna.repos)
    if config.advisories.publish.osv is not None:
        yield "advisories.publish.osv.repo", config.advisories.publish.osv.repo
