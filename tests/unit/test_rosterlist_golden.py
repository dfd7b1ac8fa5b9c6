"""Golden tests of the list writer on a list shaped like the PSRT's own: no header, ordered
by hand (by first name, accents and all, one pair out of place), LF endings, a notes field
quoted only because it holds a comma, and an emeritus list with rows without a username."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from app.features.roster.rules import Member, RosterUpdate, reconcile

GOLDEN = Path(__file__).parents[1] / "golden"
TODAY = date(2026, 11, 24)
ADMINS = ("bweiss", "nodegaard", "pzabek")
RELEASE_MANAGERS = ("cibanez", "lnowak", "nodegaard")


def read(name: str) -> str:
    return (GOLDEN / name).read_bytes().decode("utf-8")


PUBLIC, EMERITUS = read("psrt-shaped.csv"), read("psrt-shaped-emeritus.csv")
TEAM = tuple(line.split(",")[1] for line in PUBLIC.splitlines())


def sync(
    members: Iterable[str],
    *,
    public: str = PUBLIC,
    admins: Iterable[str] = ADMINS,
    names: dict[str, str] | None = None,
    note: str = "",
) -> RosterUpdate:
    return reconcile(
        [Member(login) for login in members],
        admins=admins,
        notes={"Release Manager": RELEASE_MANAGERS},
        pending=(),
        public_text=public,
        emeritus_text=EMERITUS,
        today=TODAY,
        names=names,
        emeritus_note=note,
    )


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines taken out, lines put in), as a line diff shows them."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d[0] == "-"], [d[2:] for d in diff if d[0] == "+"]


def test_team_matching_the_list_changes_neither_file_by_a_byte() -> None:
    update = sync(TEAM)
    assert (update.public, update.emeritus) == (PUBLIC, EMERITUS)
    assert not update.diff.changed


def test_one_leaver_changes_one_line_of_each_file_and_keeps_their_notes() -> None:
    update = sync([login for login in TEAM if login != "nodegaard"])
    assert changes(PUBLIC, update.public) == (
        ['Nils Ødegaard,nodegaard,"Admin, Release Manager"'],
        [],
    )
    assert changes(EMERITUS, update.emeritus) == ([], ["Nils Ødegaard,nodegaard,Release Manager"])
    assert update.public == read("psrt-shaped-leaver.csv")
    assert update.emeritus == read("psrt-shaped-leaver-emeritus.csv")


def test_configured_emeritus_note_is_added_after_the_leavers_own_notes() -> None:
    update = sync([login for login in TEAM if login != "nodegaard"], note="Left {date}")
    added = changes(EMERITUS, update.emeritus)[1]
    assert added == ['Nils Ødegaard,nodegaard,"Release Manager, Left 2026-11-24"']


def test_joiner_with_an_accented_name_is_inserted_where_the_hand_order_puts_them() -> None:
    names = {"emarchand": "Élodie Marchand", "utamm": "Ursula Tamm"}
    update = sync([*TEAM, "emarchand", "utamm"], names=names)
    assert changes(PUBLIC, update.public) == (
        [],
        ["Élodie Marchand,emarchand,", "Ursula Tamm,utamm,"],
    )
    assert update.public == read("psrt-shaped-joiners.csv")
    assert update.emeritus == EMERITUS


def test_one_leaver_and_one_joiner_change_two_lines_of_the_public_list() -> None:
    members = [*(login for login in TEAM if login != "kmori"), "ekaya"]
    update = sync(members, names={"ekaya": "Emre Kaya"})
    assert changes(PUBLIC, update.public) == (["Keiko Mori,kmori,"], ["Emre Kaya,ekaya,"])
    assert changes(EMERITUS, update.emeritus) == ([], ["Keiko Mori,kmori,"])


def test_rows_without_a_username_stay_on_the_emeritus_list() -> None:
    update = sync([login for login in TEAM if login != "larsek"])
    for row in ("Arvid Lund,,Release Manager", "Ida Berg,,", "Yusuf Demir,,"):
        assert row in update.emeritus.splitlines()


def test_a_notes_change_rewrites_that_row_only_quoting_only_where_needed() -> None:
    update = sync(TEAM, admins=("bweiss", "pzabek"))
    assert changes(PUBLIC, update.public) == (
        ['Nils Ødegaard,nodegaard,"Admin, Release Manager"'],
        ["Nils Ødegaard,nodegaard,Release Manager"],
    )


def test_a_list_in_no_recognisable_order_gets_joiners_at_the_end() -> None:
    shuffled = "Zed,zed,\nAnn,ann,\nMo,mo,\nBo,bo,\n"
    update = sync(["zed", "ann", "mo", "bo", "cy"], public=shuffled, admins=())
    assert update.public == shuffled + "cy,cy,\n"


def test_a_list_with_a_header_and_crlf_keeps_both() -> None:
    text = "Name,GitHub username,Notes\r\nAnn,ann,\r\nZed,zed,\r\n"
    update = sync(["ann", "zed", "kim"], public=text, admins=(), names={"kim": "Kim Lee"})
    assert update.public == "Name,GitHub username,Notes\r\nAnn,ann,\r\nKim Lee,kim,\r\nZed,zed,\r\n"
