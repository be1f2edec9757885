"""Rules of the courses service: hours, dates, certificates unique per provider, archive
instead of delete, all-or-nothing enrollment, ИОМ activities closed by a completed course."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    ActivityKind, Course, DevelopmentPlan, Enrollment, EnrollmentStatus, OrgKind, PlanActivity,
    PlanKind,
)
from shnor_app.services import courses as svc
from shnor_app.formatting import today

from tests.factories.core import make_municipality, make_org, make_region, make_staff
from tests.factories.courses import course_topic, make_course, make_enrollment


@pytest.fixture
def base():
    region = make_region()
    muni = make_municipality(region)
    school = make_org(muni)
    return region, muni, school


@pytest.mark.parametrize("hours", [0, -3, None])
def test_hours_are_positive_integers(base, hours):
    region, _, _ = base
    c = Course(title="Курс", provider_name="ИРО", hours=hours, topic_id=course_topic().id,
               region_id=region.id)
    with pytest.raises(svc.CourseError, match="целое положительное"):
        svc.save_course(c, is_new=True)


def test_course_end_not_before_start_and_a_provider_is_needed(base):
    region, _, _ = base
    c = Course(title="Курс", provider_name="ИРО", hours=36, topic_id=course_topic().id,
               region_id=region.id, start_date=date(2025, 3, 2), end_date=date(2025, 3, 1))
    with pytest.raises(svc.CourseError, match="раньше даты начала"):
        svc.save_course(c, is_new=True)
    c = Course(title="Курс", provider_name=" ", hours=36, topic_id=course_topic().id, region_id=region.id)
    with pytest.raises(svc.CourseError, match="организатора"):
        svc.save_course(c, is_new=True)


def test_completion_date_rules(base):
    region, _, school = base
    course = make_course(region, start=date(2025, 3, 1))
    e = make_enrollment(course, make_staff(school), "STUDYING")
    with pytest.raises(svc.CourseError, match="раньше начала курса"):
        svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 2, 28),
                              certificate_number="1")
    with pytest.raises(svc.CourseError, match="укажите дату окончания"):
        svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED, completed_on=None,
                              certificate_number="1")
    with pytest.raises(svc.CourseError, match="в будущем"):
        svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED,
                              completed_on=today() + timedelta(days=1), certificate_number="1")
    with pytest.raises(svc.CourseError, match="только для статуса «завершил»"):
        svc.update_enrollment(e, status=EnrollmentStatus.STUDYING, completed_on=None,
                              certificate_number="1")
    svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 3, 1),
                          certificate_number=" 77 01 ")
    assert e.certificate_number == "77 01"


def test_certificate_number_is_unique_per_provider(base):
    region, muni, school = base
    ipk = make_org(region=region, kind=OrgKind.INSTITUTE, short_name="ИРО")
    a = make_course(region, provider_org=ipk)
    b = make_course(region, provider_org=ipk)
    other = make_course(region, provider="ЦНППМ")
    make_enrollment(a, make_staff(school, "Первая"), completed_on=date(2025, 5, 1), certificate="500")
    e = make_enrollment(b, make_staff(school, "Вторая"), "STUDYING")
    with pytest.raises(svc.CourseError, match="№ 500 этого организатора уже записано: Первая"):
        svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 5, 1),
                              certificate_number="500")
    e3 = make_enrollment(other, make_staff(school, "Третья"), "STUDYING")
    svc.update_enrollment(e3, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 5, 1),
                          certificate_number="500")  # another provider: allowed
    assert e3.status == EnrollmentStatus.COMPLETED


def test_a_course_with_enrollments_is_archived_not_deleted(base):
    region, _, school = base
    course = make_course(region)
    make_enrollment(course, make_staff(school), "APPLIED")
    with pytest.raises(svc.CourseError, match="Отправьте его в архив"):
        svc.delete_course(course)
    assert course.deleted_at is None
    svc.set_archived(course, True)
    with pytest.raises(svc.CourseError, match="в архиве"):
        svc.enroll(course, [make_staff(school)])
    empty = make_course(region)
    svc.delete_course(empty)
    assert empty.deleted_at is not None


def test_enrolling_many_is_all_or_nothing(base):
    region, _, school = base
    course = make_course(region, capacity=3)
    staff = [make_staff(school) for _ in range(4)]
    gone = make_staff(school, left_on=date(2020, 1, 1))
    with pytest.raises(svc.CourseError, match="свободно 3, а отмечено 4"):
        svc.enroll(course, staff)
    with pytest.raises(svc.CourseError, match="не работает в школе"):
        svc.enroll(course, staff[:2] + [gone])
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0
    svc.enroll(course, staff[:2])
    with pytest.raises(svc.CourseError, match="уже записан"):
        svc.enroll(course, staff[1:3])
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2


def test_completed_enrollment_closes_the_matching_plan_activity(base):
    region, _, school = base
    course = make_course(region, start=date(2025, 1, 1))
    other_course = make_course(region, start=date(2025, 1, 1))
    teacher, colleague = make_staff(school, "Учитель"), make_staff(school, "Коллега")
    plan = DevelopmentPlan(kind=PlanKind.TEACHER, organization_id=school.id,
                           staff_member_id=teacher.id, title="")
    svc.save_plan(plan, is_new=True)
    assert plan.title == "ИОМ педагога: Учитель"
    act = PlanActivity(kind=ActivityKind.COURSE, course_id=course.id, title="")
    svc.save_activity(act, plan, is_new=True)
    other = PlanActivity(kind=ActivityKind.COURSE, course_id=other_course.id, title="")
    svc.save_activity(other, plan, is_new=True)
    assert act.title == course.title and act.done_on is None
    # a colleague finishing the same course closes nothing
    e_col = svc.enroll(course, [colleague])[0]
    svc.update_enrollment(e_col, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 2, 1),
                          certificate_number="C-1")
    assert act.done_on is None
    e = svc.enroll(course, [teacher])[0]
    svc.update_enrollment(e, status=EnrollmentStatus.COMPLETED, completed_on=date(2025, 2, 3),
                          certificate_number="C-2")
    db.session.refresh(act)
    db.session.refresh(other)
    assert act.done_on == date(2025, 2, 3) and act.closed_by_enrollment_id == e.id
    assert "удостоверение № C-2" in act.result
    assert other.done_on is None


def test_team_plan_activity_for_a_course_already_completed_is_closed_at_once(base):
    region, _, school = base
    course = make_course(region, start=date(2025, 1, 1))
    deputy = make_staff(school, "Завуч", management=True)
    e = make_enrollment(course, deputy, completed_on=date(2025, 4, 1), certificate="Z")
    plan = DevelopmentPlan(kind=PlanKind.TEAM, organization_id=school.id, title="")
    svc.save_plan(plan, is_new=True)
    assert plan.title.startswith("ИОМ управленческой команды")
    act = PlanActivity(kind=ActivityKind.COURSE, course_id=course.id, staff_member_id=deputy.id,
                       title="", due_date=date(2025, 6, 1))
    svc.save_activity(act, plan, is_new=True)
    assert act.done_on == date(2025, 4, 1) and act.closed_by_enrollment_id == e.id
    seminar = PlanActivity(kind=ActivityKind.SEMINAR, title="Семинар", due_date=date(2020, 1, 1))
    svc.save_activity(seminar, plan, is_new=True)
    progress = svc.plan_progress([plan.id], date(2025, 7, 1))[plan.id]
    assert (progress.total, progress.done, progress.overdue, progress.percent) == (2, 1, 1, 50)


def test_plan_rules(base):
    _, muni, school = base
    other_school = make_org(muni)
    stranger = make_staff(other_school)
    plan = DevelopmentPlan(kind=PlanKind.TEACHER, organization_id=school.id,
                           staff_member_id=stranger.id, title="")
    with pytest.raises(svc.CourseError, match="педагога школы"):
        svc.save_plan(plan, is_new=True)
    db.session.rollback()
    plan = DevelopmentPlan(kind=PlanKind.TEAM, organization_id=school.id, title="x")
    svc.save_plan(plan, is_new=True)
    with pytest.raises(svc.CourseError, match="выберите его из каталога"):
        svc.save_activity(PlanActivity(kind=ActivityKind.COURSE, title="Курс"), plan, is_new=True)
    db.session.rollback()
    with pytest.raises(svc.CourseError, match="сотрудником школы"):
        svc.save_activity(PlanActivity(kind=ActivityKind.MENTORING, title="Наставник",
                                       staff_member_id=stranger.id), plan, is_new=True)


def test_topics_are_reference_data(base):
    from shnor_app.models import CourseTopic

    names = [t.name for t in svc.ensure_default_topics()]
    assert "Работа со слабоуспевающими и неуспевающими обучающимися" in names and len(names) == 7
    with pytest.raises(svc.CourseError, match="уже есть"):
        svc.save_topic(CourseTopic(name="предметная  методика"), is_new=True)
    db.session.rollback()
    t = svc.save_topic(CourseTopic(name="Цифровая образовательная среда", low_achievers=False),
                       is_new=True)
    assert t.position > 70
