"""Troop numbers in the forms news writes them, with claimant, hedge and status."""

import datetime as dt

import pytest

from briefings.extract import extract

PUB = dt.date(2025, 3, 13)  # a Thursday


def found(text: str, outlet: str | None = "Daily Ledger") -> list[tuple[str, int, str, str]]:
    return [(e.claimant, e.value, e.qualifier.value, e.status) for e in extract(text, PUB, outlet).estimates]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Officials said 4,500 soldiers had crossed the border.", 4500),
        ("Officials said 4500 soldiers had crossed the border.", 4500),
        ("Officials said 4 500 soldiers had crossed the border.", 4500),
        ("Officials said fifteen thousand soldiers had crossed the border.", 15000),
        ("Officials said a thousand soldiers had crossed the border.", 1000),
        ("Officials said twenty-five thousand troops had crossed the border.", 25000),
        ("Officials said 2.5 thousand troops had crossed the border.", 2500),
        ("Officials said three battalions of 800 soldiers each had crossed the border.", 2400),
    ],
)
def test_number_forms(text: str, value: int) -> None:
    assert [v for _, v, _, _ in found(text)] == [value]


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("5,000", "exact"),
        ("about 5,000", "approx"),
        ("roughly 5,000", "approx"),
        ("some 5,000", "approx"),
        ("nearly 5,000", "approx"),
        ("at least 5,000", "at_least"),
        ("5,000 or more", "at_least"),
        ("more than 5,000", "more_than"),
        ("over 5,000", "more_than"),
        ("upwards of 5,000", "more_than"),
        ("as many as 5,000", "up_to"),
        ("up to 5,000", "up_to"),
    ],
)
def test_hedges(phrase: str, qualifier: str) -> None:
    (est,) = found(f"The general staff said {phrase} troops were stationed near the city.")
    assert est[1] == 5000 and est[2] == qualifier


def test_ranges() -> None:
    (e,) = extract("Analysts said between 1,000 and 3,000 troops had arrived.", PUB).estimates
    assert (e.low, e.high, e.qualifier.value) == (1000, 3000, "range")
    (e,) = extract("Analysts said 8,000-10,000 troops had arrived.", PUB).estimates
    assert (e.low, e.high, e.qualifier.value) == (8000, 10000, "range")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The ministry said 2,000 soldiers will be sent next month.", "planned"),
        ("The ministry said the country plans to send 2,000 soldiers.", "planned"),
        ("The ministry said 2,000 soldiers are expected to arrive by March.", "planned"),
        ("The ministry said 2,000 soldiers had already been deployed to the region.", "deployed"),
        ("The ministry said 2,000 soldiers were training at bases outside the capital.", "deployed"),
        ("The ministry said 2,000 soldiers were fighting on the front line.", "frontline"),
        ("The ministry said 2,000 soldiers had reached the Kursk region.", "frontline"),
        ("The ministry said 200 soldiers had been killed or wounded.", "casualties"),
        ("The ministry said 200 soldiers were captured in the assault.", "casualties"),
    ],
)
def test_status(text: str, status: str) -> None:
    (est,) = found(text)
    assert est[3] == status


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("Defence Minister Alma Ruiz told lawmakers on Tuesday that 3,000 troops had arrived.", "Alma Ruiz"),
        ("About 3,000 troops have arrived, the intelligence agency said.", "intelligence agency"),
        ("According to the Pentagon, about 3,000 troops have arrived.", "Pentagon"),
        ("About 3,000 troops have arrived, according to Western officials.", "Western officials"),
        ("3,000 troops have arrived in the region, said analyst Omar Said.", "Omar Said"),
        # a clause between the subject and its verb: the subject is still the claimant
        (
            "A border guard commander, who asked not to be named because he was not allowed to speak to the press, "
            "said that 2,000 troops had crossed.",
            "border guard commander",
        ),
        (
            "Senator Ingrid Solberg, briefed by the intelligence services, said the army had sent 2,000 troops.",
            "Ingrid Solberg",
        ),
        ("Colonel Tomas Riva, speaking at a press conference in Vilnius, said 2,000 troops had crossed.", "Tomas Riva"),
        ("A person familiar with the plans told the newspaper that 2,000 troops had crossed.", "person"),
        ("Officials close to the government said 2,000 troops had crossed.", "Officials"),
        # after a comma, "said the army had sent" opens a reported clause; it does not name a speaker
        ("The figure is rising, said the army had sent 2,000 troops.", "Daily Ledger"),
    ],
)
def test_claimants(text: str, claimant: str) -> None:
    (est,) = found(text)
    assert est[0] == claimant


def test_number_inside_a_quote_belongs_to_the_speaker() -> None:
    text = "“We believe at least 900 soldiers are already there,” said Colonel Ivo Brun."
    assert found(text) == [("Ivo Brun", 900, "at_least", "deployed")]


