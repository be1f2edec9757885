"""One school's trajectory: its results by procedure over the years — share of «2», share of
«5», mean score — and the measures it received, on one time axis; its indicator scores.

:func:`facts` reads the school's records (a fixed number of queries: one per kind, plus the
indicator scores of its municipality's system for each year shown); :func:`chart` computes the
geometry of one SVG — lines of the shares above, a lane per kind of measure below, on the same
years — and :func:`table` the same numbers for screen readers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from ...extensions import db
from ...models import (
    AssessmentResult, Enrollment, EnrollmentStatus, JointEvent, MentoringPair, Partnership,
    Procedure, SchoolStatus, SchoolStatusRecord, Visit,
)
from ..monitoring.identification import fmt_share

YEARS = 6  # at most the last years shown


@dataclass
class Trajectory:
    years: list[int]
    results: dict[tuple[Procedure, int], dict]   # (procedure, year) → share_2, share_5, mean
    statuses: dict[int, list[str]] = field(default_factory=dict)      # year → labels
    partnership: list[tuple[date, date | None, str]] = field(default_factory=list)
    mentoring: list[tuple[date, date | None, str]] = field(default_factory=list)
    visits: list[date] = field(default_factory=list)
    events: list[date] = field(default_factory=list)
    courses: list[date] = field(default_factory=list)
    scores: list[tuple[int, float, float]] = field(default_factory=list)  # year, total, max

    @property
    def empty(self) -> bool:
        return not self.results and not self.visits and not self.partnership \
            and not self.courses and not self.mentoring and not self.statuses


def facts(org, today: date) -> Trajectory:
    ar = AssessmentResult
    weight = func.coalesce(ar.participants, 1)
    def weighted(col):
        return func.sum(col * weight) / func.sum(case((col.is_not(None), weight), else_=None))

    rows = db.session.execute(
        select(ar.procedure, ar.year, weighted(ar.share_2), weighted(ar.share_5),
               func.avg(ar.mean_score))
        .where(ar.organization_id == org.id, weight > 0)
        .group_by(ar.procedure, ar.year)).all()
    results = {(p, int(y)): {"share_2": _r(s2), "share_5": _r(s5), "mean": _r(m, 2)}
               for p, y, s2, s5, m in rows}
    st = SchoolStatusRecord
    statuses: dict[int, list[str]] = {}
    for year, status in db.session.execute(select(st.year, st.status).where(
            st.organization_id == org.id, st.deleted_at.is_(None)).order_by(st.year, st.status)):
        statuses.setdefault(int(year), []).append(status.label)
    p = Partnership
    partnerships = [(s, e, name) for s, e, name in db.session.execute(
        select(p.start_date, p.end_date, p.partner_name).where(
            p.school_id == org.id, p.deleted_at.is_(None)).order_by(p.start_date))]
    mp = MentoringPair
    mentoring = [(s, e, kind.label) for s, e, kind in db.session.execute(
        select(mp.start_date, mp.end_date, mp.kind).where(
            mp.mentee_org_id == org.id, mp.deleted_at.is_(None)).order_by(mp.start_date))]
    visits = list(db.session.scalars(select(Visit.visit_date).where(
        Visit.school_id == org.id, Visit.deleted_at.is_(None)).order_by(Visit.visit_date)))
    events = list(db.session.scalars(
        select(JointEvent.event_date).join(p, p.id == JointEvent.partnership_id).where(
            p.school_id == org.id, p.deleted_at.is_(None), JointEvent.deleted_at.is_(None))
        .order_by(JointEvent.event_date)))
    en = Enrollment
    courses = list(db.session.scalars(select(en.completed_on).where(
        en.organization_id == org.id, en.status == EnrollmentStatus.COMPLETED,
        en.completed_on.is_not(None), en.deleted_at.is_(None)).order_by(en.completed_on)))
    known = {y for _, y in results} | set(statuses) | {d.year for d in visits + events + courses}
    known |= {s.year for s, _, _ in partnerships + mentoring if s}
    last = max([y for y in known if y <= today.year + 1] or [today.year])
    first = min([y for y in known if y <= last] or [last])
    years = list(range(max(first, last - YEARS + 1), last + 1))
    t = Trajectory(years, {k: v for k, v in results.items() if k[1] in years},
                   {y: v for y, v in statuses.items() if y in years}, partnerships, mentoring,
                   visits, events, courses)
    t.scores = _scores(org, [y for y in years if any(k[1] == y for k in t.results)])
    return t


def _r(value, digits: int = 1):
    return None if value is None else round(float(value), digits)


def _scores(org, years: list[int]) -> list[tuple[int, float, float]]:
    """The school's total of its municipality's indicator system, for each year given."""
    from ..monitoring import indicators as ind_svc

    if org.municipality_id is None or not years:
        return []
    indicators = ind_svc.indicators_of(org.municipality_id)
    if not indicators:
        return []
    top = sum(ind_svc.max_points(i) for i in indicators)
    return [(y, ind_svc.score_table(indicators, [org], y)[0].total, top) for y in years]


# --------------------------------------------------------------------------- the chart

_PROC_CSS = {Procedure.VPR: "s0", Procedure.OGE: "s1", Procedure.EGE: "s2"}
_LANES = (("status", "Статус ШНОР"), ("partnership", "Партнёрство"),
          ("events", "Совм. мероприятия"), ("visits", "Выезды"), ("courses", "КПК завершены"),
          ("mentoring", "Наставничество"))


def chart(t: Trajectory, width: int = 720) -> dict:
    left, right, top = 130, 12, 12
    plot_h, lane_h, scores_h = 170, 20, 70
    pw = width - left - right
    y0, y1 = t.years[0], t.years[-1] + 1
    scores_top = top + plot_h + 34  # the indicator scores: a strip on the same year axis
    lanes_top = scores_top + (scores_h + 22 if t.scores else -4)

    def x_of(day_or_year) -> float:
        if isinstance(day_or_year, date):
            v = day_or_year.year + (day_or_year.timetuple().tm_yday - 1) / 366
        else:
            v = day_or_year
        v = min(max(v, y0), y1)
        return round(left + pw * (v - y0) / (y1 - y0), 1)

    shares = [v[k] for v in t.results.values() for k in ("share_2", "share_5")
              if v[k] is not None]
    top_value = max([30.0] + shares)
    top_value = next((m for m in (40, 50, 60, 80, 100) if top_value <= m), 100)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - value / top_value), 1)

    series = []
    for proc in Procedure:
        for key, label, dash in (("share_2", "доля «2»", False), ("share_5", "доля «5»", True)):
            dots = [{"x": round(x_of(y) + pw / (y1 - y0) / 2, 1), "y": y_of(v[key]),
                     "title": f"{proc.label}, {label}, {y}: {fmt_share(v[key])}"}
                    for (p, y), v in sorted(t.results.items(), key=lambda kv: kv[0][1])
                    if p == proc and v[key] is not None]
            if dots:
                path = " ".join(f"{'M' if i == 0 else 'L'}{d['x']} {d['y']}"
                                for i, d in enumerate(dots))
                series.append({"label": f"{proc.label}: {label}", "css": _PROC_CSS[proc],
                               "dashed": dash, "dots": dots, "path": path})
    scores = None
    if t.scores:
        best = max([t.scores[0][2]] + [total for _, total, _ in t.scores]) or 1

        def score_y(value: float) -> float:
            return round(scores_top + scores_h * (1 - value / best), 1)

        fmt = lambda v: f"{v:g}".replace(".", ",")  # noqa: E731
        dots = [{"x": round(x_of(y) + pw / (y1 - y0) / 2, 1), "y": score_y(total),
                 "title": f"Баллы по показателям муниципалитета, {y}: {fmt(total)} из {fmt(top_)}"}
                for y, total, top_ in t.scores if y0 <= y < y1]
        scores = {
            "label": f"Сумма баллов (из {fmt(t.scores[0][2])})", "top": scores_top,
            "bottom": scores_top + scores_h, "dots": dots,
            "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']} {d['y']}"
                             for i, d in enumerate(dots)),
            "ticks": [{"y": score_y(best * k / 2), "label": fmt(round(best * k / 2, 1))}
                      for k in range(3)],
        }
    lanes = []
    for i, (key, label) in enumerate(_LANES):
        y = lanes_top + i * lane_h
        bars, marks = [], []
        if key == "status":
            for year, labels in t.statuses.items():
                if SchoolStatus.LOW_RESULTS.label in labels:
                    bars.append({"x": x_of(year), "w": round(x_of(year + 1) - x_of(year), 1),
                                 "title": f"ШНОР в {year} году"})
        elif key in ("partnership", "mentoring"):
            for start, end, name in getattr(t, key):
                a, b = x_of(start), x_of(end or date(y1, 1, 1))
                if b > a or (start.year <= y1 and (end is None or end.year >= y0)):
                    bars.append({"x": a, "w": round(max(b - a, 2), 1),
                                 "title": f"{label}: {name}, {start:%d.%m.%Y}–"
                                          f"{end.strftime('%d.%m.%Y') if end else 'по сей день'}"})
        else:
            for day in getattr(t, key):
                if y0 <= day.year < y1:
                    marks.append({"x": x_of(day), "title": f"{label}: {day:%d.%m.%Y}"})
        lanes.append({"key": key, "label": label, "y": y, "bars": bars, "marks": marks})
    height = lanes_top + len(_LANES) * lane_h + 8
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": top + plot_h, "lane_h": lane_h,
        "x_ticks": [{"x": x_of(y), "mid": round(x_of(y) + pw / (y1 - y0) / 2, 1), "label": y}
                    for y in t.years] + [{"x": x_of(y1), "mid": None, "label": ""}],
        "y_ticks": [{"y": y_of(top_value * k / 4), "label": fmt_share(top_value * k / 4)}
                    for k in range(5)],
        "series": series, "lanes": lanes, "scores": scores,
    }


def table(t: Trajectory) -> list[tuple[str, list[str]]]:
    """The chart's numbers by year (the accessible alternative), and the measures' counts."""
    rows = []
    for proc in Procedure:
        if not any(p == proc for p, _ in t.results):
            continue
        for key, label in (("share_2", "доля «2»"), ("share_5", "доля «5»"),
                           ("mean", "средний балл")):
            cells = []
            for y in t.years:
                v = t.results.get((proc, y), {}).get(key)
                cells.append("—" if v is None else fmt_share(v) if key != "mean"
                             else f"{v:.2f}".rstrip("0").rstrip(".").replace(".", ","))
            rows.append((f"{proc.label}: {label}", cells))
    rows.append(("Статус", [", ".join(t.statuses.get(y, [])) or "—" for y in t.years]))

    def active(periods, y):
        return sum(1 for s, e, _ in periods if s.year <= y and (e is None or e.year >= y))

    rows.append(("Партнёрства (действовали)",
                 [str(active(t.partnership, y)) for y in t.years]))
    rows.append(("Совместные мероприятия",
                 [str(sum(1 for d in t.events if d.year == y)) for y in t.years]))
    rows.append(("Выезды", [str(sum(1 for d in t.visits if d.year == y)) for y in t.years]))
    rows.append(("КПК завершены", [str(sum(1 for d in t.courses if d.year == y))
                                   for y in t.years]))
    rows.append(("Пары наставничества (действовали)",
                 [str(active(t.mentoring, y)) for y in t.years]))
    if t.scores:
        by_year = {y: (total, top) for y, total, top in t.scores}
        rows.append(("Баллы по показателям муниципалитета",
                     [(f"{by_year[y][0]:g} из {by_year[y][1]:g}".replace(".", ",")
                       if y in by_year else "—") for y in t.years]))
    return rows


def scores_chart(t: Trajectory):
    """The school's total of its municipality's indicator system by year, as a line."""
    from ..charts import Series, line_chart

    if not t.scores:
        return None
    top = t.scores[0][2]
    return line_chart([Series(f"Сумма баллов (из {top:g})".replace(".", ","),
                              {y: total for y, total, _ in t.scores}, "s0")],
                      fmt=lambda v: f"{v:.1f}".rstrip("0").rstrip(".").replace(".", ","),
                      height=170)
