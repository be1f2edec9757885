"""Roadmaps with sections, items, executors, progress reports and the audit trail of statuses.

This module is the worked example for the other areas: read ids from ``ctx.ids``, build plain
dicts with ids from ``ctx.take_ids``, ``ctx.insert`` them per table, leave ids for later areas.

One regional roadmap (owner: the ministry) and one per municipality (owner: the municipal
authority) of ``items_per_big_roadmap`` items each — these are the 120-item pages of the
budget — and school roadmaps for the other schools (this year's ШНОР first) of about
``items_per_school_roadmap`` items, so that there are as many roadmaps as schools (900).
Items carry periods as people write them (parsed once per text with the app's own
``parse_period``), executors as written with their resolved organisations, statuses that
follow the dates (past items mostly done, with an actual result; some overdue), reports on
about a third of the items, and one audit entry per status change.

Puts into ``ctx.ids``: ``roadmap_by_owner`` (organisation id → roadmap id),
``big_roadmaps`` (the regional and municipal ones), ``items_by_roadmap``.
"""
from __future__ import annotations

from datetime import timedelta

from shnor_app.models import (
    AuditAction, AuditEntry, ItemExecutor, ItemReport, ItemStatus, OrderKind, Roadmap,
    RoadmapItem, RoadmapLevel, RoadmapSection,
)
from shnor_app.services.roadmaps.periods import parse_period

NEEDS = ("Roadmap", "RoadmapSection", "RoadmapItem", "ItemExecutor", "ItemReport")

SECTIONS = ["I. Организационно-управленческие мероприятия", "II. Методическое сопровождение ШНОР",
            "III. Повышение квалификации педагогических и управленческих кадров",
            "IV. Работа с обучающимися, имеющими трудности в обучении",
            "V. Мониторинг и оценка качества образования",
            "VI. Информационное сопровождение и работа с родителями"]
MEASURES = [
    "Проведение совещания с руководителями ШНОР по итогам ГИА и ВПР",
    "Анализ результатов оценочных процедур (ВПР, ОГЭ, ЕГЭ) и выявление профессиональных "
    "дефицитов педагогов",
    "Разработка и утверждение антирисковых программ по выявленным факторам риска",
    "Организация сетевого взаимодействия ШНОР со школами-тьюторами",
    "Проведение методического десанта в ШНОР: посещение уроков, консультации",
    "Собеседование с руководителями ШНОР по подготовке к ГИА обучающихся 9 и 11 классов",
    "Курсы повышения квалификации учителей математики и русского языка по работе с "
    "низкомотивированными обучающимися",
    "Семинар-практикум «Формирующее оценивание на уроке»",
    "Мониторинг реализации программ перехода школ в эффективный режим работы",
    "Организация работы муниципальных методических объединений по предметам",
    "Открытые уроки учителей школ-тьюторов для педагогов ШНОР",
    "Корректировка индивидуальных образовательных маршрутов педагогов (ИОМ)",
    "Анкетирование родителей об удовлетворённости качеством образования",
    "Проведение пробных экзаменов в формате ОГЭ и ЕГЭ",
    "Консультации для обучающихся группы риска по математике",
    "Размещение информации о реализации программы на сайте образовательной организации",
    "Круглый стол «Эффективные практики повышения качества образования»",
    "Контроль посещаемости занятий обучающимися, имеющими академическую задолженность",
    "Диагностика управленческих компетенций руководителей ШНОР",
    "Организация наставничества для молодых специалистов",
    "Внутришкольный контроль качества преподавания предметов с низкими результатами",
    "Подготовка аналитической справки по итогам реализации дорожной карты",
]
RESULTS = ["Аналитическая справка", "Протокол совещания", "Приказ об утверждении",
           "Доля педагогов, прошедших КПК, — 100 %", "План мероприятий", "Рекомендации для ОО",
           "Снижение доли неудовлетворительных результатов", "Информация на сайте"]
INDICATORS = ["Количество проведённых мероприятий", "Доля ШНОР, принявших участие",
              "Наличие утверждённого документа", "Доля обучающихся, преодолевших минимальный "
              "порог", ""]
