"""The registry and staff imports below the web: the XML stream (bounded, hostile files
refused), branches, the municipality from the address, header matching, encodings, the CLI."""
import io
import json

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditAction, AuditEntry, Municipality, Organization, OrgKind, Region, StaffMember,
)
from shnor_app.services import limits
from shnor_app.services.registry import imports, staff_import
from shnor_app.services.registry.xml_registry import XmlLimits, XmlRegistryError, read_registry_xml

from tests.factories.core import make_municipality, make_org, make_region, make_staff
from tests.registry_files import (
    REGISTRY_HEADER, STAFF_HEADER, inn, registry_row, registry_xml, snils, staff_row,
    table_bytes, xml_org,
)

LIMITS = XmlLimits(elements=10000, depth=12, chars=10000, seconds=30)


# --------------------------------------------------------------------------- the XML stream


def test_xml_yields_organisations_with_their_certificate_and_line():
    data = registry_xml([xml_org(1), xml_org(2, branch_of="ID000001", inn_=inn(1))])
    orgs = list(read_registry_xml(data, LIMITS))
    assert [o.get("Id") for o in orgs] == ["ID000001", "ID000002"]
    assert orgs[0].certificate["StatusName"] == "Действующее"
    assert orgs[1].is_branch and orgs[1].get("HeadEduOrgId") == "ID000001"
    assert orgs[0].region_name == "Орловская область" and orgs[0].line > 1


def test_xml_is_read_as_a_stream_from_a_file_object():
    data = registry_xml([xml_org(n) for n in range(1, 300)])
    assert sum(1 for _ in read_registry_xml(io.BytesIO(data), LIMITS)) == 299


@pytest.mark.parametrize("data, words", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
     b'<OpenData>&lol2;</OpenData>', "DOCTYPE"),
    (b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><OpenData/>', "DOCTYPE"),
    (b"<OpenData><Certificates><Certificate><Id>1", "повреждён"),
    (b"<OpenData><Other/></OpenData>", "нет сведений об организациях"),
    (b"", "пустой"),
    (b"<a>" * 40 + b"</a>" * 40, "глубже"),
])
def test_hostile_or_broken_xml_is_refused_in_russian(data, words):
    with pytest.raises(XmlRegistryError) as err:
        list(read_registry_xml(data, LIMITS))
    assert words in err.value.message


def test_a_huge_xml_stops_at_the_element_bound_and_at_the_deadline(monkeypatch):
    data = registry_xml([xml_org(n) for n in range(1, 2000)])  # ~60 000 elements
    with pytest.raises(XmlRegistryError, match="элементов"):
        list(read_registry_xml(data, LIMITS))
    clock = iter(range(0, 10 ** 6, 100))
    monkeypatch.setattr(limits, "_clock", lambda: next(clock))
    with pytest.raises(XmlRegistryError, match="дольше"):
        list(read_registry_xml(data, XmlLimits(elements=10 ** 7, depth=12, chars=10000,
                                               seconds=30)))


def test_a_value_longer_than_the_bound_is_refused():
    data = registry_xml([xml_org(1, name="Ш" * 20000)])
    with pytest.raises(XmlRegistryError, match="знаков"):
        list(read_registry_xml(data, LIMITS))


# --------------------------------------------------------------------------- addresses, kinds


def _munis():
    region = make_region("Орловская область")
    return [make_municipality(region, name) for name in (
        "Каменский район", "город Орёл", "Мценский муниципальный район", "городской округ Мценск",
        "Орловский муниципальный округ")]


@pytest.mark.parametrize("address, expected", [
    ("303040, Орловская область, Каменский район, с. Каменка, ул. Школьная, д. 1", "Каменский район"),
    ("ул. Школьная, дом 18, с. Кемцы, Каменский р-н, Орловская обл., 303040", "Каменский район"),
    ("302028, г. Орёл, ул. Ленина, 1", "город Орёл"),
    ("302028 Орловская обл г Орел ул Ленина 1", "город Орёл"),
    ("Орловская обл., Мценский р-н, д. Подберёзово", "Мценский муниципальный район"),
    ("Орловская обл., г. Мценск, ул. Мира, 2", "городской округ Мценск"),
    ("Орловский муниципальный округ, д. Жилина", "Орловский муниципальный округ"),
    ("Орловская область, с. Неизвестное", None),
    ("", None),
])
def test_municipality_from_the_address(address, expected):
    found = imports.municipality_from_address(address, _munis())
    assert (found.name if found else None) == expected


def test_proposed_municipality_from_the_address():
    assert imports.proposed_municipality("Тверская обл., Бологовский р-н, с. Кемцы") == "Бологовский район"
    assert imports.proposed_municipality("г. Тверь, ул. Мира") == "город Тверь"
    assert imports.proposed_municipality("с. Кемцы") is None


