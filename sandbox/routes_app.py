"""REST routes of the app itself: installations, tokens, webhook deliveries, rate limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.auth import issue_token
from sandbox.errors import NotFound
from sandbox.render import APP_EVENTS, APP_PERMISSIONS, iso
from sandbox.routing import Ctx, Reply, route
from sandbox.webhooks import Delivery


def app_json(ctx: Ctx) -> dict[str, Any]:
    """The ``integration`` object of the app."""
    app = ctx.core.app
    owner = next(iter(ctx.core.world.orgs.values()), None)
    created = iso(ctx.core.world.user(app.bot_login).created_at)
    return {
        "id": app.id,
        "slug": app.slug,
        "node_id": f"A_{app.id}",
        "client_id": f"Iv1.{app.id}",
        "owner": ctx.core.render.account(owner.login) if owner else None,
        "name": app.slug,
        "description": "Warden (sandbox)",
        "external_url": "https://example.invalid/warden",
        "html_url": f"https://github.com/apps/{app.slug}",
        "created_at": created,
        "updated_at": created,
        "permissions": dict(APP_PERMISSIONS),
        "events": list(APP_EVENTS),
        "installations_count": len(ctx.core.world.installations),
    }


@route("GET /app", jwt=True)
def get_app(ctx: Ctx) -> Reply:
    """The authenticated app."""
    return Reply(200, app_json(ctx))


@route("GET /app/installations", jwt=True)
def list_installations(ctx: Ctx) -> Reply:
    """Every installation of the app."""
    core = ctx.core
    items = [
        core.render.installation(i, core.app.id, core.app.slug)
        for i in core.world.installations.values()
    ]
    return ctx.paginate(items)


@route("GET /app/installations/{installation_id}", jwt=True)
def get_installation(ctx: Ctx) -> Reply:
    """One installation."""
    inst = ctx.core.world.installations.get(int(ctx.params["installation_id"]))
    if inst is None:
        raise NotFound()
    return Reply(200, ctx.core.render.installation(inst, ctx.core.app.id, ctx.core.app.slug))


@route("POST /app/installations/{installation_id}/access_tokens", jwt=True)
def create_token(ctx: Ctx) -> Reply:
    """A one-hour installation access token."""
    inst = ctx.core.world.installations.get(int(ctx.params["installation_id"]))
    if inst is None:
        raise NotFound()
    token = issue_token(ctx.core, inst)
    expires = datetime.fromtimestamp(token.expires_at, UTC)
    return Reply(
        201,
        {
            "token": token.value,
            "expires_at": iso(expires),
            "permissions": dict(inst.permissions or APP_PERMISSIONS),
            "repository_selection": "all",
        },
    )


def _installation_of(ctx: Ctx, account: str) -> Reply:
    inst = ctx.core.world.installation_for(account)
    if inst is None:
        raise NotFound()
    return Reply(200, ctx.core.render.installation(inst, ctx.core.app.id, ctx.core.app.slug))


@route("GET /orgs/{org}/installation", jwt=True)
def org_installation(ctx: Ctx) -> Reply:
    """The app's installation on an org."""
    return _installation_of(ctx, ctx.core.world.org(ctx.params["org"]).login)


@route("GET /repos/{owner}/{repo}/installation", jwt=True)
def repo_installation(ctx: Ctx) -> Reply:
    """The app's installation covering a repository."""
    repo = ctx.core.world.repo(ctx.params["owner"], ctx.params["repo"])
    return _installation_of(ctx, repo.owner)


@route("GET /installation/repositories")
def installation_repos(ctx: Ctx) -> Reply:
    """The repositories the calling installation can access (all of its account's)."""
    repos = [
        ctx.core.render.repo(r)
        for r in ctx.core.world.repos.values()
        if ctx.owns(r.owner) and not r.fork_of_advisory
    ]
    page = ctx.paginate(repos)
    page.body = {
        "total_count": len(repos),
        "repository_selection": "all",
        "repositories": page.body,
    }
    return page


def delivery_item(delivery: Delivery) -> dict[str, Any]:
    """A ``hook-delivery-item``."""
    return {
        "id": delivery.id,
        "guid": delivery.guid,
        "delivered_at": iso(delivery.delivered_at),
        "redelivery": delivery.redelivery,
        "duration": delivery.duration,
        "status": delivery.status,
        "status_code": delivery.status_code,
        "event": delivery.event,
        "action": delivery.action,
        "installation_id": delivery.installation_id,
        "repository_id": delivery.repository_id,
        "throttled_at": None,
    }


@route("GET /app/hook/deliveries", jwt=True)
def list_deliveries(ctx: Ctx) -> Reply:
    """Deliveries, newest first, with cursor pagination (``cursor`` is a delivery id)."""
    per_page = min(int(ctx.query.get("per_page", 30)), 100) or 30
    items = sorted(ctx.core.outbox.deliveries, key=lambda d: d.id, reverse=True)
    if "cursor" in ctx.query:
        cursor = int(ctx.query["cursor"]) if ctx.query["cursor"].isdigit() else 0
        items = [d for d in items if d.id <= cursor]
    page, rest = items[:per_page], items[per_page:]
    headers = {}
    if rest:
        headers["Link"] = f'<{ctx.page_url(per_page=per_page, cursor=rest[0].id)}>; rel="next"'
    return Reply(200, [delivery_item(d) for d in page], headers)


def _delivery(ctx: Ctx) -> Delivery:
    wanted = int(ctx.params["delivery_id"])
    found = next((d for d in ctx.core.outbox.deliveries if d.id == wanted), None)
    if found is None:
        raise NotFound()
    return found


@route("GET /app/hook/deliveries/{delivery_id}", jwt=True)
def get_delivery(ctx: Ctx) -> Reply:
    """One delivery with its request and response."""
    delivery = _delivery(ctx)
    return Reply(
        200,
        {
            **delivery_item(delivery),
            "url": ctx.core.outbox.url or "",
            "request": {"headers": delivery.headers, "payload": delivery.payload},
            "response": {"headers": {}, "payload": delivery.response_body or None},
        },
    )


@route("POST /app/hook/deliveries/{delivery_id}/attempts", jwt=True)
def redeliver(ctx: Ctx) -> Reply:
    """Send a delivery again (a new record, ``redelivery: true``, same guid)."""
    ctx.core.outbox.redeliver(_delivery(ctx))
    return Reply(202, {})
