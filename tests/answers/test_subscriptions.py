"""A digest's delivery state, as two processes sharing one store see it: one cut, one set of parts,
one move of the watermark, however many try at once."""

from __future__ import annotations

import asyncio
import datetime as dt

from briefings.answers import subscriptions as subs
from briefings.store.facts import connect

NOW = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)


async def _subscribe(conn) -> subs.Subscription:
    return await subs.subscribe(
        conn,
        guild_id=1,
        channel_id=2,
        at="08:00",
        timezone="UTC",
        every=None,
        status=None,
        no_news_line=False,
        created_by=None,
        now=NOW - dt.timedelta(days=2),
    )


async def test_two_deliveries_of_one_digest_share_its_cut_its_parts_and_one_watermark_move(db_url) -> None:
    async with connect(db_url) as one, connect(db_url) as other:  # two processes
        sub = await _subscribe(one)
        seen_by_other = await subs.get(other, sub.id)
        assert seen_by_other is not None
        first, second = await asyncio.gather(
            subs.start_delivery(one, sub, NOW), subs.start_delivery(other, seen_by_other, NOW + dt.timedelta(minutes=1))
        )
        assert first.pending_until == second.pending_until  # whoever came second delivers the same digest
        cut = first.pending_until
        assert cut is not None
        a, b = await asyncio.gather(
            subs.save_parts(one, sub.id, ['["one: 1"]', '["one: 2"]']), subs.save_parts(other, sub.id, ['["other"]'])
        )
        assert a == b and len(a) in {1, 2}  # one rendering of it, saved once
        assert await subs.digest_parts(one, sub.id) == a
        moved = await asyncio.gather(
            subs.finish_delivery(one, first, NOW, delivered=True),
            subs.finish_delivery(other, second, NOW, delivered=True),
        )
        assert sorted(moved) == [False, True]
        done = await subs.get(one, sub.id)
        assert done is not None and done.watermark == cut and done.pending_until is None
        assert await subs.digest_parts(one, sub.id) == []
        # a copy of the subscription read before the finish cannot start that digest again
        again = await subs.start_delivery(other, second.model_copy(update={"pending_until": None}), NOW)
        assert again.pending_until == NOW and again.watermark == cut
