"""Scheduling conflicts, protocol numbering (sequential, per year, never reused, concurrent on
PostgreSQL), the lock and amendments."""
import threading
from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shnor_app.extensions import db
from shnor_app.models import (
    CommissionRole, Meeting, MeetingKind, MeetingStatus, ParticipantRole, ProtocolCounter,
)
from shnor_app.services import interviews as svc
from shnor_app.services.interviews import protocols

from tests.conftest import ON_POSTGRES
from tests.factories.core import make_authority, make_org
from tests.factories.interviews import fill_record, make_held_interview, make_interview, make_series


@pytest.fixture
def setup(world):
    authority = make_authority(world.muni)
    series = make_series(authority, methodist=world.users["methodist"])
    return authority, series


# --------------------------------------------------------------------------- conflicts


def test_interview_copies_commission_director_and_agenda(world, setup):
    _, series = setup
    m = make_interview(series, world.school_a)
    participants, items = svc.load_record(m)
    roles = [p.role for p in participants]
    assert roles[:3] == [ParticipantRole.CHAIR, ParticipantRole.SECRETARY, ParticipantRole.MEMBER]
    assert participants[-1].role == ParticipantRole.INVITED
    assert participants[-1].full_name == "Иванова Ирина Петровна"
    assert [i.title for i in items] == ["О готовности школы к ГИА-2026", "О результатах ВПР"]
    assert m.end_time == time(10, 40)  # the series' slot length
    assert m.place.startswith("г. Приреченск")  # the series' default place
    assert m.heading == ("собеседования с руководителем МКОУ СОШ с. Заозёрное "
                         "по теме «О готовности к ГИА-2026»")


def test_same_school_twice_in_a_series_is_refused(world, setup):
    _, series = setup
    make_interview(series, world.school_a, at=time(10, 0))
    with pytest.raises(svc.InterviewError, match="уже есть в графике этой серии"):
        make_interview(series, world.school_a, day=date(2026, 3, 20), at=time(12, 0))


def test_commission_member_cannot_sit_in_two_overlapping_interviews(world, setup):
    _, series = setup
    tutor = world.tutor_school
    make_interview(series, world.school_a, at=time(10, 0))  # 10:00–10:40
    with pytest.raises(svc.InterviewError) as err:
        make_interview(series, tutor, at=time(10, 20))
    assert "Смирнова Ольга Викторовна в это время участвует" in str(err.value)
    assert "собеседование с МКОУ СОШ с. Заозёрное" in str(err.value)
    assert make_interview(series, tutor, at=time(10, 40)).id  # back to back is fine


def test_member_shared_by_two_series_conflicts_across_series(world, setup):
    authority, series = setup
    other = svc.create_series(authority, svc.SeriesData(topic="Об итогах ВПР", default_place="каб. 7"))
    svc.add_member(other, role=CommissionRole.CHAIR, full_name="Смирнова  Ольга Викторовна")
    make_interview(series, world.school_a, at=time(10, 0))
    with pytest.raises(svc.InterviewError, match="в это время участвует"):
        make_interview(other, world.tutor_school, at=time(10, 30))


def test_user_member_conflicts_with_a_meeting_of_another_authority(world, setup):
    authority, _ = setup
    methodist = world.users["methodist"]
    series = make_series(make_authority(world.muni), secretary=methodist, topic="Вторая серия")
    make_interview(series, world.school_a, at=time(14, 0))
    with pytest.raises(svc.InterviewError, match="Пользователь .* в это время участвует"):
        svc.create_meeting(authority, kind=MeetingKind.DIRECTORS_MEETING, heading="",
                           slot=svc.SlotData(date(2026, 3, 16), time(13, 30), time(15, 0), "Зал"),
                           secretary=methodist)


def test_school_cannot_have_two_interviews_at_overlapping_times(world, setup):
    authority, series = setup
    other = svc.create_series(authority, svc.SeriesData(topic="Об итогах ВПР", default_place="каб. 7"))
    svc.add_member(other, role=CommissionRole.CHAIR, full_name="Петров Пётр Петрович")
    make_interview(series, world.school_a, at=time(10, 0))
    with pytest.raises(svc.InterviewError, match="У школы МКОУ СОШ с. Заозёрное в это время"):
        make_interview(other, world.school_a, at=time(10, 30))


def test_rescheduling_into_a_conflict_is_refused_and_changes_nothing(world, setup):
    _, series = setup
    a = make_interview(series, world.school_a, at=time(10, 0))
    b = make_interview(series, world.tutor_school, at=time(11, 0))
    with pytest.raises(svc.InterviewError, match="в это время участвует"):
        svc.reschedule(b, svc.SlotData(date(2026, 3, 16), time(10, 30), None, "каб. 5"))
    db.session.expire_all()
    assert db.session.get(Meeting, b.id).start_time == time(11, 0)
    assert db.session.get(Meeting, a.id).start_time == time(10, 0)


