"""The list files: PSRT's CSV (``Name,GitHub username,Notes``) and Markdown tables.

Files are kept as the team writes them: a changed list is the old file with only the
changed rows' lines rewritten, the leavers' lines taken out and the joiners' lines put
where the file's own order puts them (or at the end). Header, quoting, blank lines,
line endings and the text around a Markdown table stay byte for byte.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

Format = Literal["csv", "markdown"]

HEADER = ("Name", "GitHub username", "Notes")
#: The share of neighbouring rows that must be in order for a file to count as ordered.
ORDERED_SHARE = 0.75


@dataclass(frozen=True)
class Row:
    """One line of a public or emeritus list."""

    name: str
    login: str
    notes: tuple[str, ...] = ()


def login_key(login: str) -> str:
    """A login as the lists compare it: case-insensitive, without a leading ``@``."""
    return login.strip().lstrip("@").casefold()


def format_for_path(path: str) -> Format:
    """The list format a roster file's name implies (``.md`` is Markdown)."""
    return "markdown" if path.lower().endswith((".md", ".markdown")) else "csv"


# Reading


@dataclass(frozen=True)
class _Record:
    """One record of a file as written (its line ending included) and its row, if any."""

    raw: str
    row: Row | None


def _split_notes(cell: str) -> tuple[str, ...]:
    return tuple(note.strip() for note in cell.split(",") if note.strip())


def _row(cells: list[str]) -> Row | None:
    """A row from its cells, or None for the header and blank lines."""
    cells = [cell.strip() for cell in cells] + ["", "", ""]
    name, login, notes = cells[:3]
    if not (name or login) or (name.casefold(), login.casefold()) == ("name", "github username"):
        return None
    return Row(name, _clean_login(login), _split_notes(notes))


def _clean_login(cell: str) -> str:
    """A login from a cell that may hold ``@login``, `` `login` `` or ``[login](url)``."""
    link = re.fullmatch(r"\[([^\]]*)\]\([^)]*\)", cell)
    text = link.group(1) if link else cell
    return text.strip().strip("`").lstrip("@").strip()


def _raw_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split only at LF (CRLF stays whole)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _content(raw: str) -> str:
    return raw.removesuffix("\n").removesuffix("\r")


def _csv_records(text: str) -> list[_Record]:
    """CSV records: a quoted field may span lines, so lines join while a quote is open."""
    records: list[_Record] = []
    pending = ""
    for line in _raw_lines(text):
        pending += line
        if pending.count('"') % 2:
            continue
        cells = next(csv.reader([_content(pending).replace("\r\n", "\n")]), [])
        records.append(_Record(pending, _row(cells)))
        pending = ""
    if pending:
        records.append(_Record(pending, _row(next(csv.reader([pending]), []))))
    return records


