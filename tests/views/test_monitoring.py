"""Monitoring pages through the test client (CSRF on): import preview → confirm, the
identification page, approval (statuses written once, audited), indicators, risk profiles, the
school card, the start-page panel and the query counts of the dashboards."""
import io
import re

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    AssessmentResult, AuditEntry, IdentificationApproval, Indicator, Roadmap, RoadmapLevel,
    SchoolRisk, SchoolStatus, SchoolStatusRecord,
)
from shnor_app.services.monitoring import risks

from tests.conftest import count_queries, hx_get, login, post, start_page
from tests.factories.core import make_org, make_user
from tests.factories.monitoring import make_low_results, make_result

HEADER = "Школа;Год;Процедура;Предмет;Класс;Участников;Доля «2», %;Доля «5», %;Средний балл\n"


def _html(resp):
    return resp.get_data(as_text=True)


def _upload(client, text, **extra):
    data = {"municipality_id": str(extra.pop("muni")), **extra}
    if text is not None:
        data["file"] = (io.BytesIO(text.encode("utf-8")), "результаты.csv")
    return post(client, "/monitoring/import", data)


def _import(client, muni, *rows):
    """``client`` uploads a file of ``rows`` under the header for ``muni``: the answer and its
    HTML."""
    resp = _upload(client, HEADER + "".join(f"{row}\n" for row in rows), muni=muni.id)
    return resp, _html(resp)


# --------------------------------------------------------------------------- import


def test_import_previews_then_saves_everything(world, login_as):
    a, c = world.school_a.short_name, login_as("methodist")
    preview, html = _import(c, world.muni, f"{a};2024;ВПР;Математика;5;30;34,5;5;3,1",
                            f"{a};2024;ВПР;Русский язык;5;30;30;5;3,2")
    assert preview.status_code == 200 and "Проверьте перед сохранением" in html
    assert "Прочитано 2 строки: новых результатов 2, обновлений 0" in html and 'id="confirm-import"' in html
    assert db.session.scalar(select(func.count()).select_from(AssessmentResult)) == 0
    assert 'name="payload"' not in html  # the file waits on the server
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', html).group(1)
    done = post(c, "/monitoring/import", {"upload_id": upload_id, "action": "confirm"})
    assert done.status_code == 302 and "/monitoring/identification?year=2024" in done.location
    assert db.session.scalar(select(func.count()).select_from(AssessmentResult)) == 2
    assert set(db.session.scalars(select(AssessmentResult.source_file))) == {"результаты.csv"}
    page = _html(c.get(done.location))
    assert "Сохранено результатов: 2" in page and "ШНОР по правилу" in page


def test_import_with_a_bad_row_shows_row_errors_and_no_confirm(world, login_as):
    resp, html = _import(login_as("methodist"), world.muni,
                         f"{world.school_a.short_name};2024;ВПР;Математика;5;30;34,5;;",
                         f"{world.school_b.short_name};2024;ВПР;Математика;5;30;34,5;;")
    assert resp.status_code == 422 and "ничего не будет сохранено" in html
    assert f"Строка 3: Школа «{world.school_b.short_name}» не найдена в реестре." in html
    assert 'id="confirm-import"' not in html
    assert db.session.scalar(select(func.count()).select_from(AssessmentResult)) == 0


def test_import_without_a_file_and_unreadable_file(world, login_as):
    c = login_as("methodist")
    resp = _upload(c, None, muni=world.muni.id)
    assert resp.status_code == 422 and "Выберите файл" in _html(resp)
    resp = _upload(c, "просто текст\nбез таблицы", muni=world.muni.id)
    assert resp.status_code == 422 and "Не найдена строка заголовков" in _html(resp)


def test_methodist_cannot_import_into_another_municipality(world, login_as):
    c = login_as("methodist")
    resp = _upload(c, HEADER, muni=world.muni2.id)
    assert resp.status_code == 422  # not a choice of the form: refused, nothing read
    assert 'value="%d"' % world.muni2.id not in _html(c.get("/monitoring/import"))


