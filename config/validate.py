"""Build the typed config from plain values by reading the dataclasses' hints; collect issues."""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
from collections.abc import Mapping
from datetime import timedelta
from fractions import Fraction
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from config.issues import ConfigIssue, join_path, line_of
from config.model import SETTINGS_EXCLUDED, Span, Text, frozen_map
from config.units import UnitError, parse_duration, parse_fraction

INVALID: Any = object()
"""Returned for a value that produced an issue; the section holding it is not built."""


def unwrap(hint: Any) -> tuple[Any, tuple[object, ...]]:
    """`Annotated[str, Text(...)]` -> (str, (Text(...),)); other hints pass through."""
    if get_origin(hint) is Annotated:
        return hint.__origin__, tuple(hint.__metadata__)
    return hint, ()


def options(hint: Any) -> tuple[Any, ...] | None:
    """The members of `A | B` (None when `hint` is not a union)."""
    if get_origin(hint) in (Union, types.UnionType):
        return get_args(hint)
    return None


def setting_names(cls: type) -> list[str]:
    """The keys a section of the file has, in declaration order."""
    return [f.name for f in dataclasses.fields(cls) if f.name not in SETTINGS_EXCLUDED]


def setting_hints(cls: type) -> dict[str, Any]:
    """The type hint of each key of a section, `Annotated` extras kept."""
    hints = get_type_hints(cls, include_extras=True)
    return {name: hints[name] for name in setting_names(cls)}


