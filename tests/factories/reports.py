"""The reports scenario: a municipality with known answers for the reports (every figure below is counted by hand).

Municipality 1 of ``world`` («Приречный район»), year 2026, report taken on 31.12.2026:

- statuses: ШНОР 2025 — school_c, school_d; ШНОР 2026 — school_a (world), school_d; school_c is
  in the risk zone in 2026; the tutor school is a tutor → 1 left the list (school_c), 1 entered
  (school_a);
- results 2026: school_a ВПР 40 % of 10, ОГЭ 35 % of 10 (flagged: two procedures ≥ 30 %);
  school_d ВПР 10 % of 30 → ВПР 17,5 % weighted, ОГЭ 35 %, 2 schools with results, 1 flagged;
- the municipal roadmap of 2026: 4 items — done (report 02.04.2026 with a link), in progress
  overdue since 31.05.2026, not started due 28.02.2027, cancelled → 1 done, 1 in progress,
  1 overdue, base 3 → 33,3 % each;
- a partnership school_a ↔ tutor school since 01.09.2025, a seminar at school_a 10.02.2026
  → 4.1 = 1 in every quarter, 4.3 = 4.4 = 1 in the first, 3 target schools;
- a visit to school_a 15.03.2026 with two recommendations: one accepted, one open due
  01.06.2026 (overdue) → 1 visit, 2 given, 1 done, 1 overdue;
- school_a: 4 teachers, 2 with a course completed in 2025, one of them on low achievers →
  2.1 = 50 %, 3.2 = 25 %; one ИОМ with 2 activities, one done, one overdue;
- an interview with school_a's director 20.03.2026, held, protocol № 1, two decisions;
- the indicator «1.10» (ВПР share of «2»: до 5 — 3; 6–30 — 1; более 30 — 0): school_a 0,
  school_d 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shnor_app.extensions import db
from shnor_app.models import (
    ActivityKind, AgendaDecision, AgendaItem, AssessmentResult, DevelopmentPlan, EventKind,
    EventVenue, Indicator, IndicatorScoring, ItemStatus, Meeting, MeetingKind, MeetingStatus,
    PlanActivity, Procedure, Recommendation, RecommendationStatus, Roadmap, RoadmapLevel,
    RoadmapSection, SchoolStatus, SchoolStatusRecord,
)
from shnor_app.services import roadmaps as rm_svc
from shnor_app.services.monitoring.indicators import parse_bands
from tests.factories.core import make_authority, make_org, make_staff
from tests.factories.courses import make_course, make_enrollment
from tests.factories.partnerships import make_event, make_partnership
from tests.factories.visits import make_visit

DAY = date(2027, 1, 15)  # the reports are made after the year: taken on 31.12.2026


@dataclass
class ReportsWorld:
    authority: object
    school_c: object
    school_d: object
    roadmap: object
    items: list


def reports_world(world) -> ReportsWorld:
    muni = world.muni
    methodist = world.users["methodist"]
    authority = make_authority(muni)
    school_c = make_org(muni, short_name="МБОУ ООШ № 7", statuses=["LOW_RESULTS"], year=2025)
    school_d = make_org(muni, short_name="МБОУ СОШ № 9", statuses=["LOW_RESULTS"], year=2025)
    db.session.add_all([
        SchoolStatusRecord(organization_id=school_c.id, year=2026, status=SchoolStatus.RISK_ZONE),
        SchoolStatusRecord(organization_id=school_d.id, year=2026,
                           status=SchoolStatus.LOW_RESULTS)])
    a = world.school_a
    db.session.add_all([
        AssessmentResult(organization_id=a.id, year=2026, procedure=Procedure.VPR,
                         subject="Математика", grade=5, participants=10, share_2=40.0),
        AssessmentResult(organization_id=a.id, year=2026, procedure=Procedure.OGE,
                         subject="Математика", grade=9, participants=10, share_2=35.0),
        AssessmentResult(organization_id=school_d.id, year=2026, procedure=Procedure.VPR,
                         subject="Математика", grade=5, participants=30, share_2=10.0),
    ])
    db.session.commit()

    rm = Roadmap(owner_id=authority.id, title="План мероприятий по работе со ШНОР на 2026 год",
                 year=2026, level=RoadmapLevel.MUNICIPAL)
    rm_svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(db.select(RoadmapSection).where(
        RoadmapSection.roadmap_id == rm.id))
    rm_svc.rename_section(section, "I. Организационные мероприятия")
    rows = [("1.", "Совещание с руководителями ШНОР", "январь – март 2026 г.", ItemStatus.DONE),
            ("2.", "Методические выезды в ШНОР", "апрель – май 2026 г.", ItemStatus.IN_PROGRESS),
            ("3.", "Анализ результатов ВПР", "февраль 2027 г.", ItemStatus.NOT_STARTED),
            ("4.", "Семинар для заместителей директоров", "январь 2026 г.",
             ItemStatus.CANCELLED)]
    items = []
    for number, text, period, status in rows:
        item = rm_svc.add_item(section, {"number": number, "text": text, "period_text": period,
                                         "executors": "УО, ЦОКО"})
        if status != ItemStatus.NOT_STARTED:
            rm_svc.set_status(item, status, by=methodist, actual_result=(
                "Проведено 2 совещания" if status == ItemStatus.DONE else None))
        items.append(item)
    rm_svc.add_report(items[0], text="Совещание проведено, протокол № 3", by=methodist,
                      report_date=date(2026, 4, 2), link="https://example.org/protocol-3")

    p = make_partnership(a, world.tutor_school, start=date(2025, 9, 1))
    make_event(p, day=date(2026, 2, 10), kind=EventKind.SEMINAR, venue=EventVenue.SCHOOL)

    visit = make_visit(a, world.tutor_school, day=date(2026, 3, 15),
                       purpose="Посещение уроков математики")
    db.session.add_all([
        Recommendation(source_type="visit", source_id=visit.id, organization_id=a.id,
                       text="Провести педсовет", due_date=date(2026, 4, 1),
                       status=RecommendationStatus.ACCEPTED),
        Recommendation(source_type="visit", source_id=visit.id, organization_id=a.id,
                       text="Составить план подготовки к ОГЭ", due_date=date(2026, 6, 1),
                       status=RecommendationStatus.OPEN)])
    db.session.commit()

    teachers = [make_staff(a) for _ in range(4)]
    region = world.region
    make_enrollment(make_course(region), teachers[0], completed_on=date(2025, 5, 20))
    make_enrollment(make_course(region, low=True), teachers[1], completed_on=date(2025, 6, 1))
    plan = DevelopmentPlan(organization_id=a.id, staff_member_id=teachers[2].id,
                           title="ИОМ учителя математики")
    db.session.add(plan)
    db.session.flush()
    db.session.add_all([
        PlanActivity(plan_id=plan.id, kind=ActivityKind.SEMINAR, title="Семинар",
                     due_date=date(2026, 3, 1), done_on=date(2026, 2, 25)),
        PlanActivity(plan_id=plan.id, kind=ActivityKind.SELF_STUDY, title="Самообразование",
                     due_date=date(2026, 10, 1))])

    meeting = Meeting(kind=MeetingKind.INTERVIEW, authority_id=authority.id,
                      organization_id=a.id, director_name="Петрова А. А.",
                      meeting_date=date(2026, 3, 20), heading="О подготовке к ГИА",
                      status=MeetingStatus.HELD, protocol_year=2026, protocol_number=1)
    db.session.add(meeting)
    db.session.flush()
    agenda = AgendaItem(meeting_id=meeting.id, position=1, title="О подготовке к ГИА")
    db.session.add(agenda)
    db.session.flush()
    db.session.add_all([
        AgendaDecision(item_id=agenda.id, position=1, text="Утвердить план подготовки"),
        AgendaDecision(item_id=agenda.id, position=2, text="Организовать консультации")])
    db.session.add(Indicator(municipality_id=muni.id, position=1, code="1.10",
                             name="Результаты ВПР (процент неуспешности)",
                             source="assessment.share_2", params={"procedure": "VPR"},
                             scoring=IndicatorScoring.BANDS,
                             bands=parse_bands("до 5 — 3; 6–30 — 1; более 30 — 0")))
    db.session.commit()
    return ReportsWorld(authority, school_c, school_d, rm, items)
