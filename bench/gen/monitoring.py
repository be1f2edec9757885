"""Assessment results (ВПР, ОГЭ, ЕГЭ), approvals of the identified lists, indicators, risks.

``assessment_years`` years (5, this one included) of results for every school
(``ctx.ids["schools"]``): ВПР in Russian and mathematics in grades 4–8, «Окружающий мир» in
grade 4 and history in grade 5 for half of the schools, ОГЭ (grade 9) and ЕГЭ (grade 11) in
Russian and mathematics — about 15.5 procedures, so 900 × 5 × 15.5 ≈ 70 000 rows — with
participants, the share of «2» (of those below the minimum threshold for ОГЭ/ЕГЭ), the share of
«5» and the mean score.

The shares follow the registry, so that the federal rule (≥ 30 % «2» in at least 2 procedures,
services/identification.py) gives back the statuses: the results of a year flag exactly the
schools that got the ШНОР status the year after (this year's ШНОР come out of last year's
results); this year's results flag most of this year's ШНОР (about one in four has improved)
and, as new candidates, the first risk-zone school (or ШНСУ) of every other municipality. Every other
school stays under the threshold, a few of them with one procedure over it (one is not enough).
A known effect is planted for the outcomes page (``PLANTED_EFFECT``): from the spring after a
school's first partnership started, the share of «2» of its procedures under the threshold is
10 points lower; a former ШНОР that is no longer flagged keeps the high level of a ШНОР under
the threshold (leaving the list is not by itself getting well). So the ШНОР with a partnership
improve by several points more than those without one and than all schools.
One approval of the list per municipality and year whose statuses exist (the order of the
status records, by the municipality's methodist).

Each municipality gets the indicator system of the demo (services/demo.py
``load_monitoring``: ЕГЭ below threshold, ВПР 5 in Russian and mathematics, dynamics of «5»/«2»,
roadmap completion); this year's ШНОР get risk profiles (four federal risk factors each, R06
always, levels mixed).

Puts into ``ctx.ids``: ``assessment_years`` (the years generated), ``new_candidates``.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shnor_app.models import (
    AssessmentResult, IdentificationApproval, Indicator, IndicatorScoring, Partnership,
    Procedure, RiskFactor, RiskLevel, SchoolRisk, SchoolStatus, SchoolStatusRecord,
)
from shnor_app.reference_data import EXAMS, VPR_GRADES, VPR_SUBJECTS, indicator_system
from shnor_app.services.monitoring.identification import THRESHOLD

NEEDS = ("AssessmentResult", "IdentificationApproval", "Indicator", "RiskFactor", "SchoolRisk")

# (procedure, subject, grade) every school writes; HISTORY_5 for half of them.
PROCEDURES = [(Procedure.VPR, s, g) for g in VPR_GRADES for s in VPR_SUBJECTS] + [
    (Procedure.VPR, "Окружающий мир", 4)] + [(Procedure[p], s, g) for p, s, g in EXAMS]
HISTORY_5 = (Procedure.VPR, "История", 5)
SCALE = {Procedure.VPR: 1.0, Procedure.OGE: 0.8, Procedure.EGE: 0.35}
UNDER = THRESHOLD - 0.1          # the highest share that is not «30 % или более»
# The effect planted for «Итоги сопровождения»: from the spring after a school's partnership
# started, the share of «2» of its procedures under the threshold is this many points lower.
PLANTED_EFFECT = 10.0



def generate(ctx) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    years = list(range(year - s.assessment_years + 1, year + 1))
    statuses = ctx.conn.execute(select(
        SchoolStatusRecord.organization_id, SchoolStatusRecord.year, SchoolStatusRecord.status,
        SchoolStatusRecord.order_kind, SchoolStatusRecord.order_number,
        SchoolStatusRecord.order_date).where(SchoolStatusRecord.deleted_at.is_(None))).all()
    low_in: dict[int, set] = {}
    risk_now = []
    for org, y, status, *_ in statuses:
        if status == SchoolStatus.LOW_RESULTS:
            low_in.setdefault(y, set()).add(org)
        elif status == SchoolStatus.RISK_ZONE and y == year:
            risk_now.append(org)
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    # New candidates: the first risk-zone school (else ШНСУ) of every other municipality.
    pool = sorted(risk_now) + sorted(set(ctx.ids.get("social_risk", [])) - set(risk_now))
    candidates, seen = [], set()
    for org in pool:
        m = muni_of[org]
        if m not in seen and (m % 2 == 0 or not candidates):
            candidates.append(org)
        seen.add(m)
    low_now = ctx.ids["low_results"]
    still_low = {o for k, o in enumerate(low_now) if k % 4 != 3}
    earliest = low_in[min(low_in)]
    flagged = {y: low_in.get(y + 1, earliest) for y in years}
    flagged[year] = still_low | set(candidates)
    tutors = set(ctx.ids["tutor_schools"])
    social = set(ctx.ids.get("social_risk", [])) | set(risk_now)
    ever_low = set().union(*low_in.values()) | set(candidates)
    partnered: dict[int, int] = {}   # school → the year its first partnership started
    for school, start in ctx.conn.execute(select(Partnership.school_id, Partnership.start_date)
                                          .where(Partnership.deleted_at.is_(None))):
        partnered[school] = min(start.year, partnered.get(school, start.year))

    rows = []
    for org in ctx.ids["schools"]:
        base = 4.0 if org in tutors else 17.0 if org in social else 10.0
        procedures = PROCEDURES + ([HISTORY_5] if org % 2 == 0 else [])
        for y in years:
            if org in flagged[y]:   # 2–5 procedures over the threshold, ВПР and ОГЭ
                over = set(rng.sample(range(len(PROCEDURES) - 2), k=rng.randint(2, 5)))
                level = 22.0
            else:                   # a few schools have one (one is not enough)
                over = {rng.randrange(len(PROCEDURES) - 2)} if rng.random() < 0.05 else set()
                # leaving the list is not getting well: a former ШНОР stays high, under 30 %
                level = 22.0 if org in ever_low else base
            if org in partnered and y > partnered[org]:
                level -= PLANTED_EFFECT  # the known effect the outcomes page must show
            for k, (proc, subject, grade) in enumerate(procedures):
                if k in over:
                    share_2 = round(rng.uniform(THRESHOLD + 0.05, 55.0), 1)
                else:
                    share_2 = round(max(0.0, min(UNDER, level * SCALE[proc] +
                                                 rng.uniform(-6, 6))), 1)
                share_5 = round(max(0.0, min(100 - share_2, 45 - share_2 * 0.8 +
                                             rng.uniform(-5, 5))), 1)
                mean = round(3 + (share_5 - share_2) / 50, 2) if proc == Procedure.VPR else \
                    round(max(8.0, 70 - share_2 * 0.9 + rng.uniform(-4, 4)), 1)
                rows.append(ctx.stamp(
                    organization_id=org, year=y, procedure=proc, subject=subject, grade=grade,
                    participants=rng.randint(6, 28) if grade >= 9 else rng.randint(12, 60),
                    share_2=share_2, share_5=share_5, mean_score=mean))
    ctx.insert(AssessmentResult, rows, new_ids=True)
    _approvals(ctx, years, statuses, muni_of)
    _indicators(ctx)
    _risks(ctx, low_now)
    ctx.ids.update(assessment_years=years, new_candidates=candidates)


def _approvals(ctx, years, statuses, muni_of) -> None:
    """The list of each municipality approved from the results of the year before its status."""
    methodist = {m: uid for uid, _, m in ctx.ids["users_by_role"].get("methodist", [])}
    lists: dict[tuple, list] = {}
    for org, y, status, kind, number, day in statuses:
        if status == SchoolStatus.LOW_RESULTS and y - 1 in years:
            lists.setdefault((y, muni_of[org], kind, number, day), []).append(org)
    rows = []
    for (y, muni, kind, number, day), orgs in sorted(lists.items()):
        rows.append(ctx.stamp(
            year=y - 1, status_year=y, region_id=ctx.ids["region"], municipality_id=muni,
            order_kind=kind, order_number=number, order_date=day or date(y, 1, 19),
            org_ids=sorted(orgs), approved_by_id=methodist.get(muni),
            created_by_id=methodist.get(muni)))
    ctx.insert(IdentificationApproval, rows, new_ids=True)


def _indicators(ctx) -> None:
    rows = []
    for muni in ctx.ids["municipalities"]:
        for pos, row in enumerate(indicator_system(), start=1):
            rows.append(ctx.stamp(municipality_id=muni, position=pos, deleted_at=None, **{
                **row, "scoring": IndicatorScoring[row["scoring"]]}))
    ctx.insert(Indicator, rows, new_ids=True)


def _risks(ctx, low_now) -> None:
    """Risk profiles of this year's ШНОР: three factors of the first eight and R06."""
    rng = ctx.rng
    factors = ctx.conn.execute(select(RiskFactor.id, RiskFactor.code).where(
        RiskFactor.active.is_(True)).order_by(RiskFactor.position, RiskFactor.id)).all()
    if not factors:
        raise RuntimeError("Нет федеральных факторов риска: миграция мониторинга не применена?")
    r06 = next((f for f, code in factors if code == "R06"), factors[0][0])
    ids = [f for f, _ in factors[:8]]
    rows = []
    for org in low_now:
        chosen = set(rng.sample(ids, k=min(3, len(ids)))) | {r06}
        for factor in sorted(chosen):
            rows.append(ctx.stamp(
                organization_id=org, year=ctx.year, risk_factor_id=factor,
                level=rng.choice(list(RiskLevel)), roadmap_id=None, note=None, deleted_at=None))
    ctx.insert(SchoolRisk, rows, new_ids=True)
