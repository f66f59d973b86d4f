"""Who is speaking: noun phrases around reporting verbs, and what they name.

A phrase such as "National Security Council spokesperson John Kirby" is split into the name
(John Kirby), the role (National Security Council spokesperson) and the affiliation (United
States). Later mentions ("Kirby", "he", "the spokesperson", "his office") are resolved against
the people and bodies named earlier in the same article by `Mentions`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from sortedcontainers import SortedKeyList

from briefings.extract.lexicon import (
    BODY_COUNTRY,
    BODY_WORDS,
    COUNTRIES,
    DOCUMENTS,
    GENERIC_SPEAKERS,
    HE_WORDS,
    KIN_WORDS,
    NOT_NAME,
    POSSESSIVE_PRONOUNS,
    PRONOUNS,
    PRONOUNS_BODY,
    PRONOUNS_PERSON,
    ROLE_WORDS,
    SHE_WORDS,
    SPEECH_VERBS,
    TITLE_ABBREVIATIONS,
    WEEKDAYS,
)
from briefings.extract.text import BRACKETED, fold
from briefings.models import EntityKind, EntityRef

TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., U.N.
    r"|(?:Mr|Mrs|Ms|Dr|Lt|Gen|Col|Rep|Sen|Gov|Maj|Capt|Sgt|Adm|Prof|St|Jr|Sr)\.(?=\s)"
    r"|[\w][\w’'ʹ\-.]*[\w]|\w"
    r"|[^\w\s]"
)

DETERMINERS = frozenset("the a an this that".split())
# lowercase words inside a person's name: "Ursula de la Vega", "Pieter van den Berg", "Omar bin Said"
NAME_PARTICLES = frozenset("de da di del della des du la le van von der den ter bin ibn al el dos das y".split())
HONORIFICS = frozenset("mr mrs ms miss mx dr".split())
SKIP_BEFORE_VERB = frozenset(
    """also has have had previously later earlier again repeatedly recently separately reportedly
    publicly then further initially first would will could may might once has had just already
    furthermore likewise similarly""".split()
)
AUXILIARIES = frozenset("is are was were be been being do does did can should must has have had not".split())
VERB_HELPERS = AUXILIARIES | frozenset("will would could may might shall".split())  # and the modals
CLAUSE_STOPS = (NOT_NAME - {"of", "for", "from", "at", "and"}) | AUXILIARIES | SPEECH_VERBS | {"put", "puts"}
INNER_PREPOSITIONS = frozenset("of for from at in to".split())
PHRASE_TOKENS = 40  # the most tokens a speaker's phrase, or the clause before a reporting verb, is read for
TIME_WORDS = frozenset(WEEKDAYS) | frozenset(
    "on in at during last this earlier later today yesterday week month morning evening night afternoon".split()
)


class Tok(NamedTuple):
    text: str
    start: int
    end: int
    low: str  # folded and lowercased
    cap: bool


def _is_word(text: str) -> bool:
    """Does the token start with a word character (what re's \\w matches)?"""
    return bool(text) and (text[0].isalnum() or text[0] == "_")


def tok(text: str, start: int, end: int) -> Tok:
    return Tok(text, start, end, fold(text).lower(), text[:1].isupper())


def tokenize(text: str, offset: int = 0) -> list[Tok]:
    low = fold(text).lower()  # one translation for the whole text: the same length, the same offsets
    make = tuple.__new__  # Tok(...) goes through a Python-level __new__; this is the hot loop of extraction
    out: list[Tok] = []
    for m in TOKEN.finditer(text):
        start, end = m.span()
        word = m.group()
        out.append(make(Tok, (word, start + offset, end + offset, low[start:end], word[:1].isupper())))
    return out


@lru_cache(maxsize=8192)
def _bare(word: str) -> str:
    """A token without its possessive: "Korea’s" → "korea"."""
    w = fold(word).lower()
    return w[:-2] if w.endswith("'s") else w.rstrip("'")


@lru_cache(maxsize=8192)
def is_participle(word: str) -> bool:
    """A capitalised word that opens a participle's clause ("Addressing", "Speaking", "Following"), not a
    first name: long and ending in -ing (the few names that do, "Channing", are taken as one)."""
    return len(word) >= 7 and word.lower().endswith("ing") and word[:1].isupper()


def is_role_word(word: str) -> bool:
    w = _bare(word).rstrip(".")
    if w in ROLE_WORDS or w in TITLE_ABBREVIATIONS:
        return True
    # a title read whole: "Vice-President", "Director-General", "Attorney-General"
    parts = w.split("-")
    return len(parts) == 2 and parts[0] in ROLE_WORDS and parts[1] in ROLE_WORDS


def _is_name_token(t: Tok) -> bool:
    """A capitalised word that may be part of a person's name."""
    return t.cap and _is_name_word(t.text)


@lru_cache(maxsize=8192)
def _is_name_word(text: str) -> bool:
    if not re.match(r"^[^\W\d_]", text):
        return False
    if text.isupper() and len(text.replace(".", "")) >= 2:
        return False  # "KCNA", "NIS", "CNN": an acronym names a body, not a person
    w = _bare(text)
    if (w in BODY_WORDS or w in COUNTRIES) and len(w) <= 3 and not text.isupper() and "." not in w:
        return w not in NOT_NAME  # "UN", "US", "EU" are bodies in capitals; "Un" of Kim Jong Un is a name
    return not (is_role_word(text) or w in BODY_WORDS or w in COUNTRIES or w in NOT_NAME)


@lru_cache(maxsize=8192)
def country_of(words: str) -> str | None:
    """The first country a phrase names or implies: "Seoul’s defence ministry" → South Korea."""
    folded = fold(words).lower()
    for body, country in BODY_COUNTRY.items():
        if re.search(rf"\b{re.escape(body)}\b", folded):
            return country
    toks = [_bare(t.text) for t in tokenize(words)]
    for i in range(len(toks)):  # the leftmost, longest first: "Russia's ambassador to the United Nations"
        for n in (3, 2, 1):
            key = " ".join(toks[i : i + n])  # past the end the slice is shorter: the same key again
            if key in COUNTRIES:
                return COUNTRIES[key]
    return None


_TRAILING_MODIFIER = re.compile(
    r"\s+(?:familiar|close|knowledgeable|involved|speaking|briefed|seen|obtained|cited|quoted|published|released|"
    r"reviewed|based|who|with)$",
    re.I,
)


_SPACES = re.compile(r"\s+")
_QUOTE_MARKS = frozenset("'‘’ʹ\"“”")
_INITIAL_END = re.compile(r"\b[A-Z]\.$")
_ARTICLE = re.compile(r"^(?:the|a|an|both)\s+", re.I)


@lru_cache(maxsize=8192)
def clean_phrase(text: str) -> str:
    text = _SPACES.sub(" ", text).strip(" ,;:—–-")
    if text[:1] in _QUOTE_MARKS:  # a quotation's closing mark left before the name: "' Ostland warns"
        text = text.lstrip("'‘’ʹ\"“” ")
    if not _INITIAL_END.search(text[-3:]):  # keep the dot of "U.S."
        text = text.rstrip(".")
    text = _ARTICLE.sub("", text)
    while _TRAILING_MODIFIER.search(text):  # "an official familiar", "an assessment seen"
        text = _TRAILING_MODIFIER.sub("", text)
    return text


_NAMED_BY = re.compile(
    r"(?:,?\s*who)?\s+(?:(?:was\s+)?identified\s+(?:only\s+)?(?:by\s+(?:his|her|their)\s+\w*\s?name|as)|goes\s+by\s+the\s+\w+"
    r"|gave\s+(?:only\s+)?(?:his|her|their)\s+[\w ]+"
    r"|surnamed|named|codenamed|nicknamed)$",
    re.I,
)
_DEMONYM_PREFIX = re.compile(
    r"^(?:South Korean|North Korean|Ukrainian|Russian|Chinese|American|U\.S\.|US|British|Japanese|French|German)\s+"
)


@lru_cache(maxsize=8192)
def parse_phrase(phrase: str) -> EntityRef | None:
    """What a noun phrase names: a person with a title, a body, or a role without a name."""
    phrase = clean_phrase(phrase)
    if "(" in phrase:
        phrase = BRACKETED.sub("", phrase)
    if not phrase:
        return None
    toks = tokenize(phrase)
    if not toks:
        return None
    low = fold(phrase).lower()
    if low in PRONOUNS:
        return None
    # "spokesperson from China’s commerce ministry" → "China’s commerce ministry spokesperson"
    # (a phrase that starts with "of" has no role before it: "of the Party", cut from a longer name)
    m = re.match(r"^(.*?\b)(?:of|for|from|at)\s+(.+)$", phrase)
    before_of = m.group(1).split() if m else []
    tail = tokenize(m.group(2)) if m else []
    names_someone = len(tail) >= 2 and _is_name_token(tail[-1]) and _is_name_token(tail[-2])
    if (
        m
        and before_of
        and not names_someone
        and is_role_word(before_of[-1])
        and not any(_is_name_token(t) for t in tokenize(m.group(1)))
    ):
        role = m.group(1).strip()
        where = clean_phrase(m.group(2))
        return EntityRef(
            name=f"{where} {role}" if len(role.split()) <= 3 else role,
            kind=EntityKind.person,
            role=f"{role} of {where}" if len(role.split()) > 3 else f"{where} {role}",
            affiliation=country_of(where),
        )
    # "President Jane Roe of Freedonia": a titled name, then where the person is from
    of_place = re.match(r"^(.+?)\s+of\s+((?:[A-Z][\w’'ʹ.\-]*\s?){1,3})$", phrase)
    if of_place and not names_someone:
        person = parse_phrase(of_place.group(1))
        titled = person is not None and person.role and any(is_role_word(w) for w in person.role.split())
        if titled and person.kind is EntityKind.person and person.name != person.role:
            place = of_place.group(2).strip()
            return person.model_copy(update={"affiliation": person.affiliation or country_of(place) or place})
    # a trailing run of capitalised name words after a title is the person's name ("de la Vega" too)
    run: list[Tok] = []
    for k in range(len(toks) - 1, -1, -1):
        t = toks[k]
        left = k
        while left > 0 and toks[left - 1].low in NAME_PARTICLES:
            left -= 1
        inside = run and left > 0 and _is_name_token(toks[left - 1])
        if _is_name_token(t) or (run and t.text in {"-", "."}) or (inside and t.low in NAME_PARTICLES):
            run.insert(0, t)
        else:
            break
    if run and " ".join(_bare(t.text) for t in run) in COUNTRIES:
        run = []  # "United States" is a country, not a person
    for k in (3, 2):  # "the United Nations Linda Thomas-Greenfield": the body, then the name
        if len(run) > k and " ".join(_bare(t.text) for t in run[:k]) in COUNTRIES:
            run = run[k:]
            break
    first = toks.index(run[0]) if run else 0
    if len(run) > 2 and any(t.low in {"of", "for"} for t in toks[:first]):
        run = run[-2:]  # "Secretary of State Antony Blinken": the department, then the name
    head = _bare(toks[-1].text)
    before = phrase[: run[0].start].strip() if run else phrase
    after_body = bool(before) and _bare(before.split()[-1]) in BODY_WORDS and not is_role_word(before.split()[-1])
    lone_country = len(run) == 1 and not before and _bare(run[0].text) in COUNTRIES
    if run and not (after_body and len(run) == 1) and not lone_country:
        affiliation = country_of(before) if before else None
        # the demonym or a possessive country is the affiliation, not part of the role
        role_text = _DEMONYM_PREFIX.sub("", before)
        if affiliation is not None:
            role_text = re.sub(r"^[\w’'ʹ]+['’ʹ]s\s+", "", role_text)
        if fold(role_text).lower().rstrip(".") in HONORIFICS:
            role_text = ""  # "Mr Kirby": a courtesy, not a role
        role_text = _NAMED_BY.sub("", role_text).strip(" ,")
        name = phrase[run[0].start :].strip()
        return EntityRef(name=name, kind=EntityKind.person, role=role_text or None, affiliation=affiliation)
    # a body: a country, a city standing for its government, or a phrase headed by a body word
    if low in COUNTRIES or _bare(low) in COUNTRIES:
        return EntityRef(name=phrase, kind=EntityKind.body, affiliation=COUNTRIES.get(low) or COUNTRIES.get(_bare(low)))
    if head in BODY_WORDS or any(_bare(t.text) in BODY_WORDS and t.cap for t in toks):
        if not is_role_word(toks[-1].text) or head in BODY_WORDS:
            return EntityRef(name=phrase, kind=EntityKind.body, affiliation=country_of(phrase))
    if is_role_word(toks[-1].text) or _bare(toks[-1].text) in GENERIC_SPEAKERS:
        # "the soldier", "one of the prisoners": someone described, kept as the description
        described = re.sub(r"^(?:one|another|each) of (?:the|its|their|his|her)\s+", "", phrase, flags=re.I)
        if described != phrase and described.endswith("s"):
            described = re.sub(r"(?:men|women)$", lambda w: w.group()[:-2] + "an", described)
            described = described[:-1] if described.endswith("s") else described
        return EntityRef(name=described, kind=EntityKind.person, role=described, affiliation=country_of(phrase))
    if all(t.cap for t in toks if t.text.isalpha()):
        kind = EntityKind.person if len(toks) <= 3 and all(_is_name_token(t) for t in toks) else EntityKind.body
        return EntityRef(name=phrase, kind=kind, affiliation=country_of(phrase))
    return EntityRef(name=phrase, kind=EntityKind.unknown, affiliation=country_of(phrase))


def _looks_nominal(toks: list[Tok]) -> bool:
    if not toks:
        return False
    if len(toks) == 1 and toks[0].low in PRONOUNS:
        return True
    return (
        any(
            t.cap
            or is_role_word(t.text)
            or _bare(t.text) in BODY_WORDS
            or t.low in GENERIC_SPEAKERS
            or t.low in DOCUMENTS
            or _AGED.fullmatch(t.low) is not None
            for t in toks
        )
        and len(toks) <= 14
    )


_ADVERB = re.compile(r"[a-z]{3,}ly")
_FULL_NAME_RUN = re.compile(r"(?<![\w’'-])[A-Z][a-z]+(?:\s+[A-Z][\w’'-]+){1,2}(?![\w’'-])")
_AGED = re.compile(r"\d{1,3}-year-olds?")  # "the 19-year-old said": someone the article named with their age
_AGED_PHRASE = re.compile(
    r"(?:[Tt]he\s+)?\d{1,3}-year-old(?:\s+[a-z]+)?"
)  # "the 19-year-old man", not "19-year-old Roe"


def _is_adverb(word: str) -> bool:
    return bool(_ADVERB.fullmatch(word)) and word not in {
        "ally",
        "family",
        "assembly",
        "rally",
        "supply",
        "italy",
    }


_MODIFIER_HEADS = {"familiar": "with", "close": "to", "knowledgeable": "about", "briefed": "on"}


def _modifier_start(toks: list[Tok], verb: int) -> int | None:
    """The index of "familiar" in "a person familiar with the plans told": a trailing modifier of
    the subject (up to six words), whose own noun is not the one speaking."""
    for k in range(verb - 2, max(-1, verb - 8), -1):
        t = toks[k]
        if not t.text.isalpha():
            return None
        if _MODIFIER_HEADS.get(t.low) == toks[k + 1].low and k > 0:
            return k
    return None


def _surname(toks: list[Tok], j: int) -> bool:
    """A capitalised word after Mr, Mrs, Ms or Dr is a surname, even one that is a month or a modal ("Mrs May")."""
    return j > 0 and toks[j].cap and toks[j - 1].low.rstrip(".") in HONORIFICS


def subject_before(toks: list[Tok], verb: int) -> list[Tok] | None:
    """The noun phrase that is the subject of the verb at index `verb`, scanning leftwards."""
    modifier = _modifier_start(toks, verb)
    if modifier is not None:
        return subject_before(toks, modifier)
    floor = max(-1, verb - PHRASE_TOKENS)  # no subject is longer: the scan stays bounded on text without clauses
    j = verb - 1
    if j >= 0 and toks[j].low in DETERMINERS:
        return None  # "the report", "a post": a noun, not a verb
    while (
        j >= 0
        and not _surname(toks, j)
        and (toks[j].low in SKIP_BEFORE_VERB or toks[j].low == "not" or _is_adverb(toks[j].text))
    ):
        j -= 1
    j = _skip_adverbial(toks, j, floor)
    while j >= 0 and not _surname(toks, j) and (toks[j].low in SKIP_BEFORE_VERB or _is_adverb(toks[j].text)):
        j -= 1
    if j > 0 and toks[j].low in {"which", "who"} and toks[j - 1].text == ",":
        return _antecedent(toks, j - 1)  # "…, which said": the one the relative clause is about
    if j >= 0 and toks[j].text == ")":  # "the National Intelligence Service (NIS) told"
        while j > floor and toks[j].text != "(":
            j -= 1
        j -= 1
    if j < 0 or j <= floor:
        return None
    if toks[j].text == ",":
        return _appositive_subject(toks, j)
    out: list[Tok] = []
    while j >= 0 and j > floor:
        t = toks[j]
        low = t.low
        if t.text in {"-", "’", "'", "&"} or (t.text == "." and out):
            out.insert(0, t)
            j -= 1
            continue
        if t.text == "," and out and any(o.low == "and" for o in out) and j > 0 and toks[j - 1].cap:
            out.insert(0, t)  # "Ukraine, the United States and South Korea say": a list of claimants
            j -= 1
            continue
        if not _is_word(t.text):
            break
        if low in INNER_PREPOSITIONS:
            left = toks[j - 1] if j > 0 else None
            if left is not None and (is_role_word(left.text) or _bare(left.text) in BODY_WORDS):
                out.insert(0, t)
                j -= 1
                continue
            if low == "of" and left is not None and _is_name_token(left) and out and all(o.cap for o in out):
                out.insert(0, t)  # "President Jane Roe of Freedonia"
                j -= 1
                continue
            break
        if low == "and":
            if out and (out[0].cap or out[0].low in DETERMINERS) and j > 0 and toks[j - 1].cap:
                out.insert(0, t)
                j -= 1
                continue
            break
        if (
            low in DETERMINERS
            and j > 1
            and toks[j - 1].text == ","
            and toks[j - 2].cap
            and any(o.low == "and" for o in out)
        ):
            out.insert(0, t)  # "Ukraine, the United States and South Korea": a list goes on past its "the"
            j -= 1
            continue
        if low in DETERMINERS and j >= 2 and toks[j - 1].low in INNER_PREPOSITIONS and is_role_word(toks[j - 2].text):
            out.insert(0, t)  # "ambassador to the United Nations": a determiner inside a title
            j -= 1
            continue
        if (
            low in CLAUSE_STOPS
            and not (t.cap and low not in NOT_NAME and low not in AUXILIARIES)
            and not _surname(toks, j)
        ):
            if low in PRONOUNS and not out:
                out.insert(0, t)
            break
        if not t.cap and low.endswith(("ed", "ing")) and "-" not in low and low not in ROLE_WORDS:
            left = toks[j - 1].low if j > 0 else ""
            if left not in DETERMINERS:
                break
        if low in PRONOUNS:
            if not out:
                out.insert(0, t)
            break
        out.insert(0, t)
        if low in DETERMINERS:
            break
        j -= 1
    # leading time phrases: "On Monday a spokesperson"
    while out and (out[0].low in TIME_WORDS):
        out.pop(0)
    while out and out[-1].low in TIME_WORDS and len(out) > 1 and out[-1].low in WEEKDAYS:
        out.pop()
    return out if _looks_nominal(out) else None


_EVENT_NOUNS = frozenset(
    """statement interview briefing conference remarks speech address post video message meeting visit trip
    session hearing call broadcast appearance report letter""".split()
)
_ADVERBIAL_OPEN = frozenset("on in at during last this earlier late early next".split())
_TIME_TOKENS = frozenset(
    """night morning evening afternoon week month year day weekend today yesterday tonight ago earlier later
    january february march april may june july august september october november december jan feb mar apr jun
    jul aug sep sept oct nov dec""".split()
) | frozenset(WEEKDAYS)


_PARTITIVES = frozenset("one another each two three some several many most both".split())


def _skip_adverbial(toks: list[Tok], j: int, floor: int) -> int:
    """Back over a time or setting between subject and verb ("The ministry on March 3 estimated",
    "Kirby on Friday told", "the minister in a statement said"): the index of the word before it."""
    for _ in range(2):  # "on Friday in a statement"
        if j < 0:
            return j
        # a bare weekday or date: "Kirby Wednesday said"
        left = toks[j - 1] if j > 0 else None
        if (
            toks[j].low in WEEKDAYS
            and left
            and (_is_name_token(left) or is_role_word(left.text) or _bare(left.text) in BODY_WORDS)
        ):
            j -= 1
            continue
        for k in range(j, max(floor, j - 7), -1):
            t = toks[k]
            if t.low in _ADVERBIAL_OPEN and k < j:
                inner = toks[k + 1 : j + 1]
                timed = any(x.low in _TIME_TOKENS or x.text.isdigit() for x in inner)
                left = toks[k - 1] if k > 0 else None
                place = t.low in {"in", "at"} and all(x.cap for x in inner)
                setting = inner[-1].low in _EVENT_NOUNS or place
                # "officials in Seoul said": a place keeps a plural subject, which it narrows
                plural = left is not None and _bare(left.text).endswith("s") and not _is_name_token(left)
                nominal = left is not None and (
                    _is_name_token(left)
                    or is_role_word(left.text)
                    or _bare(left.text) in BODY_WORDS
                    or left.text == ")"
                )
                if place and plural:
                    return j
                if (timed or setting) and nominal:
                    j = k - 1
                    break
                return j
            if not (t.text.isalnum() or t.text == ".") or t.low in SPEECH_VERBS or t.low in AUXILIARIES:
                return j
        else:
            return j
    return j


def _antecedent(toks: list[Tok], comma: int) -> list[Tok] | None:
    """What "which" or "who" after the comma at `comma` stands for: the issuer of a document named
    in the phrase before it ("a report by the spy agency to lawmakers last week, which said"), else
    the noun phrase just before the comma ("those of the NIS, which expects", "the ministry, which")."""
    for k in range(comma - 1, max(-1, comma - 20), -1):
        t = toks[k]
        if t.low in SPEECH_VERBS or t.low in {"that", ";", ":", "("} or (t.text == "," and k < comma - 1):
            break
        if t.low in DOCUMENTS and k + 2 < comma and toks[k + 1].low in {"by", "from", "of"}:
            issuer = phrase_after(toks, k + 2)
            if issuer:
                return issuer
    return subject_before(toks, comma)


def clause_subject(toks: list[Tok], before: int) -> list[Tok] | None:
    """The subject of the sentence's first verb before index `before`: in "Jonas Lind declined to
    comment, saying ...", the one who is saying."""
    for k in range(max(1, before - PHRASE_TOKENS), before):
        t = toks[k]
        verb_like = t.low in VERB_HELPERS or t.low in SPEECH_VERBS or t.low.endswith("ed")
        if t.cap or not t.text.isalpha() or not verb_like or is_role_word(t.text):
            continue
        phrase = subject_before(toks, k)
        if phrase and any(p.low not in DETERMINERS for p in phrase):
            return phrase
    return None


def opens_clause(toks: list[Tok], phrase: list[Tok]) -> bool:
    """After "said", the words are a reported clause's subject, not an inverted speaker:
    "…, said that …", "…, said the army had sent …"."""
    if phrase[0].low == "that":
        return True
    last = max(t.end for t in phrase if t.start >= 0)
    nxt = next((t for t in toks if t.start >= last), None)
    return nxt is not None and nxt.low in VERB_HELPERS


def _appositive_subject(toks: list[Tok], comma: int) -> list[Tok] | None:
    """ "Jeon Ha-kyou, a spokesperson for the ministry, told" or "The president, Volodymyr Zelensky, urged"."""
    k = comma - 1
    while k >= 0 and k > comma - PHRASE_TOKENS and toks[k].text not in {",", "(", "—", "“", "”", '"', ";", ":"}:
        k -= 1
    if k < 0 or toks[k].text != ",":
        return None
    inner = toks[k + 1 : comma]
    outer = subject_before(toks, k) if k > 0 and toks[k - 1].text != "," else None
    if not inner or outer is None:
        return None
    if _is_parenthetical(inner):
        return outer  # "A commander, who asked not to be named, said": the clause describes the subject
    if len(inner) > 16:
        return None
    if any(t.low in SPEECH_VERBS or t.low in AUXILIARIES for t in inner):
        return None  # a clause between commas, not an appositive
    # one side names someone, the other describes them with a role: "Jeon Ha-kyou, a spokesperson for ..."
    described = (
        any(is_role_word(t.text) or t.low in KIN_WORDS for t in inner + outer)
        or inner[0].low in DETERMINERS
        or outer[0].low in DETERMINERS  # "the victim's father, Tom Hale, said"
    )
    named = any(_is_name_token(t) for t in inner + outer)
    if not (described and named):
        return None
    return [*outer, tok(",", -1, -1), *inner]


def _is_parenthetical(inner: list[Tok]) -> bool:
    """A relative or participle clause set off by commas ("who spoke on condition of anonymity",
    "briefed by the agency", "speaking in Vilnius"), not a description of who someone is."""
    first = inner[0]
    if first.low in {"who", "which", "whose"}:
        return True
    return not first.cap and first.low.endswith(("ed", "ing")) and first.low not in ROLE_WORDS


def phrase_text(sentence: str, toks: list[Tok], offset: int) -> str:
    """The words of a token run as they stand in the sentence."""
    parts: list[str] = []
    segment: list[Tok] = []
    for t in [*toks, tok(",", -1, -1)]:
        if t.start < 0:
            if segment:
                parts.append(sentence[segment[0].start - offset : segment[-1].end - offset])
            segment = []
        else:
            segment.append(t)
    return ", ".join(parts)


@lru_cache(maxsize=8192)
def split_appositive(phrase: str) -> EntityRef | None:
    """Parse "A, B": one side names a person, the other describes them."""
    if ", " not in phrase:
        return parse_phrase(phrase)
    a, b = (s.strip() for s in phrase.split(", ", 1))
    ra, rb = parse_phrase(a), parse_phrase(b)
    if ra is None or rb is None:
        return ra or rb
    # the side with a proper name is the entity; the other is its role
    a_named = ra.kind is EntityKind.person and not ra.role and ra.name == clean_phrase(a)
    b_named = rb.kind is EntityKind.person and not rb.role and rb.name == clean_phrase(b)
    if a_named and not b_named:
        return EntityRef(
            name=ra.name, kind=EntityKind.person, role=clean_phrase(b), affiliation=rb.affiliation or country_of(b)
        )
    if b_named and not a_named:
        return EntityRef(
            name=rb.name, kind=EntityKind.person, role=clean_phrase(a), affiliation=ra.affiliation or country_of(a)
        )
    # "the second captive, 20-year-old rifleman Paik": one side is a titled name, the other only describes
    a_titled, b_titled = _titled_person(ra), _titled_person(rb)
    if b_titled and not a_titled and _described(ra):
        return rb
    if a_titled and not b_titled and _described(rb):
        return ra
    return ra


def _titled_person(ref: EntityRef) -> bool:
    """A person with a name of their own, not only a description ("20-year-old rifleman Paik")."""
    return ref.kind is EntityKind.person and ref.name != ref.role and any(w[:1].isupper() for w in ref.name.split())


def _described(ref: EntityRef) -> bool:
    return ref.kind is EntityKind.person and (ref.role == ref.name or not _titled_person(ref))


_PHRASE_STOPS = CLAUSE_STOPS - {"and"}  # made once, not a set a token
_TALLIES = frozenset("count counts tally tallies tabulation review survey compilation tracker database".split())
_COMPILED = frozenset("compiled collected gathered kept maintained published released".split())


def phrase_after(toks: list[Tok], start: int) -> list[Tok]:
    """The noun phrase starting at `start` ("said Stephane Dujarric, the UN chief’s spokesperson")."""
    # "according to a statement from the ministry": the one who issued the document
    # or the one who counted: "according to a tally by the paper", "data compiled by the agency"
    k = start + (start < len(toks) and toks[start].low in DETERMINERS)
    if k + 1 < len(toks) and (toks[k].low in DOCUMENTS or toks[k].low in _TALLIES):
        by = k + 1 + (toks[k + 1].low in _COMPILED and k + 2 < len(toks) and toks[k + 2].low == "by")
        if toks[by].low in {"from", "by", "of"}:
            issuer = phrase_after(toks, by + 1)
            if issuer:
                return issuer
    out: list[Tok] = []
    j = start
    if j + 2 < len(toks) and toks[j].low in _PARTITIVES and toks[j + 1].low == "of":
        out, j = toks[j : j + 2], j + 2  # "said one of the soldiers"
        if toks[j].low in DETERMINERS or toks[j].low in POSSESSIVE_PRONOUNS:
            out, j = [*out, toks[j]], j + 1
    while j < len(toks) and j < start + PHRASE_TOKENS:
        t = toks[j]
        if not _is_word(t.text) and t.text not in {"-", "’", "'", "&"} and not (t.text == "." and out):
            break
        if t.low in DOCUMENTS and out and not out[-1].cap:
            out.append(t)  # "according to various estimates", "recent reports": the documents themselves
            j += 1
            break
        if (
            t.low in DETERMINERS
            and len(out) >= 2
            and out[-1].low in INNER_PREPOSITIONS
            and j + 1 < len(toks)
            and toks[j + 1].cap
        ):
            out.append(t)  # "the Minister of the Interior": a determiner inside a title
            j += 1
            continue
        if t.low in _PHRASE_STOPS and not (t.cap and t.low not in NOT_NAME) and out:
            break
        if t.low in INNER_PREPOSITIONS and not (out and is_role_word(out[-1].text)):
            break
        if t.low in WEEKDAYS:  # a day ends the phrase: "said Kirby Monday"
            break
        if t.low == "and" and out and out[-1].cap and j + 1 < len(toks) and toks[j + 1].cap:
            out.append(t)  # "Ukrainian and South Korean intelligence"
            j += 1
            continue
        if t.low in {"on", "in", "at", "during", "to", "with", "by", "after", "before", "and"}:
            break
        out.append(t)
        j += 1
    # ", the UN chief’s spokesperson," — an appositive after a name (never after "her", "him")
    if len(out) == 1 and (out[0].low in PRONOUNS or out[0].low in {"him", "her", "them"}):
        return out
    if (
        out
        and j + 1 < len(toks)
        and toks[j].text == ","
        and (toks[j + 1].low in {"the", "a", "an"} or (not toks[j + 1].cap and is_role_word(toks[j + 1].text)))
    ):
        k = j + 1
        app: list[Tok] = []
        while k < len(toks) and k <= j + 15 and toks[k].text not in {",", ".", ";", ":", "—", "”", '"'}:
            app.append(toks[k])
            k += 1
        if 1 < len(app) <= 14:
            return [*out, tok(",", -1, -1), *app]
    # "said the regional governor, Anna Berg": a role, then the name of the one holding it
    # ("the Minister of the Interior, Ana Lopes": a title with a capitalised office is a role too)
    titled = len(out) > 2 and is_role_word(out[0].text if out[0].low not in DETERMINERS else out[1].text)
    titled = titled and any(t.low in INNER_PREPOSITIONS for t in out)
    if out and j + 1 < len(toks) and toks[j].text == "," and (titled or not any(_is_name_token(t) for t in out)):
        k = j + 1
        name: list[Tok] = []
        while k < len(toks) and len(name) < 4 and (_is_name_token(toks[k]) or (name and toks[k].low in NAME_PARTICLES)):
            name.append(toks[k])
            k += 1
        ends = k >= len(toks) or not _is_word(toks[k].text) or toks[k].low in {"who", "said", "told"}
        if name and ends and any(is_role_word(t.text) for t in out):
            return [*out, tok(",", -1, -1), *name]
    return out


# ---------------------------------------------------------------- resolving later mentions


@lru_cache(maxsize=8192)
def _surname_key(word: str) -> str:
    return re.sub(r"[^a-z]", "", _bare(word))


@lru_cache(maxsize=8192)
def _same_surname(word: str, key: str) -> bool:
    mine = _surname_key(word)
    if mine == key:
        return True
    if mine[:1] != key[:1] or abs(len(mine) - len(key)) > 2:
        return False
    return difflib.SequenceMatcher(None, mine, key).ratio() >= 0.9


@lru_cache(maxsize=8192)
def similar_names(a: str, b: str) -> bool:
    """Spellings of one name: "Zelensky"/"Zelenskyy", "Mathew Miller"/"Matthew Miller", and the
    transliterations of one Cyrillic name: "Kirill"/"Kyrylo", "Sergei"/"Sergey"."""
    if a == b:
        return True
    ta, tb = [_translit(w) for w in fold(a).lower().split()], [_translit(w) for w in fold(b).lower().split()]
    if len(ta) != len(tb) or any(x[:1] != y[:1] or abs(len(x) - len(y)) > 2 for x, y in zip(ta, tb, strict=True)):
        return False
    return all(x == y or difflib.SequenceMatcher(None, x, y).ratio() >= 0.85 for x, y in zip(ta, tb, strict=True))


_TRANSLIT = [("kh", "h"), ("y", "i"), ("j", "i"), ("w", "v"), ("ou", "u"), ("ph", "f")]


@lru_cache(maxsize=8192)
def _translit(word: str) -> str:
    """A word as its transliterations agree: "kyrylo" and "kirill" → "kirilo" and "kiril"."""
    for a, b in _TRANSLIT:
        word = word.replace(a, b)
    return re.sub(r"(\w)\1+", r"\1", word)


class _Slot:
    """One person or body of the article; every mention of it shares the slot, so what a later
    mention adds (a role, a longer name) reaches the earlier ones at once."""

    __slots__ = ("entity",)

    def __init__(self, entity: EntityRef) -> None:
        self.entity = entity


@dataclass(slots=True)
class Mention:
    slot: _Slot
    at: int  # character offset in the article
    phrase: str
    subject: bool = False  # the one a sentence is about (a speaker, a sentence's subject): what "he" continues

    @property
    def entity(self) -> EntityRef:
        return self.slot.entity


# How far back a later mention looks for what it refers to: this many mentions, and as many
# spellings that look alike. An article names a few dozen people and bodies; the bounds keep a
# hostile text with thousands of names linear.
LOOKBACK = 200
SPELLINGS = 64


@lru_cache(maxsize=8192)
def _spelling_key(name: str) -> tuple[str, ...]:
    """What two spellings of one name share for similar_names: the first letter of each word."""
    return tuple(w[:1] for w in fold(name).lower().split())


_OWNED = re.compile(r"^(his|her|its|their)\s+(.+)$")  # "its spokesperson"
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_DESCRIBED_BODY = re.compile(r"(?:[Tt]he\s+)?((?:[a-z-]+\s+){0,2})([a-z]+)")  # "the agency", "the foreign ministry"


class Mentions:
    """People and bodies named so far in one article, by position."""

    def __init__(self, body: str = "") -> None:
        self._items: SortedKeyList = SortedKeyList(key=lambda m: m.at)
        self._slots: list[_Slot] = []  # in the order first named
        self._spellings: dict[tuple[str, ...], list[_Slot]] = {}
        self.acronyms: dict[str, EntityRef] = {}
        self._body = body  # the article, for what it shows of the people it names (Mrs, "her" after a name)
        self._gender: dict[int, str] = {}  # id of a slot → "he" or "she", as the article shows it
        self._lower: frozenset[str] | None = None  # the words the article writes in lower case, read once

    @property
    def items(self) -> list[Mention]:
        return list(self._items)

    def entities(self) -> list[EntityRef]:
        """Each person or body once, as the article finally describes them, in the order first named."""
        return [slot.entity for slot in self._slots]

    def add(self, entity: EntityRef, at: int, phrase: str, subject: bool = False) -> EntityRef:
        slot = self._find_slot(entity)
        if slot is None:
            slot = _Slot(entity)
            self._slots.append(slot)
            self._spellings.setdefault(_spelling_key(entity.name), []).append(slot)
        elif entity != slot.entity:
            known = slot.entity
            name = known.name if len(known.name) >= len(entity.name) else entity.name
            spellings = {known.name, entity.name, *known.aliases, *entity.aliases} - {name}
            merged = EntityRef(
                name=name,
                kind=known.kind if known.kind is not EntityKind.unknown else entity.kind,
                role=known.role or entity.role,
                affiliation=known.affiliation or entity.affiliation,
                aliases=tuple(sorted(a for a in spellings if a != name and not _is_part_of(a, name))),
            )
            if merged.name != known.name:
                self._spellings.setdefault(_spelling_key(merged.name), []).append(slot)
            if merged != known:
                slot.entity = merged
        self._items.add(Mention(slot, at, phrase, subject))
        if slot.entity.kind is not EntityKind.body and id(slot) not in self._gender:
            gender = _gender_shown(phrase, self._body, at + len(phrase), slot.entity.role)
            if gender:
                self._gender[id(slot)] = gender
        return slot.entity

    def touch(self, entity: EntityRef, at: int, phrase: str) -> None:
        """A pronoun or possessive at `at` keeps `entity` the most recent of its kind."""
        slot = self._find_slot(entity)
        if slot is None:
            self.add(entity, at, phrase, subject=True)
        else:
            self._items.add(Mention(slot, at, phrase, True))

    def _find_slot(self, entity: EntityRef) -> _Slot | None:
        bucket = self._spellings.get(_spelling_key(entity.name), ())
        for slot in reversed(bucket[-SPELLINGS:]):
            if similar_names(slot.entity.name, entity.name):
                return slot
        return None

    def find_same(self, entity: EntityRef) -> EntityRef | None:
        slot = self._find_slot(entity)
        return slot.entity if slot is not None else None

    def _salient_before(self, at: int, kind: EntityKind, pronoun: str = "") -> EntityRef | None:
        """What "he" or "it" at `at` continues: the last speaker or subject of that kind, unless it is far
        behind the last mention of that kind (see _salient); read backwards only as far as needed.
        "he" and "she" agree: never someone the article shows as the other ("Mrs Roe", "Roe and his
        team"), nor many people ("Critics say …")."""
        latest: Mention | None = None
        for seen, m in enumerate(self._items.irange_key(max_key=at, inclusive=(True, False), reverse=True)):
            if seen >= LOOKBACK or (latest is not None and latest.at - m.at > SALIENCE):
                break
            if m.entity.kind is not kind:
                continue
            if pronoun and (self._gender.get(id(m.slot), pronoun) != pronoun or self._many(m.entity)):
                continue
            if m.subject:
                return m.entity
            latest = latest or m
        return latest.entity if latest is not None else None

    def _nearest_person(self, at: int) -> EntityRef | None:
        """The one person named last before `at` (within SALIENCE characters): a mention the rules read,
        or a full name they did not ("the shooting of Tom Pike")."""
        found: Mention | None = None
        for seen, m in enumerate(self._items.irange_key(max_key=at, inclusive=(True, False), reverse=True)):
            if seen >= LOOKBACK or at - m.at > SALIENCE:
                break
            if m.entity.kind is EntityKind.person and not self._many(m.entity):
                found = m
                break
        lo = max(0, at - SALIENCE, found.at + len(found.phrase) if found is not None else 0)
        for run in reversed(list(_FULL_NAME_RUN.finditer(self._body, lo, at))):
            words = run.group().split()
            if any(w.lower() in NOT_NAME for w in words) or fold(run.group()).lower() in COUNTRIES:
                continue
            ref = parse_phrase(run.group())
            if ref is not None and ref.kind is EntityKind.person:
                return self.find_same(ref) or self.add(ref, run.start(), run.group())
        return found.entity if found is not None else None

    def _many(self, entity: EntityRef) -> bool:
        """ "Critics", "Residents": one word, a plural the article also writes in lower case, a word for
        people in general or with the ending of a plural of people ("-ers", "-ics", "-ents"): many
        people, not one (someone named by a surname alone was named in full before, and is that name)."""
        words = entity.name.split()
        if len(words) == 1 and _bare(words[0]) in _QUANTIFIERS:
            return True  # "Some accused the government": some people
        if len(words) != 1 or not _bare(words[0]).endswith("s") or _bare(words[0]).endswith(("ss", "us", "is")):
            return False
        if self._lower is None:
            self._lower = frozenset(_LOWER_WORD.findall(self._body))
        low = _bare(words[0])
        return low in self._lower or low in GENERIC_SPEAKERS or low in BODY_WORDS or low.endswith(_PLURAL_ENDINGS)

    def between(self, lo: int, hi: int, limit: int) -> list[Mention]:
        """The mentions from offset `lo` to `hi`, in order, at most the last `limit` of them."""
        out = list(islice(self._items.irange_key(min_key=lo, max_key=hi, reverse=True), limit))
        out.reverse()
        return out

    def _before(self, at: int) -> list[Mention]:
        """The mentions before `at`, nearest last, at most LOOKBACK of them."""
        end = self._items.bisect_key_right(at)  # a mention registered where the phrase starts counts
        return self._items[max(0, end - LOOKBACK) : end]

    def resolve(self, phrase: str, at: int) -> EntityRef | None:
        """The entity a mention refers to, or None for an unresolvable pronoun."""
        clean = clean_phrase(phrase)
        low = fold(clean).lower()
        if low in PRONOUNS_PERSON or low == "her":  # "her" alone: "according to her"
            return self._salient_before(at, EntityKind.person, "he" if low in {"he", "him"} else "she")
        if low in PRONOUNS_BODY:
            return self._salient_before(at, EntityKind.body)
        if low in PRONOUNS:
            return None
        if _AGED_PHRASE.fullmatch(clean):
            # "the 19-year-old said": the person named last (an age describes whom the article just
            # told of, often as an object: "the shooting of Tom Pike … the 19-year-old said")
            return self._nearest_person(at) or EntityRef(name=clean, kind=EntityKind.person)
        if clean in self.acronyms:
            return self.acronyms[clean]
        before = self._before(at)
        if clean.isupper() and 2 <= len(clean) <= 6 and clean.isalpha():
            spelled = _spelled_by(clean, before)  # "the JCS said" after "the Joint Chiefs of Staff"
            if spelled is not None:
                self.acronyms[clean] = spelled
                return spelled
        owner = _OWNED.match(low)
        if owner and _CAPITALISED.search(clean.split(" ", 1)[1]):
            return self.resolve(clean.split(" ", 1)[1], at)  # "its spokesperson Lena Koss": the one named
        if owner:
            who = self.resolve(POSSESSIVE_PRONOUNS[owner.group(1)], at)
            if who is None:
                return None
            return EntityRef(
                name=f"{who.name}’s {clean.split(' ', 1)[1]}", kind=EntityKind.body, affiliation=who.affiliation
            )
        if _LIST.fullmatch(clean):  # "Seoul, Washington and Kyiv": several, named together
            return EntityRef(name=clean, kind=EntityKind.body)
        ref = split_appositive(phrase)
        if ref is None:
            return None
        body = self._body_described(phrase, before)
        if body is not None:
            return body
        # "Kirby", "Mr Miller", "President Yoon", "Defense Minister Kim": a part of a known name
        words = ref.name.split()
        if ref.kind in (EntityKind.person, EntityKind.unknown) and len(words) == 1:
            key = _surname_key(words[0])
            cands = [
                e
                for e in _distinct(before)
                if e.kind is EntityKind.person
                and len(e.name.split()) > 1
                and any(_same_surname(w, key) for w in (e.name.split()[0], e.name.split()[-1]))
            ]
            if cands:
                title = fold(clean_phrase(phrase)).lower().split()[:-1]
                titled = [
                    c
                    for c in cands
                    if title
                    and c.role
                    and all(
                        _fold_spelling(w) in _fold_spelling(c.role.lower())
                        for w in title
                        if w not in TITLE_ABBREVIATIONS
                    )
                ]
                best = (titled or cands)[-1]
                return EntityRef(
                    name=best.name,
                    kind=EntityKind.person,
                    role=best.role or ref.role,
                    affiliation=best.affiliation or ref.affiliation,
                )
        # "the South Korean defense minister": a role description of someone named before
        if not ref.role or ref.name != ref.role:
            known = self.find_same(ref)
            return known or ref
        return _holder(ref.name, reversed(before)) or ref

    def role_holder(self, role: str, at: int) -> EntityRef | None:
        """The person the article names with `role` ("minister": "Minister Dana Velko"): the nearest
        named before `at`, else the first named after it (a headline's "‘…,’ minister says" over the
        story that names her); None when no one is."""
        after = islice(self._items.irange_key(min_key=at, inclusive=(False, True)), LOOKBACK)
        before = (m for m in reversed(self._before(at)) if m.entity.name != m.entity.role)
        return _holder(role, before) or _holder(role, (m for m in after if m.entity.name != m.entity.role))

    @staticmethod
    def _body_described(phrase: str, before: list[Mention]) -> EntityRef | None:
        """ "the agency", "the ministry": the institution named just before (one with that word first)."""
        m = _DESCRIBED_BODY.fullmatch(phrase.strip())
        if (
            not m
            or m.group(2) not in BODY_WORDS
            or m.group(2).endswith("s")
            or m.group(2) in {"media", "press", "news"}
        ):
            return None  # plural generics ("officials", "authorities") name nobody in particular
        head = m.group(2)
        bodies = [
            x.entity
            for x in reversed(before)
            if x.entity.kind is EntityKind.body and any(_bare(w) in BODY_WORDS for w in x.entity.name.split())
        ]
        same = [b for b in bodies if head in fold(b.name).lower().split()]
        # else the institution named before, never a plural generic ("officials", "US officials"); a
        # description with words of its own ("the health ministry") names its own body, not the police
        if m.group(1).strip():
            return same[0] if same else None
        # only a word any institution goes by ("the agency", "the office"); "the court" or "the army"
        # is not whatever body the article named last, nor is a news outlet an institution it reports on
        if same or head not in _ANY_INSTITUTION:
            return same[0] if same else None
        found = [b for b in bodies if _names_one_body(b.name) and not _MEDIA_NAME.search(b.name)]
        return found[0] if found else None


_ANY_INSTITUTION = frozenset(
    """agency ministry department office service bureau directorate secretariat administration authority
    commission committee organization organisation institute centre center group""".split()
)
_MEDIA_NAME = re.compile(
    r"(?i)\b(?:media|news|press|times|post|journal|herald|tribune|reuters|agency|broadcast\w*|tv|radio|daily)\b"
)


def _holder(role: str, mentions: Iterable[Mention]) -> EntityRef | None:
    """The first of `mentions` who is a person holding `role` ("the South Korean defense minister")."""
    desc_text = _fold_spelling(fold(role).lower())
    nation = country_of(desc_text)
    place_words = {w for key in COUNTRIES for w in key.split() if key in desc_text}
    rest = set(desc_text.split()) - {"the", "a", "an"} - place_words
    if not rest:
        return None
    for m in mentions:
        e = m.entity
        if e.kind is not EntityKind.person or not e.role:
            continue
        have = set(_fold_spelling(fold(f"{e.role} {e.affiliation or ''}").lower()).split())
        if rest <= have and (nation is None or nation == e.affiliation):
            return e
    return None


def _is_part_of(alias: str, name: str) -> bool:
    """ "Kirby" of "John Kirby": a part the store files under the name already."""
    return fold(alias).lower() in fold(name).lower().split()


_QUANTIFIERS = frozenset("some many others several few most all both".split())
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w’'-])")
_PLURAL_ENDINGS = ("ers", "ors", "ics", "ists", "ents", "ants", "ians", "ees", "als", "ives")
_HE_TITLE = frozenset("mr mr. sir".split())
_SHE_TITLE = frozenset("mrs mrs. ms ms. miss madam dame lady".split())
_POSSESSIVE_AFTER = re.compile(r"[ ,]+(?:and\s+)?(his|her)\b")
# the rest of the sentence up to "his" or "her" ("Roe announced her resignation") or "and he", "and she",
# through no capitalised word (someone else named), quotation mark or dash (someone's words), sentence's end
# or clause of its own ("that", "who", "but", a verb of saying: see _CLAUSE_BETWEEN)
_PRONOUN_LATER = re.compile(r"[^A-Z.!?;:“”\"‘—–]*?(?:\b(his|her|himself|herself)|\band\s+(he|she))\b")
_CLAUSE_BETWEEN = re.compile(
    r"\b(?:who|whose|whom|which|that|but|because|when|after|before|while|although|though|as|if|since)\b"
)
_HER_OBJECT = re.compile(
    r"\b(?:told|tells|asked|asks|thanked|urged|gave|gives|sent|showed|called|let|made|helped|saw|met)\s+$"
)
_PRONOUN_REACH = 160
_SHE_PRONOUNS = frozenset("she her herself".split())


def _gender_shown(phrase: str, body: str, end: int, role: str | None = None) -> str:
    """ "he" or "she" as the article shows it for someone named: a title ("Mr", "Mrs", "Ms") in the
    phrase, a word for them that has a gender ("the victim's mother, Ann Roe", "spokeswoman"), "his" or
    "her" right after it ("Roe and her lawyers"), or the first pronoun of the rest of its sentence when
    no one else is named before it ("Roe noted that the plan works and she wants it to go on"); ""
    when it does not."""
    words = phrase.lower().replace(",", " ").split()
    for w in words[:3]:
        if w in _HE_TITLE:
            return "he"
        if w in _SHE_TITLE:
            return "she"
    described = {_bare(w) for w in [*words, *(role or "").lower().split()]}
    he, she = bool(described & HE_WORDS), bool(described & SHE_WORDS)
    if he != she:
        return "he" if he else "she"
    if not body:
        return ""
    m = _POSSESSIVE_AFTER.match(body, end, end + 12)
    if m is not None:
        return "he" if m.group(1) == "his" else "she"
    m = _PRONOUN_LATER.match(body, end, min(len(body), end + _PRONOUN_REACH))
    if m is None or _CLAUSE_BETWEEN.search(body, end, m.start(m.lastindex or 0)):
        return ""  # a clause of its own between: its pronoun may be someone else's
    pronoun = (m.group(1) or m.group(2)).lower()
    if pronoun == "her" and _HER_OBJECT.search(body, end, m.start(1)):
        return ""  # "Roe told her": someone else, spoken to
    return "she" if pronoun in _SHE_PRONOUNS else "he"


SALIENCE = 400  # characters: how far back the last subject still outranks a name met since


def _distinct(mentions: list[Mention]) -> list[EntityRef]:
    """The people and bodies of some mentions, each once, nearest last."""
    seen: set[int] = set()
    out: list[EntityRef] = []
    for m in reversed(mentions):
        if id(m.slot) not in seen:
            seen.add(id(m.slot))
            out.append(m.entity)
    out.reverse()
    return out


_LIST = re.compile(r"[A-Z][^,]*(?:,\s+(?:the\s+)?[A-Z][^,]*)+,?\s+and\s+(?:the\s+)?[A-Z][^,]*")


def _spelled_by(letters: str, before: list[Mention]) -> EntityRef | None:
    """The body named before whose capitalised words' initials spell `letters` ("Joint Chiefs of
    Staff" for JCS), when there is one."""
    found = {
        id(m.slot): m.entity
        for m in before
        if m.entity.kind is not EntityKind.person
        and "".join(w[0] for w in m.entity.name.split() if w[:1].isupper()) == letters
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _names_one_body(name: str) -> bool:
    words = name.split()
    return not _bare(words[-1]).endswith("s") or (len(words) > 1 and words[-1][:1].isupper())  # "Armed Forces"


def _fold_spelling(text: str) -> str:
    return text.replace("defence", "defense").replace("programme", "program")
