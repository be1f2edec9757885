"""Roadmap services: import that saves (all or nothing), executors, statuses, overdue, monitoring."""
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditAction, AuditEntry, ItemExecutor, ItemReport, ItemStatus, OrderKind, OrgKind,
    Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection,
)
from shnor_app.services import roadmaps as svc
from shnor_app.services.roadmaps.imports import RoadmapImportError, parse_upload

from tests.factories.core import make_org
from tests.factories.roadmaps import make_roadmap

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _import(name, owner=None, **kw):
    path = FIXTURES / name
    return svc.import_parsed(parse_upload(path.name, path.read_bytes()), owner=owner, **kw)


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Roadmap, RoadmapSection, RoadmapItem, ItemExecutor))


def _items(rm):
    return db.session.scalars(select(RoadmapItem).where(RoadmapItem.roadmap_id == rm.id)
                              .join(RoadmapSection, RoadmapSection.id == RoadmapItem.section_id)
                              .order_by(RoadmapSection.position, RoadmapItem.position)).all()


def test_import_pervomaisky_saves_sections_items_periods_and_order(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="Первомайское РУО")
    result = _import("municipal-roadmap-pervomaisky-2023.txt", owner=authority)
    rm = result.roadmap
    # the methodological plan (14 items) and the roadmap proper (23 items in four sections)
    assert (result.sections, result.items) == (5, 37)
    assert rm.level == RoadmapLevel.MUNICIPAL and rm.year == 2023
    assert (rm.order_kind, rm.order_number, rm.order_date) == (OrderKind.ORDER, "76-О", date(2023, 4, 11))
    assert rm.approved_by == "Приказ № 76-О от 11.04.2023"
    sections = db.session.scalars(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id)
                                  .order_by(RoadmapSection.position)).all()
    assert sections[0].title.startswith("План методических мероприятий")
    assert [s.title for s in sections][1:] == [
        "Организационно-управленческая деятельность", "Организационно-технологическая деятельность",
        "Методическое сопровождение", "Аналитическая деятельность"]
    items = _items(rm)
    assert [i.number for i in items][:3] == ["1.", "2.", "3."] and items[13].number == "14"
    assert items[14].number == "1." and items[-1].number == "23."
    first = items[14]
    assert first.period_text == "Апрель 2023г."
    assert (first.period_start, first.period_end) == (date(2023, 4, 1), date(2023, 4, 30))
    assert first.period_understood and first.status == ItemStatus.NOT_STARTED
    # «РУО» resolves to the municipality's authority; the text is kept as written.
    assert first.executors == "РУО" and first.executor_org_ids == {authority.id}
    assert result.warnings  # the parser's warnings are passed on


def test_import_katanga_without_owner_keeps_executors_as_text_only(world):
    before = _counts()
    result = _import("municipal-roadmap-katanga-2023.txt")
    rm = result.roadmap
    assert rm.owner_id is None and (result.sections, result.items) == (1, 12)
    assert (rm.order_number, rm.order_date) == ("10", date(2023, 1, 17))
    items = _items(rm)
    sections = db.session.scalars(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id)).all()
    assert [s.title for s in sections] == [None]  # items before any section row
    assert items[0].number == "1" and items[0].period_text == "Январь 2023"
    assert items[0].period_end == date(2023, 1, 31)
    assert items[0].executors == "МОО, консультант" and items[0].executor_org_ids == set()
    assert _counts()[3] == before[3]


def test_import_slavyansky_reads_numbered_sections_and_order(world):
    result = _import("municipal-system-slavyansky-2022.txt", level=RoadmapLevel.MUNICIPAL)
    rm = result.roadmap
    assert (result.sections, result.items) == (5, 27)
    assert (rm.order_number, rm.order_date, rm.year) == ("1496", date(2022, 9, 12), 2022)
    numbers = [i.number for i in _items(rm)]
    assert numbers[:4] == ["1.", "2.", "3.", "3.1"] and "7.4." in numbers
    sept = _items(rm)[0]
    assert sept.period_text == "Сентябрь 2022 года" and sept.period_end == date(2022, 9, 30)


def test_set_owner_later_resolves_executors(world):
    rm = _import("municipal-roadmap-katanga-2023.txt").roadmap
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    svc.set_owner(rm, authority)
    first = _items(rm)[0]
    assert first.executor_org_ids == {authority.id}  # «МОО» → the municipal authority


