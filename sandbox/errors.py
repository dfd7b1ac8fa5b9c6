"""The errors a sandbox handler raises to answer like GitHub does."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class GitHubError(Exception):
    """An error answer: an HTTP status plus GitHub's JSON error body."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """The JSON body GitHub sends with this error."""
        body: dict[str, Any] = {
            "message": self.message,
            "documentation_url": DOCS,
            "status": str(self.status),
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class NotFound(GitHubError):
    """404, GitHub's answer for anything missing or not visible to the caller."""

    def __init__(self, message: str = "Not Found") -> None:
        super().__init__(404, message)


class Gone(GitHubError):
    """410, e.g. an issue that was deleted."""

    def __init__(self, message: str = "This issue was deleted") -> None:
        super().__init__(410, message)


class Unprocessable(GitHubError):
    """422, a request GitHub understood but refuses."""

    def __init__(self, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(422, message, errors)


class Conflict(GitHubError):
    """409, e.g. a stale ``sha`` on a contents update."""

    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class Forbidden(GitHubError):
    """403, e.g. a write to a repository outside the installation."""

    def __init__(self, message: str = "Resource not accessible by integration") -> None:
        super().__init__(403, message)


class Unauthorized(GitHubError):
    """401, a missing, unknown or expired credential."""

    def __init__(self, message: str = "Bad credentials") -> None:
        super().__init__(401, message)
