"""The registry's import page: upload → preview (errors first, paged) → confirm by the kept
file's id; all or nothing, idempotent, one audit entry; staff lists; personal data masked."""
import io
import re

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditAction, AuditEntry, Municipality, Organization, Region, StaffMember, StagedUpload,
)

from tests.conftest import post
from tests.factories.core import make_staff
from tests.registry_files import (
    REGISTRY_HEADER, STAFF_HEADER, inn, registry_row, registry_xml, snils, staff_row,
    table_bytes, xml_org,
)


def upload(client, kind, name, data, **fields):
    resp = post(client, f"/registry/import/{kind}",
                {"file": (io.BytesIO(data), name), **fields})
    return resp


def preview_url(resp):
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    return resp.headers["Location"]


def counts_text(html):
    """The preview's counts as read: «Новых: 2 Изменится: 0 …»."""
    block = re.search(r'<ul class="import-counts".*?</ul>', html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", "", block).split())


def confirm(client, url):
    return post(client, url + "/confirm")


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_region_table_in_cp1251_is_previewed_then_saved_once_and_again_changes_nothing(
        login_as, world):
    c = login_as("region")
    data = table_bytes(REGISTRY_HEADER, [
        registry_row(name="СОШ № 40", n=40),
        registry_row(name="СОШ № 41", n=41, municipality="Новый район")], encoding="cp1251")
    url = preview_url(upload(c, "registry", "reestr.csv", data))
    html = c.get(url).get_data(as_text=True)
    assert "Новых: 2" in counts_text(html) and "Новых муниципалитетов: 1" in counts_text(html)
    assert re.search(r'<td class="num">2</td>\s*<td>МБОУ «СОШ № 40»', html)  # header = row 1
    assert count(Organization, Organization.short_name == "МБОУ «СОШ № 40»") == 0
    resp = confirm(c, url)
    assert resp.status_code == 302
    assert count(Organization, Organization.short_name.in_(["МБОУ «СОШ № 40»", "МБОУ «СОШ № 41»"])) == 2
    assert count(Municipality, Municipality.name == "Новый район") == 1
    assert db.session.get(StagedUpload, url.rsplit("/", 1)[1]) is None
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == AuditAction.IMPORT)).all()
    assert len(entries) == 1 and entries[0].changes["новых организаций"] == 2
    assert "reestr.csv" in entries[0].message
    flash = c.get("/registry/import").get_data(as_text=True)
    assert "новых организаций 2" in flash

    # the same file again: nothing to change, and it says so
    url = preview_url(upload(c, "registry", "reestr.csv", data))
    html = c.get(url).get_data(as_text=True)
    assert "Файл ничего не меняет" in html and "Без изменений: 2" in counts_text(html)
    before = count(AuditEntry, AuditEntry.action.in_([AuditAction.CREATE, AuditAction.UPDATE]))
    confirm(c, url)
    assert count(AuditEntry, AuditEntry.action.in_([AuditAction.CREATE, AuditAction.UPDATE])) == before
    assert "Файл ничего не изменил" in c.get("/registry/import").get_data(as_text=True)


def test_a_newer_file_updates_what_changed_before_to_after(login_as, world):
    c = login_as("admin")
    confirm(c, preview_url(upload(c, "registry", "r.xlsx", table_bytes(
        REGISTRY_HEADER, [registry_row(name="СОШ № 50", n=50)], fmt="xlsx"))))
    newer = table_bytes(REGISTRY_HEADER, [registry_row(name="СОШ № 50", n=50,
                                                       director="Смирнова Елена Олеговна")],
                        fmt="xlsx")
    url = preview_url(upload(c, "registry", "r.xlsx", newer))
    html = c.get(url).get_data(as_text=True)
    assert "Изменится: 1" in counts_text(html)
    assert "<del>Иванова Анна Петровна</del> → <ins>Смирнова Елена Олеговна</ins>" in html
    confirm(c, url)
    org = db.session.scalar(select(Organization).where(Organization.inn == inn(50)))
    assert org.director_name == "Смирнова Елена Олеговна"


