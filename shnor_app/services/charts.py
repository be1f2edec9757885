"""Geometry of server-rendered SVG charts (no scripts, no CDN — the CSP forbids both).

Functions take plain series and return what the template macro ``monitoring/_charts.html``
draws: coordinates already computed, labels already formatted. Every chart is shown with a
table of the same numbers next to it (the accessible alternative).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .monitoring.identification import fmt_share


@dataclass
class Series:
    label: str
    points: dict[int, float | None]    # year → value
    css: str = "s0"


@dataclass
class LineChart:
    width: int
    height: int
    x_ticks: list[dict]
    y_ticks: list[dict]
    series: list[dict]
    threshold: dict | None = None
    years: list[int] = field(default_factory=list)
    plot: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(s["dots"] for s in self.series)

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(css class, label) of each series, for the legend under the chart."""
        return [(s["css"], s["label"]) for s in self.series]


def _nice_max(value: float) -> float:
    if value <= 10:
        return 10
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def line_chart(series: list[Series], *, threshold: float | None = None, width: int = 640,
               height: int = 240, fmt=fmt_share) -> LineChart:
    """Lines over years; ``threshold`` draws a dashed line (the 30% of the federal rule)."""
    years = sorted({y for s in series for y, v in s.points.items() if v is not None})
    left, right, top, bottom = 46, 16, 14, 30
    pw, ph = width - left - right, height - top - bottom
    values = [v for s in series for v in s.points.values() if v is not None]
    top_value = _nice_max(max(values + [threshold or 0, 1]) * 1.1)

    def x_of(year):
        if len(years) <= 1:
            return left + pw / 2
        return left + pw * years.index(year) / (len(years) - 1)

    def y_of(value):
        return top + ph * (1 - value / top_value)

    y_ticks = [{"y": round(y_of(top_value * i / 4), 1), "label": fmt(top_value * i / 4)}
               for i in range(5)]
    x_ticks = [{"x": round(x_of(y), 1), "label": str(y)} for y in years]
    drawn = []
    for i, s in enumerate(series):
        dots = [{"x": round(x_of(y), 1), "y": round(y_of(v), 1), "year": y, "label": fmt(v)}
                for y, v in sorted(s.points.items()) if v is not None and y in years]
        path = " ".join(f"{'M' if j == 0 else 'L'}{d['x']} {d['y']}" for j, d in enumerate(dots))
        drawn.append({"label": s.label, "css": s.css or f"s{i}", "dots": dots, "path": path,
                      "values": [s.points.get(y) for y in years],
                      "labels": [fmt(s.points[y]) if s.points.get(y) is not None else "—"
                                 for y in years]})
    line = None
    if threshold is not None:
        line = {"y": round(y_of(threshold), 1), "label": fmt(threshold)}
    return LineChart(width, height, x_ticks, y_ticks, drawn, line, years,
                     {"left": left, "right": width - right, "top": top,
                      "bottom": height - bottom})


@dataclass
class BarChart:
    width: int
    bars: list[dict]
    row_height: int = 26

    @property
    def height(self) -> int:
        return self.row_height * len(self.bars) + 4


def bar_chart(rows: list[tuple[str, list[tuple[str, int]]]], *, width: int = 420) -> BarChart:
    """Horizontal stacked bars: rows of (label, [(css, n), …]); the scale is the largest row."""
    biggest = max([sum(n for _, n in parts) for _, parts in rows] + [1])
    bars = []
    for i, (label, parts) in enumerate(rows):
        x, segs = 0.0, []
        for css, n in parts:
            if n:
                w = width * n / biggest
                segs.append({"css": css, "x": round(x, 1), "w": round(w, 1), "n": n})
                x += w
        bars.append({"label": label, "y": i * 26 + 2, "segs": segs,
                     "total": sum(n for _, n in parts)})
    return BarChart(width, bars)


@dataclass
class DivergingChart:
    width: int
    height: int
    zero: float
    rows: list[dict]
    ticks: list[dict]
    legend: list[tuple[str, str]]


def diverging_bars(rows: list[tuple[str, list[tuple[str, float | None, str]]]], *,
                   legend: list[tuple[str, str]], width: int = 640, label_width: int = 230,
                   fmt=lambda v: f"{v:+.1f}".replace(".", ",")) -> DivergingChart:
    """Bars left and right of zero, a few per row: rows of (label, [(css, value, title), …])
    — changes that can be negative (good) or positive (bad). The scale is symmetric."""
    values = [abs(v) for _, bars in rows for _, v, _ in bars if v is not None]
    top = max(values + [0.5])
    biggest = next((m for m in (1, 2, 5, 10, 20, 25, 50, 100) if top <= m), top)
    plot = width - label_width - 16
    zero = label_width + plot / 2
    bar_h, gap = 12, 10
    out, y = [], 4
    for label, bars in rows:
        drawn = []
        for i, (css, value, title) in enumerate(bars):
            if value is None:
                continue
            w = plot / 2 * abs(value) / biggest
            drawn.append({"css": css, "x": round(zero - w if value < 0 else zero, 1),
                          "y": y + i * bar_h, "w": round(max(w, 1), 1), "h": bar_h - 2,
                          "title": f"{title}: {fmt(value)}"})
        out.append({"label": label, "y": y, "text_y": y + bar_h * len(bars) / 2 + 4,
                    "bars": drawn})
        y += bar_h * len(bars) + gap
    ticks = [{"x": round(zero + plot / 2 * f, 1), "label": fmt(biggest * f) if f else "0"}
             for f in (-1, -0.5, 0, 0.5, 1)]
    return DivergingChart(width, y + 20, round(zero, 1), out, ticks, legend)
