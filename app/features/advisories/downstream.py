"""Issues opened in the downstream repositories (``advisories.publish.downstream``) when an
advisory is published: public facts only, one issue per repository, once."""

from __future__ import annotations

import logging

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from app.context import Context
from app.features.advisories import publications
from app.features.advisories import publish_templates as t
from app.features.advisories.osv import Published
from app.features.advisories.publications import ASKED, NOT_INSTALLED, Publication
from app.features.advisories.scope import Scope
from app.github import authorship

log = logging.getLogger(__name__)

ISSUES_URL = "/repos/{owner}/{repo}/issues"
INSTALLATION_URL = "/repos/{owner}/{repo}/installation"


async def open_downstream(scope: Scope, pub: Published, row: Publication) -> Publication:
    """One issue in each downstream repository (a crash between asking and recording is
    repaired by finding the issue's marker there)."""
    for full_name in scope.config.advisories.publish.downstream:
        if row.downstream.get(full_name, ASKED) != ASKED:
            continue
        owner, _, name = full_name.partition("/")
        gh = await _client_for(scope, owner, name)
        if gh is None:
            log.warning(
                "%s: Warden is not installed on %s: no downstream issue", scope.org.login, full_name
            )
            number = NOT_INSTALLED
        else:
            asked = full_name in row.downstream
            row = row.but(downstream={**row.downstream, full_name: ASKED})
            await publications.save(scope.ctx.store, row)
            number = (await _found(gh, owner, name, pub) if asked else None) or await _open(
                gh, owner, name, pub, scope.org.login
            )
        row = row.but(downstream={**row.downstream, full_name: number})
        await publications.save(scope.ctx.store, row)
    return row


async def _client_for(scope: Scope, owner: str, name: str) -> GitHubAPI | None:
    """The organisation's own client, or the one of Warden's installation on ``owner``."""
    if owner.lower() == scope.org.login.lower():
        return scope.gh
    installation_id = await installation_on(scope.ctx, owner, name)
    if installation_id is None or scope.ctx.github is None:
        return None
    return scope.ctx.github.installation_client(installation_id)


async def installation_on(ctx: Context, owner: str, name: str) -> int | None:
    """Warden's installation with access to ``owner/name``, if any (the installation check
    names a downstream repository without one before an advisory needs it)."""
    if ctx.github is None:
        return None
    variables = {"owner": owner, "repo": name}
    try:
        found = await ctx.github.app_client().getitem(INSTALLATION_URL, variables)
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        return None
    return int(found["id"])


async def _found(gh: GitHubAPI, owner: str, name: str, pub: Published) -> int | None:
    marker = t.DOWNSTREAM_MARKER.format(ghsa_id=pub.ghsa_id)
    url = ISSUES_URL + "{?state,per_page}"
    variables = {"owner": owner, "repo": name, "state": "all", "per_page": 100}
    async for issue in authorship.own_items(gh, url, variables):
        if str(issue.get("body") or "").startswith(marker):
            return int(issue["number"])
    return None


async def _open(gh: GitHubAPI, owner: str, name: str, pub: Published, org: str) -> int:
    data = {"title": t.downstream_title(pub), "body": t.downstream_body(pub, org)}
    created = await gh.post(ISSUES_URL, {"owner": owner, "repo": name}, data=data)
    log.info(
        "%s: downstream issue %s/%s#%s for %s", org, owner, name, created["number"], pub.ghsa_id
    )
    return int(created["number"])
