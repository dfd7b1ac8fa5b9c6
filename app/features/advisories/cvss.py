"""CVSS v4: where an advisory's vector is, whether it is valid, its score and severity (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cvss import CVSS4, CVSSError

# The PSRT writes the vector in the advisory text when GitHub's form holds another version.
_IN_TEXT = re.compile(r"CVSS:4\.0/[A-Za-z:/]+")


@dataclass(frozen=True)
class Cvss:
    """A CVSS v4 vector as found: ``problem`` is None when it is valid (then scored)."""

    vector: str
    score: float | None = None
    severity: str | None = None
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


def score(vector: str) -> Cvss:
    """Validate and score a CVSS v4 vector (the ``cvss`` package, FIRST's v4.0 formula)."""
    try:
        parsed = CVSS4(vector)
    except CVSSError as exc:
        return Cvss(vector, problem=str(exc))
    return Cvss(parsed.clean_vector(), float(parsed.base_score), str(parsed.severity))


def vector_of(data: Mapping[str, Any]) -> str | None:
    """The advisory's CVSS v4 vector: GitHub's ``cvss_severities.cvss_v4``, else the first
    ``CVSS:4.0/...`` written in its description; None when it has none."""
    severities = data.get("cvss_severities") or {}
    v4 = severities.get("cvss_v4") or {}
    if v4.get("vector_string"):
        return str(v4["vector_string"])
    found = _IN_TEXT.search(str(data.get("description") or ""))
    return found.group(0).rstrip("/") if found else None


def cvss_of(data: Mapping[str, Any]) -> Cvss | None:
    """The advisory's CVSS v4 vector, checked and scored; None when it has none."""
    vector = vector_of(data)
    return None if vector is None else score(vector)
