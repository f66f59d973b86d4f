"""Transcripts, quotation blocks and broadcasters' labels: who speaks without a reporting verb.
Texts written for these tests."""

import datetime as dt

from briefings.extract import extract
from briefings.extract.layout import LabelKind, layout
from briefings.extract.text import quote_spans, sentences

PUB = dt.date(2025, 3, 13)


def facts(text: str, outlet: str = "Radio Ledger"):  # type: ignore[no-untyped-def]
    ex = extract(text, PUB, outlet)
    return [(q.speaker, q.text) for q in ex.quotes], [(e.claimant, e.value) for e in ex.estimates]


def test_a_transcript_credits_numbers_and_first_person_claims_to_the_one_speaking() -> None:
    text = (
        "HELGA BRANDT, HOST:\n"
        "Good morning. What do we know this morning about the troops?\n"
        "DEPUTY DEFENCE SPOKESPERSON TOMAS RIVA:\n"
        "We believe that around 4,000 soldiers have crossed the border in the last week.\n"
        "And another 1,500 troops are waiting at the railhead.\n"
        "BRANDT: Thank you for joining us."
    )
    _, estimates = facts(text)
    assert estimates == [("Tomas Riva", 4000), ("Tomas Riva", 1500)]


def test_labels_are_blanked_out_of_the_sentences() -> None:
    lay = layout("KIM: He said it before.\nThe rest of the story.")
    assert [label.who for label in lay.labels] == ["Kim"]
    assert [s.text for s in sentences(lay.text)] == ["He said it before.", "The rest of the story."]
    assert len(lay.text) == len("KIM: He said it before.\nThe rest of the story.")


def test_headings_in_capitals_are_no_speakers() -> None:
    assert layout("BREAKING: Troops cross the border\nThe rest.").labels == ()


def test_interview_questions_and_answers() -> None:
    lay = layout("Q: How many are there?\nA: We think about 2,000 troops.")
    assert [label.kind for label in lay.labels] == [LabelKind.turn, LabelKind.turn]
    text = "Defence Minister Alma Ruiz spoke to the paper on Monday.\nQ: How many are there?\nA: We think about 2,000 troops."
    assert facts(text)[1] == [("Alma Ruiz", 2000)]


def test_a_quotation_block_from_a_named_speaker() -> None:
    text = 'Source: state television\nQuote from Brandt: "The army will send one thousand engineers to the north."'
    quotes, estimates = facts(text)
    assert quotes == [("Brandt", "The army will send one thousand engineers to the north.")]
    assert estimates == [("Brandt", 1000)]


def test_a_quotation_block_whose_source_line_names_the_speaker() -> None:
    text = 'Source: Brandt\'s evening address on 3 March\nQuote: "We will not give up one village of our country."'
    assert facts(text)[0] == [("Brandt", "We will not give up one village of our country.")]


def test_a_sound_bite_label_names_the_speaker_of_the_quotation_after_it() -> None:
    text = (
        "The committee met on Wednesday.[Sound bite: Opposition lawmaker Jonas Lind - Defence Committee]“We were"
        " told that 3,000 soldiers are now at the front.”The meeting ended late."
    )
    quotes, estimates = facts(text)
    assert quotes == [("Jonas Lind", "We were told that 3,000 soldiers are now at the front.")]
    assert estimates == [("Jonas Lind", 3000)]


def test_a_quotation_running_on_into_a_paragraph_without_a_mark() -> None:
    text = (
        'Minister Alma Ruiz said: "The first part of what I want to say is this.\n'
        'And the second part of it is in this paragraph."'
    )
    spans = quote_spans(text)
    assert len(spans) == 2 and not spans[0].closed and spans[1].closed
    assert [s for s, _ in facts(text)[0]] == ["Alma Ruiz", "Alma Ruiz"]


def test_a_quotation_cut_off_at_the_end_of_an_excerpt_counts_when_attributed() -> None:
    assert facts('Helga Brandt said: "We will keep the border closed until the spring and then we will')[0] == [
        ("Helga Brandt", "We will keep the border closed until the spring and then we will")
    ]
    assert facts('The last line of a page ends with a stray mark " and some words after it')[0] == []


def test_sentences_glued_without_spaces() -> None:
    text = "It ended in the battles.Our reporter has more.Some were killed.”The agency said so."
    assert [s.text for s in sentences(text)] == [
        "It ended in the battles.",
        "Our reporter has more.",
        "Some were killed.”",
        "The agency said so.",
    ]


WRAPPED = (
    "Harbour officials, who earlier reported 9,000 troops at the\n"
    "\t\tborder, now defer to a ministry count of 7,000 soldiers for\n"
    "\t\tthe region.\n"
    " \n"
    " The ministry said in a statement that “the earlier figure was\n"
    "\t\tcounted twice in several districts,” and apologised for\n"
    "\t\tthe confusion.\n"
)


def test_copy_wrapped_at_a_fixed_width_is_read_a_paragraph_at_a_time() -> None:
    assert [s.text.split() for s in sentences(WRAPPED)] == [
        "Harbour officials, who earlier reported 9,000 troops at the border, now defer to a ministry count of "
        "7,000 soldiers for the region.".split(),
        "The ministry said in a statement that “the earlier figure was counted twice in several districts,” and "
        "apologised for the confusion.".split(),
    ]
    quotes, estimates = facts(WRAPPED)
    assert [(who, " ".join(said.split())) for who, said in quotes] == [
        ("ministry", "the earlier figure was counted twice in several districts")
    ]
    assert estimates == [("Harbour officials", 9000), ("Harbour officials", 7000)]


def test_one_paragraph_a_line_is_not_taken_for_wrapped_copy() -> None:
    text = "Officials counted 9,000 troops.\n\nThe ministry disagreed\nwith that count on Monday.\n"
    assert [s.text for s in sentences(text)] == [
        "Officials counted 9,000 troops.",
        "The ministry disagreed",
        "with that count on Monday.",
    ]
