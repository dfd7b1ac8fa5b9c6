"""GitHub's side of the manifest flow: the new-app pages that take a manifest and redirect
with a code, the code exchange (``POST /app-manifests/{code}/conversions``), and the page
that installs the app on an account."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from sandbox import actions_org
from sandbox.core import Core
from sandbox.errors import NotFound
from sandbox.render import APP_PERMISSIONS
from sandbox.routes_app import app_json
from sandbox.routing import Ctx, Reply, route
from sandbox.schema_util import load_webhook_schemas
from sandbox.state import Registration

CODE_SECONDS = 3600.0  # GitHub: "you must complete this step within one hour"
#: Permissions GitHub knows (the sandbox's app asks for these; GitHub has more).
KNOWN_PERMISSIONS = {*APP_PERMISSIONS, "actions", "administration", "statuses", "workflows"}


@route("POST /app-manifests/{code}/conversions", open_=True)
def convert(ctx: Ctx) -> Reply:
    """The code, once and within the hour, for the app's id, key and webhook secret. The
    sandbox's app is the one registered: its webhook secret is new and deliveries go to the
    manifest's hook URL from now on."""
    core = ctx.core
    found = core.world.registrations.get(ctx.params["code"])
    if found is None or found.converted or core.clock.time() - found.created_at > CODE_SECONDS:
        raise NotFound()
    found.converted = True
    core.app = replace(core.app, webhook_secret=secrets.token_hex(20))
    core.outbox.secret = core.app.webhook_secret
    core.outbox.url = str(found.manifest["hook_attributes"]["url"])
    body: dict[str, Any] = {
        **app_json(ctx),
        "name": str(found.manifest.get("name", core.app.slug)),
        "owner": core.render.account(found.owner),
        "html_url": f"{ctx.base_url}/apps/{core.app.slug}",
        "client_id": f"Iv1.{core.app.id}",
        "client_secret": secrets.token_hex(20),
        "webhook_secret": core.app.webhook_secret,
        "pem": core.app.private_key_pem,
    }
    return Reply(201, body)


def manifest_problems(manifest: Any) -> list[str]:
    """Why GitHub would refuse a manifest (empty: it is accepted)."""
    if not isinstance(manifest, dict):
        return ["the manifest is not a JSON object"]
    problems = []
    for key in ("url", "redirect_url"):
        if not str(manifest.get(key, "")).startswith(("http://", "https://")):
            problems.append(f"{key} must be a URL")
    hook = manifest.get("hook_attributes") or {}
    if not str(hook.get("url", "")).startswith(("http://", "https://")):
        problems.append("hook_attributes.url must be a URL")
    known = list(load_webhook_schemas().document["webhooks"])  # issues-opened, push, ...
    for event in manifest.get("default_events", []):
        dashed = event.replace("_", "-")
        if not any(name == dashed or name.startswith(dashed + "-") for name in known):
            problems.append(f"default_events: {event} is not an event")
    for name, level in (manifest.get("default_permissions") or {}).items():
        if name not in KNOWN_PERMISSIONS or level not in ("read", "write"):
            problems.append(f"default_permissions: {name}: {level} is not a permission")
    return problems


class ManifestPages:
    """The github.com pages of the flow, served by the sandbox beside its REST API."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def signed_in(self) -> str:
        """Whoever uses the browser: the first person the world knows."""
        people = [u.login for u in self.core.world.users.values() if u.type == "User"]
        return people[0] if people else self.core.app.bot_login

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/settings/apps/new", self.register)
        app.router.add_post("/organizations/{org}/settings/apps/new", self.register)
        app.router.add_get("/apps/{slug}/installations/new", self.install_page)
        app.router.add_post("/apps/{slug}/installations/new", self.install)

    async def register(self, request: web.Request) -> web.StreamResponse:
        """The admin confirmed the new app: redirect to its ``redirect_url`` with a code."""
        org = request.match_info.get("org")
        if org is not None and org.lower() not in self.core.world.orgs:
            return _page(404, "Not Found", f"No organisation {org}.")
        form = await request.post()
        try:
            manifest = json.loads(str(form.get("manifest", "")))
        except ValueError:
            manifest = None
        problems = manifest_problems(manifest)
        if problems:
            return _page(422, "Invalid GitHub App configuration", "; ".join(problems))
        code = secrets.token_hex(10)
        found = Registration(code, manifest, org or self.signed_in(), self.core.clock.time())
        self.core.world.registrations[code] = found
        query = urlencode({"code": code, "state": request.query.get("state", "")})
        raise web.HTTPFound(f"{manifest['redirect_url']}?{query}")

    async def install_page(self, request: web.Request) -> web.Response:
        """Where an admin picks the account to install the app on."""
        options = "".join(
            f"<option>{escape(org.login)}</option>" for org in self.core.world.orgs.values()
        )
        body = (
            f"<form method=post><select name=account>{options}</select>"
            "<button type=submit>Install</button></form>"
        )
        return _page(200, f"Install {request.match_info['slug']}", body)

    async def install(self, request: web.Request) -> web.StreamResponse:
        """Install on the chosen account (``installation.created`` is sent), then go to the
        app's setup URL as GitHub does."""
        form = await request.post()
        account = str(form.get("account", ""))
        if account.lower() not in self.core.world.orgs:
            raise NotFound()
        inst = actions_org.install(self.core, account, notify=True)
        registered = [r for r in self.core.world.registrations.values() if r.converted]
        setup_url = registered[-1].manifest.get("setup_url") if registered else None
        if not setup_url:
            return _page(200, "Installed", f"Installed on {escape(account)}.")
        query = urlencode({"installation_id": inst.id, "setup_action": "install"})
        raise web.HTTPFound(f"{setup_url}?{query}")


def _page(status: int, title: str, body: str) -> web.Response:
    text = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{body}</p>"
    return web.Response(status=status, text=text, content_type="text/html")
