"""Durations and fractions as written in warden.yml: parsing, formatting, round trips."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.units import (
    LONGEST,
    UnitError,
    duration_words,
    format_duration,
    format_fraction,
    parse_duration,
    parse_fraction,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("90m", timedelta(minutes=90)),
        ("36h", timedelta(hours=36)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(days=14)),
        (" 7d ", timedelta(days=7)),
    ],
)
def test_durations_in_every_documented_unit_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the duration is empty; write a whole number followed by s, m, h, d or w, like 7d"),
        ("7", '"7" has no unit; write it like 7d (days) or 7h'),
        ("-3d", '"-3d" is negative; write a whole number followed by s, m, h, d or w'),
        ("0d", '"0d" is zero; write a positive duration like 7d'),
        ("7 days", '"7 days" is not a duration; write a whole number followed by s, m, h, d or w'),
        ("1.5d", '"1.5d" is not a duration'),
        ("1d12h", '"1d12h" is not a duration'),
        ("4000d", '"4000d" is longer than ten years; write a shorter duration'),
    ],
)
def test_bad_durations_say_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_duration(text)
    assert str(caught.value).startswith(message)


def test_zero_is_accepted_where_the_key_allows_it() -> None:
    assert parse_duration("0s", minimum=timedelta(0)) == timedelta(0)


def test_a_duration_below_the_key_minimum_names_the_minimum() -> None:
    with pytest.raises(UnitError, match='"30s" is too short; write at least 1m'):
        parse_duration("30s", minimum=timedelta(minutes=1))


@pytest.mark.parametrize(
    ("value", "written", "words"),
    [
        (timedelta(days=14), "14d", "14 days"),
        (timedelta(hours=36), "36h", "36 hours"),
        (timedelta(minutes=90), "90m", "90 minutes"),
        (timedelta(seconds=61), "61s", "61 seconds"),
        (timedelta(days=1), "1d", "1 day"),
        (timedelta(0), "0s", "0 seconds"),
    ],
)
def test_durations_are_written_in_the_largest_whole_unit(
    value: timedelta, written: str, words: str
) -> None:
    assert format_duration(value) == written
    assert duration_words(value) == words


def test_a_sub_second_duration_cannot_be_written() -> None:
    with pytest.raises(ValueError):
        format_duration(timedelta(milliseconds=1500))


@given(st.integers(min_value=1, max_value=int(LONGEST.total_seconds())))
def test_durations_round_trip_through_format_and_parse(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2/3", Fraction(2, 3)),
        ("2 / 3", Fraction(2, 3)),
        ("66.7%", Fraction(667, 1000)),
        ("50%", Fraction(1, 2)),
        ("100%", Fraction(1)),
        ("0.5", Fraction(1, 2)),
        ("1", Fraction(1)),
    ],
)
def test_fractions_as_ratio_percentage_or_decimal_parse(text: str, expected: Fraction) -> None:
    assert parse_fraction(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("two thirds", '"two thirds" is not a fraction; write it like 2/3 or 66.7%'),
        ("", "the fraction is empty; write it like 2/3 or 66.7%"),
        ("2/0", '"2/0" is not a fraction; write it like 2/3 or 66.7%'),
        ("0%", '"0%" is not more than 0; write it like 2/3 or 66.7%'),
        ("3/2", '"3/2" is more than 1 (all); write it like 2/3 or 66.7%'),
        ("-1/2", '"-1/2" is not a fraction; write it like 2/3 or 66.7%'),
    ],
)
def test_bad_fractions_say_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_fraction(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Fraction(2, 3), "2/3"),
        (Fraction(1, 2), "1/2"),
        (Fraction(1), "1/1"),
        (Fraction(667, 1000), "66.7%"),
        (Fraction(3, 4), "3/4"),
        (Fraction(51, 100), "51%"),
        (Fraction(1, 11), "1/11"),
    ],
)
def test_fractions_are_written_as_small_ratios_or_exact_percentages(
    value: Fraction, written: str
) -> None:
    assert format_fraction(value) == written


@given(st.fractions(min_value=0, max_value=1, max_denominator=10**6).filter(lambda f: f > 0))
def test_fractions_round_trip_through_format_and_parse(value: Fraction) -> None:
    assert parse_fraction(format_fraction(value)) == value


@given(st.integers(min_value=1, max_value=1000))
def test_percentages_with_one_decimal_round_trip(tenths: int) -> None:
    written = f"{tenths // 10}.{tenths % 10}%"
    assert parse_fraction(format_fraction(parse_fraction(written))) == Fraction(tenths, 1000)
