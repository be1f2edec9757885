"""The shared import plumbing: identifiers and their checksums, loose headers, cells, the
preview with its errors first."""
from datetime import date

import pytest

from shnor_app.services import identifiers as ids
from shnor_app.services import spreadsheets, tabular


@pytest.mark.parametrize("inn", ["5720010403", "6907006968", "7707083893", "500100732259"])
def test_good_inn(inn):
    assert ids.inn_problem(inn) is None


@pytest.mark.parametrize("inn, word", [("5720010404", "Контрольная"), ("572001040", "10 цифр"),
                                       ("57200104ab", "10 цифр"), ("500100732258", "Контрольная")])
def test_bad_inn(inn, word):
    assert word in ids.inn_problem(inn)


def test_ogrn_kpp_and_fis_oko_login():
    assert ids.ogrn_problem("1025700696383") is None
    assert "Контрольная" in ids.ogrn_problem("1025700696384")
    assert ids.kpp_problem("572001001") is None and ids.kpp_problem("5720AB001") is None
    assert ids.kpp_problem("57200100") is not None
    assert ids.fis_oko_login_problem("edu223185") is None
    assert ids.fis_oko_login_problem("sch220206") is None
    assert "edu" in ids.fis_oko_login_problem("abc223185")


@pytest.mark.parametrize("raw", ["112-233-445 95", "11223344595", 11223344595, "112 233 445 95",
                                 11223344595.0])
def test_snils_forms_and_checksum(raw):
    assert ids.normalize_snils(raw) == "11223344595"
    assert ids.snils_problem(raw) is None


def test_snils_checksum_edges():
    assert "Контрольное" in ids.snils_problem("112-233-445 96")
    assert "11 цифр" in ids.snils_problem("112-233-445")
    assert ids.snils_problem("") is None
    # a sum of 100 or 101 gives 00; over 101 the remainder by 101
    assert ids.snils_control("000000010") == 2
    assert ids.snils_control("900000059") == 0  # 81 + 10 + 9 = 100 → 00
    assert ids.snils_control("999999999") == 405 % 101
    assert ids.format_snils("11223344595") == "112-233-445 95"
    assert ids.mask_snils("11223344595") == "•••-•••-••• ••" and ids.mask_snils(None) == ""


def test_header_fold_ignores_case_yo_punctuation_and_line_breaks():
    assert tabular.header_fold("Эл. почта") == tabular.header_fold("ЭЛ.ПОЧТА") == "эл почта"
    assert tabular.header_fold(" Дата\nприёма ") == "дата приема"
    key = tabular.aliases({"email": ["Эл. почта", "E-mail"]})
    assert key(tabular.header_fold("эл почта")) == "email"
    assert key(tabular.header_fold("e mail")) == "email"


SPEC = spreadsheets.HeaderSpec(key=tabular.aliases({"inn": ["ИНН"], "name": ["Полное наименование"],
                                                    "muni": ["Муниципалитет"]}))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_in_any_encoding_and_separator_with_headers_in_any_order(encoding, sep):
    text = sep.join(["Муниципалитет", "ИНН", "Полное наименование"]) + "\r\n" + \
        sep.join(["Ельцовский район", "5720010403", "МБОУ «Школа», село"]).replace(
            "МБОУ «Школа», село", '"МБОУ «Школа», село"') + "\r\n\r\n"
    table = spreadsheets.read_table("r.csv", text.encode(encoding), header=SPEC)
    rows = tabular.records(table)
    assert len(rows) == 1 and rows[0].number == 2
    assert rows[0].values == {"muni": "Ельцовский район", "inn": "5720010403",
                              "name": "МБОУ «Школа», село"}


def test_cells():
    assert tabular.text(5720010403.0) == "5720010403"
    assert tabular.parse_date(44958) == date(2023, 2, 1)
    assert tabular.parse_date("28.06.2024") == date(2024, 6, 28)
    assert tabular.parse_date("28.06.24") == date(2024, 6, 28)
    assert tabular.parse_date("2024-06-28") == date(2024, 6, 28)
    assert tabular.parse_date("31.02.2024") is None and tabular.parse_date("вчера") is None
    assert tabular.parse_number("12 лет") == 12 and tabular.parse_number("12,5") == 12.5


def test_preview_counts_and_errors_first_paged():
    p = tabular.Preview()
    for n in range(2, 12):
        p.add(tabular.Outcome(n, tabular.NEW, f"Школа {n}"))
    p.add(tabular.Outcome(12, tabular.UNCHANGED, "Школа 12"))
    p.add(tabular.Outcome(13, tabular.NEW, "Школа 13")).fail("ИНН не тот")
    assert p.counts == {"new": 10, "changed": 0, "unchanged": 1, "skipped": 0, "error": 1}
    assert not p.ok and p.errors_json() == [{"row": 13, "message": "ИНН не тот"}]
    first = p.page(1, per_page=5)
    assert first.items[0].number == 13 and first.pages == 3
    assert p.page(99, per_page=5).page == 3
    assert [o.number for o in p.page(1, 5, status="unchanged").items] == [12]


def test_a_preview_read_back_from_json_shows_the_same_rows_without_the_importers_objects():
    from shnor_app.services.tabular import CHANGED, ERROR, Change, Outcome, Preview

    preview = Preview(file_errors=[], extra={"left": 1}, notes=["Не использованы столбцы: X."])
    preview.add(Outcome(2, CHANGED, "Иванов", [Change("Должность", "Учитель", "Завуч")],
                        note="СОШ № 1", data={"key": "id:1", "needs_municipality": True,
                                              "member": object()}))
    preview.add(Outcome(3, ERROR, "Петров", errors=["не указана школа"]))
    back = Preview.from_json(preview.to_json())
    assert back.counts == preview.counts and back.ok is False and back.extra == {"left": 1}
    assert back.notes == preview.notes and back.errors == preview.errors
    assert back.outcomes[0].changes[0].after == "Завуч"
    assert back.outcomes[0].data == {"key": "id:1", "needs_municipality": True}
    assert back.page(1, 10).items[0].number == 3  # errors first
