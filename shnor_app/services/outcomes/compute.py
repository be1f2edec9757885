"""The outcomes of the support computed from plain facts (no database here).

:class:`Facts` holds what was recorded about the schools of a territory, as plain values: each
school's share of «2» by year, the years it was ШНОР, the measures it received by year, its
teachers and their completed courses, its risk profile and its anti-risk programmes.
:func:`compute` answers, for one cohort — the ШНОР of year ``Y`` — the questions of the page:

* **measures**: for each kind of measure, the change of the share of «2» from the year before
  the support (``Y − 1``) to the latest year with results (``L``) for the cohort's schools that
  received the measure in ``Y … L``, for the cohort's schools that did not, and for all schools
  of the territory — median and interquartile range, the number of schools;
* **doses**: ≥ 4 joint events or visits a year against fewer; КПК coverage of the teachers
  ≥ 80 % against below;
* **exit**: of the ШНОР of each year, how many are not ШНОР the next year and the year after,
  and which of those that left came back — by year, by municipality and by measure;
* **risks**: for each risk factor, the change for the schools where it was high in ``Y`` and
  whether the items of their anti-risk programme were done.

Every figure carries the ids of the schools behind it (``Group.org_ids``), so the page links to
them. A group of fewer than :data:`SMALL` schools is marked ``small``: the page says in words
that nothing can be concluded from it.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

SMALL = 5                 # fewer schools than this: too few to say anything
DOSE_EVENTS = 4           # joint events + visits a year
DOSE_COVERAGE = 80.0      # КПК coverage of the teachers, %
PROGRAMME_DONE = 80.0     # share of the anti-risk programme's items done, %


# (key, label, what counts) — the kinds of measure in the order of the page
MEASURES = (
    ("partnership", "Партнёрство с сильной школой", "договор о партнёрстве действовал в году"),
    ("joint_events", "Совместные мероприятия партнёров", "проведено совместное мероприятие"),
    ("visits", "Выезды в школу", "проведён выезд (посещение) в школу"),
    ("mentoring", "Наставничество", "действовала пара наставничества"),
    ("courses", "КПК педагогов", "педагог школы завершил курс повышения квалификации"),
    ("plans", "ИОМ педагогов", "составлен индивидуальный образовательный маршрут"),
    ("interviews", "Собеседования с руководителем", "проведено собеседование (совещание)"),
    ("recommendations", "Выполненные рекомендации", "рекомендация принята как выполненная"),
    ("anti_risk", "Антирисковые программы", "к риску школы составлена антирисковая программа"),
)
MEASURE_LABELS = {k: label for k, label, _ in MEASURES}


@dataclass
class Facts:
    """What the territory recorded, as plain values (see :mod:`.load`)."""
    schools: dict[int, str] = field(default_factory=dict)              # id → name
    school_muni: dict[int, int | None] = field(default_factory=dict)   # id → municipality id
    municipalities: dict[int, str] = field(default_factory=dict)       # id → name
    share_2: dict[tuple[int, int], float] = field(default_factory=dict)  # (id, year) → %
    shnor: dict[int, set[int]] = field(default_factory=dict)           # id → ШНОР years
    measures: dict[str, dict[int, dict[int, int]]] = field(default_factory=dict)
    # kind → id → year → how many (events, visits, completed courses …; 1 for a period)
    teachers: dict[int, int] = field(default_factory=dict)             # id → teachers now
    trained: dict[int, dict[int, set[int]]] = field(default_factory=dict)
    # id → year → staff ids who completed a course that year
    trained_span: tuple[int, int] | None = None   # (first, last) year of ``trained_in_span``
    trained_in_span: dict[int, int] = field(default_factory=dict)
    # id → teachers who completed a course in those years (read so by the database; else
    # counted from ``trained``)
    factors: list[tuple[int, str]] = field(default_factory=list)       # (id, name) in order
    high_risks: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    # (factor id, year) → schools where it was high
    programmes: dict[tuple[int, int, int], tuple[int, int]] = field(default_factory=dict)
    # (factor id, year, school id) → (items done, items) of its anti-risk programme


@dataclass
class Group:
    """Schools compared: their changes of the share of «2» (percentage points)."""
    key: str
    label: str
    org_ids: list[int] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.org_ids)

    @property
    def small(self) -> bool:
        return self.n < SMALL

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.changes), 1) if self.changes else None

    @property
    def q1(self) -> float | None:
        return _quartiles(self.changes)[0]

    @property
    def q3(self) -> float | None:
        return _quartiles(self.changes)[1]


def _quartiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return round(values[0], 1), round(values[0], 1)
    q = statistics.quantiles(values, n=4, method="inclusive")
    return round(q[0], 1), round(q[2], 1)


@dataclass
class Comparison:
    """One row of a comparison table: a label and its groups (with / without / all)."""
    key: str
    label: str
    groups: list[Group]
    note: str = ""


@dataclass
class ExitRow:
    key: str
    label: str
    shnor: list[int]
    left_1: list[int] | None          # not ШНОР in Y+1 (None: Y+1 not known yet)
    left_2: list[int] | None          # not ШНОР in Y+2
    returned: list[int]               # left at some point after Y and ШНОР again later


@dataclass
class RiskRow:
    factor_id: int
    label: str
    high: Group
    programme_done: Group             # programme with ≥ 80 % of items done
    programme_not: Group              # no programme, or fewer items done
    items_done: int = 0
    items: int = 0

    @property
    def done_share(self) -> float | None:
        return round(100 * self.items_done / self.items, 1) if self.items else None


@dataclass
class Outcomes:
    cohort: int | None                 # Y: the ШНОР of this year are compared
    baseline: int | None               # Y − 1
    latest: int | None                 # L
    cohorts: list[int]                 # the years that can be chosen
    measures: list[Comparison] = field(default_factory=list)
    doses: list[Comparison] = field(default_factory=list)
    exits: list[ExitRow] = field(default_factory=list)           # by year
    exits_by_muni: list[ExitRow] = field(default_factory=list)   # cohort, by municipality
    exits_by_measure: list[ExitRow] = field(default_factory=list)  # cohort, by measure
    risks: list[RiskRow] = field(default_factory=list)
    risk_year: int | None = None       # the year of the risk profiles compared
    facts: Facts | None = field(default=None, repr=False)
    rendered: dict = field(default_factory=dict, repr=False)  # the page's HTML while cached

    def groups(self) -> dict[str, Group]:
        """Every group of the page by its key (the page of the schools behind a figure)."""
        out = {}
        for row in self.measures + self.doses:
            for g in row.groups:
                out[g.key] = g
        for r in self.risks:
            for g in (r.high, r.programme_done, r.programme_not):
                out[g.key] = g
        return out

    def exit_sets(self) -> dict[str, tuple[str, list[int]]]:
        """Every figure of the exit tables by its key: (label, schools)."""
        out = {}
        for table, rows in (("y", self.exits), ("m", self.exits_by_muni),
                            ("k", self.exits_by_measure)):
            for row in rows:
                for part, label in (("shnor", "ШНОР"), ("left_1", "не ШНОР через год"),
                                    ("left_2", "не ШНОР через два года"),
                                    ("returned", "вернулись в список")):
                    ids = getattr(row, part)
                    if ids is not None:
                        out[f"exit:{table}:{row.key}:{part}"] = (f"{row.label}: {label}", ids)
        return out


# --------------------------------------------------------------------------- helpers


def cohorts(facts: Facts) -> list[int]:
    """The years whose ШНОР can be followed: results known the year before and later on."""
    result_years = {y for _, y in facts.share_2}
    if not result_years:
        return []
    latest = max(result_years)
    years = {y for ys in facts.shnor.values() for y in ys}
    return sorted(y for y in years if (y - 1) in result_years and y <= latest)


def _change(facts: Facts, org_id: int, base: int, latest: int) -> float | None:
    a, b = facts.share_2.get((org_id, base)), facts.share_2.get((org_id, latest))
    if a is None or b is None:
        return None
    return round(b - a, 1)


def _group(facts: Facts, key: str, label: str, org_ids, base: int, latest: int) -> Group:
    g = Group(key, label)
    for org_id in sorted(org_ids, key=lambda i: (facts.schools.get(i, ""), i)):
        c = _change(facts, org_id, base, latest)
        if c is not None:
            g.org_ids.append(org_id)
            g.changes.append(c)
    return g


def _had(facts: Facts, kind: str, org_id: int, years: range) -> int:
    by_year = facts.measures.get(kind, {}).get(org_id, {})
    return sum(by_year.get(y, 0) for y in years)


def coverage(facts: Facts, org_id: int, years: range) -> float | None:
    """Share of the school's teachers who completed a course in ``years``, %."""
    teachers = facts.teachers.get(org_id, 0)
    if not teachers:
        return None
    if facts.trained_span == (years.start, years.stop - 1):
        return round(min(100.0, 100 * facts.trained_in_span.get(org_id, 0) / teachers), 1)
    done = set()
    for y in years:
        done |= facts.trained.get(org_id, {}).get(y, set())
    return round(min(100.0, 100 * len(done) / teachers), 1)