def test_template_download(world, login_as):
    resp = login_as("methodist").get("/monitoring/import/template.xlsx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert "attachment" in resp.headers["Content-Disposition"]


# --------------------------------------------------------------------------- identification


def test_identification_page_highlights_and_explains(world, login_as):
    make_low_results(world.school_a, 2024)
    make_result(world.tutor_school, 2024, "VPR", "Математика", 5, 45.0)
    make_result(world.tutor_school, 2024, "OGE", "Математика", 9, 12.0)
    c = login_as("methodist")
    html = _html(c.get("/monitoring/identification?year=2024"))
    assert "из них по правилу к ШНОР относятся <strong>1</strong>" in html
    row_a = html[html.index(f'id="school-{world.school_a.id}"'):]
    row_a = row_a[:row_a.index("</tr>")]
    assert 'class="row-flagged"' in html and row_a.count("proc-over") == 2
    assert "2 процедуры с долей «2»" in row_a
    row_t = html[html.index(f'id="school-{world.tutor_school.id}"'):]
    row_t = row_t[:row_t.index("</tr>")]
    assert "Только 1 процедура" in row_t and "не относится" in row_t
    frag = hx_get(c, "/monitoring/identification?year=2024&only=flagged")
    assert "<html" not in _html(frag) and 'id="identification-body"' in _html(frag)
    assert world.tutor_school.short_name not in _html(frag)


def _many_schools(world, n, flag_every=3):
    """``n`` schools of municipality 1 with 2024 results; every ``flag_every``-th flagged."""
    orgs = []
    for i in range(n):
        org = make_org(world.muni, short_name=f"Школа {i:03d}")
        if i % flag_every == 0:
            make_low_results(org, 2024)
        else:
            make_result(org, 2024, "VPR", "Математика", 5, 12.0)
        orgs.append(org)
    return orgs


def test_identification_is_paged_with_counts_over_the_whole_scope(world, login_as):
    orgs = _many_schools(world, 60)  # 20 flagged; with school_a and tutor_school: 62 schools
    c = login_as("methodist")
    html = _html(c.get("/monitoring/identification?year=2024"))
    assert "62 школы, из них по правилу к ШНОР относятся <strong>20</strong>" in html
    assert 'id="count-flagged">20<' in html and 'id="count-other">42<' in html
    assert html.count('<tr class="') == 50 and "Страница 1 из 2" in html
    # the approval form offers every flagged school, not only those of the page
    form = html.split('id="approve"')[1]
    assert all(f'value="{o.id}"' in form for o in orgs[::3])
    second = _html(hx_get(c, "/monitoring/identification?year=2024&page=2"))
    assert "<html" not in second and second.count('<tr class="') == 12
    flagged = _html(hx_get(c, "/monitoring/identification?year=2024&only=flagged"))
    assert flagged.count('class="row-flagged"') == 20 and flagged.count('<tr class="') == 20
    other = _html(hx_get(c, "/monitoring/identification?year=2024&only=other"))
    assert other.count('<tr class="') == 42 and 'class="row-flagged"' not in other


def test_identification_page_queries_do_not_grow_with_schools(world, login_as):
    c = login_as("methodist")
    _many_schools(world, 5)
    with count_queries() as few:
        c.get("/monitoring/identification?year=2024")
    _many_schools(world, 60)
    with count_queries() as many:
        c.get("/monitoring/identification?year=2024")
    assert many["n"] == few["n"], many["sql"]


def test_identification_export_has_every_row_of_the_filter(world, login_as):
    import io

    from openpyxl import load_workbook

    _many_schools(world, 60)
    c = login_as("methodist")
    resp = c.get("/monitoring/identification/export.xlsx?year=2024")
    assert resp.status_code == 200 and "identification-2024.xlsx" in resp.headers[
        "Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(resp.data), read_only=True).active.iter_rows(
        min_row=3, values_only=True))
    assert len(rows) == 62
    row = next(r for r in rows if r[0] == "Школа 000")
    assert row[4] == "относится к ШНОР" and row[3] == 2 and "ВПР · Математика" not in row[7]
    assert "ВПР Математика, 5 кл. — 35%" in row[7]
    flagged = c.get("/monitoring/identification/export.xlsx?year=2024&only=flagged")
    assert len(list(load_workbook(io.BytesIO(flagged.data), read_only=True).active.iter_rows(
        min_row=3))) == 20


def _approve(client, world, number="79", orgs=None, confirmed=True):
    orgs = orgs if orgs is not None else [world.school_a.id]
    return client.post("/monitoring/identification/approve?year=2024", data={
        "org_id": [str(o) for o in orgs], "order_kind": "ORDER", "order_number": number,
        "order_date": "2025-01-19", "csrf_token": client.csrf,
        **({"confirmed": "1"} if confirmed else {})})


