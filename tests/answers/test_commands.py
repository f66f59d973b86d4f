"""The commands' shared vocabulary: lines read like slash commands, values read one way in every face."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.answers.commands import (
    CommandError,
    digest_window,
    parse_count,
    parse_day,
    parse_line,
    parse_moment,
    pick_story,
    plural,
    quoted,
    status_of,
)
from briefings.storyset import StorySet

NOW = dt.datetime(2024, 11, 5, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "command", "values"),
    [
        ("/quote Kirby", "quote", {"speaker": "Kirby"}),
        ("/quote speaker:Kirby contains:fair", "quote", {"speaker": "Kirby", "contains": "fair"}),
        ('quote "John Kirby" contains:"fair game"', "quote", {"speaker": "John Kirby", "contains": "fair game"}),
        ("/estimate status:deployed", "estimate", {"status": "deployed"}),
        ("/estimate status:Deployed", "estimate", {"status": "Deployed"}),  # its story reads it (any case)
        ("/estimate deployed story:hurricane-helene", "estimate", {"status": "deployed", "story": "hurricane-helene"}),
        ("/estimate deployed South Korea", "estimate", {"status": "deployed", "claimant": "South Korea"}),
        ("/timeline 2024-10-01 2024-10-31", "timeline", {"from": "2024-10-01", "to": "2024-10-31"}),
        # multi-word values without quote marks: a value runs to the next option of the command
        ("/estimate claimant:South Korea", "estimate", {"claimant": "South Korea"}),
        ("/estimate claimant:South Korea status:planned", "estimate", {"claimant": "South Korea", "status": "planned"}),
        ("/quote kirby contains:fair game", "quote", {"speaker": "kirby", "contains": "fair game"}),
        ("/estimate deployed South Korea", "estimate", {"status": "deployed", "claimant": "South Korea"}),
        # quote marks are search syntax in /search: a phrase stays a phrase
        ('/search "fair game"', "search", {"text": '"fair game"'}),
        ("/search They're fair game", "search", {"text": "They're fair game"}),
        ("/search kind:quote", "search", {"text": "kind:quote"}),  # not an option of /search
        ("/quote O'Brien", "quote", {"speaker": "O'Brien"}),
        ("/quote 'John Kirby' contains:it's fair", "quote", {"speaker": "John Kirby", "contains": "it's fair"}),
        ("/digest since:12h", "digest", {"since": "12h"}),
    ],
)
def test_lines_read_like_slash_commands(line, command, values) -> None:
    cmd, got = parse_line(line)
    assert cmd.name == command and got == values


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("/nope", "There is no command 'nope'"),
        ("/quote", "/quote needs speaker"),
        ('/quote "unclosed', "unclosed quote mark"),
        ("/about extra", "takes no options; 'extra' is one value too many"),
        ("/quote speaker:a speaker:b", "given speaker twice"),
        ("/" + "x" * 5000, "There is no command 'xxxxxxxx"),
    ],
)
def test_a_bad_line_is_one_sentence(line, problem) -> None:
    with pytest.raises(CommandError, match=problem) as err:
        parse_line(line)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


def test_moments_days_and_periods() -> None:
    assert parse_moment("12h", "since", NOW) == NOW - dt.timedelta(hours=12)
    assert parse_moment("2d", "since", NOW) == NOW - dt.timedelta(days=2)
    assert parse_moment("2024-10-24T08:00", "since", NOW) == dt.datetime(2024, 10, 24, 8, tzinfo=dt.UTC)
    assert parse_day("2024-10-24", "from") == dt.date(2024, 10, 24)
    assert digest_window(None, None, NOW) == (NOW - dt.timedelta(days=1), NOW)
    assert digest_window("2d", None, NOW) == (NOW - dt.timedelta(days=2), NOW)


@pytest.mark.parametrize(
    ("since", "until", "problem"),
    [
        ("9999-12-31T23:59:59-12:00", None, "too far from today"),
        ("0001-01-01T00:00+14:00", None, "too far from today"),
        ("yesterday-ish", None, "is not a time for since"),
        ("2024-11-05", "2024-11-01", "since must be before until"),
    ],
)
def test_a_bad_period_is_one_sentence(since, until, problem) -> None:
    with pytest.raises(CommandError, match=problem):
        digest_window(since, until, NOW)


@pytest.mark.parametrize("value", ["9223372036854775807", "0", "-5", "ten", "1e3", "١٢"])
def test_counts_are_bounded(value) -> None:
    with pytest.raises(CommandError, match="--limit must be a whole number from 1 to 1,000"):
        parse_count(value, "--limit")
    assert parse_count("1,000", "--limit") == 1000


def test_an_input_repeated_in_an_error_is_cut_and_kept_on_one_line() -> None:
    assert quoted("x" * 100_000) == "'" + "x" * 59 + "…'"
    assert quoted("two\nlines") == "'two lines'"
    assert plural(1, "quote") == "1 quote" and plural(2, "quote") == "2 quotes"
    assert plural(1_200, "match", "matches") == "1,200 matches"


def test_a_story_or_status_it_lacks_is_one_sentence_in_every_face() -> None:
    stories = StorySet.load()
    assert pick_story(stories, None).name == "north-korean-troops"  # the default, when none is named
    assert pick_story(stories, "Hurricane-Helene").name == "hurricane-helene"
    assert status_of(pick_story(stories, "hong-kong-protests"), "Crowd") == "attended"  # by its label too
    with pytest.raises(CommandError, match=r"^There is no story 'volcano'; the stories are hong-kong-protests, "):
        pick_story(stories, "volcano")
    with pytest.raises(CommandError, match=r"^'deployed' is not a status of hurricane-helene; its statuses are killed"):
        status_of(pick_story(stories, "hurricane-helene"), "deployed")
    several = StorySet(stories, default=None)  # no default: a command names its story
    with pytest.raises(CommandError, match=r"^Name a story: hong-kong-protests, hurricane-helene and"):
        pick_story(several, "")
    only = StorySet([pick_story(stories, "hurricane-helene")], default=None)
    assert pick_story(only, None).name == "hurricane-helene"  # one story: it may be left out
