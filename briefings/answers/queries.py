"""Read-only queries over the fact store, returning views. Used by the CLI, the console and the bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from pydantic import TypeAdapter

from briefings.answers.commands import CommandError
from briefings.answers.views import (
    Change,
    EntityView,
    EstimatePicture,
    EstimateView,
    HistoryPoint,
    NewSince,
    Profile,
    QuoteView,
    SearchHit,
    SourceRef,
    SourceView,
    Stats,
    StatusRange,
    StoryView,
    TimelineItem,
    WhoResult,
)
from briefings.extract.identity import seat_of_key
from briefings.models import SEED_STORY, DateBasis, EntityKind, Qualifier, SourceKind
from briefings.store import fulltext
from briefings.store.db import Connection, Row
from briefings.store.facts import stored_date, stored_datetime
from briefings.store.matching import fold_key, variant_aliases
from briefings.story import Story
from briefings.words import quoted

log = logging.getLogger(__name__)


class QueryError(CommandError):
    """A query the store cannot answer as asked; the message is one sentence for the user."""


class AmbiguousName(QueryError):
    """A name that means several people or bodies: the message names some of them."""

    def __init__(self, typed: str, names: list[str]) -> None:
        shown = names[:AMBIGUOUS_SHOWN]
        listed = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]
        more = f" (and {len(names) - len(shown):,} more)" if len(names) > len(shown) else ""
        super().__init__(f"{quoted(typed)} may mean {listed}{more}; give more of the name.")
        self.names = names


AMBIGUOUS_SHOWN = 5
MAX_NAME_CHARS = 200  # a person's or body's name as typed
MAX_TEXT_CHARS = 500  # words to search for, or to find in a quote
MAX_SEARCH_TERMS = 32
MAX_SEARCH_DEPTH = 16  # brackets within brackets
CONTAINS_PAGE = 500  # a speaker's quotes read at a time, looking for those holding some words
MAX_LIMIT = 1000


def bounded(value: str, what: str, limit: int) -> str:
    """`value` when it is at most `limit` characters; otherwise a one-line refusal."""
    if len(value) > limit:
        raise QueryError(f"The {what} given is {len(value):,} characters long; at most {limit:,} are read.")
    return value


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"The limit must be between 1 and {MAX_LIMIT:,}.")
    return limit


def _source_ref(row: Row) -> SourceRef:
    return SourceRef(
        id=row["source_id"],
        outlet=row["outlet"],
        title=row["title"],
        published=stored_datetime(row["published"]),
        url=row["url"],
        origin=row["origin"],
    )


# ------------------------------------------------------------------------ who is who

ALIAS_SCAN = 2000  # aliases read for one typed word, at most: more than that is ambiguous anyway


async def match_entities(conn: Connection, name: str, what: str = "name") -> list[int]:
    """Entities a typed name may mean: "kirby", "John Kirby", "zelensky", "defense ministry",
    "intelligence" (any case, part or spelling).

    The whole name as stored, else every entity it fits: each typed word the start of a word of one
    of its names (a spelling variant of a stored name part, see briefings.store.matching, for a word that starts none), or the typed
    words one after another inside one of its names, from a word's start ("national intelligence" in
    "National Intelligence Service", "intelligence" in "Defense Intelligence Agency"): the name's
    own letters, never fewer."""
    key = fold_key(bounded(name, what, MAX_NAME_CHARS))
    if not key:
        return []
    exact = await conn.fetch("SELECT entity_id FROM entity_aliases WHERE alias_key = ?", (key,))
    if exact:
        return sorted({r[0] for r in exact})
    found: set[int] | None = None
    for token in key.split():
        rows = await conn.fetch(
            "SELECT entity_id FROM entity_aliases WHERE alias_key >= ? AND alias_key < ? ORDER BY alias_key, entity_id LIMIT ?",
            (token, token + "\uffff", ALIAS_SCAN),
        )
        ids = {r[0] for r in rows} or {entity_id for _, entity_id in await variant_aliases(conn, token)}
        found = ids if found is None else found & ids
        if not found:
            break
    # the words inside a name, from a word's start: every entity they fit, with those found above
    inside = conn.dialect.contains("' ' || alias_key", "?")
    rows = await conn.fetch(
        f"SELECT DISTINCT entity_id FROM entity_aliases WHERE {inside} ORDER BY entity_id LIMIT ?",
        (" " + key, ALIAS_SCAN),
    )
    return sorted((found or set()) | {r[0] for r in rows})


_HAS_FACTS = {
    "quotes": "EXISTS (SELECT 1 FROM quotes WHERE entity_id = en.id)",
    "estimates": "(EXISTS (SELECT 1 FROM estimates WHERE entity_id = en.id)"
    " OR EXISTS (SELECT 1 FROM estimates WHERE voiced_by = en.id))",
}


async def _voiced_any(conn: Connection, entity_id: int) -> bool:
    """Has this person voiced claims for a body (a spokesperson)?"""
    return bool(await conn.fetch("SELECT 1 FROM estimates WHERE voiced_by = ? LIMIT 1", (entity_id,)))


async def resolve_entities(conn: Connection, name: str, facts: str = "any", what: str = "name") -> list[int]:
    """The one entity a name means, preferring those with facts of that kind ("quotes", "estimates"
    or "any"); none when nobody matches; `AmbiguousName` when several still do."""
    chosen = await _prefer_active(conn, await match_entities(conn, name, what), facts)
    if len(chosen) <= 1:
        return chosen
    rows = await conn.fetch(f"SELECT name FROM entities WHERE id IN ({','.join('?' * len(chosen))})", chosen)
    raise AmbiguousName(name, sorted({r[0] for r in rows}, key=str.casefold))


async def _prefer_active(conn: Connection, ids: list[int], facts: str) -> list[int]:
    """Of several entities, those that said or claimed something (of that kind), if any do."""
    if len(ids) <= 1:
        return ids
    cond = _HAS_FACTS.get(facts) or f"({_HAS_FACTS['quotes']} OR {_HAS_FACTS['estimates']})"
    active = await conn.fetch(
        f"SELECT en.id FROM entities AS en WHERE en.id IN ({','.join('?' * len(ids))}) AND {cond}", ids
    )
    return sorted(r[0] for r in active) or ids


def _reported(row: Row) -> tuple[list[str], int]:
    """The first outlets that carried a row's claim and how many independent sources did (from
    claim_stats, which the store keeps up to date as facts arrive; joined by the selects below)."""
    outlets = row["outlets"]
    return (json.loads(outlets) if outlets else [], row["independent"] or 0)


# -------------------------------------------------------------------------- estimates

_ESTIMATE_COLUMNS = """
    SELECT e.id, COALESCE(en.name, e.claimant) AS claimant, e.entity_id, e.value, e.low, e.high, e.qualifier, e.status, e.claimed_on,
           e.date_basis, e.claim_key, e.source_id, s.outlet, s.title, s.published, s.url, s.origin, s.root_id, st.text AS sentence,
           (SELECT cs.outlets FROM claim_stats AS cs WHERE cs.claim_key = e.claim_key) AS outlets,
           (SELECT cs.independent FROM claim_stats AS cs WHERE cs.claim_key = e.claim_key) AS independent,
           vb.name AS voiced_by, e.voiced_by AS voiced_by_id, e.story"""
_ESTIMATE_JOINS = """
      JOIN sources AS s ON s.id = e.source_id
      JOIN sentences AS st ON st.id = e.sentence_id
      LEFT JOIN entities AS en ON en.id = e.entity_id
      LEFT JOIN entities AS vb ON vb.id = e.voiced_by
