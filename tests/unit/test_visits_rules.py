"""Rules of visits and mentoring that need no request: validation of the visit form, parsing
of its rows, the mentoring pair rules, and who sees what (the tutor's mentored schools)."""
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from shnor_app import policy
from shnor_app.models import PairKind, PairStatus
from shnor_app.services import mentoring as msvc
from shnor_app.services import visits as svc
from shnor_app.services.visits.report import short_name

from tests.factories.core import make_staff

DAY = date(2026, 3, 16)


def _form(**over):
    data = {"kind": "METHODICAL", "visit_date": DAY.isoformat(), "school_id": "1",
            "visiting_org_id": "2", "purpose": "Методическая помощь",
            "visitors-a-full_name": "Иванова Мария Петровна", "visitors-a-job_title": "методист"}
    data.update(over)
    return svc.parse_form(MultiDict(data))


def test_a_visit_cannot_be_dated_in_the_future():
    errors = svc.validate(_form(visit_date=(DAY + timedelta(days=1)).isoformat()), day=DAY)
    assert "позже сегодняшней" in errors["visit_date"]
    assert svc.validate(_form(), day=DAY) == {}


def test_a_recommendation_due_date_cannot_precede_the_visit():
    form = _form(**{"recs-r-text": "Провести педсовет",
                    "recs-r-due_date": (DAY - timedelta(days=1)).isoformat(),
                    "recs-s-text": "В тот же день", "recs-s-due_date": DAY.isoformat()})
    errors = svc.validate(form, day=DAY)
    assert "раньше даты посещения (16.03.2026)" in errors["recs-r-due_date"]
    assert "recs-s-due_date" not in errors


@pytest.mark.parametrize("value,expected", [("2026-03-15", date(2026, 3, 15)),
                                            ("15.03.2026", date(2026, 3, 15)),
                                            ("15 марта", None), ("", None)])
def test_dates_typed_either_way(value, expected):
    assert svc.parse_date(value) == expected


def test_required_parts_and_row_messages():
    form = svc.parse_form(MultiDict({"visit_date": "", "lessons-x-grade": "5",
                                     "recs-y-responsible": "Директор"}))
    errors = svc.validate(form, day=DAY)
    assert set(errors) >= {"visit_date", "school_id", "visiting_org_id", "purpose", "visitors",
                           "lessons-x-teacher", "recs-y-text"}


def test_rows_keep_page_order_and_empty_rows_are_dropped():
    form = svc.parse_form(MultiDict([
        ("lessons-b-subject", "Физика"), ("lessons-a-subject", "Химия"),
        ("lessons-c-subject", ""), ("lessons-c-teacher", " "),
        ("recs-e-id", "7"), ("recs-e-text", ""), ("visitors-zz-unknown", "x")]))
    assert [r["subject"] for r in form.lessons] == ["Физика", "Химия"]
    assert [r["id"] for r in form.recs] == ["7"]  # an emptied existing one means «delete»
    assert form.visitors == []


def test_over_long_values_are_refused():
    form = _form(**{"lessons-a-subject": "М" * 201, "lessons-a-grade": "1" * 31})
    errors = svc.validate(form, day=DAY)
    assert "lessons-a-subject" in errors and "lessons-a-grade" in errors


def test_short_name_under_a_signature():
    assert short_name("Иванова Мария Петровна") == "М.П. Иванова"
    assert short_name("Иванова") == "Иванова"
    assert short_name("Пользователь / тьютор") == "Пользователь / тьютор"


# --------------------------------------------------------------------------- mentoring


def _pair(world, **over):
    data = dict(kind=PairKind.SCHOOL, mentee_org=world.school_a, mentor_org=world.tutor_school,
                goals="Цели", start_date=DAY)
    data.update(over)
    return msvc.PairData(**data)


def test_pair_rules(world):
    with pytest.raises(msvc.MentoringError, match="раньше начала"):
        msvc.save_pair(None, _pair(world, end_date=DAY - timedelta(days=1)), by=None)
    with pytest.raises(msvc.MentoringError, match="итог"):
        msvc.save_pair(None, _pair(world, status=PairStatus.COMPLETED), by=None)
    with pytest.raises(msvc.MentoringError, match="самой себе"):
        msvc.save_pair(None, _pair(world, mentor_org=world.school_a), by=None)
    with pytest.raises(msvc.MentoringError, match="куратора"):
        msvc.save_pair(None, _pair(world, kind=PairKind.MANAGEMENT), by=None)
    mentor = make_staff(world.tutor_school, "Наставник Н. Н.")
    other = make_staff(world.school_b, "Чужой Учитель")
    with pytest.raises(msvc.MentoringError, match="работать в выбранной школе"):
        msvc.save_pair(None, _pair(world, kind=PairKind.TEACHER, mentor_staff=mentor,
                                   mentee_staff=other), by=None)
    mentee = make_staff(world.school_a, "Молодой Специалист")
    pair = msvc.save_pair(None, _pair(world, kind=PairKind.TEACHER, mentor_org=None,
                                      mentor_staff=mentor, mentee_staff=mentee), by=None)
    assert pair.mentor_org_id == world.tutor_school.id  # the mentor's employer
    assert "Наставник Н. Н." in pair.mentor_label and "Молодой Специалист" in pair.mentee_label


def test_steps_progress_in_one_query(world):
    from tests.conftest import count_queries

    pair = msvc.save_pair(None, _pair(world), by=None)
    msvc.add_step(pair, text="Диагностика", due_date=date(2020, 1, 1))
    done = msvc.add_step(pair, text="Взаимопосещение", due_date=date(2020, 2, 1))
    msvc.set_step_done(done, True)
    with pytest.raises(msvc.MentoringError, match="позже сегодняшней"):
        msvc.add_step(pair, text="x", done_on=date.today() + timedelta(days=400))
    pid = pair.id
    with count_queries() as q:
        progress = msvc.plan_progress([pid])[pid]
    assert (progress.total, progress.done, progress.overdue) == (2, 1, 1) and q["n"] == 1
    assert progress.label == "1 из 2"


def test_a_tutor_sees_the_schools_its_open_pairs_mentor(world):
    tutor = world.users["tutor"]
    assert not policy.can(tutor, "view", world.school_a)
    pair = msvc.save_pair(None, _pair(world), by=None)
    assert policy.can(tutor, "view", world.school_a)
    assert not policy.can(tutor, "view", world.school_b)
    pair.status, pair.result = PairStatus.COMPLETED, "Итог"
    from shnor_app.extensions import db
    db.session.commit()
    assert not policy.can(tutor, "view", world.school_a)  # closed pairs no longer open the school
    assert policy.can_view(tutor, pair)                  # but the tutor keeps its own pair
