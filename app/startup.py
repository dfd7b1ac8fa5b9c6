"""What the process tells its operator: the start-up line and which database a command uses."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from app import __version__
from app.platform.errors import StoreError
from app.scheduler import Job
from app.store import Store

log = logging.getLogger("warden")


def describe_database(url: str) -> str:
    """The database as an operator can find it: SQLite as an absolute path, PostgreSQL
    without its password."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return "sqlite:///" + (path if path == ":memory:" else str(Path(path).resolve()))
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def require_existing_database(url: str) -> None:
    """Refuse, in one sentence, a SQLite file that does not exist: only ``serve`` creates it."""
    if not url.startswith("sqlite:///"):
        return
    path = url.removeprefix("sqlite:///")
    if path == ":memory:" or Path(path).is_file():
        return
    raise StoreError(
        f"there is no database at {Path(path).resolve()} (DATABASE_URL={url}, read from "
        f"{Path.cwd()}): run this where `warden serve` runs, or set DATABASE_URL to its database."
    )


@dataclass(frozen=True)
class StartupFacts:
    """What the server is doing, said once when it starts listening."""

    url: str
    setup_mode: bool
    database: str
    installations: tuple[str, ...]
    jobs: tuple[tuple[str, float], ...]  # name, next run (epoch seconds)
    setup_keyed: bool = False  # WARDEN_SETUP_KEY is set (its value is never shown)

    @property
    def mode(self) -> str:
        return "setup" if self.setup_mode else "serving"

    def line(self) -> str:
        if self.setup_mode:
            asks = " (it asks for WARDEN_SETUP_KEY)" if self.setup_keyed else ""
            mode = f"setup mode: no GitHub App yet, open {self.url}/setup to register one{asks}"
        else:
            mode = f"receiving webhooks at {self.url}/webhook"
        known = ", ".join(self.installations) if self.installations else "none yet"
        if self.jobs:
            jobs = ", ".join(f"{name} at {_hhmm(when)}" for name, when in self.jobs)
        else:
            jobs = "none (setup mode)"
        return (
            f"Warden {__version__} listening on {self.url} ({mode}); database {self.database}; "
            f"installations known: {known}; jobs: {jobs}"
        )

    def fields(self) -> dict[str, object]:
        """The same facts for JSON logs."""
        return {
            "url": self.url,
            "mode": self.mode,
            "database": self.database,
            "installations": list(self.installations),
            "jobs": {name: _iso(when) for name, when in self.jobs},
        }

    def announce(self) -> None:
        log.info(self.line(), extra={"facts": self.fields()})


async def gather_facts(
    store: Store,
    url: str,
    database_url: str,
    jobs: Sequence[Job],
    setup_mode: bool,
    now: float,
    setup_keyed: bool = False,
) -> StartupFacts:
    """Read what the start-up line says from the database."""
    rows = await store.fetch("SELECT org FROM org_configs ORDER BY org")
    orgs = tuple(dict.fromkeys(str(row["org"]) for row in rows))
    planned: list[tuple[str, float]] = []
    if not setup_mode:
        for job in jobs:
            state = await store.job_state(job.name)
            default = now if job.at_start else now + job.every
            planned.append((job.name, state.next_due_at if state else default))
    database = describe_database(database_url)
    return StartupFacts(url, setup_mode, database, orgs, tuple(planned), setup_keyed)


def _hhmm(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%H:%M UTC")


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")
