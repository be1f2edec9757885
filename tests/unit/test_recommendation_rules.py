"""The life cycle of a recommendation: validation, report, accept, return, counts."""
from datetime import date

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import AuditEntry, RecommendationStatus as S
from shnor_app.services import recommendations as svc

from tests.factories.recommendations import SOURCE_DATE, make_recommendation


def test_validate_requires_text_and_a_due_date_not_before_the_source():
    assert svc.validate({"text": "  "}) == {"text": "Напишите текст рекомендации."}
    errors = svc.validate({"text": "x", "due_date": date(2026, 3, 9)}, not_before=SOURCE_DATE)
    assert "10.03.2026" in errors["due_date"]
    assert svc.validate({"text": "x", "due_date": SOURCE_DATE}, not_before=SOURCE_DATE) == {}
    assert svc.validate({"text": "x"}, not_before=SOURCE_DATE) == {}  # no due date is allowed
    assert "4000" in svc.validate({"text": "я" * 4001})["text"]


def test_add_numbers_recommendations_of_a_source_and_refuses_a_bad_date(world, rec_source):
    first, second = make_recommendation(world.school_a), make_recommendation(world.school_a, "Второе")
    assert (first.position, second.position) == (1, 2)
    assert first.organization_id == world.school_a.id and first.status is S.OPEN
    with pytest.raises(svc.RecommendationError) as err:
        make_recommendation(world.school_a, due=date(2026, 1, 1))
    assert "раньше" in str(err.value) and "due_date" in err.value.errors
    assert [r.text for r in svc.for_source("test_school", world.school_a.id)] == [
        "Провести педсовет по итогам ВПР", "Второе"]


def test_report_accept_return_cycle(world, rec_source):
    school_user, methodist = world.users["school"], world.users["methodist"]
    rec = make_recommendation(world.school_a)
    with pytest.raises(svc.RecommendationError):
        svc.report(rec, text="   ", by=school_user)
    with pytest.raises(svc.RecommendationError):
        svc.return_(rec, by=methodist, comment="рано")  # nothing reported yet
    svc.report(rec, text="Педсовет проведён 20.03.2026, протокол № 5", by=school_user)
    assert rec.status is S.REPORTED and rec.reported_by_id == school_user.id
    with pytest.raises(svc.RecommendationError):
        svc.return_(rec, by=methodist, comment="  ")
    svc.return_(rec, by=methodist, comment="Приложите протокол педсовета")
    assert rec.status is S.RETURNED and rec.status.is_open
    svc.report(rec, text="Протокол приложен", by=school_user)
    svc.accept(rec, by=methodist)
    assert rec.status is S.ACCEPTED and rec.status.closed and not rec.is_overdue(date(2030, 1, 1))
    with pytest.raises(svc.RecommendationError):
        svc.report(rec, text="ещё", by=school_user)
    with pytest.raises(svc.RecommendationError):
        svc.accept(rec, by=methodist)
    # every step is in the history, with before → after
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "recommendations", AuditEntry.object_id == rec.id)).all()
    assert len(entries) >= 5
    assert any((e.changes or {}).get("status") for e in entries)


def test_a_reported_recommendation_cannot_be_deleted(world, rec_source):
    rec = make_recommendation(world.school_a)
    svc.report(rec, text="Сделано", by=world.users["school"])
    with pytest.raises(svc.RecommendationError):
        svc.delete(rec)
    other = make_recommendation(world.school_a, "Удаляемая")
    svc.delete(other)
    assert [r.id for r in svc.for_source("test_school", world.school_a.id)] == [rec.id]


def test_counts_by_source_and_school(world, rec_source):
    today = date(2026, 4, 15)
    a1 = make_recommendation(world.school_a, due=date(2026, 4, 1))        # open, overdue
    make_recommendation(world.school_a, due=date(2026, 5, 1))             # open
    a3 = make_recommendation(world.school_a, due=date(2026, 4, 1))        # reported, overdue
    svc.report(a3, text="x", by=world.users["school"])
    a4 = make_recommendation(world.school_a, due=date(2026, 4, 1))        # accepted: not overdue
    svc.accept(a4, by=world.users["methodist"], comment="Выполнено, проверено при посещении")
    b1 = make_recommendation(world.school_b, due=None)
    counts = svc.counts_by_source("test_school", [world.school_a.id, world.school_b.id], today)
    a = counts[world.school_a.id]
    assert (a.open, a.overdue, a.reported, a.accepted, a.total) == (2, 2, 1, 1, 4)
    assert counts[world.school_b.id].open == 1 and counts[world.school_b.id].overdue == 0
    by_school = svc.open_counts_by_school([world.school_a.id], today)
    assert by_school[world.school_a.id].overdue == 2
    assert a1.is_overdue(today) and not b1.is_overdue(today)
