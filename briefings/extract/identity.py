"""One person or body, however an article names it: the identity the store files facts under.

    "U.S.", "US", "the United States", "America", "Washington"        → United States
    "US officials", "officials in Seoul"                                → the country's government
    "South Korea's spy agency", "Seoul's intelligence service",
    "South Korean intelligence", "the National Intelligence Service", "NIS" → one intelligence agency
    "Seoul's defence ministry", "the Ministry of Defense of South Korea",
    "South Korean Defense Ministry"                                     → one defence ministry
    "National Security Council spokesperson John Kirby"                 → John Kirby, who speaks for the
                                                                          National Security Council

Pure functions of an EntityRef, with the lexicon's countries, capitals and demonyms: no knowledge of
the story beyond the few national agencies whose country's "spy agency" means them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefings.extract.lexicon import BODY_COUNTRY, COUNTRIES
from briefings.extract.text import BRACKETED, fold
from briefings.models import EntityKind, EntityRef

# A capital or a country's name standing for it, not a body of its own ("the Kremlin" is a body: its
# spokesman speaks for the presidency, not for Russia at large).
NOT_THE_COUNTRY = frozenset({"kremlin", "nato", "united nations", "un", "u.n.", "eu", "european union"})

# The one agency a country's "spy agency" or "intelligence service" means, where news says it so.
INTELLIGENCE = {
    "South Korea": ("National Intelligence Service", ("nis", "national intelligence service")),
    "Ukraine": (
        "Main Intelligence Directorate",
        ("hur", "gur", "main intelligence directorate", "defence intelligence of ukraine", "military intelligence"),
    ),
}
_INTELLIGENCE_WORDS = re.compile(
    r"^(?:(?:state|national|top|military|main)\s+)*(?:spy|intelligence|espionage)(?:\s+(?:agency|service|services|"
    r"agencies|directorate|chief|community|officials|authorities|sources))?$"
)
_GENERIC_PLURALS = frozenset(
    "officials authorities government sources diplomats lawmakers leaders officers analysts experts".split()
)
_MINISTRY = re.compile(r"^(?:the\s+)?ministry\s+of\s+(?:the\s+)?(?P<what>[\w\s]+?)(?:\s+affairs)?$")
_SPEAKS = re.compile(
    r"\b(?:spokes(?:person|man|woman|people)|press\s+secretary|press\s+officer|mouthpiece)\b(?:\s+(?:for|of)\s+)?",
    re.I,
)
_TITLES = re.compile(r"\b(?:deputy|chief|principal|senior|acting|assistant|top|former|the|a|an)\b", re.I)


@dataclass(frozen=True, slots=True)
class Identity:
    key: str  # equal for every name of one person or body
    name: str  # how it is shown: "United States", "National Intelligence Service", or the first name seen
    kind: EntityKind


def identity(ref: EntityRef) -> Identity | None:
    """Whom `ref` names, or None for someone only described ("the soldier", "a questioner", "officials"),
    whose facts keep the description and stand for no one across articles."""
    return _identity(ref.name, ref.kind, ref.role, ref.affiliation)


@lru_cache(maxsize=8192)
def _identity(name: str, kind: EntityKind, role: str | None, affiliation: str | None) -> Identity | None:
    text = _words(name)
    if not text or _is_list(text) or text in NO_NAME:
        return None  # nobody, or several named together ("Seoul, Washington and Kyiv"): the words are kept
    if kind is EntityKind.unknown and not _name_like(_head_word(name)):
        return None  # a description or a stray phrase: "countries", "key Western ally", "aid the war effort"
    if kind is EntityKind.person:
        if not any(_name_like(w) for w in name.split()) or (role and _words(role) == text):
            return None  # a description, not a name
        if role and _CUT_ROLE.search(role.lower()):
            return None  # "NIS headquarters in Seocho District": a place after a phrase, no one's title
        return Identity(f"person:{text}", name, kind)
    country, rest = _country_and_rest(text)
    if country is None and " " not in text and name.islower() and text.endswith("s"):
        return None  # "forces", "countries": a bare plural names no body in particular
    if country is None and rest in _GENERIC_PLURALS:
        return None  # "officials", "sources": nobody in particular
    if country is not None and (not rest or rest in _GENERIC_PLURALS):
        return Identity(f"country:{_words(country)}", country, EntityKind.body)  # "U.S.", "officials in Seoul"
    if country is None:
        country = _known_country(text) or (affiliation if kind is EntityKind.body else None)
    named_agency = next((c for c, (_, aliases) in INTELLIGENCE.items() if rest in aliases), None)
    if (rest and _INTELLIGENCE_WORDS.match(rest)) or named_agency:
        home = country or named_agency
        if home is not None:
            agency = INTELLIGENCE.get(home)
            return Identity(f"intelligence:{_words(home)}", agency[0] if agency else f"{home} intelligence", kind)
    head = _head(rest)
    if country is not None and head:
        return Identity(f"body:{head}|{_words(country)}", name, kind)
    return Identity(f"{kind.value}:{text}", name, kind)


# a name that says there is none: an anonymous account's display name, a placeholder
NO_NAME = frozenset({"anonymous", "anon", "unknown", "unnamed", "unidentified", "someone", "somebody"})


def _head_word(name: str) -> str:
    """The last word of a name, brackets aside: "Anonymous (@handle)" → "Anonymous"."""
    words = BRACKETED.sub("", name).split() if "(" in name else name.split()
    return words[-1].strip("’'ʹ\"“”‘,.;:") if words else ""


def _name_like(word: str) -> bool:
    """A word that can be part of a name: a capital, a digit, or a letter of a script without case (김정은)."""
    first = word[:1]
    return first.isupper() or not first.isalpha() or not first.islower()


def _is_list(text: str) -> bool:
    """ "seoul, washington and kyiv", "ukrainian and south korean intelligence", "nato and washington",
    "neither russia nor north korea": several, not one."""
    parts = re.split(r",\s*|\s+(?:and|nor|or)\s+", text.removeprefix("neither "))
    if len(parts) < 2:
        return False
    return sum(1 for p in parts if p in COUNTRIES or _country_and_rest(p)[0] is not None) >= 2


# a role cut off mid-phrase ("headquarters in", "ministers comes amid"): the words were no title
_CUT_ROLE = re.compile(r"\b(?:in|at|on|of|to|for|from|with|by|amid|and|or|the|a|an)$")


def speaks_for(ref: EntityRef) -> EntityRef | None:
    """The body a spokesperson or a minister speaks for: "National Security Council spokesperson" → the
    National Security Council; "a spokesperson for Seoul's defence ministry" → that ministry; a
    spokesperson whose role names no body, for their country; a country's "Defense Minister" (or
    "Minister of Defense") → its defense ministry (a prime minister, or a former one, speaks for none)."""
    role = ref.role or (ref.name if ref.kind is EntityKind.person else None)
    if not role:
        return None
    if not _SPEAKS.search(role):
        return _ministry_of(role, ref.affiliation)
    body = _SPEAKS.sub(" ", role)
    body = " ".join(_TITLES.sub(" ", body).split()).strip(" ,")
    if body and body[:1].isalpha():
        return EntityRef(name=body, kind=EntityKind.body, affiliation=ref.affiliation)
    if ref.affiliation:
        return EntityRef(name=ref.affiliation, kind=EntityKind.body, affiliation=ref.affiliation)
    return None


_MINISTER = re.compile(
    r"^(?:(?:deputy|vice|first|acting|state)\s+)?(?:(?P<what>[a-z]+(?:\s+affairs)?)\s+minister"
    r"|minister\s+(?:of|for)\s+(?:the\s+)?(?P<of>[a-z]+(?:\s+affairs)?))$"
)
_NOT_A_MINISTRY = frozenset({"prime", "chief", "first", "deputy", "vice", "former", "ex", "shadow", "opposition"})


def _ministry_of(role: str, country: str | None) -> EntityRef | None:
    """A minister's ministry, where the country is known: "Defence Minister" of Freedonia → Freedonia's
    defence ministry (written as the key reads it, so that every spelling of it is one body)."""
    if country is None:
        return None
    m = _MINISTER.match(" ".join(fold(role).lower().replace("-", " ").split()))
    what = m and (m.group("what") or m.group("of"))
    if not what or what.split()[0] in _NOT_A_MINISTRY:
        return None
    return EntityRef(name=f"{country}’s {what.title()} Ministry", kind=EntityKind.body, affiliation=country)


def seat(ref: EntityRef) -> tuple[str, bool] | None:
    """The country a body or its voice belongs to, by the keys of the bodies it can be, and whether it is
    the government as a whole ("Japan", "Tokyo", "the Japanese government": True) or one of its
    bodies ("Seoul's defence ministry", the NIS: False); None when no country is known."""
    who = identity(ref)
    return seat_of_key(who.key) if who is not None else None


def seat_of_key(key: str) -> tuple[str, bool] | None:
    """`seat` of a stored entity, by its identity key."""
    kind, _, rest = key.partition(":")
    if kind == "country":
        return rest, True
    if kind == "intelligence":
        return rest, False
    if kind == "body" and "|" in rest:
        head, _, country = rest.rpartition("|")
        return country, head.split()[-1] in _GOVERNMENT_HEADS
    return None


_GOVERNMENT_HEADS = frozenset({"administration", "government", "cabinet"})


_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)")


def _words(text: str) -> str:
    """Lowercase words without possessives, articles or punctuation: "the U.S.'s" → "u.s."."""
    text = fold(text).lower()
    if "(" in text:
        text = BRACKETED.sub("", text)  # "National Intelligence Service (NIS)"
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    words = [w.strip(",;:\"“”'") for w in text.split()]
    words = [w.rstrip(".") if w.count(".") < 2 else w for w in words]  # "Department." but "u.s."
    return " ".join(w for w in words if w and w not in _NOT_IN_KEY)


# words that describe a body or group without naming it: "state-run KCNA", "top US officials"
_NOT_IN_KEY = frozenset(
    """the a an state-run state-controlled state-owned official top senior unnamed anonymous several some
    two three many other""".split()
)


_COUNTRY_KEYS = sorted(COUNTRIES, key=lambda k: -len(k.split()))


def _country_and_rest(text: str) -> tuple[str | None, str]:
    """The country a name opens or closes with, and the rest: "south korea spy agency" → (South Korea,
    "spy agency"), "ministry of defense of ukraine" → (Ukraine, "ministry of defense")."""
    words = text.split()
    for n in (3, 2, 1):  # opening: "south korean", "seoul", "u.s."
        lead = " ".join(words[:n])
        if len(words) >= n and lead in COUNTRIES and lead not in NOT_THE_COUNTRY:
            return COUNTRIES[lead], " ".join(words[n:])
    for n in (3, 2, 1):  # closing: "ministry of defense of ukraine", "the defence ministry in seoul"
        tail = " ".join(words[-n:])
        if len(words) > n + 1 and words[-n - 1] in {"of", "in", "for"} and tail in COUNTRIES:
            if tail not in NOT_THE_COUNTRY:
                return COUNTRIES[tail], " ".join(words[: -n - 1])
    return None, text


def _known_country(text: str) -> str | None:
    for body, country in BODY_COUNTRY.items():
        if text == body or text.endswith(f" {body}") or text.startswith(f"{body} "):
            return country
    return None


_SPELLING = {"defence": "defense", "programme": "program", "organisation": "organization"}


def _head(rest: str) -> str:
    """A body's kind in one spelling: "defence ministry", "ministry of defense", "defense ministry" → "defense ministry"."""
    words = [_SPELLING.get(w, w) for w in rest.split()]
    rest = " ".join(words)
    ministry = _MINISTRY.match(rest)
    if ministry:
        rest = f"{ministry.group('what')} ministry"
    rest = re.sub(r"\b(?:affairs\s+)?ministry\b", "ministry", rest)
    return rest.strip()