def test_row_errors_come_first_and_nothing_is_saved(login_as, world):
    c = login_as("admin")
    rows = [registry_row(name=f"СОШ № {i}", n=100 + i) for i in range(1, 131)]
    rows.append(registry_row(name="Плохая", n=999, inn="5720010404"))
    url = preview_url(upload(c, "registry", "r.csv", table_bytes(REGISTRY_HEADER, rows, sep=",")))
    resp = c.get(url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    first = re.search(r'<tbody>\s*<tr class="import-error row-error">\s*<td class="num">(\d+)</td>', html)
    assert first and first.group(1) == "132"
    assert "Контрольная сумма ИНН не сходится" in html and "Страница 1 из 2" in html
    assert "confirm-import" not in html
    only_errors = c.get(url + "?status=error").get_data(as_text=True)
    assert only_errors.count('class="import-error row-error"') == 1 and "import-new" not in only_errors
    assert "Показать все строки" in only_errors
    resp = confirm(c, url)
    assert resp.status_code == 422 and "Ничего не сохранено" in resp.get_data(as_text=True)
    assert count(Organization, Organization.inn == inn(101)) == 0
    assert count(AuditEntry, AuditEntry.action == AuditAction.IMPORT) == 0


def test_region_user_cannot_create_outside_its_region(login_as, world):
    c = login_as("region")
    data = table_bytes(REGISTRY_HEADER, [
        registry_row(region="Дальняя область", municipality="Дальний район", name="Чужая", n=60),
        registry_row(region="Новая область", municipality="Где-то", name="Ещё чужая", n=61),
        registry_row(name="Своя", n=62)])
    url = preview_url(upload(c, "registry", "r.csv", data))
    html = c.get(url).get_data(as_text=True)
    assert "организация региона «Дальняя область», а загружается регион «Энская область»" in html
    assert "«Новая область»" in html
    assert confirm(c, url).status_code == 422
    assert count(Organization, Organization.inn.in_([inn(60), inn(61), inn(62)])) == 0
    assert count(Region, Region.name == "Новая область") == 0
    # the region of the upload is the user's own whatever the form says
    url = preview_url(upload(c, "registry", "r.csv", table_bytes(REGISTRY_HEADER, [
        registry_row(region="", municipality="Дальний район", name="Своя", n=62)]),
        region="Дальняя область"))
    html = c.get(url).get_data(as_text=True)
    assert "Новых муниципалитетов: 1" in counts_text(html)  # in its own region


def test_a_kept_file_is_its_uploaders_alone(app, login_as, world):
    admin = login_as("admin")
    url = preview_url(upload(admin, "registry", "r.csv", table_bytes(
        REGISTRY_HEADER, [registry_row(name="СОШ № 70", n=70)])))
    other = login_as("region")
    assert other.get(url).status_code == 404
    assert confirm(other, url).status_code == 404
    assert count(Organization, Organization.inn == inn(70)) == 0


def test_unreadable_file_is_refused_on_the_form_and_nothing_is_kept(login_as, world):
    c = login_as("admin")
    resp = upload(c, "registry", "r.csv", "Город;Улица\nа;б\n".encode())
    assert resp.status_code == 422
    assert "Не найдена строка заголовков" in resp.get_data(as_text=True)
    assert count(StagedUpload) == 0
    resp = upload(c, "registry", "r.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    assert resp.status_code == 422 and "DOCTYPE" in resp.get_data(as_text=True)


def test_xml_row_without_a_municipality_asks_for_one_and_the_choice_is_remembered(login_as, world):
    c = login_as("admin")
    data = registry_xml([
        xml_org(1, region="Энская область", address="с. Заозёрное, Приречный район, Энская область"),
        xml_org(2, region="Энская область", address="Энская область, Бологовский р-н, д. Кемцы"),
        xml_org(3, region="Энская область", branch_of="ID000001", inn_=inn(1), kpp="572002001",
                name="Филиал № 1", address="г. Зареченск, ул. Мира, 1"),
        xml_org(4, region="Дальняя область")])
    url = preview_url(upload(c, "registry", "reestr.xml", data, region="Энская область"))
    html = c.get(url).get_data(as_text=True)
    assert "муниципалитет не определён по адресу" in html
    assert 'value="new:Бологовский район"' in html and "Организаций других регионов" in html
    resp = post(c, url + "/choices", {"muni:id:ID000002": "new:Бологовский район",
                                      "muni:id:ID000003": f"id:{world.muni2.id}"})
    assert resp.status_code == 302
    assert c.get(url).status_code == 200
    assert confirm(c, url).status_code == 302
    head = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000001"))
    branch = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000003"))
    second = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000002"))
    assert head.municipality_id == world.muni.id and branch.head_organization_id == head.id
    assert branch.municipality_id == world.muni2.id and branch.inn == head.inn
    assert second.municipality.name == "Бологовский район"
    # next import of the same file: remembered, nothing to pick, nothing changes
    url = preview_url(upload(c, "registry", "reestr.xml", data, region="Энская область"))
    html = c.get(url).get_data(as_text=True)
    assert "Без изменений: 3" in counts_text(html) and "выберите его" not in html


def test_staff_list_of_a_school_with_mark_left_never_deletes(login_as, world):
    stays = make_staff(world.school_a, "Иванов Иван Иванович")
    goes = make_staff(world.school_a, "Уходящий Пётр Петрович")
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [
        staff_row("Иванов Иван Иванович", snils_=snils(1)),
        staff_row("Новикова Ольга Петровна", born="02.03.1990", category="Высшая")], fmt="xlsx")
    url = preview_url(upload(c, "staff", "staff.xlsx", data, school_id=str(world.school_a.id),
                             mark_left="y"))
    html = c.get(url).get_data(as_text=True)
    assert "Будут отмечены уволенными: 1" in counts_text(html)
    assert "Уходящий Пётр Петрович" in html
    assert snils(1) not in html and "02.03.1990" not in html  # personal data masked
    assert confirm(c, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(StaffMember, goes.id).left_on is not None
    assert db.session.get(StaffMember, goes.id).deleted_at is None
    assert db.session.get(StaffMember, stays.id).snils == snils(1).replace("-", "").replace(" ", "")
    assert count(StaffMember, StaffMember.full_name == "Новикова Ольга Петровна") == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert entry.changes == {"новых": 1, "изменено": 1, "отмечено уволенными": 1, "без изменений": 0}
    history = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "staff_members", AuditEntry.object_id == stays.id)).all()
    assert all(snils(1)[:3] not in str(h.changes) for h in history)


