"""Removing a source ingested by mistake, with its facts, so that every count stays true.

In one write transaction: the source, its sentences, quotes and estimates go (the schema cascades);
its search rows, its shingle counts and the people and bodies only it named go too; its copies and
rewrites point at what it copied instead, or stand as originals; and the claims it carried and the
claimant groups it touched are counted again from what is left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from briefings.answers.queries import QueryError
from briefings.answers.views import RemovedSource
from briefings.sources.feeds import canonical_url
from briefings.store import copies
from briefings.store.db import Connection, Transaction
from briefings.store.facts import STORE_WRITES, claim_keys, relatest, shingle_hashes


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
        """SELECT 'quote' AS kind, id, claim_key, entity_id, NULL AS group_key FROM quotes WHERE source_id = :s
           UNION ALL
           SELECT 'estimate', id, claim_key, entity_id, group_key FROM estimates WHERE source_id = :s""",
        {"s": source_id},
    )
    keys = {f["claim_key"] for f in facts}
    groups = {f["group_key"] for f in facts if f["group_key"]}  # found again in every story they have

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

    # the sources counted as its root stand alone until linked again, without it, below
    children = [
        r[0]
        for r in await conn.fetch(
            "SELECT id FROM sources WHERE copy_of = :s OR rewrite_of = :s ORDER BY id", {"s": source_id}
        )
    ]
    root = src["root_id"] or source_id
    tree = [r[0] for r in await conn.fetch("SELECT id FROM sources WHERE root_id = ? AND id != ?", (root, source_id))]
    await conn.execute(
        "UPDATE sources SET copy_of = NULL, rewrite_of = NULL WHERE copy_of = :s OR rewrite_of = :s", {"s": source_id}
    )
    await conn.execute("UPDATE sources SET root_id = id WHERE root_id = ?", (source_id,))

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
    # its copies and rewrites: of the closest original left, if any; the roots of its tree found again
    await copies.relink(conn, children)
    promoted: list[int] = []
    if tree:
        await copies.reroot(conn, set(tree))
        keys.update(await claim_keys(conn, tree))  # each counted as its own root, or another, now
        rows = await conn.fetch(
            f"SELECT id FROM sources WHERE root_id = id AND id IN ({d.each('BIGINT')})", (d.array(children),)
        )
        promoted = sorted(r[0] for r in rows)
    await copies.recount_claims(conn, sorted(keys))
    await relatest(conn, sorted(groups))
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
