"""Which numbers of a sentence are the story's counts, with their hedge and their status.

The words come from the story (`briefings.story`): the nouns that make a number a count, unit words,
exclusions and each status's cues, compiled once per story (`rules`). What is English and not any
story's stays here: how numbers are hedged ("at least", "up to"), ranges, clauses, a year, a price.

Pure functions of a sentence's text; the claimant and the date are the caller's (`core`).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from briefings.extract.lexicon import COUNTRIES
from briefings.extract.numbers import find_numbers, words_value
from briefings.extract.text import Caseless, caseless
from briefings.models import Qualifier
from briefings.story import Story, phrase_pattern

_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Count:
    """One count a sentence claims: text[start:end] is the number (both ends of a range)."""

    value: int
    low: int | None
    high: int | None
    qualifier: Qualifier
    status: str
    start: int
    end: int
    common: bool  # told as common knowledge ("as was widely reported"): the outlet's, not a claimant's
    part: bool = False  # a part by place of the count before it in the sentence ("310 deaths, 200 of them in A")


@dataclass(frozen=True, slots=True)
class _StatusRules:
    name: str
    cue: Caseless  # cues, patterns and places
    places: Caseless | None
    before: Caseless | None
    unless: Caseless | None
    loss: bool


@dataclass(frozen=True, slots=True)
class Rules:
    """A story's word lists compiled into the patterns the count rules run."""

    story: Story
    after: re.Pattern[str]  # what may follow a number that counts: adjectives, then a noun
    units: Caseless
    weak_nouns: frozenset[str]
    people_among: Caseless | None
    context: Caseless | None
    exclude: Caseless | None
    loss: Caseless  # any loss status's cue
    spelled_hint: re.Pattern[str]  # words that make a count in words likely ("nine people died")
    statuses: tuple[_StatusRules, ...]
    ordered: tuple[_StatusRules, ...]  # the precedence order
    default: str | None
    in_country: re.Pattern[str]
    own_force: Caseless | None
    other_force: Caseless | None
    other_owner: Caseless | None
    mixed: Caseless | None
    nearest: bool

    def status(self, name: str) -> _StatusRules:
        return next(s for s in self.statuses if s.name == name)


def _alternatives(words: tuple[str, ...]) -> str:
    """The words of a list as one alternation (no word boundaries), longest first."""
    return phrase_pattern(words)[len(r"\b(?:") : -len(r")\b")]


def _either(*patterns: str) -> str:
    return "|".join(f"(?:{p})" for p in patterns if p)


@functools.lru_cache(maxsize=64)
def rules(story: Story) -> Rules:
    """The story's patterns, compiled once per story."""
    q = story.quantity
    # what may stand between a number and its noun: the story's adjectives, its topic's own words ("30
    # earthquake deaths" in a story whose topic is the earthquake) and "-related" words of any kind
    topic = tuple(w.strip() for e in (*story.topic.any_of, *story.topic.all_of) for w in e.split("|") if w.strip())
    adjectives = _either(
        _alternatives(q.adjectives) if q.adjectives else "",
        _alternatives(topic) if topic else "",
        r"[a-z]+-(?:related|linked|caused)",
        # a people's or a country's adjective, capitalised ("three Kurdish protesters", "40 Nepali
        # climbers"); a story that counts one country's forces tells them apart itself
        r"(?-i:[A-Z][a-z]+(?:an|ish|ese|ic|ch|i))" if q.force is None else "",
    )
    nouns = _alternatives(q.nouns) if q.nouns else r"(?!)"
    people = _alternatives(q.people) if q.people else r"(?!)"
    units = _alternatives(q.units) if q.units else r"(?!)"
    after = re.compile(
        rf"^\s*(?:['‘\"“]?(?:{adjectives})['’\"”]?\s+){{0,4}}(?P<noun>{nouns}|(?P<people>{people}))\b"
        rf"|^-strong\s+(?:(?:{adjectives})\s+){{0,4}}(?P<noun2>{units})\b",  # "a 12,000-strong contingent"
        re.I,
    )
    compiled = []
    for s in story.statuses:
        cue = _either(
            phrase_pattern(s.cues) if s.cues else "", *s.patterns, phrase_pattern(s.places) if s.places else ""
        )
        compiled.append(
            _StatusRules(
                name=s.name,
                cue=Caseless(cue or r"(?!)"),
                places=Caseless(phrase_pattern(s.places)) if s.places else None,
                before=Caseless(
                    phrase_pattern(s.before)[:-2]
                    + r"\s+(?:(?:about|some|around|nearly|over|more than|at least|up to)\s+)?$"
                )
                if s.before
                else None,
                unless=Caseless(_either(*s.unless)) if s.unless else None,
                loss=s.loss,
            )
        )
    statuses = tuple(compiled)
    by_name = {s.name: s for s in statuses}
    first = [by_name[n] for n in story.precedence]
    ordered = tuple(first + [s for s in statuses if s not in first and not _is_default(story, s.name)])
    loss_cues = [s.cue.twin.pattern for s in statuses if s.loss]
    places = [p for s in story.statuses for p in s.places] + list(q.front_countries)
    not_country = "|".join(re.escape(p.title()) for p in sorted(places, key=len, reverse=True))
    own = other = owner = mixed = None
    if q.force is not None:
        own_names = [n for n, c in COUNTRIES.items() if c == q.force]
        others = [n for n, c in COUNTRIES.items() if c != q.force and len(n) > 2]
        own_alt = "|".join(re.escape(n) for n in sorted(own_names, key=len, reverse=True))
        other_alt = "|".join(re.escape(n) for n in sorted(others, key=len, reverse=True))
        own = Caseless(rf"\b(?:{own_alt})")
        other = Caseless(rf"\b(?:{other_alt})\b")
        owner = Caseless(
            rf"\b(?:{other_alt})(?:['’]s)?\s+(?:(?:has|have|had)\s+(?:lost|suffered|mobili[sz]ed|deployed|sent)|army|forces|military|troops)\b"
            r"[^,;:]*$"
        )
        mixed = Caseless(rf"\b(?:{other_alt})\s+and\s+(?:{own_alt})|(?:{own_alt})\s+and\s+(?:{other_alt})\b")
    default = story.default_status()
    return Rules(
        story=story,
        after=after,
        units=Caseless(rf"(?P<count>\w+)\s+(?:{units})\s+of\s+$"),
        weak_nouns=frozenset(q.weak_nouns),
        people_among=Caseless(phrase_pattern(q.people_among)) if q.people_among else None,
        context=Caseless(phrase_pattern(q.context)) if q.context else None,
        exclude=Caseless(phrase_pattern(q.exclude)) if q.exclude else None,
        loss=Caseless(_either(*loss_cues) or r"(?!)"),
        spelled_hint=Caseless(_either(*loss_cues, phrase_pattern(q.nouns) if q.nouns else "") or r"(?!)").twin,
        statuses=statuses,
        ordered=ordered,
        default=default.name if default else None,
        in_country=re.compile(
            r"\b(?:in|to|into|inside)\s+(?:the\s+)?(?:(?:western|eastern|southern|northern|far-eastern)\s+)?"
            + (rf"(?!{not_country})" if not_country else "")
            + r"[A-Z][a-z]+\b(?!['’]s|n\b|\s+(?:region|oblast|province|border|front|area))"
        ),
        own_force=own,
        other_force=other,
        other_owner=owner,
        mixed=mixed,
        nearest=story.status_by == "nearest",
    )


