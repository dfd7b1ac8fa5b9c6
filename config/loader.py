"""Load an organisation's warden.yml over the shipped defaults: all valid, or a ConfigError."""

from __future__ import annotations

import dataclasses
from functools import cache
from importlib import resources

from config.issues import ConfigError, ConfigIssue
from config.model import WardenConfig, frozen_map
from config.units import format_duration
from config.validate import INVALID, Builder
from config.yamltree import read_yaml

DEFAULTS_FILE = "defaults.yml"


@cache
def default_text() -> str:
    """The shipped `config/defaults.yml`."""
    return resources.files("config").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")


def load_config(text: str, defaults: str | None = None) -> WardenConfig:
    """Parse `text` merged over `defaults` (YAML; the shipped defaults when None).

    Every problem in the file is reported at once in the ConfigError; nothing is half-applied.
    """
    base = _read_defaults(default_text() if defaults is None else defaults)
    tree = read_yaml(text)
    if tree.issues and tree.value is None:
        raise ConfigError(tree.issues)
    user = {} if tree.value is None else tree.value
    if not isinstance(user, dict):
        message = "the file must be a group of keys, one per line, like team: psrt."
        raise ConfigError([ConfigIssue("", 1, message)])
    builder = Builder(tree.lines)
    config = builder.section(WardenConfig, merge(base, user), "")
    issues = tree.issues + builder.issues
    if config is not INVALID:
        issues += cross_checks(config, tree.lines)
    if issues:
        raise ConfigError(issues)
    assert isinstance(config, WardenConfig)
    return dataclasses.replace(config, lines=frozen_map(tree.lines))


def _read_defaults(text: str) -> dict[str, object]:
    tree = read_yaml(text)
    if tree.issues or not isinstance(tree.value, dict):
        raise ConfigError(tree.issues or [ConfigIssue("", 1, "the defaults are not a mapping.")])
    return tree.value


def merge(base: object, override: object) -> object:
    """`override` over `base`: mappings merge key by key; lists and single values replace.

    A group written with nothing under it (`roster:` with its keys commented out) keeps its
    defaults.
    """
    if isinstance(base, dict) and override is None:
        return base
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    merged = dict(base)
    for key, value in override.items():
        merged[key] = merge(base[key], value) if key in base else value
    return merged


def cross_checks(config: WardenConfig, lines: dict[str, int]) -> list[ConfigIssue]:
    """Rules between keys: reminders must come in order and before the deadline; `cve: cna`
    needs the CNA's short name."""
    reminders, issues = config.advisories.reminders, []
    pairs = [
        ("urgent_before", reminders.urgent_before, "warn_before", reminders.warn_before),
        ("warn_before", reminders.warn_before, "deadline", config.advisories.deadline),
    ]
    for name, value, other, limit in pairs:
        if value < limit:
            continue
        path = f"advisories.reminders.{name}"
        other_path = (
            "advisories.deadline" if other == "deadline" else f"advisories.reminders.{other}"
        )
        message = (
            f"{format_duration(value)} is not shorter than {other} ({format_duration(limit)}); "
            f"make {name} shorter or {other} longer."
        )
        issues.append(ConfigIssue(path, lines.get(path, lines.get(other_path)), message))
    advisories = config.advisories
    if advisories.cve == "cna" and advisories.cna.short_name is None:
        path = "advisories.cna.short_name"
        message = "`cve: cna` needs the CNA's short name; add it, like short_name: PSF."
        issues.append(ConfigIssue(path, lines.get(path, lines.get("advisories.cve")), message))
    return issues
