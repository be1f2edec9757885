"""Recommendations through the browser's eyes: the list, the row actions, the start page."""
import json
import re
from datetime import date, timedelta

from flask import render_template

from shnor_app.extensions import db
from shnor_app.models import Recommendation, RecommendationStatus as S
from shnor_app.services import recommendations as svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, login, post, start_page
from tests.factories.recommendations import make_recommendation
from tests.factories.roadmaps import make_school_roadmap


def test_methodist_adds_a_recommendation_in_place_and_errors_keep_the_text(
        app, world, rec_source, login_as):
    c = login_as("methodist")
    url = f"/recommendations/new/test_school/{world.school_a.id}"
    form = hx_get(c, url)
    assert form.status_code == 200 and 'name="text"' in form.get_data(as_text=True)
    bad = post(c, url, {"text": "Организовать взаимопосещение уроков", "due_date": "2026-01-05"},
               htmx=True)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Срок не может быть раньше" in html and "Организовать взаимопосещение уроков" in html
    assert db.session.query(Recommendation).count() == 0
    ok = post(c, url, {"text": "Организовать взаимопосещение уроков", "due_date": "2026-05-05",
                       "responsible": "Петрова И. И., зам. директора"}, htmx=True)
    assert ok.status_code == 200 and "05.05.2026" in ok.get_data(as_text=True)
    assert json.loads(ok.headers["HX-Trigger"])["notice"]["text"] == "Рекомендация добавлена."
    rec = db.session.query(Recommendation).one()
    assert rec.responsible == "Петрова И. И., зам. директора" and rec.created_by_id


def test_school_reports_and_methodist_returns_then_accepts(app, world, rec_source, login_as):
    rec = make_recommendation(world.school_a)
    school = login_as("school")
    row = hx_get(school, f"/recommendations/{rec.id}/report")
    assert 'name="report_text"' in row.get_data(as_text=True)
    empty = post(school, f"/recommendations/{rec.id}/report", {"report_text": ""}, htmx=True)
    assert empty.status_code == 422 and "Напишите, что сделано" in empty.get_data(as_text=True)
    done = post(school, f"/recommendations/{rec.id}/report",
                {"report_text": "Педсовет проведён"}, htmx=True)
    assert done.status_code == 200 and "на проверке" in done.get_data(as_text=True)
    # the school cannot review its own report
    assert post(school, f"/recommendations/{rec.id}/accept", {}, htmx=True).status_code == 403

    methodist = login_as("methodist")
    no_comment = post(methodist, f"/recommendations/{rec.id}/return", {"comment": ""}, htmx=True)
    assert no_comment.status_code == 422 and "что нужно доделать" in no_comment.get_data(as_text=True)
    back = post(methodist, f"/recommendations/{rec.id}/return",
                {"comment": "Нужен протокол педсовета"}, htmx=True)
    assert "возвращена на доработку" in back.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Recommendation, rec.id).status is S.RETURNED
    post(school, f"/recommendations/{rec.id}/report", {"report_text": "Протокол приложен"},
         htmx=True)
    accepted = post(methodist, f"/recommendations/{rec.id}/accept", {}, htmx=True)
    assert accepted.status_code == 200 and "выполнена" in accepted.get_data(as_text=True)
    # plain form (no JavaScript) redirects back to the source page
    rec2 = make_recommendation(world.school_a, "Второе")
    resp = post(methodist, f"/recommendations/{rec2.id}/accept",
                {"comment": "Выполнено: подтверждено при посещении"})
    assert resp.status_code == 302 and f"/registry/organizations/{world.school_a.id}" in resp.location