def _is_default(story: Story, name: str) -> bool:
    return story.status(name).default


# ------------------------------------------------------------------ English, not a story's

_SKIP_AFTER = Caseless(
    r"^\s*(?:%|percent|per cent|-?(?:miles?|mi|km|kilomet(?:er|re)s?|mm|cm|millimet(?:er|re)s?|met(?:er|re)s?|feet|foot|"
    r"tons?|tonnes?|years?|days?|months?|weeks?|hours?|minutes?|dollars?|euros?|won|rubles?|roubles?|yuan|"
    r"kg|lbs?|st\b|nd\b|rd\b|th\b|[ap]\.?m\.?|GMT|BST|UTC)\b|-year|-mile|-day|-strong\s+(?:army|military))"
)
_SKIP_BEFORE = Caseless(
    r"(?:[$€£¥]\s*|\bNo\.\s*|\b(?:army|military|militaries|armed forces|population|strength|force) of\s+(?:about |around |some |roughly |nearly |more than |over )?"
    r"|\b(?:including|among them)\s+(?:about |around |some |roughly |nearly |at least |more than |over )?"
    r"|\b(?:{})\.?\s*|:\s*)$".format(
        "|".join(
            "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
        )
    )
)
# "killed 60 and wounded as many as 35 soldiers": a number shares the noun of the one its list ends with
_LIST_GAP = Caseless(
    r"\s*(?:,\s*)?(?:and|or|,)\s+(?:(?:killed|wounded|injured|captured|others?)\s+)?(?:(?:as many as|up to|about|some|"
    r"more than|at least|nearly|around|over|another)\s+)?"
)
_PART_AFTER = re.compile(r"\s+of\s+(?:them|those|these|whom)\b", re.I)
_PARTITIVE_BEFORE = Caseless(r"\b(?:of whom|of which|of them|of those|of these)\s*,?\s+(?:\w+\s+){0,2}$")
# a count with its own verb of loss: "of whom 400 have been killed", "Of those, 700 died"
_OWN_LOSS = Caseless(
    r"^\s*(?:\w+\s+){0,2}?(?:(?:have|has|had|were|was)\s+(?:been\s+)?(?:killed|wounded|captured|injured)|died|perished|were killed)\b"
)
# a head count the sentence does not claim: known individuals, unconfirmed reports
_KNOWN_FEW = Caseless(r"\b(?:the|these|those|both)\s+$")
_COMMON_KNOWLEDGE = Caseless(
    r"\b(?:what|as|it)\s+(?:is|was|had been|has been)\s+(?:widely|long|already|generally|commonly)\s+"
    r"(?:known|reported|believed|assumed|suspected|accepted)\b[^.;]*$"
)
_UNCONFIRMED = Caseless(
    r"\b(?:(?:could|can|cannot|can['’]t|did|does|would|was|were)\s*(?:not|n['’]t)?\s+(?:not\s+)?(?:confirm|verify|corroborate)|"
    r"unable to (?:confirm|verify)|no (?:evidence|confirmation) (?:of|that)|denied (?:reports|claims))\b"
)
_BARE_AFTER = re.compile(
    r"^\s*(?:[,.;)”\"]|$|(?i:have|has|had|having|are|were|was|is|will|would|could|may|already|more|of them|in|to|troops?|"
    r"deployed|sent|arrived|reached|moved|were|each|or more|being|now|by|at|on|within|before|after|this|next|from|"
    r"into|inside|near|along|so far|last|there|others?|killed|wounded|injured|dead|died|captured|missing)\b"
    # "the 9,000 the ministry says were sent": a reduced relative clause with its own reporting verb
    r"|(?:that\s+)?(?:the\s+(?:\w+\s+){1,3}?|(?:[A-Z][\w.’']*\s+){1,3})(?:says?|said|believes?|estimates?|claims?|reports?)\b)"
)
_GLUED_AFTER = re.compile(r"[\w:/]")  # "12,000km", "3:00", "1/2"
_GLUED_BEFORE = re.compile(r"[\w.]")  # a number written on to the word before it
_RANGE_GAP = re.compile(r"\s*(?:and|to|-|–|—|or)\s*")
_RANGE_OPEN = Caseless(r"\b(?:between|from)\s+$")
_EACH = re.compile(r"\s*(?:\w+\s+){0,3}?each\b")
_YEAR = re.compile(r"(?:19|20)\d\d")

QUALIFIER_BEFORE: list[tuple[Qualifier, Caseless]] = [
    (Qualifier.at_least, Caseless(r"\b(?:at least|no fewer than|no less than|a minimum of|minimum of)\s+$")),
    (
        Qualifier.more_than,
        Caseless(
            r"\b(?:more than|over|upwards of|in excess of|exceed(?:s|ed|ing)?|above|surpass(?:es|ed|ing)?|top(?:s|ped)?|beyond|well over"
            # "the toll climbed past 6,000", "passed 6,000" (not "the past 24 hours": past after a rise only)
            r"|pass(?:es|ed|ing)|(?:rose|risen|rises|rising|climbed|climbs|climbing|jumped|jumps|soared|soars|went|gone|"
            r"moved|pushed|crept|edged)\s+past)\s+$"
        ),
    ),
    (
        Qualifier.up_to,
        Caseless(
            r"\b(?:as many as|up to|approaching|nearing|nears|neared|closing in on|as much as|fewer than|less than|under|a maximum of|maximum of)\s+$"
        ),
    ),
    (
        Qualifier.approx,
        Caseless(
            r"\b(?:about|approximately|approx\.|around|some|roughly|nearly|almost|an estimated|estimated|close to|closer to|circa|~|about|near|an approximate)\s+$"
        ),
    ),
]
_AT_LEAST_AFTER = Caseless(r"^\s*(?:\w+\s+){0,3}?(?:or more|and more|or so|plus)\b|^\+|^-plus")
_APPROX_AFTER = Caseless(r"^\s*(?:\w+\s+){0,3}?or so\b")