def test_staff_rows_of_a_school_out_of_reach_are_errors(login_as, world):
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [
        staff_row("Иванов Иван", school=world.school_b.short_name),
        staff_row("Петров Пётр", school=world.school_a.short_name, snils_="112-233-445 96")])
    url = preview_url(upload(c, "staff", "s.csv", data))
    html = c.get(url).get_data(as_text=True)
    assert "не найдена среди организаций, списки которых вы ведёте" in html
    assert "контрольное число СНИЛС не сходится" in html
    assert confirm(c, url).status_code == 422
    assert count(StaffMember) == 0


def test_personal_data_masked_and_every_unmasked_view_audited(login_as, world):
    member = make_staff(world.school_a, "Петрова Анна Ивановна", snils="11223344595")
    card = login_as("viewer").get(f"/registry/staff/{member.id}").get_data(as_text=True)
    assert "•••-•••-••• ••" in card and "112-233-445 95" not in card and "show-personal" not in card
    c = login_as("methodist")
    card = c.get(f"/registry/staff/{member.id}").get_data(as_text=True)
    assert "112-233-445 95" not in card and "show-personal" in card
    resp = c.get(f"/registry/staff/{member.id}/personal", headers={"HX-Request": "true"})
    assert "112-233-445 95" in resp.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.PERSONAL_DATA))
    assert entry.object_id == member.id and entry.user_id == world.users["methodist"].id


