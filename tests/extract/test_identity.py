"""One person or body however an article names it (names written for these tests)."""

import pytest

from briefings.extract.identity import identity, speaks_for
from briefings.extract.names import parse_phrase, similar_names
from briefings.models import EntityKind, EntityRef


def key(name: str, kind: EntityKind = EntityKind.body, **kw: str) -> str | None:
    found = identity(EntityRef(name=name, kind=kind, **kw))
    return found.key if found else None


@pytest.mark.parametrize(
    "names",
    [
        ["U.S.", "US", "the United States", "America", "Washington", "US officials", "American officials"],
        ["South Korea", "Seoul", "officials in Seoul", "South Korean officials"],
        [
            "South Korea's spy agency",
            "Seoul’s intelligence service",
            "South Korean intelligence",
            "the National Intelligence Service",
            "NIS",
            "Seoul's National Intelligence Service",
            "South Koreaʹs state intelligence agency",
        ],
        ["Ukraine's military intelligence agency", "Ukrainian military intelligence", "HUR", "Kyiv's spy agency"],
        ["Seoul's defence ministry", "the Ministry of Defense of South Korea", "South Korean Defense Ministry"],
        ["Russia's foreign ministry", "the Russian Foreign Affairs Ministry", "Ministry of Foreign Affairs of Russia"],
        ["State Department", "the US State Department", "the U.S. State Department"],
    ],
)
def test_the_names_of_one_body_are_one_identity(names: list[str]) -> None:
    keys = {key(n) for n in names}
    assert len(keys) == 1 and None not in keys, {n: key(n) for n in names}


def test_different_bodies_stay_apart() -> None:
    assert len({key("Seoul's defence ministry"), key("Seoul's foreign ministry"), key("Seoul")}) == 3
    assert key("the Kremlin") != key("Russia")
    assert key("Washington and Kyiv") != key("Washington")
    assert key("NATO") != key("United States")


def test_a_country_and_its_agency_show_their_own_names() -> None:
    us = identity(EntityRef(name="U.S.", kind=EntityKind.body))
    nis = identity(EntityRef(name="South Korea's spy agency", kind=EntityKind.body))
    assert us is not None and us.name == "United States"
    assert nis is not None and nis.name == "National Intelligence Service"


@pytest.mark.parametrize("phrase", ["the soldier", "one of the prisoners", "a senior official", "questioner"])
def test_people_only_described_are_nobody_in_particular(phrase: str) -> None:
    ref = parse_phrase(phrase) or EntityRef(name=phrase, kind=EntityKind.person, role=phrase)
    assert identity(ref) is None


def test_plural_generics_are_nobody_in_particular() -> None:
    assert key("officials") is None and key("sources") is None


@pytest.mark.parametrize(
    ("phrase", "body"),
    [
        ("National Security Council spokesperson John Kirby", "National Security Council"),
        ("Deputy Pentagon Press Secretary Sabrina Singh", "Pentagon"),
        ("Kremlin spokesman Dmitry Peskov", "Kremlin"),
    ],
)
def test_a_spokesperson_speaks_for_the_body_of_their_role(phrase: str, body: str) -> None:
    ref = parse_phrase(phrase)
    assert ref is not None and ref.kind is EntityKind.person
    spoken = speaks_for(ref)
    assert spoken is not None and spoken.name == body


def test_a_spokesperson_for_a_named_body() -> None:
    ref = EntityRef(name="Jeon Ha-kyou", kind=EntityKind.person, role="a spokesperson for Seoul’s defence ministry")
    spoken = speaks_for(ref)
    assert spoken is not None and key(spoken.name) == key("South Korean Defense Ministry")
    assert speaks_for(EntityRef(name="Tomas Riva", kind=EntityKind.person, role="analyst")) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Kirill Budanov", "Kyrylo Budanov", True),
        ("Sergei Shoigu", "Sergey Shoigu", True),
        ("Volodymyr Zelensky", "Volodymyr Zelenskyy", True),
        ("Kim Jong Un", "Kim Jong Il", False),
        ("Anna Berg", "Hanna Berg", False),
    ],
)
def test_transliterations_of_one_name(a: str, b: str, same: bool) -> None:
    assert similar_names(a, b) is same


def test_words_that_describe_a_body_do_not_make_another() -> None:
    assert key("state-run Korean Central News Agency") == key("the Korean Central News Agency")
    assert key("top US officials") == key("United States") == key("senior American officials")


def test_several_named_together_are_no_one_entity() -> None:
    assert key("Seoul, Washington and Kyiv") is None
    assert key("Ukrainian and South Korean intelligence") is None
    assert key("Ministry of Foreign Affairs and Trade") is not None
