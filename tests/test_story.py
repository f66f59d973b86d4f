"""Story files: the bundled ones load, a copy with another topic works, each mistake is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.story import DEFAULT_STORY, StoryError, bundled_stories, find_story, load_story

GOOD = """
name = "river-flood"
title = "The river flood"

[topic]
any_of = ["flood", "flooding"]
all_of = ["river|dam"]

[quantity]
nouns = ["dead", "missing"]
people = ["people"]

[[statuses]]
name = "killed"
label = "Killed"
cues = ["died", "dead"]

[[statuses]]
name = "missing"
label = "Missing"
cues = ["missing"]
"""


def _write(tmp_path: Path, text: str, name: str = "story.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(StoryError) as e:
        load_story(_write(tmp_path, text))
    return e.value.lines


def test_bundled_stories_load_with_their_statuses():
    stories = bundled_stories()
    assert stories["north-korean-troops"].status_names() == ["planned", "deployed", "frontline", "casualties"]
    assert stories["hurricane-helene"].status_names() == ["killed", "injured", "missing", "displaced"]
    assert stories["hong-kong-protests"].status_names() == ["attended", "arrested", "injured", "killed"]
    assert find_story(None).name == DEFAULT_STORY
    assert stories["hurricane-helene"].status("missing").label == "Missing"


def test_a_story_file_loads_and_matches_its_topic(tmp_path):
    story = load_story(_write(tmp_path, GOOD))
    assert story.name == "river-flood"
    assert story.matches("The river burst its banks and the flooding reached the town.")
    assert not story.matches("The flooding of the market with cheap goods.")  # no river, no dam
    assert story.topic.as_setting() == "flood|flooding; river|dam"


def test_a_copied_bundled_file_with_another_topic_works(tmp_path):
    text = (Path(__file__).parents[1] / "briefings/stories/hurricane-helene.toml").read_text(encoding="utf-8")
    text = text.replace('name = "hurricane-helene"', 'name = "typhoon-mara"')
    text = text.replace('any_of = ["helene"]', 'any_of = ["mara", "typhoon"]')
    path = _write(tmp_path, text, "typhoon-mara.toml")
    story = find_story(str(path))
    assert story.name == "typhoon-mara"
    assert story.matches("Typhoon Mara made landfall on Tuesday.")
    assert not story.matches("Hurricane Helene made landfall on Thursday.")
    assert find_story("typhoon-mara", folder=tmp_path).name == "typhoon-mara"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.replace('name = "river-flood"', 'name = "River Flood"'),
            "name: 'River Flood' is not a story name",
        ),
        (lambda t: t.replace('title = "The river flood"\n', ""), "title: missing"),
        (lambda t: t.replace("[topic]", "[topic]\ncolour = 1"), "topic.colour: unknown key"),
        (
            lambda t: t.replace('any_of = ["flood", "flooding"]\nall_of = ["river|dam"]', ""),
            "topic: give any_of or all_of",
        ),
        (lambda t: t.replace('nouns = ["dead", "missing"]\npeople = ["people"]', ""), "quantity: give nouns or people"),
        (
            lambda t: t.replace('cues = ["missing"]', 'cues = ["missing!"]'),
            "statuses[2] (missing).cues: 'missing!' is not a word",
        ),
        (lambda t: t.replace('name = "missing"', 'name = "killed"'), "statuses: killed given twice"),
        (lambda t: t.replace('cues = ["missing"]', "cues = []"), "status 'missing' has no cues"),
        (lambda t: t.replace('cues = ["missing"]', "patterns = ['(missing']"), "is not a regular expression"),
        (lambda t: t.replace('title = "The river flood"', 'title = "The river flood'), "not valid TOML"),
        (lambda t: t.replace("[quantity]", "[quantity]\nmin = 5\nmax = 3"), "quantity: min (5) is more than max (3)"),
    ],
)
def test_each_mistake_is_one_line_naming_file_and_key(tmp_path, change, expected):
    lines = _errors(tmp_path, change(GOOD))
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(tmp_path / "story.toml") + ": ")
    assert expected in lines[0]


def test_two_mistakes_are_two_lines(tmp_path):
    text = GOOD.replace('label = "Killed"', 'label = ""').replace('name = "river-flood"', 'name = "a b"')
    lines = _errors(tmp_path, text)
    assert len(lines) == 2
    assert any("statuses[1] (killed).label: empty label" in line for line in lines)
    assert any("name: 'a b' is not a story name" in line for line in lines)


def test_an_unknown_story_names_the_known_ones(tmp_path):
    with pytest.raises(StoryError) as e:
        find_story("volcano")
    assert e.value.lines == [
        "volcano: no such story (known: hong-kong-protests, hurricane-helene, north-korean-troops) and no such file"
    ]
    with pytest.raises(StoryError) as e:
        find_story(str(tmp_path / "nowhere.toml"))
    assert "cannot read" in e.value.lines[0]
