"""Text from users shown in Warden's comments as text: no mentions, links, HTML or markers."""

from __future__ import annotations

import re

_TICKS = re.compile(r"`+")


def inert(text: str) -> str:
    """``text`` as one Markdown code span: GitHub renders no mention (``@org/team``), link,
    image or HTML (a forged ``<!-- warden:... -->`` marker) inside it.

    Line breaks become spaces; the fence is longer than any run of backticks in ``text``."""
    flat = " ".join(text.split())
    fence = "`" * (max((len(run) for run in _TICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