def test_approval_first_shows_the_count_and_the_order_and_saves_nothing(world, login_as):
    make_low_results(world.school_a, 2024)
    make_low_results(world.school_b, 2024)
    c = login_as("region")
    first = _approve(c, world, orgs=[world.school_a.id], confirmed=False, number="79")
    page = _html(first)
    assert first.status_code == 200
    assert "Статус ШНОР на 2025 год получат <strong>1 школа</strong>" in page
    assert "Приказ № 79 от 19.01.2025" in page and 'id="confirm-approval"' in page
    assert world.school_a.short_name in page.split('id="approve-summary"')[1].split("</ol>")[0]
    assert world.school_b.short_name not in page.split('id="approve-summary"')[1].split("</ol>")[0]
    assert db.session.scalar(select(func.count()).select_from(SchoolStatusRecord).where(
        SchoolStatusRecord.year == 2025)) == 0
    assert db.session.scalar(select(func.count()).select_from(IdentificationApproval)) == 0
    missing = _approve(c, world, number="", confirmed=False)
    assert missing.status_code == 422 and "Укажите номер приказа." in _html(missing)


def test_approval_writes_statuses_once_and_is_audited(world, login_as):
    make_low_results(world.school_a, 2024)
    c = login_as("methodist")
    resp = _approve(c, world)
    assert resp.status_code == 302
    records = db.session.scalars(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == world.school_a.id,
        SchoolStatusRecord.year == 2025)).all()
    assert len(records) == 1
    rec = records[0]
    assert rec.status == SchoolStatus.LOW_RESULTS and rec.basis == "Приказ № 79 от 19.01.2025"
    approval = db.session.scalar(select(IdentificationApproval))
    assert approval.org_ids == [world.school_a.id] and approval.status_year == 2025
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type.in_(["school_statuses", "identification_approvals"]),
        AuditEntry.user_id == world.users["methodist"].id)).all()
    assert {a.object_type for a in audit} == {"school_statuses", "identification_approvals"}
    page = _html(c.get(resp.location))
    assert "1 школа получила статус ШНОР на 2025 год" in page and "статус на 2025 г. утверждён" in page
    again = _approve(c, world, number="80")
    assert again.status_code == 422 and "Список уже утверждён" in _html(again)
    assert db.session.scalar(select(func.count()).select_from(SchoolStatusRecord).where(
        SchoolStatusRecord.year == 2025)) == 1
    assert db.session.scalar(select(func.count()).select_from(IdentificationApproval)) == 1
    # the school carries the status next year: its card and the registry say so
    card = _html(c.get(f"/registry/organizations/{world.school_a.id}"))
    assert "Приказ № 79 от 19.01.2025" in card


def test_the_approvals_of_the_year_are_listed_to_whoever_sees_their_territory(world, login_as,
                                                                             app):
    make_low_results(world.school_a, 2024)
    assert _approve(login_as("methodist"), world).status_code == 302
    methodist = world.users["methodist"]

    def approvals(client):
        page = _html(client.get("/monitoring/identification?year=2024"))
        return page.split('id="approvals"')[1].split("</ul>")[0] if 'id="approvals"' in page \
            else ""

    for client in (login_as("methodist"), login_as("region")):
        listed = approvals(client)
        assert "Приказ № 79 от 19.01.2025: 1 школа получила статус ШНОР на 2025 год" in listed
        assert world.muni.name in listed and methodist.full_name in listed
        assert "скан приказа" in listed and "история" in listed
    other = make_user("methodist", municipality_id=world.muni2.id)
    assert approvals(login(app.test_client(), other)) == ""
    assert "Утверждения по результатам 2023" not in _html(
        login_as("region").get("/monitoring/identification?year=2023"))


def test_approval_needs_the_order_and_refuses_schools_off_the_list(world, login_as):
    make_low_results(world.school_a, 2024)
    make_result(world.tutor_school, 2024, "VPR", "Математика", 5, 10.0)
    c = login_as("methodist")
    missing = _approve(c, world, number="")
    assert missing.status_code == 422 and "Укажите номер приказа." in _html(missing)
    assert _approve(c, world, orgs=[world.tutor_school.id]).status_code == 400
    assert _approve(c, world, orgs=[world.school_b.id]).status_code == 400
    none = _approve(c, world, orgs=[])
    assert none.status_code == 422 and "Отметьте хотя бы одну школу" in _html(none)
    assert db.session.scalar(select(func.count()).select_from(SchoolStatusRecord).where(
        SchoolStatusRecord.year == 2025)) == 0


