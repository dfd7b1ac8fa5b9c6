"""The sandbox's shared services: state, clock, app identity, rendering and webhook emission."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.platform.clock import Clock
from sandbox.payloads import build_payload
from sandbox.render import Urls
from sandbox.render_repo import RepoRenderer
from sandbox.schema_util import load_webhook_schemas
from sandbox.state import Repo, User, World
from sandbox.webhooks import Delivery, Outbox


@dataclass(frozen=True)
class AppIdentity:
    """The GitHub App the sandbox hosts: its id, slug, key pair and webhook secret."""

    id: int
    slug: str
    private_key_pem: str
    public_key_pem: str
    webhook_secret: str

    @property
    def bot_login(self) -> str:
        """The app's bot account, the author of everything Warden does."""
        return f"{self.slug}[bot]"

    @classmethod
    def generate(cls, app_id: int, slug: str) -> AppIdentity:
        """A new identity with a fresh 2048-bit RSA key and a random secret."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        return cls(app_id, slug, private, public, secrets.token_hex(20))


class Core:
    """What routes and the scenario API share. Every change that GitHub announces goes
    through :meth:`emit`, which builds, validates and queues the webhook."""

    def __init__(self, clock: Clock, app: AppIdentity) -> None:
        self.clock = clock
        self.app = app
        self.world = World()
        self.render = RepoRenderer(self.world, Urls(api="http://127.0.0.1"))
        #: One count for the requests Warden makes and the webhooks GitHub sends, so a
        #: timeline can put them in the order they happened.
        self.sequence = itertools.count(1)
        self.outbox = Outbox(clock, app.id, app.webhook_secret, self.sequence)
        self.payload_problems: list[str] = []
        bot = User(self.world.new_id(), app.bot_login, "Bot", None, clock.now())
        self.world.users[bot.login.lower()] = bot

    def now(self) -> datetime:
        """The clock's time, to the second as GitHub reports it."""
        return self.clock.now().replace(microsecond=0)

    def emit(
        self,
        event: str,
        action: str | None,
        *,
        sender: str,
        repo: Repo | None = None,
        account: str | None = None,
        **parts: Any,
    ) -> Delivery | None:
        """Send the webhook GitHub sends for a change, if the app is installed there."""
        owner = repo.owner if repo else account
        installation = self.world.installation_for(owner) if owner else None
        if installation is None or (repo is not None and repo.fork_of_advisory):
            return None
        payload = build_payload(
            self.render,
            event,
            action,
            sender=sender,
            repo=repo,
            account=owner,
            installation_id=installation.id,
            parts=parts,
        )
        self.check_payload(event, action, payload)
        return self.outbox.send(event, action, payload, installation.id, repo.id if repo else None)

    def check_payload(self, event: str, action: str | None, payload: dict[str, Any]) -> None:
        """Record (as a sandbox bug) any way a payload breaks the official webhook schema."""
        for error in load_webhook_schemas().errors(event, action, payload):
            self.payload_problems.append(f"{event}.{action}: {error}")
