"""People and bodies as news names them: titles, particles, places, and what stands between a
subject and its verb. Sentences written for these tests."""

import datetime as dt

import pytest

from briefings.extract import extract
from briefings.extract.names import parse_phrase

PUB = dt.date(2025, 3, 13)  # a Thursday


def speaker_of(text: str) -> str | None:
    (quote,) = extract(text, PUB, "Ledger").quotes
    return quote.speaker


def claimant_of(text: str) -> str:
    (estimate,) = extract(text, PUB, "Ledger").estimates
    return estimate.claimant


@pytest.mark.parametrize(
    ("phrase", "name", "role"),
    [
        ("North Korean leader Kim Jong Un", "Kim Jong Un", "leader"),  # "Un" is no UN
        ("Prime Minister Pieter van den Berg", "Pieter van den Berg", "Prime Minister"),
        ("Mayor Ursula de la Vega", "Ursula de la Vega", "Mayor"),
        ("Defence Minister Omar bin Said", "Omar bin Said", "Defence Minister"),
        ("President Jane Roe of Freedonia", "Jane Roe", "President"),
    ],
)
def test_names_stay_whole(phrase: str, name: str, role: str) -> None:
    ref = parse_phrase(phrase)
    assert ref is not None and (ref.name, ref.role) == (name, role)


def test_a_name_of_a_place_keeps_the_place_as_affiliation() -> None:
    ref = parse_phrase("President Jane Roe of Freedonia")
    assert ref is not None and ref.affiliation == "Freedonia"
    assert claimant_of("President Jane Roe of Freedonia said 3,000 troops had crossed the border.") == "Jane Roe"


def test_acronyms_in_capitals_are_bodies_and_names_are_not() -> None:
    un = parse_phrase("the UN")
    assert un is not None and un.kind.value == "body"
    text = "Leader Kim Jong Un toured the base. “We are ready for anything,” he said."
    assert speaker_of(text) == "Kim Jong Un"


@pytest.mark.parametrize(
    "text",
    [
        "The defence ministry on March 3 estimated that 4,000 troops had crossed the border.",
        "The defence ministry on Tuesday night said 4,000 troops had crossed the border.",
        "The defence ministry in a statement said 4,000 troops had crossed the border.",
        "The defence ministry Wednesday said 4,000 troops had crossed the border.",
    ],
)
def test_a_date_or_setting_between_subject_and_verb(text: str) -> None:
    assert claimant_of(text) == "defence ministry"


def test_a_place_narrows_a_plural_subject_and_is_kept() -> None:
    assert claimant_of("Officials in Seoul said 4,000 troops had crossed the border.") == "Officials in Seoul"


def test_a_participle_after_a_dated_subject_belongs_to_that_subject() -> None:
    text = 'The minister on Friday warned that the units were ready, saying "the border will be defended at all cost."'
    assert speaker_of(text) == "minister"


def test_a_phrase_that_opens_with_of_is_read_without_a_role() -> None:
    # "of the harbour board" has no word before "of" to be a role: it was an IndexError
    ref = parse_phrase("of the harbour board")
    assert ref is None or ref.role is None
