"""The typed shape of .github/warden.yml: frozen dataclasses that the loader and the schema read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Annotated, Literal, TypeVar


@dataclass(frozen=True)
class Text:
    """A constraint on a string value: a regular expression and words for the error message."""

    pattern: str
    what: str
    example: str


@dataclass(frozen=True)
class Span:
    """The smallest duration a key accepts (the default is one second, so zero is refused)."""

    minimum: timedelta


TEAM_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
REPO_PATTERN = r"^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$"
LOGIN_PATTERN = r"^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
ORG_TEAM_PATTERN = r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}/[a-z0-9][a-z0-9._-]{0,99}$"
FULL_REPO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$"
CNA_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"

TeamSlug = Annotated[
    str, Text(TEAM_PATTERN, "a team slug (the last part of the team's URL)", "psrt")
]
RepoName = Annotated[str, Text(REPO_PATTERN, "a repository name", "psrt-governance")]
FILE_PATTERN = r"^[^/\s].*$"

FilePath = Annotated[str, Text(FILE_PATTERN, "a path inside the repository", "security/psrt.csv")]
Expert = Annotated[
    str, Text(f"{LOGIN_PATTERN}|{ORG_TEAM_PATTERN}", "a login or @org/team", "alice")
]
FullRepo = Annotated[
    str, Text(FULL_REPO_PATTERN, "a repository as owner/name", "acme/distro-security")
]
CnaName = Annotated[str, Text(CNA_PATTERN, "a CNA short name (CVE Services)", "PSF")]
Line = Annotated[str, Text(r"^\S.*$", "a line of text", "Read the security policy")]
Glob = Annotated[str, Text(r"^\S+$", "a file glob", "Lib/ssl.py")]
MayBeZero = Annotated[timedelta, Span(timedelta(0))]
Cadence = Annotated[timedelta, Span(timedelta(minutes=1))]

TEAM_KEYWORD = "team"
"""`voters: team` means the canonical member team."""
MAINTAINERS_KEYWORD = "maintainers"
"""`admins: maintainers` means the maintainers of the canonical team."""
ALL_REPOS = "all"


K = TypeVar("K")
V = TypeVar("V")


def frozen_map(items: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only view, so a frozen config cannot be changed through its mappings."""
    return MappingProxyType(dict(items))


@dataclass(frozen=True)
class RosterConfig:
    """Where the public member list (and the emeritus list) live and how they are updated."""

    repo: RepoName | None
    path: FilePath
    emeritus_path: FilePath
    via: Literal["pull_request", "commit"]
    format: Literal["csv", "markdown"]
    enforce: bool
    emeritus_note: str = ""
    """Added to a leaver's own notes on the emeritus list; ``{date}`` is the day they left."""


@dataclass(frozen=True)
class VetoRule:
    """Who may veto a passed vote, and for how long after it closes."""

    team: TeamSlug | None
    window: MayBeZero


@dataclass(frozen=True)
class VoteRule:
    """How one kind of vote is run and decided."""

    duration: timedelta
    threshold: Fraction
    denominator: Literal["cast", "eligible"]
    quorum: int
    strict: bool
    voters: TeamSlug
    veto: VetoRule
    min_open: MayBeZero | None = None
    """The earliest a decided vote may close; None: not before its deadline."""


@dataclass(frozen=True)
class VoteRules:
    """The rules for admitting and for removing a member."""

    nomination: VoteRule
    removal: VoteRule


MonthDay = Annotated[
    str, Text(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "a month and day, MM-DD", "01-15")
]
ActivityKind = Literal["advisories", "nominations", "votes"]


@dataclass(frozen=True)
class InactivityConfig:
    """Who counts as inactive, and what happens to them."""

    period: timedelta
    report: Literal["yearly", "quarterly", "never"]
    grace: MayBeZero
    exempt_teams: tuple[TeamSlug, ...]
    action: Literal["report", "remove"]
    count: tuple[ActivityKind, ...] = ("advisories",)
    day: MonthDay = "01-15"


@dataclass(frozen=True)
class CoordinatorConfig:
    """When a coordinator is assigned automatically, and who never is."""

    assign_after: MayBeZero
    exclude_teams: tuple[TeamSlug, ...]


@dataclass(frozen=True)
class ReminderConfig:
    """Deadline reminders posted in an advisory's tracking issue."""

    warn_before: timedelta
    urgent_before: timedelta
    min_interval: timedelta


@dataclass(frozen=True)
class CnaConfig:
    """The organisation's own CVE Numbering Authority (with `cve: cna`)."""

    short_name: CnaName | None
    repos: Literal["all"] | tuple[RepoName, ...]


@dataclass(frozen=True)
class OsvTarget:
    """Where published advisories' OSV records go (a pull request into that repository)."""

    repo: RepoName
    path: FilePath


@dataclass(frozen=True)
class PublishConfig:
    """What Warden does when an advisory is published."""

    osv: OsvTarget | None
    downstream: tuple[FullRepo, ...]


@dataclass(frozen=True)
class AdvisoryConfig:
    """How vulnerability reports (repository security advisories) are handled."""

    repos: Literal["all"] | tuple[RepoName, ...]
    collaborating_team: TeamSlug | None
    tracking_issues: bool
    coordinator: CoordinatorConfig
    deadline: timedelta
    reminders: ReminderConfig
    experts: Mapping[Glob, tuple[Expert, ...]]
    codeowners: bool
    cve: Literal["github", "cna", "none"]
    cna: CnaConfig
    publish: PublishConfig


@dataclass(frozen=True)
class OnboardingConfig:
    """The issue opened for a newly admitted member."""

    checklist: tuple[Line, ...]
    venues: tuple[Line, ...] = ()
    """Where admins add a new member and remove a leaver (PEP 811: mailing list, chat)."""


@dataclass(frozen=True)
class ScheduleConfig:
    """How often each scheduled job runs for this organisation."""

    votes: Cadence
    advisories: Cadence
    roster: Cadence
    inactivity: Cadence


@dataclass(frozen=True)
class WardenConfig:
    """One organisation's whole configuration, defaults merged in and validated."""

    team: TeamSlug
    governance_repo: RepoName
    admins: TeamSlug
    notes: Mapping[TeamSlug, Line]
    roster: RosterConfig
    votes: VoteRules
    inactivity: InactivityConfig
    advisories: AdvisoryConfig
    onboarding: OnboardingConfig
    schedule: ScheduleConfig
    lines: Mapping[str, int] = field(
        default_factory=lambda: frozen_map({}), repr=False, compare=False
    )
    """Line of each key path in the organisation's file (not a setting; used in messages)."""

    @property
    def collaborating_team(self) -> str:
        """The team added to every advisory: `advisories.collaborating_team`, else `team`."""
        return self.advisories.collaborating_team or self.team

    def voters_team(self, rule: VoteRule) -> str:
        """The slug of the team whose members vote under `rule`."""
        return self.team if rule.voters == TEAM_KEYWORD else rule.voters

    @property
    def admins_are_maintainers(self) -> bool:
        """True when the admins are the maintainers of the canonical team."""
        return self.admins == MAINTAINERS_KEYWORD


SETTINGS_EXCLUDED = frozenset({"lines"})
"""WardenConfig fields that are not keys of the file."""
