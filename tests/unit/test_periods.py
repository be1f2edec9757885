"""Tests for shnor_app.services.roadmaps.periods (free-text roadmap deadlines)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from shnor_app.services.roadmaps.periods import Period, Recurrence, describe, parse_period

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

R = Recurrence
OPEN = "open"  # marker: understood, open-ended, no dates, no recurrence
NO = "not understood"


def d(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


# (text, year, start, end, recurrence, flag)
# flag: None = understood and dated/recurring; OPEN = open-ended; NO = not understood.
# ---------------------------------------------------------------- fixtures
KATANGA = [  # «на 2023-2024 гг.» → year 2023
    ("Январь 2023", 2023, "2023-01-01", "2023-01-31", None, None),
    ("В течение 2023-2024 гг", 2023, "2023-01-01", "2024-12-31", None, None),
    ("По отдельному графику", 2023, None, None, None, OPEN),
    ("Март- апрель", 2023, "2023-03-01", "2023-04-30", None, None),
    ("По мере необходимости", 2023, None, None, None, OPEN),
    ("В течение учебного года", 2023, "2023-09-01", "2024-05-31", None, None),
    ("По итогам учебного года", 2023, "2024-05-01", "2024-05-31", R("yearly"), None),
    ("В течение года, согласно региональной дорожной карты", 2023, "2023-01-01", "2023-12-31", None, None),
]
PERVOMAISKY = [  # «на 2023 год» → year 2023
    ("2023 год", 2023, "2023-01-01", "2023-12-31", None, None),
    ("Один раз в четверть", 2023, None, None, R("per_term"), None),
    ("Сентябрь 2022 года", 2023, "2022-09-01", "2022-09-30", None, None),
    # one cell split over two table rows («Ежегодно до» / «01.10.»): both halves and the merged text
    ("Ежегодно до", 2023, None, None, R("yearly"), None),
    ("01.10.", 2023, "2023-10-01", "2023-10-01", None, None),
    ("Ежегодно до 01.10.", 2023, None, "2023-10-01", R("yearly"), None),
    ("Ежегодно до\n01.10.", 2023, None, "2023-10-01", R("yearly"), None),
    ("Ежегодно", 2023, None, None, R("yearly"), None),
    ("Постоянно", 2023, None, None, None, OPEN),
    ("В течение 2023 г. и последующий период", 2023, "2023-01-01", None, None, None),
    ("В течение года", 2023, "2023-01-01", "2023-12-31", None, None),
    ("Апрель 2023г.", 2023, "2023-04-01", "2023-04-30", None, None),
    ("Ежемесячно", 2023, None, None, R("monthly"), None),
    ("Апрель 2023", 2023, "2023-04-01", "2023-04-30", None, None),
    ("Март 2023г.", 2023, "2023-03-01", "2023-03-31", None, None),
    ("Июнь 2023г.", 2023, "2023-06-01", "2023-06-30", None, None),
    ("20–21 апреля 2023г., октябрь 2023г.", 2023, "2023-04-20", "2023-10-31", None, None),
    ("Май 2023г.", 2023, "2023-05-01", "2023-05-31", None, None),
    ("Октябрь-ноябрь 2023г.", 2023, "2023-10-01", "2023-11-30", None, None),
    ("Декабрь 2023г.", 2023, "2023-12-01", "2023-12-31", None, None),
    ("Май 2023", 2023, "2023-05-01", "2023-05-31", None, None),
    ("Август – октябрь 2023г.", 2023, "2023-08-01", "2023-10-31", None, None),
]
SLAVYANSKY = [  # «в 2022-2023 учебном году» → year 2022
    ("Мониторинг, 1 раз в год", 2022, None, None, R("yearly"), None),
    # cells broken by a page break: fragments and the merged text
    ("Монито-", 2022, None, None, None, NO),
    ("ринг, 1 раз в год", 2022, None, None, R("yearly"), None),
    ("Монито- ринг, 1 раз в год", 2022, None, None, R("yearly"), None),
    ("Мониторинг, 1 раз в", 2022, None, None, None, NO),
    ("год", 2022, None, None, None, NO),
    (
        "Мониторинг, 1 раз в год после 1 четверти учебного года. Анализ информации",
        2022, "2022-11-01", None, R("yearly"), None,
    ),
    ("Мониторинг 2 раза в год", 2022, None, None, R("yearly", times=2), None),
    ("1 раз в четверти", 2022, None, None, R("per_term"), None),
    ("1 раз в год", 2022, None, None, R("yearly"), None),
    ("Сентябрь 2022 года", 2022, "2022-09-01", "2022-09-30", None, None),
    ("Сентябрь 2022 года В течение учебного года", 2022, "2022-09-01", "2023-05-31", None, None),
    ("После 1 четверти 2022-2023 учебного года", 2022, "2022-11-01", None, None, None),
    ("В течение учебного года, по отдельным планам", 2022, "2022-09-01", "2023-05-31", None, None),
    (
        "В течение учебного года по плану муниципального сообщества тьюторов",
        2022, "2022-09-01", "2023-05-31", None, None,
    ),
    ("Постоянно", 2022, None, None, None, OPEN),
    ("В течение учебного года По плану УО", 2022, "2022-09-01", "2023-05-31", None, None),
    ("По плану НМЦ", 2022, None, None, None, OPEN),
    ("В течение учебного года", 2022, "2022-09-01", "2023-05-31", None, None),
    ("1 раз в четверть", 2022, None, None, R("per_term"), None),
    ("По плану КМЦ", 2022, None, None, None, OPEN),
    ("По плану сообщества", 2022, None, None, None, OPEN),
    ("По графику МОН и МП КК", 2022, None, None, None, OPEN),
    ("2 раза в год по плану НМЦ", 2022, None, None, R("yearly", times=2), OPEN),
    ("По плану МОН и МП КК", 2022, None, None, None, OPEN),
    ("По графику МКУО ЦОКО", 2022, None, None, None, OPEN),
    ("По отдельному графику", 2022, None, None, None, OPEN),
    ("Март 2023 года", 2022, "2023-03-01", "2023-03-31", None, None),
    ("По мере проведения", 2022, None, None, None, OPEN),
]
# ---------------------------------------------------------------- invented, same family
INVENTED = [
    # months and month ranges
    ("сентябрь 2023", None, "2023-09-01", "2023-09-30", None, None),
    ("СЕНТЯБРЬ 2023 Г.", None, "2023-09-01", "2023-09-30", None, None),
    ("февраль – март 2023 г.", None, "2023-02-01", "2023-03-31", None, None),
    ("февраль—март 2023г", None, "2023-02-01", "2023-03-31", None, None),
    ("март  -  апрель   2023  г.", None, "2023-03-01", "2023-04-30", None, None),
    ("Март -\nАпрель\t2023", None, "2023-03-01", "2023-04-30", None, None),
    ("октябрь 2020 г. – май 2021 г.", None, "2020-10-01", "2021-05-31", None, None),
    ("сентябрь – май", 2023, "2023-09-01", "2024-05-31", None, None),
    ("октябрь-декабрь, январь-май", 2023, "2023-10-01", "2024-05-31", None, None),
    ("Май-июнь", 2022, "2022-05-01", "2022-06-30", None, None),
    ("декабрь – январь 2024", None, "2023-12-01", "2024-01-31", None, None),
    ("ноябрь 2022 - март", None, "2022-11-01", "2023-03-31", None, None),
    ("Январе 2023 года", None, "2023-01-01", "2023-01-31", None, None),
    ("в мае 2023 года", None, "2023-05-01", "2023-05-31", None, None),
    ("янв. 2023", None, "2023-01-01", "2023-01-31", None, None),
    ("май 23 г.", None, "2023-05-01", "2023-05-31", None, None),
    ("в течение сентября", 2023, "2023-09-01", "2023-09-30", None, None),
    ("с января по май 2023 года", None, "2023-01-01", "2023-05-31", None, None),
    ("сентябрь", None, None, None, None, NO),  # no year anywhere: no date can be built
    # lists
    ("июнь 2023 г., ноябрь 2023 г.", None, "2023-06-01", "2023-11-30", None, None),
    ("март, ноябрь", 2023, "2023-03-01", "2023-11-30", None, None),
    ("сентябрь-октябрь 2022 г., март 2023 г.", None, "2022-09-01", "2023-03-31", None, None),
    # academic and calendar years
    ("2022-2023 учебный год", None, "2022-09-01", "2023-05-31", None, None),
    ("2022/2023 уч. год", None, "2022-09-01", "2023-05-31", None, None),
    ("2023-24 уч.г.", None, "2023-09-01", "2024-05-31", None, None),
    ("в течение 2022-2023 учебного года", None, "2022-09-01", "2023-05-31", None, None),
    ("в течение   всего учебного года", 2022, "2022-09-01", "2023-05-31", None, None),
    ("в течение учебного года", None, None, None, None, NO),
    ("в течение года", 2024, "2024-01-01", "2024-12-31", None, None),
    ("в течение 2023 года", None, "2023-01-01", "2023-12-31", None, None),
    ("В течение 2023-2024 гг.", None, "2023-01-01", "2024-12-31", None, None),
    ("в течение 2023г.", None, "2023-01-01", "2023-12-31", None, None),
    ("2023 г.", None, "2023-01-01", "2023-12-31", None, None),
    ("2023г", None, "2023-01-01", "2023-12-31", None, None),
    ("2023 гг.", None, "2023-01-01", "2023-12-31", None, None),
    ("с 2023 года", None, "2023-01-01", None, None, None),
    ("начало 2023 года", None, "2023-01-01", "2023-01-31", None, None),
    ("до конца 2023 года", None, None, "2023-12-31", None, None),
    ("конец учебного года", 2023, "2024-05-01", "2024-05-31", None, None),
    ("Начало учебного года", 2023, "2023-09-01", "2023-09-30", None, None),
    ("до конца 2022-2023 учебного года", None, None, "2023-05-31", None, None),
    # exact dates
    ("до 01.10", 2023, None, "2023-10-01", None, None),
    ("до 15 апреля 2023 г.", None, None, "2023-04-15", None, None),
    ("20–21 апреля 2023г.", None, "2023-04-20", "2023-04-21", None, None),
    ("с 15 марта 2023 г.", None, "2023-03-15", None, None, None),
    ("15.03.2023", None, "2023-03-15", "2023-03-15", None, None),
    ("15.03.23", None, "2023-03-15", "2023-03-15", None, None),
    ("15.03.2023 – 20.04.2023", None, "2023-03-15", "2023-04-20", None, None),
    ("с 15.03.2023 по 20.04.2023 г.", None, "2023-03-15", "2023-04-20", None, None),
    ("до 1 сентября", 2023, None, "2023-09-01", None, None),
    ("К 1 сентября 2023 г.", None, None, "2023-09-01", None, None),
    ("не позднее 25 мая 2023 года", None, None, "2023-05-25", None, None),
    ("с 1 по 10 сентября 2023 г.", None, "2023-09-01", "2023-09-10", None, None),
    ("до 20 декабря", 2022, None, "2022-12-20", None, None),
    ("до 31.02.2023", None, None, None, None, NO),  # impossible date
    # quarters, halves, terms
    ("I квартал 2023", None, "2023-01-01", "2023-03-31", None, None),
    ("1 квартал", 2023, "2023-01-01", "2023-03-31", None, None),
    ("II-III кварталы", 2023, "2023-04-01", "2023-09-30", None, None),
    ("IV кв. 2023 г.", None, "2023-10-01", "2023-12-31", None, None),
    ("в течение I квартала 2023 года", None, "2023-01-01", "2023-03-31", None, None),
    ("3-й квартал 2024 года", None, "2024-07-01", "2024-09-30", None, None),
    ("1 полугодие 2023 г.", None, "2023-01-01", "2023-06-30", None, None),
    ("первое полугодие", 2023, "2023-01-01", "2023-06-30", None, None),
    ("2 полугодие", 2023, "2023-07-01", "2023-12-31", None, None),
    ("1 полугодие 2022-2023 учебного года", None, "2022-09-01", "2022-12-31", None, None),
    ("3 четверть", 2022, "2023-01-01", "2023-03-31", None, None),
    ("в 1 четверти 2023-2024 учебного года", None, "2023-09-01", "2023-10-31", None, None),
    ("после 2 четверти", 2022, "2023-01-01", None, None, None),
    # recurrences
    ("ежемесячно", None, None, None, R("monthly"), None),
    ("ежеквартально", None, None, None, R("quarterly"), None),
    ("еженедельно", None, None, None, R("weekly"), None),
    ("ежедневно", None, None, None, R("daily"), None),
    ("ежегодно", None, None, None, R("yearly"), None),
    ("1 раз в полугодие", None, None, None, R("yearly", times=2), None),
    ("2 раза в год", None, None, None, R("yearly", times=2), None),
    ("дважды в год", None, None, None, R("yearly", times=2), None),
    ("три раза в год", None, None, None, R("yearly", times=3), None),
    ("1 раз в месяц", None, None, None, R("monthly"), None),
    ("2 раза в месяц", None, None, None, R("monthly", times=2), None),
    ("раз в неделю", None, None, None, R("weekly"), None),
    ("1 раз в квартал", None, None, None, R("quarterly"), None),
    ("каждый месяц", None, None, None, R("monthly"), None),
    ("каждую четверть", None, None, None, R("per_term"), None),
    ("2 и 4 среда каждого месяца", None, None, None, R("nth_weekday", weekday=2, nths=(2, 4)), None),
    ("каждую 2-ю и 4-ю среду месяца", None, None, None, R("nth_weekday", weekday=2, nths=(2, 4)), None),
    ("последняя пятница месяца", None, None, None, R("nth_weekday", weekday=4, nths=(-1,)), None),
    ("последний понедельник каждого месяца", None, None, None, R("nth_weekday", weekday=0, nths=(-1,)), None),
    ("Первая среда месяца", None, None, None, R("nth_weekday", weekday=2, nths=(1,)), None),
    ("в первую и третью пятницу месяца", None, None, None, R("nth_weekday", weekday=4, nths=(1, 3)), None),
    ("еженедельно по четвергам", None, None, None, R("weekly", weekday=3), None),
    ("каждый понедельник", None, None, None, R("weekly", weekday=0), None),
    ("по средам", None, None, None, R("weekly", weekday=2), None),
    ("каждое воскресенье", None, None, None, R("weekly", weekday=6), None),
    ("не позднее 10 числа месяца, следующего за отчётным", 2023, None, None, R("monthly"), None),
    ("1-го числа каждого месяца", None, None, None, R("monthly"), None),
    ("Ежеквартально до 10 числа", None, None, None, R("quarterly"), None),
    ("по итогам четверти", 2023, None, None, R("per_term"), None),
    ("по итогам каждой четверти", 2023, None, None, R("per_term"), None),
    ("по итогам полугодия", 2023, None, None, R("yearly", times=2), None),
    ("по итогам года", 2023, None, None, R("yearly"), None),
    ("ежемесячно в течение 2023 года", None, "2023-01-01", "2023-12-31", R("monthly"), None),
    ("ежемесячно в течение года", None, None, None, R("monthly"), None),  # no year to date it
    ("ежеквартально, 2023 г.", None, "2023-01-01", "2023-12-31", R("quarterly"), None),
    ("Ежегодно, до 15 апреля", 2023, None, "2023-04-15", R("yearly"), None),
    # open forms
    ("по графику", None, None, None, None, OPEN),
    ("по мере необходимости", None, None, None, None, OPEN),
    ("по запросу", None, None, None, None, OPEN),
    ("по плану ОО", None, None, None, None, OPEN),
    ("в соответствии с графиком", None, None, None, None, OPEN),
    ("согласно плану", None, None, None, None, OPEN),
    ("ПОСТОЯННО.", None, None, None, None, OPEN),
    ("по мере поступления запросов", None, None, None, None, OPEN),
    ("в сроки, установленные министерством", None, None, None, None, OPEN),
    ("в течение периода реализации программы", 2023, None, None, None, OPEN),
    # not understood
    ("абракадабра", 2023, None, None, None, NO),
    ("ответственный: директор", 2023, None, None, None, NO),
]

CASES = KATANGA + PERVOMAISKY + SLAVYANSKY + INVENTED


@pytest.mark.parametrize(
    ("text", "year", "start", "end", "recurrence", "flag"),
    CASES,
    ids=[f"{i:03d}-{c[0][:30]}" for i, c in enumerate(CASES)],
)
def test_parse_period_table(text, year, start, end, recurrence, flag):
    period = parse_period(text, year)
    assert period.text == text
    assert period.start == d(start)
    assert period.end == d(end)
    assert period.recurrence == recurrence
    assert period.understood is (flag != NO)
    assert period.open_ended is (flag == OPEN)


def test_table_is_large_enough():
    assert len(CASES) >= 100


# ---------------------------------------------------------------- fixture coverage


def _period_cells(path: Path) -> list[str]:
    """Every cell of a «Сроки…» column in the tab-separated tables of a fixture."""
    col: int | None = None
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            if line.strip():
                col = None  # prose between tables
            continue
        cells = line.split("\t")
        if cells[0].strip().startswith(("№", "п/п")):  # table header (repeated on each page)
            col = next((i for i, c in enumerate(cells) if "срок" in c.lower()), None)
        elif cells[0].strip().lower().startswith("сроки") and len(cells) == 2:  # passport row
            out.append(cells[1].strip())
        elif col is not None and len(cells) > col and cells[col].strip():
            out.append(cells[col].strip())
    return out


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_every_fixture_period_is_in_the_table(fixture):
    cells = _period_cells(FIXTURES / fixture)
    assert cells, "no period column found"
    table_texts = {c[0] for c in CASES}
    missing = sorted(set(cells) - table_texts)
    assert not missing


# ---------------------------------------------------------------- focused tests


def test_empty_and_none():
    for value in (None, ""):
        period = parse_period(value, 2023)
        assert period == Period(text="", start=None, end=None, recurrence=None, understood=False)
        assert describe(period) == "не распознано"


def test_text_is_preserved_exactly():
    raw = "  Февраль –\tмарт 2023 г.  \n"
    period = parse_period(raw)
    assert period.text == raw
    assert (period.start, period.end) == (date(2023, 2, 1), date(2023, 3, 31))
    junk = "Что-то непонятное"
    assert parse_period(junk, 2023).text == junk


def test_yo_and_e_are_equal():
    a = parse_period("Ежеквартально, 2023 г. Отчёт не позднее 10 числа")
    b = parse_period("ЕЖЕКВАРТАЛЬНО, 2023 Г. ОТЧЕТ НЕ ПОЗДНЕЕ 10 ЧИСЛА")
    assert a.recurrence == b.recurrence == Recurrence("quarterly")
    assert (a.start, a.end) == (b.start, b.end) == (date(2023, 1, 1), date(2023, 12, 31))
    a = parse_period("Ежемесячно в течение 2023 года")
    b = parse_period("ежемесячно  в  течение 2023 г.")
    assert (a.start, a.end, a.recurrence) == (b.start, b.end, b.recurrence)


def test_period_to_dict_json_shape():
    period = parse_period("ежемесячно в течение 2023 года")
    data = period.to_dict()
    assert data == {
        "text": "ежемесячно в течение 2023 года",
        "start": "2023-01-01",
        "end": "2023-12-31",
        "recurrence": {"kind": "monthly"},
        "understood": True,
    }
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_period_to_dict_without_dates():
    assert parse_period("абракадабра").to_dict() == {
        "text": "абракадабра",
        "start": None,
        "end": None,
        "recurrence": None,
        "understood": False,
    }
    assert parse_period("по графику").to_dict()["understood"] is True


def test_recurrence_to_dict_omits_empty_fields():
    assert Recurrence("monthly").to_dict() == {"kind": "monthly"}
    assert Recurrence("monthly", times=2).to_dict() == {"kind": "monthly", "times": 2}
    assert Recurrence("nth_weekday", weekday=2, nths=(2, 4)).to_dict() == {
        "kind": "nth_weekday",
        "weekday": 2,
        "nths": [2, 4],
    }
    rec = parse_period("2 и 4 среда каждого месяца").recurrence
    assert json.dumps(rec.to_dict()) == '{"kind": "nth_weekday", "weekday": 2, "nths": [2, 4]}'


def test_dataclasses_are_frozen():
    period = parse_period("март 2023")
    with pytest.raises(AttributeError):
        period.start = None  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("февраль – март 2023 г.", None, "01.02.2023 – 31.03.2023"),
        ("15.03.2023", None, "15.03.2023"),
        ("до 01.10", 2023, "до 01.10.2023"),
        ("с 15 марта 2023 г.", None, "с 15.03.2023"),
        ("ежемесячно", None, "ежемесячно"),
        ("2 раза в месяц", None, "2 раза в месяц"),
        ("2 и 4 среда каждого месяца", None, "каждую 2-ю и 4-ю среду месяца"),
        ("последняя пятница месяца", None, "каждую последнюю пятницу месяца"),
        ("первый понедельник месяца", None, "каждый 1-й понедельник месяца"),
        ("еженедельно по четвергам", None, "еженедельно по четвергам"),
        ("Ежегодно до 01.10.", 2023, "ежегодно, до 01.10.2023"),
        ("ежеквартально, 2023 г.", None, "ежеквартально, 01.01.2023 – 31.12.2023"),
        ("Постоянно", None, "без срока"),
        ("По плану НМЦ", None, "без срока"),
        ("абракадабра", 2023, "не распознано"),
    ],
)
def test_describe(text, year, expected):
    assert describe(parse_period(text, year)) == expected