def test_region_user_approves_for_a_chosen_municipality(world, login_as):
    make_low_results(world.school_a, 2024)
    make_low_results(world.school_b, 2024)
    c = login_as("region")
    resp = c.post(f"/monitoring/identification/approve?year=2024&municipality={world.muni2.id}",
                  data={"org_id": [str(world.school_b.id)], "order_kind": "ORDER",
                        "order_number": "5", "order_date": "2025-01-10", "csrf_token": c.csrf,
                        "confirmed": "1"})
    assert resp.status_code == 302
    approval = db.session.scalar(select(IdentificationApproval))
    assert approval.municipality_id == world.muni2.id and approval.org_ids == [world.school_b.id]
    # school_a is not in municipality 2's list
    bad = c.post(f"/monitoring/identification/approve?year=2024&municipality={world.muni2.id}",
                 data={"org_id": [str(world.school_a.id)], "order_kind": "ORDER",
                       "order_number": "6", "order_date": "2025-01-10", "csrf_token": c.csrf})
    assert bad.status_code == 400


# --------------------------------------------------------------------------- indicators


def _indicator_form(**kw):
    data = {"code": "1.10", "name": "Результаты ВПР по русскому языку в 5 классах",
            "source": "assessment.share_2", "procedure": "VPR", "subject": "Русский язык",
            "grade": "5", "scoring": "BANDS", "bands": "до 5 — 3; 6–30 — 1; более 30 — 0",
            "dyn_positive": "3", "dyn_zero": "3", "dyn_negative": "0"}
    data.update(kw)
    return data


def test_indicator_created_scored_edited_and_recomputed(world, login_as):
    make_result(world.school_a, 2024, "VPR", "Русский язык", 5, 20.0)
    make_result(world.tutor_school, 2024, "VPR", "Русский язык", 5, 3.0)
    c = login_as("methodist")
    resp = post(c, "/monitoring/indicators/new", _indicator_form())
    assert resp.status_code == 302
    ind = db.session.scalar(select(Indicator))
    assert ind.params == {"procedure": "VPR", "subject": "Русский язык", "grade": 5}
    html = _html(c.get("/monitoring/indicators?year=2024"))
    rows = {name: html[html.index(name):][:600] for name in
            (world.school_a.short_name, world.tutor_school.short_name)}
    assert "<strong>1</strong>" in rows[world.school_a.short_name]
    assert "<strong>3</strong>" in rows[world.tutor_school.short_name]
    # sorted by total descending: the tutor school (3) first
    assert html.index(world.tutor_school.short_name) < html.index(world.school_a.short_name)
    bad = post(c, f"/monitoring/indicators/{ind.id}/edit", _indicator_form(bands="около 5 — 3"))
    assert bad.status_code == 422 and "не распознан" in _html(bad) and "около 5 — 3" in _html(bad)
    ok = post(c, f"/monitoring/indicators/{ind.id}/edit", _indicator_form(bands="до 25 — 2; более 25 — 0"))
    assert ok.status_code == 302
    html = _html(c.get("/monitoring/indicators?year=2024&sort=name&dir=asc"))
    assert "<strong>2</strong>" in html[html.index(world.school_a.short_name):][:600]
    assert html.index(world.tutor_school.short_name) < html.index(world.school_a.short_name)
    frag = hx_get(c, f"/monitoring/indicators?year=2024&sort={ind.id}&dir=asc")
    assert "<html" not in _html(frag) and 'id="scores"' in _html(frag)
    xlsx = c.get("/monitoring/indicators/export.xlsx?year=2024")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values[1] == ["Школа", "1.10 значение", "1.10 баллы", "Итого баллов"]
    assert [world.school_a.short_name, 20.0, 2, 2] in values


def test_dynamics_indicator_form(world, login_as):
    c = login_as("methodist")
    resp = post(c, "/monitoring/indicators/new", _indicator_form(
        code="1.14", source="assessment.ratio_5_2", scoring="DYNAMICS", bands="",
        dyn_positive="3", dyn_zero="3", dyn_negative="0"))
    assert resp.status_code == 302
    ind = db.session.scalar(select(Indicator))
    assert ind.dynamics == {"positive": 3.0, "zero": 3.0, "negative": 0.0} and ind.bands == []
    assert "рост — 3; без изменений — 3; снижение — 0" in _html(c.get("/monitoring/indicators"))
    post(c, f"/monitoring/indicators/{ind.id}/delete")
    db.session.expire_all()
    assert db.session.get(Indicator, ind.id).deleted_at is not None


