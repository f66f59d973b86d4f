"""Digest subscriptions: stored, scheduled in their own time zone, with a watermark that only moves
after a digest was delivered. Scheduling decisions are pure functions of the subscription and a time,
so tests drive them with a clock of their own."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from briefings.answers.views import View
from briefings.models import SEED_STORY
from briefings.store.db import Connection, Row
from briefings.store.facts import stored_datetime

MAX_FAILURES = 5  # consecutive failures before a subscription is paused
BACKOFF_FIRST = dt.timedelta(minutes=2)
BACKOFF_MAX = dt.timedelta(hours=2)
CATCH_UP_LIMIT = 10_000  # slots walked when looking for the latest missed one


class SubscriptionError(ValueError):
    """Bad subscription input; the message is one sentence for the user."""


class Subscription(View):
    id: int
    guild_id: int
    channel_id: int
    at_time: str
    timezone: str
    every: str  # day | week | hours
    hours: int | None
    story: str = SEED_STORY  # the story it digests: no other story's facts are in its digests
    status: str | None  # one of its story's statuses
    no_news_line: bool
    watermark: dt.datetime
    last_slot: dt.datetime
    pending_until: dt.datetime | None
    failures: int
    next_retry: dt.datetime | None
    last_error: str | None
    paused_reason: str | None
    last_delivery: dt.datetime | None
    created_by: int | None
    created_at: dt.datetime

    @property
    def cadence(self) -> str:
        if self.every == "hours":
            return f"every {self.hours} hours from {self.at_time}"
        return f"every {'day' if self.every == 'day' else 'Monday'} at {self.at_time}"

    @property
    def digest_key(self) -> str:
        """Names the digest being delivered: the same range gives the same key (and nonce)."""
        cut = self.pending_until.isoformat() if self.pending_until else ""
        raw = f"{self.id}|{self.watermark.isoformat()}|{cut}"
        return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


class DigestPart(View):
    """One message of a digest being delivered: rendered once, posted until Discord accepts it."""

    number: int  # 1-based
    payload: str  # the message as the bot posts it, JSON
    message_id: int | None  # the message Discord made of it, once accepted


# ----------------------------------------------------------------------------- parsing


def parse_time(value: str) -> str:
    m = re.fullmatch(r"\s*(\d{1,2})[:.h]?(\d{2})?\s*", value or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise SubscriptionError(f"'{value}' is not a time of day; write it like 08:00 or 18:30.")
    return f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"


def parse_zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        raise SubscriptionError(f"'{value}' is not a time zone; pick an IANA name such as Europe/Berlin.") from None
    return value.strip()


def parse_every(value: str | None) -> tuple[str, int | None]:
    text = (value or "day").strip().lower()
    if text in {"day", "daily", "1 day"}:
        return "day", None
    if text in {"week", "weekly", "1 week"}:
        return "week", None
    m = re.fullmatch(r"(\d{1,3})\s*(?:h|hours?)", text)
    if m and 1 <= int(m.group(1)) <= 168:
        return "hours", int(m.group(1))
    raise SubscriptionError(f"'{value}' is not a schedule; use day, week, or a number of hours like '6 hours'.")


# -------------------------------------------------------------------------- scheduling


def trigger_for(sub: Subscription) -> BaseTrigger:
    """The APScheduler trigger of a subscription, in its own time zone (right across DST changes)."""
    hour, minute = (int(x) for x in sub.at_time.split(":"))
    zone = ZoneInfo(sub.timezone)
    if sub.every == "day":
        return CronTrigger(hour=hour, minute=minute, timezone=zone)
    if sub.every == "week":
        return CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=zone)
    local = sub.created_at.astimezone(zone)
    start = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return IntervalTrigger(hours=sub.hours or 1, start_date=start, timezone=zone)


def next_slot(sub: Subscription, after: dt.datetime) -> dt.datetime:
    """The first scheduled time strictly after `after`."""
    fire = trigger_for(sub).get_next_fire_time(None, after + dt.timedelta(seconds=1))
    assert fire is not None
    return fire.astimezone(dt.UTC)


def latest_slot(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """The latest scheduled time in (last_slot, now], if any: many missed slots make one catch-up."""
    slot = next_slot(sub, sub.last_slot)
    if slot > now:
        return None
    for _ in range(CATCH_UP_LIMIT):
        following = next_slot(sub, slot)
        if following > now:
            break
        slot = following
    return slot


def needs_delivery(sub: Subscription, now: dt.datetime) -> bool:
    """Due now: a scheduled time has passed, or a delivery is pending, and no back-off holds it."""
    if sub.paused_reason:
        return False
    if sub.next_retry is not None and now < sub.next_retry:
        return False
    return sub.pending_until is not None or latest_slot(sub, now) is not None


def backoff(failures: int) -> dt.timedelta:
    return min(BACKOFF_MAX, BACKOFF_FIRST * (2 ** max(0, failures - 1)))


# ------------------------------------------------------------------------------- store


def _from_row(r: Row) -> Subscription:
    return Subscription(
        id=r["id"],
        guild_id=r["guild_id"],
        channel_id=r["channel_id"],
        at_time=r["at_time"],
        timezone=r["timezone"],
        every=r["every"],
        hours=r["hours"],
        story=r["story"],
        status=r["status"],
        no_news_line=bool(r["no_news_line"]),
        watermark=stored_datetime(r["watermark"]),
        last_slot=stored_datetime(r["last_slot"]),
        pending_until=stored_datetime(r["pending_until"]),
        failures=r["failures"],
        next_retry=stored_datetime(r["next_retry"]),
        last_error=r["last_error"],
        paused_reason=r["paused_reason"],
        last_delivery=stored_datetime(r["last_delivery"]),
        created_by=r["created_by"],
        created_at=stored_datetime(r["created_at"]),
    )  # type: ignore[arg-type]


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError("subscriptions keep timezone-aware times only")
    return when.astimezone(dt.UTC).isoformat()


async def subscribe(
    conn: Connection,
    *,
    guild_id: int,
    channel_id: int,
    at: str,
    timezone: str,
    every: str | None,
    status: str | None,
    no_news_line: bool,
    story: str = SEED_STORY,
    created_by: int | None,
    now: dt.datetime,
) -> Subscription:
    at_time, zone = parse_time(at), parse_zone(timezone)
    kind, hours = parse_every(every)
    sub_id = await conn.fetchval(
        """INSERT INTO subscriptions (guild_id, channel_id, at_time, timezone, every, hours, status, no_news_line,
                                      watermark, last_slot, created_by, created_at, story)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (
            guild_id,
            channel_id,
            at_time,
            zone,
            kind,
            hours,
            status,
            int(no_news_line),
            _iso(now),
            _iso(now),
            created_by,
            _iso(now),
            story,
        ),
    )
    sub = await get(conn, sub_id)
    assert sub is not None
    return sub