# --------------------------------------------------------------------------- the page


def compute(facts: Facts, cohort: int | None = None) -> Outcomes:
    years = cohorts(facts)
    if not years:
        return Outcomes(None, None, None, [], facts=facts)
    if cohort not in years:
        cohort = years[0]
    base = cohort - 1
    latest = max(y for _, y in facts.share_2)
    span = range(cohort, latest + 1)
    members = sorted(i for i, ys in facts.shnor.items() if cohort in ys and i in facts.schools)
    every = list(facts.schools)
    out = Outcomes(cohort, base, latest, years, facts=facts)
    all_group = _group(facts, "all", "Все школы", every, base, latest)

    for kind, label, _ in MEASURES:
        with_ = [i for i in members if _had(facts, kind, i, span)]
        without = [i for i in members if i not in set(with_)]
        out.measures.append(Comparison(kind, label, [
            _group(facts, f"m:{kind}:with", f"{label}: ШНОР {cohort} с мерой", with_, base,
                   latest),
            _group(facts, f"m:{kind}:without", f"{label}: ШНОР {cohort} без меры", without,
                   base, latest),
            all_group]))

    n_years = len(span)
    dense = [i for i in members
             if (_had(facts, "joint_events", i, span) + _had(facts, "visits", i, span))
             / n_years >= DOSE_EVENTS]
    out.doses.append(Comparison("events", "Совместные мероприятия и выезды", [
        _group(facts, "d:events:high", f"{DOSE_EVENTS} и более в год", dense, base, latest),
        _group(facts, "d:events:low", f"меньше {DOSE_EVENTS} в год",
               [i for i in members if i not in set(dense)], base, latest)],
        note=f"в среднем за {cohort}–{latest} годы"))
    covered = {i: coverage(facts, i, span) for i in members}
    out.doses.append(Comparison("coverage", "Охват педагогов КПК", [
        _group(facts, "d:coverage:high", f"{DOSE_COVERAGE:.0f}% и более",
               [i for i, c in covered.items() if c is not None and c >= DOSE_COVERAGE],
               base, latest),
        _group(facts, "d:coverage:low", f"меньше {DOSE_COVERAGE:.0f}%",
               [i for i, c in covered.items() if c is not None and c < DOSE_COVERAGE],
               base, latest)],
        note=f"педагоги школы, завершившие курс в {cohort}–{latest} годах"))

    out.exits = [_exit_row(facts, str(y), f"ШНОР {y} года", y,
                           [i for i, ys in facts.shnor.items() if y in ys and i in facts.schools])
                 for y in sorted({y for ys in facts.shnor.values() for y in ys})]
    by_muni: dict[int | None, list[int]] = {}
    for i in members:
        by_muni.setdefault(facts.school_muni.get(i), []).append(i)
    out.exits_by_muni = [
        _exit_row(facts, str(m or 0), facts.municipalities.get(m, "Без муниципалитета"),
                  cohort, ids)
        for m, ids in sorted(by_muni.items(),
                             key=lambda kv: facts.municipalities.get(kv[0], "я"))]
    for kind, label, _ in MEASURES:
        with_ = [i for i in members if _had(facts, kind, i, span)]
        out.exits_by_measure.append(_exit_row(facts, f"{kind}:with", f"{label}: с мерой",
                                              cohort, with_))
        out.exits_by_measure.append(_exit_row(
            facts, f"{kind}:without", f"{label}: без меры", cohort,
            [i for i in members if i not in set(with_)]))

    # the risk profiles of the cohort's year; without any, the latest year that has some (its
    # change then runs from the year before it to the latest results)
    risk_years = {y for (_, y) in facts.high_risks if y <= latest}
    risk_year = cohort if cohort in risk_years or not risk_years else max(risk_years)
    risk_base = risk_year - 1 if risk_year != cohort else base
    out.risk_year = risk_year
    for factor_id, name in facts.factors:
        high = sorted(facts.high_risks.get((factor_id, risk_year), set()) & set(facts.schools))
        done_ids, not_ids, items_done, items = [], [], 0, 0
        for i in high:
            d, n = facts.programmes.get((factor_id, risk_year, i), (0, 0))
            items_done, items = items_done + d, items + n
            (done_ids if n and 100 * d / n >= PROGRAMME_DONE else not_ids).append(i)
        out.risks.append(RiskRow(
            factor_id, name,
            _group(facts, f"r:{factor_id}:high", f"{name}: высокий риск", high, risk_base,
                   latest),
            _group(facts, f"r:{factor_id}:done", f"{name}: программа выполнена", done_ids,
                   risk_base, latest),
            _group(facts, f"r:{factor_id}:not", f"{name}: программы нет или не выполнена",
                   not_ids, risk_base, latest),
            items_done, items))
    return out


def _exit_row(facts: Facts, key: str, label: str, year: int, ids: list[int]) -> ExitRow:
    known = {y for ys in facts.shnor.values() for y in ys}
    ids = sorted(ids, key=lambda i: (facts.schools.get(i, ""), i))

    def left(after: int):
        if year + after not in known:
            return None
        return [i for i in ids if year + after not in facts.shnor.get(i, set())]

    last = max(known) if known else year
    returned = []
    for i in ids:
        ys = facts.shnor.get(i, set())
        gap = next((y for y in range(year + 1, last + 1) if y not in ys), None)
        if gap is not None and any(y > gap for y in ys):
            returned.append(i)
    return ExitRow(key, label, ids, left(1), left(2), returned)
