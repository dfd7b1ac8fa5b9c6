"""Credits from the private fork's pull requests: authors and approving reviewers (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.features.advisories.model import Credit, is_bot


@dataclass(frozen=True)
class Pull:
    """A pull request in the private fork: who wrote it, who reviewed it and how."""

    number: int
    author: str
    author_is_bot: bool
    merged: bool
    merge_commit: str | None
    reviews: tuple[tuple[str, str, bool], ...] = ()  # (login, state, is_bot), oldest first

    def approvers(self) -> list[str]:
        """Reviewers whose latest verdict is an approval (comments are not verdicts);
        never the author, never a bot, in the order they first reviewed."""
        latest: dict[str, str] = {}
        order: dict[str, str] = {}
        for login, state, bot in self.reviews:
            if bot or login.lower() == self.author.lower() or state == "COMMENTED":
                continue
            order.setdefault(login.lower(), login)
            latest[login.lower()] = state
        return [order[k] for k in order if latest[k] == "APPROVED"]


def parse_pull(data: Mapping[str, Any], reviews: Iterable[Mapping[str, Any]]) -> Pull:
    """A ``Pull`` from the REST answers for a pull request and its reviews."""
    user = data.get("user") or {}
    return Pull(
        number=int(data["number"]),
        author=str(user.get("login") or ""),
        author_is_bot=user.get("type") == "Bot" or is_bot(str(user.get("login") or "")),
        merged=bool(data.get("merged_at")),
        merge_commit=data.get("merge_commit_sha") if data.get("merged_at") else None,
        reviews=tuple(
            (
                str((r.get("user") or {}).get("login") or ""),
                str(r.get("state") or ""),
                (r.get("user") or {}).get("type") == "Bot",
            )
            for r in reviews
            if r.get("user")
        ),
    )


def remediation_credits(pulls: Sequence[Pull]) -> tuple[Credit, ...]:
    """``remediation_developer`` for each author, then ``remediation_reviewer`` for each
    approving reviewer, bots left out; merge them with ``merged_credits`` so that nobody
    already credited is retyped (an author who also reviewed stays a developer)."""
    developers = [(p.author, "remediation_developer") for p in pulls if not p.author_is_bot]
    reviewers = [(login, "remediation_reviewer") for p in pulls for login in p.approvers()]
    return tuple((who, kind) for who, kind in [*developers, *reviewers] if who and not is_bot(who))
