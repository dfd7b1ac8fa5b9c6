"""The reconcile rules: the public and emeritus lists the team calls for.

Names and unmanaged notes in the files are kept; ``Admin`` and the ``notes`` notes are
Warden's to add and drop. Leavers move to the emeritus list with their notes (``Admin``
aside: it is a role in the team), plus ``emeritus_note`` (e.g. ``Left {date}``) when one is
configured; a member who rejoins is taken off it. Invitees still pending are not added,
and if already listed they are left alone (not moved to emeritus). A list whose rows do
not change is returned byte for byte as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.features.roster.listfile import Format, Row, parse_list, render_list, sort_key
from app.features.roster.listfile import login_key as _key

Role = Literal["member", "maintainer"]

ADMIN_NOTE = "Admin"
#: No single reconcile may remove more than this share of the team unconfirmed.
MAX_REMOVAL_FRACTION = 0.25


@dataclass(frozen=True)
class Member:
    """A member of the canonical team, as the teams API lists them."""

    login: str
    role: Role = "member"
    id: int | None = None
    """GitHub's user id: it stays when the login is renamed."""


@dataclass(frozen=True)
class NotesChange:
    """A listed member whose Notes Warden changed."""

    login: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class RosterDiff:
    """What a reconcile changes, in logins as the lists spell them.

    ``rejoined`` are current members taken off the emeritus list (usually
    also in ``added``); ``renamed`` are (old, new) logins of members who changed
    their login on GitHub, whose rows keep their name and notes; ``dropped`` are rows
    of people never listed as members, taken off the public list (not leavers).
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    rejoined: tuple[str, ...] = ()
    notes_changed: tuple[NotesChange, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the public or the emeritus list changes at all."""
        return bool(
            self.added
            or self.removed
            or self.rejoined
            or self.notes_changed
            or self.renamed
            or self.dropped
        )


@dataclass(frozen=True)
class RosterUpdate:
    """The new list texts, what changed, and invitations still pending."""

    public: str
    emeritus: str
    diff: RosterDiff
    pending: tuple[str, ...]
    dropped: tuple[Row, ...] = ()
    """The rows in ``diff.dropped`` as the public list had them (for the alert)."""


def maintainers(members: Iterable[Member]) -> frozenset[str]:
    """Logins of the team's maintainers (the admins when ``admins: maintainers``)."""
    return frozenset(m.login for m in members if m.role == "maintainer")


def removal_fraction(old: Iterable[str], new: Iterable[str]) -> float:
    """The share of ``old`` logins missing from ``new`` (0.0 for an empty ``old``)."""
    before = {_key(login) for login in old}
    if not before:
        return 0.0
    return len(before - {_key(login) for login in new}) / len(before)


# Reconciling


def _wanted_notes(login: str, admins: set[str], notes: Mapping[str, set[str]]) -> list[str]:
    wanted = [ADMIN_NOTE] if _key(login) in admins else []
    return wanted + [note for note, holders in notes.items() if _key(login) in holders]


def _merge_notes(current: tuple[str, ...], wanted: list[str], managed: set[str]) -> tuple[str, ...]:
    """Managed notes as wanted, then unmanaged ones in the file's order.

    Notes that are already right are returned untouched, whatever their order.
    """
    unmanaged = [note for note in current if note.casefold() not in managed]
    spelled = {note.casefold(): note for note in current}
    merged = [spelled.get(note.casefold(), note) for note in wanted] + unmanaged
    if {note.casefold() for note in merged} == {note.casefold() for note in current}:
        return current
    return tuple(merged)


@dataclass(frozen=True)
class _Team:
    """The reconcile inputs, keyed case-insensitively."""

    members: dict[str, Member]
    admins: set[str]
    notes: dict[str, set[str]]
    pending: set[str]
    names: dict[str, str]
    listed: set[str] | None = None
    """Logins the public list held as members at the last reconcile (None: not known)."""

    @classmethod
    def of(
        cls,
        members: Iterable[Member],
        admins: Iterable[str],
        notes: Mapping[str, Iterable[str]],
        pending: Iterable[str],
        names: Mapping[str, str],
        listed: Iterable[str] | None,
    ) -> _Team:
        return cls(
            members={_key(m.login): m for m in members},
            admins={_key(login) for login in admins},
            notes={note: {_key(login) for login in logins} for note, logins in notes.items()},
            pending={_key(login) for login in pending},
            names={_key(login): name for login, name in names.items()},
            listed=None if listed is None else {_key(login) for login in listed},
        )

    @property
    def managed(self) -> set[str]:
        return {note.casefold() for note in (ADMIN_NOTE, *self.notes)}

    def wanted(self, login: str) -> list[str]:
        return _wanted_notes(login, self.admins, self.notes)


def _dedupe(rows: Iterable[Row]) -> list[Row]:
    """The rows with each login once (the first wins); rows without a login stay."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = _key(row.login)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(row)
    return kept


@dataclass(frozen=True)
class _Public:
    """The public list's rows sorted out by the reconcile."""

    staying: list[Row]
    """Rows that stay, their notes brought up to date."""
    leavers: list[Row]
    dropped: list[Row]
    """Rows of people outside the team who were never listed as members."""
    changes: list[NotesChange]


