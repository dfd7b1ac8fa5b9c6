"""What is wrong with a warden.yml: one ConfigIssue per problem, all raised together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.platform.errors import WardenError


@dataclass(frozen=True, order=True)
class ConfigIssue:
    """One problem: the key path (`votes.nomination.threshold`), its line, and what to do."""

    path: str
    line: int | None
    message: str

    def describe(self, filename: str = "warden.yml") -> str:
        """One line, like a compiler: `warden.yml:12: votes.nomination.threshold: ...`."""
        where = filename if self.line is None else f"{filename}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(WardenError):
    """The file cannot be applied; `issues` lists every problem found, in file order."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues = sort_issues(issues)
        super().__init__("\n".join(issue.describe() for issue in self.issues))


def sort_issues(issues: Iterable[ConfigIssue]) -> list[ConfigIssue]:
    """File order: issues with a line first, by line, then the rest by key path."""
    unique = set(issues)
    return sorted(unique, key=lambda i: (i.line is None, i.line or 0, i.path, i.message))


def join_path(prefix: str, key: str) -> str:
    """`votes` + `nomination` -> `votes.nomination`."""
    return f"{prefix}.{key}" if prefix else key


def line_of(lines: Mapping[str, int], path: str) -> int | None:
    """The line of `path` in the file, or of the nearest enclosing key the file writes."""
    while path:
        if path in lines:
            return lines[path]
        path = path.rpartition("[")[0] if path.endswith("]") else path.rpartition(".")[0]
    return None
