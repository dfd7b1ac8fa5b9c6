"""Tests for the public list renderer: golden lists, parsing quirks, reconcile rules."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.features.roster.listfile import (
    Format,
    Row,
    format_for_path,
    left_dates,
    parse_list,
    render_list,
)
from app.features.roster.rules import (
    Member,
    NotesChange,
    RosterUpdate,
    maintainers,
    reconcile,
    removal_fraction,
)

GOLDEN = Path(__file__).parents[1] / "golden"
TODAY = date(2026, 11, 24)
LEFT = "Left {date}"

NAMES = {
    "aoife-byrne": "Aoife Byrne",
    "bkowalczyk": "Bartosz Kowalczyk",
    "chen-wei": "Chen Wei",
    "dmitri-v": "Dmitri Volkov",
    "elena-rossi": "Elena Rossi",
    "farah-n": "Farah Nasser",
    "gkaplan": "Gideon Kaplan",
    "hsuzuki": "Haruto Suzuki",
    "ingrid-lund": "Ingrid Lund",
    "jmbeaumont": "Jean-Marc Beaumont",
    "kofi-mensah": "Kofi Mensah",
    "lpereira": "Lucía Pereira",
    "mattdoyle": "Matt Doyle",
    "nadia-h": "Nadia Haddad",
    "oskarw": "Oskar Wiśniewski",
    "priya-iyer": "Priya Iyer",
    "qtran": "Quang Tran",
    "rfernandes": "Rafael Fernandes",
    "sofia-k": "Sofia Karlsson",
    "tomasz-z": "Tomasz Zieliński",
    "uma-r": "Uma Raman",
    "vhart": "Victor Hart",
    "wenjie-liu": "Wenjie Liu",
    "xochitl-m": "Xóchitl Morales",
    "yara-s": "Yara Saleh",
    "zoltan-b": "Zoltán Balogh",
    "ABrennan": "Aidan Brennan",
    "mkrause": "Mareike Krause",
    "tobias-ng": "Tobias Ng",
    "sam-okafor": "Samuel Okafor",
}
ADMINS = frozenset({"aoife-byrne", "elena-rossi", "hsuzuki"})
RELEASE_MANAGERS = frozenset({"chen-wei", "hsuzuki", "priya-iyer"})
TEAM = tuple(Member(login, "maintainer" if login in ADMINS else "member") for login in NAMES)


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def assert_golden(name: str, text: str) -> None:
    """Compare with a golden file; ``UPDATE_GOLDEN=1`` rewrites it instead."""
    if os.environ.get("UPDATE_GOLDEN"):
        (GOLDEN / name).write_text(text, encoding="utf-8", newline="")
    assert text == golden(name)


def run(
    fmt: Format,
    members: Iterable[Member] = TEAM,
    admins: Iterable[str] = ADMINS,
    release_managers: Iterable[str] = RELEASE_MANAGERS,
    names: dict[str, str] | None = None,
    emeritus_note: str = "",
) -> RosterUpdate:
    ext = "csv" if fmt == "csv" else "md"
    return reconcile(
        members,
        admins=admins,
        notes={"Release Manager": release_managers},
        pending=(),
        public_text=golden(f"roster-current.{ext}"),
        emeritus_text=golden(f"roster-emeritus-current.{ext}"),
        today=TODAY,
        fmt=fmt,
        names=names,
        emeritus_note=emeritus_note,
    )


# Golden lists

FORMATS: list[Format] = ["csv", "markdown"]


def ext(fmt: Format) -> str:
    return "csv" if fmt == "csv" else "md"


@pytest.mark.parametrize("fmt", FORMATS)
def test_team_renders_a_fresh_list_with_names_admins_and_release_managers(fmt: Format) -> None:
    update = reconcile(
        TEAM,
        admins=ADMINS,
        notes={"Release Manager": RELEASE_MANAGERS},
        pending=(),
        public_text="",
        emeritus_text="",
        today=TODAY,
        fmt=fmt,
        names=NAMES,
    )
    assert_golden(f"roster-fresh.{ext(fmt)}", update.public)
    assert update.emeritus == ""
    assert len(update.diff.added) == len(TEAM)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unchanged_team_renders_byte_identical_lists(fmt: Format) -> None:
    update = run(fmt)
    assert update.public == golden(f"roster-current.{ext(fmt)}")
    assert update.emeritus == golden(f"roster-emeritus-current.{ext(fmt)}")
    assert not update.diff.changed


@pytest.mark.parametrize("fmt", FORMATS)
def test_current_list_is_in_canonical_form(fmt: Format) -> None:
    current = golden(f"roster-current.{ext(fmt)}")
    assert render_list(parse_list(current, fmt), fmt, current) == current


@pytest.mark.parametrize("fmt", FORMATS)
def test_member_removed_moves_to_emeritus_with_the_configured_dated_note(fmt: Format) -> None:
    update = run(fmt, members=[m for m in TEAM if m.login != "mkrause"], emeritus_note=LEFT)
    assert update.diff.removed == ("mkrause",)
    assert_golden(f"roster-removed.{ext(fmt)}", update.public)
    assert_golden(f"roster-removed-emeritus.{ext(fmt)}", update.emeritus)


@pytest.mark.parametrize("fmt", FORMATS)
def test_members_added_get_names_and_a_rejoiner_leaves_emeritus(fmt: Format) -> None:
    newcomers = [Member("noor-aziz"), Member("quietdev"), Member("Helga-Sorensen")]
    update = run(fmt, members=[*TEAM, *newcomers], names={"noor-aziz": "Noor Aziz"})
    assert update.diff.added == ("Helga-Sorensen", "noor-aziz", "quietdev")
    assert update.diff.rejoined == ("helga-sorensen",)
    assert_golden(f"roster-added.{ext(fmt)}", update.public)
    assert_golden(f"roster-added-emeritus.{ext(fmt)}", update.emeritus)


@pytest.mark.parametrize("fmt", FORMATS)
def test_admin_change_moves_the_admin_note(fmt: Format) -> None:
    admins = (ADMINS - {"elena-rossi"}) | {"priya-iyer"}
    update = run(fmt, admins=admins)
    assert update.diff.notes_changed == (
        NotesChange("elena-rossi", ("Admin",), ()),
        NotesChange("priya-iyer", ("Release Manager",), ("Admin", "Release Manager")),
    )
    assert_golden(f"roster-admin-change.{ext(fmt)}", update.public)
    assert update.emeritus == golden(f"roster-emeritus-current.{ext(fmt)}")


# Parsing


def test_csv_parsing_handles_crlf_quotes_blank_lines_and_no_trailing_newline() -> None:
    text = 'Name,GitHub username,Notes\r\n"Doe, Jane",jdoe,"Admin, Release Manager"\r\n\r\nBo,bo,'
    assert parse_list(text, "csv") == (
        Row("Doe, Jane", "jdoe", ("Admin", "Release Manager")),
        Row("Bo", "bo"),
    )


def test_csv_parsing_tolerates_a_missing_notes_column_and_stray_spaces() -> None:
    assert parse_list("Name,GitHub username\n Ann Lee , alee \n", "csv") == (
        Row("Ann Lee", "alee"),
    )


def test_markdown_parsing_reads_mentions_links_code_and_escaped_pipes() -> None:
    text = (
        "# Members\n\n| Name | GitHub username | Notes |\n|:--|--|--|\n"
        "| A \\| B | @ab | Admin |\n| Cy | [cy](https://github.com/cy) | |\n| Di | `di` |\n"
    )
    assert parse_list(text, "markdown") == (
        Row("A | B", "ab", ("Admin",)),
        Row("Cy", "cy"),
        Row("Di", "di"),
    )


def test_crlf_files_keep_crlf_line_endings() -> None:
    text = "Name,GitHub username,Notes\r\nAnn,ann,\r\n"
    update = reconcile(
        [Member("ann"), Member("bob")],
        admins=(),
        notes={},
        pending=(),
        public_text=text,
        emeritus_text="",
        today=TODAY,
    )
    assert update.public == "Name,GitHub username,Notes\r\nAnn,ann,\r\nbob,bob,\r\n"


def test_markdown_keeps_the_text_around_the_table() -> None:
    text = "# PSRT\n\nIntro.\n\n| Name | GitHub username | Notes |\n| --- | --- | --- |\n\nEnd.\n"
    rendered = render_list([Row("Ann", "ann")], "markdown", text)
    assert rendered == (
        "# PSRT\n\nIntro.\n\n| Name | GitHub username | Notes |\n| --- | --- | --- |\n"
        "| Ann | ann |  |\n\nEnd.\n"
    )


def test_markdown_table_is_appended_after_text_without_a_table() -> None:
    rendered = render_list([Row("Ann", "ann")], "markdown", "# PSRT")
    assert rendered.startswith("# PSRT\n\n| Name |")


def test_managed_notes_come_first_when_notes_change() -> None:
    text = 'Name,GitHub username,Notes\nAnn,ann,"Chair, Release Manager"\n'
    update = small(text, ["ann"], admins=["ann"], notes={"Release Manager": ["ann"]})
    assert update.public == 'Name,GitHub username,Notes\nAnn,ann,"Admin, Release Manager, Chair"\n'


def test_notes_already_right_keep_their_order() -> None:
    text = 'Name,GitHub username,Notes\nAnn,ann,"release manager, Admin"\n'
    update = small(text, ["ann"], admins=["ann"], notes={"Release Manager": ["ann"]})
    assert update.public == text
    assert update.diff.notes_changed == ()


def test_rows_are_listed_by_name_as_people_alphabetise_accents_and_case_aside() -> None:
    rows = [
        Row("bea", "z"),
        Row("Bea", "a"),
        Row("Álvaro", "x"),
        Row("Al", "y"),
        Row("Łukasz", "l"),
    ]
    rendered = render_list(rows, "csv")
    assert rendered.splitlines() == ["Al,y,", "Álvaro,x,", "Bea,a,", "bea,z,", "Łukasz,l,"]


rows_strategy = st.lists(
    st.builds(
        Row,
        name=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1).filter(
            lambda s: s.strip() == s
        ),
        login=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,12}", fullmatch=True),
        notes=st.lists(st.sampled_from(["Admin", "Release Manager", "Chair"]), unique=True).map(
            tuple
        ),
    ),
    max_size=8,
    unique_by=lambda row: row.login.casefold(),
)


@settings(max_examples=200, deadline=None)
@given(rows_strategy, st.sampled_from(FORMATS))
def test_rendered_lists_parse_back_to_the_same_rows(rows: list[Row], fmt: Format) -> None:
    if fmt == "markdown":
        rows = [r for r in rows if "\\" not in r.name]
    text = render_list(rows, fmt)
    assert sorted(parse_list(text, fmt), key=repr) == sorted(rows, key=repr)
    assert render_list(parse_list(text, fmt), fmt, text) == text


# Reconcile rules


def small(
    public: str, members: Iterable[str], emeritus: str = "", **kwargs: object
) -> RosterUpdate:
    options: dict[str, object] = {"admins": (), "notes": {}, "pending": ()} | kwargs
    return reconcile(
        [Member(login) for login in members],
        public_text=public,
        emeritus_text=emeritus,
        today=TODAY,
        **options,  # type: ignore[arg-type]
    )


def test_logins_are_compared_case_insensitively_and_keep_the_file_spelling() -> None:
    update = small("Name,GitHub username,Notes\nAnn Lee,AnnLee,\n", ["annlee"], admins=["ANNLEE"])
    assert update.public == "Name,GitHub username,Notes\nAnn Lee,AnnLee,Admin\n"
    assert update.diff.removed == ()


def test_notes_warden_does_not_manage_are_kept() -> None:
    text = 'Name,GitHub username,Notes\nAnn,ann,"Admin, Chair"\n'
    update = small(text, ["ann"], notes={"Release Manager": ["ann"]})
    assert update.public == 'Name,GitHub username,Notes\nAnn,ann,"Release Manager, Chair"\n'


def test_new_member_without_a_known_name_is_listed_by_login() -> None:
    update = small("", ["quietdev"])
    assert update.public == "quietdev,quietdev,\n"


def test_pending_invitations_are_reported_not_listed() -> None:
    update = small("", ["ann"], pending=["Newbie", "ANN"])
    assert update.public == "ann,ann,\n"
    assert update.pending == ("Newbie",)


def test_pending_invitee_already_listed_stays_put() -> None:
    text = "Name,GitHub username,Notes\nAnn,ann,\nNew Bie,newbie,\n"
    update = small(text, ["ann"], pending=["newbie"])
    assert update.public == text
    assert update.emeritus == ""


def test_leaver_replaces_a_stale_emeritus_row() -> None:
    emeritus = "Name,GitHub username,Notes\nBo,bo,Left 2020-01-01\n"
    update = small("Name,GitHub username,Notes\nBo,bo,Admin\n", [], emeritus, emeritus_note=LEFT)
    assert update.emeritus == "Name,GitHub username,Notes\nBo,bo,Left 2026-11-24\n"


def test_rejoiner_keeps_the_name_from_the_emeritus_list() -> None:
    emeritus = "Name,GitHub username,Notes\nBo Berg,bo,Left 2020-01-01\nCy,cy,\n"
    update = small("", ["BO"], emeritus, names={"bo": "Profile Name"})
    assert update.public == "Bo Berg,BO,\n"
    assert update.emeritus == "Name,GitHub username,Notes\nCy,cy,\n"
    assert update.diff.rejoined == ("bo",)


def test_unsorted_list_with_no_changes_is_left_as_it_is() -> None:
    text = "Name,GitHub username,Notes\nZed,zed,\nAnn,ann,\n"
    assert small(text, ["ann", "zed"]).public == text


def test_duplicate_rows_are_dropped() -> None:
    text = "Name,GitHub username,Notes\nAnn,ann,\nAnn again,ANN,\n"
    assert small(text, ["ann"]).public == "Name,GitHub username,Notes\nAnn,ann,\n"


def test_removal_fraction_is_the_share_of_old_logins_gone() -> None:
    assert removal_fraction(["a", "b", "c", "d"], ["A", "b", "c"]) == 0.25
    assert removal_fraction(["a", "b"], ["c"]) == 1.0
    assert removal_fraction([], ["a"]) == 0.0


def test_format_follows_the_file_extension() -> None:
    assert format_for_path("security/psrt.csv") == "csv"
    assert format_for_path("docs/Members.MD") == "markdown"


def test_maintainers_are_the_team_members_with_the_maintainer_role() -> None:
    assert maintainers(TEAM) == ADMINS


def test_leave_date_already_recorded_elsewhere_is_kept() -> None:
    public = "Name,GitHub username,Notes\nBo,bo,\nCy,cy,\n"
    update = small(public, [], left_on={"BO": date(2026, 11, 20)}, emeritus_note=LEFT)
    assert update.emeritus == "Bo,bo,Left 2026-11-20\nCy,cy,Left 2026-11-24\n"


def test_left_dates_are_read_from_left_notes() -> None:
    text = "Name,GitHub username,Notes\nBo,bo,Left 2025-01-02\nCy,cy,Chair\n"
    assert left_dates(text, "csv", LEFT) == {"bo": date(2025, 1, 2)}
    assert left_dates(text, "csv", "") == {}


def test_a_renamed_login_renames_the_row_keeping_name_and_notes() -> None:
    text = 'Name,GitHub username,Notes\nAnn Lee,AnnLee,"Admin, Chair"\nBo,bo,\n'
    update = small(text, ["ann-lee", "bo"], admins=["ann-lee"], renamed={"annlee": "ann-lee"})
    assert update.public == 'Name,GitHub username,Notes\nAnn Lee,ann-lee,"Admin, Chair"\nBo,bo,\n'
    assert update.diff.renamed == (("AnnLee", "ann-lee"),)
    assert (update.diff.added, update.diff.removed) == ((), ())
    assert update.emeritus == ""


def test_a_row_for_someone_never_listed_as_a_member_is_dropped_not_moved_to_emeritus() -> None:
    """``listed``: the members the list held at the last reconcile. A row outside it and
    outside the team was never a member: it leaves the public list, and the emeritus list
    does not claim they left."""
    text = "Name,GitHub username,Notes\nAnn,ann,\nBo,bo,\nMal Moss,Mal,Chair\n"
    update = small(text, ["ann"], listed=["ann", "BO"], emeritus_note=LEFT)
    assert update.public == "Name,GitHub username,Notes\nAnn,ann,\n"
    assert update.emeritus == "Bo,bo,Left 2026-11-24\n"
    assert update.diff.removed == ("bo",)
    assert update.diff.dropped == ("Mal",)
    assert update.dropped == (Row("Mal Moss", "Mal", ("Chair",)),)


def test_without_a_record_of_the_list_every_row_outside_the_team_is_a_leaver() -> None:
    """The first reconcile (nothing recorded yet) cannot tell the two apart: as before."""
    update = small("Name,GitHub username,Notes\nAnn,ann,\nMal,mal,\n", ["ann"])
    assert update.diff.removed == ("mal",)
    assert update.diff.dropped == ()


def test_a_never_listed_row_already_on_the_emeritus_list_keeps_its_emeritus_row() -> None:
    emeritus = "Name,GitHub username,Notes\nOld Timer,old,Left 2020-01-01\n"
    update = small("Name,GitHub username,Notes\nOld Timer,old,\n", [], emeritus, listed=[])
    assert update.public == "Name,GitHub username,Notes\n"
    assert update.emeritus == emeritus
    assert update.diff.dropped == ("old",)