_NEGATED = Caseless(r"\b(?:not|yet to|never|no)\b[^,.;]{0,30}$")
_CLAUSE_BACK = re.compile(r"(?:[;:“”\"(—]|,\s|\bthat\b|\bwhile\b|\bwhereas\b|\bbut\b)")
_CLAUSE_FWD = re.compile(
    r"(?:[;:“”\")—]|,\s|[.!?](?:\[\d+\])*\s|\s(?:and|but|while|as|which|who)\s"
    r"|(?<!brought in)\sto\s(?!the\b|a\b|an\b)[a-z]+"
    r"|\sin order to\b)"
)


_WINDOW = 200


_YEAR_WORD = re.compile(r"\b(?:19|20)\d\d\b")


def article_year(body: str, published_year: int | None) -> int | None:
    """The year an article is of: its publication's, else the latest year it names."""
    if published_year is not None:
        return published_year
    years = [int(m.group()) for m in _YEAR_WORD.finditer(body)]
    return max(years) if years else None


def counts_in(
    text: str, story: Story | Rules, prev: str | None = None, year: int | None = None, last: str | None = None
) -> list[Count]:
    """The story's counts in one sentence. `prev` is the sentence before it in its paragraph, which may
    say what a bare number counts ("… sent 9,000 soldiers. More than 2,000 have been killed."); `year`
    is the article's, before which a year named by a number's clause makes it another event's figure;
    `last` is the status of the count just before the sentence, which a sentence breaking that count
    down goes on counting ("That number includes 50 people from Alder"). `story` may be given as its
    compiled rules, which a caller reading many sentences makes once."""
    r = story if isinstance(story, Rules) else rules(story)
    out: list[Count] = []
    low = caseless(text)  # read once, by the number finder and by every cue pattern
    parts_of = last if last is not None and breaks_down_before(low) else None
    # a count in words may go on a list the sentence before began ("… 42 deaths. Yancey had 11, followed
    # by seven in Henderson."): its hint words may stand there
    carries = parts_of is not None or (
        r.nearest and prev is not None and r.spelled_hint.search(caseless(prev[-300:])) is not None
    )
    numbers = find_numbers(text, low, _ANY if carries else r.spelled_hint)
    cues = _Cues(text, len(numbers), low)
    used: set[int] = set()
    chain: tuple[int, str, bool] | None = None  # where the last count's noun ends, its status, "of the N"
    prior_end: int | None = None  # where the number before this one ends (not a time, a price, a size)
    for k, n in enumerate(numbers):
        if k in used:
            continue
        if (
            k > 0
            and not _GLUED_AFTER.match(text, numbers[k - 1].end)
            and not _of_another_thing(r, text, numbers[k - 1].end)
        ):
            prior_end = numbers[k - 1].end
        # the words around the number, a window each way: every rule below looks no further
        before, after = text[max(0, n.start - _WINDOW) : n.start], text[n.end : n.end + _WINDOW]
        if _SKIP_BEFORE.search(before[-60:]) or _SKIP_AFTER.match(after) or _GLUED_AFTER.match(after):
            continue
        if r.nearest and (
            _COMPOUND_AFTER.match(after)
            or _NOT_A_COUNT_BEFORE.search(before[-60:])
            or (_NAME_BEFORE.search(before[-40:]) and _COMMA_AFTER.match(after))
        ):
            continue  # "a 2-vehicle crash", "a Category 4 storm", "ages ranged from 4 to 91", "Mr Lee, 57,"
        if _GLUED_BEFORE.match(before[-1:]):
            continue
        part = _PART_AFTER.match(after)
        # a part by place of the count just before is a count of its own, as a county's toll is ("310
        # deaths, 200 of them in Alder"); a part of another kind is not ("three of them children")
        place_part = (
            r.nearest
            and chain is not None
            and (
                _LIST_ON.fullmatch(text, chain[0], n.start) is not None
                # "Out of the 310 people known dead so far, 200 were in Alder": words but no clause between
                or (chain[2] and n.start - chain[0] < 60 and not _NOT_ON.search(text, chain[0], n.start))
            )
            and _PLACE_PART.match(after, part.end() if part else 0) is not None
            and (part is not None or chain[2])
        )
        if part and not place_part and not _OWN_LOSS.match(after[part.end() :]):
            continue  # "Three of them were children", "Six of those were found alive": a part of a count before
        if _PARTITIVE_BEFORE.search(before[-40:]) and not _OWN_LOSS.match(after):
            continue  # "…, of whom 400 officers": part of the count before it, not a claim of its own
        value, lo_value, hi_value, end = n.value, None, None, n.end
        qualifier: Qualifier | None = None
        # ranges: "between 1,000 and 3,000", "1,000 to 3,000", "10,000-12,000"
        if k + 1 < len(numbers):
            nxt = numbers[k + 1]
            gap = text[n.end : nxt.start]
            if (
                len(gap) < 12
                and _RANGE_GAP.fullmatch(gap)
                and nxt.value > n.value
                and not _SKIP_AFTER.match(text[nxt.end : nxt.end + _WINDOW])
            ):
                if _RANGE_OPEN.search(before[-40:]) or gap.strip() in {"-", "–", "—", "to", "or"}:
                    lo_value, hi_value, value, end = n.value, nxt.value, nxt.value, nxt.end
                    qualifier = Qualifier.range
                    used.add(k + 1)
                    after = text[end : end + _WINDOW]
        # "two brigades of 6,000 soldiers each"
        tail = before[-60:]
        ends_of = tail[-1:].isspace() and tail.rstrip()[-2:].lower() == "of"  # all units can match
        units = r.units.search(tail) if ends_of else None
        if units and _EACH.match(after):
            written = tail[units.start("count") : units.end("count")]  # as written, not caseless
            count = words_value(written) or (int(written) if written.isdigit() else None)
            if count is not None and count < 100:
                value *= count
        head = r.after.match(after)
        noun_end = end + head.end() if head is not None else end  # the number's own noun phrase
        if head is None and k + 1 < len(numbers) and lo_value is None:
            listed = cues.fullmatch(_LIST_GAP, end, numbers[k + 1].start)
            if listed:  # "killed 60 and wounded as many as 35 soldiers": the list's noun counts both
                head = r.after.match(text[numbers[k + 1].end : numbers[k + 1].end + _WINDOW])
        if r.own_force is not None and (
            _other_force(r, before, after, head) or (head is not None and r.mixed.search(head.group(0)))  # type: ignore[union-attr]
        ):
            continue
        if head is None and _YEAR.fullmatch(n.text):
            continue  # a year
        if year is not None and r.story.quantity.past_events and _past_event(text, n.start, end, year):
            continue  # "Katrina killed 1,392 in 2005": another event's figure
        status: str | None = None
        listed_on = False
        if r.nearest:
            status = _nearest(r, cues, n.start, end, noun_end, head, prior_end)
            if (
                status is None
                and head is None
                and chain is not None
                and (place_part or (_LIST_ON.fullmatch(text, chain[0], n.start) and _LIST_ITEM_AFTER.match(after)))
            ):
                status, listed_on = chain[1], True  # "Buncombe with 42 deaths, Yancey with 11": the list's count
            bare = head is None and (
                _BARE_AFTER.match(after)
                or _TOLL_BARE_AFTER.match(after)
                or any(cues.any(st.cue, end, end + 16) for st in r.statuses if st.name != r.default)  # "82 arrested"
                or _default_verb_after(r, cues, end)  # "100,000 took part", "50,000 marched"
            )
            if head is None and _UNDER.search(before[-8:]):
                continue  # "were under 16": an age
            if status is None and parts_of is not None and (bare or head is not None):
                status, listed_on = parts_of, True  # "… 90 missing. That number includes 50 people from Alder"
            if status is None and bare and prev is not None:
                status = _carried(r, prev, cues)  # "… 42 deaths. Yancey had the next highest, with 11."
                listed_on = status is not None
            if (
                status is None
                and bare
                and prev is None
                and last is not None
                and cues.search(_FIGURE_BEFORE, max(0, n.start - 80), n.start)
                and not _any_cue(r, cues)
            ):
                status, listed_on = last, True  # "… toll rose to 40.¶ In Birch, the number climbed to 12"
            if status is None and head is None and bare and cues.search(_RISEN_TO, max(0, n.start - 40), n.start):
                status = _toll_subject(r, cues, n.start)  # "The death toll from the quake, which …, has risen to 632"
            if status is not None and head is None and not listed_on and not bare:
                status = None  # "in six states": a number of something else
            if status is None:
                continue  # no cue says what it counts, or the nearest says it is something else
            # "Of the 310 dead, 200 were in Alder": a total the items after it break down by place
            chain = (noun_end, status, _OF_TOTAL.search(text, max(0, n.start - 16), n.start) is not None)
        elif head is None:
            if not _BARE_AFTER.match(after):
                continue
            prev_text = text[max(0, n.start - 160) : n.start] + text[end : end + 80]
            if prev is not None:
                prev_text = f"{prev[-200:]} {prev_text}"
            if n.value < 100 or r.context is None or not r.context.search(prev_text):
                continue
            if n.value < 1000 and not cues.any(r.loss, n.start - 60, end + 60):
                continue
        else:
            if caseless(head.group("noun") or head.group("noun2") or "") in r.weak_nouns and n.value < 100:
                continue
            if head.group("people") and not (
                r.people_among is not None
                and cues.search(r.people_among, 0, len(text))
                and not cues.any(r.loss, 0, len(text))
            ):
                continue  # "300 people": soldiers only in a sentence about soldiers, and never a strike's dead
        if n.value < r.story.quantity.min or (n.value < (10 if r.nearest else 100) and _KNOWN_FEW.search(before[-12:])):
            continue  # "one soldier", "the two captured soldiers": people the article knows, not a count
        if (
            n.spelled
            and n.value < 100
            and not listed_on
            and not cues.any(r.loss, n.end, n.end + 60)
            and not (r.nearest and cues.any(r.loss, n.start - 30, n.start))
            and not (r.nearest and status != r.default and status is not None)
        ):
            continue  # "three generals", "two brigades" (but "deaths rose to eight")
        if (value >= 1_000_000 and head is None and not r.nearest) or value > r.story.quantity.max:
            continue
        if _UNCONFIRMED.search(before):
            continue  # "could not confirm reports that 5,000 troops …": no claim of that number
        if qualifier is None:
            qualifier = _qualifier(before, after)
        out.append(
            Count(
                value=value,
                low=lo_value,
                high=hi_value,
                qualifier=qualifier,
                status=status if status is not None else _status(r, cues, n.start, end),
                start=n.start,
                end=end,
                common=_COMMON_KNOWLEDGE.search(before[-120:]) is not None,  # "what was widely known — that …"
                part=bool(place_part),
            )
        )
    return out


