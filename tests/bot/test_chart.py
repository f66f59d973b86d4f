"""The /estimate chart: drawn once however many ask for the same picture at the same time."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot import chart
from briefings.answers.views import EstimatePicture, HistoryPoint
from briefings.models import Status


def picture(values: list[int]) -> EstimatePicture:
    history = [
        HistoryPoint(claimant="Defence ministry", status=Status.deployed, claimed_on=dt.date(2025, 3, d + 1), value=v)
        for d, v in enumerate(values)
    ]
    return EstimatePicture(latest=[], ranges=[], changes=[], history=history)


async def test_many_asking_at_once_share_one_drawing(monkeypatch) -> None:
    drawn = []
    draw = chart.render_chart

    def counting(points):
        drawn.append(points)
        return draw(points)

    monkeypatch.setattr(chart, "render_chart", counting)
    charts = chart.Charts()
    pngs = await asyncio.gather(*(charts.png(picture([3000, 5000])) for _ in range(20)))
    assert len(drawn) == 1
    assert all(p == pngs[0] for p in pngs) and pngs[0].startswith(b"\x89PNG")
    other = await charts.png(picture([3000, 8000]))  # another picture is drawn anew
    assert len(drawn) == 2 and other != pngs[0]