def test_accept_is_offered_only_after_a_report_closing_without_one_needs_a_reason(
        app, world, rec_source, login_as):
    rec = make_recommendation(world.school_a)
    methodist = login_as("methodist")
    row = hx_get(methodist, f"/recommendations/{rec.id}").get_data(as_text=True)
    assert ">Принять<" not in row and "Закрыть без отчёта" in row
    form = hx_get(methodist, f"/recommendations/{rec.id}/accept").get_data(as_text=True)
    assert "Почему рекомендация закрывается без отчёта школы" in form and 'name="comment"' in form
    refused = post(methodist, f"/recommendations/{rec.id}/accept", {"comment": "  "}, htmx=True)
    assert refused.status_code == 422
    assert "напишите, почему рекомендация закрывается" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Recommendation, rec.id).status is S.OPEN
    closed = post(methodist, f"/recommendations/{rec.id}/accept",
                  {"comment": "Школа реорганизована, мероприятие выполнено управлением"}, htmx=True)
    html = closed.get_data(as_text=True)
    assert closed.status_code == 200
    assert "Закрыта без отчёта школы: Школа реорганизована" in html
    history = methodist.get(f"/history/recommendations/{rec.id}").get_data(as_text=True)
    assert "Школа реорганизована, мероприятие выполнено управлением" in history

    reported = make_recommendation(world.school_a, "Второе")
    svc.report(reported, text="Сделано", by=world.users["school"])
    row = hx_get(methodist, f"/recommendations/{reported.id}").get_data(as_text=True)
    assert ">Принять<" in row and "Закрыть без отчёта" not in row
    assert post(methodist, f"/recommendations/{reported.id}/accept", {},
                htmx=True).status_code == 200


def test_edit_and_delete_only_before_the_school_reports(app, world, rec_source, login_as):
    rec = make_recommendation(world.school_a)
    c = login_as("methodist")
    form = hx_get(c, f"/recommendations/{rec.id}/edit").get_data(as_text=True)
    assert "Провести педсовет по итогам ВПР" in form
    resp = post(c, f"/recommendations/{rec.id}/edit",
                {"text": "Провести педсовет", "due_date": "2026-04-20"}, htmx=True)
    assert resp.status_code == 200 and "20.04.2026" in resp.get_data(as_text=True)
    svc.report(db.session.get(Recommendation, rec.id), text="Сделано", by=world.users["school"])
    assert hx_get(c, f"/recommendations/{rec.id}/edit").status_code == 403
    assert post(c, f"/recommendations/{rec.id}/delete", {}, htmx=True).status_code == 403
    other = make_recommendation(world.school_a, "Лишняя")
    gone = post(c, f"/recommendations/{other.id}/delete", {}, htmx=True)
    assert gone.status_code == 200 and "удалена" in gone.get_data(as_text=True)


def test_list_filters_in_place_and_is_scoped(app, world, rec_source, login_as):
    past = today() - timedelta(days=3)
    make_recommendation(world.school_a, "Просроченная рекомендация", due=None)
    r = db.session.query(Recommendation).one()
    r.due_date = past  # given earlier; the due date has passed
    db.session.commit()
    make_recommendation(world.school_a, "Будущая рекомендация", due=today() + timedelta(days=30))
    make_recommendation(world.school_b, "Рекомендация соседнему району", due=None)
    c = login_as("methodist")
    html = c.get("/recommendations/").get_data(as_text=True)
    assert "Просроченная рекомендация" in html and "Будущая рекомендация" in html
    assert "соседнему району" not in html  # municipality 2
    frag = hx_get(c, "/recommendations/?status=overdue").get_data(as_text=True)
    assert frag.startswith('<div id="recs-table">')
    assert "Просроченная рекомендация" in frag and "Будущая рекомендация" not in frag
    frag = hx_get(c, "/recommendations/?status=open&q=будущая").get_data(as_text=True)
    assert "Будущая рекомендация" in frag and "Просроченная" not in frag
    region = login_as("region").get("/recommendations/").get_data(as_text=True)
    assert "соседнему району" in region


def test_list_query_count_does_not_grow_with_rows(app, world, rec_source, login_as):
    c = login_as("methodist")
    make_recommendation(world.school_a)
    with count_queries() as few:
        assert c.get("/recommendations/").status_code == 200
    for i in range(15):
        make_recommendation(world.school_a, f"Рекомендация {i}")
    with count_queries() as many:
        assert c.get("/recommendations/").status_code == 200
    assert many["n"] <= few["n"] + 2, many["sql"]