@pytest.mark.parametrize("text, kind", [
    ("Общеобразовательная организация", OrgKind.SCHOOL), ("ОО", OrgKind.SCHOOL),
    ("МОУО", OrgKind.MUNICIPAL_AUTHORITY), ("Институт развития образования", OrgKind.INSTITUTE),
    ("Профессиональная образовательная организация", OrgKind.COLLEGE),
    ("Дошкольная образовательная организация", None),
    ("Образовательная организация высшего образования", None),
])
def test_kind_from_text(text, kind):
    assert imports.kind_from_text(text) == kind


# --------------------------------------------------------------------------- the registry


def test_headers_in_any_order_with_line_breaks_and_case(app):
    header = ["ИНН", "эл.почта", "Полное\nнаименование", " МУНИЦИПАЛИТЕТ ", "Регион", "Лишний"]
    rows = [[inn(5), "a@b.ru", "МБОУ «Школа № 5»", "Каменский район", "Орловская область", "x"]]
    preview = imports.check_file("r.csv", table_bytes(header, rows, encoding="cp1251", sep="\t"),
                                 None)
    assert preview.ok and preview.counts["new"] == 1
    assert preview.extra["regions_created"] == 1 and preview.extra["municipalities_created"] == 1
    assert any("Лишний" in note for note in preview.notes)


