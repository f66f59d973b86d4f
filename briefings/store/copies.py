"""Which stored sources copy or rewrite which, and so which independent source (root) each counts as.

The links are a function of the stored sources, not of the order they came in: each source's parent
is the stored source it copies or rewrites most closely among those that rank before it (an article
published as an original before one marked `kind: rewrite`, then the earlier published, then the
undated, then the fuller text, then by its content hash), and its root is the first of that chain. A source stored after
its own copies or rewrites (feeds deliver aggregators' rewrites first) becomes their parent then;
a source removed hands its copies to the next closest original left. Claims are counted per root.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from briefings.store.db import Connection
from briefings.words import source_label

SHINGLE_SIZE = 5
SHINGLE_SAMPLE = 4  # keep one shingle hash in four
COPY_CONTAINMENT = 0.5  # this share of an article's shingles in another one: a near-copy
REWRITE_CONTAINMENT = 0.08  # a rewrite shares less text, but most of its quotes
REWRITE_QUOTE_SHARE = 0.5
COMMON_QUOTE_SOURCES = 20  # quotes carried by more independent sources than this are no sign of rewriting
COMMON_SHINGLE_SOURCES = 50  # a shingle in more sources than this is boilerplate
REPORTED_BY_KEPT = 8  # the first outlets kept for each claim


_WORD = re.compile(r"\w+")


def shingle_hashes(body: str) -> set[int]:
    """Sampled hashes of the body's word 5-grams, as signed 64-bit integers for SQLite."""
    # word by word (finditer, not findall): a thread doing this lets the event loop run between words;
    # one findall over 2 MB would hold the interpreter's lock for half a second
    words = [m.group() for m in _WORD.finditer(body.lower())]
    out = set()
    for i in range(max(0, len(words) - SHINGLE_SIZE + 1)):
        digest = hashlib.blake2b(" ".join(words[i : i + SHINGLE_SIZE]).encode(), digest_size=8).digest()
        h = int.from_bytes(digest, "big", signed=True)
        if h % SHINGLE_SAMPLE == 0:
            out.add(h)
    return out


Rank = tuple[bool, bool, dt.datetime, int, str]
_UNDATED = dt.datetime.max.replace(tzinfo=dt.UTC)


Closeness = tuple[int, float, float]


@dataclass(frozen=True, slots=True)
class _Source:
    id: int
    rank: Rank  # the lower, the more of an original
    rewrite: bool  # published as a rewrite (`kind: rewrite`)
    quotes: int  # distinct quotes it carries (counted only where it decides)
    parent: int | None  # the source it copies or rewrites
    closeness: Closeness | None  # how closely (None: not known, a store from before)


def rank(kind: str, published: str | None, shingles: int, content_hash: str) -> Rank:
    """Which of two related sources is the original: not marked a rewrite, then published first
    (undated last), then the longer text (more shingles: a copy trims), then by content hash: facts
    of the articles, never the order they came in."""
    when = dt.datetime.fromisoformat(published) if published else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return (kind == "rewrite", when is None, when.astimezone(dt.UTC) if when else _UNDATED, -shingles, content_hash)


async def _sources(conn: Connection, ids: list[int], counted: set[int], kind: str | None = None) -> dict[int, _Source]:
    """What ranks and links these sources (of that kind only, if given); the quotes of those
    `counted` (the others' count 0)."""
    d = conn.dialect
    rows = await conn.fetch(
        f"""SELECT id, kind, published, shingle_count, content_hash, copy_of, rewrite_of, closeness
              FROM sources WHERE id IN ({d.each("BIGINT")}) AND (CAST(? AS TEXT) IS NULL OR kind = ?)""",
        (d.array(ids), kind, kind),
    )
    quotes: dict[int, int] = {}
    if counted:
        found = await conn.fetch(
            f"""SELECT source_id, COUNT(DISTINCT claim_key) FROM quotes WHERE source_id IN ({d.each("BIGINT")})
                GROUP BY source_id""",
            (d.array(sorted(counted)),),
        )
        quotes = {r[0]: r[1] for r in found}
    return {
        r["id"]: _Source(
            id=r["id"],
            rank=rank(r["kind"], r["published"], r["shingle_count"], r["content_hash"]),
            rewrite=r["kind"] == "rewrite",
            quotes=quotes.get(r["id"], 0),
            parent=r["copy_of"] or r["rewrite_of"],
            closeness=tuple(json.loads(r["closeness"])) if r["closeness"] else None,  # type: ignore[arg-type]
        )
        for r in rows
    }


