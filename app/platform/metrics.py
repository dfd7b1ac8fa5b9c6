"""Prometheus metrics, one registry per app so tests and replicas never share counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: The events app.yml subscribes to, and ``installation`` (always sent to an app): the only
#: event label values, so a forged event name cannot grow the label set. Anything else is
#: counted as ``other``.
EVENTS = frozenset(
    {
        "installation",
        "issue_comment",
        "issues",
        "membership",
        "organization",
        "pull_request",
        "push",
        "repository_advisory",
        "team",
    }
)


def event_label(event: str) -> str:
    return event if event in EVENTS else "other"


class Metrics:
    """The figures SPEC section 4 promises on ``/metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "warden_deliveries_total",
            "Webhook deliveries by event and outcome.",
            ["event", "outcome"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "warden_queue_depth", "Deliveries waiting to be processed.", registry=self.registry
        )
        self.stuck = Gauge(
            "warden_deliveries_stuck",
            "Deliveries processing past their lease (their worker died or could not write).",
            registry=self.registry,
        )
        self.processing_seconds = Histogram(
            "warden_processing_seconds",
            "Time from claiming a delivery to finishing it.",
            ["event"],
            registry=self.registry,
        )
        self.github_requests = Counter(
            "warden_github_requests_total",
            "Requests sent to GitHub, by HTTP status (0 for no answer).",
            ["status"],
            registry=self.registry,
        )
        self.rate_limit_remaining = Gauge(
            "warden_github_rate_limit_remaining",
            "Primary rate limit left, per installation.",
            ["installation"],
            registry=self.registry,
        )
        self.jobs = Counter(
            "warden_jobs_total",
            "Scheduled job runs by job and outcome (ok, partial: some installations failed, "
            "error).",
            ["job", "outcome"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
