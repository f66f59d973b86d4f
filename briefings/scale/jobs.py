"""The ingest queue: jobs in the store (migration 0013) that `briefings worker` processes claim.

Who queues: `briefings ingest` (a file's bytes, read where the command runs, or a web address) and
the feed poller (an entry's address with its feed's outlet and the entry's title and date), when
BRIEFINGS_INGEST_QUEUE is on. A worker claims the oldest ready job for a while (renewed as it
works), reads, extracts and stores it, and marks it done; a job whose worker stopped is claimed
again once its claim lapses. A failure is that job's error, retried after a back-off until
MAX_ATTEMPTS, then kept as failed, with its one-line error, for `briefings jobs`; a fault of the
article itself (unreadable, empty, over the extraction budget) is final at once, as trying again
would read the same bytes the same way. Storing twice is
harmless (the store knows an article it has), so a job done again after a crash adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from briefings.scale.leases import moment
from briefings.store.db import Connection, Row

MAX_ATTEMPTS = 3
CLAIM_FOR = dt.timedelta(minutes=2)  # longer than reading, fetching and extracting one article take
RETRY_AFTER = dt.timedelta(seconds=30)  # then doubled for each further failure
KINDS = ("file", "page", "feed-entry")


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    origin: str
    url: str | None
    body: bytes | None
    suffix: str | None
    meta: dict[str, Any]
    feed_id: int | None
    entry_key: str | None
    state: str
    attempts: int
    outcome: str | None
    source_id: int | None
    error: str | None
    story: str | None = None  # the story `ingest --story` named; None: those its topic matches


def _job(r: Row) -> Job:
    return Job(
        id=r["id"],
        kind=r["kind"],
        origin=r["origin"],
        url=r["url"],
        body=bytes(r["body"]) if r["body"] is not None else None,
        suffix=r["suffix"],
        meta=json.loads(r["meta"]) if r["meta"] else {},
        feed_id=r["feed_id"],
        entry_key=r["entry_key"],
        state=r["state"],
        attempts=r["attempts"],
        outcome=r["outcome"],
        source_id=r["source_id"],
        error=r["error"],
        story=r["story"],
    )


# ------------------------------------------------------------------------------ queueing


async def _insert(conn: Connection, now: dt.datetime, **values: Any) -> int | None:
    values.update(not_before=moment(now), created_at=moment(now))
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    rows = await conn.fetch(
        f"INSERT INTO ingest_jobs ({names}) VALUES ({marks}) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        list(values.values()),
    )
    return rows[0][0] if rows else None


async def queue_file(
    conn: Connection, origin: str, data: bytes, suffix: str, *, now: dt.datetime, story: str | None = None
) -> int:
    """A file's bytes, for a worker to read as `briefings ingest` would (for `story`, else the
    stories its topic matches); the job's id."""
    job = await _insert(conn, now, kind="file", origin=origin, body=data, suffix=suffix, story=story)
    assert job is not None
    return job


async def queue_page(conn: Connection, url: str, *, now: dt.datetime, story: str | None = None) -> int:
    job = await _insert(conn, now, kind="page", origin=url, url=url, story=story)
    assert job is not None
    return job


async def queue_entry(
    conn: Connection,
    feed_id: int,
    entry_key: str,
    url: str,
    *,
    outlet: str | None,
    title: str | None,
    published: dt.datetime | None,
    now: dt.datetime,
) -> int | None:
    """A feed entry, queued once whatever the polls; None when it was queued before."""
    meta = {"outlet": outlet, "title": title, "published": published.isoformat() if published else None}
    return await _insert(
        conn,
        now,
        kind="feed-entry",
        dedupe_key=f"feed:{feed_id}:{entry_key}",
        origin=url,
        url=url,
        meta=json.dumps(meta),
        feed_id=feed_id,
        entry_key=entry_key,
    )


# ------------------------------------------------------------------------------ claiming

_READY = "(state = 'queued' AND not_before <= :now) OR (state = 'running' AND claimed_until <= :now)"


# SQLite: one UPDATE statement takes the write lock before it reads, so two workers never claim one
# job (a second waits on the busy timeout). PostgreSQL: the subselect takes FOR UPDATE SKIP LOCKED,
# so workers on any number of machines each claim a different job at once instead of queueing
# behind one row lock.
def _claim_sql(postgresql: bool) -> str:
    skip = " FOR UPDATE SKIP LOCKED" if postgresql else ""
    return f"""UPDATE ingest_jobs SET state = 'running', attempts = attempts + 1, claimed_by = :worker,
                      claimed_until = :until
                WHERE id IN (SELECT id FROM ingest_jobs WHERE {_READY} ORDER BY not_before, id LIMIT :n{skip})
               RETURNING *"""


