"""Registry pages: search, filters, fragments, in-place staff editing, statuses, deletion."""
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AuditAction, AuditEntry, Organization, SchoolStatusRecord, StaffMember

from tests.conftest import count_queries, hx_get, post
from tests.factories.core import make_org, make_staff


def test_search_is_case_insensitive_in_cyrillic_and_ignores_yo_and_quotes(login_as, world):
    c = login_as("methodist")
    for q in ("ЗАОЗЕРНОЕ", "заозёрное", "сош с. заоз"):
        html = hx_get(c, f"/registry/organizations?q={q}").get_data(as_text=True)
        assert "МКОУ СОШ с. Заозёрное" in html and "Гимназия" not in html, q
    html = hx_get(c, "/registry/organizations?q=гимназия №2").get_data(as_text=True)
    assert "Гимназия № 2" in html


def test_list_is_a_full_page_normally_and_the_table_fragment_for_htmx(login_as, world):
    c = login_as("methodist")
    page = c.get("/registry/organizations").get_data(as_text=True)
    frag = hx_get(c, "/registry/organizations?status=LOW_RESULTS").get_data(as_text=True)
    assert "<html" in page and 'id="org-table"' in page
    assert "<html" not in frag and 'id="org-table"' in frag
    assert "Заозёрное" in frag and "Гимназия" not in frag


def test_list_is_filtered_by_scope(login_as, world):
    html = login_as("methodist").get("/registry/organizations").get_data(as_text=True)
    assert "Заозёрное" in html and "Зареченска" not in html and "Дальнего" not in html
    html = login_as("region").get("/registry/organizations").get_data(as_text=True)
    assert "Зареченска" in html and "Дальнего" not in html


def test_pagination(login_as, world):
    for i in range(30):
        make_org(world.muni, short_name=f"Школа пагинации {i:02d}")
    c = login_as("methodist")
    first = c.get("/registry/organizations?q=пагинации").get_data(as_text=True)
    second = c.get("/registry/organizations?q=пагинации&page=2").get_data(as_text=True)
    assert "Найдено: 30 организаций" in first and "Страница 1 из 2" in first
    assert "Школа пагинации 00" in first and "Школа пагинации 29" in second


def test_list_query_count_does_not_grow_with_rows(login_as, world):
    c = login_as("methodist")
    with count_queries() as few:
        c.get("/registry/organizations")
    for i in range(20):
        make_org(world.muni, short_name=f"Ещё школа {i}", statuses=["RISK_ZONE"])
    with count_queries() as many:
        c.get("/registry/organizations")
    assert many["n"] == few["n"]


def test_card_query_count_does_not_grow_with_staff(login_as, world):
    c = login_as("methodist")
    make_staff(world.school_a)
    with count_queries() as few:
        c.get(f"/registry/organizations/{world.school_a.id}")
    for _ in range(25):
        make_staff(world.school_a)
    with count_queries() as many:
        c.get(f"/registry/organizations/{world.school_a.id}")
    assert many["n"] == few["n"]


def test_methodist_creates_a_school_in_own_municipality(login_as, world):
    c = login_as("methodist")
    resp = post(c, "/registry/organizations/new", {
        "kind": "SCHOOL", "full_name": "Муниципальное казённое общеобразовательное учреждение «СОШ с. Новое»",
        "short_name": "МКОУ СОШ с. Новое", "municipality_id": str(world.muni.id), "inn": ""})
    assert resp.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.short_name == "МКОУ СОШ с. Новое"))
    assert org.municipality_id == world.muni.id and org.region_id == world.region.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "organizations",
                                                       AuditEntry.object_id == org.id))
    assert entry.action == AuditAction.CREATE and entry.user_id == world.users["methodist"].id


def test_bad_inn_is_refused_and_the_form_keeps_what_was_typed(login_as, world):
    c = login_as("methodist")
    resp = post(c, "/registry/organizations/new", {
        "kind": "SCHOOL", "full_name": "Школа с опечаткой в ИНН", "municipality_id": str(world.muni.id),
        "inn": "1234567890"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Контрольная сумма ИНН" in html
    assert 'value="Школа с опечаткой в ИНН"' in html


def test_methodist_cannot_move_a_school_to_another_municipality(login_as, world):
    c = login_as("methodist")
    resp = post(c, f"/registry/organizations/{world.school_a.id}/edit", {
        "kind": "SCHOOL", "full_name": "x", "municipality_id": str(world.muni2.id)})
    assert resp.status_code in (403, 422)
    db.session.expire_all()
    assert db.session.get(Organization, world.school_a.id).municipality_id == world.muni.id


def test_deleting_an_organisation_with_staff_is_refused_with_a_reason(login_as, world):
    make_staff(world.school_a)
    c = login_as("methodist")
    resp = post(c, f"/registry/organizations/{world.school_a.id}/delete", follow_redirects=True)
    assert "Нельзя удалить" in resp.get_data(as_text=True) and "1 сотрудник" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organization, world.school_a.id).deleted_at is None


def test_deleting_an_empty_organisation_is_soft_and_audited(login_as, world):
    org = make_org(world.muni, short_name="Пустая школа")
    c = login_as("methodist")
    assert post(c, f"/registry/organizations/{org.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).deleted_at is not None
    assert c.get(f"/registry/organizations/{org.id}").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == org.id,
                                                       AuditEntry.action == AuditAction.DELETE))
    assert entry is not None