def _update_public(team: _Team, rows: list[Row]) -> _Public:
    """Sort the public list's rows: staying, leavers, never members."""
    out = _Public([], [], [], [])
    for row in rows:
        key = _key(row.login)
        if key and key not in team.members and key not in team.pending:
            never = team.listed is not None and key not in team.listed
            (out.dropped if never else out.leavers).append(row)
            continue
        if key in team.members:
            notes = _merge_notes(row.notes, team.wanted(row.login), team.managed)
            if notes != row.notes:
                out.changes.append(NotesChange(row.login, row.notes, notes))
            row = Row(row.name, row.login, notes)
        out.staying.append(row)
    return out


def _newcomers(team: _Team, listed: set[str], emeritus: dict[str, Row]) -> list[Row]:
    """Rows for members not on the public list yet."""
    rows = []
    for key, member in team.members.items():
        if key in listed:
            continue
        former = emeritus.get(key)
        name = former.name if former else team.names.get(key, member.login)
        rows.append(Row(name or member.login, member.login, tuple(team.wanted(member.login))))
    return rows


@dataclass(frozen=True)
class Leaving:
    """How leavers are written to the emeritus list."""

    today: date
    note: str = ""
    """``roster.emeritus_note``: a note added to a leaver's own, ``{date}`` the leave date."""
    left_on: Mapping[str, date] = field(default_factory=dict)

    def notes(self, row: Row) -> tuple[str, ...]:
        """A leaver's notes: their own (``Admin`` aside), then the configured note."""
        kept = tuple(note for note in row.notes if note.casefold() != ADMIN_NOTE.casefold())
        if not self.note:
            return kept
        dates = {_key(login): when for login, when in self.left_on.items()}
        when = dates.get(_key(row.login), self.today).isoformat()
        return (*kept, self.note.format(date=when))


def _update_emeritus(team: _Team, rows: list[Row], leavers: list[Row], how: Leaving) -> list[Row]:
    """The emeritus rows: rejoined members out, leavers in (a stale row of theirs replaced)."""
    gone = {_key(row.login) for row in leavers}
    kept = [row for row in rows if _key(row.login) not in team.members.keys() | gone]
    return kept + [Row(row.name, row.login, how.notes(row)) for row in leavers]


def _rename(
    rows: list[Row], moves: Mapping[str, str], found: dict[str, tuple[str, str]]
) -> list[Row]:
    """``rows`` with renamed logins replaced (``found`` collects the renames applied)."""
    renamed = []
    for row in rows:
        new = moves.get(_key(row.login))
        if new is not None:
            found[_key(row.login)] = (row.login, new)
            row = Row(row.name, new, row.notes)
        renamed.append(row)
    return renamed


def _diff(
    team: _Team,
    added: list[Row],
    public: _Public,
    former: Mapping[str, Row],
    renames: Mapping[str, tuple[str, str]],
) -> RosterDiff:
    rejoined = [row for row in former.values() if _key(row.login) in team.members]
    return RosterDiff(
        added=tuple(row.login for row in added),
        removed=tuple(row.login for row in sorted(public.leavers, key=sort_key)),
        rejoined=tuple(row.login for row in sorted(rejoined, key=sort_key)),
        notes_changed=tuple(public.changes),
        renamed=tuple(renames[key] for key in sorted(renames)),
        dropped=tuple(row.login for row in sorted(public.dropped, key=sort_key)),
    )


def reconcile(
    members: Iterable[Member],
    *,
    admins: Iterable[str],
    notes: Mapping[str, Iterable[str]],
    pending: Iterable[str],
    public_text: str,
    emeritus_text: str,
    today: date,
    fmt: Format = "csv",
    names: Mapping[str, str] | None = None,
    left_on: Mapping[str, date] | None = None,
    renamed: Mapping[str, str] | None = None,
    listed: Iterable[str] | None = None,
    emeritus_note: str = "",
) -> RosterUpdate:
    """Bring the public and emeritus lists in line with the team (rules: module docstring).

    ``notes`` maps a note (``Release Manager``) to the logins that get it; ``names`` gives
    display names (from GitHub profiles) for new members. ``emeritus_note`` is added to a
    leaver's notes (``{date}``: the day they left); ``left_on`` gives leave dates already
    recorded elsewhere (a pending pull request), so they do not move to today.
    ``renamed`` maps an old login to the new one of the same GitHub account: its rows are
    renamed in place (name, notes and leave date kept), not moved to the emeritus list.
    ``listed``: the members the public list held at the last reconcile; a row outside the
    team and outside ``listed`` was never a member and is dropped, not moved (None: every
    row outside the team is a leaver).
    """
    invited = list(pending)
    team = _Team.of(members, admins, notes, invited, names or {}, listed)
    moves = {_key(old): new for old, new in (renamed or {}).items()}
    found: dict[str, tuple[str, str]] = {}
    as_read = list(parse_list(public_text, fmt)), list(parse_list(emeritus_text, fmt))
    public, emeritus = (_rename(rows, moves, found) for rows in as_read)
    sorted_out = _update_public(team, _dedupe(public))
    staying = sorted_out.staying
    former = {_key(row.login): row for row in _dedupe(emeritus) if row.login}
    added = sorted(_newcomers(team, {_key(row.login) for row in staying}, former), key=sort_key)
    how = Leaving(today, emeritus_note, left_on or {})
    gone = _update_emeritus(team, _dedupe(emeritus), sorted_out.leavers, how)
    return RosterUpdate(
        public=render_list(staying + added, fmt, public_text),
        emeritus=render_list(gone, fmt, emeritus_text),
        diff=_diff(team, added, sorted_out, former, found),
        pending=tuple({_key(x): x for x in invited if _key(x) not in team.members}.values()),
        dropped=tuple(sorted(sorted_out.dropped, key=sort_key)),
    )
