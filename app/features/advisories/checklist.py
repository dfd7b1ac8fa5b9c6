"""The checklist a draft's tracking issue shows before publication (pure, no I/O): credits,
a valid CVSS v4 vector (scored), the CVE ID, the fixes merged, the affected versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.features.advisories.cvss import score
from app.features.advisories.model import Advisory
from app.github.markdown import inert

#: The credits every published advisory should have (the reporter when there is one).
EXPECTED = ("reporter", "coordinator", "remediation_developer")
HEADING = "### Before publication"

Fix = tuple[int, str | None]  # a fork pull request: (number, merge commit when merged)


@dataclass(frozen=True)
class Item:
    """One line of the checklist."""

    done: bool
    text: str


def checklist(adv: Advisory, fixes: Sequence[Fix]) -> list[Item]:
    """What is ready for publication and what is missing, in the order people fix it."""
    return [_credits(adv), _cvss(adv), _cve(adv), _fixes(fixes), _affected(adv)]


def _credits(adv: Advisory) -> Item:
    kinds = {kind for _, kind in adv.credits}
    missing = [k for k in EXPECTED if k not in kinds and (k != "reporter" or adv.reporter)]
    given = ", ".join(f"`@{who}` ({kind})" for who, kind in adv.credits) or "none yet"
    lack = f"; missing: {', '.join(missing)}" if missing else ""
    return Item(not missing, f"Credits: {given}{lack}")


def _cvss(adv: Advisory) -> Item:
    if adv.cvss_v4 is None:
        return Item(False, "CVSS v4 vector: none yet; set one on the advisory (`CVSS:4.0/...`)")
    found = score(adv.cvss_v4)
    if not found.valid:
        why = inert(found.problem or "").replace("`", "'")
        return Item(False, f"CVSS v4 vector `{adv.cvss_v4}` is not valid: {why}")
    return Item(True, f"CVSS v4: {found.score} {found.severity} (`{found.vector}`)")


def _cve(adv: Advisory) -> Item:
    return Item(adv.cve_id is not None, f"CVE ID: {adv.cve_id or 'none yet'}")


def _fixes(fixes: Sequence[Fix]) -> Item:
    if not fixes:
        return Item(False, "Fix pull requests merged: none in the private fork yet")
    waiting = [f"#{number}" for number, sha in sorted(fixes) if sha is None]
    merged = len(fixes) - len(waiting)
    still = f" (not merged: {', '.join(waiting)})" if waiting else ""
    return Item(not waiting, f"Fix pull requests merged: {merged} of {len(fixes)}{still}")


def _affected(adv: Advisory) -> Item:
    if not adv.affected:
        return Item(False, "Affected versions: none given in the advisory")
    return Item(True, "Affected versions: " + "; ".join(inert(a) for a in adv.affected))


def render(items: Sequence[Item]) -> str:
    """The checklist as the tracking issue shows it (a Markdown task list under a heading)."""
    lines = [f"- [{'x' if item.done else ' '}] {item.text}" for item in items]
    return "\n".join(["", HEADING, *lines, ""])
