"""Removing a source ingested by mistake, with its facts, so that every count stays true.

In one write transaction: the source, its sentences, quotes and estimates go (the schema cascades);
its search rows, its shingle counts and the people and bodies only it named go too; its copies and
rewrites point at what it copied instead, or stand as originals; and the claims it carried and the
claimant groups it touched are counted again from what is left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re

from briefings.answers.queries import QueryError
from briefings.answers.views import RemovedSource
from briefings.sources.feeds import canonical_url
from briefings.store.db import Connection, Transaction
from briefings.store.facts import REPORTED_BY_KEPT, STORE_WRITES, shingle_hashes
from briefings.words import source_label


async def find_source(conn: Connection, ref: str) -> int:
    """The source a user means: its id, or the URL or path it was ingested from."""
    text = ref.strip()
    if re.fullmatch(r"\d{1,18}", text):
        rows = await conn.fetch("SELECT id FROM sources WHERE id = ?", (int(text),))
    else:
        candidates = {text}
        if re.match(r"^https?://", text, re.I):
            candidates.add(canonical_url(text))
        marks = ",".join("?" * len(candidates))
        rows = await conn.fetch(
            f"SELECT id FROM sources WHERE url IN ({marks}) OR origin IN ({marks}) ORDER BY id",
            [*candidates, *candidates],
        )
    ids = [r[0] for r in rows]
    shown = text if len(text) <= 80 else text[:79] + "…"
    if not ids:
        raise QueryError(f"There is no source '{shown}'; `briefings sources` lists them with their ids.")
    if len(ids) > 1:
        raise QueryError(f"'{shown}' is sources {', '.join(map(str, ids))}; remove them by id.")
    return ids[0]


async def remove_source(conn: Connection, source_id: int) -> RemovedSource:
    """Remove one source and its facts; what it removed, and the sources that now stand on their own."""
    async with conn.transaction() as tx:
        await tx.lock(STORE_WRITES)  # as an article's writes: copies, claims and entities one at a time
        return await _remove(tx, source_id)


async def _remove(conn: Transaction, source_id: int) -> RemovedSource:
    rows = await conn.fetch("SELECT * FROM sources WHERE id = ?", (source_id,))
    if not rows:
        raise QueryError(f"There is no source {source_id}; `briefings sources` lists them with their ids.")
    src = rows[0]
    facts = await conn.fetch(
        """SELECT 'quote' AS kind, id, claim_key, entity_id, NULL AS group_key, NULL AS story FROM quotes
            WHERE source_id = :s
           UNION ALL
           SELECT 'estimate', id, claim_key, entity_id, group_key, story FROM estimates WHERE source_id = :s""",
        {"s": source_id},
    )
    keys = {f["claim_key"] for f in facts}
    groups: dict[str, set[str]] = {}  # per story
    for f in facts:
        if f["group_key"]:
            groups.setdefault(f["story"], set()).add(f["group_key"])

    # the search index keeps fact ids, not foreign keys
    for kind in ("quote", "estimate"):
        ids = [f["id"] for f in facts if f["kind"] == kind]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            await conn.execute(
                f"DELETE FROM facts_fts WHERE kind = ? AND fact_id IN ({','.join('?' * len(chunk))})", [kind, *chunk]
            )

    # its sampled shingles no longer count towards boilerplate
    shingles = list(await asyncio.to_thread(shingle_hashes, src["body"]))  # seconds for a long text: off the loop
    for i in range(0, len(shingles), 500):
        chunk = shingles[i : i + 500]
        await conn.execute(f"UPDATE shingle_df SET n = n - 1 WHERE hash IN ({','.join('?' * len(chunk))})", chunk)
    await conn.execute("DELETE FROM shingle_df WHERE n <= 0")

    # copies and rewrites of it: of what it copied, if anything; their independence recomputed
    parent = src["copy_of"] or src["rewrite_of"]
    await conn.execute("UPDATE sources SET copy_of = ? WHERE copy_of = ?", (src["copy_of"], source_id))
    await conn.execute("UPDATE sources SET rewrite_of = ? WHERE rewrite_of = ?", (parent, source_id))
    promoted = await _reroot(conn, source_id)

    await conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
    # people and bodies left with nothing said or claimed: those its facts named, and those first
    # named by it (mentioned without a fact)
    d = conn.dialect
    spoke = d.array(sorted({f["entity_id"] for f in facts if f["entity_id"] is not None}))
    await conn.execute(
        f"""DELETE FROM entities WHERE (id IN ({d.each("BIGINT")}) OR first_seen = ?)
             AND NOT EXISTS (SELECT 1 FROM quotes WHERE entity_id = entities.id)
             AND NOT EXISTS (SELECT 1 FROM estimates WHERE entity_id = entities.id)
             AND NOT EXISTS (SELECT 1 FROM estimates WHERE voiced_by = entities.id)""",
        (spoke, src["ingested_at"]),
    )
    if promoted:
        marks = ",".join("?" * len(promoted))
        more = await conn.fetch(
            f"""SELECT claim_key FROM quotes WHERE source_id IN ({marks})
                UNION SELECT claim_key FROM estimates WHERE source_id IN ({marks})""",
            [*promoted, *promoted],
        )
        keys.update(r[0] for r in more)
    await _recount_claims(conn, sorted(keys))
    for story, keys_of_story in sorted(groups.items()):
        await _relatest(conn, story, sorted(keys_of_story))
    return RemovedSource(
        id=source_id,
        outlet=src["outlet"],
        title=src["title"],
        url=src["url"],
        origin=src["origin"],
        published=dt.datetime.fromisoformat(src["published"]) if src["published"] else None,
        quotes=sum(1 for f in facts if f["kind"] == "quote"),
        estimates=sum(1 for f in facts if f["kind"] == "estimate"),
        independent_now=promoted,
    )


async def _reroot(conn: Transaction, source_id: int) -> list[int]:
    """Sources that counted as this one (their root): each now counts as the first of its copy or
    rewrite chain still stored. Returns those whose root changed."""
    members = {
        r[0]: r[1] or r[2]
        for r in await conn.fetch(
            "SELECT id, copy_of, rewrite_of FROM sources WHERE root_id = ? AND id != ?", (source_id, source_id)
        )
    }
    for sid in members:
        root, seen = sid, {sid}
        while members.get(root) in members and members[root] not in seen:
            root = members[root]
            seen.add(root)
        await conn.execute("UPDATE sources SET root_id = ? WHERE id = ?", (root, sid))
    return sorted(members)


def _first_carried(item: tuple[str, tuple[str | None, int]]) -> tuple[bool, str, int]:
    """A label's place among a claim's first outlets: dated first, by when, then by source."""
    dated, first = item[1]
    return (dated is None, dated or "", first)


async def _recount_claims(conn: Transaction, keys: list[str]) -> None:
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
        firsts: dict[str, dict[str, tuple[str | None, int]]] = {}  # label: (first dated, first source)
        for key, root, outlet, origin, published, source_id in rows:
            roots.setdefault(key, set()).add(root)
            label = source_label(source_id, outlet, origin)
            dated, first = firsts.setdefault(key, {}).get(label, (None, source_id))
            if published is not None and (dated is None or published < dated):
                dated = published
            firsts[key][label] = (dated, min(first, source_id))

        await conn.executemany(
            "INSERT INTO claim_roots (claim_key, root) VALUES (?, ?)",
            [(key, root) for key, rs in roots.items() for root in sorted(rs)],
        )
        await conn.executemany(
            "INSERT INTO claim_stats (claim_key, independent, outlets) VALUES (?, ?, ?)",
            [
                (
                    key,
                    len(roots[key]),
                    json.dumps([label for label, _ in sorted(labels.items(), key=_first_carried)[:REPORTED_BY_KEPT]]),
                )
                for key, labels in firsts.items()
            ],
        )


async def _relatest(conn: Transaction, story: str, groups: list[str]) -> None:
    """The latest estimate of each status of these claimant groups in a story, found again."""
    d = conn.dialect
    for i in range(0, len(groups), 500):
        chunk = d.array(groups[i : i + 500])
        await conn.execute(
            f"DELETE FROM claim_latest WHERE story = ? AND group_key IN ({d.each('TEXT')})", (story, chunk)
        )
        await conn.execute(
            f"""INSERT INTO claim_latest (story, group_key, status, estimate_id, claimed_on, value, low, high)
               SELECT story, group_key, status, id, claimed_on, value, low, high FROM (
                   SELECT story, group_key, status, id, claimed_on, value, low, high,
                          ROW_NUMBER() OVER (PARTITION BY group_key, status
                                             ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
                     FROM estimates WHERE story = ? AND group_key IN ({d.each("TEXT")})) AS ranked
                WHERE rn = 1""",
            (story, chunk),
        )