def test_new_member_busy_at_a_planned_interview_is_refused(world, setup):
    authority, series = setup
    make_interview(series, world.school_a, at=time(10, 0))
    svc.create_meeting(authority, kind=MeetingKind.COORDINATION_COUNCIL, heading="",
                       slot=svc.SlotData(date(2026, 3, 16), time(9, 0), time(12, 0), "Зал"),
                       secretary=world.users["region"])
    with pytest.raises(svc.InterviewError, match="в это время участвует"):
        svc.add_member(series, role=CommissionRole.MEMBER, user=world.users["region"])


def test_school_outside_the_authority_is_refused(world, setup):
    _, series = setup
    with pytest.raises(svc.InterviewError, match="не относится к территории"):
        make_interview(series, world.school_b)


def test_second_chair_is_refused_with_the_name_of_the_first(setup):
    _, series = setup
    with pytest.raises(svc.InterviewError, match="Председатель комиссии уже указан .Смирнова"):
        svc.add_member(series, role=CommissionRole.CHAIR, full_name="Петров Пётр Петрович")


def test_commission_change_reaches_planned_interviews_only(world, setup):
    _, series = setup
    done = make_held_interview(series, world.school_a)
    planned = make_interview(series, world.tutor_school, day=date(2026, 3, 17))
    svc.add_member(series, role=CommissionRole.MEMBER, full_name="Новиков Олег Юрьевич")
    names = lambda m: [p.full_name for p in svc.load_record(m)[0]]  # noqa: E731
    assert "Новиков Олег Юрьевич" in names(planned)
    assert "Новиков Олег Юрьевич" not in names(done)


# --------------------------------------------------------------------------- numbering


def test_numbers_are_sequential_per_authority_and_year(world, setup):
    authority, series = setup
    a = make_held_interview(series, world.school_a, day=date(2026, 3, 16))
    b = make_held_interview(series, world.tutor_school, day=date(2026, 3, 17))
    other_authority = make_authority(world.muni2)
    other = make_series(other_authority, topic="Другой орган")
    c = make_held_interview(other, world.school_b, day=date(2026, 3, 16))
    assert (a.protocol_number, b.protocol_number, c.protocol_number) == (1, 2, 1)
    next_year = make_series(authority, topic="Следующий год")
    d = make_held_interview(next_year, world.school_a, day=date(2027, 1, 20))
    assert (d.protocol_year, d.protocol_number) == (2027, 1)
    e = svc.create_meeting(authority, kind=MeetingKind.DIRECTORS_MEETING, heading="",
                           slot=svc.SlotData(date(2026, 4, 1), None, None, "Зал"), secretary=None)
    svc.save_participants(e, [svc.ParticipantRow(None, ParticipantRole.CHAIR, "Смирнова О.В."),
                              svc.ParticipantRow(None, ParticipantRole.SECRETARY, "Орлова А.С.")])
    svc.save_item(e, None, title="О ходе подготовки к ГИА", heard_who="Смирнову О.В.",
                  decisions=[svc.DecisionRow("Принять к сведению")])
    assert protocols.hold(e, by=None, today=date(2026, 4, 1)).protocol_number == 3


def test_deleted_draft_never_takes_or_frees_a_number(world, setup):
    _, series = setup
    first = make_held_interview(series, world.school_a)
    draft = fill_record(make_interview(series, world.tutor_school, day=date(2026, 3, 18)))
    svc.delete_meeting(draft)
    school_c = make_org(world.muni, short_name="МКОУ ООШ д. Берёзовка")
    third = make_held_interview(series, school_c, day=date(2026, 3, 19))
    assert (first.protocol_number, third.protocol_number) == (1, 2)
    with pytest.raises(svc.InterviewError, match="удалить нельзя"):
        svc.delete_meeting(first)


def test_holding_twice_does_not_take_a_second_number(world, setup):
    _, series = setup
    m = make_held_interview(series, world.school_a)
    with pytest.raises(protocols.ProtocolError):
        protocols.hold(m, by=None, today=date(2026, 3, 16))
    counter = db.session.scalar(select(ProtocolCounter))
    assert counter.last_number == 1


