"""Visit pages through the test client (CSRF on): the one-post form with rows, validation
re-rendered with what was typed, editing, printing (PDF/.docx) and the audit after printing,
lists with filters and their query counts."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditEntry, MentoringPair, OrgKind, PairKind, StaffMember, Visit, VisitKind,
)
from shnor_app.services import mentoring as mentoring_svc
from shnor_app.services import visits as svc
from shnor_app.services.formatting import today

from tests.conftest import count_queries, hx_get, make_staff, post


def _html(resp):
    return resp.get_data(as_text=True)


def tutor_pair(world, status=None):
    """The tutor school mentors school_a (so the tutor sees school_a)."""
    data = mentoring_svc.PairData(kind=PairKind.SCHOOL, mentee_org=world.school_a,
                                  mentor_org=world.tutor_school, goals="Повышение качества",
                                  start_date=today() - timedelta(days=60))
    return mentoring_svc.save_pair(None, data, by=world.users["methodist"])


def visit_post(world, **over):
    day = over.pop("day", today())
    data = {
        "kind": "LESSONS", "visit_date": day.isoformat(), "school_id": str(world.school_a.id),
        "visiting_org_id": str(world.tutor_school.id), "purpose": "Посещение уроков математики",
        "visitors-a1-user_id": str(world.users["tutor"].id),
        "visitors-a1-full_name": world.users["tutor"].full_name,
        "visitors-a1-job_title": "заместитель директора",
        "visitors-b2-full_name": "Сидорова Анна Ивановна", "visitors-b2-job_title": "учитель математики",
        "lessons-l1-teacher": "Петрова Ольга Ивановна", "lessons-l1-subject": "Математика",
        "lessons-l1-grade": "7 «Б»", "lessons-l1-focus": "Работа со слабыми учениками",
        "lessons-l1-assessment": "Урок выстроен, но нет дифференциации",
        "lessons-l2-teacher": "", "lessons-l2-subject": "",
        "consultations": "Консультация для учителей математики",
        "documents_reviewed": "Рабочая программа по математике",
        "findings": "Низкая мотивация обучающихся 7-х классов",
    }
    data.update(over)
    return data


def login_tutor(app, world):
    from tests.conftest import login
    return login(app.test_client(), world.users["tutor"])


def test_new_visit_form_has_sensible_defaults(app, world):
    tutor_pair(world)
    c = login_tutor(app, world)
    html = _html(c.get("/visits/new"))
    assert f'value="{today().isoformat()}"' in html
    assert world.users["tutor"].full_name in html
    assert re.search(rf'<option value="{world.tutor_school.id}" selected>', html)
    assert "МКОУ СОШ с. Заозёрное" in html and "МБОУ СОШ № 1 г. Зареченска" not in html


def test_create_visit_with_lessons_in_one_post(app, world):
    tutor_pair(world)
    make_staff(world.school_a, "Петрова Ольга Ивановна", subjects="Математика")
    c = login_tutor(app, world)
    resp = post(c, "/visits/new", visit_post(world))
    assert resp.status_code == 302, _html(resp)[:2000]
    visit = db.session.scalar(select(Visit))
    assert visit.kind == VisitKind.LESSONS and visit.school_id == world.school_a.id
    assert [v.full_name for v in visit.visitors][1] == "Сидорова Анна Ивановна"
    assert visit.visitors[0].user_id == world.users["tutor"].id
    assert len(visit.lessons) == 1 and visit.lessons[0].staff_id is not None
    page = _html(c.get(f"/visits/{visit.id}"))
    assert "Работа со слабыми учениками" in page and "Низкая мотивация" in page
