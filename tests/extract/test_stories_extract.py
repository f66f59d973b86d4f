"""Estimates by story: each story's nouns, exclusions and status cues decide what a number counts.

Every sentence here is invented for the test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from briefings import cli
from briefings.extract import extract
from briefings.story import Story, find_story, load_story

PUB = dt.date(2031, 5, 14)
STORIES = Path(__file__).parents[2] / "briefings" / "stories"


def found(text: str, story: Story | str | None, outlet: str = "Daily Ledger") -> list[tuple[str, int, str, str]]:
    s = find_story(story) if isinstance(story, str) else story
    return [(e.claimant, e.value, e.qualifier.value, e.status) for e in extract(text, PUB, outlet, s).estimates]


def copied(tmp_path: Path, bundled: str, name: str, any_of: str) -> Story:
    """A bundled story file copied with another name and topic, as a user starts a new story."""
    text = (STORIES / f"{bundled}.toml").read_text(encoding="utf-8")
    old_name = f'name = "{bundled}"'
    assert old_name in text
    text = text.replace(old_name, f'name = "{name}"')
    head, _, rest = text.partition("\n[topic]\n")
    _, _, rest = rest.partition("\n[quantity]\n")
    text = f'{head}\n[topic]\nany_of = ["{any_of}"]\n\n[quantity]\n{rest}'
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_story(path)


@pytest.fixture
def quake(tmp_path: Path) -> Story:
    return copied(tmp_path, "hurricane-helene", "lowland-earthquake", "earthquake")


@pytest.fixture
def strike(tmp_path: Path) -> Story:
    return copied(tmp_path, "hong-kong-protests", "dockers-strike", "dockers")


def test_dead_and_missing_in_one_article_are_two_estimates(quake):
    text = (
        "The earthquake in the Orvel valley has killed at least 14 people, the regional governor, Mira Tamsin, said. "
        "Another 30 residents are still unaccounted for in the mountain villages, according to the fire service."
    )
    assert found(text, quake) == [
        ("Mira Tamsin", 14, "at_least", "killed"),
        ("fire service", 30, "exact", "missing"),
    ]


def test_several_tolls_in_one_sentence_each_take_their_own_status(quake):
    text = "Officials said 23 people died, 140 were injured and 61 remain missing after the earthquake."
    assert found(text, quake) == [
        ("Officials", 23, "exact", "killed"),
        ("Officials", 140, "exact", "injured"),
        ("Officials", 61, "exact", "missing"),
    ]


def test_rescued_people_and_responders_are_no_toll(quake):
    assert found("Firefighters rescued 250 people from collapsed buildings on Tuesday.", quake) == []
    assert found("More than 1,200 soldiers and 300 volunteers joined the search.", quake) == []
    # the exclusion is nearer to its number than the toll's cue
    text = "Crews pulled 85 people alive from the rubble, and 9 bodies were recovered."
    assert found(text, quake) == [("Daily Ledger", 9, "exact", "killed")]


def test_displaced_people_in_shelters(quake):
    text = "About 4,500 people were staying in emergency shelters on Sunday, Mayor Lin Orsa said."
    assert found(text, quake) == [("Lin Orsa", 4500, "approx", "displaced")]


def test_a_toll_listed_by_place_shares_its_noun(quake):
    text = "The province reported 31 deaths in Alder County, 12 in Birch County and 4 in Cedar County."
    assert [(v, s) for _, v, _, s in found(text, quake)] == [(31, "killed"), (12, "killed"), (4, "killed")]


def test_another_event_named_by_its_year_is_no_count(quake):
    text = "It is the deadliest earthquake since the 1987 tremor, which killed 410 people."
    assert found(text, quake) == []


def test_ages_and_sizes_are_no_count(quake):
    text = "A 7-year-old boy and his grandmother, 81, died when a wall collapsed in a 3-storey building."
    assert found(text, quake) == []


def test_crowd_and_arrests_are_two_estimates(strike):
    text = (
        "Organisers said 45,000 people marched through the port city on Saturday.\n\n"
        "Police arrested 120 protesters after clashes near the harbour office."
    )
    assert found(text, strike) == [
        ("Organisers", 45000, "exact", "attended"),
        ("Daily Ledger", 120, "exact", "arrested"),
    ]


def test_protesters_arrested_are_arrests_not_a_crowd(strike):
    text = "At least 38 protesters were detained overnight, a police spokesman said."
    assert found(text, strike) == [("police spokesman", 38, "at_least", "arrested")]


def test_police_deployed_and_tear_gas_are_no_count(strike):
    assert found("Some 3,000 police officers were deployed along the route of the march.", strike) == []
    assert found("Officers fired 90 rounds of tear gas at the crowd.", strike) == []


def test_injured_officers_count_as_injured(strike):
    text = "Twelve officers were injured in the clashes, the police chief said."
    assert found(text, strike) == [("police chief", 12, "exact", "injured")]


def test_the_bundled_stories_read_the_same_sentences_as_their_copies(quake, strike):
    tolls = "Officials said 23 people died and 61 remain missing."
    assert found(tolls, quake) == found(tolls, "hurricane-helene")
    crowd = "Organisers said 45,000 people marched, and police arrested 120 people."
    assert found(crowd, strike) == found(crowd, "hong-kong-protests")


def test_the_seed_story_is_the_default_and_keeps_its_statuses():
    text = (
        "Pyongyang has sent 11,000 soldiers to Russia, the ministry said. "
        "More than 3,000 of them have been killed or wounded in the Kursk region, officials said."
    )
    default = found(text, None)
    assert default == found(text, "north-korean-troops")
    assert [(v, s) for _, v, _, s in default] == [(11000, "deployed"), (3000, "casualties")]
    # a troop count is no count of a disaster's toll
    assert found("Pyongyang has sent 11,000 soldiers to Russia, the ministry said.", "hurricane-helene") == []


def test_cli_extract_takes_a_story_by_name_or_path(tmp_path, capsys, quake):
    article = tmp_path / "article.txt"
    article.write_text("Officials said 23 people died after the earthquake.\n", encoding="utf-8")
    assert cli.main(["extract", "--story", "hurricane-helene", str(article)]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert [(e["value"], e["status"]) for e in by_name["estimates"]] == [(23, "killed")]
    assert cli.main(["extract", "--story", str(tmp_path / "lowland-earthquake.toml"), str(article)]) == 0
    assert json.loads(capsys.readouterr().out)["estimates"] == by_name["estimates"]
    assert cli.main(["extract", "--story", "volcano", str(article)]) == 2
    assert "volcano: no such story" in capsys.readouterr().err


def test_an_elliptical_list_credits_each_place_with_its_own_number(quake):
    text = "After the earthquake, Freedonia's agency reported 12 deaths, Vardia 7 and Ostland 3."
    assert found(text, quake) == [
        ("Freedonia's agency", 12, "exact", "killed"),
        ("Vardia", 7, "exact", "killed"),
        ("Ostland", 3, "exact", "killed"),
    ]


def test_a_list_of_places_after_one_reporter_stays_the_reporter(quake):
    text = "After the earthquake, officials reported 10 deaths in Alder County and 5 in Birch County."
    assert [(c, v) for c, v, _, _ in found(text, quake)] == [("officials", 10), ("officials", 5)]


@pytest.mark.parametrize("by", ["a tally by", "a count by", "an analysis by", "data compiled by"])
def test_a_count_by_someone_is_theirs(quake, by):
    text = f"The earthquake killed 47 people, according to {by} the Morning Courier."
    assert found(text, quake) == [("Morning Courier", 47, "exact", "killed")]


@pytest.mark.parametrize(
    "text",
    [
        "Mourners at the earthquake vigil on March 3 said that 12 people were killed.",
        "Two days after the earthquake, the search for survivors continued as 12 people died in hospital.",
        "Gangs attacked people believed to be earthquake survivors, leaving 12 people dead.",
    ],
)
def test_a_date_or_a_general_noun_is_no_claimant(quake, text):
    assert found(text, quake) == [("Daily Ledger", 12, "exact", "killed")]


def test_a_reporter_of_a_later_clause_does_not_claim_the_number_before_it(quake):
    text = "After the earthquake, 9 deaths were reported in Alder, and the Birch Relief Office has reported 4 deaths."
    assert [(c, v) for c, v, _, _ in found(text, quake)] == [("Daily Ledger", 9), ("Birch Relief Office", 4)]


def test_a_report_closing_two_clauses_claims_both(quake):
    text = "After the earthquake, 9 people died, and 20 were injured, the Birch Relief Office said."
    assert [(c, v) for c, v, _, _ in found(text, quake)] == [("Birch Relief Office", 9), ("Birch Relief Office", 20)]


def test_a_county_sheriff_claims_the_toll(quake):
    text = "In the valley, 35 people have died in the earthquake, the county sheriff said at a briefing."
    assert found(text, quake) == [("county sheriff", 35, "exact", "killed")]


# ----------------------------------------------------------------- how tolls are told in news copy


def test_a_toll_nearing_a_number_is_hedged(quake):
    text = "The earthquake's death toll was nearing 140 on Sunday, the Alder County coroner said."
    assert found(text, quake) == [("Alder County coroner", 140, "up_to", "killed")]


@pytest.mark.parametrize(
    "text",
    [
        "The death toll across three provinces — Alder, Birch and Cedar — was at least 61 on Sunday, "
        "the Valley Courier reported.",
        "The earthquake's toll in the valley – the worst in a century – rose to at least 61 on Sunday, "
        "the Valley Courier reported.",
    ],
)
def test_a_cue_before_an_aside_between_dashes_still_tells_the_status(quake, text):
    assert found(text, quake) == [("Valley Courier", 61, "at_least", "killed")]


@pytest.mark.parametrize(
    "sum_sentence",
    [
        "This brings the total confirmed deaths to nine.",
        "That brings the earthquake's death toll in the valley to nine.",
    ],
)
def test_the_outlets_own_sum_is_the_outlets(quake, sum_sentence):
    text = f"Mayor Ilse Varga also confirmed two deaths in Alder after the earthquake. {sum_sentence}"
    assert found(text, quake) == [("Ilse Varga", 2, "exact", "killed"), ("Daily Ledger", 9, "exact", "killed")]


@pytest.mark.parametrize("between", [" ", "\n\n"])
def test_the_parts_of_a_count_told_after_it_count_what_it_counts(quake, between):
    text = (
        f"The fire service said 90 people remain missing after the earthquake.{between}"
        "That number includes 50 people from Alder, two from Birch and 15 from Cedar."
    )
    assert found(text, quake) == [
        ("fire service", 90, "exact", "missing"),
        ("fire service", 50, "exact", "missing"),
        ("fire service", 2, "exact", "missing"),
        ("fire service", 15, "exact", "missing"),
    ]


def test_a_sentence_naming_a_source_of_its_own_breaks_nothing_down(quake):
    text = (
        "The fire service said 90 people remain missing after the earthquake. "
        "That number includes 50 people from Alder, the Alder mayor, Ilse Varga, said."
    )
    assert found(text, quake) == [("fire service", 90, "exact", "missing"), ("Ilse Varga", 50, "exact", "missing")]


@pytest.mark.parametrize("source", ["a tally from", "a list released by", "figures from"])
def test_a_count_in_a_tally_from_someone_is_theirs(quake, source):
    text = f"These are three of the 95 deaths recorded in {source} the Provincial Health Office on Friday."
    assert found(text, quake) == [("Provincial Health Office", 95, "exact", "killed")]


def test_according_to_at_the_head_of_a_paragraph_goes_on_through_it(quake):
    text = (
        "According to the health office, Alder suffered 42 deaths in the earthquake, the most of any district. "
        "Birch had the next highest, with 11, followed by seven in Cedar.\n\n"
        "Rescuers in Dornach found 3 bodies on Monday."
    )
    assert found(text, quake) == [
        ("health office", 42, "exact", "killed"),
        ("health office", 11, "exact", "killed"),
        ("health office", 7, "exact", "killed"),
        ("Daily Ledger", 3, "exact", "killed"),
    ]


def test_a_source_of_something_else_heading_a_paragraph_does_not_go_on(quake):
    text = (
        "According to the weather service, rainfall after the earthquake reached 30 inches in Alder. "
        "The hardest-hit towns include Alder, with 42 deaths, and Birch with 11."
    )
    assert found(text, quake) == [("Daily Ledger", 42, "exact", "killed"), ("Daily Ledger", 11, "exact", "killed")]


def test_a_body_that_gave_figures_is_it_in_the_next_sentence(strike):
    text = (
        "Organizers of the dockers' march on May 1 said that over 60,000 people took part. "
        "The Port City Opinion Research Institute (PCORI) gave different estimates. "
        "It said at least 52,000 people marched along the quay at the peak."
    )
    assert ("Port City Opinion Research Institute", 52000, "at_least", "attended") in found(text, strike)


@pytest.mark.parametrize("who", ["organisers", "organizers"])
def test_the_organisers_of_a_protest_claim_its_crowd(strike, who):
    text = f"About 3,000 students joined the dockers' march on Sunday, {who} said."
    assert found(text, strike) == [(who, 3000, "approx", "attended")]


@pytest.mark.parametrize("deaths", ["30 earthquake deaths", "30 quake-related deaths"])
def test_the_topics_own_word_may_stand_before_the_noun(quake, deaths):
    text = f"Local media in Alder reported {deaths} on Monday."
    assert found(text, quake) == [("Local media", 30, "exact", "killed")]


def test_a_crowd_told_by_its_verb_and_a_turnout_put_at_a_number(strike):
    text = (
        "Police estimated the crowd at the dockers' rally at 25,000, while organisers said 100,000 took part. "
        "The union's march drew about 80,000 people, union leaders said, while police put the turnout at 30,000."
    )
    assert found(text, strike) == [
        ("Police", 25000, "exact", "attended"),
        ("organisers", 100000, "exact", "attended"),
        ("union leaders", 80000, "approx", "attended"),
        ("Police", 30000, "exact", "attended"),
    ]


def test_a_count_of_rallies_is_no_crowd(strike):
    assert found("The dockers' union held 2,000 rallies last year.", strike) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The earthquake has claimed at least 33 lives in the province.", [("Daily Ledger", 33, "at_least", "killed")]),
        ("The earthquake changed the lives of 300 people in the valley.", []),
        (
            "Rescue teams were still searching for 17 people after the earthquake.",
            [("Daily Ledger", 17, "exact", "missing")],
        ),
        ("Aid groups say the earthquake's toll in Alder is closer to 100.", [("Aid groups", 100, "approx", "killed")]),
    ],
)
def test_lives_claimed_people_searched_for_and_a_toll_closer_to(quake, text, expected):
    assert found(text, quake) == expected


def test_detentions_are_arrests(strike):
    text = "The rights group Open Watch said it had recorded 1,200 detentions during the dockers' strike."
    assert found(text, strike) == [("Open Watch", 1200, "exact", "arrested")]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("Three of them were children.", []),
        ("Six of those have since been found alive.", []),
        ("Three of them later died, the coroner said.", [("coroner", 3, "exact", "killed")]),
    ],
)
def test_a_part_of_the_count_before_is_no_count_of_its_own_unless_it_died(quake, after, expected):
    text = f"The emergency manager, Tom Berg, said 40 people were hurt in the earthquake. {after}"
    assert found(text, quake) == [("Tom Berg", 40, "exact", "injured"), *expected]


def test_a_figure_in_a_new_paragraph_counts_what_the_count_before_counted(quake):
    text = (
        "The earthquake's death toll rose to 40 on Monday.\n\n"
        "In Birch County, the number climbed to 12, the sheriff said.\n\n"
        "In Cedar, 9 schools were closed."
    )
    assert found(text, quake) == [("Daily Ledger", 40, "exact", "killed"), ("sheriff", 12, "exact", "killed")]


def test_a_place_before_the_speakers_role_is_no_name_of_theirs(quake):
    text = "The earthquake killed 40 people in Alder, the county sheriff said."
    assert found(text, quake) == [("county sheriff", 40, "exact", "killed")]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("The Valley Courier counted at least 230 earthquake deaths across six provinces.", "Valley Courier"),
        ("A Valley Courier tally found at least 230 earthquake deaths.", "Valley Courier"),
        ("Per the state health office, at least 230 people have died in the earthquake.", "state health office"),
        ("At least 230 people have died in the earthquake, per the state health office.", "state health office"),
        ("Rescuers found at least 230 bodies after the earthquake.", "Daily Ledger"),
    ],
)
def test_who_counted_a_toll(quake, text, who):
    assert found(text, quake) == [(who, 230, "at_least", "killed")]


def test_per_cent_is_no_source(quake):
    text = "Losses ran to 5 per cent of output after the earthquake, which killed 40 people."
    assert found(text, quake) == [("Daily Ledger", 40, "exact", "killed")]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            "More than 100,000 people marched in the dockers' protest on Sunday, by the organisers' estimate.",
            "organisers",
        ),
        ("By police count, more than 100,000 people joined the dockers' march.", "police"),
        ("More than 100,000 people joined the dockers' march, by one count.", "Daily Ledger"),
    ],
)
def test_whose_count_a_crowd_is_by(strike, text, who):
    assert found(text, strike) == [(who, 100000, "more_than", "attended")]


# Carried to other events: kinds of sentence met first in articles of events nobody tuned the files to.


@pytest.mark.parametrize(
    "text",
    [
        "The earthquake left 4,000 people homeless and 900 injured, according to a bulletin issued by the Relief Agency.",
        "The earthquake left 4,000 people homeless and 900 injured, according to a bulletin released Friday by the Relief Agency.",
        "The earthquake left 4,000 people homeless and 900 injured, according to new figures from the Relief Agency.",
    ],
)
def test_a_document_is_its_issuers_claim(quake, text):
    assert found(text, quake) == [
        ("Relief Agency", 4000, "exact", "displaced"),
        ("Relief Agency", 900, "exact", "injured"),
    ]


def test_a_report_tweeted_by_a_minister_is_the_ministers(strike):
    text = (
        "Some 80 people were detained at the dockers' march and 45 officers hurt, according to a preliminary report tweeted by the "
        "labour minister, Ana Lopes."
    )
    assert found(text, strike) == [("Ana Lopes", 80, "approx", "arrested"), ("Ana Lopes", 45, "exact", "injured")]


def test_a_source_named_in_the_sentence_beats_the_one_before(quake):
    text = (
        "The regional police gave an earthquake toll of 120 on Monday.\n\n"
        "According to the health ministry, 18 people were killed in the hills after the earthquake."
    )
    assert found(text, quake) == [
        ("regional police", 120, "exact", "killed"),
        ("health ministry", 18, "exact", "killed"),
    ]


def test_a_group_or_the_unions_that_counted_claim_it(strike):
    text = "At the dockers' rally, the unions counted 30,000 marchers."
    assert found(text, strike) == [("unions", 30000, "exact", "attended")]
    text = "While police announced 20 arrests at the dockers' march, rights groups confirmed the deaths of 4 marchers."
    assert found(text, strike) == [("police", 20, "exact", "arrested"), ("rights groups", 4, "exact", "killed")]


def test_a_toll_that_climbed_past_a_figure_is_more_than_it(quake):
    assert found("The earthquake's death toll climbed past 3,100 on Tuesday.", quake) == [
        ("Daily Ledger", 3100, "more_than", "killed")
    ]
    assert found("In the past 24 hours the earthquake killed 31 people.", quake) == [
        ("Daily Ledger", 31, "exact", "killed")
    ]


def test_a_peoples_adjective_before_the_noun(strike):
    assert found("Police said three Kurdish marchers at the dockers' rally were killed.", strike) == [
        ("Police", 3, "exact", "killed")
    ]
    assert found("About 2,000 Nigerian protesters joined the dockers' rally.", strike) == [
        ("Daily Ledger", 2000, "approx", "attended")
    ]


def test_protest_words_any_movement_uses(strike):
    assert found("About 15,000 people demonstrated against the dockers' layoffs.", strike) == [
        ("Daily Ledger", 15000, "approx", "attended")
    ]
    assert found("The crackdown on the dockers has claimed 14 lives, the union said.", strike) == [
        ("union", 14, "exact", "killed")
    ]
    assert found("The union confirmed the killing of 6 dockers' protesters.", strike) == [
        ("union", 6, "exact", "killed")
    ]


def test_a_toll_that_claimed_lives_is_no_claim_of_its_subject(strike):
    text = (
        "Lowland's dockers' protests have claimed 12 lives and left 200 injured, according to a report released "
        "Tuesday by the Lowland Rights Commission."
    )
    assert found(text, strike) == [
        ("Lowland Rights Commission", 12, "exact", "killed"),
        ("Lowland Rights Commission", 200, "exact", "injured"),
    ]


def test_a_minister_named_after_the_office_in_full(strike):
    text = (
        "Some 80 people were detained at the dockers' march, according to a report tweeted by the Minister of the "
        "Interior, Ana Lopes."
    )
    assert found(text, strike) == [("Ana Lopes", 80, "approx", "arrested")]


def test_a_toll_broken_down_by_place_counts_each_place(quake):
    text = "The agency said the earthquake left 310 dead, 200 of them in Alder County."
    assert found(text, quake) == [("agency", 310, "exact", "killed"), ("agency", 200, "exact", "killed")]
    text = (
        "The relief agency said it had counted 310 earthquake deaths. Of the 310 dead, 200 were in the North, 90 in "
        "the East and two in the West."
    )
    assert [(v, s) for _, v, _, s in found(text, quake)] == [
        (310, "killed"),
        (200, "killed"),
        (90, "killed"),
        (2, "killed"),
    ]
    text = (
        "The relief agency said it had counted 310 earthquake deaths. Out of the 310 people known dead so far, 200 "
        "were in the North and 90 in the East."
    )
    assert [(v, s) for _, v, _, s in found(text, quake)] == [(310, "killed"), (200, "killed"), (90, "killed")]
    # a part of another kind is no count of its own
    text = "The agency said the earthquake left 310 dead, 20 of them children."
    assert found(text, quake) == [("agency", 310, "exact", "killed")]


def test_a_number_in_brackets_glosses_the_toll_before_it(quake):
    text = "Alder has the highest earthquake death toll (431), followed by Birch (52), officials said."
    assert found(text, quake) == [("officials", 431, "exact", "killed"), ("officials", 52, "exact", "killed")]
    assert found("The earthquake hit Alder (pop. 3,000) hardest, killing 12 people.", quake) == [
        ("Daily Ledger", 12, "exact", "killed")
    ]


def test_a_toll_heading_a_long_sentence_counts_the_number_it_has_risen_to(quake):
    text = (
        "The death toll from the earthquake, which struck the remote valley shortly after dawn on Sunday, "
        "has risen to 310."
    )
    assert found(text, quake) == [("Daily Ledger", 310, "exact", "killed")]
    text = (
        "The death toll from the powerful earthquake that rattled the southern hills on Friday night has exceeded "
        "2,000, officials said."
    )
    assert found(text, quake) == [("officials", 2000, "more_than", "killed")]
    text = (
        "Alder, May 3 (Valley Press) -- The death toll from the earthquake that rattled the hills has exceeded 2,000."
    )
    assert found(text, quake) == [("Daily Ledger", 2000, "more_than", "killed")]
    text = (
        "The earthquake, which struck the hills east of Alder on Sunday night and shook the region, has risen to 310."
    )
    assert found(text, quake) == []


def test_an_elliptical_count_after_one_who_counted_is_its_own_bodys(strike):
    text = "At the dockers' rally, the unions counted 30,000 marchers and the prefecture 9,000."
    assert found(text, strike) == [("unions", 30000, "exact", "attended"), ("prefecture", 9000, "exact", "attended")]
    text = "The union reported 30,000 marchers at the dockers' rally, the rest 9,000."
    assert [who for who, *_ in found(text, strike)] == ["union"] * len(found(text, strike))


def test_who_spoke_of_a_crowd_claims_it(strike):
    text = "The ministry spoke of almost 400,000 marchers at the dockers' rally."
    assert found(text, strike) == [("ministry", 400000, "approx", "attended")]


def test_a_cue_before_the_number_in_its_clause_beats_one_in_the_next_clause(quake):
    text = "The earthquake killed 1,420 people, injured 9,300, and 210 are still missing, the agency said."
    assert found(text, quake) == [
        ("agency", 1420, "exact", "killed"),
        ("agency", 9300, "exact", "injured"),
        ("agency", 210, "exact", "missing"),
    ]


def test_a_list_of_places_on_and_in_shares_its_verb(quake):
    text = "The earthquake also killed 19 on Mount Alder, 72 in Birch, and 25 in Cedar."
    assert [v for _, v, _, _ in found(text, quake)] == [19, 72, 25]


def test_two_nouns_of_one_count_take_the_cue_after_both(strike):
    text = (
        "Eighty people were arrested during the dockers' march and 54 police officers and gendarmes injured, "
        "according to the ministry."
    )
    assert found(text, strike) == [("ministry", 80, "exact", "arrested"), ("ministry", 54, "exact", "injured")]
