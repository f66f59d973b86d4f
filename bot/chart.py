"""A chart of claimed numbers over time, one line per claimant, as PNG bytes."""

from __future__ import annotations

import io
from collections import defaultdict

from briefings.views import EstimatePicture


def worth_drawing(p: EstimatePicture) -> bool:
    """A picture tells it faster than a table when someone's number moved over time."""
    dates: dict[tuple[str, str], set] = defaultdict(set)
    for h in p.history:
        dates[(h.claimant, h.status.value)].add(h.claimed_on)
    return any(len(d) >= 2 for d in dates.values())


def render_chart(p: EstimatePicture) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    series: dict[str, list[tuple]] = defaultdict(list)
    for h in sorted(p.history, key=lambda h: h.claimed_on):
        series[f"{h.claimant} ({h.status.value})"].append((h.claimed_on, h.value))
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    try:
        for label, points in sorted(series.items(), key=lambda kv: -len(kv[1]))[:10]:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", label=label[:60])
        ax.set_title("Claimed numbers over time")
        ax.set_ylabel("troops")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
        fig.autofmt_xdate()
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)
