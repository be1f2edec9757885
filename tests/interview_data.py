"""Builders for interview tests: an authority, a series with its commission, planned and held
interviews with a filled record. Plain functions over the services, like the conftest factories.
"""
from __future__ import annotations

from datetime import date, time

from shnor_app.models import CommissionRole, OrgKind
from shnor_app.services import interviews as svc
from shnor_app.services.interviews import protocols

from tests.conftest import make_org


def make_authority(world, municipality=None):
    return make_org(municipality or world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY,
                    short_name="УО Приречного района",
                    full_name="Управление образования администрации Приречного района")


def make_series(authority, *, methodist=None, topic="О готовности к ГИА-2026", secretary=None):
    series = svc.create_series(authority, svc.SeriesData(
        topic=topic, agenda_template="О готовности школы к ГИА-2026\nО результатах ВПР",
        default_place="г. Приреченск, ул. Центральная, 12, каб. 5", slot_minutes=40),
        by=methodist)
    svc.add_member(series, role=CommissionRole.CHAIR, full_name="Смирнова Ольга Викторовна",
                   job_title="начальник управления образования")
    if secretary is not None:
        svc.add_member(series, role=CommissionRole.SECRETARY, user=secretary,
                       job_title="методист")
    else:
        svc.add_member(series, role=CommissionRole.SECRETARY, full_name="Орлова Анна Сергеевна",
                       job_title="ведущий специалист")
    svc.add_member(series, role=CommissionRole.MEMBER, full_name="Кузнецова Елена Петровна",
                   job_title="методист")
    return series


def plan(series, school, day=date(2026, 3, 16), at=time(10, 0), end=None, **kw):
    return svc.add_interview(series, organization_id=school.id,
                             director_name=kw.pop("director", "Иванова Ирина Петровна"),
                             slot=svc.SlotData(day, at, end, kw.pop("place", None),
                                               kw.pop("link", None)))


def fill(meeting, decision="Обеспечить подготовку выпускников 9 классов к ОГЭ по математике"):
    _, items = svc.load_record(meeting)
    for n, item in enumerate(items, start=1):
        svc.save_item(meeting, item, title=item.title,
                      heard_who="Иванову Ирину Петровну, директора школы",
                      heard_summary=f"о ходе подготовки (вопрос {n})",
                      speeches=[svc.SpeechRow("Кузнецова Е.П., методист", "о пробных экзаменах")],
                      decisions=[svc.DecisionRow(decision if n == 1 else "Информацию принять к сведению",
                                                 "директор школы" if n == 1 else "",
                                                 date(2026, 4, 15) if n == 1 else None)])
    return meeting


def held(series, school, day=date(2026, 3, 16), at=time(10, 0), by=None, today=None):
    meeting = fill(plan(series, school, day, at))
    return protocols.hold(meeting, by=by, today=today or day)
