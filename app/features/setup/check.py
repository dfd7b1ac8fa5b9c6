"""The installation check: read what Warden needs from GitHub, report what is missing in one
``warden/setup`` issue, close it when all passes (SPEC 5.6)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from gidgethub import BadRequest

from app.context import Context
from app.features.advisories import records as advisory_records
from app.features.advisories.downstream import installation_on
from app.features.orgconfig import current_config, reload_config
from app.features.orgconfig import records as stored
from app.features.orgconfig.reads import CONFIG_REPO, read_config_file
from app.features.setup import issue as issue_templates
from app.features.setup.rules import Findings, Problem, RepoFacts, problems
from app.github import marked_issues
from app.github.client import GitHubAPI
from app.github.teams import team_logins
from app.org import Installation, each_installation
from config import ConfigError, WardenConfig, load_config

log = logging.getLogger(__name__)
TEAM_URL = "/orgs/{org}/teams/{team_slug}"


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: what is missing, and the setup issue's number (open or closed)."""

    org: str
    problems: tuple[Problem, ...]
    advisories_api: bool
    issue: int | None


async def check_installation(inst: Installation, *, reload: bool = False) -> CheckResult:
    """Check one installation now; open, update or close its setup issue. ``reload`` loads
    the config from GitHub first (a new installation, ``check ORG``); otherwise the load
    stored last is used."""
    org = inst.login
    config, found = await _read_config(inst, reload)
    found = await _gather(inst, found, config)
    missing = tuple(problems(found, config))
    if not found.advisories_api:
        await _advisories_off(inst)
    number = await _report(inst.gh, org, missing, found.advisories_api)
    log.info("installation check of %s: %s to fix", org, issue_templates.things(len(missing)))
    return CheckResult(org, missing, found.advisories_api, number)


async def _config_status(inst: Installation, reload: bool) -> str:
    row = None if reload else await stored.fetch_stored(inst.ctx.store, inst.id)
    if row is not None:
        return row.status
    return (await reload_config(inst)).status


async def _read_config(inst: Installation, reload: bool) -> tuple[WardenConfig | None, Findings]:
    """The config the checks use: the one in force, or the file's own when only GitHub facts
    (a missing team, a public repo) make it invalid; those the checks name one by one."""
    org = inst.login
    try:
        status = await _config_status(inst, reload)
        if status == stored.VALID:
            config = await current_config(inst)
            return config, Findings(org, "valid" if config else "missing")
        file = None if status == stored.MISSING else await read_config_file(inst.gh, org)
    except BadRequest as exc:
        if exc.status_code not in (403, 404):
            raise
        return None, Findings(org, "unreadable")
    if file is None:
        return None, Findings(org, "missing")
    try:
        return load_config(file.text), Findings(org, "valid")
    except ConfigError as exc:
        errors = tuple(issue.describe() for issue in exc.issues)
        return None, Findings(org, "invalid", errors)


async def _gather(inst: Installation, found: Findings, config: WardenConfig | None) -> Findings:
    org, gh = found.org, inst.gh
    teams: dict[str, bool] = {}
    maintainers: int | None = None
    governance = roster = None
    if config is not None:
        for slug in {config.team.lower(), config.admins.lower()} - {"maintainers"}:
            teams[slug] = await _exists(gh, TEAM_URL, org=org, team_slug=slug)
        if config.admins_are_maintainers and teams.get(config.team.lower()):
            maintainers = len(await team_logins(gh, org, config.team, role="maintainer"))
        governance = await _repo(gh, org, config.governance_repo)
        if config.roster.repo is not None:
            roster = await _repo(gh, org, config.roster.repo)
    return Findings(
        org,
        found.config,
        found.config_errors,
        teams,
        maintainers,
        governance,
        roster,
        await _advisories_api(gh, org),
        await _permissions(inst),
        await _downstream(inst, config) if config is not None else {},
    )


async def _downstream(inst: Installation, config: WardenConfig) -> dict[str, bool]:
    """Each ``advisories.publish.downstream`` repository: whether Warden can open its issue
    there (a repository of this organisation the installation sees, or one where Warden is
    installed too)."""
    found: dict[str, bool] = {}
    for full_name in config.advisories.publish.downstream:
        owner, _, name = full_name.partition("/")
        if owner.lower() == inst.login.lower():
            found[full_name] = (await _repo(inst.gh, owner, name)).exists
        else:
            found[full_name] = await installation_on(inst.ctx, owner, name) is not None
    return found


async def _exists(gh: GitHubAPI, url: str, **variables: str) -> bool:
    try:
        await gh.getitem(url, variables)
    except BadRequest as exc:
        if exc.status_code in (403, 404):
            return False
        raise
    return True


async def _repo(gh: GitHubAPI, org: str, name: str) -> RepoFacts:
    try:
        data = await gh.getitem("/repos/{owner}/{repo}", {"owner": org, "repo": name})
    except BadRequest as exc:
        if exc.status_code in (403, 404):
            return RepoFacts(name, False)
        raise
    return RepoFacts(name, True, bool(data["private"]))


async def _advisories_api(gh: GitHubAPI, org: str) -> bool:
    """False where GitHub has no repository advisories API (every GHES version so far)."""
    url = "/orgs/{org}/security-advisories{?per_page}"
    try:
        await gh.getitem(url, {"org": org, "per_page": 1})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return True


async def _permissions(inst: Installation) -> dict[str, str]:
    assert inst.ctx.github is not None
    url = "/app/installations/{installation_id}"
    data = await inst.ctx.github.app_client().getitem(url, {"installation_id": inst.id})
    return {str(k): str(v) for k, v in (data.get("permissions") or {}).items()}


async def _advisories_off(inst: Installation) -> None:
    """Switch the advisory sweep off for this installation (it asks again daily)."""
    store, now = inst.ctx.store, inst.ctx.clock.time()
    last = await advisory_records.last_sweep(store, inst.id)
    if last is None or last[1] is None:
        log.warning("%s: %s", inst.login, issue_templates.NO_ADVISORIES)
    await advisory_records.mark_swept(store, inst.id, now, now)


async def _report(
    gh: GitHubAPI, org: str, missing: tuple[Problem, ...], advisories_api: bool
) -> int | None:
    if missing:
        return await marked_issues.upsert(
            gh,
            org,
            CONFIG_REPO,
            label=issue_templates.LABEL,
            marker=issue_templates.MARKER,
            title=issue_templates.TITLE,
            body=issue_templates.body(org, missing, advisories_api),
        )
    current = await marked_issues.find(
        gh, org, CONFIG_REPO, issue_templates.LABEL, issue_templates.MARKER
    )
    if current is None:
        return None
    number = int(current["number"])
    await marked_issues.close(gh, org, CONFIG_REPO, number, issue_templates.fixed_comment())
    return number


async def check_command(ctx: Context, org: str) -> int:
    """``python -m app check ORG``: 0 when all passes, 1 when something is missing."""
    async for inst in each_installation(ctx):
        if inst.login.lower() != org.lower():
            continue
        result = await check_installation(inst, reload=True)
        print(
            "\n".join(issue_templates.summary(inst.login, result.problems, result.advisories_api))
        )
        return 1 if result.problems else 0
    print(
        f"warden: the app is not installed on {org}; install it from the app's page first.",
        file=sys.stderr,
    )
    return 1
