"""The small exception hierarchy: each user-facing failure says what happened and what to do."""

from __future__ import annotations


class WardenError(Exception):
    """Base class for errors Warden reports to a person."""


class SettingsError(WardenError):
    """The process environment is not usable; the message says which variable to fix."""


class StoreError(WardenError):
    """The database cannot be used; the message says why."""


class TransientError(WardenError):
    """A failure worth retrying later (GitHub 5xx, a rate limit, a timeout)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