PERIODS = ["январь {y} г.", "февраль – март {y} г.", "до 01.04.{y}", "апрель {y} г.",
           "май – июнь {y} г.", "в течение {y} года", "ежеквартально", "ежемесячно",
           "сентябрь {y} г.", "октябрь – ноябрь {y} г.", "до 20.12.{y}", "по графику",
           "2 и 4 среда каждого месяца", "20–21 апреля {y} г.", "август {y} г.",
           "декабрь {y} г.", "в течение {y}-{y1} учебного года", "по мере необходимости"]
REPORTS = ["Мероприятие проведено, материалы размещены на сайте.",
           "Проведено совещание, протокол прилагается.",
           "Работа ведётся по плану: проведены встречи с управленческими командами ШНОР.",
           "Подготовлена аналитическая справка, рекомендации направлены в школы.",
           "Обучение прошли 12 педагогов, удостоверения получены."]


def _periods(year: int) -> list[dict]:
    out = []
    for text in PERIODS:
        text = text.format(y=year, y1=year + 1)
        p = parse_period(text, year)
        out.append({"period_text": text, "period_start": p.start, "period_end": p.end,
                    "recurrence": p.recurrence.to_dict() if p.recurrence else None,
                    "period_understood": bool(p.understood)})
    return out


def _status(rng, end, today) -> ItemStatus:
    r = rng.random()
    if end is not None and end < today:
        return (ItemStatus.DONE if r < 0.6 else ItemStatus.PARTIALLY_DONE if r < 0.7
                else ItemStatus.NOT_DONE if r < 0.75 else ItemStatus.CANCELLED if r < 0.77
                else ItemStatus.IN_PROGRESS if r < 0.9 else ItemStatus.NOT_STARTED)
    return ItemStatus.IN_PROGRESS if r < 0.45 else ItemStatus.NOT_STARTED


