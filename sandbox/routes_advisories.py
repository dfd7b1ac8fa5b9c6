"""REST routes for repository security advisories (installation repositories only)."""

from __future__ import annotations

from sandbox import actions_advisory as act
from sandbox.errors import Forbidden
from sandbox.routing import Ctx, Reply, route
from sandbox.state import Advisory, Repo


def _advisory(ctx: Ctx, write: bool = True) -> tuple[Repo, Advisory]:
    repo = ctx.repo(installed=True)
    if repo.archived and write:
        # GitHub's answer to writes in an archived (read-only) repository; assumed to hold
        # for its advisories too.
        raise Forbidden("Repository was archived so is read-only.")
    return repo, ctx.core.world.advisory(repo, ctx.params["ghsa_id"])


@route("GET /repos/{owner}/{repo}/security-advisories")
def list_advisories(ctx: Ctx) -> Reply:
    """Advisories of a repository (``state`` filter, newest first unless ``direction=asc``)."""
    repo = ctx.repo(installed=True)
    state = ctx.query.get("state")
    found = [a for a in repo.advisories.values() if state in (None, a.state)]
    found.sort(key=lambda a: (a.created_at, a.ghsa_id), reverse=ctx.query.get("direction") != "asc")
    return ctx.paginate_cursor(
        [ctx.core.render.advisory(repo, a) for a in found], [a.ghsa_id for a in found]
    )


@route("GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}")
def get_advisory(ctx: Ctx) -> Reply:
    """One advisory."""
    repo, adv = _advisory(ctx, write=False)
    return Reply(200, ctx.core.render.advisory(repo, adv))


@route("PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}")
def update_advisory(ctx: Ctx) -> Reply:
    """Edit an advisory: text, severity, credits, collaborators, state (no webhook except
    ``published``)."""
    repo, adv = _advisory(ctx)
    act.update(ctx.core, repo, adv, ctx.body, ctx.actor)
    return Reply(200, ctx.core.render.advisory(repo, adv))


@route("POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/forks")
def create_fork(ctx: Ctx) -> Reply:
    """The temporary private fork (202, the fork's repository)."""
    repo, adv = _advisory(ctx)
    fork = act.create_fork(ctx.core, repo, adv)
    return Reply(202, ctx.core.render.repo(fork))


@route("POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/cve")
def request_cve(ctx: Ctx) -> Reply:
    """Request a CVE from GitHub's CNA (public repositories only: 422 otherwise)."""
    repo, adv = _advisory(ctx)
    act.request_cve(ctx.core, repo, adv)
    return Reply(202, {})