# a toll's verb right before a bare number, and the toll that heads its sentence
_RISEN_TO = Caseless(
    r"\b(?:risen|rose|rises|climbed|climbs|jumped|jumps|reached|reaches|increased|grown|grew|soared|surged|hit|"
    r"exceeded|exceeds|surpassed|surpasses|passed|passes|topped|tops|"
    r"stands\s+at|stood\s+at|is|was)\s+(?:to\s+)?(?:(?:at\s+least|more\s+than|nearly|almost|about|around|over|past)\s+)?$"
)
_TOLL_HEAD = Caseless(r"[^\w]*(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:toll|number\s+of\s+[\w-]+|count\s+of\s+[\w-]+)\b")


_DATELINE = re.compile(r"\s(?:--|—|–)\s+")


def _toll_subject(r: Rules, cues: _Cues, start: int) -> str | None:
    """The status of a toll that opens the sentence of a bare number after its verb, however long the
    words between ("The death toll from the quake that struck the valley on Friday, has risen to 632"),
    when no number stands between them."""
    dateline = _DATELINE.search(cues.text, 0, min(start, 60))  # "Alder, May 3 (Agency) -- The death toll …"
    opening = dateline.end() if dateline else 0
    head = cues.match(_TOLL_HEAD, opening, min(start, opening + 60))
    if head is None or _NEXT_NUMBER.search(cues.text, head.end(), start) or start - head.end() > 240:
        return None
    for s in r.statuses:
        if s.name != r.default and cues.any(s.cue, head.start(), head.end()):
            return s.name
    return None


def _default_verb_after(r: Rules, cues: _Cues, end: int) -> bool:
    """The default status's cue right after a bare number, as a verb ("100,000 took part", "50,000
    marched"; not a noun: "2,000 rallies")."""
    if r.default is None:
        return False
    at = end + len(cues.text[end : end + 4]) - len(cues.text[end : end + 4].lstrip())
    m = cues.match(r.status(r.default).cue, at, at + 24)
    return m is not None and (" " in m.group() or m.group().endswith("ed"))


# a sentence that breaks down the count of the one before: "That number includes 50 people from …"
_PARTS_OF_BEFORE = Caseless(
    r"[^\w]*(?:that|this|the|those|these)\s+(?:[\w'’-]+\s+){0,2}?(?:number|figure|total|toll|tally|count)s?\s+"
    r"(?:also\s+)?(?:includes?|included|including|comprises?|comprised|consists? of|is made up of|breaks? down)\b"
)
_ANY = re.compile("")