def test_cli_json_errors_exit_1_then_clean_saves_and_repeats_unchanged(app, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(table_bytes(REGISTRY_HEADER, [
        registry_row(n=1, name="СОШ № 1", region="Орловская область", municipality="Каменский район"),
        registry_row(n=2, name="СОШ № 2", inn="5720010404", region="Орловская область")],
        encoding="cp1251"))
    out = runner.invoke(args=["registry", "import", str(bad), "--json"])
    assert out.exit_code == 1
    result = json.loads(out.output)
    assert set(result) == {"regions_created", "municipalities_created", "created", "updated",
                           "unchanged", "errors"}
    assert result["errors"] == [{"row": 3, "message": "Контрольная сумма ИНН не сходится — "
                                                      "проверьте цифры: «5720010404»"}]
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0

    good = tmp_path / "good.csv"
    good.write_bytes(table_bytes(REGISTRY_HEADER, [
        registry_row(n=1, name="СОШ № 1", region="Орловская область", municipality="Каменский район"),
        registry_row(n=2, name="СОШ № 2", region="Орловская область", municipality="город Орёл")]))
    out = runner.invoke(args=["registry", "import", str(good), "--dry-run", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["created"] == 2
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
    out = runner.invoke(args=["registry", "import", str(good), "--json"])
    assert json.loads(out.output) == {"regions_created": 1, "municipalities_created": 2,
                                      "created": 2, "updated": 0, "unchanged": 0, "errors": []}
    out = runner.invoke(args=["registry", "import", str(good), "--json"])
    assert json.loads(out.output) == {"regions_created": 0, "municipalities_created": 0,
                                      "created": 0, "updated": 0, "unchanged": 2, "errors": []}
    out = runner.invoke(args=["registry", "import", str(good)])
    assert out.exit_code == 0 and "ничего не меняет" in out.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == AuditAction.IMPORT)) == 1


def test_cli_xml_takes_the_schools_of_the_region_with_branches(app, tmp_path):
    region = make_region("Орловская область")
    kamensky = make_municipality(region, "Каменский район")
    path = tmp_path / "data-20241201-structure.xml"
    path.write_bytes(registry_xml([
        xml_org(1), xml_org(2, branch_of="ID000001", inn_=inn(1), kpp="572002001",
                            name="Филиал"),
        xml_org(3, kind="Дошкольная образовательная организация", full="Детский сад № 3"),
        xml_org(4, region="Тверская область"),
        xml_org(1, status="Недействующее")]))  # the same organisation under an old certificate
    runner = app.test_cli_runner()
    out = runner.invoke(args=["registry", "import", str(path), "--region", "Орловская обл.", "--json"])
    assert json.loads(out.output)["created"] == 2, out.output
    head = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000001"))
    branch = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000002"))
    assert head.municipality_id == kamensky.id and head.ogrn and head.kpp == "572001001"
    assert branch.head_organization_id == head.id and branch.inn == head.inn
    assert head.director_name == "Петрова Мария Ивановна"
    out = runner.invoke(args=["registry", "import", str(path), "--region", "Орловская область", "--json"])
    assert json.loads(out.output)["unchanged"] == 2


def test_cli_xml_of_several_regions_needs_the_region(app, tmp_path):
    path = tmp_path / "all.xml"
    path.write_bytes(registry_xml([xml_org(1), xml_org(2, region="Тверская область")]))
    out = app.test_cli_runner().invoke(args=["registry", "import", str(path), "--json"])
    assert out.exit_code == 1 and "нескольких регионов" in json.loads(out.output)["errors"][0]["message"]


def test_matching_by_inn_then_by_full_name_in_the_municipality(app):
    region = make_region("Энская область")
    muni = make_municipality(region, "Приречный район")
    by_inn = make_org(muni, short_name="Старое имя", inn=inn(7))
    by_name = make_org(muni, short_name="МБОУ «СОШ № 8»",
                       full_name="Муниципальное бюджетное общеобразовательное учреждение «СОШ № 8»")
    preview = imports.check_file("r.csv", table_bytes(REGISTRY_HEADER, [
        registry_row(n=7, name="СОШ № 7"), registry_row(n=8, name="СОШ № 8")]), None)
    outcomes = {o.data.get("org_id"): o for o in preview.outcomes}
    assert set(outcomes) == {by_inn.id, by_name.id}
    assert any(ch.after == "МБОУ «СОШ № 7»" for ch in outcomes[by_inn.id].changes)


def test_a_region_user_may_not_create_a_region(app, world):
    preview = imports.check_file("r.csv", table_bytes(REGISTRY_HEADER, [
        registry_row(region="Новая область", n=3)]), world.users["region"])
    assert not preview.ok and "Новая область" in preview.errors[0][1]
    assert db.session.scalar(select(func.count()).select_from(Region)) == 2


# --------------------------------------------------------------------------- staff


def test_staff_matched_by_snils_then_name_and_birth_date_then_unique_name(app, world):
    from datetime import date

    a = make_staff(world.school_a, "Иванова Мария Петровна", snils=snils(1).replace("-", "").replace(" ", ""))
    b = make_staff(world.school_a, "Петров Пётр Петрович", birth_date=date(1980, 3, 14))
    twin1 = make_staff(world.school_a, "Смирнов Олег")
    twin2 = make_staff(world.school_a, "Смирнов Олег")
    rows = [staff_row("Иванова (Кузнецова) Мария Петровна", snils_=snils(1)),  # renamed
            staff_row("Петров Пётр Петрович", born="14.03.1980"),
            staff_row("Смирнов Олег", born=""),
            staff_row("Петров Пётр Петрович", born="14.03.1980")]
    preview = staff_import.check_file("s.csv", table_bytes(STAFF_HEADER, rows), None,
                                      school_id=world.school_a.id)
    by_row = {o.number: o for o in preview.outcomes}
    assert by_row[2].data["member"].id == a.id and by_row[2].status == "changed"
    assert by_row[3].data["member"].id == b.id
    assert "2 сотрудника с ФИО «Смирнов Олег»" in by_row[4].errors[0]
    assert "повторяет строку 3" in by_row[5].errors[0]
    assert {twin1.id, twin2.id}.isdisjoint({o.data.get("member").id for o in preview.outcomes
                                             if o.data.get("member")})


def test_staff_names_split_in_three_columns_and_school_by_inn(app, world):
    db.session.get(Organization, world.school_a.id).inn = inn(31)
    db.session.commit()
    header = ["Фамилия", "Имя", "Отчество", "Должность", "ИНН школы", "СНИЛС", "Дата рождения"]
    data = table_bytes(header, [["Орлова", "Ирина", "Юрьевна", "Учитель", inn(31), snils(5),
                                 "1985-05-04"]], fmt="xlsx")
    runner = app.test_cli_runner()
    path = __import__("pathlib").Path(app.instance_path) / "staff-test.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        out = runner.invoke(args=["staff", "import", str(path), "--json"])
        assert json.loads(out.output) == {"created": 1, "updated": 0, "left": 0, "unchanged": 0,
                                          "errors": []}
        out = runner.invoke(args=["staff", "import", str(path), "--json", "--mark-left"])
        assert json.loads(out.output)["unchanged"] == 1
    finally:
        path.unlink()
    member = db.session.scalar(select(StaffMember).where(StaffMember.full_name == "Орлова Ирина Юрьевна"))
    assert member.organization_id == world.school_a.id and member.birth_date.year == 1985


def test_staff_cli_mark_left_and_errors(app, world, tmp_path):
    make_staff(world.school_a, "Уходящий Пётр")
    path = tmp_path / "s.csv"
    path.write_bytes(table_bytes(STAFF_HEADER, [staff_row("Новый Иван", school=world.school_a.short_name)],
                                 encoding="cp1251"))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["staff", "import", str(path), "--mark-left", "--dry-run", "--json"])
    assert json.loads(out.output) == {"created": 1, "updated": 0, "left": 1, "unchanged": 0, "errors": []}
    assert db.session.scalar(select(func.count()).select_from(StaffMember)) == 1
    out = runner.invoke(args=["staff", "import", str(path), "--mark-left", "--json"])
    assert json.loads(out.output)["left"] == 1
    assert db.session.scalar(select(func.count()).select_from(StaffMember)) == 2  # nobody deleted
    path.write_bytes(table_bytes(STAFF_HEADER, [staff_row("Без школы")]))
    out = runner.invoke(args=["staff", "import", str(path), "--json"])
    assert out.exit_code == 1
    assert json.loads(out.output)["errors"] == [{"row": 2, "message": "не указана школа"}]
    path.write_bytes(table_bytes(["ФИО", "Должность"], [["Без школы", "Учитель"]]))
    out = runner.invoke(args=["staff", "import", str(path), "--json"])
    assert out.exit_code == 1
    assert json.loads(out.output)["errors"][0]["row"] is None  # no school column at all


