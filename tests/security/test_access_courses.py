"""Role × object × action for courses and ИОМ, in scope and out of it.

Access decided for this area (see shnor_app/policy/courses.py):
- catalogue: everyone of the region reads it; regional courses are edited by region users
  (and the admin), municipal ones also by the methodists of that municipality; create: admin,
  region, methodist; topic areas: admin only;
- enrollments and ИОМ belong to the teacher's school: seen by whoever sees the school, changed
  by admin / region / the municipality's methodist and by the school's own user (school or
  tutor role); a viewer reads; out of scope → 404, visible but not allowed → 403.

Objects (``extra``): ``course_reg`` (regional), ``course_muni`` (municipality 1),
``course_empty`` (no enrollments), ``course_far`` (another region); enrollments ``enr_a``
(school_a), ``enr_tutor`` (tutor_school), ``enr_far``; ИОМ ``plan_a`` with a deficit and an
activity, ``plan_far``.
"""
from datetime import date

import pytest

from shnor_app.models import ActivityKind, DeficitKind, DevelopmentPlan, PlanActivity, PlanKind
from shnor_app.services import courses as svc

from tests.factories.core import make_staff
from tests.factories.courses import make_course, make_enrollment
from tests.snapshots import snapshotted
from tests.security.access import (
    Case, far, htmx_gets_ask_to_log_in, matrix_test, out_of_scope_test, redirect, run_case,
)

ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
SEE_A = {**ALL, "tutor": 404}
EDIT_A = {**SEE_A, "viewer": 403}
SEE_T = {**ALL, "school": 404}
EDIT_T = {**SEE_T, "viewer": 403}
MANAGE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 200, "school": 200, "viewer": 403}
CREATE_COURSE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 403, "school": 403,
                 "viewer": 403}
EDIT_REG = {"admin": 200, "region": 200, "methodist": 403, "tutor": 403, "school": 403,
            "viewer": 403}
EDIT_MUNI = {**EDIT_REG, "methodist": 200}
ADMIN_ONLY = {"admin": 302, "region": 403, "methodist": 403, "tutor": 403, "school": 403,
              "viewer": 403}
MUNI2 = {"admin": 200, "region": 200, "methodist": 404, "tutor": 404, "school": 404, "viewer": 404}


def _plan(org, member):
    plan = DevelopmentPlan(kind=PlanKind.TEACHER, organization_id=org.id,
                           staff_member_id=member.id, title="")
    svc.save_plan(plan, is_new=True)
    deficit = svc.add_deficit(plan, DeficitKind.METHODICAL, "Дифференциация заданий")
    act = PlanActivity(kind=ActivityKind.SEMINAR, title="Семинар", due_date=date(2026, 5, 1))
    svc.save_activity(act, plan, is_new=True)
    return plan, deficit, act


@pytest.fixture
@snapshotted
def extra(world):
    course_reg = make_course(world.region, title="Региональный курс")
    course_muni = make_course(world.region, title="Муниципальный курс", municipality=world.muni)
    course_empty = make_course(world.region, title="Пустой курс")
    course_far = make_course(world.region2, title="Чужой курс")
    t_a, t_a2 = make_staff(world.school_a, "Иванова Анна"), make_staff(world.school_a, "Петрова Вера")
    t_tutor = make_staff(world.tutor_school, "Сидорова Ольга")
    t_far = make_staff(world.school_far, "Дальняя Мария")
    enr_a = make_enrollment(course_reg, t_a, completed_on=date(2025, 5, 1), certificate="1")
    enr_tutor = make_enrollment(course_reg, t_tutor, "APPLIED")
    enr_far = make_enrollment(course_far, t_far, "APPLIED")
    plan_a, deficit_a, act_a = _plan(world.school_a, t_a)
    plan_far, deficit_far, act_far = _plan(world.school_far, t_far)
    return {"course_reg": course_reg.id, "course_muni": course_muni.id,
            "course_empty": course_empty.id, "course_far": course_far.id, "t_a": t_a.id,
            "t_a2": t_a2.id, "t_tutor": t_tutor.id, "t_far": t_far.id, "enr_a": enr_a.id,
            "enr_tutor": enr_tutor.id, "enr_far": enr_far.id, "plan_a": plan_a.id,
            "deficit_a": deficit_a.id, "act_a": act_a.id, "plan_far": plan_far.id,
            "deficit_far": deficit_far.id, "act_far": act_far.id,
            "topic": course_reg.topic_id}


