"""Small invented articles, one per bundled story, for the tests of one deployment with several
stories: each names its story's topic, and its facts are what no other story's answers may show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoryArticle:
    story: str
    text: str
    facts: tuple[str, ...]  # words only this article's answers hold


STORY_ARTICLES = {
    "troops": StoryArticle(
        "north-korean-troops",
        """---
outlet: Fictional Wire
title: North Korean soldiers arrive near Kursk
published: 2025-02-03T09:00:00+00:00
---
Pyongyang has sent 7,500 troops to Russia's Kursk region, the Ministry of Defence of Freedonia said on Monday.
"They are already in position," said Ana Velez, a ministry spokesperson.
""",
        ("7,500", "Ana Velez", "Fictional Wire"),
    ),
    "storm": StoryArticle(
        "hurricane-helene",
        """---
outlet: Coastal Herald
title: Hurricane Helene leaves dozens dead along the coast
published: 2025-09-14T10:00:00+00:00
---
Hurricane Helene made landfall on Saturday, and the storm's toll kept rising after the flooding.
State emergency officials said 41 people were killed and 17 people remain missing across three counties.
"We are still searching door to door," said Governor Lena Ortiz.
""",
        ("41", "Lena Ortiz", "Coastal Herald"),
    ),
    "march": StoryArticle(
        "hong-kong-protests",
        """---
outlet: Harbour Daily
title: Huge protest march fills Hong Kong
published: 2025-06-09T12:00:00+00:00
---
Organisers said 220,000 protesters joined the march against the extradition bill in Hong Kong on Sunday.
Police said they arrested 36 people after clashes near the legislature.
"We will keep marching," said student leader Joel Tam.
""",
        ("220,000", "Joel Tam", "Harbour Daily"),
    ),
}


def write_story_articles(folder: Path) -> list[str]:
    """The articles as files in `folder`/stories, their paths."""
    out = folder / "stories"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, a in STORY_ARTICLES.items():
        path = out / f"{name}.txt"
        path.write_text(a.text, encoding="utf-8")
        paths.append(str(path))
    return paths