async def get(conn: Connection, sub_id: int) -> Subscription | None:
    row = await conn.fetchone("SELECT * FROM subscriptions WHERE id = ?", (sub_id,))
    return _from_row(row) if row else None


async def all_subscriptions(conn: Connection, guild_id: int | None = None) -> list[Subscription]:
    sql, params = "SELECT * FROM subscriptions", ()
    if guild_id is not None:
        sql, params = sql + " WHERE guild_id = ?", (guild_id,)
    return [_from_row(r) for r in await conn.fetch(sql + " ORDER BY id", params)]


async def unsubscribe(conn: Connection, guild_id: int, sub_id: int) -> bool:
    return await conn.execute("DELETE FROM subscriptions WHERE id = ? AND guild_id = ?", (sub_id, guild_id)) > 0


def _digest_lock(sub_id: int) -> str:
    return f"briefings:digest:{sub_id}"


async def start_delivery(conn: Connection, sub: Subscription, cut: dt.datetime) -> Subscription:
    """Remember the digest about to be sent, before sending it: a retry sends the very same one. Once
    a digest is pending, it stays the one delivered: a second start (another process's, or one from
    a copy of the subscription read before) gets the pending one, not one of its own."""
    if sub.pending_until is not None:
        return sub
    async with conn.transaction() as tx:
        # as stored, not as `sub` says: another process may have moved the watermark since it was read
        row = await tx.fetchone(
            "UPDATE subscriptions SET pending_until = ? WHERE id = ? AND pending_until IS NULL RETURNING *",
            (_iso(cut), sub.id),
        )
        if row is not None:
            await tx.execute("DELETE FROM digest_parts WHERE subscription_id = ?", (sub.id,))  # an older digest's
            return _from_row(row)
        row = await tx.fetchone("SELECT * FROM subscriptions WHERE id = ?", (sub.id,))
    if row is None:  # unsubscribed meanwhile: nothing is delivered to it (saving its parts fails)
        return sub.model_copy(update={"pending_until": cut.astimezone(dt.UTC)})
    return _from_row(row)