def test_pronoun_claimant_resolves() -> None:
    text = "Foreign Minister Sara Lind spoke to reporters.\nShe said 7,000 troops would be sent in spring."
    assert found(text) == [("Sara Lind", 7000, "exact", "planned")]


def test_bare_number_moved_to_the_front_is_a_head_count() -> None:
    text = "The agency said on Friday that more than 2,500 had been moved to the front."
    assert found(text) == [("agency", 2500, "more_than", "frontline")]


@pytest.mark.parametrize("document", ["a statement from", "a report by", "an assessment by"])
def test_a_document_speaks_for_whoever_issued_it(document: str) -> None:
    text = f"At least 40 soldiers were killed, according to {document} the border guard service."
    assert found(text) == [("border guard service", 40, "at_least", "casualties")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Officials said a 4,000-strong contingent had been assembled near the border.", 4000),
        ("Officials said the force now numbered 4,000.", 4000),
    ],
)
def test_a_force_counted_without_a_troop_noun(text: str, value: int) -> None:
    assert [v for _, v, _, _ in found(text)] == [value]


def test_the_ministry_is_not_whichever_body_came_before() -> None:
    text = "Officials said 3,000 troops had arrived.\nA further 2,000 soldiers are expected next month, the ministry added."
    assert [c for c, _, _, _ in found(text)] == ["Officials", "ministry"]


def test_outlet_is_the_claimant_when_nobody_is_named() -> None:
    assert found("Some 6,000 troops were deployed to the region last month.") == [
        ("Daily Ledger", 6000, "approx", "deployed")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The country has an army of 1.2 million soldiers, officials said.",
        "The country fields a standing army of about 1.1 million, officials said.",
        "Officials said millions of artillery shells had been shipped.",
        "Officials said 40% of the shells were faulty.",
        "The missiles can reach targets 25 to 40 miles away, officials said.",
        "Officials said the 122mm rockets were fired from across the border.",
        "The treaty was signed in 2024, officials said.",
        "Officials said 300 drones and 20 tanks were delivered.",
        "Officials said the war had lasted 1,000 days.",
        "Officials said the deal was worth $5,000 million.",
        # vague amounts are no figure: "several thousand" is not 1,000
        "Officials said several thousand soldiers had crossed the border.",
        "Officials said tens of thousands of troops could follow.",
        "Officials said thousands of soldiers had crossed the border.",
    ],
)
def test_numbers_that_are_not_troop_counts(text: str) -> None:
    assert found(text) == []


def test_claim_date_resolves_weekday_against_publication() -> None:
    (e,) = extract("The ministry said on Monday that 3,000 troops had arrived.", PUB).estimates
    assert (e.date, e.date_basis.value) == (dt.date(2025, 3, 10), "stated")
    (e,) = extract("The ministry told lawmakers Thursday that 3,000 troops had arrived.", PUB).estimates
    assert e.date == PUB
    (e,) = extract("The ministry said 3,000 troops had arrived.", PUB).estimates
    assert (e.date, e.date_basis.value) == (PUB, "published")


def test_headline_number_yields_to_the_body() -> None:
    text = "Spy agency says 10,000 troops to be sent\nThe agency said about 10,000 troops would be sent by May."
    assert [(v, q) for _, v, q, _ in found(text)] == [(10000, "approx")]


def test_casualty_nouns_count_as_casualties() -> None:
    assert found("The general staff estimates that the brigade has suffered roughly 1,200 casualties so far.") == [
        ("general staff", 1200, "approx", "casualties")
    ]
    assert found("Some 300 North Korean soldiers have been killed and 2,700 wounded, officials said.") == [
        ("officials", 300, "approx", "casualties"),
        ("officials", 2700, "exact", "casualties"),
    ]


def test_other_countries_forces_are_not_the_story() -> None:
    assert found("Some 1.8 million Chinese troops fought in that war, historians say.") == []
    assert found("Russia has lost more than 600,000 soldiers since 2022, according to British intelligence.") == []
    assert [v for _, v, _, _ in found("Russian forces were joined by 3,000 North Korean troops, officials said.")] == [
        3000
    ]


def test_according_to_several_bodies_and_officials_in_a_place() -> None:
    assert (
        found("About 11,000 troops are in the region, according to Ukrainian and South Korean intelligence.")[0][0]
        == "Ukrainian and South Korean intelligence"
    )
    assert found("Between 100 and 200 soldiers have been killed, officials in Seoul said on Thursday.")[0][:3] == (
        "officials in Seoul",
        200,
        "range",
    )


def test_sub_counts_after_including_are_not_separate_claims() -> None:
    text = "The agency said about 12,000 troops including 500 officers were already in the country."
    assert [v for _, v, _, _ in found(text)] == [12000]


