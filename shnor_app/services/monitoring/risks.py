"""Risk profiles of schools («рисковый профиль», the «500+» methodology).

A school's profile for a year is the set of risk factors chosen from the reference list (seeded
with the ten federal ones), each with its level (высокий / средний / низкий) and its anti-risk
programme: a school-level roadmap of that school, tracked like any roadmap. Removing a risk
from the profile marks its record deleted (the history keeps it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    Organization, RiskFactor, RiskLevel, Roadmap, RoadmapLevel, RoadmapSection, SchoolRisk, User,
    utcnow,
)
from ...reference_data import RISK_FACTORS
from ..errors import ServiceError, transactional
from ..records import save

FEDERAL_RISK_FACTORS = RISK_FACTORS  # the monitoring migration seeds the same list


class RiskError(ServiceError):
    """A rule of the risk profile was broken; the message is Russian."""


PROGRAMME_ONLY = ("Антирисковой программой может быть только школьная дорожная карта этой "
                  "школы.")


def ensure_federal_factors(commit: bool = True) -> None:
    """Add the federal factors that are missing (a database made by ``create_all``)."""
    have = set(db.session.scalars(select(RiskFactor.code)))
    for i, (code, name) in enumerate(FEDERAL_RISK_FACTORS, start=1):
        if code not in have:
            db.session.add(RiskFactor(code=code, name=name, position=i))
    save(commit)


def factors() -> list[RiskFactor]:
    return db.session.scalars(select(RiskFactor).where(RiskFactor.active.is_(True))
                              .order_by(RiskFactor.position, RiskFactor.id)).all()


@dataclass
class ProfileLine:
    factor: RiskFactor
    risk: SchoolRisk | None
    roadmap: Roadmap | None


def profile(org: Organization, year: int) -> list[ProfileLine]:
    risks = {r.risk_factor_id: r for r in db.session.scalars(select(SchoolRisk).where(
        SchoolRisk.organization_id == org.id, SchoolRisk.year == year,
        SchoolRisk.deleted_at.is_(None)))}
    roadmap_ids = {r.roadmap_id for r in risks.values() if r.roadmap_id}
    roadmaps = {rm.id: rm for rm in db.session.scalars(select(Roadmap).where(
        Roadmap.id.in_(roadmap_ids or {-1}), Roadmap.deleted_at.is_(None)))}
    out = []
    for f in factors():
        risk = risks.get(f.id)
        out.append(ProfileLine(f, risk, roadmaps.get(risk.roadmap_id) if risk and
                               risk.roadmap_id else None))
    return out


def school_roadmaps(org: Organization) -> list[Roadmap]:
    """Roadmaps that can serve as the school's anti-risk programme: its own school-level ones."""
    return db.session.scalars(select(Roadmap).where(
        Roadmap.owner_id == org.id, Roadmap.level == RoadmapLevel.SCHOOL,
        Roadmap.deleted_at.is_(None)).order_by(Roadmap.year.desc(), Roadmap.title)).all()


@transactional
def set_risk(org: Organization, year: int, factor: RiskFactor, level: RiskLevel | None, *,
             roadmap_id: int | None = None, note: str | None = None,
             by: User | None = None) -> SchoolRisk | None:
    """Put a factor into the profile (or change it); ``level`` None takes it out."""
    if not 2000 <= year <= 2100:
        raise RiskError("Укажите год от 2000 до 2100.")
    risk = db.session.scalar(select(SchoolRisk).where(
        SchoolRisk.organization_id == org.id, SchoolRisk.year == year,
        SchoolRisk.risk_factor_id == factor.id))
    if level is None:
        if risk is not None and risk.deleted_at is None:
            risk.deleted_at = utcnow()
            db.session.commit()
        return None
    if roadmap_id:
        rm = db.session.get(Roadmap, roadmap_id)
        if rm is None or rm.deleted_at is not None or rm.owner_id != org.id \
                or rm.level != RoadmapLevel.SCHOOL:
            raise RiskError(fields={"roadmap_id": PROGRAMME_ONLY})
    if risk is None:
        risk = SchoolRisk(organization_id=org.id, year=year, risk_factor_id=factor.id,
                          created_by_id=getattr(by, "id", None))
        db.session.add(risk)
    risk.deleted_at = None
    risk.level = level
    risk.roadmap_id = roadmap_id or None
    risk.note = (note or "").strip() or None
    db.session.commit()
    return risk


@transactional
def create_programme(risk: SchoolRisk, *, by: User | None = None, commit: bool = True) -> Roadmap:
    """Create the school's anti-risk programme for this risk (a school roadmap) and link it."""
    if risk.roadmap_id:
        raise RiskError("У этого риска уже есть антирисковая программа.")
    factor = db.session.get(RiskFactor, risk.risk_factor_id)
    rm = Roadmap(owner_id=risk.organization_id, level=RoadmapLevel.SCHOOL, year=risk.year,
                 title=f"Антирисковая программа «{factor.name}» на {risk.year} год",
                 period_start=date(risk.year, 1, 1), period_end=date(risk.year, 12, 31),
                 created_by_id=getattr(by, "id", None))
    db.session.add(rm)
    db.session.flush()
    for position, title in enumerate(PROGRAMME_SECTIONS):
        db.session.add(RoadmapSection(roadmap_id=rm.id, position=position, title=title,
                                      created_by_id=rm.created_by_id))
    risk.roadmap_id = rm.id
    save(commit)
    return rm


PROGRAMME_SECTIONS = ("I. Цель и задачи программы", "II. Мероприятия по снижению риска",
                      "III. Показатели и мониторинг")


@dataclass
class Frequency:
    factor: RiskFactor
    by_level: dict
    schools: int

    @property
    def high(self) -> int:
        return self.by_level.get(RiskLevel.HIGH, 0)


def frequency(org_ids_stmt, year: int) -> list[Frequency]:
    """How many of the given schools have each risk, by level; most frequent first."""
    rows = db.session.execute(
        select(SchoolRisk.risk_factor_id, SchoolRisk.level, func.count())
        .where(SchoolRisk.organization_id.in_(org_ids_stmt), SchoolRisk.year == year,
               SchoolRisk.deleted_at.is_(None))
        .group_by(SchoolRisk.risk_factor_id, SchoolRisk.level)).all()
    counts: dict[int, dict] = {}
    for factor_id, level, n in rows:
        counts.setdefault(factor_id, {})[level] = n
    out = [Frequency(f, counts.get(f.id, {}), sum(counts.get(f.id, {}).values()))
           for f in factors()]
    out.sort(key=lambda x: (-x.schools, -x.high, x.factor.position))
    return out
