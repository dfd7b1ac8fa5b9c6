"""Scheduled jobs' state: when each is due, when it last ran and how it ended, and when
each organisation's part of a job last ran."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.sql import SQL


@dataclass(frozen=True)
class JobState:
    """When a scheduled job last ran and when it is due again."""

    name: str
    next_due_at: float
    last_started_at: float | None
    last_finished_at: float | None
    last_error: str | None
    runs: int


class Jobs(SQL):
    """The jobs table, written once for both backends."""

    async def job_state(self, name: str) -> JobState | None:
        row = await self.fetchrow("SELECT * FROM jobs WHERE name = ?", name)
        if row is None:
            return None
        return JobState(
            name=row["name"],
            next_due_at=float(row["next_due_at"]),
            last_started_at=row["last_started_at"],
            last_finished_at=row["last_finished_at"],
            last_error=row["last_error"],
            runs=int(row["runs"]),
        )

    async def ensure_job(self, name: str, due_at: float) -> None:
        await self.execute(
            "INSERT INTO jobs (name, next_due_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            name,
            due_at,
        )

    async def record_job_run(
        self, name: str, started: float, finished: float, next_due: float, error: str | None
    ) -> None:
        await self.execute(
            "UPDATE jobs SET last_started_at = ?, last_finished_at = ?, next_due_at = ?, "
            "last_error = ?, runs = runs + 1 WHERE name = ?",
            started,
            finished,
            next_due,
            error,
            name,
        )

    async def org_ran_at(self, installation_id: int, job: str) -> float | None:
        """When ``job`` last ran for the installation's organisation (None: never)."""
        row = await self.fetchrow(
            "SELECT ran_at FROM org_job_runs WHERE installation_id = ? AND job = ?",
            installation_id,
            job,
        )
        return None if row is None else float(row["ran_at"])

    async def record_org_run(self, installation_id: int, job: str, at: float) -> None:
        await self.execute(
            "INSERT INTO org_job_runs (installation_id, job, ran_at) VALUES (?, ?, ?) "
            "ON CONFLICT (installation_id, job) DO UPDATE SET ran_at = excluded.ran_at",
            installation_id,
            job,
            at,
        )
