"""What an advisory should look like: title tags, collaborators, credits (pure, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.features.advisories.cvss import vector_of

OPEN_STATES = ("triage", "draft")
CREDIT_TYPES = (
    "analyst",
    "finder",
    "reporter",
    "coordinator",
    "remediation_developer",
    "remediation_reviewer",
    "remediation_verifier",
    "tool",
    "sponsor",
    "other",
)
ACCEPT_TAGS = ("ACCEPT", "ACCEPTED")
CLOSE_TAGS = ("CLOSE", "CLOSED", "COMPLETE", "COMPLETED", "NOTPLANNED", "INVALID", "DUPLICATE")
_TAG = re.compile(r"\[([A-Za-z]+)\]")

Credit = tuple[str, str]


@dataclass(frozen=True)
class Advisory:
    """The parts of a repository security advisory Warden reasons about."""

    ghsa_id: str
    repo: str
    summary: str
    severity: str | None
    state: str
    html_url: str
    reporter: str | None
    reporter_is_bot: bool
    created_at: float
    credits: tuple[Credit, ...]
    users: tuple[str, ...]
    teams: tuple[str, ...]
    private_fork: str | None
    cve_id: str | None
    cvss_v4: str | None = None  # the CVSS v4 vector, as written (valid or not)
    affected: tuple[str, ...] = ()  # "package: vulnerable range (patched: versions)"

    def credited(self, login: str) -> str | None:
        """The credit type ``login`` already has, if any."""
        return next((kind for who, kind in self.credits if who.lower() == login.lower()), None)

    def coordinators(self) -> list[str]:
        """Logins credited as ``coordinator``, in the advisory's order."""
        return [who for who, kind in self.credits if kind == "coordinator"]


def parse_advisory(data: Mapping[str, Any], repo: str) -> Advisory:
    """An ``Advisory`` from a REST answer or a ``repository_advisory`` payload."""
    # `submission` is null when maintainers drafted the advisory themselves: no reporter then.
    reported = "submission" not in data or data["submission"] is not None
    author = (data.get("author") or {}) if reported else {}
    fork = data.get("private_fork") or {}
    return Advisory(
        ghsa_id=str(data["ghsa_id"]),
        repo=repo,
        summary=str(data.get("summary") or ""),
        severity=data.get("severity"),
        state=str(data["state"]),
        html_url=str(data.get("html_url") or ""),
        reporter=author.get("login"),
        reporter_is_bot=author.get("type") == "Bot",
        created_at=_timestamp(str(data["created_at"])),
        credits=tuple((str(c["login"]), str(c["type"])) for c in data.get("credits") or ()),
        users=tuple(str(u["login"]) for u in data.get("collaborating_users") or ()),
        teams=tuple(str(t["slug"]) for t in data.get("collaborating_teams") or ()),
        private_fork=fork.get("full_name"),
        cve_id=data.get("cve_id"),
        cvss_v4=vector_of(data),
        affected=tuple(_affected(v) for v in data.get("vulnerabilities") or ()),
    )


def _affected(vulnerability: Mapping[str, Any]) -> str:
    package = (vulnerability.get("package") or {}).get("name") or "(no package)"
    text = f"{package} {vulnerability.get('vulnerable_version_range') or '(versions not given)'}"
    patched = vulnerability.get("patched_versions")
    return f"{text} (patched: {patched})" if patched else text


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def title_target(summary: str, state: str) -> str | None:
    """The state a title tag asks for (as psrt-ghsa-bot reads them), if it is a change."""
    tags = {tag.upper() for tag in _TAG.findall(summary)}
    if state in OPEN_STATES and tags & set(CLOSE_TAGS):
        return "closed"
    if state == "triage" and tags & set(ACCEPT_TAGS):
        return "draft"
    return None


def without_tags(summary: str) -> str:
    """The summary as the public sees it: Warden's title tags (``[ACCEPT]`` ...) taken out."""
    known = {*ACCEPT_TAGS, *CLOSE_TAGS}
    kept = _TAG.sub(lambda m: "" if m.group(1).upper() in known else m.group(0), summary)
    return " ".join(kept.split())


def is_bot(login: str) -> bool:
    """GitHub Apps act as ``name[bot]``: they are never credited."""
    return login.lower().endswith("[bot]")


def merged_credits(existing: Sequence[Credit], additions: Iterable[Credit]) -> tuple[Credit, ...]:
    """``existing`` plus additions for people not credited yet; nothing removed or retyped."""
    result = list(existing)
    seen = {who.lower() for who, _ in existing}
    for who, kind in additions:
        if who.lower() not in seen and not is_bot(who):
            result.append((who, kind))
            seen.add(who.lower())
    return tuple(result)


def merged(existing: Sequence[str], additions: Iterable[str]) -> tuple[str, ...]:
    """``existing`` plus the additions not in it yet (case-insensitive), order kept."""
    result = list(existing)
    seen = {name.lower() for name in existing}
    for name in additions:
        if name.lower() not in seen:
            result.append(name)
            seen.add(name.lower())
    return tuple(result)


@dataclass(frozen=True)
class Wanted:
    """Additions wanted on an advisory (merged into what it has; nothing is taken away)."""

    teams: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()
    state: str | None = None


def triage_wanted(adv: Advisory, team: str) -> Wanted:
    """What every open advisory should have: the team, the reporter's credit, its tag state."""
    credits: tuple[Credit, ...] = ()
    if adv.reporter and not adv.reporter_is_bot:
        credits = ((adv.reporter, "reporter"),)
    return Wanted(teams=(team,), credits=credits, state=title_target(adv.summary, adv.state))


def patch_for(adv: Advisory, wanted: Wanted) -> dict[str, Any]:
    """The PATCH body that brings ``adv`` to ``wanted``; empty when nothing is missing.

    Lists are sent whole because GitHub replaces them: existing entries are kept.
    """
    body: dict[str, Any] = {}
    teams = merged(adv.teams, wanted.teams)
    if teams != adv.teams:
        body["collaborating_teams"] = list(teams)
    users = merged(adv.users, wanted.users)
    if users != adv.users:
        body["collaborating_users"] = list(users)
    credits = merged_credits(adv.credits, wanted.credits)
    if credits != adv.credits:
        body["credits"] = [{"login": who, "type": kind} for who, kind in credits]
    if wanted.state and wanted.state != adv.state:
        body["state"] = wanted.state
    return body


def combine(*parts: Wanted) -> Wanted:
    """Several wants as one (the last state asked for wins)."""
    state = next((p.state for p in reversed(parts) if p.state), None)
    return Wanted(
        teams=tuple(t for p in parts for t in p.teams),
        users=tuple(u for p in parts for u in p.users),
        credits=tuple(c for p in parts for c in p.credits),
        state=state,
    )
