"""Assessment results, and files of them to import."""
from __future__ import annotations

import io

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Procedure


def make_result(org, year, procedure="VPR", subject="Математика", grade=5, share_2=None,
                share_5=None, participants=25, mean_score=None) -> AssessmentResult:
    r = AssessmentResult(organization_id=org.id, year=year, procedure=Procedure[procedure],
                         subject=subject, grade=grade, share_2=share_2, share_5=share_5,
                         participants=participants, mean_score=mean_score)
    db.session.add(r)
    db.session.commit()
    return r


def make_low_results(org, year):
    """Two procedures over 30%: the school is ШНОР by the rule."""
    make_result(org, year, "VPR", "Математика", 5, 35.0)
    make_result(org, year, "VPR", "Русский язык", 5, 30.0)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows, percent_cols=()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for col in percent_cols:
        for cell in ws[col][1:]:
            cell.number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