def test_start_page_shows_open_overdue_and_waiting_for_review(app, world, rec_source, login_as):
    old = make_recommendation(world.school_a, "Давняя рекомендация", due=None)
    old.due_date = today() - timedelta(days=1)
    db.session.commit()
    reported = make_recommendation(world.school_a, "Отчитались", due=today() + timedelta(days=10))
    svc.report(reported, text="Сделано", by=world.users["school"])
    school = start_page(login_as("school"))
    assert 'id="recs-open-count">1<' in school and 'id="recs-overdue-count">1<' in school
    assert 'id="recs-reported-count">1<' in school and "Давняя рекомендация" in school
    assert "Ждут вашей проверки" not in school  # the school reviews nothing
    methodist = start_page(login_as("methodist"))
    assert 'id="recs-to-review"' in methodist and "Отчитались" in methodist
    # nothing open in scope: no panel
    far = start_page(login(app.test_client(), world.users["tutor"]))
    assert "recommendations-panel" not in far


def test_block_renders_for_a_source_page(app, world, rec_source):
    from shnor_app.services.recommendations import block_context

    make_recommendation(world.school_a, "Рекомендация в блоке")
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(world.users["methodist"])
        ctx = block_context(world.users["methodist"], "test_school", world.school_a)
        html = render_template("recommendations/_block.html", **ctx)
    assert "Рекомендации (1)" in re.sub(r"<[^>]+>", "", html) and "Рекомендация в блоке" in html
    assert "+ Добавить рекомендацию" in html and "Изменить" in html


def test_a_recommendation_links_to_a_roadmap_item_of_the_school(app, world, rec_source, login_as):
    rm, (item,) = make_school_roadmap(world.school_a, ["Педагогический совет по ВПР"])
    rec = make_recommendation(world.school_a)
    c = login_as("methodist")
    form = hx_get(c, f"/recommendations/{rec.id}/edit").get_data(as_text=True)
    assert "1. Педагогический совет по ВПР" in form
    resp = post(c, f"/recommendations/{rec.id}/edit",
                {"text": rec.text, "roadmap_item_id": str(item.id)}, htmx=True)
    assert resp.status_code == 200 and "Педагогический совет по ВПР" in resp.get_data(as_text=True)
    page = login_as("school").get(f"/roadmaps/items/{item.id}").get_data(as_text=True)
    assert "Связанные рекомендации (1)" in page and rec.text in page


def test_a_foreign_roadmap_item_id_in_the_form_is_refused_and_nothing_is_stored(
        app, world, rec_source, login_as):
    """The item a recommendation links to arrives in a form field: an item of another region
    (or an id that names nothing, or text) is a form error — never stored, never shown."""
    _, (foreign_item,) = make_school_roadmap(world.school_far,
                                             items=("Секретный пункт другого региона",))
    _, (own_item,) = make_school_roadmap(world.school_a, items=("Свой пункт школы",))
    c = login_as("methodist")
    url = f"/recommendations/new/test_school/{world.school_a.id}"
    for bad in (str(foreign_item.id), "999999", "abc"):
        resp = post(c, url, {"text": "Проверка связи", "due_date": "2026-05-05",
                             "roadmap_item_id": bad}, htmx=True)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, bad
        assert "Секретный пункт" not in html and "Проверка связи" in html
        assert db.session.query(Recommendation).count() == 0
    ok = post(c, url, {"text": "Проверка связи", "due_date": "2026-05-05",
                       "roadmap_item_id": str(own_item.id)}, htmx=True)
    assert ok.status_code == 200 and "Свой пункт школы" in ok.get_data(as_text=True)
    rec = db.session.query(Recommendation).one()
    assert rec.roadmap_item_id == own_item.id
    edit = post(c, f"/recommendations/{rec.id}/edit",
                {"text": "Проверка связи", "due_date": "2026-05-05",
                 "roadmap_item_id": str(foreign_item.id)}, htmx=True)
    assert edit.status_code == 422 and "Секретный пункт" not in edit.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Recommendation, rec.id).roadmap_item_id == own_item.id


def test_the_service_refuses_an_item_outside_the_schools_roadmaps(app, world, rec_source):
    """Every way in (a visit's form, a protocol, an import) goes through the same check."""
    _, (item,) = make_school_roadmap(world.school_far, items=("Чужой пункт",))
    try:
        make_recommendation(world.school_a, roadmap_item_id=item.id)
    except svc.RecommendationError as err:
        assert "roadmap_item_id" in err.fields
    else:
        raise AssertionError("a foreign item was linked")
    assert db.session.query(Recommendation).count() == 0
