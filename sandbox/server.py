"""``Sandbox``: the simulated GitHub, its lifecycle and what tests observe of it; the
scenario API (what people do) is in ``sandbox/scenario.py``."""

from __future__ import annotations

from aiohttp import web

from app.platform.clock import Clock
from sandbox.contract import load_contract
from sandbox.core import AppIdentity, Core
from sandbox.gateway import Gateway
from sandbox.limits import Faults
from sandbox.manifests import ManifestPages
from sandbox.recorder import RequestRecord, Violation
from sandbox.render import Urls
from sandbox.scenario import Scenario
from sandbox.state import World
from sandbox.webhooks import Delivery


class Sandbox(Scenario):
    """A stateful fake of api.github.com for one GitHub App, run in-process.

    ``await sb.start()`` binds 127.0.0.1 on a free port; use ``sb.url`` as GITHUB_API_URL,
    ``sb.app_id`` / ``sb.private_key_pem`` / ``sb.webhook_secret`` as the app's settings and
    set ``sb.webhook_url`` to where Warden listens.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        app_id: int = 4242,
        app_slug: str = "warden",
        identity: AppIdentity | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.core = Core(self.clock, identity or AppIdentity.generate(app_id, app_slug))
        self.gateway = Gateway(self.core, load_contract(), "http://127.0.0.1")
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.web_url = ""

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        """Serve on 127.0.0.1 (a free port unless ``port``) and start sending webhooks."""
        app = web.Application(client_max_size=30 * 1024 * 1024)
        ManifestPages(self.core).add_routes(app)  # github.com pages, before the REST catch-all
        app.router.add_route("*", "/{tail:.*}", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{bound}"
        self.gateway.base_url = self.url
        self.core.render.urls = Urls(api=self.url)
        self.web_url = self.url  # the github.com pages (the manifest flow) live here too
        await self.core.outbox.start()

    async def stop(self) -> None:
        """Stop serving and sending."""
        await self.core.outbox.stop()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- the app ---------------------------------------------------------------------------
    @property
    def app_id(self) -> int:
        """The app's id (``GITHUB_APP_ID``)."""
        return self.core.app.id

    @property
    def app_slug(self) -> str:
        """The app's slug; its bot user is ``<slug>[bot]``."""
        return self.core.app.slug

    @property
    def bot_login(self) -> str:
        """The app's bot account."""
        return self.core.app.bot_login

    @property
    def private_key_pem(self) -> str:
        """The app's RSA private key, PEM text."""
        return self.core.app.private_key_pem

    @property
    def webhook_secret(self) -> str:
        """The secret webhook deliveries are signed with."""
        return self.core.app.webhook_secret

    @property
    def webhook_url(self) -> str | None:
        """Where deliveries go; ``None`` makes them fail (Warden is "down")."""
        return self.core.outbox.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self.core.outbox.url = url

    # -- observation -----------------------------------------------------------------------
    @property
    def world(self) -> World:
        """The whole state (plain dataclasses) for assertions."""
        return self.core.world

    @property
    def faults(self) -> Faults:
        """Inject faults: ``add``, ``secondary_limit``, ``latency``, ``drop``, ``drop_after``."""
        return self.gateway.faults

    @property
    def violations(self) -> list[Violation]:
        """Requests that broke GitHub's REST contract."""
        return self.gateway.violations

    @property
    def payload_problems(self) -> list[str]:
        """Webhook payloads the sandbox built that break the webhook schemas (sandbox bugs)."""
        return self.core.payload_problems

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request Warden made."""
        return self.gateway.recorder.requests

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery (and redelivery) made."""
        return self.core.outbox.deliveries

    def count(
        self, method: str | None = None, path_prefix: str | None = None, status: int | None = None
    ) -> int:
        """How many recorded requests match the filters."""
        return self.gateway.recorder.count(method, path_prefix, status)

    def reset_recording(self) -> None:
        """Forget recorded requests and violations."""
        self.gateway.recorder.reset()
        self.gateway.violations.clear()

    def rate_limit_remaining(self, installation_id: int) -> int:
        """Primary rate limit left for an installation."""
        return self.gateway.limits.bucket(f"installation:{installation_id}").remaining

    def set_rate_limit_remaining(self, installation_id: int, remaining: int) -> None:
        """Use up the window so only ``remaining`` requests are left."""
        bucket = self.gateway.limits.bucket(f"installation:{installation_id}")
        bucket.used = bucket.limit - remaining
