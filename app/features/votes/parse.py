"""Read the nominee from a nomination issue's body (a `Nominee:` line or the issue form)."""

from __future__ import annotations

import re

LOGIN = r"@?([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})"
#: `Nominee: @login` anywhere on its own line (bold or list markers allowed around it).
NOMINEE_LINE = re.compile(rf"^[\s>*_-]*nominee[*_]*\s*:[*_]*\s*{LOGIN}\s*$", re.I | re.M)
#: The issue form renders the field as a `### Nominee` heading and the answer below it.
FORM_FIELD = re.compile(rf"^#{{1,6}}\s*nominee\s*\n+\s*{LOGIN}\s*$", re.I | re.M)


def nominees(body: str | None) -> list[str]:
    """Every distinct login the body names as nominee, in order (case-insensitively distinct)."""
    text = (body or "").replace("\r\n", "\n")
    found: list[str] = []
    for pattern in (NOMINEE_LINE, FORM_FIELD):
        for match in pattern.finditer(text):
            login = match.group(1)
            if login.lower() not in (f.lower() for f in found):
                found.append(login)
    return found


def nominee_of(body: str | None) -> str | None:
    """The one nominee the body names, or None when it names none or several."""
    found = nominees(body)
    return found[0] if len(found) == 1 else None
