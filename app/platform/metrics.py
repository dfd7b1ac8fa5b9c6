"""Prometheus metrics, one registry per app so tests and replicas never share counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: The events app.yml subscribes to, and those GitHub always sends to an app: the only
#: event label values, so a forged event name cannot grow the label set. Anything else is
#: counted as ``other``.
EVENTS = frozenset(
    {
        "installation",
        "installation_repositories",
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
        self._add_intake()

    def _add_intake(self) -> None:
        self.intake_commit_seconds = Histogram(
            "warden_intake_commit_seconds",
            "Time to make one group of webhook deliveries durable (one commit, fsynced on "
            "SQLite) before their 202s: a slow disk or database shows here first.",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.intake_group_deliveries = Histogram(
            "warden_intake_group_deliveries",
            "Webhook deliveries made durable together, in one commit.",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=self.registry,
        )

    def observe_intake(self, size: int, seconds: float) -> None:
        """One group commit of intake (``Store.intake_observer``)."""
        self.intake_commit_seconds.observe(seconds)
        self.intake_group_deliveries.observe(size)

    def render(self) -> bytes:
        return generate_latest(self.registry)
