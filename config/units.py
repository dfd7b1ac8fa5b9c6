"""Durations (`7d`) and fractions (`2/3`, `66.7%`) as written in warden.yml: parse, format, say."""

from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction

UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
"""Duration units. `w` (weeks) is accepted; formatting never produces it (`14d` stays `14d`)."""

UNIT_WORDS = {"d": "day", "h": "hour", "m": "minute", "s": "second"}
LONGEST = timedelta(days=3653)
"""No duration in the file may exceed ten years: anything longer is a typo."""

_DURATION = re.compile(r"(\d+)([smhdw])")
_RATIO = re.compile(r"(\d+)\s*/\s*(\d+)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_NUMBER = re.compile(r"\d+")
_DURATION_HINT = "write a whole number followed by s, m, h, d or w, like 7d or 36h"
_FRACTION_HINT = "write it like 2/3 or 66.7%"


class UnitError(ValueError):
    """A duration or fraction that cannot be read; the message says how to write it."""


def parse_duration(text: str, minimum: timedelta = timedelta(seconds=1)) -> timedelta:
    """Read `30s`, `90m`, `36h`, `7d` or `2w`; reject empty, unitless, negative and too small."""
    written = text.strip()
    if not written:
        raise UnitError(f"the duration is empty; {_DURATION_HINT}")
    if written.startswith("-"):
        raise UnitError(f'"{written}" is negative; {_DURATION_HINT}')
    if _NUMBER.fullmatch(written):
        raise UnitError(f'"{written}" has no unit; write it like {written}d (days) or {written}h')
    match = _DURATION.fullmatch(written)
    if match is None:
        raise UnitError(f'"{written}" is not a duration; {_DURATION_HINT}')
    value = timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])
    if value > LONGEST:
        raise UnitError(f'"{written}" is longer than ten years; write a shorter duration')
    if value < minimum:
        return _too_small(written, value, minimum)
    return value


def _too_small(written: str, value: timedelta, minimum: timedelta) -> timedelta:
    if not value:
        raise UnitError(f'"{written}" is zero; write a positive duration like 7d')
    raise UnitError(f'"{written}" is too short; write at least {format_duration(minimum)}')


def format_duration(value: timedelta) -> str:
    """The shortest way to write a whole-second duration: 36h, not 129600s; 14d, not 2w."""
    seconds = _whole_seconds(value)
    for unit in ("d", "h", "m", "s"):
        if seconds % UNIT_SECONDS[unit] == 0 and (seconds or unit == "s"):
            return f"{seconds // UNIT_SECONDS[unit]}{unit}"
    raise AssertionError("unreachable: every whole number of seconds divides by 1")


def duration_words(value: timedelta) -> str:
    """A duration for people: `7 days`, `1 hour`, `90 minutes`."""
    written = format_duration(value)
    count, unit = int(written[:-1]), written[-1]
    return f"{count} {UNIT_WORDS[unit]}{'' if count == 1 else 's'}"


def _whole_seconds(value: timedelta) -> int:
    if value.microseconds or value < timedelta(0):
        raise ValueError(f"{value!r} is not a non-negative whole number of seconds")
    return value.days * 86_400 + value.seconds


def parse_fraction(text: str) -> Fraction:
    """Read `2/3`, `66.7%` or `0.5` as an exact fraction f with 0 < f <= 1."""
    written = text.strip()
    if not written:
        raise UnitError(f"the fraction is empty; {_FRACTION_HINT}")
    value = _read_fraction(written)
    if value is None:
        raise UnitError(f'"{written}" is not a fraction; {_FRACTION_HINT}')
    if value <= 0:
        raise UnitError(f'"{written}" is not more than 0; {_FRACTION_HINT}')
    if value > 1:
        raise UnitError(f'"{written}" is more than 1 (all); {_FRACTION_HINT}')
    return value


def _read_fraction(written: str) -> Fraction | None:
    if match := _RATIO.fullmatch(written):
        if int(match[2]) == 0:
            return None
        return Fraction(int(match[1]), int(match[2]))
    if match := _PERCENT.fullmatch(written):
        return Fraction(match[1]) / 100
    if _DECIMAL.fullmatch(written):
        return Fraction(written)
    return None


def format_fraction(value: Fraction) -> str:
    """`2/3` for small denominators, `66.7%` when a percentage is exact, else `n/d`."""
    if value.denominator <= 10:
        return f"{value.numerator}/{value.denominator}"
    percent = _exact_decimal(value * 100)
    return f"{percent}%" if percent is not None else f"{value.numerator}/{value.denominator}"


def _exact_decimal(value: Fraction) -> str | None:
    """`66.7` for 667/10; None when the decimal expansion never ends (1/3)."""
    rest, places = value.denominator, 0
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return None
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(int(value * 10**places)).rjust(places + 1, "0")
    return digits if not places else f"{digits[:-places]}.{digits[-places:]}"
