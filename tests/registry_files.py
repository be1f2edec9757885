"""Files a territory has, built for tests in the layouts the importers read: the accreditation
registry's open data (XML), a region's registry table, staff lists (.csv / .xlsx)."""
from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from openpyxl import Workbook

from shnor_app.services.identifiers import snils_control

REGISTRY_HEADER = ["Регион", "Муниципалитет", "Полное наименование", "Краткое наименование",
                   "ИНН", "КПП", "ОГРН", "Вид организации", "Адрес", "Руководитель", "Телефон",
                   "Эл. почта"]
STAFF_HEADER = ["ФИО", "Должность", "Предметы", "Квалификационная категория",
                "Педагогический стаж", "Дата рождения", "СНИЛС", "Дата приёма", "Школа"]


def inn(n: int, region: str = "57") -> str:
    """A valid 10-digit ИНН: ``region`` + 7 digits of ``n`` + the check digit."""
    body = f"{region}{n:07d}"
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return body + str(sum(w * int(d) for w, d in zip(weights, body)) % 11 % 10)


def ogrn(n: int) -> str:
    body = f"102570{n:06d}"
    return body + str(int(body) % 11 % 10)


def snils(n: int) -> str:
    """A valid СНИЛС written as people do: «123-456-789 64»."""
    body = f"{100000000 + n * 7919:09d}"
    control = snils_control(body)
    return f"{body[:3]}-{body[3:6]}-{body[6:]} {control:02d}"


def table_bytes(header, rows, *, fmt="csv", encoding="utf-8", sep=";") -> bytes:
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def registry_row(region="Энская область", municipality="Приречный район", name="СОШ № 1",
                 n=1, **kw):
    values = {"Регион": region, "Муниципалитет": municipality,
              "Полное наименование": kw.pop("full", f"Муниципальное бюджетное "
                                                    f"общеобразовательное учреждение «{name}»"),
              "Краткое наименование": kw.pop("short", f"МБОУ «{name}»"),
              "ИНН": kw.pop("inn", inn(n)), "КПП": kw.pop("kpp", "572001001"),
              "ОГРН": kw.pop("ogrn", ogrn(n)), "Вид организации": kw.pop("kind", "Общеобразовательная организация"),
              "Адрес": kw.pop("address", f"с. Каменка, ул. Школьная, д. {n}"),
              "Руководитель": kw.pop("director", "Иванова Анна Петровна"),
              "Телефон": kw.pop("phone", "+7 (486) 123-45-67"),
              "Эл. почта": kw.pop("email", f"school{n}@example.ru")}
    assert not kw, kw
    return [values[h] for h in REGISTRY_HEADER]


def xml_org(n, *, name=None, region="Орловская область", address=None, branch_of=None,
            kind="Общеобразовательная организация", kpp="572001001", inn_=None, status="Действующее",
            full=None):
    name = name or f"Средняя школа № {n}"
    return {
        "Id": f"ID{n:06d}", "FullName": full or f"Муниципальное бюджетное общеобразовательное "
                                                f"учреждение «{name}»",
        "ShortName": f"МБОУ «{name}»", "HeadEduOrgId": branch_of or "",
        "IsBranch": "1" if branch_of else "0",
        "PostAddress": address or f"303040, Орловская область, Каменский район, с. Каменка, "
                                  f"ул. Школьная, д. {n}",
        "Phone": "+7 (486) 123-45-67", "Fax": "", "Email": f"s{n}@example.ru", "WebSite": "",
        "OGRN": ogrn(n), "INN": inn_ or inn(n), "KPP": kpp, "HeadPost": "Директор",
        "HeadName": "Петрова Мария Ивановна", "FormName": "Муниципальное бюджетное учреждение",
        "KindName": kind, "TypeName": "Общеобразовательная организация" if "школ" in kind.lower()
        or "общеобраз" in kind.lower() else kind,
        "RegionName": region, "FederalDistrictShortName": "ЦФО",
        "FederalDistrictName": "Центральный федеральный округ",
        "_status": status,
    }


def registry_xml(orgs, *, branches_in_supplements=True) -> bytes:
    """The open data's nesting: OpenData/Certificates/Certificate with the organisation in
    ActualEducationOrganization; a branch in a supplement of its head's certificate."""
    heads = [o for o in orgs if not o["HeadEduOrgId"]]
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<OpenData>\n<Certificates>\n']

    def org_xml(o):
        inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in o.items() if not k.startswith("_"))
        return f"<ActualEducationOrganization>{inner}</ActualEducationOrganization>\n"

    for o in heads:
        parts.append(f"<Certificate>\n<Id>C{o['Id']}</Id><StatusName>{o['_status']}</StatusName>"
                     f"<RegionName>{escape(o['RegionName'])}</RegionName><RegionCode>57</RegionCode>"
                     f"<EduOrgFullName>{escape(o['FullName'])}</EduOrgFullName>"
                     f"<EduOrgINN>{o['INN']}</EduOrgINN>\n")
        parts.append(org_xml(o))
        branches = [b for b in orgs if b["HeadEduOrgId"] == o["Id"]]
        if branches and branches_in_supplements:
            parts.append("<Supplements>\n")
            for b in branches:
                parts.append("<Supplement><StatusName>Действующее</StatusName>\n" + org_xml(b)
                             + "</Supplement>\n")
            parts.append("</Supplements>\n")
        parts.append("</Certificate>\n")
    parts.append("</Certificates>\n</OpenData>\n")
    return "".join(parts).encode("utf-8")


def staff_row(name, *, position="Учитель", subjects="Математика", category="Первая",
              experience="12", born="14.03.1980", snils_="", hired="01.09.2015", school=""):
    return [name, position, subjects, category, experience, born, snils_, hired, school]