def generate(ctx) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    ministry = ctx.ids["regional_orgs"][0]
    institute = ctx.ids["regional_orgs"][1]
    authority = ctx.ids["authority_by_municipality"]
    names = ctx.ids["school_names"]
    users = ctx.ids["users_by_role"]
    methodist_of = {m: uid for uid, _, m in users.get("methodist", [])}
    school_user_of = {o: uid for uid, _, o in users.get("school", [])}
    low = ctx.ids["low_results"]
    low_set = set(low)

    # (owner, level, muni, item count, title, author)
    plans = [(ministry, RoadmapLevel.REGIONAL, None, s.items_per_big_roadmap,
              f"Региональный план мероприятий («дорожная карта») по поддержке школ с низкими "
              f"образовательными результатами на {year} год", None)]
    for muni, auth in authority.items():
        plans.append((auth, RoadmapLevel.MUNICIPAL, muni, s.items_per_big_roadmap,
                      f"План мероприятий («дорожная карта») на {year} год по повышению качества "
                      f"образования в ШНОР и ШНСУ", methodist_of.get(muni)))
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    others = [o for o in ctx.ids["schools"] if o not in low_set]
    n_school = max(0, len(ctx.ids["schools"]) - len(plans))
    spread = s.items_per_school_roadmap // 3
    for org in (low + others)[:n_school]:
        n = rng.randint(s.items_per_school_roadmap - spread, s.items_per_school_roadmap + spread)
        plans.append((org, RoadmapLevel.SCHOOL, muni_of[org], n,
                      f"Дорожная карта {names[org]} по переходу в эффективный режим работы, "
                      f"{year} год", school_user_of.get(org)))

    periods = _periods(year)
    today = ctx.today
    rm_rows, sec_rows, item_rows, exe_rows, rep_rows, audit_rows = [], [], [], [], [], []
    roadmap_by_owner, items_by_roadmap = {}, {}
    rm_ids = ctx.take_ids(Roadmap, len(plans))
    for rm_id, (owner, level, muni, n_items, title, author) in zip(rm_ids, plans):
        roadmap_by_owner[owner] = rm_id
        rm_rows.append(ctx.stamp(
            id=rm_id, level=level, owner_id=owner, title=title, year=year,
            period_start=today.replace(month=1, day=1), period_end=today.replace(month=12, day=31),
            order_kind=OrderKind.ORDER, order_number=str(rng.randint(10, 300)),
            order_date=today.replace(month=2, day=rng.randint(1, 27)), source_name=None,
            deleted_at=None, created_by_id=author))
        n_sections = 6 if level != RoadmapLevel.SCHOOL else rng.randint(3, 5)
        sec_ids = list(ctx.take_ids(RoadmapSection, n_sections))
        for pos, sid in enumerate(sec_ids):
            sec_rows.append(ctx.stamp(id=sid, roadmap_id=rm_id, position=pos,
                                      title=SECTIONS[pos]))
        item_ids = list(ctx.take_ids(RoadmapItem, n_items))
        items_by_roadmap[rm_id] = item_ids
        muni_low = [o for o in low if muni_of[o] == muni] if muni else low[:5]
        for k, iid in enumerate(item_ids):
            sec_pos = k * n_sections // n_items
            per = rng.choice(periods)
            status = _status(rng, per["period_end"], today)
            links = _executors(rng, level, owner, muni, authority, institute, muni_low, names)
            item_rows.append(ctx.stamp(
                id=iid, roadmap_id=rm_id, section_id=sec_ids[sec_pos], position=k,
                number=f"{sec_pos + 1}.{k + 1}.", text=rng.choice(MEASURES), **per,
                executors=", ".join(name for _, name in links),
                expected_result=rng.choice(RESULTS), indicator=rng.choice(INDICATORS),
                status=status,
                actual_result=("Выполнено. " + rng.choice(RESULTS))
                if status == ItemStatus.DONE else None,
                status_changed_at=ctx.now - timedelta(days=rng.randint(1, 200))
                if status != ItemStatus.NOT_STARTED else None,
                status_changed_by_id=author if status != ItemStatus.NOT_STARTED else None,
                deleted_at=None, created_by_id=author))
            exe_rows += [{"item_id": iid, "organization_id": org} for org, _ in links if org]
            if status != ItemStatus.NOT_STARTED:
                audit_rows.append({
                    "at": ctx.now - timedelta(days=rng.randint(1, 200)), "user_id": author,
                    "user_name": None, "address": "127.0.0.1", "action": AuditAction.UPDATE,
                    "object_type": "roadmap_items", "object_id": iid,
                    "object_label": item_rows[-1]["number"] + " " + item_rows[-1]["text"][:150],
                    "changes": {"status": [ItemStatus.NOT_STARTED.label, status.label]},
                    "message": None})
                if status != ItemStatus.CANCELLED and rng.random() < 0.5:
                    for _ in range(rng.randint(1, 2)):
                        rep_rows.append(ctx.stamp(
                            item_id=iid, report_date=today - timedelta(days=rng.randint(1, 300)),
                            author_id=author, organization_id=owner
                            if level == RoadmapLevel.SCHOOL else None,
                            text=rng.choice(REPORTS), link=None, deleted_at=None,
                            created_by_id=author))
    ctx.insert_all((Roadmap, rm_rows), (RoadmapSection, sec_rows), (RoadmapItem, item_rows),
                   (ItemExecutor, exe_rows), (ItemReport, rep_rows), (AuditEntry, audit_rows),
                   new_ids=(ItemExecutor, ItemReport, AuditEntry))
    ctx.ids.update(roadmap_by_owner=roadmap_by_owner, items_by_roadmap=items_by_roadmap,
                   big_roadmaps=[r["id"] for r in rm_rows if r["level"] != RoadmapLevel.SCHOOL])


def _executors(rng, level, owner, muni, authority, institute, muni_low, names):
    """(organisation id or None, name as written) of an item's executors."""
    if level == RoadmapLevel.SCHOOL:
        out = [(owner, names[owner])]
        if rng.random() < 0.3:
            out.append((None, "заместитель директора по УВР"))
        if rng.random() < 0.2 and muni in authority:
            out.append((authority[muni], "УО"))
        return out
    out = [(authority[muni], "МОУО")] if muni else [(owner, "Министерство образования")]
    if rng.random() < 0.4:
        out.append((institute, "ИРО Энской области"))
    if muni_low and rng.random() < 0.5:
        for org in rng.sample(muni_low, k=min(len(muni_low), rng.randint(1, 2))):
            out.append((org, names[org]))
    if rng.random() < 0.3:
        out.append((None, "руководители ШНОР"))
    return out