def breaks_down_before(text: str) -> bool:
    """Whether a sentence opens by breaking down the count before it ("That number includes …")."""
    opening = text[:12].lstrip(" \t\"“‘'(")
    return opening[:2] in {"Th", "th", "TH"} and _PARTS_OF_BEFORE.match(text[:200]) is not None


_PLAIN_NOUN = re.compile(r"\s+[a-z][a-z-]+\b")


def _of_another_thing(r: Rules, text: str, end: int) -> bool:
    """A number that heads a noun of something the story does not count ("across four states", "in 21
    counties"): no count, so the cues before it are still the next number's."""
    after = text[end : end + _WINDOW]
    return (
        _PLAIN_NOUN.match(after) is not None
        and r.after.match(after) is None
        and _BARE_AFTER.match(after) is None
        and _TOLL_BARE_AFTER.match(after) is None
        and not any(s.cue.twin.match(caseless(after).lstrip()) for s in r.statuses)
    )


def _past_event(text: str, start: int, end: int, year: int) -> bool:
    """A year before the article's in the number's clause: "the 1989 rally of 1.5 million"."""
    for m in _YEAR_WORD.finditer(text, max(0, start - 80), min(len(text), end + 100)):
        if int(m.group()) < year:
            return True
    return False


def _other_force(r: Rules, before: str, after: str, head: re.Match[str] | None) -> bool:
    """ "1.8 million Chinese troops", "Russia has lost 600,000 soldiers": another country's forces."""
    assert r.own_force is not None and r.other_force is not None and r.other_owner is not None
    if head is not None and r.own_force.search(head.group(0)):
        return False  # "Russian forces were joined by 3,000 North Korean troops"
    if head is not None and r.other_force.search(head.group(0)):
        return True
    window = before[-80:]
    return _OWNER_HINT.search(window) is not None and r.other_owner.search(window) is not None


# a number that modifies a noun ("a 2-vehicle crash"; not "a 12,000-strong force"), or that names a thing
_COMPOUND_AFTER = re.compile(r"-(?!strong\b)[a-z]", re.I)
_NOT_A_COUNT_BEFORE = Caseless(
    r"\b(?:category|level|route|highway|interstate|phase|article|section|chapter|ages?|aged|ages of [^,;.]{0,40})\s+"
    r"(?:\w+\s+){0,4}$"
)
_NAME_BEFORE = re.compile(r"[A-Z][\w'’-]+,\s*$")  # an age after a name: "Mr Lee, 57, who …"
_COMMA_AFTER = re.compile(r"\s*,")


def _any_cue(r: Rules, cues: _Cues) -> bool:
    """Whether the sentence has a cue of any status or an exclusion."""
    text = cues.text
    return any(cues.any(s.cue, 0, len(text)) for s in r.statuses) or (
        r.exclude is not None and cues.any(r.exclude, 0, len(text))
    )


# a figure named before a bare number: "the number climbed to 12", "the tally in Birch stands at 5"
_FIGURE_BEFORE = Caseless(
    r"\b(?:number|figure|tally|count|total|toll)\b[^,;:.]{0,50}\b(?:is|was|stood|stands|rose|risen|climbed|reached|"
    r"grew|increased|jumped|hit|at|to)\s+(?:(?:about|some|around|nearly|over|more than|at least|up to)\s+)?$"
)


def _carried(r: Rules, prev: str, cues: _Cues) -> str | None:
    """The status a bare number takes from the sentence before it, when its own sentence has no cue of
    any status or exclusion: the last status cue there."""
    if _any_cue(r, cues):
        return None
    low = caseless(prev[-300:])
    last = max(
        ((m.end(), s.name) for s in r.statuses if s.name != r.default for m in s.cue.twin.finditer(low)),
        default=None,
    )
    return last[1] if last is not None else None


# what may stand between the counts of one list: names, commas, "and", "with", "in" ("Buncombe, with 42
# deaths, Yancey with 11, and Henderson with 10")
_LIST_ON = re.compile(
    r"(?:\s|,|[()]|(?:and|with|in|on|at|of|the|from|for|plus|while|whereas|followed by|was|were|is|are)\b|[A-Z][\w.'’-]*)*"
)
# what may follow a bare count in a story of tolls besides what may follow any bare count ("the toll
# rose to 236 across seven states", "deaths rose to eight as of Monday")
_TOLL_BARE_AFTER = re.compile(
    r"\s*(?:['’”\"–—]|(?:across|throughout|statewide|nationwide|overall|total|altogether|among|including|according|as|"
    r"since|following|with|but|and|or|while)\b)",
    re.I,
)
_UNDER = Caseless(r"\bunder\s+$")
# where a part of a count before is: "200 (of them) (were) in Alder County", "90 in the North"
_PLACE_PART = re.compile(r"\s+(?:(?:were|was|are|is|died|have\s+died)\s+)?(?:in|from)\s+(?:the\s+)?[A-Z]")
_NOT_ON = re.compile(r"[\d.;:]")
_OF_TOTAL = re.compile(r"(?:^|[.;:]\s+)\W*(?:[Oo]ut\s+)?[Oo]f\s+(?:the|all|those|these)\s+$")
_LIST_ITEM_AFTER = re.compile(r"\s*(?:[,.;)]|$|(?:and|in|from|with|each|at|on|for)\b)")
_OWNER_HINT = Caseless(r"\b(?:lost|suffered|mobili[sz]ed|deployed|sent|army|forces|military|troops)\b")


# where the clause of a count in a story of tolls ends: a relative clause carries its status ("30
# people who died"), so only punctuation and a coordinated clause end it
_TOLL_CLAUSE_FWD = re.compile(r"[;:“”\"()—]|,\s|[.!?](?:\[\d+\])*\s|\s(?:and|but|while|whereas|after|before|as)\s")
_EXCLUDED = ""  # the nearest cue says the number is something else