# --------------------------------------------------------------------------- risks


def test_risk_profile_row_saved_in_place_and_programme_created(world, login_as):
    risks.ensure_federal_factors()
    factor = risks.factors()[2]
    c = login_as("school")
    page = _html(c.get(f"/monitoring/schools/{world.school_a.id}/risks?year=2026"))
    assert page.count('class="level-select"') == 10 and factor.name in page
    resp = post(c, f"/monitoring/schools/{world.school_a.id}/risks/{factor.id}?year=2026",
                {"level": "HIGH", "note": "нет учителя физики"}, htmx=True)
    html = _html(resp)
    assert resp.status_code == 200 and "<html" not in html and f'id="risk-{factor.id}"' in html
    assert "Создать программу" in html and "нет учителя физики" in html
    risk = db.session.scalar(select(SchoolRisk))
    made = post(c, f"/monitoring/risks/{risk.id}/programme")
    rm = db.session.scalar(select(Roadmap).where(Roadmap.owner_id == world.school_a.id))
    assert made.status_code == 302 and made.location.endswith(f"/roadmaps/{rm.id}")
    assert rm.level == RoadmapLevel.SCHOOL and factor.name in rm.title
    db.session.expire_all()
    assert db.session.get(SchoolRisk, risk.id).roadmap_id == rm.id
    bad = post(c, f"/monitoring/schools/{world.school_a.id}/risks/{factor.id}?year=2026",
               {"level": "HIGH", "roadmap_id": "999999"}, htmx=True)
    assert bad.status_code == 422 and "только школьная дорожная карта этой школы" in _html(bad)
    removed = post(c, f"/monitoring/schools/{world.school_a.id}/risks/{factor.id}?year=2026",
                   {"level": ""}, htmx=True)
    assert removed.status_code == 200
    db.session.expire_all()
    assert db.session.get(SchoolRisk, risk.id).deleted_at is not None


def test_most_frequent_risks_among_shnor(world, login_as):
    risks.ensure_federal_factors()
    f1, f2 = risks.factors()[:2]
    other = make_org(world.muni, short_name="МКОУ СОШ с. Ягодное", statuses=["LOW_RESULTS"])
    not_shnor = make_org(world.muni, short_name="МБОУ Лицей")
    for org in (world.school_a, other):
        risks.set_risk(org, 2026, f2, risks.RiskLevel.HIGH)
    risks.set_risk(other, 2026, f1, risks.RiskLevel.LOW)
    risks.set_risk(not_shnor, 2026, f1, risks.RiskLevel.HIGH)
    html = _html(login_as("methodist").get("/monitoring/risks?year=2026"))
    table = html[html.index('id="risk-frequency"'):]
    assert table.index(f2.name) < table.index(f1.name)
    row = table[table.index(f1.name):][:300]
    assert "<strong>1</strong>" in row  # the non-ШНОР school is not counted


# --------------------------------------------------------------------------- card and panel


def test_school_card_on_the_registry_page(world, login_as):
    make_result(world.school_a, 2023, "VPR", "Математика", 5, 40.0)
    make_result(world.school_a, 2024, "VPR", "Математика", 5, 28.5)
    c = login_as("school")
    org_page = _html(c.get(f"/registry/organizations/{world.school_a.id}"))
    assert f"/monitoring/schools/{world.school_a.id}/card" in org_page
    frag = hx_get(c, f"/monitoring/schools/{world.school_a.id}/card")
    html = _html(frag)
    assert "<html" not in html and 'id="school-monitoring"' in html
    assert "28,5%" in html and "▼ -11,5" in html and "<svg" in html and "Таблица значений" in html
    assert "<html" in _html(c.get(f"/monitoring/schools/{world.school_a.id}/card"))


def test_start_page_panel_for_methodist_not_for_school(world, login_as):
    make_low_results(world.school_a, 2025)
    make_result(world.school_a, 2024, "VPR", "Математика", 5, 20.0)
    html = start_page(login_as("methodist"))
    assert 'id="monitoring-panel"' in html and 'id="home-share2-chart"' in html
    assert "к ШНОР относятся" in html and "<svg" in html
    assert 'id="monitoring-panel"' not in start_page(login_as("school"))