def _md_cells(line: str) -> list[str]:
    """The cells of a Markdown table line; ``\\|`` is a literal pipe."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _is_table_line(raw: str) -> bool:
    return raw.lstrip().startswith("|")


def _md_parts(text: str) -> tuple[list[str], list[_Record], list[str]]:
    """(lines before the table, the table's records, lines after it)."""
    lines = _raw_lines(text)
    start = next((i for i, line in enumerate(lines) if _is_table_line(line)), len(lines))
    end = start
    while end < len(lines) and _is_table_line(lines[end]):
        end += 1
    table = []
    for raw in lines[start:end]:
        separator = re.fullmatch(r"[\s|:-]+", raw)
        table.append(_Record(raw, None if separator else _row(_md_cells(_content(raw)))))
    return lines[:start], table, lines[end:]


def parse_list(text: str, fmt: Format) -> tuple[Row, ...]:
    """The rows of a list file (header, blank lines, CRLF and quoting handled)."""
    records = _csv_records(text) if fmt == "csv" else _md_parts(text)[1]
    return tuple(record.row for record in records if record.row is not None)


# Writing


def _csv_field(value: str) -> str:
    if any(char in value for char in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _md_cell(value: str) -> str:
    return value.replace("|", "\\|")


def render_row(row: Row, fmt: Format) -> str:
    """One row as a line of the file (no line ending): quoted only where CSV needs it."""
    cells = (row.name, row.login, ", ".join(row.notes))
    if fmt == "csv":
        return ",".join(_csv_field(cell) for cell in cells)
    return "| " + " | ".join(_md_cell(cell) for cell in cells) + " |"


_FOLDED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


def _fold(text: str) -> str:
    """``text`` as a person alphabetises it: accents and case ignored (Łukasz under L)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _by_name(row: Row) -> tuple[str, str]:
    return (_fold(row.name), login_key(row.login))


def _by_login(row: Row) -> tuple[str, str]:
    return (login_key(row.login), _fold(row.name))


_Key = Callable[[Row], tuple[str, str]]


def sort_key(row: Row) -> tuple[str, str]:
    """How Warden orders rows it lists itself: by name as people alphabetise, then login."""
    return _by_name(row)


def _in_order(rows: Sequence[Row], key: _Key) -> float:
    pairs = list(pairwise(rows))
    return sum(key(a) <= key(b) for a, b in pairs) / len(pairs) if pairs else 1.0


def file_order(rows: Sequence[Row]) -> _Key | None:
    """The order the file keeps (by name or by login, nearly everywhere), or None."""
    by_name, by_login = _in_order(rows, _by_name), _in_order(rows, _by_login)
    if max(by_name, by_login) < ORDERED_SHARE:
        return None
    return _by_login if by_login > by_name else _by_name


def insertion_index(rows: Sequence[Row], new: Row, key: _Key) -> int:
    """Where ``new`` goes among ``rows``: the first place with the fewest rows out of order
    around it, so a hand-ordered list with a few rows out of place still takes it in."""
    mine = key(new)
    misplaced = sum(key(row) < mine for row in rows)
    best, at = misplaced, 0
    for i, row in enumerate(rows, start=1):
        misplaced += (key(row) > mine) - (key(row) < mine)
        if misplaced < best:
            best, at = misplaced, i
    return at


def identity(row: Row) -> str:
    """What ties a row of the old file to one of the new: its login, else its name."""
    return "@" + login_key(row.login) if row.login else "=" + row.name.strip().casefold()


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _rewrite_records(
    records: list[_Record], rows: Sequence[Row], fmt: Format, nl: str
) -> list[str]:
    """The records' lines with ``rows`` applied: kept, rewritten in place, dropped, or new."""
    wanted = {identity(row): row for row in rows}
    out: list[tuple[str, Row | None]] = []
    matched: set[str] = set()
    for record in records:
        old = record.row
        if old is None:
            out.append((record.raw, None))
            continue
        new = wanted.get(identity(old))
        if new is None or identity(old) in matched:
            continue
        matched.add(identity(old))
        ending = record.raw[len(_content(record.raw)) :]
        line = record.raw if new == old else render_row(new, fmt) + ending
        out.append((line, new))
    joiners = [row for row in rows if identity(row) not in matched]
    _insert(out, joiners, fmt, nl)
    return [line for line, _ in out]


def _insert(out: list[tuple[str, Row | None]], joiners: list[Row], fmt: Format, nl: str) -> None:
    """Put each joiner's line where the file's order puts it, else after the last row."""
    for row in joiners:
        slots = [i for i, (_, r) in enumerate(out) if r is not None]
        listed = [r for _, r in out if r is not None]
        order = file_order(listed)
        if not slots:
            at = len(out)
        elif order is None:
            at = slots[-1] + 1
        else:
            index = insertion_index(listed, row, order)
            at = slots[index] if index < len(slots) else slots[-1] + 1
        if at and not out[at - 1][0].endswith("\n"):
            out[at - 1] = (out[at - 1][0] + nl, out[at - 1][1])
            out.insert(at, (render_row(row, fmt), row))
        else:
            out.insert(at, (render_row(row, fmt) + nl, row))


def _fresh_md_table(head: list[str], nl: str) -> tuple[list[str], list[_Record]]:
    if head and _content(head[-1]).strip():
        head = [*head[:-1], _content(head[-1]) + nl, nl]
    header = render_row(Row(*HEADER[:2], (HEADER[2],)), "markdown") + nl
    return head, [_Record(header, None), _Record("| --- | --- | --- |" + nl, None)]


def render_list(rows: Iterable[Row], fmt: Format, existing: str = "") -> str:
    """``existing`` with its rows made ``rows``, changing only the lines that must change.

    Rows are matched by login (by name for rows without one); a row absent from ``rows``
    loses its line, a changed row has its line rewritten in place, a new row is inserted
    where the file's order puts it (appended when the file has no recognisable order). A
    CSV file gets no header it did not have; a Markdown file gets a table if it has none.
    """
    rows = list(rows)
    nl = _newline(existing)
    if fmt == "csv":
        return "".join(_rewrite_records(_csv_records(existing), rows, fmt, nl))
    head, table, tail = _md_parts(existing)
    if not table and not rows:
        return existing
    if not table:
        head, table = _fresh_md_table(head, nl)
    return "".join(head + _rewrite_records(table, rows, fmt, nl) + tail)


# Leave dates


def note_pattern(template: str) -> re.Pattern[str] | None:
    """A pattern matching the notes ``template`` (``Left {date}``) writes, or None."""
    if "{date}" not in template:
        return None
    before, after = template.split("{date}", 1)
    return re.compile(re.escape(before) + r"(\d{4}-\d{2}-\d{2})" + re.escape(after))


def left_dates(emeritus_text: str, fmt: Format, template: str) -> dict[str, date]:
    """The leave dates an emeritus list records in notes written by ``template``, by login."""
    pattern = note_pattern(template)
    found: dict[str, date] = {}
    if pattern is None:
        return found
    for row in parse_list(emeritus_text, fmt):
        for note in row.notes:
            match = pattern.fullmatch(note)
            if match and row.login:
                found[row.login] = date.fromisoformat(match.group(1))
    return found