def _nearest(
    r: Rules, cues: _Cues, start: int, end: int, noun_end: int, head: re.Match[str] | None, prior_end: int | None
) -> str | None:
    """The status of the number at text[start:end] in a story of tolls, from the cue nearest to it: its
    noun ("30 dead"), else the first cue after it in its clause ("30 people died"), else the last one
    before it ("police arrested 420 people"); a status's cue outranks the default's ("420 protesters
    were arrested"), and an exclusion nearest to it makes it no count ("500 people were rescued")."""
    text = cues.text
    floor = max(0, start - 2 * _WINDOW)
    # a number alone in brackets glosses the words before them: "the highest death toll (1,293)"
    gloss = _GLOSS_OPEN.search(text, max(0, start - 3), start) is not None and _GLOSS_CLOSE.match(text, end)
    lo = cues.last_end(_CLAUSE_BACK, floor, start - 3 if gloss else start)
    lo = floor if lo is None else lo
    lo, asides = _asides_before(cues, floor, lo, start)
    limit = min(len(text), end + 2 * _WINDOW)
    stop = _TOLL_CLAUSE_FWD.search(text, noun_end, limit)
    if head is not None and stop is not None and stop.start() == noun_end and stop.group().strip() == "and":
        # "54 police officers and gendarmes injured": two nouns of one count, its cue after both
        other = _ONE_WORD.match(text, stop.end())
        if other and any(cues.match(s.cue, other.end(), other.end() + 24) for s in r.statuses if s.name != r.default):
            stop = _TOLL_CLAUSE_FWD.search(text, other.end(), limit)
    skip_to = noun_end
    if stop is not None and stop.group()[0] in ",—–":  # "6,022 people, aged 11 to 84, have been arrested"
        close = text.find(stop.group()[0], stop.end(), min(limit, stop.end() + _ASIDE))
        # an aside with a status's cue of its own is a clause of its own ("1,420 killed, injured 9,300, and …")
        own_cue = close != -1 and any(cues.any(s.cue, stop.end(), close) for s in r.statuses if s.name != r.default)
        if close != -1 and not _ASIDE_BREAK.search(text, stop.end(), close) and not own_cue:
            skip_to = close + 1
            stop = _TOLL_CLAUSE_FWD.search(text, skip_to, limit)
    hi = stop.start() if stop else limit
    nxt = _NEXT_NUMBER.search(text, skip_to, hi)  # a number after this one owns the cues after it
    if nxt:
        hi = nxt.start()
    marked = [s for s in r.statuses if s.name != r.default]
    after_lo = noun_end
    if (
        head is None and prior_end is not None
    ):  # a bare number's cue before it is its own, not one of a number before it
        lo = max(lo, prior_end)
    # an exclusion in the clause after the noun, before any status's cue: "two deaths were not related"
    excluded_at = cues.first_start(r.exclude, after_lo, hi) if r.exclude is not None else None
    if excluded_at is not None and not any(cues.any(s.cue, after_lo, excluded_at) for s in marked):
        return None
    # 1. the number's own noun: "30 dead", "12 missing", "1,000 arrests"
    if head is not None:
        for s in marked:
            if cues.any(s.cue, end, noun_end) and not _hypothetical(s, cues, lo, end):
                return s.name
        if r.exclude is not None and cues.any(r.exclude, end, noun_end):
            return None
    # 2. the nearest cue after it or before it (one after it is nearer at the same distance)
    found: list[tuple[int, str]] = []  # (distance, status or _EXCLUDED)
    for s in marked:
        first = cues.first_start(s.cue, after_lo, hi)
        if first is not None and not _hypothetical(s, cues, lo, first):
            found.append((first - after_lo, s.name))
        last = cues.last_end(s.cue, lo, start)
        if last is not None and not _hypothetical(s, cues, lo, last):
            found.append((2 * _gap(last, start, asides), s.name))
    if r.exclude is not None:
        last = cues.last_end(r.exclude, lo, start)
        if last is not None:
            found.append((2 * _gap(last, start, asides), _EXCLUDED))
    if found:
        distance, name = min(found)
        if name == _EXCLUDED:
            return None
        if head is not None or distance < 2 * _CLOSE:
            return name
        if distance % 2 == 0 and cues.search(_FIGURE_OF, lo, start):
            return name  # "the number of casualties confirmed by the authority as of Thursday was 79"
        return None  # a bare number far from its cue is no count
    # 4. the default status: its noun ("2,000 protesters"), or its cue in the clause ("people marched")
    if r.default is None:
        return None
    default = r.status(r.default)
    if head is not None and not head.group("people"):
        return r.default
    near = (start - _CLOSE, noun_end + _CLOSE) if head is None else (lo, hi)
    if cues.any(default.cue, max(lo, near[0]), min(hi, near[1])):
        return r.default
    return None


_ONE_WORD = re.compile(r"[a-z]+\s+")
_GLOSS_OPEN = re.compile(r"\(\s*\Z")
_GLOSS_CLOSE = re.compile(r"\s*\)")
_FIGURE_OF = Caseless(
    r"\b(?:number|total|toll|tally|count|figure)\s+of\b[^,;:]*\b(?:is|was|stood at|stands at|rose to|reached)\s+$"
)
_ASIDE = 60  # how long an aside between commas or dashes may be ("6,022 people, aged 11 to 84, have been")
_ASIDE_BREAK = re.compile(r"[.;:!?]")
_CLOSE = 60  # how near its cue a bare number must be ("the toll rose to 130", "30 died")
_NEXT_NUMBER = re.compile(r"\d")


# an aside between dashes: "The toll across four states — A, B and C — was 52", "the toll – the worst
# in years – rose to 61"; an em dash ends a clause, so the one closing an aside is looked through
_DASH = r"(?:\s[–-]{1,2}\s|\s?—\s?)"
_DASH_ASIDE = re.compile(rf"{_DASH}[^.;:!?—–]{{1,{_ASIDE}}}?{_DASH}")


def _asides_before(cues: _Cues, floor: int, lo: int, start: int) -> tuple[int, list[tuple[int, int]]]:
    """The clause's start before a number and the asides between dashes in it: when the clause opens
    at the dash that closes an aside, it opens where the clause before the aside does."""
    text = cues.text
    asides: list[tuple[int, int]] = []
    if lo > floor and text[lo - 1] == "—":
        opening = text.rfind("—", max(floor, lo - 1 - _ASIDE), lo - 1)
        if opening != -1 and not _ASIDE_BREAK.search(text, opening, lo - 1):
            asides.append((opening, lo))
            back = cues.last_end(_CLAUSE_BACK, floor, opening)
            lo = floor if back is None else back
    if "–" in text or " - " in text or "—" in text:
        asides.extend(m.span() for m in _DASH_ASIDE.finditer(text, lo, start))
    return lo, asides


def _gap(cue_end: int, start: int, asides: list[tuple[int, int]]) -> int:
    """How far a cue ending at `cue_end` stands before a number at `start`, the asides between left out."""
    return start - cue_end - sum(b - a for a, b in asides if a >= cue_end and b <= start)


def _hypothetical(s: _StatusRules, cues: _Cues, lo: int, at: int) -> bool:
    """A cue made hypothetical by what stands just before it ("could suffer losses")."""
    return s.unless is not None and cues.search(s.unless, max(lo, at - 60), at + 1) is not None


_EXCEEDED_BEFORE = Caseless(r"\b(?:exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?|topped)\s+(?:\w+\s+){0,2}$")


