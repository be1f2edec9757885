"""Reports upward, made from what is recorded: nobody types a figure again.

Three kinds (``models.reports.ReportKind``) for a territory — a school, a municipality or a
region, as ``policy.territory`` gives it to the user — and a period (a calendar year or one of
its quarters):

- the roadmap execution report (:mod:`.roadmap`);
- the analytical note on the support of ШНОР (:mod:`.analytical`);
- the quarterly monitoring of the municipal system (:mod:`.quarterly`).

:func:`compute` builds the report's :class:`~.content.ReportData` from the services that show
the same figures on their pages (never a second way of counting); :func:`issue` puts the texts
the user edited into it, renders the .docx, the PDF (ГОСТ Р 7.0.97 layout of
``services/pdf/official.py``) and the .xlsx annex (:mod:`.documents`) and stores them with a
number — serial within the year for the territory — the date and the user. An issued report is
never changed: :func:`issue` with ``previous`` makes a new version under the same number.

The number is printed in the files, so it is taken before they are rendered: the next after the
largest of the year. Two reports issued at the same moment may take the same one; the unique
constraint (territory, year, number, version) refuses the second commit, which then takes the
next number and renders again — no number is given twice, none is skipped.

The report is taken on its date: the end of the period, or today while the period lasts
(``as_of``) — overdue items and recommendations, course coverage are counted on that day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...formatting import fmt_date, today
from ...models import IssuedReport, OrgKind, Organization, ReportKind
from ...text import clean_text
from ..errors import ServiceError, transactional
from ..partnerships.quarters import ROMAN, calendar_quarter
from .content import TEXT_MAX, ReportData

BUILDERS = {}  # ReportKind → build_sections(user, territory, period, as_of)
NUMBER_ATTEMPTS = 3  # a number taken by a report issued at the same moment: try the next


class ReportError(ServiceError):
    """A report cannot be made as asked; the message is Russian."""


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None   # 1..4, or None for the whole year

    @property
    def start(self) -> date:
        return calendar_quarter(self.year, self.quarter).start if self.quarter \
            else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return calendar_quarter(self.year, self.quarter).end if self.quarter \
            else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.quarter:
            return f"{ROMAN[self.quarter - 1]} квартал {self.year} г."
        return f"{self.year} год"

    @classmethod
    def of_dates(cls, start: date, end: date) -> "Period":
        """The period an issued report covered (a year, or one of its quarters)."""
        if start.month == 1 and end.month == 12:
            return cls(start.year)
        return cls(start.year, (start.month - 1) // 3 + 1)


def as_of(period: Period, day: date | None = None) -> date:
    day = day or today()
    return min(day, period.end)


def _builders():
    if not BUILDERS:
        from . import analytical, quarterly, roadmap

        BUILDERS.update({ReportKind.ROADMAP: roadmap.build_sections,
                         ReportKind.ANALYTICAL: analytical.build_sections,
                         ReportKind.QUARTERLY: quarterly.build_sections})
    return BUILDERS


def check_request(kind: ReportKind, territory, period: Period) -> None:
    """Refuse what cannot be made: a tutor's several organisations, a quarterly monitoring of
    a whole year or of a territory without a municipal system."""
    if territory.own and territory.school is None:
        raise ReportError("Выберите одну школу или муниципалитет.", {"school": "Выберите школу."})
    if territory.school is None and territory.municipality is None and not territory.region_id:
        raise ReportError("Выберите муниципалитет.", {"municipality": "Выберите муниципалитет."})
    if kind == ReportKind.QUARTERLY:
        if not period.quarter:
            raise ReportError("Квартальный мониторинг составляется за квартал.",
                              {"quarter": "Выберите квартал."})
        if territory.municipality is None:
            raise ReportError("Квартальный мониторинг составляется по муниципалитету или школе.",
                              {"municipality": "Выберите муниципалитет."})


def authority_name(territory) -> str:
    """The body whose document it is: the school itself, or the education authority of the
    municipality or region (its territory's name when there is none in the registry)."""
    if territory.school is not None:
        return territory.school.full_name
    kind, where = (OrgKind.MUNICIPAL_AUTHORITY,
                   Organization.municipality_id == territory.municipality.id) \
        if territory.municipality is not None else (
        OrgKind.REGIONAL_AUTHORITY, Organization.region_id == territory.region_id)
    name = db.session.scalar(select(Organization.full_name).where(
        Organization.kind == kind, where, Organization.deleted_at.is_(None))
        .order_by(Organization.id).limit(1))
    return name or territory.title


def compute(kind: ReportKind, user, territory, period: Period, *,
            day: date | None = None) -> ReportData:
    """The report's sections with their generated texts, figures and tables."""
    check_request(kind, territory, period)
    when = as_of(period, day)
    sections = _builders()[kind](user, territory, period, when)
    return ReportData(kind.name, kind.label, territory.title, authority_name(territory),
                      period.label, fmt_date(when), sections)


def clean_texts(data: ReportData, texts: dict[str, str]) -> dict[str, str]:
    """The sections' texts as the user edited them, cleaned; a text over the limit is refused
    with the section named."""
    out, errors = {}, {}
    for s in data.sections:
        if s.key not in texts:
            continue
        value = (clean_text(texts[s.key]) or "").strip()
        if len(value) > TEXT_MAX:
            errors[f"text-{s.key}"] = (f"Текст раздела «{s.title}» длиннее {TEXT_MAX} знаков "
                                       f"({len(value)}).")
        out[s.key] = value
    if errors:
        raise ReportError(next(iter(errors.values())), errors)
    return out


def issuer_key(territory) -> str:
    if territory.school is not None:
        return f"s{territory.school.id}"
    if territory.municipality is not None:
        return f"m{territory.municipality.id}"
    return f"r{territory.region_id}"


@transactional
def issue(kind: ReportKind, user, territory, period: Period, texts: dict[str, str], *,
          previous: IssuedReport | None = None, day: date | None = None) -> IssuedReport:
    """Compute the report, put in the edited ``texts``, render the files and store it with its
    number — the next of the year for the territory, or ``previous``'s number with the next
    version."""
    from .documents import render

    data = compute(kind, user, territory, period, day=day)
    data.with_texts(clean_texts(data, texts))
    issued_on = day or today()
    key = issuer_key(territory)
    if previous is not None and (previous.kind != kind or previous.issuer_key != key):
        raise ReportError("Новая версия составляется по тому же виду отчёта и территории.")
    previous_id = previous.id if previous is not None else None
    for _attempt in range(NUMBER_ATTEMPTS):
        year, number, version = _next_number(key, issued_on, previous)
        report = IssuedReport(
            kind=kind, region_id=territory.region_id,
            municipality_id=territory.municipality.id if territory.municipality else None,
            organization_id=territory.school.id if territory.school else None,
            issuer_key=key, year=year, number=number, version=version, previous_id=previous_id,
            issued_on=issued_on, title=kind.label, territory_title=territory.title,
            period_start=period.start, period_end=period.end, period_label=period.label,
            as_of=as_of(period, day), created_by_id=getattr(user, "id", None))
        label = f"№ {number}" + (f" (версия {version})" if version > 1 else "")
        report.docx, report.pdf, report.xlsx = render(data, number=label, issued_on=issued_on,
                                                      by=user)
        report.content = data.to_dict()
        db.session.add(report)
        try:
            db.session.commit()
        except IntegrityError:  # another report took the number meanwhile: take the next one
            db.session.rollback()
            continue
        return report
    raise ReportError("Номер не удалось присвоить: одновременно выпускается много отчётов. "
                      "Выпустите отчёт ещё раз.")


def _next_number(key: str, issued_on: date, previous: IssuedReport | None):
    """(year, number, version) of the report to issue: the next number of the year for the
    territory, or the previous report's number with the next version."""
    if previous is not None:
        year, number = previous.year, previous.number
        version = 1 + (db.session.scalar(select(func.max(IssuedReport.version)).where(
            IssuedReport.issuer_key == key, IssuedReport.year == year,
            IssuedReport.number == number)) or 0)
        return year, number, version
    year = issued_on.year
    number = 1 + (db.session.scalar(select(func.max(IssuedReport.number)).where(
        IssuedReport.issuer_key == key, IssuedReport.year == year)) or 0)
    return year, number, 1


def versions(report: IssuedReport) -> list[IssuedReport]:
    """Every version of the report's number, the first first."""
    return list(db.session.scalars(select(IssuedReport).where(
        IssuedReport.issuer_key == report.issuer_key, IssuedReport.year == report.year,
        IssuedReport.number == report.number).order_by(IssuedReport.version)))


def content_of(report: IssuedReport) -> ReportData:
    return ReportData.from_dict(report.content)


__all__ = ["Period", "ReportError", "as_of", "compute", "content_of", "issue", "versions"]