CASES = [
    # catalogue
    Case("courses.index", "GET", lambda w, e: "/courses/", ALL),
    Case("courses.index", "GET", lambda w, e: "/courses/?archived=all", ALL, htmx=True, label="htmx"),
    Case("courses.new", "GET", lambda w, e: "/courses/new", CREATE_COURSE),
    Case("courses.show", "GET", lambda w, e: f"/courses/{e['course_reg']}", ALL),
    Case("courses.show", "GET", lambda w, e: f"/courses/{e['course_reg']}?status=COMPLETED", ALL,
         htmx=True, label="htmx"),
    Case("courses.edit", "GET", lambda w, e: f"/courses/{e['course_reg']}/edit", EDIT_REG),
    Case("courses.edit", "GET", lambda w, e: f"/courses/{e['course_muni']}/edit", EDIT_MUNI,
         label="municipal"),
    Case("courses.archive", "POST", lambda w, e: f"/courses/{e['course_muni']}/archive",
         redirect(EDIT_MUNI), data={"archived": "1"}),
    Case("courses.delete", "POST", lambda w, e: f"/courses/{e['course_empty']}/delete",
         redirect(EDIT_REG)),
    Case("courses.enroll", "GET", lambda w, e: f"/courses/{e['course_reg']}/enroll", MANAGE),
    Case("courses.enroll", "POST", lambda w, e: f"/courses/{e['course_reg']}/enroll",
         redirect(EDIT_A), label="school_a",
         # the enroll form ticks a teacher of school_a
         data=lambda w, e: {"school": str(w.school_a.id), "staff": str(e["t_a2"])}),
    Case("courses.trained", "GET", lambda w, e: f"/courses/{e['course_reg']}/trained", ALL),
    Case("courses.trained_export", "GET",
         lambda w, e: f"/courses/{e['course_reg']}/trained/export.xlsx", ALL),
    # enrollments
    Case("courses.enrollments", "GET", lambda w, e: "/courses/enrollments", ALL),
    Case("courses.enrollments", "GET", lambda w, e: "/courses/enrollments?status=APPLIED", ALL,
         htmx=True, label="htmx"),
    Case("courses.enrollment", "GET", lambda w, e: f"/courses/enrollments/{e['enr_a']}", SEE_A),
    Case("courses.enrollment", "GET", lambda w, e: f"/courses/enrollments/{e['enr_tutor']}", SEE_T,
         htmx=True, label="tutor-row"),
    Case("courses.enrollment_edit", "GET", lambda w, e: f"/courses/enrollments/{e['enr_a']}/edit",
         EDIT_A, htmx=True),
    Case("courses.enrollment_edit", "POST", lambda w, e: f"/courses/enrollments/{e['enr_tutor']}/edit",
         EDIT_T, data={"status": "STUDYING"}, htmx=True, label="tutor"),
    Case("courses.enrollment_delete", "POST",
         lambda w, e: f"/courses/enrollments/{e['enr_a']}/delete", EDIT_A, htmx=True),
    Case("courses.teacher", "GET", lambda w, e: f"/courses/teachers/{e['t_a']}", SEE_A),
    Case("courses.teacher_enroll", "POST", lambda w, e: f"/courses/teachers/{e['t_a2']}/enroll",
         redirect(EDIT_A), data=lambda w, e: {"course_id": str(e["course_muni"])}, label="a2"),
    Case("courses.import_", "GET", lambda w, e: "/courses/import", MANAGE),
    Case("courses.import_preview", "GET", lambda w, e: "/courses/import/nosuch",
         {**{r: 404 for r in MANAGE}, "viewer": 403}),
    # reports
    Case("courses.coverage", "GET", lambda w, e: "/courses/reports/coverage", ALL),
    Case("courses.coverage", "GET", lambda w, e: f"/courses/reports/coverage?school={w.school_a.id}",
         SEE_A, htmx=True, label="school"),
    Case("courses.coverage", "GET", lambda w, e: f"/courses/reports/coverage?municipality={w.muni2.id}",
         MUNI2, label="muni2"),
    Case("courses.coverage_export", "GET", lambda w, e: "/courses/reports/coverage/export.pdf", ALL),
    Case("courses.untrained", "GET", lambda w, e: "/courses/reports/untrained", ALL),
    Case("courses.untrained_export", "GET", lambda w, e: "/courses/reports/untrained/export.xlsx", ALL),
    # topics
    Case("courses.topics", "GET", lambda w, e: "/courses/topics", ALL),
    Case("courses.topics", "POST", lambda w, e: "/courses/topics", ADMIN_ONLY,
         data={"name": "Цифровая среда"}, label="add"),
    Case("courses.topic_edit", "POST", lambda w, e: f"/courses/topics/{e['topic']}", ADMIN_ONLY,
         data={"name": "Предметная методика", "active": "y"}),
    # ИОМ
    Case("courses.plans", "GET", lambda w, e: "/courses/plans", ALL),
    Case("courses.plan_new", "GET", lambda w, e: "/courses/plans/new", MANAGE),
    Case("courses.plan", "GET", lambda w, e: f"/courses/plans/{e['plan_a']}", SEE_A),
    Case("courses.plan_pdf", "GET", lambda w, e: f"/courses/plans/{e['plan_a']}/export.pdf", SEE_A),
    Case("courses.plan_edit", "GET", lambda w, e: f"/courses/plans/{e['plan_a']}/edit", EDIT_A),
    Case("courses.plan_delete", "POST", lambda w, e: f"/courses/plans/{e['plan_a']}/delete",
         redirect(EDIT_A)),
    Case("courses.deficit_add", "POST", lambda w, e: f"/courses/plans/{e['plan_a']}/deficits", EDIT_A,
         data={"deficit-kind": "SUBJECT", "deficit-description": "Решение задач с параметром"}, htmx=True),
    Case("courses.deficit_delete", "POST", lambda w, e: f"/courses/deficits/{e['deficit_a']}/delete",
         EDIT_A, htmx=True),
    Case("courses.activity_add", "POST", lambda w, e: f"/courses/plans/{e['plan_a']}/activities",
         EDIT_A, data={"activity-kind": "SELF_STUDY", "activity-title": "Изучить демоверсии"}, htmx=True),
    Case("courses.activity_edit", "GET", lambda w, e: f"/courses/activities/{e['act_a']}/edit",
         EDIT_A, htmx=True),
    Case("courses.activity_done", "POST", lambda w, e: f"/courses/activities/{e['act_a']}/done",
         EDIT_A, data={"done": "1"}, htmx=True),
    Case("courses.activity_delete", "POST", lambda w, e: f"/courses/activities/{e['act_a']}/delete",
         EDIT_A, htmx=True),
]