def test_status_added_in_place_and_duplicates_refused(login_as, world):
    c = login_as("methodist")
    data = {"year": "2027", "status": "LOW_RESULTS", "order_kind": "ORDER", "order_number": "79",
            "order_date": "2027-01-19"}
    resp = post(c, f"/registry/organizations/{world.school_a.id}/statuses", data, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html and 'id="statuses"' in html
    assert "Приказ № 79 от 19.01.2027" in html
    resp = post(c, f"/registry/organizations/{world.school_a.id}/statuses", data, htmx=True)
    assert resp.status_code == 422 and "уже есть статус" in resp.get_data(as_text=True)


def test_revoked_status_is_kept_as_a_record(login_as, world):
    record = db.session.scalar(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == world.school_a.id))
    c = login_as("methodist")
    resp = post(c, f"/registry/statuses/{record.id}/revoke", htmx=True)
    assert resp.status_code == 200 and "Статусов нет" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SchoolStatusRecord)
                             .where(SchoolStatusRecord.id == record.id)) == 1


def test_staff_edit_form_is_a_row_fragment_and_saving_returns_the_row(login_as, world):
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    c = login_as("school")
    form = hx_get(c, f"/registry/staff/{member.id}/edit").get_data(as_text=True)
    assert "<html" not in form and f'id="staff-{member.id}"' in form and 'class="editing"' in form
    page = c.get(f"/registry/staff/{member.id}/edit").get_data(as_text=True)
    assert "<html" in page  # the same view without htmx is a whole page
    resp = post(c, f"/registry/staff/{member.id}/edit", {
        "full_name": "Иванова Анна Петровна", "position": "Учитель", "subjects": "Физика",
        "category": "FIRST", "teaching_since": "2010"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html and "Физика" in html
    assert 'class="editing"' not in html


def test_staff_validation_error_returns_422_with_the_typed_values(login_as, world):
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    c = login_as("methodist")
    resp = post(c, f"/registry/staff/{member.id}/edit", {
        "full_name": "", "position": "Учитель", "subjects": "Химия <b>и</b> биология",
        "category": "FIRST", "teaching_since": "1800"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Укажите ФИО" in html and "Год от 1950" in html
    assert "Химия &lt;b&gt;и&lt;/b&gt; биология" in html  # kept, and escaped
    db.session.expire_all()
    assert db.session.get(StaffMember, member.id).subjects is None


def test_new_staff_row_and_left_staff_are_hidden_by_default(login_as, world):
    c = login_as("methodist")
    resp = post(c, f"/registry/organizations/{world.school_a.id}/staff/new", {
        "full_name": "Новикова Юлия Сергеевна", "position": "Учитель", "category": "NONE",
        "left_on": "2025-06-30"}, htmx=True)
    assert resp.status_code == 200 and "уволен 30.06.2025" in resp.get_data(as_text=True)
    listing = hx_get(c, f"/registry/organizations/{world.school_a.id}/staff").get_data(as_text=True)
    assert "Новикова" not in listing
    listing = hx_get(c, f"/registry/organizations/{world.school_a.id}/staff?left=1").get_data(as_text=True)
    assert "Новикова" in listing


def test_viewer_sees_no_edit_controls(login_as, world):
    make_staff(world.school_a)
    html = login_as("viewer").get(f"/registry/organizations/{world.school_a.id}").get_data(as_text=True)
    assert "Изменить" not in html and "Добавить сотрудника" not in html and "Загрузить" not in html


def test_history_shows_before_and_after(login_as, world):
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    c = login_as("methodist")
    post(c, f"/registry/staff/{member.id}/edit", {"full_name": "Иванова Анна Петровна",
                                                 "position": "Директор", "category": "NONE"})
    html = c.get(f"/history/staff_members/{member.id}").get_data(as_text=True)
    assert "<del>Учитель</del> → <ins>Директор</ins>" in html and "Должность" in html


def test_a_row_being_edited_offers_save_cancel_and_delete(login_as, world):
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    c = login_as("school")
    form = hx_get(c, f"/registry/staff/{member.id}/edit").get_data(as_text=True)
    assert f'form="staff-form-{member.id}" class="btn btn-small btn-primary">Сохранить' in form
    assert f'hx-get="/registry/staff/{member.id}" hx-target="closest tr"' in form
    assert f'hx-post="/registry/staff/{member.id}/delete"' in form
    assert 'hx-confirm="Удалить Иванова Анна Петровна из списка сотрудников?' in form
    assert 'name="csrf_token"' in form
    new = hx_get(c, f"/registry/organizations/{world.school_a.id}/staff/new").get_data(as_text=True)
    assert "data-remove-row" in new and "hx-confirm" not in new