def _schools_with_results(world, n):
    for i in range(n):
        org = make_org(world.muni, short_name=f"Школа {i}", statuses=["LOW_RESULTS"])
        for year in (2023, 2024):
            make_low_results(org, year)


@pytest.mark.parametrize("url", ["/", "/monitoring/", "/monitoring/identification?year=2024",
                                 "/monitoring/risks?year=2026"])
def test_dashboard_query_counts_do_not_grow_with_schools(world, login_as, url):
    c = login_as("methodist")
    _schools_with_results(world, 2)
    with count_queries() as small:
        assert c.get(url).status_code == 200
    _schools_with_results(world, 8)
    with count_queries() as big:
        assert c.get(url).status_code == 200
    assert small["n"] == big["n"], (small["n"], big["n"])


def test_risk_row_refused_without_javascript_shows_the_profile_with_the_message(world, login_as):
    """A plain form post that the service refuses answers with the profile page (422), the
    message in the row that was posted — not a redirect that drops what happened."""
    risks.ensure_federal_factors()
    factor = risks.factors()[1]
    other = Roadmap(owner_id=world.school_b.id, title="Программа другой школы", year=2026,
                    level=RoadmapLevel.SCHOOL)
    db.session.add(other)
    db.session.commit()
    c = login_as("school")
    resp = post(c, f"/monitoring/schools/{world.school_a.id}/risks/{factor.id}?year=2026",
                {"level": "HIGH", "roadmap_id": str(other.id)})
    html = _html(resp)
    assert resp.status_code == 422 and "<html" in html and 'id="risk-table"' in html
    row = html[html.index(f'id="risk-{factor.id}"'):].split("</tr>")[0]
    assert "только школьная дорожная карта этой школы" in row
    assert html.count("только школьная дорожная карта этой школы") == 1
    assert db.session.scalar(select(func.count()).select_from(SchoolRisk)) == 0


def test_territory_is_the_users_own_or_the_one_picked(app, world):
    """policy.territory: a school's user gets its school, a tutor its own and the schools it
    supports (wherever they are), a methodist its municipality, a region user the region or
    the municipality or school it picks — a foreign id answers 404."""
    from werkzeug.exceptions import NotFound

    from shnor_app import policy
    from tests.factories.partnerships import make_partnership

    make_partnership(world.school_b, world.tutor_school)  # school_b is in municipality 2
    users = world.users
    with app.test_request_context():
        school = policy.territory(users["school"])
        assert (school.level, school.school, school.args, school.choices) == (
            "school", world.school_a, {}, [])
        tutor = policy.territory(users["tutor"])
        assert tutor.level == "municipality" and tutor.title == policy.Territory.OWN_TITLE
        assert {s.id for s in tutor.school_list()} == {world.tutor_school.id, world.school_b.id}
        methodist = policy.territory(users["methodist"])
        assert (methodist.municipality, methodist.args, methodist.choices) == (world.muni, {}, [])
        region = policy.territory(users["region"])
        assert (region.level, region.region, region.args) == ("region", world.region, {})
        assert [(m.id, m.name) for m in region.choices] == sorted(
            [(m.id, m.name) for m in (world.muni, world.muni2)], key=lambda m: m[1])
        picked = policy.territory(users["region"], municipality_id=world.muni2.id)
        assert picked.args == {"municipality": world.muni2.id}
        assert [s.id for s in picked.school_list()] == [world.school_b.id]
        one = policy.territory(users["region"], school_id=world.school_a.id)
        assert one.level == "school" and one.args == {"school": world.school_a.id}
        assert one.municipality == world.muni and len(one.choices) == 2
        assert {s.id for s in one.school_choices()} == {world.school_a.id, world.tutor_school.id}
        for user, kwargs in ((users["methodist"], {"municipality_id": world.muni2.id}),
                             (users["school"], {"municipality_id": world.muni2.id}),
                             (users["region"], {"municipality_id": world.muni_far.id}),
                             (users["region"], {"school_id": world.school_far.id}),
                             (users["methodist"], {"school_id": world.institute.id})):
            with pytest.raises(NotFound):
                policy.territory(user, **kwargs)


def test_tutor_sees_the_results_of_the_schools_it_supports_in_another_municipality(
        world, login_as):
    from tests.factories.partnerships import make_partnership

    make_partnership(world.school_b, world.tutor_school)
    make_low_results(world.school_b, 2024)
    html = _html(login_as("tutor").get("/monitoring/identification?year=2024"))
    assert world.school_b.short_name in html and world.school_a.short_name not in html
