"""Text an attacker or a broken page sends: extraction never raises, never builds an impossible
number, and cuts text without sentence ends into bounded pieces (its speed is measured by
benchmarks/extract_growth.py, not asserted here)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefings.extract import extract
from briefings.extract.numbers import find_numbers
from briefings.extract.text import MAX_SENTENCE, sentences

PUB = dt.date(2025, 3, 13)


@pytest.mark.parametrize(
    "text",
    [
        "Officials said " + "9" * 400 + " soldiers had crossed the border.",
        "Officials said 1,000,000,000,000,000,000,000 troops had crossed the border.",
        "Officials said " + "9" * 30 + " troops had crossed the border.",
        "Officials said 5,000,000 troops had crossed the border.",
        "Officials said 99999999999 million troops had crossed the border.",
    ],
)
def test_impossible_head_counts_are_no_estimates(text: str) -> None:
    assert extract(text, PUB, "Daily Ledger").estimates == []


def test_digits_are_read_exactly_without_floats() -> None:
    assert [n.value for n in find_numbers("1.2 million, 2.5 thousand and 0.35 million")] == [1_200_000, 2500, 350_000]
    assert find_numbers("9" * 5000) == []  # past Python's limit on int() of a digit string, too


@pytest.mark.parametrize("when", ["yesterday", "on Monday", "last week", "on Friday, Jan. 3"])
def test_dates_before_the_calendar_begins_fall_back_to_publication(when: str) -> None:
    first_day = dt.date(1, 1, 1)
    (estimate,) = extract(f"The ministry said {when} that 3,000 troops had arrived.", first_day, "Ledger").estimates
    assert estimate.value == 3000
    assert estimate.date in (first_day, dt.date(1, 1, 3))


def test_text_without_sentence_ends_is_cut_into_bounded_pieces() -> None:
    body = "word " * 2000 + "The ministry said 3,000 troops had arrived"
    pieces = sentences(body)
    assert max(len(s.text) for s in pieces) <= MAX_SENTENCE
    assert "".join(s.text + " " for s in pieces).split() == body.split()  # nothing lost at the cuts
    assert [e.value for e in extract(body, PUB, "Ledger").estimates] == [3000]


@pytest.mark.parametrize(
    "odd",
    [
        # letters that matching without case takes for ASCII ones: ſ (long s), ı and İ (Turkish i), K (Kelvin)
        "5 thou\u017fand troops were sent on Tue\u017fday, the mini\u017ftry said.",
        "About 1.2 m\u0131ll\u0131on soldiers arrived in Apr\u0130l, officials said.",
        "\u017fix thousand troops will be deployed by \u212aursk next \u017funday, the \u017fpokesman said.",
    ],
)
def test_letters_that_match_other_letters_without_case_never_break_extraction(odd: str) -> None:
    facts = extract(odd, dt.date(2024, 11, 5), "Ledger")
    plain = odd.replace("\u017f", "s").replace("\u0131", "i").replace("\u0130", "I").replace("\u212a", "K")
    assert [e.value for e in facts.estimates] == [
        e.value for e in extract(plain, dt.date(2024, 11, 5), "Ledger").estimates
    ]


_STORY = (
    """Kirby said told the troops soldiers NIS (NIS) about North Korean 1,000 12,000 two thousand killed Kursk
    he she according to President Anna Berg , . : — “ ” " Q: A: 's Mr. U.S. ( ) 1.2 million 99999 Monday
    yesterday saying added spokesperson ministry of and thou\u017fand Tue\u017fday m\u0131ll\u0131on Apr\u0130l"""
).split()
_WORDS = st.sampled_from([*_STORY, "\n", "\n\n", "\u00a0"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_WORDS, max_size=300), noise=st.text(max_size=200), published=st.none() | st.dates())
def test_any_text_extracts_without_raising(words: list[str], noise: str, published: dt.date | None) -> None:
    body = " ".join(words) + noise
    facts = extract(body, published, "Ledger")
    for fact in [*facts.quotes, *facts.estimates]:
        assert 0 <= fact.evidence.start <= fact.evidence.end <= len(body)
    for e in facts.estimates:
        assert 0 < e.value <= 2_000_000


# names as news copy writes them: titles, capitalised words, "of the" runs, and brackets holding an
# acronym (most often the one the words before it spell, which is what registers an acronym)
_CAPITALISED = ["Name", "Party", "National", "Union", "Council", "Anna", "Berg", "Vardia", "Front", "De", "O’Neil"]
_TITLES = ["President", "Minister", "Gen.", "Dr.", "spokesperson", "head", "leader", "Secretary", "chief", "Mr."]
_LINKS = ["of", "of the", "the", "for", "for the", "from", "at", "and", "de la", "’s", "-"]
_BRACKETS = ["(ABC)", "(NP)", "(NIS)", "(A)", "(ABCDEFG)", "()", "(", ")", "(of)", "(the NP)", "NP"]


@st.composite
def _name_phrase(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from([*_CAPITALISED, *_TITLES, *_LINKS]), min_size=1, max_size=7))
    start = draw(st.integers(0, len(words) - 1))
    spelled = "".join(w[0] for w in " ".join(words[start:]).split() if w[:1].isupper())
    bracket = draw(st.sampled_from(["", f"({spelled})", f"({spelled})", *_BRACKETS]))
    return " ".join([*words, bracket]).strip()


_CLAUSE = st.sampled_from(
    ["said", "told reporters", "said 1,000 troops were sent", "according to", ",", "“We will stay,”", "and", "says"]
)
_NAMED_SENTENCE = st.lists(st.one_of(_name_phrase(), _CLAUSE), min_size=1, max_size=10).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentences=st.lists(_NAMED_SENTENCE, min_size=1, max_size=6))
@example(sentences=["The head of the National Party (NP) said 1,000 troops were sent"])  # the run began at "of"
def test_names_titles_brackets_and_acronyms_extract_without_raising(sentences: list[str]) -> None:
    body = " ".join(f"{s}." for s in sentences)
    facts = extract(body, dt.date(2024, 11, 5), "Ledger")
    for fact in [*facts.quotes, *facts.estimates]:
        assert 0 <= fact.evidence.start <= fact.evidence.end <= len(body)


def test_an_acronym_names_the_words_that_spell_it_not_the_of_before_them() -> None:
    facts = extract("The head of the National Party (NP) said 1,000 troops were sent. The NP said more would follow.")
    assert [e.claimant for e in facts.estimates] == ["National Party head"]
    assert "the National Party" in [e.name for e in facts.entities]