def _qualifier(before: str, after: str) -> Qualifier:
    window = before[-40:]
    for qualifier, pattern in QUALIFIER_BEFORE:
        if pattern.search(window):
            return qualifier
    # "the number ... exceeded 10,000": the verb may sit a few words back
    if _EXCEEDED_BEFORE.search(window):
        return Qualifier.more_than
    if _AT_LEAST_AFTER.match(after):
        return Qualifier.at_least
    if _APPROX_AFTER.match(after):
        return Qualifier.approx
    return Qualifier.exact


_Cue = re.Pattern[str] | Caseless


class _Cues:
    """Where each cue pattern matches in one sentence. In a sentence of many numbers each pattern is
    found once and looked up by position (one scan per pattern, not one per number); in a sentence of
    a few, the windows asked about are searched directly, which reads less of the sentence."""

    INDEXED = 3  # numbers in a sentence from which one scan per pattern is cheaper

    def __init__(self, text: str, numbers: int = INDEXED, low: str | None = None) -> None:
        self.text = text
        self.low = caseless(text) if low is None else low  # what Caseless patterns read
        self._found: dict[_Cue, tuple[list[int], list[int]]] = {}
        if numbers < self.INDEXED:  # the windows, searched directly
            self.within = self._within_direct  # type: ignore[method-assign]
            self.any = self._any_direct  # type: ignore[method-assign]
            self.last_end = self._last_end_direct  # type: ignore[method-assign]
            self.first_start = self._first_start_direct  # type: ignore[method-assign]

    def _read(self, pattern: _Cue) -> tuple[re.Pattern[str], str]:
        """The compiled pattern and the text it reads: a Caseless one's twin reads the caseless text."""
        return (pattern.twin, self.low) if isinstance(pattern, Caseless) else (pattern, self.text)

    def search(self, pattern: _Cue, lo: int, hi: int) -> re.Match[str] | None:
        """pattern.search over text[lo:hi] (of the caseless text, for a Caseless pattern)."""
        compiled, text = self._read(pattern)
        return compiled.search(text, max(0, lo), hi)

    def match(self, pattern: _Cue, lo: int, hi: int) -> re.Match[str] | None:
        compiled, text = self._read(pattern)
        return compiled.match(text, max(0, lo), hi)

    def fullmatch(self, pattern: _Cue, lo: int, hi: int) -> re.Match[str] | None:
        compiled, text = self._read(pattern)
        return compiled.fullmatch(text, max(0, lo), hi)

    def _within_direct(self, pattern: _Cue, lo: int, hi: int) -> list[int]:
        compiled, text = self._read(pattern)
        return [m.start() for m in compiled.finditer(text, max(0, lo), hi)]

    def _any_direct(self, pattern: _Cue, lo: int, hi: int) -> bool:
        compiled, text = self._read(pattern)
        return compiled.search(text, max(0, lo), hi) is not None

    def _last_end_direct(self, pattern: _Cue, lo: int, hi: int) -> int | None:
        end = None
        compiled, text = self._read(pattern)
        for m in compiled.finditer(text, max(0, lo), hi):
            end = m.end()
        return end

    def _first_start_direct(self, pattern: _Cue, lo: int, hi: int) -> int | None:
        compiled, text = self._read(pattern)
        m = compiled.search(text, max(0, lo), hi)
        return m.start() if m else None

    def _matches(self, pattern: _Cue) -> tuple[list[int], list[int]]:
        found = self._found.get(pattern)
        if found is None:
            compiled, text = self._read(pattern)
            matches = list(compiled.finditer(text))
            found = self._found[pattern] = ([m.start() for m in matches], [m.end() for m in matches])
        return found

    def within(self, pattern: _Cue, lo: int, hi: int) -> list[int]:
        """The starts of the matches lying wholly inside text[lo:hi]."""
        starts, ends = self._matches(pattern)
        k = bisect.bisect_left(starts, lo)
        out = []
        while k < len(starts) and ends[k] <= hi:
            out.append(starts[k])
            k += 1
        return out

    def any(self, pattern: _Cue, lo: int, hi: int) -> bool:
        starts, ends = self._matches(pattern)
        k = bisect.bisect_left(starts, max(0, lo))
        return k < len(starts) and ends[k] <= hi

    def last_end(self, pattern: _Cue, lo: int, hi: int) -> int | None:
        """The end of the last match lying wholly inside text[lo:hi]."""
        starts, ends = self._matches(pattern)
        k = bisect.bisect_right(ends, hi) - 1
        return ends[k] if k >= 0 and starts[k] >= lo else None

    def first_start(self, pattern: _Cue, lo: int, hi: int) -> int | None:
        starts, _ = self._matches(pattern)
        k = bisect.bisect_left(starts, lo)
        return starts[k] if k < len(starts) and starts[k] < hi else None


def _status(r: Rules, cues: _Cues, start: int, end: int) -> str:
    """What the number at text[start:end] counts, from the clause that governs it: a relative clause
    of present state ("troops, who are already at the border,"), the main verb of a subject the number
    heads ("… sent to help the offensive have been killed", "an influx of …, which …, could tip"),
    else the clause around it. The statuses are tried in the story's precedence order."""
    text = cues.text
    for s in r.ordered:
        if s.before is not None and cues.search(s.before, max(0, start - 30), start):
            return s.name  # "the army has lost more than 3,800 soldiers"
    # "most of the 10,000 troops sent …": the main verb is about the most, the number is of those sent
    governed = _governing(text, end, cues.search(_PART_OF, max(0, start - 24), start) is not None)
    if governed is not None:
        return _status_of(r, cues, *governed, start)
    floor = max(0, start - 2 * _WINDOW)  # a clause is looked for within two windows of the number
    lo = cues.last_end(_CLAUSE_BACK, floor, start)
    lo = floor if lo is None else lo
    if cues.match(_COORDINATED, lo, start):  # "to send 1,000 sappers, as well as 5,000 builders"
        back = cues.last_end(_CLAUSE_BACK, floor, max(floor, lo - 2))
        lo = floor if back is None else back
    # skip the troop noun phrase before looking for the clause's end: "6,000 soldiers each to boost"
    hi = cues.first_start(_CLAUSE_FWD, end, end + 2 * _WINDOW)
    hi = min(len(text), end + 2 * _WINDOW) if hi is None else hi
    # a purpose clause of the troops' task may name where they are: "deployed 9,000 soldiers to
    # support the forces in the Kursk region" (a place only, not "in the coming days" or "the front")
    purpose = _PURPOSE.match(text, hi)
    reach = cues.first_start(_CLAUSE_FWD, purpose.end(), end + 2 * _WINDOW) if purpose else None
    reach = hi if purpose is None else (min(len(text), end + 2 * _WINDOW) if reach is None else reach)
    return _status_of(r, cues, lo, hi, start, reach)