"""
_ESTIMATE_SELECT = f"{_ESTIMATE_COLUMNS} FROM estimates AS e {_ESTIMATE_JOINS}"


def _first_per_claim(rows: list[Row]) -> list[Row]:
    """One row per claim, however many sources carry it: the first, in the given order."""
    firsts: dict[str, Row] = {}
    for r in rows:
        firsts.setdefault(r["claim_key"], r)
    return list(firsts.values())


def _carried(r: Row) -> bool:
    """A row from a copy or a rewrite: its source is not its own independent root."""
    return r["root_id"] is not None and r["root_id"] != r["source_id"]


async def _originals(
    conn: Connection, rows: list[Row], kind: str, *, stored_until: dt.datetime | None = None
) -> list[Row]:
    """Each row from a copy or a rewrite replaced by the same claim as its original reported it (the
    row of its root source, stored by `stored_until`), so that the original's wording and date are
    shown wherever the claim is: "12,000" and its day, not a rewrite's "about 12,000", date unknown."""
    wanted = sorted({(r["claim_key"], r["root_id"]) for r in rows if _carried(r)})
    if not wanted:
        return rows
    select, alias, table = (_QUOTE_SELECT, "q", "quotes") if kind == "quote" else (_ESTIMATE_SELECT, "e", "estimates")
    cond, params = "", []
    if stored_until is not None:
        cond, params = " AND f.created_at <= ?", [stored_until.astimezone(dt.UTC).isoformat()]
    found: dict[tuple[str, int], Row] = {}
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        # driven by the wanted pairs through the claim_key index (a row-value IN would scan the table)
        ids = await conn.fetch(
            f"""SELECT f.id FROM (VALUES {",".join("(CAST(? AS TEXT), CAST(? AS BIGINT))" for _ in chunk)}) AS w
                  JOIN {table} AS f ON f.claim_key = w.column1 AND f.source_id = w.column2{cond}""",
            [*(x for pair in chunk for x in pair), *params],
        )
        if ids:
            marks = ",".join("?" * len(ids))
            for r in await conn.fetch(
                f"{select} WHERE {alias}.id IN ({marks}) ORDER BY {alias}.id", [r[0] for r in ids]
            ):
                found.setdefault((r["claim_key"], r["source_id"]), r)
    return [found.get((r["claim_key"], r["root_id"]), r) if _carried(r) else r for r in rows]


def _estimate_view(r: Row) -> EstimateView:
    reported_by, independent = _reported(r)
    return EstimateView(
        id=r["id"],
        claimant=r["claimant"],
        entity_id=r["entity_id"],
        voiced_by=r["voiced_by"],
        value=r["value"],
        low=r["low"],
        high=r["high"],
        qualifier=Qualifier(r["qualifier"]),
        status=r["status"],
        story=r["story"],
        claimed_on=stored_date(r["claimed_on"]),
        date_basis=DateBasis(r["date_basis"]),
        source=_source_ref(r),
        sentence=r["sentence"],
        reported_by=reported_by,
        independent_sources=independent,
    )


def _estimate_views(rows: list[Row], *, fold_copies: bool = False) -> list[EstimateView]:
    return [_estimate_view(r) for r in (_first_per_claim(rows) if fold_copies else rows)]


def _claimant_group(e: EstimateView) -> tuple[str, str]:
    return ("id", str(e.entity_id)) if e.entity_id is not None else ("name", fold_key(e.claimant))


def _order(e: EstimateView) -> tuple[dt.date, int]:
    return (e.claimed_on or dt.date.min, e.id)


LATEST_PER_STATUS = 12  # most recent claimants shown per status; the ranges still count every claimant
HISTORY_GROUPS = 6
HISTORY_POINTS = 60
_HISTORY = TypeAdapter(list[HistoryPoint])  # a chart's points checked as one list: 0.6 ms for 456, not 1.0 one by one


