"""A record of every request Warden made to the sandbox, and of contract violations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    """One request: what was asked, what was answered, with which credential."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    json: Any
    installation_id: int | None
    not_modified: bool
    operation: str | None
    #: Place among the requests and the webhooks, in the order they began (see ``Core.sequence``).
    seq: int = 0


@dataclass(frozen=True)
class Violation:
    """A request that breaks GitHub's REST contract (the test that caused it should fail)."""

    method: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.problem}"


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Request headers with the credential itself hidden."""
    out = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme = value.split(" ", 1)[0]
            value = f"{scheme} ***"
        out[name] = value
    return out


class Recorder:
    """The list of requests, with small query helpers for tests."""

    def __init__(self) -> None:
        self.requests: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        """Append one request."""
        self.requests.append(record)

    def select(
        self, method: str | None = None, path_prefix: str | None = None, status: int | None = None
    ) -> list[RequestRecord]:
        """The requests matching every given filter."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path_prefix is None or r.path.startswith(path_prefix))
            and (status is None or r.status == status)
        ]

    def count(
        self, method: str | None = None, path_prefix: str | None = None, status: int | None = None
    ) -> int:
        """How many requests match."""
        return len(self.select(method, path_prefix, status))

    def reset(self) -> None:
        """Forget the requests recorded so far."""
        self.requests.clear()
