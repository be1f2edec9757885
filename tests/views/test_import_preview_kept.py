"""The registry / staff import preview is checked once per staged file and set of choices:
the next pages are served from the check kept with the staged file; a changed choice checks
the file again; the confirmation always checks it against the database as it is then."""
import io
import re
from datetime import date

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import StaffMember, StagedUpload
from shnor_app.services import uploads
from shnor_app.services.registry import imports as registry_import
from shnor_app.services.registry import staff_import

from tests.conftest import post
from tests.factories.core import make_staff
from tests.registry_files import STAFF_HEADER, registry_xml, staff_row, table_bytes, xml_org


def upload(client, kind, name, data, **fields):
    resp = post(client, f"/registry/import/{kind}", {"file": (io.BytesIO(data), name), **fields})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    return resp.headers["Location"]


def counting(monkeypatch, module):
    """Count the reads of the file by ``module.read_file`` (every check reads it once)."""
    calls = {"n": 0}
    real = module.read_file

    def read_file(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "read_file", read_file)
    return calls


def counts(html):
    """The preview's counts as read: «Новых: 2 Изменится: 0 …»."""
    block = re.search(r'<ul class="import-counts".*?</ul>', html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", "", block).split())


def staff_count(name):
    return db.session.scalar(select(func.count()).select_from(StaffMember).where(
        StaffMember.full_name == name))


def test_page_two_of_a_staff_preview_is_served_without_reading_the_file_again(
        login_as, world, monkeypatch):
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [staff_row(f"Учитель Номер {i:03d}")
                                      for i in range(150)])
    url = upload(c, "staff", "s.csv", data, school_id=str(world.school_a.id))
    reads = counting(monkeypatch, staff_import)
    first = c.get(url).get_data(as_text=True)
    assert reads["n"] == 1
    assert "Учитель Номер 005" in first and "Учитель Номер 120" not in first
    second = c.get(url + "?page=2")
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "Учитель Номер 120" in html and "Учитель Номер 005" not in html
    assert "Новых: 150" in counts(html)
    assert c.get(url + "?page=2&status=new").status_code == 200
    assert reads["n"] == 1  # pages 2, filtered: read from the kept check
    staged = db.session.get(StagedUpload, url.rsplit("/", 1)[1])
    assert staged.checked is not None and staged.checked_for


def test_a_changed_choice_checks_the_file_again(login_as, world, monkeypatch):
    c = login_as("admin")
    data = registry_xml([
        xml_org(1, region="Энская область", address="Энская область, Бологовский р-н, д. Кемцы")])
    url = upload(c, "registry", "reestr.xml", data, region="Энская область")
    reads = counting(monkeypatch, registry_import)
    html = c.get(url).get_data(as_text=True)
    assert 'value="new:Бологовский район"' in html
    c.get(url + "?page=2")
    assert reads["n"] == 1
    resp = post(c, url + "/choices", {"muni:id:ID000001": f"id:{world.muni2.id}"})
    assert resp.status_code == 302
    html = c.get(url).get_data(as_text=True)
    assert reads["n"] == 2  # checked again for the new choice
    assert 'value="new:Бологовский район"' not in html and "Новых: 1" in counts(html)
    c.get(url)
    assert reads["n"] == 2


def test_the_confirmation_checks_against_the_database_as_it_is_then(login_as, world, monkeypatch):
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [staff_row("Новикова Ольга Петровна", born="02.03.1990")])
    url = upload(c, "staff", "s.csv", data, school_id=str(world.school_a.id))
    assert "Новых: 1" in counts(c.get(url).get_data(as_text=True))
    # meanwhile someone enters the same person by hand
    make_staff(world.school_a, "Новикова Ольга Петровна", birth_date=date(1990, 3, 2))
    reads = counting(monkeypatch, staff_import)
    assert post(c, url + "/confirm").status_code == 302
    assert reads["n"] == 1  # read and checked again, not taken from the kept preview
    assert staff_count("Новикова Ольга Петровна") == 1  # matched, not a second copy


def test_a_confirmation_against_a_changed_database_can_refuse(login_as, world, monkeypatch):
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [staff_row("Петров Пётр Петрович", school=world.school_a.short_name)])
    url = upload(c, "staff", "s.csv", data)
    assert "Новых: 1" in counts(c.get(url).get_data(as_text=True))
    # the school's name in the file no longer finds it
    world.school_a.short_name = "Переименованная школа"
    world.school_a.full_name = "Переименованная школа"
    db.session.commit()
    resp = post(c, url + "/confirm")
    assert resp.status_code == 422
    assert "Ничего не сохранено" in resp.get_data(as_text=True)
    assert staff_count("Петров Пётр Петрович") == 0


def test_a_check_too_large_to_keep_is_checked_on_every_page(login_as, world, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_CHECKED", 10)
    c = login_as("methodist")
    data = table_bytes(STAFF_HEADER, [staff_row(f"Учитель Номер {i:03d}") for i in range(3)])
    url = upload(c, "staff", "s.csv", data, school_id=str(world.school_a.id))
    reads = counting(monkeypatch, staff_import)
    assert c.get(url).status_code == 200 and c.get(url + "?page=2").status_code == 200
    assert reads["n"] == 2
    assert db.session.get(StagedUpload, url.rsplit("/", 1)[1]).checked is None