def test_staff_form_takes_personal_data_but_never_shows_it_back(login_as, world):
    member = make_staff(world.school_a, "Петрова Анна Ивановна", snils="11223344595")
    c = login_as("methodist")
    form = c.get(f"/registry/staff/{member.id}/edit").get_data(as_text=True)
    assert "11223344595" not in form and "112-233-445 95" not in form and "(указан; пусто" in form
    data = {"full_name": "Петрова Анна Ивановна", "position": "Учитель", "category": "NONE",
            "snils": "112-233-445 96"}
    resp = post(c, f"/registry/staff/{member.id}/edit", data)
    assert resp.status_code == 422 and "Контрольное число СНИЛС" in resp.get_data(as_text=True)
    resp = post(c, f"/registry/staff/{member.id}/edit", {**data, "snils": "", "birth_date": "14.03.1980"})
    assert resp.status_code == 302
    db.session.expire_all()
    kept = db.session.get(StaffMember, member.id)
    assert kept.snils == "11223344595" and kept.birth_date.isoformat() == "1980-03-14"


def test_the_journal_shows_the_import_entry_and_a_personal_data_showing(login_as, world):
    c = login_as("admin")
    confirm(c, preview_url(upload(c, "registry", "r.csv", table_bytes(
        REGISTRY_HEADER, [registry_row(name="СОШ № 90", n=90)]))))
    member = make_staff(world.school_a, "Петрова Анна Ивановна", snils="11223344595")
    c.get(f"/registry/staff/{member.id}/personal")
    journal = c.get("/admin/audit").get_data(as_text=True)
    assert "Импорт реестра организаций: файл r.csv" in journal
    assert "Показаны СНИЛС и дата рождения: Петрова Анна Ивановна" in journal
    assert "112-233-445 95" not in journal


def test_the_keys_of_other_systems_are_edited_on_the_card(login_as, world):
    c = login_as("methodist")
    url = f"/registry/organizations/{world.school_a.id}/edit"
    base = {"kind": "SCHOOL", "full_name": "Средняя школа с. Заозёрное",
            "short_name": "МКОУ СОШ с. Заозёрное", "municipality_id": str(world.muni.id)}
    resp = post(c, url, {**base, "fis_oko_login": "abc1", "kpp": "572001001"})
    assert resp.status_code == 422 and "Логин ФИС ОКО — «edu» или «sch»" in resp.get_data(as_text=True)
    resp = post(c, url, {**base, "fis_oko_login": "EDU223185", "kpp": "572001001",
                         "ogrn": "1025700696383", "gia_code": "570101"})
    assert resp.status_code == 302
    card = c.get(f"/registry/organizations/{world.school_a.id}").get_data(as_text=True)
    assert "edu223185" in card and "1025700696383" in card and "570101" in card


def test_preview_queries_do_not_grow_with_rows(login_as, world):
    from tests.conftest import count_queries

    c = login_as("region")
    few = preview_url(upload(c, "registry", "r.csv", table_bytes(REGISTRY_HEADER, [
        registry_row(name=f"СОШ № {i}", n=200 + i) for i in range(3)])))
    many = preview_url(upload(c, "registry", "r.csv", table_bytes(REGISTRY_HEADER, [
        registry_row(name=f"СОШ № {i}", n=300 + i, municipality=f"Район {i % 4}")
        for i in range(60)])))
    for i in range(30):
        make_staff(world.school_a, f"Учитель {i}")
    staff_few = preview_url(upload(c, "staff", "s.csv", table_bytes(STAFF_HEADER, [
        staff_row(f"Учитель {i}", school=world.school_a.short_name) for i in range(2)])))
    staff_many = preview_url(upload(c, "staff", "s.csv", table_bytes(STAFF_HEADER, [
        staff_row(f"Учитель {i}", school=s.short_name)
        for i in range(30) for s in (world.school_a, world.school_b)])))
    for small, large in ((few, many), (staff_few, staff_many)):
        with count_queries() as q_small:
            assert c.get(small).status_code == 200
        with count_queries() as q_large:
            assert c.get(large).status_code == 200
        assert q_large["n"] == q_small["n"], (q_small["n"], q_large["n"])
