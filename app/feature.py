"""What a feature plugs into Warden: its router, commands, jobs and config-change hooks.

Each feature's ``entry.py`` declares one ``Feature``; ``app.wiring`` lists them all, and
``serve``, ``tick``, ``replay`` and ``demo`` build the app from that one list. Nothing
registers itself on import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from gidgethub import routing

from app.features.orgconfig.load import ConfigHook
from app.intake.commands import CommandHandler
from app.scheduler import Job


@dataclass(frozen=True)
class Feature:
    """One feature's entry points, as the wiring table names them."""

    name: str
    router: routing.Router | None = None
    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    jobs: Sequence[Job] = ()
    config_hooks: Sequence[ConfigHook] = ()


@dataclass(frozen=True)
class Wiring:
    """The features of one process, combined: one router, one command table, one job list."""

    features: tuple[Feature, ...]
    router: routing.Router = field(init=False)
    commands: Mapping[str, CommandHandler] = field(init=False)
    jobs: tuple[Job, ...] = field(init=False)
    config_hooks: tuple[ConfigHook, ...] = field(init=False)

    def __post_init__(self) -> None:
        routers = [f.router for f in self.features if f.router is not None]
        object.__setattr__(self, "router", routing.Router(*routers))
        object.__setattr__(self, "commands", _unique("command", self._pairs()))
        jobs = [job for f in self.features for job in f.jobs]
        _unique("job", ((job.name, job) for job in jobs))
        object.__setattr__(self, "jobs", tuple(jobs))
        hooks = tuple(hook for f in self.features for hook in f.config_hooks)
        object.__setattr__(self, "config_hooks", hooks)

    def _pairs(self) -> Iterable[tuple[str, CommandHandler]]:
        for feature in self.features:
            yield from feature.commands.items()

    @classmethod
    def of(cls, *features: Feature) -> Wiring:
        return cls(tuple(features))

    def job_names(self) -> list[str]:
        return [job.name for job in self.jobs]


T = TypeVar("T")


def _unique(kind: str, pairs: Iterable[tuple[str, T]]) -> dict[str, T]:
    table: dict[str, T] = {}
    for name, value in pairs:
        if name in table:
            raise ValueError(f"{kind} {name!r} is wired twice")
        table[name] = value
    return table