def test_executors_resolve_by_name_and_common_words(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО Приречного района")
    resolver = svc.ExecutorResolver(authority)
    assert resolver.resolve_one("МОУО") == authority.id
    assert resolver.resolve_one("Управление образования администрации") == authority.id
    assert resolver.resolve_one("мкоу сош с. заозерное") == world.school_a.id
    assert resolver.resolve_one("ИРО Энской области") == world.institute.id
    assert resolver.resolve_one("руководители ОУ") is None and resolver.resolve_one("ОО") is None
    assert resolver.resolve_one("МБОУ СОШ № 5 г. Дальнего") is None  # another region


def _docx_bytes():
    from docx import Document

    doc = Document()
    doc.add_paragraph("УТВЕРЖДЕН приказом от 27.02.2023 № 192")
    doc.add_paragraph("План мероприятий («дорожная карта») по поддержке школ на 2023 год")
    t = doc.add_table(rows=4, cols=4)
    for row, cells in zip(t.rows, [
        ["№", "Мероприятие", "Срок", "Ответственные"],
        ["I. Организационные мероприятия", "", "", ""],
        ["1.1.", "Совещание с директорами ШНОР", "февраль – март 2023 г.", "МКОУ СОШ с. Заозёрное"],
        ["1.2.", "Мониторинг результатов ВПР", "ежеквартально", "УО"],
    ]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_import_of_a_docx_built_here(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО")
    parsed = parse_upload("plan.docx", _docx_bytes())
    result = svc.import_parsed(parsed, owner=authority)
    rm = result.roadmap
    assert (result.sections, result.items) == (1, 2)
    assert (rm.order_number, rm.order_date) == ("192", date(2023, 2, 27))
    assert rm.year == 2023
    first, second = _items(rm)
    assert first.number == "1.1." and (first.period_start, first.period_end) == (
        date(2023, 2, 1), date(2023, 3, 31))
    assert first.executor_org_ids == {world.school_a.id}
    assert second.recurrence == {"kind": "quarterly"} and second.executor_org_ids == {authority.id}


@pytest.mark.parametrize("name,data", [
    ("broken.docx", b"PK\x03\x04 this is not really a zip"),
    ("plan.pdf", b"%PDF-1.4 whatever"),
    ("empty.txt", "Просто текст без таблицы\nи ещё строка".encode()),
])
def test_broken_file_gives_a_russian_error_and_saves_nothing(world, name, data):
    before = _counts()
    with pytest.raises(RoadmapImportError) as err:
        svc.import_parsed(parse_upload(name, data))
    assert any("а" <= ch <= "я" for ch in err.value.message.lower())
    assert _counts() == before


def test_import_is_all_or_nothing_when_saving_fails(world, monkeypatch):
    path = FIXTURES / "municipal-roadmap-katanga-2023.txt"
    parsed = parse_upload(path.name, path.read_bytes())
    before = _counts()
    calls = {"n": 0}
    real = svc.apply_period

    def failing(item, text, year):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk full")
        real(item, text, year)

    monkeypatch.setattr(svc, "apply_period", failing)
    with pytest.raises(RuntimeError):
        svc.import_parsed(parsed)
    assert _counts() == before


def test_dry_run_saves_nothing(world):
    before = _counts()
    result = _import("municipal-roadmap-katanga-2023.txt", dry_run=True)
    assert result.roadmap is None and result.items == 12
    assert _counts() == before


def test_done_needs_an_actual_result_or_a_report(world):
    rm, _, _ = make_roadmap(world.school_a, 1, year=2026)
    item = _items(rm)[0]
    with pytest.raises(svc.RoadmapError, match="фактический результат или добавьте отчёт"):
        svc.set_status(item, ItemStatus.DONE, by=world.users["methodist"])
    db.session.expire_all()
    assert db.session.get(RoadmapItem, item.id).status == ItemStatus.NOT_STARTED
    svc.set_status(item, ItemStatus.DONE, actual_result="Проведено 3 совещания",
                   by=world.users["methodist"])
    assert item.status == ItemStatus.DONE and item.status_changed_by_id == world.users["methodist"].id
    other = svc.add_item(db.session.get(RoadmapSection, item.section_id),
                         {"text": "Ещё", "period_text": "май 2026"})
    svc.add_report(other, text="Сделано", report_date=date(2026, 5, 10), by=world.users["school"])
    svc.set_status(other, ItemStatus.DONE, by=world.users["methodist"])
    assert other.status == ItemStatus.DONE


def test_status_changes_and_reports_are_audited(world):
    rm, _, _ = make_roadmap(world.school_a, 1, year=2026)
    item = _items(rm)[0]
    svc.set_status(item, ItemStatus.IN_PROGRESS, by=world.users["methodist"])
    svc.add_report(item, text="Начали", report_date=None, by=world.users["school"])
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type.in_(["roadmap_items", "roadmap_item_reports"]))).all()
    status_change = [e for e in entries if e.action == AuditAction.UPDATE and "status" in (e.changes or {})]
    assert status_change and status_change[0].changes["status"] == ["не начато", "в работе"]
    assert any(e.object_type == "roadmap_item_reports" and e.action == AuditAction.CREATE for e in entries)


def test_overdue_is_end_date_passed_and_not_done_or_cancelled(world):
    today = date(2026, 6, 15)
    rm, _, _ = make_roadmap(world.school_a, 0, year=2026)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    past = svc.add_item(section, {"text": "Прошло", "period_text": "март 2026"})
    future = svc.add_item(section, {"text": "Впереди", "period_text": "декабрь 2026"})
    open_ = svc.add_item(section, {"text": "Постоянно", "period_text": "постоянно"})
    unparsed = svc.add_item(section, {"text": "Непонятно", "period_text": "когда-нибудь потом"})
    assert past.is_overdue(today) and not future.is_overdue(today)
    assert not open_.is_overdue(today) and open_.period_understood
    assert unparsed.period_unparsed and unparsed.period_text == "когда-нибудь потом"
    assert not unparsed.is_overdue(today)
    for status, overdue in [(ItemStatus.PARTIALLY_DONE, True), (ItemStatus.NOT_DONE, True),
                            (ItemStatus.CANCELLED, False), (ItemStatus.IN_PROGRESS, True)]:
        past.status = status
        assert past.is_overdue(today) is overdue
    past.status = ItemStatus.NOT_STARTED
    assert future.due_soon(date(2026, 12, 20)) and not future.due_soon(today)
    report = svc.monitoring([rm], today=today)
    assert report.counts.total == 4 and report.counts.overdue == 1
    assert [i.id for _, i in report.overdue_items] == [past.id]


def test_monitoring_counts_per_section(world):
    rm, _, _ = make_roadmap(world.school_a, 4, year=2026)
    items = _items(rm)
    svc.set_status(items[0], ItemStatus.DONE, actual_result="Да")
    svc.set_status(items[1], ItemStatus.IN_PROGRESS)
    svc.set_status(items[2], ItemStatus.CANCELLED)
    section2 = svc.add_section(rm, "II. Методическое сопровождение")
    svc.add_item(section2, {"text": "Семинар", "period_text": "декабрь 2026"})
    report = svc.monitoring([rm], today=date(2026, 6, 1))
    (stats,) = report.roadmaps
    first, second = stats.sections
    assert (first.counts.total, first.counts.done, first.counts.in_progress,
            first.counts.not_started, first.counts.cancelled, first.counts.overdue) == (4, 1, 1, 1, 1, 2)
    assert first.counts.percent_done == 33  # cancelled items do not count
    assert second.title == "II. Методическое сопровождение" and second.counts.total == 1
    assert sum(s["w"] for s in first.counts.segments(400)) == pytest.approx(400, abs=0.5)


def test_move_item_swaps_neighbours_within_the_section(world):
    rm, _, _ = make_roadmap(world.school_a, 3, year=2026, text="Мероприятие {}")
    a, b, c = _items(rm)
    svc.move_item(c, "up")
    assert [i.text for i in _items(rm)] == ["Мероприятие 1", "Мероприятие 3", "Мероприятие 2"]
    svc.move_item(a, "up")  # already first: nothing happens
    assert _items(rm)[0].id == a.id
    svc.delete_item(b)
    assert b.deleted_at is not None


def test_report_validation(world):
    rm, _, _ = make_roadmap(world.school_a, 1, year=2026)
    item = _items(rm)[0]
    user = world.users["school"]
    with pytest.raises(svc.RoadmapError, match="Опишите"):
        svc.add_report(item, text="  ", report_date=None, by=user)
    with pytest.raises(svc.RoadmapError, match="позже сегодняшней"):
        svc.add_report(item, text="x", report_date=date.today() + timedelta(days=30), by=user)
    with pytest.raises(svc.RoadmapError, match="http"):
        svc.add_report(item, text="x", report_date=None, link="javascript:alert(1)", by=user)
    with pytest.raises(svc.RoadmapError):
        svc.add_report(item, text="x", report_date=None, by=user, file_name="a.html",
                       file_data=b"<html></html>")
    assert db.session.scalar(select(func.count()).select_from(ItemReport)) == 0
    report = svc.add_report(item, text="Проведён семинар", report_date=None, by=user,
                            link="https://school.example/news/1", file_name="протокол.pdf",
                            file_data=b"%PDF-1.4 test")
    assert report.organization_id == world.school_a.id


def test_executor_filter_ignores_case_in_russian(world):
    from datetime import date

    from shnor_app.extensions import db as _db
    from shnor_app.models import Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection
    from shnor_app.services import roadmaps as s
    from sqlalchemy import select as _select

    rm = Roadmap(owner_id=world.school_a.id, title="ДК", year=2026, level=RoadmapLevel.SCHOOL)
    s.save_roadmap(rm, is_new=True)
    section = _db.session.scalar(_select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    s.add_item(section, {"number": "1.", "text": "Семинар", "executors": "Гимназия № 2, РУО"})
    s.add_item(section, {"number": "2.", "text": "Совещание", "executors": "ИРО"})
    for needle in ("гимназия", "ГИМНАЗИЯ", "Гимназия № 2"):
        stmt = s.filter_items(_select(RoadmapItem).where(RoadmapItem.roadmap_id == rm.id),
                              s.Filters(executor=needle), user=None, today=date(2026, 1, 1))
        assert [i.text for i in _db.session.scalars(stmt)] == ["Семинар"], needle
