"""Interview series with their commission, planned and held interviews with a filled record
(through the services). The authority comes from ``core.make_authority``."""
from __future__ import annotations

from datetime import date, time

from shnor_app.models import CommissionRole
from shnor_app.services import interviews as svc
from shnor_app.services.interviews import protocols


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


def make_interview(series, school, day=date(2026, 3, 16), at=time(10, 0), end=None, **kw):
    """A planned interview of ``school``'s director in ``series``."""
    return svc.add_interview(series, organization_id=school.id,
                             director_name=kw.pop("director", "Иванова Ирина Петровна"),
                             slot=svc.SlotData(day, at, end, kw.pop("place", None),
                                               kw.pop("link", None)))


def fill_record(meeting, decision="Обеспечить подготовку выпускников 9 классов к ОГЭ по математике"):
    """Every agenda item of ``meeting`` heard, with a speech and a decision."""
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


def make_held_interview(series, school, day=date(2026, 3, 16), at=time(10, 0), by=None,
                        today=None):
    """An interview planned, its record filled and the protocol held."""
    meeting = fill_record(make_interview(series, school, day, at))
    return protocols.hold(meeting, by=by, today=today or day)