def test_unique_constraint_is_the_last_guard(world, setup):
    _, series = setup
    a = make_held_interview(series, world.school_a)
    b = fill_record(make_interview(series, world.tutor_school, day=date(2026, 3, 17)))
    b.protocol_year, b.protocol_number = a.protocol_year, a.protocol_number
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_incomplete_record_cannot_be_held_and_says_what_is_missing(world, setup):
    _, series = setup
    m = make_interview(series, world.school_a, day=date(2026, 3, 16))
    with pytest.raises(protocols.ProtocolError) as err:
        protocols.hold(m, by=None, today=date(2026, 3, 15))
    text = str(err.value)
    assert "назначено на 16.03.2026" in text
    assert "Вопрос 1: заполните «СЛУШАЛИ»" in text and "Вопрос 2: запишите хотя бы одно решение" in text
    assert db.session.get(Meeting, m.id).protocol_number is None


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks (SELECT … FOR UPDATE) between two real "
                    "connections are tested on PostgreSQL; SQLite serialises writers itself")
def test_concurrent_holds_on_postgres_never_share_a_number(app, world, setup):
    authority, series = setup
    schools = [world.school_a, world.tutor_school] + [
        make_org(world.muni, short_name=f"Школа {n}") for n in range(4)]
    ids = [fill_record(make_interview(series, s, day=date(2026, 3, 10 + n))).id for n, s in enumerate(schools)]
    barrier = threading.Barrier(len(ids))
    numbers, errors = {}, []

    def worker(meeting_id):
        with app.app_context():
            try:
                meeting = db.session.get(Meeting, meeting_id)
                barrier.wait(timeout=10)
                numbers[meeting_id] = protocols.hold(meeting, by=None,
                                                     today=date(2026, 3, 31)).protocol_number
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert sorted(numbers.values()) == list(range(1, len(ids) + 1))


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL row lock between two connections")
def test_second_transaction_waits_for_the_counter_lock_on_postgres(app, world, setup):
    """Connection A holds the counter row; B cannot take a number until A ends its transaction."""
    from sqlalchemy import text

    authority, series = setup
    a = fill_record(make_interview(series, world.school_a))
    db.session.commit()
    protocols.take_number(authority.id, 2026)  # creates the counter row, holds its lock
    result = {}

    def other():
        with app.app_context():
            db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
            try:
                result["b"] = protocols.take_number(authority.id, 2026)
            except Exception as exc:  # noqa: BLE001
                result["b"] = type(exc).__name__
            finally:
                db.session.rollback()
                db.session.remove()

    t = threading.Thread(target=other)
    t.start()
    t.join(timeout=10)
    assert result["b"] == "OperationalError"  # lock_timeout: it had to wait for A
    db.session.rollback()  # A gives its number back
    assert protocols.hold(db.session.get(Meeting, a.id), by=None,
                          today=date(2026, 3, 31)).protocol_number == 1


# --------------------------------------------------------------------------- lock, amendments


def test_held_record_is_locked_for_every_write(world, setup):
    _, series = setup
    m = make_held_interview(series, world.school_a)
    participants, items = svc.load_record(m)
    with pytest.raises(svc.RecordLocked):
        svc.save_item(m, items[0], title="Другое", decisions=[svc.DecisionRow("x")])
    with pytest.raises(svc.RecordLocked):
        svc.save_participants(m, [])
    with pytest.raises(svc.RecordLocked):
        svc.delete_item(m, items[0])
    with pytest.raises(svc.RecordLocked):
        svc.reschedule(m, svc.SlotData(date(2026, 3, 20), time(9, 0), None, "каб. 1"))
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).status == MeetingStatus.HELD
    assert svc.load_record(m)[1][0].title == "О готовности школы к ГИА-2026"


def test_amendment_has_its_own_date_and_only_after_holding(world, setup):
    _, series = setup
    draft = make_interview(series, world.tutor_school, day=date(2026, 3, 17))
    with pytest.raises(svc.InterviewError, match="Пока протокол не оформлен"):
        svc.add_amendment(draft, text="x", amended_on=None, by=None)
    m = make_held_interview(series, world.school_a)
    with pytest.raises(svc.InterviewError, match="раньше даты протокола"):
        svc.add_amendment(m, text="x", amended_on=date(2026, 3, 1), by=None)
    a = svc.add_amendment(m, text="В п. 1.1 срок читать «до 20.04.2026».",
                          amended_on=date(2026, 3, 20), by=world.users["methodist"])
    assert svc.amendments_of(m) == [a] and a.amended_on == date(2026, 3, 20)


def test_uploads_close_after_the_interview_day_or_when_held(world, setup):
    _, series = setup
    m = make_interview(series, world.school_a, day=date(2026, 3, 16))
    assert svc.uploads_open(m, date(2026, 3, 16))
    assert not svc.uploads_open(m, date(2026, 3, 17))


def test_names_as_printed():
    assert svc.initials_first("Кузнецова Елена Петровна") == "Е.П. Кузнецова"
    assert svc.surname_initials("Кузнецова Елена Петровна") == "Кузнецова Е.П."
    assert svc.initials_first("Е.П. Кузнецова") == "Е.П. Кузнецова"
