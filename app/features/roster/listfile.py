"""The list files: PSRT's CSV (``Name,GitHub username,Notes``) and Markdown tables,
parsed into rows and rendered back (line endings and text around a table kept)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Format = Literal["csv", "markdown"]

HEADER = ("Name", "GitHub username", "Notes")
LEFT_NOTE = "Left {date}"


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


def _lines(text: str) -> list[str]:
    """The lines of ``text``, split only at LF and CRLF (other breaks are content)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _parse_csv(text: str) -> list[Row]:
    rows = (_row(cells) for cells in csv.reader(_lines(text)))
    return [row for row in rows if row is not None]


def _csv_field(value: str) -> str:
    if any(char in value for char in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _render_csv(rows: Iterable[Row]) -> list[str]:
    lines = [",".join(HEADER)]
    for row in rows:
        lines.append(",".join(_csv_field(v) for v in (row.name, row.login, ", ".join(row.notes))))
    return lines


def _md_cells(line: str) -> list[str]:
    """The cells of a Markdown table line; ``\\|`` is a literal pipe."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _split_markdown(text: str) -> tuple[list[str], list[str], list[str]]:
    """(lines before the table, the table's lines, lines after it)."""
    lines = _lines(text)
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("|")), len(lines))
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    return lines[:start], lines[start:end], lines[end:]


def _parse_markdown(text: str) -> list[Row]:
    table = _split_markdown(text)[1]
    rows = (_row(_md_cells(line)) for line in table if not re.fullmatch(r"[\s|:-]+", line))
    return [row for row in rows if row is not None]


def _md_cell(value: str) -> str:
    return value.replace("|", "\\|")


def _render_markdown(rows: Iterable[Row], existing: str) -> list[str]:
    """The table in place of the old one, keeping any text around it."""
    head, old_table, tail = _split_markdown(existing)
    table = ["| " + " | ".join(HEADER) + " |", "| --- | --- | --- |"]
    for row in rows:
        cells = (row.name, row.login, ", ".join(row.notes))
        table.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    if not old_table and head and head[-1].strip():
        head = [*head, ""]
    return head + table + tail


def parse_list(text: str, fmt: Format) -> tuple[Row, ...]:
    """The rows of a list file (header, blank lines, CRLF and quoting handled)."""
    return tuple(_parse_csv(text) if fmt == "csv" else _parse_markdown(text))


def sort_key(row: Row) -> tuple[str, str]:
    return (row.name.casefold(), row.login.casefold())


def render_list(rows: Iterable[Row], fmt: Format, existing: str = "") -> str:
    """A list file with ``rows`` sorted by name, then login.

    ``existing`` is the current file: its line endings are kept, and for
    Markdown so is any text around the table.
    """
    ordered = sorted(rows, key=sort_key)
    lines = _render_csv(ordered) if fmt == "csv" else _render_markdown(ordered, existing)
    newline = "\r\n" if "\r\n" in existing else "\n"
    return newline.join(lines) + newline


def left_dates(emeritus_text: str, fmt: Format) -> dict[str, date]:
    """The leave dates an emeritus list records (``Left YYYY-MM-DD`` notes), by login."""
    found = {}
    for row in parse_list(emeritus_text, fmt):
        for note in row.notes:
            match = re.fullmatch(r"Left (\d{4}-\d{2}-\d{2})", note)
            if match and row.login:
                found[row.login] = date.fromisoformat(match.group(1))
    return found
