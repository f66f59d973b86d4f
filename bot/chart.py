"""A chart of claimed numbers over time, one line per claimant, as PNG bytes."""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict, defaultdict

from briefings.answers.views import EstimatePicture

Points = tuple[tuple[str, object, int], ...]  # (series label, date, value), in date order
Chart = tuple[str, Points]  # the story's title, and the points: what identifies a chart


def worth_drawing(p: EstimatePicture) -> bool:
    """A picture tells it faster than a table when someone's number moved over time."""
    dates: dict[tuple[str, str], set] = defaultdict(set)
    for h in p.history:
        dates[(h.claimant, h.status)].add(h.claimed_on)
    return any(len(d) >= 2 for d in dates.values())


def chart_points(p: EstimatePicture) -> Chart:
    """What the chart shows, in the story's words, and so what identifies it."""
    label = p.story.label if p.story else str
    return (
        p.story.title if p.story else "",
        tuple(
            (f"{h.claimant} ({label(h.status)})", h.claimed_on, h.value)
            for h in sorted(p.history, key=lambda h: h.claimed_on)
        ),
    )


def render_chart(chart: Chart) -> bytes:
    """PNG bytes. Matplotlib's object API, not pyplot: no global figure registry, so charts may be
    drawn in worker threads."""
    import matplotlib.dates as mdates
    import matplotlib.ticker as mticker
    from matplotlib.figure import Figure

    title, points = chart
    series: dict[str, list[tuple]] = defaultdict(list)
    for label, day, value in points:
        series[label].append((day, value))
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.subplots()
    for label, pts in sorted(series.items(), key=lambda kv: -len(kv[1]))[:10]:
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, ys, marker="o", label=label[:60])
    ax.set_title(f"{title}: claimed numbers over time" if title else "Claimed numbers over time")
    ax.set_ylabel("number claimed")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    fig.autofmt_xdate()
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


class Charts:
    """Charts drawn once per content: the same picture asked for by many at once (or again before
    the store changes) is drawn one time, in a worker thread, and shared."""

    def __init__(self, keep: int = 16) -> None:
        self._keep = keep
        self._drawn: OrderedDict[Chart, asyncio.Future[bytes]] = OrderedDict()

    async def png(self, picture: EstimatePicture) -> bytes:
        points = chart_points(picture)
        drawing = self._drawn.get(points)
        if drawing is None:
            drawing = asyncio.ensure_future(asyncio.to_thread(render_chart, points))
            self._drawn[points] = drawing
            while len(self._drawn) > self._keep:
                self._drawn.popitem(last=False)
        else:
            self._drawn.move_to_end(points)
        try:
            return await asyncio.shield(drawing)
        except Exception:
            self._drawn.pop(points, None)  # a failed drawing is not kept
            raise
