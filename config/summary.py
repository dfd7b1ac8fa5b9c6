"""Say what a config does in a few Markdown lines, and what changing it would change."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import timedelta
from fractions import Fraction
from typing import Any, get_args, get_origin

from config.model import (
    ALL_REPOS,
    FILE_PATTERN,
    REPO_PATTERN,
    TEAM_PATTERN,
    Text,
    VoteRule,
    WardenConfig,
)
from config.units import duration_words, format_duration, format_fraction
from config.validate import options, setting_hints, unwrap

GROUPS = ("Teams", "Repositories", "Rules")


def summarise(config: WardenConfig) -> str:
    """Short Markdown: who the team and admins are, where things live, how votes are decided."""
    lines = [
        "**Warden configuration**",
        "",
        f"- Team: `{config.team}`",
        f"- Governance repository: `{config.governance_repo}`",
        f"- Admins: {_admins(config)}",
        f"- Public list: {_roster(config)}",
        "- Votes:",
        f"  - nomination: {vote_words(config, config.votes.nomination)}",
        f"  - removal: {vote_words(config, config.votes.removal)}",
        f"- Inactivity: {_inactivity(config)}",
        f"- Advisories: {_advisories(config)}",
    ]
    if config.notes:
        notes = ", ".join(f"`{team}`: {note}" for team, note in config.notes.items())
        lines.insert(5, f"- Notes on the public list: {notes}")
    return "\n".join(lines) + "\n"


def _admins(config: WardenConfig) -> str:
    if config.admins_are_maintainers:
        return f"the maintainers of `{config.team}`"
    return f"the members of `{config.admins}`"


def _roster(config: WardenConfig) -> str:
    roster = config.roster
    if roster.repo is None:
        return "not kept (set `roster.repo` to keep one)"
    via = "pull request" if roster.via == "pull_request" else "commit"
    enforce = "; members added without a vote are removed" if roster.enforce else ""
    return (
        f"`{roster.path}` in `{roster.repo}` ({roster.format}, by {via}; emeritus list "
        f"`{roster.emeritus_path}`){enforce}"
    )


def vote_words(config: WardenConfig, rule: VoteRule) -> str:
    """`2/3 of votes cast, 7 days, veto by steering-council within 7 days`."""
    share = f"{'more than ' if rule.strict else ''}{format_fraction(rule.threshold)}"
    base = "votes cast" if rule.denominator == "cast" else "eligible voters"
    parts = [f"{share} of {base}", duration_words(rule.duration)]
    if rule.quorum:
        parts.append(f"at least {rule.quorum} vote{'s' if rule.quorum > 1 else ''} cast")
    if rule.voters != "team":
        parts.append(f"voters: {rule.voters}")
    if rule.veto.team is not None:
        parts.append(f"veto by {rule.veto.team} within {_words(rule.veto.window)}")
    if rule.min_open is not None and rule.min_open < rule.duration:
        early = f" after {duration_words(rule.min_open)}" if rule.min_open else ""
        parts.append(f"closes early once decided{early}")
    return ", ".join(parts)


def _words(value: timedelta) -> str:
    return duration_words(value) if value else "0 seconds"


def _inactivity(config: WardenConfig) -> str:
    rule = config.inactivity
    parts = [f"after {duration_words(rule.period)} without activity"]
    if rule.action == "remove":
        parts.append(f"warned, then removed after {_words(rule.grace)} without a reply")
    parts.append("no report" if rule.report == "never" else f"{rule.report} report ({rule.day})")
    if tuple(rule.count) != ("advisories",):
        parts.append(f"counting {', '.join(rule.count)}")
    if rule.exempt_teams:
        parts.append(f"exempt: {', '.join(rule.exempt_teams)}")
    return "; ".join(parts)


def _advisories(config: WardenConfig) -> str:
    rules = config.advisories
    repos = "all repositories" if rules.repos == ALL_REPOS else ", ".join(rules.repos)
    coordinator = f"coordinator assigned after {_words(rules.coordinator.assign_after)}"
    if rules.coordinator.exclude_teams:
        coordinator += f" (never from {', '.join(rules.coordinator.exclude_teams)})"
    reminders = rules.reminders
    parts = [
        repos,
        f"`{config.collaborating_team}` added to each advisory",
        "tracking issues" if rules.tracking_issues else "no tracking issues",
        coordinator,
        f"deadline {duration_words(rules.deadline)} (reminders "
        f"{format_duration(reminders.warn_before)} and {format_duration(reminders.urgent_before)} "
        "before)",
        f"{len(rules.experts)} expert rule{'' if len(rules.experts) == 1 else 's'}"
        + (" and CODEOWNERS" if rules.codeowners else ""),
        "CVEs from GitHub" if rules.cve == "github" else "no CVE requests",
    ]
    return "; ".join(parts)


def diff_summary(old: WardenConfig | None, new: WardenConfig) -> str:
    """Markdown listing what applying `new` instead of `old` would change, grouped by kind."""
    if old is None:
        return "Warden has no valid configuration yet; this one would be applied.\n\n" + summarise(
            new
        )
    before, after = dict(_settings(old)), dict(_settings(new))
    changes: dict[str, list[str]] = {group: [] for group in GROUPS}
    for path in sorted(before.keys() | after.keys(), key=_order(before, after)):
        was, now = before.get(path, ("", "(not set)")), after.get(path, ("", "(not set)"))
        if was[1] != now[1]:
            changes[now[0] or was[0]].append(f"- `{path}`: {was[1]} → {now[1]}")
    if not any(changes.values()):
        return "Nothing would change: the settings are the same as the ones in use.\n"
    out = ["**What would change**"]
    for group, items in changes.items():
        if items:
            out += ["", f"{group}:", *items]
    return "\n".join(out) + "\n"


def _order(before: Mapping[str, object], after: Mapping[str, object]) -> Any:
    """File order: keys of `after` in declaration order, then keys only `before` has."""
    ranks: dict[str, int] = {}
    for path in [*after, *before]:
        ranks.setdefault(path, len(ranks))
    return ranks.__getitem__


def _settings(config: object, path: str = "") -> Iterator[tuple[str, tuple[str, str]]]:
    """(key path, (group, value as written)) for every leaf setting of a section."""
    for name, hint in setting_hints(type(config)).items():
        value = getattr(config, name)
        key = f"{path}.{name}" if path else name
        if dataclasses.is_dataclass(value):
            yield from _settings(value, key)
        elif isinstance(value, Mapping):
            for item_key, item in value.items():
                yield f"{key}.{item_key}", (_group(hint), written(item))
        else:
            yield key, (_group(hint), written(value))


def written(value: object) -> str:
    """A setting as it would be written in the file: `7d`, `2/3`, `[a, b]`, `true`."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(written(item) for item in value) + "]"
    return str(value)


def _group(hint: Any) -> str:
    """Teams for keys naming teams, Repositories for repositories and paths in them, else Rules."""
    patterns = {_text_pattern(member) for member in _members(hint)}
    if TEAM_PATTERN in patterns:
        return "Teams"
    if patterns & {REPO_PATTERN, FILE_PATTERN}:
        return "Repositories"
    return "Rules"


def _members(hint: Any) -> Iterator[Any]:
    """The hints of the single values a key holds: `TeamSlug` for `tuple[TeamSlug, ...]`."""
    for member in options(unwrap(hint)[0]) or (hint,):
        inner = unwrap(member)[0]
        container = get_origin(inner) in (tuple, Mapping)
        yield get_args(inner)[0] if container else member


def _text_pattern(hint: Any) -> str | None:
    return next((e.pattern for e in unwrap(hint)[1] if isinstance(e, Text)), None)