def test_municipality_model_untouched_by_a_dry_run(app):
    before = db.session.scalar(select(func.count()).select_from(Municipality))
    imports.check_file("r.csv", table_bytes(REGISTRY_HEADER, [registry_row(n=9)]), None)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == before


def test_the_open_data_zipped_is_read_as_its_xml(app, tmp_path):
    import zipfile

    region = make_region("Орловская область")
    make_municipality(region, "Каменский район")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data-20241201-structure-20160713.xml", registry_xml([xml_org(1), xml_org(2)]))
    preview = imports.check_file("data-20241201.zip", packed.getvalue(), None,
                                 region_name="Орловская область")
    assert preview.ok and preview.counts["new"] == 2
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.xml", b"<OpenData/>")
        archive.writestr("b.xml", b"<OpenData/>")
    with pytest.raises(imports.RegistryImportError, match="один файл .xml"):
        imports.check_file("d.zip", two.getvalue(), None, region_name="Орловская область")


def test_a_fis_oko_login_belongs_to_one_school(app, world):
    db.session.get(Organization, world.school_b.id).fis_oko_login = "edu010001"
    db.session.commit()
    header = REGISTRY_HEADER + ["Логин ФИС ОКО"]
    preview = imports.check_file("r.csv", table_bytes(header, [
        registry_row(n=1) + ["edu010002"], registry_row(n=2, name="Вторая") + ["edu010002"],
        registry_row(n=3, name="Третья") + ["edu010001"], registry_row(n=4, name="Четвёртая") + ["x1"]]),
        None)
    errors = dict(preview.errors)
    assert errors[3] == "логин ФИС ОКО edu010002 уже указан в строке 2"
    assert errors[4] == "логин ФИС ОКО edu010001 уже у другой организации реестра"
    assert "edu" in errors[5]


def test_a_region_users_xml_is_read_for_its_own_region_only(app, world):
    data = registry_xml([
        xml_org(1, region="Энская область", address="Энская обл., Приречный район, с. Луговое"),
        xml_org(2, region="Дальняя область", address="Дальний район, с. Дальнее")])
    preview = imports.check_file("r.xml", data, world.users["region"])
    assert preview.ok and preview.counts["new"] == 1
    assert preview.extra["другие регионы"] == 1
    preview = imports.check_file("r.xml", data, world.users["region"], region_name="Дальняя область")
    assert not preview.ok and "вне вашей территории" in preview.errors[0][1]


def test_a_tables_branch_names_its_head_by_inn_or_name(app, tmp_path):
    header = REGISTRY_HEADER + ["Головная организация"]
    rows = [registry_row(n=1, name="СОШ № 1", region="Орловская область") + [""],
            registry_row(n=1, name="Филиал СОШ № 1", kpp="572002001",
                         region="Орловская область") + [inn(1)],
            registry_row(n=2, name="Филиал другой", kpp="572003001", inn=inn(1),
                         region="Орловская область") + ["МБОУ «СОШ № 1»"],
            registry_row(n=3, name="Сирота", region="Орловская область") + ["Нет такой"]]
    path = tmp_path / "r.csv"
    path.write_bytes(table_bytes(header, rows))
    runner = app.test_cli_runner()
    out = json.loads(runner.invoke(args=["registry", "import", str(path), "--json"]).output)
    assert out["errors"] == [{"row": 5, "message": "головная организация «Нет такой» не найдена "
                                                   "ни в файле, ни в реестре"}]
    path.write_bytes(table_bytes(header, rows[:3]))
    out = json.loads(runner.invoke(args=["registry", "import", str(path), "--json"]).output)
    assert out["created"] == 3, out
    head = db.session.scalar(select(Organization).where(Organization.short_name == "МБОУ «СОШ № 1»"))
    branches = db.session.scalars(select(Organization).where(
        Organization.head_organization_id == head.id)).all()
    assert {b.kpp for b in branches} == {"572002001", "572003001"}
    out = json.loads(runner.invoke(args=["registry", "import", str(path), "--json"]).output)
    assert out["unchanged"] == 3, out