htmx_gets_ask_to_log_in(CASES)


test_access = matrix_test(CASES)


FAR = far(
    "GET /courses/{course_far}",
    "GET /courses/{course_far}/edit",
    "POST /courses/{course_far}/archive",
    "POST /courses/{course_far}/delete",
    "GET /courses/{course_far}/enroll",
    "GET /courses/{course_far}/trained",
    "GET /courses/{course_far}/trained/export.pdf",
    "GET /courses/enrollments/{enr_far}",
    "GET /courses/enrollments/{enr_far}/edit",
    "POST /courses/enrollments/{enr_far}/edit",
    "POST /courses/enrollments/{enr_far}/delete",
    "GET /courses/teachers/{t_far}",
    "POST /courses/teachers/{t_far}/enroll",
    "GET /courses/reports/coverage?school={w.school_far.id}",
    "GET /courses/reports/untrained?municipality={w.muni_far.id}",
    "GET /courses/reports/coverage/export.xlsx?school={w.school_far.id}",
    "GET /courses/plans/{plan_far}",
    "GET /courses/plans/{plan_far}/edit",
    "POST /courses/plans/{plan_far}/delete",
    "GET /courses/plans/{plan_far}/export.pdf",
    "POST /courses/plans/{plan_far}/deficits",
    "POST /courses/deficits/{deficit_far}/delete",
    "POST /courses/plans/{plan_far}/activities",
    "GET /courses/activities/{act_far}/edit",
    "POST /courses/activities/{act_far}/done",
    "POST /courses/activities/{act_far}/delete",
    "GET /history/enrollments/{enr_far}",
    "GET /files/enrollments/{enr_far}",
    "GET /files/development_plans/{plan_far}",
)


test_courses_out_of_scope_answer_404 = out_of_scope_test(FAR, data={
    "status": "COMPLETED", "kind": "SUBJECT", "description": "x", "title": "x",
    "course_id": "{course_reg}"})


def test_enroll_a_teacher_of_another_school_is_refused(app, world, extra):
    """The school user cannot slip another school's teacher into its own enrollment form."""
    case = Case("x", "POST", lambda w, e: f"/courses/{e['course_reg']}/enroll", {}, default=0,
                data={"school": str(world.school_a.id), "staff": str(extra["t_tutor"])})
    assert run_case(app, world, extra, case, "school").status_code == 404
    case.data = {"school": str(world.tutor_school.id), "staff": str(extra["t_tutor"])}
    assert run_case(app, world, extra, case, "school").status_code == 404


def test_lists_are_scoped(app, world, extra):
    from tests.conftest import login

    def page(role, url):
        return login(app.test_client(), world.users[role]).get(url).get_data(as_text=True)

    html = page("methodist", "/courses/enrollments")
    assert "Иванова Анна" in html and "Сидорова Ольга" in html and "Дальняя Мария" not in html
    html = page("school", "/courses/enrollments")
    assert "Иванова Анна" in html and "Сидорова Ольга" not in html
    html = page("tutor", "/courses/enrollments")
    assert "Сидорова Ольга" in html and "Иванова Анна" not in html
    html = page("methodist", "/courses/")
    assert "Региональный курс" in html and "Чужой курс" not in html
    html = page("school", f"/courses/{extra['course_reg']}")
    assert "Иванова Анна" in html and "Сидорова Ольга" not in html
    html = page("school", "/courses/plans")
    assert "ИОМ педагога: Иванова Анна" in html and "Дальняя" not in html
    html = page("tutor", "/courses/reports/coverage")
    assert world.tutor_school.short_name in html and world.school_a.short_name not in html