async def digest_parts(conn: Connection, sub_id: int) -> list[DigestPart]:
    """The parts of the digest being delivered, in order; none before they are saved."""
    rows = await conn.fetch(
        "SELECT part, payload, message_id FROM digest_parts WHERE subscription_id = ? ORDER BY part", (sub_id,)
    )
    return [DigestPart(number=r[0], payload=r[1], message_id=r[2]) for r in rows]


async def save_parts(conn: Connection, sub_id: int, payloads: list[str]) -> list[DigestPart]:
    """The rendered parts of the pending digest, all or none; the parts saved already (by another
    delivery of the same digest) when there are some."""
    async with conn.transaction() as tx:
        await tx.lock(_digest_lock(sub_id))
        saved = await digest_parts(tx, sub_id)
        if saved or not payloads:
            return saved
        rows = ", ".join("(?, ?, ?)" for _ in payloads)
        params = [x for i, p in enumerate(payloads, start=1) for x in (sub_id, i, p)]
        await tx.execute(f"INSERT INTO digest_parts (subscription_id, part, payload) VALUES {rows}", params)
        return await digest_parts(tx, sub_id)


async def mark_part_sent(conn: Connection, sub_id: int, number: int, message_id: int) -> None:
    """Discord accepted this part: a retry goes on from the next one."""
    await conn.execute(
        "UPDATE digest_parts SET message_id = ? WHERE subscription_id = ? AND part = ?", (message_id, sub_id, number)
    )


async def finish_delivery(conn: Connection, sub: Subscription, now: dt.datetime, *, delivered: bool) -> bool:
    """Discord accepted the digest (or there was nothing to say): move the watermark to its end, and
    forget its parts, in one transaction. Only the digest still pending moves it: whether it did."""
    assert sub.pending_until is not None
    slot = latest_slot(sub, now) or sub.last_slot
    async with conn.transaction() as tx:
        moved = await tx.execute(
            """UPDATE subscriptions SET watermark = ?, last_slot = ?, pending_until = NULL, failures = 0,
                      next_retry = NULL, last_error = NULL, last_delivery = COALESCE(?, last_delivery)
                WHERE id = ? AND pending_until = ?""",
            (
                _iso(sub.pending_until),
                _iso(max(slot, sub.last_slot)),
                _iso(now) if delivered else None,
                sub.id,
                _iso(sub.pending_until),
            ),
        )
        if moved:
            await tx.execute("DELETE FROM digest_parts WHERE subscription_id = ?", (sub.id,))
    return bool(moved)


async def record_failure(
    conn: Connection,
    sub: Subscription,
    now: dt.datetime,
    error: str,
    *,
    not_before: dt.datetime | None = None,
) -> Subscription:
    """Count a failed delivery; back off (to `not_before` at the earliest, when Discord said when), and
    pause after MAX_FAILURES in a row."""
    failures = sub.failures + 1
    paused = f"paused after {failures} failed deliveries: {error}" if failures >= MAX_FAILURES else None
    retry = max(now + backoff(failures), not_before or now)
    await conn.execute(
        # a pause made meanwhile (its channel deleted) stands, with its own reason
        """UPDATE subscriptions SET failures = ?, next_retry = ?, last_error = ?,
                  paused_reason = COALESCE(paused_reason, ?) WHERE id = ?""",
        (failures, _iso(retry), error, paused, sub.id),
    )
    return sub.model_copy(
        update={"failures": failures, "next_retry": retry, "last_error": error, "paused_reason": paused}
    )


async def pause_channel(conn: Connection, channel_id: int, reason: str) -> list[int]:
    """Pause every running subscription of a channel, saying why; the ids of those paused."""
    rows = await conn.fetch(
        "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ? AND paused_reason IS NULL RETURNING id",
        (reason, channel_id),
    )
    return sorted(r["id"] for r in rows)


async def resume(conn: Connection, guild_id: int, sub_id: int) -> bool:
    changed = await conn.execute(
        """UPDATE subscriptions SET paused_reason = NULL, failures = 0, next_retry = NULL
            WHERE id = ? AND guild_id = ?""",
        (sub_id, guild_id),
    )
    return changed > 0
