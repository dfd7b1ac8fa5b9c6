"""What a handler or a job gets besides the event: the store, the clock, the GitHub app."""

from __future__ import annotations

from dataclasses import dataclass

from app.clock import Clock
from app.github import GitHubApp
from app.metrics import Metrics
from app.settings import Settings
from app.store import Store


@dataclass(frozen=True)
class Context:
    """Shared services, passed to handlers as ``ctx=`` and to jobs as their argument."""

    settings: Settings
    store: Store
    clock: Clock
    metrics: Metrics
    github: GitHubApp | None
    delivery_id: str | None = None

    def for_delivery(self, delivery_id: str) -> Context:
        return Context(
            self.settings, self.store, self.clock, self.metrics, self.github, delivery_id
        )