_PART_OF = Caseless(r"\b(?:most|many|some|half|part|all|majority|bulk|rest|none|few)\s+of\s+(?:the|those|these)\s+$")
_OWN_COUNT = Caseless(r"\d|\b(?:of whom|of which|of them|of those|among them)\b")
_PURPOSE = re.compile(r"\sto\s(?:support|help|reinforce|bolster|assist|aid|back|fight|join)\b")


def _status_of(r: Rules, cues: _Cues, lo: int, hi: int, start: int, reach: int | None = None) -> str:
    """The first status in precedence order with a cue in text[lo:hi] (places count up to `reach`),
    else the default."""
    for s in r.ordered:
        if s.loss and _lost(s, cues, lo, hi):
            return s.name
        if not s.loss and s.places is None and cues.any(s.cue, lo, hi):
            return s.name
        if s.places is not None and _placed(r, s, cues, lo, hi, start, reach):
            return s.name
    return r.default or r.ordered[0].name


def _lost(s: _StatusRules, cues: _Cues, lo: int, hi: int) -> bool:
    """A loss told in the clause, or just past its end ("300 soldiers, killed or wounded") unless a
    count of its own stands between ("15,000 troops sent, of whom 4,700 have been killed"); "could
    suffer losses" counts no one lost."""
    text = cues.text
    losses = [
        at for at in cues.within(s.cue, lo, min(len(text), hi + 40)) if at < hi or not cues.search(_OWN_COUNT, hi, at)
    ]
    if not losses:
        return False
    if s.unless is None:
        return True
    hypothetical = cues.within(s.unless, lo, min(len(text), hi + 40))
    return any(not any(m <= at <= m + 60 for m in hypothetical) for at in losses)


def _placed(r: Rules, s: _StatusRules, cues: _Cues, lo: int, hi: int, start: int, reach: int | None) -> bool:
    """A status of place ("at the front", "in Kursk"): its cues in the clause, its places up to `reach`;
    not negated, not a place named before the sending ("helped retake Kursk by sending 15,000 troops"),
    and not a region of a country named before it ("sent 9,000 soldiers to Russia, mostly to Kursk")."""
    reach = hi if reach is None else reach
    fronts = cues.within(s.cue, lo, hi)
    if reach > hi or not fronts:
        fronts = sorted({*fronts, *cues.within(s.places, lo, reach)})  # type: ignore[arg-type]
    placed = cues.within(r.in_country, lo, reach) if fronts else []
    for at in fronts:
        if cues.search(_NEGATED, max(lo, at - 40), at):
            continue
        if at < start and cues.search(_SENDING, at, start):
            continue
        return not any(p < at for p in placed)
    return False


# what follows a number when it heads the subject of its own verb
_NOUN_PHRASE = r"\s*(?:[\w'’-]+\s+){0,5}?[\w'’-]+"
_REDUCED_RELATIVE = re.compile(
    r"\s*(?:that\s+)?(?:the\s+(?:\w+\s+){1,3}?|(?:[A-Z][\w.’']*\s+){1,3})(?:says?|said|believes?|estimates?|claims?)\s+"
)
_RELATIVE = re.compile(_NOUN_PHRASE + r",\s*(?:who|which|that)\s+(?P<clause>[^,;.—]{3,160})(?P<close>,|—)?")
_PRESENT_STATE = Caseless(
    r"\b(?:are|is|were|was|remain|remains)\s+(?:already\s+|now\s+|currently\s+|still\s+)?(?:at|in|on|near|inside|"
    r"stationed|deployed|based|fighting|positioned|training|massed|gathered)\b"
)
_PARTICIPLE = re.compile(
    _NOUN_PHRASE.replace("{0,5}?[\\w'’-]+", "{0,4}?")
    + r"(?:sent|deployed|dispatched|brought|stationed|based|transferred|moved|flown|shipped)\b"
)
_MAIN_VERB = re.compile(r"\b(?:have|has|had|are|is|were|was|will|would|could|may|might|can|must|remain|remains)\b")
_COORDINATED = Caseless(r"\s*(?:as well as|and|plus|along with)\s")
_SENDING = Caseless(r"\b(?:send|sends|sending|sent|dispatch\w*|deploy\w*|transferr?\w*)\b")
_MAYBE_GOVERNED = re.compile(
    r"\b(?:says?|said|believes?|estimates?|claims?|sent|deployed|dispatched|brought|stationed|based|transferred|moved|"
    r"flown|shipped)\b"
)


def _governing(text: str, end: int, part: bool = False) -> tuple[int, int] | None:
    """The span whose verb says what the number ending at `end` counts, when the number heads a subject
    with a clause of its own after it; None when the clause around the number is what counts. When the
    subject is a part of the number (`part`: "most of the 10,000 troops sent …"), the number's own
    modifier counts, not the main verb."""
    rest_at = end
    ahead = text[end : end + 200]
    if "," not in ahead and not _MAYBE_GOVERNED.search(ahead):
        return None  # neither a relative clause nor a participle nor a reporting verb after the number
    reduced = _REDUCED_RELATIVE.match(text, rest_at)
    if reduced:  # "the 9,000 the ministry says were sent"
        return reduced.end(), _clause_end(text, reduced.end())
    relative = _RELATIVE.match(text, rest_at)
    if relative:
        clause = relative.group("clause")
        if _PRESENT_STATE.search(clause):  # "9,000 troops, who are already at the border,"
            return relative.start("clause"), relative.end("clause")
        if part:
            return relative.start("clause"), relative.end("clause")
        if relative.group("close"):  # "an influx of 9,000 troops, which officials feared, could tip …"
            verb = _MAIN_VERB.search(text, relative.end(), relative.end() + 60)
            if verb and not text[relative.end() : verb.start()].strip(' ,"“”'):
                return verb.start(), _clause_end(text, verb.start())
        return None
    participle = _PARTICIPLE.match(text, rest_at)
    if participle:  # "900 soldiers sent to help the offensive in Kursk have been killed"
        verb = _MAIN_VERB.search(text, participle.end(), participle.end() + 120)
        if verb and not re.search(r"[,;:.]", text[participle.end() : verb.start()]):
            return (participle.start(), verb.start()) if part else (verb.start(), _clause_end(text, verb.start()))
    return None


def _clause_end(text: str, at: int) -> int:
    stop = re.compile(r"[;:“”\")—]|,\s|\s(?:and|but|while|as|which|who)\s").search(text, at, at + 2 * _WINDOW)
    return stop.start() if stop else min(len(text), at + 2 * _WINDOW)


__all__ = ["Count", "Rules", "article_year", "breaks_down_before", "counts_in", "rules"]
