"""The layout of a text around its sentences: transcripts' speaker labels, quotation blocks and
broadcasters' sound-bite labels, which say who speaks without a reporting verb.

    DEPUTY PRESS SECRETARY JANE ROE: We believe …     a transcript turn: Jane Roe speaks until the next label
    KUHN: He didn't say …                            (a surname, resolved like any later mention)
    Q: … / A: …                                      the interviewer, then the one interviewed
    Quote from Roe: "…"  /  Source: Roe's address …  a quotation block and who it is from
    [Sound bite: Rep. Jane Roe - Finance Committee]"…"   the quotation right after the label

Labels are found line by line, in time linear in the text, and blanked out of the text that the
sentence rules read (same length, so every offset still points into the article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from briefings.extract.text import caseless


class LabelKind(StrEnum):
    turn = "turn"  # a transcript's speaker: runs on until the next turn
    block = "block"  # "Quote from X:": the quotation on this line
    bite = "bite"  # "[Sound bite: X]": the quotation right after it


@dataclass(frozen=True, slots=True)
class Label:
    at: int  # where the label starts in the body
    end: int  # where it ends (the text after it is what it labels)
    who: str  # the speaker as the label names them, ready for name resolution ("Jane Roe, host")
    kind: LabelKind


@dataclass(frozen=True, slots=True)
class Layout:
    text: str  # the body with the labels blanked out
    labels: tuple[Label, ...]  # in order of the text

    @property
    def transcript(self) -> bool:
        return any(label.kind is LabelKind.turn for label in self.labels)


INTERVIEWER = "interviewer"
# A turn label in capitals: "JANE ROE:", "JANE ROE, HOST:", "DEPUTY PRESS SECRETARY JANE ROE:", "Q:".
_CAPS_TURN = re.compile(
    r"[ \t]*(?P<who>[A-Z][A-Z.'’\- ]{0,60}?[A-Z.](?:,[ \t]*[A-Z][A-Z .'’\-]{1,30})?)[ \t]*:(?:[ \t]+|$)"
)
# Roles broadcasters and interviews put before a colon in ordinary case.
_ROLE_TURN = re.compile(
    r"[ \t]*(?P<who>Anchor|Host|Presenter|Reporter|Correspondent|Moderator|Interviewer|Question|Answer|Q|A)[ \t]*:(?:[ \t]+|$)"
)
_BLOCK = re.compile(r"[ \t]*Quote(?:[ \t]+from[ \t]+(?P<who>[^:\n]{2,80}?))?[ \t]*:[ \t]*")
_SOURCE = re.compile(r"[ \t]*Source[ \t]*:[ \t]*(?P<what>[^\n]{2,120})")
_BITE = re.compile(
    r"\[[ \t]*(?:Sound[ \t]?bite|SOUNDBITE|Soundbite|Clip|Audio|Video|Interview)[ \t]*:[ \t]*(?P<who>[^\]\n]{2,120}?)[ \t]*\]"
)
# "Jane Roe's evening address on 27 December": the one whose words a source line names
_OWNER = re.compile(
    r"^(?P<owner>.{2,60}?)['’]s?[ \t]+(?:\w+[ \t]+){0,2}?(?:address|statement|speech|post|remarks|interview|"
    r"briefing|message|appeal|Telegram|channel|account|comments)\b"
)
# Capitals that are headings or shouted words, not speakers.
_NOT_SPEAKERS = frozenset("BREAKING UPDATE NOTE EDITOR'S NOTE WATCH READ MORE LIVE CORRECTION ADVERTISEMENT".split())


def layout(body: str) -> Layout:
    labels: list[Label] = []
    blank: list[tuple[int, int]] = []
    source_owner: str | None = None
    for line in re.finditer(r"[^\n]+", body):
        start, text = line.start(), line.group()
        found = _line_label(text, start, source_owner)
        if isinstance(found, str):  # a "Source:" line: remembered for the quotation blocks after it
            source_owner = found or source_owner
            continue
        if found is not None:
            labels.append(found)
            blank.append((start, found.end))
        for m in _BITE.finditer(text):
            who = re.split(r"\s+[-–—(]\s*", m.group("who"), maxsplit=1)[0].strip()
            labels.append(Label(start + m.start(), start + m.end(), who, LabelKind.bite))
            blank.append((start + m.start(), start + m.end()))
    labels.sort(key=lambda label: label.at)
    return Layout(_blanked(body, blank), tuple(labels))


def _line_label(text: str, start: int, source_owner: str | None) -> Label | str | None:
    """The label a line opens with, or, for a "Source:" line, whose words it names ("" for none)."""
    source = _SOURCE.match(text)
    if source:
        owner = _OWNER.match(source.group("what").strip())
        return owner.group("owner").strip() if owner else ""
    block = _BLOCK.match(text)
    if block and block.end() < len(text) and text[block.end()] in '"“«„':
        who = block.group("who") or source_owner
        return Label(start, start + block.end(), who.strip(), LabelKind.block) if who else None
    turn = _CAPS_TURN.match(text)
    if turn and turn.group("who").strip(" .") not in _NOT_SPEAKERS and len(turn.group("who")) > 0:
        return Label(start, start + turn.end(), _from_capitals(turn.group("who")), LabelKind.turn)
    role = _ROLE_TURN.match(text)
    if role:
        who = caseless(role.group("who"))
        who = {"q": INTERVIEWER, "question": INTERVIEWER, "a": "", "answer": ""}.get(who, who)
        return Label(start, start + role.end(), who, LabelKind.turn)
    return None


def _from_capitals(label: str) -> str:
    """ "DEPUTY PRESS SECRETARY JANE ROE" → "Deputy Press Secretary Jane Roe"; "Q" → the interviewer;
    "A" → "" (the one interviewed, whom the article has named before)."""
    label = label.strip()
    if label in {"Q", "QUESTION"}:
        return INTERVIEWER
    if label in {"A", "ANSWER"}:
        return ""
    name, _, role = label.partition(",")
    words = [w if w in {"US", "UK", "UN", "EU"} else w.title() for w in name.split()]
    titled = " ".join(words).replace("’S", "’s").replace("'S", "'s")
    return f"{titled}, {role.strip().lower()}" if role.strip() else titled


def _blanked(body: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return body
    parts: list[str] = []
    cut = 0
    for a, b in sorted(spans):
        if a < cut:
            continue
        parts.append(body[cut:a])
        parts.append(" " * (b - a))
        cut = b
    parts.append(body[cut:])
    return "".join(parts)