async def claim_many(
    conn: Connection, worker: str, *, now: dt.datetime, hold: dt.timedelta = CLAIM_FOR, limit: int = 1
) -> list[Job]:
    """Up to `limit` of the oldest ready jobs, oldest first, now this worker's until now + hold."""
    rows = await conn.fetch(
        _claim_sql(conn.dialect.postgresql),
        {"worker": worker, "until": moment(now + hold), "now": moment(now), "n": limit},
    )
    return sorted((_job(r) for r in rows), key=lambda j: j.id)


async def claim(conn: Connection, worker: str, *, now: dt.datetime, hold: dt.timedelta = CLAIM_FOR) -> Job | None:
    """The oldest ready job, now this worker's until now + hold; None when none is ready."""
    found = await claim_many(conn, worker, now=now, hold=hold)
    return found[0] if found else None


async def hold_on(
    conn: Connection, job_ids: list[int], worker: str, *, now: dt.datetime, hold: dt.timedelta = CLAIM_FOR
) -> int:
    """Extend this worker's claim on jobs it is working on; how many are still its own."""
    return await conn.execute(
        f"""UPDATE ingest_jobs SET claimed_until = ? WHERE claimed_by = ? AND state = 'running'
             AND id IN ({",".join("?" * len(job_ids))})""",
        (moment(now + hold), worker, *job_ids),
    )


async def give_back(conn: Connection, job_ids: list[int], worker: str) -> None:
    """Return claimed jobs not started (a worker stopping): ready at once, the attempt not counted."""
    if job_ids:
        await conn.execute(
            f"""UPDATE ingest_jobs SET state = 'queued', attempts = attempts - 1, claimed_by = NULL,
                       claimed_until = NULL
                 WHERE claimed_by = ? AND state = 'running' AND id IN ({",".join("?" * len(job_ids))})""",
            (worker, *job_ids),
        )


async def finish(
    conn: Connection, job: Job, worker: str, outcome: str, source_id: int | None, *, now: dt.datetime
) -> None:
    await conn.execute(
        """UPDATE ingest_jobs SET state = 'done', outcome = ?, source_id = ?, error = NULL, finished_at = ?,
                  claimed_until = NULL WHERE id = ? AND claimed_by = ?""",
        (outcome, source_id, moment(now), job.id, worker),
    )


async def fail(conn: Connection, job: Job, worker: str, error: str, *, now: dt.datetime, final: bool = False) -> bool:
    """Record a failed attempt; True when it is final (`final`, or MAX_ATTEMPTS), False when it will
    be retried after a back-off."""
    final = final or job.attempts >= MAX_ATTEMPTS
    retry = now + RETRY_AFTER * (2 ** max(0, job.attempts - 1))
    await conn.execute(
        """UPDATE ingest_jobs SET state = ?, error = ?, not_before = ?, claimed_until = NULL,
                  finished_at = CASE WHEN ? THEN ? END WHERE id = ? AND claimed_by = ?""",
        ("failed" if final else "queued", error, moment(retry), final, moment(now), job.id, worker),
    )
    return final


# ------------------------------------------------------------------------------ reading


async def get(conn: Connection, job_id: int) -> Job | None:
    rows = await conn.fetch("SELECT * FROM ingest_jobs WHERE id = ?", (job_id,))
    return _job(rows[0]) if rows else None


async def finished(conn: Connection, job_ids: list[int]) -> list[Job]:
    """Those of these jobs that are done or failed, in the order they were queued (one statement per
    500, however many are waited for)."""
    out: list[Job] = []
    for i in range(0, len(job_ids), 500):
        chunk = job_ids[i : i + 500]
        rows = await conn.fetch(
            f"""SELECT * FROM ingest_jobs WHERE id IN ({",".join("?" * len(chunk))})
                 AND state IN ('done', 'failed') ORDER BY id""",
            chunk,
        )
        out += [_job(r) for r in rows]
    return out


_LISTED = "id, kind, origin, url, suffix, meta, feed_id, entry_key, state, attempts, outcome, source_id, error, story"


async def recent(conn: Connection, *, limit: int = 50) -> list[Job]:
    """The jobs not done, then the latest done, newest first: what `briefings jobs` shows."""
    rows = await conn.fetch(
        f"SELECT {_LISTED}, NULL AS body FROM ingest_jobs ORDER BY state = 'done', id DESC LIMIT ?", (limit,)
    )
    return [_job(r) for r in rows]


async def counts(conn: Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT state, COUNT(*) FROM ingest_jobs GROUP BY state")
    out = dict.fromkeys(("queued", "running", "done", "failed"), 0)
    out.update({r[0]: r[1] for r in rows})
    return out