async def _overlaps(conn: Connection, source_id: int, shingles: set[int]) -> dict[int, float]:
    """Other sources sharing this text's distinctive shingles, with the share they hold."""
    if not shingles:
        return {}
    hashes = list(shingles)
    counts: dict[int, list[int]] = {}
    common = 0
    for i in range(0, len(hashes), 500):
        chunk = hashes[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = await conn.fetch(
            f"SELECT COUNT(*) FROM shingle_df WHERE hash IN ({marks}) AND n >= ?", [*chunk, COMMON_SHINGLE_SOURCES]
        )
        common += rows[0][0]
        rows = await conn.fetch(
            f"""SELECT ss.source_id, COUNT(*), s.shingle_count FROM source_shingles AS ss
                  JOIN sources AS s ON s.id = ss.source_id
                 WHERE ss.hash IN ({marks}) AND ss.source_id != ? GROUP BY ss.source_id, s.shingle_count""",
            [*chunk, source_id],
        )
        for sid, shared, other in rows:
            counts.setdefault(sid, [0, other])[0] += shared
    distinctive = max(1, len(shingles) - common)
    return {sid: shared / max(1, min(distinctive, other)) for sid, (shared, other) in counts.items()}


async def _shared_quotes(conn: Connection, source_id: int) -> dict[int, int]:
    """Other sources carrying this source's quotes (those few independent sources carry), and how many."""
    rows = await conn.fetch(
        """SELECT other.source_id, COUNT(DISTINCT other.claim_key) FROM quotes AS other
            WHERE other.source_id != ? AND other.claim_key IN (
                  SELECT mine.claim_key FROM quotes AS mine LEFT JOIN claim_stats AS cs ON cs.claim_key = mine.claim_key
                   WHERE mine.source_id = ? AND COALESCE(cs.independent, 0) <= ?)
            GROUP BY other.source_id""",
        (source_id, source_id, COMMON_QUOTE_SOURCES),
    )
    return {r[0]: r[1] for r in rows}


def _closeness(child: _Source, containment: float, shared: int) -> Closeness | None:
    """How closely `child` copies or rewrites a source sharing that much of its text and quotes (the
    larger, the closer; the first item 2 for a near-copy, 1 or 0 for a rewrite), or None: unrelated."""
    if containment >= COPY_CONTAINMENT:
        return (2, containment, shared)
    by_quotes = child.quotes >= 3 and shared >= 2 and shared / child.quotes >= REWRITE_QUOTE_SHARE
    if by_quotes and (containment >= REWRITE_CONTAINMENT or child.rewrite):
        return (1, shared, containment)
    if child.rewrite and (shared or containment > 0):
        return (0, shared, containment)
    return None


@dataclass(frozen=True, slots=True)
class _Neighbours:
    me: _Source
    others: dict[int, _Source]
    closeness: dict[int, Closeness | None]  # of me to each other, and of each other to me


async def _neighbours(conn: Connection, source_id: int, shingles: set[int]) -> _Neighbours:
    overlaps = await _overlaps(conn, source_id, shingles)
    shared = await _shared_quotes(conn, source_id)
    # the quotes of a source decide only where it shares two of them (a rewrite by its quotes)
    counted = {source_id, *(sid for sid, n in shared.items() if n >= 2)}
    strong = {sid for sid, c in overlaps.items() if c >= REWRITE_CONTAINMENT} | (counted - {source_id})
    infos = await _sources(conn, sorted({source_id, *strong}), counted)
    me = infos.pop(source_id)
    weak = sorted({*overlaps, *shared} - strong - {source_id})  # little in common: related only to a rewrite
    if weak:
        infos.update(await _sources(conn, weak, set(), None if me.rewrite else "rewrite"))
    closeness = {}
    for other in infos.values():
        child = me if other.rank < me.rank else other
        closeness[other.id] = _closeness(child, overlaps.get(other.id, 0.0), shared.get(other.id, 0))
    return _Neighbours(me, infos, closeness)


def _parent(n: _Neighbours) -> tuple[int | None, Closeness | None]:
    """The source `n.me` copies or rewrites most closely among those ranked before it (the first
    ranked of equally close ones), and how closely (a near-copy: its first item is 2)."""
    best: tuple[Closeness, int] | None = None
    for other in sorted(n.others.values(), key=lambda o: o.rank):
        if other.rank >= n.me.rank:
            break
        close = n.closeness[other.id]
        if close is not None and (best is None or close > best[0]):
            best = (close, other.id)
    return (best[1], best[0]) if best else (None, None)


async def _set_parent(conn: Connection, source_id: int, parent: int | None, close: Closeness | None) -> None:
    copy = close is not None and close[0] == 2
    await conn.execute(
        "UPDATE sources SET copy_of = ?, rewrite_of = ?, closeness = ? WHERE id = ?",
        (parent if copy else None, None if copy else parent, json.dumps(close) if close else None, source_id),
    )


async def _relinked(conn: Connection, source_id: int) -> tuple[int | None, Closeness | None]:
    """A stored source's parent, found again among every source stored."""
    body = await conn.fetchval("SELECT body FROM sources WHERE id = ?", (source_id,))
    shingles = await asyncio.to_thread(shingle_hashes, body or "")  # seconds for a long text: off the loop
    return _parent(await _neighbours(conn, source_id, shingles))


@dataclass(frozen=True, slots=True)
class Linked:
    copy_of: int | None
    rewrite_of: int | None
    root: int
    moved: list[int]  # other sources that count as another root now


async def link_new(conn: Connection, source_id: int, shingles: set[int]) -> Linked:
    """Link a source just stored (its shingles and quotes in): to the source it copies or rewrites,
    and as the parent of stored sources it is the original of (their root moves to its own)."""
    n = await _neighbours(conn, source_id, shingles)
    parent, close = _parent(n)
    await _set_parent(conn, source_id, parent, close)
    changed = {source_id}
    for other in n.others.values():  # stored before their original: each may be its copy or rewrite now
        mine = n.closeness[other.id]
        if other.rank < n.me.rank or mine is None:
            continue
        # every other source it could copy was there when its parent was chosen: this one only is new
        if other.parent is not None and other.closeness is None:  # linked by a version before: found again
            theirs, their_close = await _relinked(conn, other.id)
        elif other.parent is None or mine > other.closeness:  # type: ignore[operator]
            theirs, their_close = n.me.id, mine
        elif mine == other.closeness:  # as close: the first ranked of the two
            theirs, their_close = await _relinked(conn, other.id)
        else:
            continue
        if theirs != other.parent:
            await _set_parent(conn, other.id, theirs, their_close)
            changed.add(other.id)
    moved = await reroot(conn, changed)
    root = await conn.fetchval("SELECT root_id FROM sources WHERE id = ?", (source_id,))
    return Linked(
        copy_of=parent if close is not None and close[0] == 2 else None,
        rewrite_of=parent if close is not None and close[0] != 2 else None,
        root=int(root),
        moved=sorted(set(moved) - {source_id}),
    )


async def relink(conn: Connection, ids: list[int]) -> None:
    """Link these stored sources again (those whose parent was removed) to the closest original left."""
    for source_id in ids:
        await _set_parent(conn, source_id, *await _relinked(conn, source_id))


async def reroot(conn: Connection, ids: set[int]) -> list[int]:
    """The root of each source in the trees of these sources (whose links changed), found again by
    following the links; the sources whose root changed."""
    d = conn.dialect
    rows = await conn.fetch(
        f"""SELECT id, copy_of, rewrite_of, root_id FROM sources
             WHERE id IN ({d.each("BIGINT", ":ids")})
                OR root_id IN (SELECT root_id FROM sources WHERE id IN ({d.each("BIGINT", ":ids")}))""",
        {"ids": d.array(sorted(ids))},
    )
    parent = {r["id"]: r["copy_of"] or r["rewrite_of"] for r in rows}
    stored = {r["id"]: r["root_id"] for r in rows}
    outside = sorted({p for p in parent.values() if p is not None and p not in parent})
    if outside:
        for r in await conn.fetch(
            f"SELECT id, root_id FROM sources WHERE id IN ({d.each('BIGINT')})", (d.array(outside),)
        ):
            stored[r["id"]] = r["root_id"] or r["id"]
    roots: dict[int, int] = {}

    def root_of(source_id: int) -> int:
        path, at = [], source_id
        while at in parent and at not in roots and parent[at] is not None and at not in path:
            path.append(at)
            at = parent[at]  # type: ignore[assignment]
        # a source met again (a cycle, which links made by rank cannot make) stands as the root
        found = roots[at] if at in roots else at if at in parent else stored[at]
        for step in [*path, at] if at in parent else path:
            roots[step] = found
        return roots[source_id]

    moved = [sid for sid in parent if root_of(sid) != stored[sid]]
    await conn.executemany("UPDATE sources SET root_id = ? WHERE id = ?", [(roots[sid], sid) for sid in moved])
    return sorted(moved)


def utc_published(published: str | None) -> str | None:
    """When a source was published, as UTC text that sorts as it reads (stored with its own offset)."""
    if not published:
        return None
    when = dt.datetime.fromisoformat(published)
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def earlier(a: str | None, b: str | None) -> str | None:
    """The earlier of two UTC times; an unknown one is later than any."""
    return b if a is None else a if b is None else min(a, b)


def first_outlets(dated: dict[str, str | None]) -> list[tuple[str, str | None]]:
    """The outlets kept for a claim, with when each first carried it: the first published (undated
    last), then by name; the same whatever order they came in."""
    return sorted(dated.items(), key=lambda kv: (kv[1] is None, kv[1] or "", kv[0]))[:REPORTED_BY_KEPT]


async def recount_claims(conn: Connection, keys: list[str]) -> None:
    """Independent sources and first outlets of these claims, counted again from the facts stored
    (as ingest counts them: a root per copy chain; the first outlets by when each first carried it)."""
    d = conn.dialect
    each = d.each("TEXT", ":k")
    for i in range(0, len(keys), 500):
        chunk = d.array(keys[i : i + 500])
        await conn.execute(f"DELETE FROM claim_roots WHERE claim_key IN ({each})", {"k": chunk})
        await conn.execute(f"DELETE FROM claim_stats WHERE claim_key IN ({each})", {"k": chunk})
        rows = await conn.fetch(
            f"""SELECT f.claim_key, COALESCE(s.root_id, s.id) AS root, s.outlet, s.origin, s.published, s.id
                  FROM (SELECT claim_key, source_id FROM quotes WHERE claim_key IN ({each})
                        UNION ALL SELECT claim_key, source_id FROM estimates WHERE claim_key IN ({each})) AS f
                  JOIN sources AS s ON s.id = f.source_id""",
            {"k": chunk},
        )
        roots: dict[str, set[int]] = {}
        dated: dict[str, dict[str, str | None]] = {}  # label: when it first carried the claim
        for key, root, outlet, origin, published, source_id in rows:
            roots.setdefault(key, set()).add(root)
            label, when = source_label(source_id, outlet, origin), utc_published(published)
            kept = dated.setdefault(key, {})
            kept[label] = earlier(kept[label], when) if label in kept else when
        await conn.executemany(
            "INSERT INTO claim_roots (claim_key, root) VALUES (?, ?)",
            [(key, root) for key, rs in roots.items() for root in sorted(rs)],
        )
        stats = []
        for key, kept in dated.items():
            firsts = first_outlets(kept)
            stats.append((key, len(roots[key]), json.dumps([label for label, _ in firsts]), json.dumps(firsts)))
        await conn.executemany(
            "INSERT INTO claim_stats (claim_key, independent, outlets, dated) VALUES (?, ?, ?, ?)", stats
        )