def found(value: object) -> str:
    """How a value reads in a message: `"yes please"`, `a list`, `the number 7`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    text = str(value)
    return f'"{text[:60]}..."' if len(text) > 60 else f'"{text}"'


def example(hint: Any) -> str:
    """A value of this type as it would be written in the file."""
    base, extras = unwrap(hint)
    members = options(base)
    if members is not None:
        return example(next(m for m in members if m is not type(None)))
    text = text_rule(extras)
    if text is not None:
        return text.example
    if get_origin(base) is tuple:
        return f"[{example(get_args(base)[0])}]"
    samples = {bool: "true", int: "0", timedelta: "7d", Fraction: "2/3", str: "text"}
    if base in samples:
        return samples[base]
    if get_origin(base) is Literal:
        return str(get_args(base)[0])
    return "key: value"


class Builder:
    """Walks the merged values against `WardenConfig`'s hints, building it or noting issues."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.issues: list[ConfigIssue] = []

    def fail(self, path: str, message: str) -> Any:
        self.issues.append(ConfigIssue(path, line_of(self.lines, path), message))
        return INVALID

    def build(self, hint: Any, value: object, path: str) -> Any:
        """Build a value of type `hint` from `value`, or record why not and return INVALID."""
        base, extras = unwrap(hint)
        union = options(base)
        if union is not None:
            return self._union(union, value, path)
        if dataclasses.is_dataclass(base):
            return self.section(base, value, path)  # type: ignore[arg-type]
        if get_origin(base) is Literal:
            return self._choice(get_args(base), value, path)
        if get_origin(base) is tuple:
            return self._list(get_args(base)[0], value, path)
        if get_origin(base) is Mapping:
            return self._mapping(get_args(base), value, path)
        return self._scalar(base, extras, value, path)

    def section(self, cls: type, value: object, path: str) -> Any:
        hints = setting_hints(cls)
        if not isinstance(value, dict):
            first, hint = next(iter(hints.items()))
            what = "a group of keys indented on the lines below it"
            return self.wrong_type(path, what, value, f"{first}: {example(hint)}")
        for key in value.keys() - hints.keys():
            self._unknown_key(join_path(path, key), key, list(hints))
        built = {name: self._member(hint, value, name, path) for name, hint in hints.items()}
        if any(item is INVALID for item in built.values()):
            return INVALID
        return cls(**built)

    def _member(self, hint: Any, values: dict[str, object], name: str, path: str) -> Any:
        key_path = join_path(path, name)
        value = values.get(name)
        if value is None and not _nullable(hint):
            return self._missing(hint, key_path, written=key_path in self.lines)
        return self.build(hint, value, key_path)

    def _missing(self, hint: Any, path: str, written: bool) -> Any:
        name = path.rpartition(".")[2]
        if written:
            return self.fail(
                path,
                f"this key has no value; write one after the colon, like {name}: {example(hint)}.",
            )
        return self.fail(
            path, f"this key is required and has no default; add it, like {name}: {example(hint)}."
        )

    def _unknown_key(self, path: str, key: str, known: list[str]) -> None:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        advice = (
            f'did you mean "{close[0]}"?'
            if close
            else f"remove it or fix its spelling (the keys here are {', '.join(known)})."
        )
        self.fail(path, f'"{key}" is not a setting Warden knows; {advice}')

    def wrong_type(self, path: str, what: str, value: object, sample: str | None) -> Any:
        advice = f"; write it like {sample}" if sample else ""
        return self.fail(path, f"expected {what}, found {found(value)}{advice}.")

    def _union(self, members: tuple[Any, ...], value: object, path: str) -> Any:
        if value is None and type(None) in members:
            return None
        real = [m for m in members if m is not type(None)]
        # Pick the member by shape (list, group, single value). A single value that is not one
        # of the words of a `Literal` member gets a message naming every member instead.
        shaped = [m for m in real if _accepts_shape(m, value)]
        if len(shaped) == 1 and (len(real) == 1 or get_origin(shaped[0]) is not Literal):
            return self.build(shaped[0], value, path)
        if len(shaped) == 1 and isinstance(value, str) and value in get_args(shaped[0]):
            return value
        words = " or ".join(_kind(m) for m in real)
        listed = any(get_origin(unwrap(m)[0]) is tuple for m in real)
        sample = f"[{value}]" if listed and isinstance(value, str) else example(real[0])
        return self.wrong_type(path, words, value, sample)

    def _choice(self, allowed: tuple[object, ...], value: object, path: str) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        names = [str(a) for a in allowed]
        close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return self.fail(
            path, f"{found(value)} is not one of {', '.join(names)}{hint}; write one of them."
        )

    def _list(self, item: Any, value: object, path: str) -> Any:
        if not isinstance(value, list):
            sample = f"[{value}]" if isinstance(value, str) else f"[{example(item)}]"
            return self.wrong_type(path, "a list", value, sample)
        built = [self.build(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return INVALID if any(b is INVALID for b in built) else tuple(built)

    def _mapping(self, types_: tuple[Any, Any], value: object, path: str) -> Any:
        if not isinstance(value, dict):
            sample = f"{{{example(types_[0])}: {example(types_[1])}}}"
            return self.wrong_type(path, "a group of keys", value, sample)
        built: dict[str, Any] = {}
        for key, item in value.items():
            key_path = join_path(path, key)
            checked = self._scalar(str, unwrap(types_[0])[1], key, key_path)
            built[key] = self.build(types_[1], item, key_path)
            if checked is INVALID:
                built[key] = INVALID
        if any(b is INVALID for b in built.values()):
            return INVALID
        return frozen_map(built)

    def _scalar(self, base: Any, extras: tuple[object, ...], value: object, path: str) -> Any:
        if base is bool:
            return self._bool(value, path)
        if isinstance(value, list | dict | bool) or value is None:
            rule = text_rule(extras)
            sample = rule.example if rule is not None else example(base)
            return self.wrong_type(path, _what(base, extras), value, sample)
        if base is int:
            return self._count(value, path)
        if base is timedelta:
            minimum = next((e.minimum for e in extras if isinstance(e, Span)), timedelta(seconds=1))
            return self._unit(lambda t: parse_duration(t, minimum), value, path)
        if base is Fraction:
            return self._unit(parse_fraction, value, path)
        return self._text(str(value), extras, path)

    def _bool(self, value: object, path: str) -> Any:
        if isinstance(value, bool):
            return value
        return self.wrong_type(path, "true or false", value, "true")

    def _count(self, value: object, path: str) -> Any:
        if isinstance(value, int) and value >= 0:
            return value
        return self.wrong_type(path, "a whole number, 0 or more", value, "0")

    def _unit(self, parse: Any, value: object, path: str) -> Any:
        try:
            return parse(str(value))
        except UnitError as error:
            return self.fail(path, f"{error}.")

    def _text(self, text: str, extras: tuple[object, ...], path: str) -> Any:
        rule = text_rule(extras)
        if rule is None or re.fullmatch(rule.pattern, text):
            return text
        return self.fail(path, f"{found(text)} is not {rule.what}; write it like {rule.example}.")


def text_rule(extras: tuple[object, ...]) -> Text | None:
    """The `Text` constraint among a hint's extras, if any."""
    return next((e for e in extras if isinstance(e, Text)), None)


def _what(base: Any, extras: tuple[object, ...]) -> str:
    rule = text_rule(extras)
    if rule is not None:
        return rule.what
    words = {int: "a whole number", timedelta: "a duration", Fraction: "a fraction"}
    return words.get(base, "text")


def _kind(hint: Any) -> str:
    """`all`, `a list of repository names`: one member of a union, in words."""
    base, extras = unwrap(hint)
    if get_origin(base) is Literal:
        return " or ".join(str(a) for a in get_args(base))
    if get_origin(base) is tuple:
        item_base, item_extras = unwrap(get_args(base)[0])
        return f"a list of {_what(item_base, item_extras).removeprefix('a ')}s"
    return _what(base, extras)


def _nullable(hint: Any) -> bool:
    members = options(unwrap(hint)[0])
    return members is not None and type(None) in members


def _accepts_shape(hint: Any, value: object) -> bool:
    """Whether `value` has the right shape (list, mapping or single value) for `hint`."""
    base = unwrap(hint)[0]
    if get_origin(base) is tuple:
        return isinstance(value, list)
    if get_origin(base) is Mapping or dataclasses.is_dataclass(base):
        return isinstance(value, dict)
    return not isinstance(value, list | dict)