# ------------------------------------------------------------------- more forms of English news copy


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Officials said four-thousand-300 soldiers had been wounded.", 4300),
        ("Officials said 15-thousand troops had crossed the border.", 15000),
        ("Officials said 38-hundred soldiers had been wounded.", 3800),
        ("Officials said 2,000 infantrymen had crossed the border.", 2000),
        ("Officials said 2,000 service members had crossed the border.", 2000),
        ("Officials said 5,000 military builders would be sent to rebuild the bridges.", 5000),
        ("The battalion is made up of up to three thousand people, officials said.", 3000),
    ],
)
def test_more_number_and_troop_forms(text: str, value: int) -> None:
    assert [v for _, v, _, _ in found(text)] == [value]


def test_people_count_only_as_soldiers() -> None:
    assert found("The strike killed 300 people in the market, officials said.") == []


def test_lists_share_the_noun_at_their_end() -> None:
    assert found("The army said its drones killed 60 and wounded as many as 35 enemy soldiers.") == [
        ("army", 60, "exact", "casualties"),
        ("army", 35, "up_to", "casualties"),
    ]
    text = "In the assault, 300 North Korean soldiers were killed and 1,200 others wounded, the agency said."
    assert [v for _, v, _, _ in found(text)] == [300, 1200]


def test_a_count_after_a_partitive_with_its_own_verb() -> None:
    text = "About 4,000 troops have been wounded. Of those, about 700 died, the ministry said."
    assert ("ministry", 700, "approx", "casualties") in found(text)
    text = "The casualties stand at 2,500 soldiers, of whom roughly 400 have been killed, the ministry said."
    assert [v for _, v, _, _ in found(text)] == [2500, 400]


def test_a_bare_number_whose_troops_the_sentence_before_names() -> None:
    text = "The regime has sent some 9,000 soldiers to the front. More than 2,000 have been killed or wounded."
    assert found(text)[1][1:] == (2000, "more_than", "casualties")


def test_a_bare_number_in_a_reduced_relative_clause() -> None:
    text = "The 6,000 soldiers now at the front are most of the 9,000 the ministry says were sent."
    assert ("ministry", 9000, "exact", "deployed") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "One soldier was killed in the attack, the ministry said.",
        "The two captured soldiers were taken to the capital, officials said.",
        "A group of 300 Russian and North Korean troops attacked the village, officials said.",
        "The ministry said it could not confirm reports that 5,000 troops had arrived.",
    ],
)
def test_numbers_that_are_no_new_count(text: str) -> None:
    assert found(text) == []


# --------------------------------------------------------------------------------- claimants


def test_a_number_sentence_going_on_with_a_report_keeps_its_claimant() -> None:
    text = (
        "Defence Minister Alma Ruiz said that 8,000 troops were training in the east. The first group of 2,400"
        " soldiers will move to the front in March."
    )
    assert [c for c, _, _, _ in found(text)] == ["Alma Ruiz", "Alma Ruiz"]


def test_a_number_after_a_quoted_remark_is_the_outlets() -> None:
    text = "“We are ready,” Defence Minister Alma Ruiz said. About 8,000 troops are now at the border."
    assert [c for c, _, _, _ in found(text)] == ["Daily Ledger"]


@pytest.mark.parametrize(
    "second",
    [
        "That is according to the defence ministry.",
        "That’s according to the defence ministry, which briefed lawmakers.",
    ],
)
def test_the_next_sentence_names_the_source(second: str) -> None:
    assert found(f"About 8,000 troops are now at the border. {second}")[0][0] == "defence ministry"


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("It was announced by the defence ministry that 4,000 troops had arrived.", "defence ministry"),
        (
            "The vote followed a report by Ruritania's spy agency to lawmakers last week, which said at least 300"
            " soldiers had been killed.",
            "Ruritania's spy agency",
        ),
        (
            "Their figures exceed those of Ruritania's intelligence, which expects 6,000 more soldiers.",
            "Ruritania's intelligence",
        ),
        ("The defence ministry, which earlier reported 3,000 troops, raised its estimate.", "defence ministry"),
        ("The defence ministry put the number at 7,000 troops.", "defence ministry"),
        ("Estimates reported by the newspaper put the number of troops at 7,000.", "newspaper"),
    ],
)
def test_reported_figures(text: str, claimant: str) -> None:
    assert found(text)[0][0] == claimant


def test_a_headline_number_does_not_hide_the_one_the_body_attributes() -> None:
    text = "About 9,000 troops are now in the country.\nThe defence ministry said about 9,000 troops had arrived."
    assert [c for c, _, _, _ in found(text)] == ["defence ministry"]


def test_a_figure_named_in_the_next_sentence_gives_the_claim_its_source() -> None:
    text = (
        "Some 9,000 troops will be sent, a key ally said on Thursday. The new estimate, shared with the paper by"
        " Ruritania’s defence ministry, comes after weeks of reports."
    )
    assert found(text)[0][0] == "Ruritania’s defence ministry"


