"""CODEOWNERS parsing and matching with GitHub's rules, and expert lookup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_USER = re.compile(r"@[A-Za-z0-9][\w.-]*")
_TEAM = re.compile(r"@[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NOTHING = re.compile(r"(?!)")


@dataclass(frozen=True)
class Rule:
    """One CODEOWNERS line: a pattern and its owners (none un-assigns)."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str] = field(compare=False, repr=False)

    def matches(self, path: str) -> bool:
        """Whether ``path`` (relative to the repository root) matches."""
        return self.regex.fullmatch(path.lstrip("/")) is not None


@dataclass(frozen=True)
class LineError:
    """A line GitHub would flag and skip."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class CodeOwners:
    """A parsed CODEOWNERS file; the last matching rule wins."""

    rules: tuple[Rule, ...] = ()
    errors: tuple[LineError, ...] = ()

    def rule_for(self, path: str) -> Rule | None:
        """The rule that decides ``path``'s owners, if any matches."""
        return next((rule for rule in reversed(self.rules) if rule.matches(path)), None)

    def owners_of(self, path: str) -> tuple[str, ...]:
        """The owners of ``path`` as written (``@user``, ``@org/team``, emails)."""
        rule = self.rule_for(path)
        return rule.owners if rule else ()


def _segment_regex(segment: str) -> str:
    """One path segment: ``*`` and ``?`` stay inside it, ``\\x`` is a literal x."""
    out, chars = [], iter(segment)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _segments(pattern: str) -> list[str]:
    """The pattern's segments, with anchoring and a trailing slash made explicit.

    A pattern with no slash but a trailing one matches at any depth (a
    leading ``**``); a trailing slash means "everything below" (``/**``).
    """
    segments = pattern.split("/")
    if segments[0] == "":
        segments = segments[1:]
    elif segments[0] != "**" and (len(segments) == 1 or segments[1:] == [""]):
        segments = ["**", *segments]
    if len(segments) > 1 and segments[-1] == "":
        segments[-1] = "**"
    # "**/**" is the same as "**".
    return [s for i, s in enumerate(segments) if not (s == "**" and segments[i - 1 : i] == ["**"])]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A regex for a CODEOWNERS (gitignore-style) pattern, for ``fullmatch``.

    A plain last segment also matches everything below it (``docs`` owns
    ``docs/a.md``); a lone ``*`` as the last segment does not (``docs/*``
    owns ``docs/a.md`` but not ``docs/sub/b.md``), as GitHub documents.
    """
    if not pattern or "***" in pattern:
        raise ValueError(f"invalid pattern {pattern!r}: empty or with three asterisks")
    if pattern == "/":
        return _NOTHING
    segments = _segments(pattern)
    last = len(segments) - 1
    regex, need_slash = "", False
    for i, segment in enumerate(segments):
        slash = "/" if need_slash else ""
        if segment == "**" and i == 0:
            regex += ".+" if i == last else "(?:.+/)?"
            need_slash = False
            continue
        if segment == "**":
            regex += "/.*" if i == last else "(?:/.+)?"
        elif segment == "*":
            regex += slash + "[^/]+"
        else:
            regex += slash + _segment_regex(segment) + ("(?:/.*)?" if i == last else "")
        need_slash = True
    return re.compile(regex, re.DOTALL)


def pattern_matches(pattern: str, path: str) -> bool:
    """Whether a single CODEOWNERS pattern matches ``path``."""
    return compile_pattern(pattern).fullmatch(path.lstrip("/")) is not None


def _tokens(line: str) -> list[str]:
    """Whitespace-separated tokens; ``\\ `` keeps a space inside the pattern."""
    tokens, current, escaped = [], "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char.isspace():
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    return [*tokens, current] if current else tokens


def _problem(pattern: str, owners: Sequence[str]) -> str | None:
    """Why GitHub would reject a line, or None if it is valid."""
    if pattern.startswith("!"):
        return "negation with ! is not supported in CODEOWNERS"
    if re.search(r"(?<!\\)[\[\]]", pattern):
        return "character ranges with [ ] are not supported in CODEOWNERS"
    if "***" in pattern:
        return "three consecutive asterisks are not a valid pattern"
    bad = [o for o in owners if not any(r.fullmatch(o) for r in (_USER, _TEAM, _EMAIL))]
    if bad:
        return f"{bad[0]!r} is not an @user, @org/team or email owner"
    return None


def parse_codeowners(text: str) -> CodeOwners:
    """Parse a CODEOWNERS file; invalid lines are skipped and reported.

    ``#`` starts a comment at the start of a line or as a token of its own
    after the pattern. A pattern starting ``\\#`` matches a literal ``#``
    (GitHub's docs say this escape does not work there; we accept it).
    """
    rules: list[Rule] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, *rest = _tokens(line)
        comment = next((i for i, token in enumerate(rest) if token.startswith("#")), len(rest))
        owners = tuple(rest[:comment])
        problem = _problem(pattern, owners)
        if problem:
            errors.append(LineError(number, raw, problem))
            continue
        rules.append(Rule(pattern, owners, number, compile_pattern(pattern)))
    return CodeOwners(tuple(rules), tuple(errors))


def _normalise(owner: str) -> str | None:
    """``@user`` -> ``user``, ``@org/team`` -> ``org/team``; emails -> None."""
    if owner.startswith("@"):
        return owner[1:]
    return None if "@" in owner else owner


def experts_for(
    paths: Iterable[str],
    codeowners: CodeOwners | None,
    experts: Mapping[str, Sequence[str]],
) -> frozenset[str]:
    """Everyone who owns one of ``paths``: CODEOWNERS owners plus ``experts``.

    ``experts`` maps a CODEOWNERS-style glob to logins; unlike CODEOWNERS,
    every matching glob counts, not only the last. Owners come back without
    ``@`` (users as ``login``, teams as ``org/team``); emails are dropped, and
    duplicates differing only in case are kept once.
    """
    globs = [(compile_pattern(glob), owners) for glob, owners in experts.items()]
    found: dict[str, str] = {}
    for path in paths:
        owners = list(codeowners.owners_of(path)) if codeowners else []
        relative = path.lstrip("/")
        for regex, names in globs:
            owners += names if regex.fullmatch(relative) else []
        for owner in owners:
            name = _normalise(owner)
            if name:
                found.setdefault(name.casefold(), name)
    return frozenset(found.values())


def split_owners(owners: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(user logins, ``org/team`` slugs) from normalised owners."""
    owners = list(owners)
    users = frozenset(owner for owner in owners if "/" not in owner)
    return users, frozenset(owner for owner in owners if "/" in owner)
