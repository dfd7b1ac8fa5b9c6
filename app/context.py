"""What a handler or a job gets besides the event: the store, the clock, the GitHub app."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.github.client import GitHubApp
from app.platform.clock import Clock
from app.platform.metrics import Metrics
from app.platform.settings import Settings
from app.store import Store

if TYPE_CHECKING:
    from app.feature import Wiring


@dataclass(frozen=True)
class Context:
    """Shared services, passed to handlers as ``ctx=`` and to jobs as their argument."""

    settings: Settings
    store: Store
    clock: Clock
    metrics: Metrics
    github: GitHubApp | None
    wiring: Wiring
    """The features this process runs: command handlers and config hooks are looked up here."""
    delivery_id: str | None = None

    def for_delivery(self, delivery_id: str) -> Context:
        return replace(self, delivery_id=delivery_id)
