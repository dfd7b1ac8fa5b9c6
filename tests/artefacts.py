"""Files tests keep for people to look at (screenshots); their paths are printed at the end."""

from __future__ import annotations

import os
from pathlib import Path

DIRECTORY = Path(
    os.environ.get("WARDEN_TEST_ARTEFACTS", Path(__file__).parents[1] / "test-artefacts")
)
KEPT: list[Path] = []


def keep(name: str) -> Path:
    """A path to write an artefact to; it is listed in pytest's summary."""
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    path = (DIRECTORY / name).resolve()
    KEPT.append(path)
    return path
