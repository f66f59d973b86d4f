"""What the extractor keeps as people and bodies, and the roles it gives them: names, never stray
phrases; titles read whole. Sentences written for these tests."""

import datetime as dt

import pytest

from briefings.extract import extract
from briefings.extract.identity import identity
from briefings.models import EntityKind, EntityRef

PUB = dt.date(2025, 3, 13)  # a Thursday


def entities(text: str) -> dict[str, EntityRef]:
    return {e.name: e for e in extract(text, PUB, "Ledger").entities}


@pytest.mark.parametrize(
    "phrase",
    ["countries", "key Freedonian ally", "aid Ostland's war effort", "neighbouring states", "Anonymous (@SomeHandle)"],
)
def test_a_phrase_that_names_no_one_is_no_entity(phrase: str) -> None:
    assert identity(EntityRef(name=phrase, kind=EntityKind.unknown)) is None


@pytest.mark.parametrize(
    ("name", "kind", "role"),
    [
        ("NATO and Tokyo", EntityKind.body, None),  # several named together
        ("Neither Russia nor Japan", EntityKind.unknown, None),
        ("forces", EntityKind.body, None),  # a bare plural
        ("Harbour District", EntityKind.person, "the agency's headquarters in"),  # a place after a cut phrase
    ],
)
def test_lists_common_nouns_and_cut_titles_name_no_one(name: str, kind: EntityKind, role: str | None) -> None:
    assert identity(EntityRef(name=name, kind=kind, role=role)) is None


def test_a_quotation_mark_before_a_country_leaves_the_country() -> None:
    ref = EntityRef(name="' U.S.", kind=EntityKind.body)
    found = identity(ref)
    assert found is not None and found.name == "United States"


def test_descriptions_and_verb_phrases_are_not_stored_as_names() -> None:
    text = (
        "Ostland has sent 4,000 troops to the border, a key Freedonian ally announced on Monday. "
        "Several countries have offered to aid Ostland's war effort, officials said. "
        "The 'long watch,' U.S. officials said, would go on."
    )
    names = entities(text)
    assert not any("ally" in n or "effort" in n or n == "countries" or n.startswith("'") for n in names), names


def test_an_anonymous_account_is_a_described_claimant_not_an_entity() -> None:
    text = (
        "At least 7,000 North Korean troops have been sent to Russia.\n"
        "— Anonymous (@WatchfulEye) March 10, 2025\n"
        "The defence ministry has not commented."
    )
    facts = extract(text, PUB, "Ledger")
    (estimate,) = facts.estimates
    assert estimate.claimant == "an anonymous account (@WatchfulEye)"
    assert estimate.entity is None or identity(estimate.entity) is None
    assert not any("Anonymous" in e.name for e in facts.entities)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("UN secretary general Tomas Riva voiced concern, saying it was grave.", "Tomas Riva", "UN secretary general"),
        ("The deputy press secretary Dana Velko told reporters so on Monday.", "Dana Velko", "deputy press secretary"),
        ("Vice-President Jane Roe told reporters it was grave.", "Jane Roe", "Vice-President"),
        ("Freedonian Director-General Omar Lind told reporters it was grave.", "Omar Lind", "Director-General"),
    ],
)
def test_a_title_is_read_whole(text: str, name: str, role: str) -> None:
    found = entities(text)
    assert name in found, found
    assert found[name].role is not None and role in found[name].role, found[name]


def test_later_quotes_from_dated_remarks_keep_their_date() -> None:
    text = (
        "“The crossings are open again,” Freedonian Interior Minister Anna Berg told reporters on Monday.\n"
        "“We will keep them open for as long as the weather allows,” she said.\n"
        "“No one should travel at night,” Berg added."
    )
    quotes = extract(text, PUB, "Ledger").quotes
    assert [q.speaker for q in quotes] == ["Anna Berg"] * 3
    monday = dt.date(2025, 3, 10)
    assert [(q.date, q.date_basis.value) for q in quotes] == [(monday, "stated")] * 3


def test_a_statement_in_the_present_is_not_dated_by_earlier_remarks() -> None:
    text = (
        "“The crossings are open again,” Freedonian Interior Minister Anna Berg told reporters on Monday.\n"
        "“We are watching the river every hour,” she says now."
    )
    quotes = extract(text, PUB, "Ledger").quotes
    assert quotes[1].speaker == "Anna Berg"
    assert (quotes[1].date, quotes[1].date_basis.value) == (PUB, "published")


def test_remarks_dated_without_a_quote_date_the_number_said_after() -> None:
    text = (
        "Freedonian Defence Minister Anna Berg briefed lawmakers on Tuesday about the build-up.\n"
        "North Korea has sent 4,000 troops to Russia, she said."
    )
    (estimate,) = extract(text, PUB, "Ledger").estimates
    assert estimate.claimant == "Anna Berg"
    assert (estimate.date, estimate.date_basis.value) == (dt.date(2025, 3, 11), "stated")