# ------------------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the verb's own destination in the country counts, not a place in a clause about the troops
        ("The regime sent 9,000 soldiers to Ruritania in the spring, mostly to the Kursk region.", "deployed"),
        ("They arrived in Ruritania with 9,000 troops tasked with retaking land in Kursk, the paper said.", "deployed"),
        (
            "Officials say the regime has deployed 9,000 soldiers to support its forces in the Kursk region.",
            "frontline",
        ),
        ("Officials say 9,000 soldiers were brought in to fight alongside the army.", "frontline"),
        # the main verb of a long subject governs the number in it
        ("An influx of 9,000 troops, which officials have long feared, could tip the balance.", "planned"),
        (
            "About 900 soldiers sent to help the offensive in the Kursk region have been killed, officials said.",
            "casualties",
        ),
        ("Officials said 9,000 troops, who are already at the border, could suffer heavy losses.", "deployed"),
    ],
)
def test_status_from_the_clause_that_governs_the_number(text: str, status: str) -> None:
    assert found(text)[0][3] == status


def test_told_reporters_on_a_weekday_is_that_day() -> None:
    (e,) = extract("Defence Minister Alma Ruiz told reporters Wednesday that 9,000 troops had arrived.", PUB).estimates
    assert e.date == dt.date(2025, 3, 12)


def test_claimants_named_by_a_relative_or_a_document() -> None:
    text = "An influx of 9,000 troops, which is what both Freedonian and Ruritanian intelligence have claimed, worries Kyiv."
    assert found(text)[0][0] == "Freedonian and Ruritanian intelligence"
    assert found("According to various estimates, about 9,000 troops have arrived.")[0][0] == "various estimates"


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        (
            "The defence ministry released a report on Monday. The report said 4,000 troops had crossed.",
            "defence ministry",
        ),
        (
            "Special forces posted a video on Sunday. The video shows that 60 enemy soldiers were killed.",
            "Special forces",
        ),
        (
            "In a report published by the defence ministry, the number was put at 4,000. The report added that 900 "
            "soldiers had been killed.",
            "defence ministry",
        ),
        (  # issued and cited in one sentence
            "The border service released a statement on Tuesday, and the statement said 700 troops had arrived.",
            "border service",
        ),
    ],
)
def test_the_document_said_speaks_for_whoever_issued_it(text: str, claimant: str) -> None:
    assert {c for c, _, _, _ in found(text)} == {claimant}


def test_a_report_nobody_is_said_to_have_issued_is_no_claimant() -> None:
    assert [c for c, _, _, _ in found("The report said 4,000 troops had crossed.")] == ["Daily Ledger"]


def test_missing_in_action_are_casualties() -> None:
    assert found("The army said 300 soldiers were missing in action after the battle.")[0][3] == "casualties"


def test_what_is_widely_known_is_the_outlets() -> None:
    text = "The ministry admitted what was widely known — that about 9,000 soldiers had been fighting with its army."
    assert found(text) == [("Daily Ledger", 9000, "approx", "frontline")]


def test_a_place_before_the_sending_is_not_where_the_troops_were_sent() -> None:
    text = "The regime helped retake the Kursk region by sending 9,000 troops in two rotations, officials said."
    assert found(text)[0][3] == "deployed"


def test_footnote_marks_end_a_sentence_and_its_clause() -> None:
    text = (
        "The agency assessed on June 26 that the army may send as many as 6,000 more engineers to Ruritania.[3]"
        " The agency estimated that roughly 2,000 soldiers have died since October.[4]"
    )
    assert [(v, s) for _, v, _, s in found(text)] == [(6000, "planned"), (2000, "casualties")]


def test_a_loss_counted_on_its_own_after_the_clause_is_not_the_totals() -> None:
    text = (
        "The agency says around 15,000 troops have been sent in total, of whom about 4,700 have been killed or wounded."
    )
    assert [(v, s) for _, v, _, s in found(text)] == [(15000, "deployed"), (4700, "casualties")]


def test_a_list_of_claimants_is_kept_whole() -> None:
    assert found("Ruritania, the United States and Freedonia say about 9,000 troops have been sent.")[0][0] == (
        "Ruritania, the United States and Freedonia"
    )


@pytest.mark.parametrize(
    ("text", "claimant", "status"),
    [
        ("The spy agency on Wednesday raised its estimate of casualties to about 3,000.", "spy agency", "casualties"),
        (
            "According to figures from the general staff, the army has lost more than 3,800 soldiers.",
            "general staff",
            "casualties",
        ),
    ],
)
def test_revised_estimates_and_figures(text: str, claimant: str, status: str) -> None:
    (e,) = found(text)
    assert (e[0], e[3]) == (claimant, status)