async def estimates(
    conn: Connection,
    *,
    story: str = SEED_STORY,
    statuses: Sequence[str] | None = None,
    status: str | None = None,
    claimant: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    stored_until: dt.datetime | None = None,
) -> EstimatePicture:
    """One story's picture now (or as stored up to a moment): latest number per claimant and status,
    ranges, changes and history. `statuses` are the story's, in its order (default: those stored)."""
    if statuses is None:
        rows = await conn.fetch("SELECT DISTINCT status FROM claim_latest WHERE story = ? ORDER BY status", (story,))
        statuses = [r[0] for r in rows]
    statuses = list(statuses)
    where, params = ["e.story = ?"], [story]
    if status is not None:
        where.append("e.status = ?")
        params.append(status)
    if claimant and claimant.strip():
        # one person or body by name; else claimants stored without one (an outlet) by their words
        ids = await resolve_entities(conn, claimant, "estimates", "claimant")
        if ids and await _voiced_any(conn, ids[0]):
            # a spokesperson: the claims they voiced for their body, and any of their own
            # (each side from its own index, whatever plan the engine keeps for the statement)
            where.append(
                "e.id IN (SELECT id FROM estimates WHERE story = ? AND group_key = ?"
                " UNION SELECT id FROM estimates WHERE voiced_by = ?)"
            )
            params += [story, f"id:{ids[0]}", ids[0]]
            since = since or dt.date.min  # read from the rows: claim_latest keeps the body's latest only
        elif ids:
            members = await _government_members(conn, ids[0])
            where.append(f"e.group_key IN ({','.join('?' * len(members))})")
            params += [f"id:{m}" for m in members]
        else:
            where.append(f"e.entity_id IS NULL AND e.claimant {conn.dialect.ilike} ? ESCAPE '\\'")
            params.append(f"%{_like_escape(claimant.strip())}%")
    if since is None and until is None and stored_until is None:
        return await _current_picture(conn, " AND ".join(where), params, story, statuses)
    if stored_until is not None:
        where.append("e.created_at <= ?")
        params.append(stored_until.astimezone(dt.UTC).isoformat())
    if since is not None:
        where.append("e.claimed_on >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("e.claimed_on <= ?")
        params.append(until.isoformat())
    rows = await conn.fetch(
        f"{_ESTIMATE_SELECT} WHERE {' AND '.join(where)} ORDER BY e.claimed_on NULLS FIRST, e.id", params
    )
    return picture(
        _estimate_views(_in_window(await _originals(conn, rows, "estimate", stored_until=stored_until), since, until)),
        statuses,
    )


async def _government_members(conn: Connection, entity_id: int) -> list[int]:
    """A government as a claimant is itself and the bodies it speaks through: "Japan" is also its
    defence ministry and its intelligence agency, whose claims an article's "Japan said" stands for. Any other entity is itself alone."""
    key = await conn.fetchval("SELECT key FROM entities WHERE id = ?", (entity_id,))
    where = seat_of_key(key) if key else None
    if where is None or not where[1]:
        return [entity_id]
    rows = await conn.fetch(
        "SELECT id, key FROM entities WHERE key LIKE ? OR key LIKE ? ORDER BY id LIMIT 200",
        (f"%|{where[0]}", f"intelligence:{where[0]}"),
    )
    return sorted({entity_id, *(r[0] for r in rows if (seat := seat_of_key(r[1])) and seat[0] == where[0])})


def _in_window(rows: list[Row], since: dt.date | None, until: dt.date | None) -> list[Row]:
    """The rows still dated within [since, until] (an original may date a claim outside it)."""
    lo, hi = since.isoformat() if since else None, until.isoformat() if until else None
    return [
        r
        for r in rows
        if (lo is None or (r["claimed_on"] or "") >= lo)
        and (hi is None or (r["claimed_on"] is not None and r["claimed_on"] <= hi))
    ]


async def _current_picture(
    conn: Connection, where: str, params: list, story: str, statuses: list[str]
) -> EstimatePicture:
    """The picture from claim_latest: bounded work however many estimates are stored, in two round
    trips (the latest per status with their range and previous different number; the history)."""
    if not statuses:
        return EstimatePicture(latest=[], ranges=[], changes=[], history=[])
    # story, status and claimant group are on claim_latest itself; a claimant's name needs its estimate row
    cl_where = where.replace("e.status", "cl.status").replace("e.group_key", "cl.group_key")
    cl_where = cl_where.replace("e.story", "cl.story")
    join = "JOIN estimates AS e ON e.id = cl.estimate_id" if "e.claimant" in cl_where else ""
    recent = f"""SELECT * FROM (SELECT cl.estimate_id FROM claim_latest AS cl {join} WHERE {cl_where} AND cl.status = ?
                  ORDER BY cl.claimed_on DESC NULLS LAST, cl.estimate_id DESC LIMIT ?) AS latest"""
    rows = await conn.fetch(
        f"""WITH pick AS MATERIALIZED ({" UNION ALL ".join([recent] * len(statuses))}),
                 ranges AS (
                   SELECT cl.status, MIN(COALESCE(cl.low, cl.value)) AS lo, MAX(COALESCE(cl.high, cl.value)) AS hi,
                          COUNT(*) AS n
                     FROM claim_latest AS cl {join} WHERE {cl_where} GROUP BY cl.status)
            {_ESTIMATE_COLUMNS}, r.lo, r.hi, r.n, p.value AS before_value, p.claimed_on AS before_on
              FROM pick
              JOIN estimates AS e ON e.id = pick.estimate_id
              JOIN ranges AS r ON r.status = e.status
              {_ESTIMATE_JOINS}
              LEFT JOIN estimates AS p ON p.id = (
                   SELECT q.id FROM estimates AS q
                    WHERE q.story = e.story AND q.group_key = e.group_key AND q.status = e.status
                      AND q.claimed_on < e.claimed_on
                      AND q.value != e.value
                    ORDER BY q.claimed_on DESC, q.id DESC LIMIT 1)
             ORDER BY e.claimed_on DESC NULLS LAST, e.id DESC""",
        [x for status in statuses for x in (*params, status, LATEST_PER_STATUS)] + params,
    )
    latest = _estimate_views(await _originals(conn, rows, "estimate"))
    by_status = {r["status"]: r for r in rows}  # every row of a status carries its range
    ranges = [
        StatusRange(status=s, low=by_status[s]["lo"], high=by_status[s]["hi"], claimants=by_status[s]["n"])
        for s in statuses
        if s in by_status
    ]
    moved = [(v, r) for v, r in zip(latest, rows, strict=True) if r["before_value"] is not None]
    changes = [
        Change(
            claimant=v.claimant,
            status=v.status,
            before=r["before_value"],
            after=v.value,
            before_on=stored_date(r["before_on"]),
            after_on=v.claimed_on,
        )
        for v, r in moved
    ]
    history: list[HistoryPoint] = []
    charted = [v for v, _ in moved[:HISTORY_GROUPS]]
    if charted:
        # one statement: a limited, indexed slice per claimant group, stitched with UNION ALL
        part = """SELECT * FROM (SELECT CAST(? AS BIGINT) AS n, claimed_on, value FROM estimates
                   WHERE story = ? AND group_key = (SELECT group_key FROM estimates WHERE id = ?) AND status = ?
                     AND claimed_on IS NOT NULL ORDER BY claimed_on DESC, id DESC LIMIT ?) AS points"""
        points = await conn.fetch(
            " UNION ALL ".join([part] * len(charted)),
            [x for n, v in enumerate(charted) for x in (n, story, v.id, v.status, HISTORY_POINTS)],
        )
        by_group: dict[int, list[Row]] = defaultdict(list)
        for p in points:
            by_group[p[0]].append(p)
        for n, v in enumerate(charted):
            history += _HISTORY.validate_python(
                [
                    {"claimant": v.claimant, "status": v.status, "claimed_on": stored_date(p[1]), "value": p[2]}
                    for p in reversed(by_group[n])
                ]
            )
    latest.sort(key=lambda v: (_rank(statuses, v.status), -(v.claimed_on or dt.date.min).toordinal(), -v.value))
    return EstimatePicture(latest=latest, ranges=ranges, changes=changes, history=history)


def _rank(statuses: Sequence[str], status: str) -> int:
    """Where a status comes in its story's order (one the story no longer has: last)."""
    return statuses.index(status) if status in statuses else len(statuses)


def picture(views: list[EstimateView], statuses: Sequence[str] = ()) -> EstimatePicture:
    """Group estimates by claimant and status: the latest of each, the spread, and who moved; the
    statuses in the story's order (`statuses`)."""
    groups: dict[tuple[tuple[str, str], str], list[EstimateView]] = defaultdict(list)
    for v in views:
        groups[(_claimant_group(v), v.status)].append(v)
    latest: list[EstimateView] = []
    changes: list[Change] = []
    history: list[HistoryPoint] = []
    for items in groups.values():
        items.sort(key=_order)
        latest.append(items[-1])
        last_move: Change | None = None
        prev: EstimateView | None = None
        for v in items:
            if v.claimed_on is not None:
                history.append(
                    HistoryPoint(claimant=v.claimant, status=v.status, claimed_on=v.claimed_on, value=v.value)
                )
            if (
                prev is not None
                and v.value != prev.value
                and v.claimed_on is not None
                and prev.claimed_on is not None
                and v.claimed_on > prev.claimed_on
            ):
                last_move = Change(
                    claimant=v.claimant,
                    status=v.status,
                    before=prev.value,
                    after=v.value,
                    before_on=prev.claimed_on,
                    after_on=v.claimed_on,
                )
            prev = v
        if last_move is not None:
            changes.append(last_move)
    order = [*statuses, *sorted({v.status for v in latest} - set(statuses))]
    latest.sort(key=lambda v: (order.index(v.status), -(v.claimed_on or dt.date.min).toordinal(), -v.value))
    ranges = []
    for status in order:
        vals = [v for v in latest if v.status == status]
        if vals:
            ranges.append(
                StatusRange(
                    status=status,
                    low=min(v.low if v.low is not None else v.value for v in vals),
                    high=max(v.high if v.high is not None else v.value for v in vals),
                    claimants=len(vals),
                )
            )
    return EstimatePicture(latest=latest, ranges=ranges, changes=changes, history=history)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ----------------------------------------------------------------------------- quotes

_QUOTE_SELECT = """
    SELECT q.id, COALESCE(en.name, q.speaker) AS speaker, q.entity_id, q.text, q.claimed_on, q.date_basis, q.claim_key, q.source_id,
           s.outlet, s.title, s.published, s.url, s.origin, s.root_id, en.role, en.affiliation, cs.outlets, cs.independent
      FROM quotes AS q
      JOIN sources AS s ON s.id = q.source_id
      LEFT JOIN entities AS en ON en.id = q.entity_id
      LEFT JOIN claim_stats AS cs ON cs.claim_key = q.claim_key
"""


def _quote_views(rows: list[Row], *, fold_copies: bool = True) -> list[QuoteView]:
    out = []
    for r in _first_per_claim(rows) if fold_copies else rows:
        reported_by, independent = _reported(r)
        out.append(
            QuoteView(
                id=r["id"],
                speaker=r["speaker"],
                entity_id=r["entity_id"],
                role=r["role"],
                affiliation=r["affiliation"],
                text=r["text"],
                claimed_on=stored_date(r["claimed_on"]),
                date_basis=DateBasis(r["date_basis"]),
                source=_source_ref(r),
                reported_by=reported_by,
                independent_sources=independent,
            )
        )
    return out


async def quotes_by(
    conn: Connection, speaker: str, *, contains: str | None = None, limit: int = 100
) -> list[QuoteView]:
    """A speaker's quotes, newest first; the speaker may be typed in any case, in part or in full.

    A name that means several people raises `AmbiguousName`; one that means nobody stored is looked
    for in the attributions stored without a person."""
    if not fold_key(bounded(speaker, "speaker", MAX_NAME_CHARS)):
        raise QueryError("Give a speaker's name, for example 'Kirby'.")
    check_limit(limit)
    ids = await resolve_entities(conn, speaker, "quotes", "speaker")
    wanted = None
    if contains and contains.strip():  # words, "phrases", AND, OR, NOT and brackets, as a search reads them
        bounded(contains.strip(), "words to find", MAX_TEXT_CHARS)
        wanted = search_query(contains, f"The contains filter {quoted(contains)} is malformed: it")
    fetch = limit + limit // 2  # a little over: copies of one quote fold into one
    # answered by an index in date order: the speaker's entity, else the quotes stored without an
    # entity whose attribution text matches; with words to find, page by page until enough hold them
    if ids:
        where, params = "q.entity_id = ?", [ids[0]]
    else:
        where, params = (
            f"q.speaker {conn.dialect.ilike} ? ESCAPE '\\' AND q.entity_id IS NULL",
            [f"%{_like_escape(speaker.strip())}%"],
        )
    page = fetch if wanted is None else max(fetch, CONTAINS_PAGE)
    rows: list[Row] = []
    for offset in itertools.count(0, page):
        got = await conn.fetch(
            f"{_QUOTE_SELECT} WHERE {where} ORDER BY q.claimed_on DESC NULLS LAST, q.id DESC LIMIT ? OFFSET ?",
            [*params, page, offset],
        )
        rows += got if wanted is None else [r for r in got if fulltext.matches(wanted, r["text"])]
        if wanted is None or len(got) < page or len(rows) >= fetch:
            break
    rows = rows[:fetch]
    rows = _newest_first(await _originals(conn, rows, "quote"))
    return _quote_views(rows)[:limit]


def _newest_first(rows: list[Row]) -> list[Row]:
    """Newest claim first, undated last; each row once. Of one day's rows, a stated day before a
    publication's, then by their words and outlet: facts, not the order they were stored in (the
    row a claim carried by several sources is shown from)."""
    unique = list({r["id"]: r for r in rows}.values())
    return sorted(unique, key=_by_date, reverse=True)


def _by_date(r: Row) -> tuple[str, bool, str, str, int]:
    words = r["text"] if "text" in r.keys() else r["sentence"]
    return (r["claimed_on"] or "", r["date_basis"] == "stated", words, r["outlet"] or "", r["id"])


async def _counts_by_name(conn: Connection, table: str, name_column: str) -> list[tuple[str, int]]:
    """Rows of `table` per name, most first: counted per entity on its index, then named (a join
    per entity, not per row), plus the rows stored without an entity under the name as written."""
    rows = await conn.fetch(
        f"""SELECT en.name, c.n FROM (SELECT entity_id, COUNT(*) AS n FROM {table}
                                       WHERE entity_id IS NOT NULL GROUP BY entity_id) AS c
              JOIN entities AS en ON en.id = c.entity_id
            UNION ALL
            SELECT {name_column}, COUNT(*) FROM {table}
             WHERE entity_id IS NULL AND {name_column} IS NOT NULL GROUP BY {name_column}""",
    )
    counts: Counter[str] = Counter()
    for name, n in rows:
        counts[name] += n
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


async def speakers(conn: Connection) -> list[tuple[str, int]]:
    """Every speaker with a quote and how many quotes: the source of autocomplete choices."""
    return await _counts_by_name(conn, "quotes", "speaker")


async def claimants(conn: Connection) -> list[tuple[str, int]]:
    """Every claimant of an estimate and how many estimates: autocomplete for claimant options."""
    return await _counts_by_name(conn, "estimates", "claimant")


# ----------------------------------------------------------------------------- search

_FTS_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FTS_TOKEN = re.compile(r'"[^"]*"?\*?|\w+\*?|[()]|[^\w\s"()]+')


def _unreadable(what: str, problem: str) -> QueryError:
    return QueryError(f"{what} {problem}.")


def search_query(text: str, what: str = "The search") -> list[fulltext.Item]:
    """What a user typed as a search both engines run alike: words and "phrases" (a trailing * for a
    prefix), AND, OR and NOT between them, and brackets; nothing else is syntax (no column filters,
    no special queries). A search that cannot be read is one sentence saying why, of `what`."""
    text = bounded(text.strip(), "search", MAX_TEXT_CHARS)
    if not text:
        raise QueryError("Give some words to search for.")
    out: list[fulltext.Item] = []
    prev = ""  # what came last: "term", "op", "(" or ")"
    depth = terms = 0
    for token in _FTS_TOKEN.findall(text):
        if token.startswith('"'):
            if len(token.rstrip("*")) < 2 or not token.rstrip("*").endswith('"'):
                raise _unreadable(what, 'has an unclosed quote mark ("); close the phrase or leave it out')
            words = fulltext.words(token.rstrip("*")[1:-1])
        elif token in _FTS_OPERATORS:
            if prev not in {"term", ")"}:
                raise _unreadable(
                    what, f"has {token} out of place ({token} goes between words, as in fair {token} game)"
                )
            out.append(token)
            prev = "op"
            continue
        elif token == "(":
            if prev in {"term", ")"}:
                out.append("AND")
            out.append("(")
            depth, prev = depth + 1, "("
            if depth > MAX_SEARCH_DEPTH:
                raise _unreadable(what, f"has brackets more than {MAX_SEARCH_DEPTH} deep")
            continue
        elif token == ")":
            if depth == 0 or prev in {"op", "("}:
                raise _unreadable(what, "has brackets that do not match, or one that holds no words")
            out.append(")")
            depth, prev = depth - 1, ")"
            continue
        else:
            words = fulltext.words(token.rstrip("*"))  # "foo_bar" is a phrase of two words, as the index has it
        if not words:
            continue  # punctuation between words separates them
        if prev in {"term", ")"}:
            out.append("AND")
        out.append(fulltext.Term(tuple(words), prefix=token.endswith("*")))
        prev = "term"
        terms += 1
        if terms > MAX_SEARCH_TERMS:
            raise _unreadable(what, f"has more than {MAX_SEARCH_TERMS} words; fewer find more")
    if not terms:
        raise _unreadable(what, "has no words; punctuation alone matches nothing")
    if prev == "op":
        raise _unreadable(what, f"has {out[-1]} out of place ({out[-1]} goes between words, as in fair {out[-1]} game)")
    if depth:
        raise _unreadable(what, "has brackets that do not match, or one that holds no words")
    return out


def fts_query(text: str) -> str:
    """A search as SQLite's FTS5 reads it (every word quoted)."""
    return fulltext.fts5(search_query(text))


async def _search_hits(conn: Connection, items: list[fulltext.Item], n: int) -> list[Row]:
    """(kind, fact_id) of the best `n` matches: FTS5's bm25 on SQLite, ts_rank on PostgreSQL."""
    if conn.dialect.postgresql:
        return await conn.fetch(
            """SELECT kind, fact_id FROM facts_fts WHERE words @@ CAST(:q AS tsquery)
                ORDER BY ts_rank(words, CAST(:q AS tsquery), 1) DESC, kind DESC, fact_id LIMIT :n""",
            {"q": fulltext.tsquery(items), "n": n},
        )
    return await conn.fetch(
        "SELECT kind, fact_id FROM facts_fts WHERE facts_fts MATCH ? ORDER BY rank LIMIT ?", (fulltext.fts5(items), n)
    )


async def search(conn: Connection, text: str, *, story: str | None = None, limit: int = 50) -> list[SearchHit]:
    """Full-text search over quotes and the sentences of estimates (and who said or claimed them),
    best matches first; a claim that several sources carry shows once, with the outlets carrying it.
    With `story`, only its estimates and the quotes of its sources."""
    items = search_query(text)
    check_limit(limit)
    hits = await _search_hits(conn, items, (2 if story is None else 6) * limit)
    # two queries for all hits, not one per hit
    rows: dict[tuple[str, int], Row] = {}
    for kind, select, alias in (("quote", _QUOTE_SELECT, "q"), ("estimate", _ESTIMATE_SELECT, "e")):
        ids = [h["fact_id"] for h in hits if h["kind"] == kind]
        if not ids:
            continue
        cond, params = "", []
        if story is not None:
            cond, params = (f" AND {_in_story('q')}", [story]) if kind == "quote" else (" AND e.story = ?", [story])
        for r in await conn.fetch(f"{select} WHERE {alias}.id IN ({','.join('?' * len(ids))}){cond}", [*ids, *params]):
            rows[(kind, r["id"])] = r
    # folding and cutting the texts found is work on article text (a quote may run to megabytes):
    # in a thread, so the event loop answers meanwhile
    return await asyncio.to_thread(_hit_views, hits, rows, fulltext.matched_terms(items), limit)


def _hit_views(
    hits: list[Row], rows: dict[tuple[str, int], Row], found: list[fulltext.Term], limit: int
) -> list[SearchHit]:
    # one hit per claim (a quote, or a claimant's number), however many sources carry it and in
    # whatever words: the best ranked, from a source of its own where one matches
    best: dict[tuple[str, str], tuple[Row, Row]] = {}
    for h in hits:
        r = rows.get((h["kind"], h["fact_id"]))
        if r is None:
            continue
        key = (h["kind"], r["claim_key"])
        if key not in best or (_carried(best[key][1]) and not _carried(r)):
            best[key] = (h, r)
    out: list[SearchHit] = []
    for h, r in list(best.values())[:limit]:
        is_quote = h["kind"] == "quote"
        text_found = r["text"] if is_quote else r["sentence"]
        reported_by, independent = _reported(r)
        snippet, spans = fulltext.snippet(text_found, found)
        out.append(
            SearchHit(
                kind=h["kind"],
                id=r["id"],
                who=r["speaker"] if is_quote else r["claimant"],
                text=text_found,
                snippet=snippet,
                highlights=spans,
                claimed_on=stored_date(r["claimed_on"]),
                date_basis=DateBasis(r["date_basis"]),
                source=_source_ref(r),
                reported_by=reported_by,
                independent_sources=independent,
            )
        )
    return out


# ---------------------------------------------------------------------------- sources

_SOURCE_SELECT = """
    SELECT s.id, s.outlet, s.title, s.published, s.url, s.origin, s.kind, s.copy_of, s.rewrite_of, s.ingested_at,
           (SELECT COUNT(*) FROM quotes WHERE source_id = s.id) AS nq,
           (SELECT COUNT(*) FROM estimates WHERE source_id = s.id) AS ne,
           (SELECT {stories} FROM (SELECT story FROM source_stories WHERE source_id = s.id ORDER BY story) AS ss) AS stories
      FROM sources AS s
"""


def _source_select(conn: Connection) -> str:
    return _SOURCE_SELECT.format(stories=conn.dialect.json_array("ss.story", "ss.story"))


def _in_story(alias: str) -> str:
    """A condition: the fact (of table alias `alias`) is from a source of the story (one parameter)."""
    return f"EXISTS (SELECT 1 FROM source_stories AS ss WHERE ss.story = ? AND ss.source_id = {alias}.source_id)"


def _source_view(r: Row) -> SourceView:
    ingested = stored_datetime(r["ingested_at"])
    assert ingested is not None
    return SourceView(
        id=r["id"],
        outlet=r["outlet"],
        title=r["title"],
        published=stored_datetime(r["published"]),
        url=r["url"],
        origin=r["origin"],
        kind=SourceKind(r["kind"]),
        copy_of=r["copy_of"],
        rewrite_of=r["rewrite_of"],
        quotes=r["nq"],
        estimates=r["ne"],
        ingested_at=ingested,
        stories=json.loads(r["stories"]) if r["stories"] else [],
    )


async def sources(conn: Connection, *, story: str | None = None, limit: int = 1000) -> list[SourceView]:
    """The newest sources first (the bot shows at most 25 pages of them), each with its stories;
    with `story`, that story's only."""
    where, params = "", []
    if story is not None:
        where, params = " WHERE s.id IN (SELECT source_id FROM source_stories WHERE story = ?)", [story]
    rows = await conn.fetch(
        f"{_source_select(conn)}{where} ORDER BY s.published IS NULL, s.published DESC, s.id DESC LIMIT ?",
        [*params, limit],
    )
    return [_source_view(r) for r in rows]


# --------------------------------------------------------------------------- timeline


def _dated(alias: str, since: dt.date | None, until: dt.date | None) -> tuple[str, list[str]]:
    cond, params = [f"{alias}.claimed_on IS NOT NULL"], []
    if since is not None:
        cond.append(f"{alias}.claimed_on >= ?")
        params.append(since.isoformat())
    if until is not None:
        cond.append(f"{alias}.claimed_on <= ?")
        params.append(until.isoformat())
    return " AND ".join(cond), params


async def timeline(
    conn: Connection,
    *,
    story: str = SEED_STORY,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 500,
) -> list[TimelineItem]:
    """A story's dated claims in order, one line per claim however many sources carry it: a copy or a
    rewrite counts as its original (with the original's date), a quote is listed once."""
    if since is not None and until is not None and since > until:
        raise QueryError("The first day is after the last; swap them.")
    e_where, params = _dated("e", since, until)
    q_where, _ = _dated("q", since, until)
    est_rows = await conn.fetch(
        f"{_ESTIMATE_SELECT} WHERE e.story = ? AND {e_where} ORDER BY e.claimed_on, e.id LIMIT ?",
        [story, *params, limit],
    )
    q_rows = await conn.fetch(
        f"{_QUOTE_SELECT} WHERE {q_where} AND {_in_story('q')} ORDER BY q.claimed_on, q.id LIMIT ?",
        [*params, story, limit],
    )
    items: list[TimelineItem] = []
    seen: set[tuple[str, str]] = set()
    for r in _in_window(await _originals(conn, est_rows, "estimate"), since, until):
        if (r["claim_key"], r["claimed_on"]) in seen or r["claimed_on"] is None:
            continue
        seen.add((r["claim_key"], r["claimed_on"]))
        v = _estimate_view(r)
        assert v.claimed_on is not None
        items.append(
            TimelineItem(
                claimed_on=v.claimed_on,
                date_basis=v.date_basis,
                kind="estimate",
                id=v.id,
                who=v.claimant,
                entity_id=v.entity_id,
                text=None,
                value=v.value,
                low=v.low,
                high=v.high,
                qualifier=v.qualifier,
                status=v.status,
                source=v.source,
                reported_by=v.reported_by,
                independent_sources=v.independent_sources,
            )
        )
    quote_rows = _newest_first(_in_window(await _originals(conn, q_rows, "quote"), since, until))
    for q in _quote_views(quote_rows):
        if q.claimed_on is None or not q.speaker:
            continue
        items.append(
            TimelineItem(
                claimed_on=q.claimed_on,
                date_basis=q.date_basis,
                kind="quote",
                id=q.id,
                who=q.speaker,
                entity_id=q.entity_id,
                text=q.text,
                value=None,
                low=None,
                high=None,
                qualifier=None,
                status=None,
                source=q.source,
                reported_by=q.reported_by,
                independent_sources=q.independent_sources,
            )
        )
    items.sort(key=lambda i: (i.claimed_on, i.kind, i.who, i.text or "", i.value or 0, i.id))
    return items[:limit]


# ---------------------------------------------------------------------------- profile


async def _entity_view(conn: Connection, entity_id: int) -> EntityView | None:
    rows = await conn.fetch("SELECT * FROM entities WHERE id = ?", (entity_id,))
    if not rows:
        return None
    r = rows[0]
    aliases = await conn.fetch(
        "SELECT DISTINCT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", (entity_id,)
    )
    return EntityView(
        id=r["id"],
        name=r["name"],
        kind=EntityKind(r["kind"]),
        role=r["role"],
        affiliation=r["affiliation"],
        aliases=[a[0] for a in aliases],
    )


PROFILE_ITEMS = 10  # latest quotes in a profile (and twice as many estimates)


async def who(conn: Connection, name: str) -> WhoResult:
    """A person's or body's profile: role, affiliation, quotes and claims. Several matches: the list."""
    if not fold_key(bounded(name, "name", MAX_NAME_CHARS)):
        raise QueryError("Give a name, for example 'Kirby'.")
    chosen = await _prefer_active(conn, await match_entities(conn, name), "any")
    views = [v for v in [await _entity_view(conn, i) for i in chosen] if v is not None]
    if len(views) != 1:
        return WhoResult(profile=None, candidates=views)
    entity = views[0]
    # the latest few of each, copies folded, and counts from the indexes: bounded however much
    # a person has said
    q_rows = await conn.fetch(
        f"{_QUOTE_SELECT} WHERE q.entity_id = ? ORDER BY q.claimed_on DESC NULLS LAST, q.id DESC LIMIT ?",
        (entity.id, 2 * PROFILE_ITEMS),
    )
    e_rows = await conn.fetch(  # claims of their own, and those a spokesperson voiced for their body (each
        # side's latest from its index, then the latest of both: bounded however many there are)
        f"""{_ESTIMATE_SELECT} WHERE e.id IN (
                SELECT id FROM (SELECT * FROM (SELECT id, claimed_on FROM estimates WHERE entity_id = :id
                                               ORDER BY claimed_on DESC NULLS LAST, id DESC LIMIT :n) AS theirs
                                UNION
                                SELECT * FROM (SELECT id, claimed_on FROM estimates WHERE voiced_by = :id
                                               ORDER BY claimed_on DESC NULLS LAST, id DESC LIMIT :n) AS voiced) AS own
                 ORDER BY claimed_on DESC NULLS LAST, id DESC LIMIT :n)
            ORDER BY e.claimed_on DESC NULLS LAST, e.id DESC""",
        {"id": entity.id, "n": 4 * PROFILE_ITEMS},
    )
    (span,) = await conn.fetch(
        """SELECT (SELECT COUNT(*) FROM quotes WHERE entity_id = :id) AS quotes,
                  (SELECT COUNT(*) FROM estimates WHERE entity_id = :id)
                  + (SELECT COUNT(*) FROM estimates WHERE voiced_by = :id) AS estimates,
                  (SELECT MIN(claimed_on) FROM quotes WHERE entity_id = :id) AS q_first,
                  (SELECT MAX(claimed_on) FROM quotes WHERE entity_id = :id) AS q_last,
                  (SELECT MIN(claimed_on) FROM estimates WHERE entity_id = :id) AS e_first,
                  (SELECT MAX(claimed_on) FROM estimates WHERE entity_id = :id) AS e_last""",
        {"id": entity.id},
    )
    dates = [stored_date(span[k]) for k in ("q_first", "q_last", "e_first", "e_last") if span[k] is not None]
    return WhoResult(
        profile=Profile(
            entity=entity,
            quotes=_quote_views(_newest_first(await _originals(conn, q_rows, "quote")))[:PROFILE_ITEMS],
            estimates=_estimate_views(_newest_first(await _originals(conn, e_rows, "estimate")), fold_copies=True)[
                : 2 * PROFILE_ITEMS
            ],
            quote_count=span["quotes"],
            estimate_count=span["estimates"],
            first_claim=min(dates, default=None),
            last_claim=max(dates, default=None),
        ),
        candidates=[entity],
    )


# ---------------------------------------------------------------------- new, and stats


async def new_since(
    conn: Connection, since: dt.datetime, until: dt.datetime | None = None, *, story: str = SEED_STORY
) -> NewSince:
    """A story's facts stored in (since, until]: what a digest covers. Both bounds are timezone-aware."""
    if since.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("new_since needs timezone-aware datetimes")
    until = until or dt.datetime.now(dt.UTC)
    lo, hi = since.astimezone(dt.UTC).isoformat(), until.astimezone(dt.UTC).isoformat()
    e_rows = await conn.fetch(
        f"""{_ESTIMATE_SELECT} WHERE e.story = ? AND e.created_at > ? AND e.created_at <= ?
            ORDER BY e.claimed_on NULLS FIRST, e.status, e.value, e.id""",
        (story, lo, hi),
    )
    q_rows = await conn.fetch(
        f"""{_QUOTE_SELECT} WHERE q.created_at > ? AND q.created_at <= ? AND {_in_story("q")}
            ORDER BY q.claimed_on DESC NULLS LAST, q.id""",
        (lo, hi, story),
    )
    s_rows = await conn.fetch(
        f"""{_source_select(conn)} WHERE s.ingested_at > ? AND s.ingested_at <= ?
              AND s.id IN (SELECT source_id FROM source_stories WHERE story = ?) ORDER BY s.id""",
        (lo, hi, story),
    )
    return NewSince(
        since=since,
        until=until,
        # every new claim once, as its original reported it
        estimates=_estimate_views(await _originals(conn, e_rows, "estimate", stored_until=until), fold_copies=True),
        quotes=_quote_views(_newest_first(await _originals(conn, q_rows, "quote", stored_until=until))),
        sources=[_source_view(r) for r in s_rows],
    )


async def stats(conn: Connection) -> Stats:
    rows = await conn.fetch(
        """SELECT (SELECT COUNT(*) FROM sources) AS s, (SELECT COUNT(*) FROM quotes) AS q,
                  (SELECT COUNT(*) FROM estimates) AS e, (SELECT COUNT(*) FROM entities) AS n,
                  (SELECT MIN(claimed_on) FROM estimates) AS lo, (SELECT MAX(claimed_on) FROM estimates) AS hi""",
    )
    r = rows[0]
    per_story = await conn.fetch("SELECT story, COUNT(*) FROM source_stories GROUP BY story ORDER BY story")
    return Stats(
        stories={name: n for name, n in per_story},
        sources=r["s"],
        quotes=r["q"],
        estimates=r["e"],
        entities=r["n"],
        first_claim=stored_date(r["lo"]),
        last_claim=stored_date(r["hi"]),
    )


# ------------------------------------------------------------------------------ stories


def story_view(story: Story) -> StoryView:
    """A story as the answers name it."""
    return StoryView(name=story.name, title=story.title, statuses=[(s.name, s.label) for s in story.statuses])


async def story_picture(
    conn: Connection, story: Story, *, status: str | None = None, **when: object
) -> EstimatePicture:
    """A story's estimates (`estimates`), labelled with the story's words. `status` is one of its
    status names (see `commands.status_of`); `when` the claimant, since, until or stored_until."""
    picture = await estimates(
        conn,
        story=story.name,
        statuses=story.status_names(),
        status=status,
        **when,  # type: ignore[arg-type]
    )
    return picture.model_copy(update={"story": story_view(story)})
