"""``flask --app wsgi assessments import`` and ``flask --app wsgi schools identify`` — scripts
depend on these interfaces and on their ``--json`` shapes:

* ``assessments import PATH [--municipality NAME] [--create-missing] [--json]`` prints
  ``{"imported": int, "created_schools": int, "errors": [{"row": int, "message": str}]}``;
  with any error nothing is saved and the exit code is 1.
* ``schools identify --year Y [--municipality NAME] [--json]`` prints a list of
  ``{"school": str, "flagged": bool, "procedures": [{"procedure", "subject", "grade",
  "share_2", "over_threshold": bool}]}`` for every school with results in year Y.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ...extensions import db

assessments_cli = AppGroup("assessments", help="Результаты оценочных процедур.")
schools_cli = AppGroup("schools", help="Школы: выявление ШНОР.")


def _municipality(name: str | None):
    from ...models import Municipality
    from ...text import normalize_name

    if not name:
        return None
    found = [m for m in db.session.scalars(select(Municipality))
             if normalize_name(m.name) == normalize_name(name)]
    if not found:
        raise click.ClickException(f"Муниципалитет «{name}» не найден.")
    if len(found) > 1:
        raise click.ClickException(f"Муниципалитетов «{name}» несколько (в разных регионах).")
    return found[0]


@assessments_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--municipality", "municipality_name", default=None,
              help="Муниципалитет, среди школ которого искать школы файла.")
@click.option("--create-missing", is_flag=True,
              help="Создать в муниципалитете школы, не найденные по названию.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def import_command(path, municipality_name, create_missing, as_json):
    """Импортировать результаты из .xlsx или .csv: всё или ничего."""
    from ...services.monitoring import assessments as svc

    muni = _municipality(municipality_name)
    if create_missing and muni is None:
        raise click.ClickException("--create-missing требует --municipality: где создавать школы.")
    try:
        result = svc.import_file(path.name, path.read_bytes(), municipality=muni,
                                 create_missing=create_missing)
    except svc.AssessmentError as err:
        if as_json:
            click.echo(json.dumps({"imported": 0, "created_schools": 0,
                                   "errors": [{"row": 0, "message": str(err)}]},
                                  ensure_ascii=False))
            sys.exit(1)
        raise click.ClickException(str(err)) from None
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        if result.saved:
            click.echo(f"Импортировано результатов: {result.imported}, создано школ: "
                       f"{result.created_schools}.")
        for err in result.errors:
            click.echo(f"  строка {err['row']}: {err['message']}", err=True)
        if result.errors:
            click.echo("В файле есть ошибки — ничего не сохранено.", err=True)
    if result.errors:
        sys.exit(1)


@schools_cli.command("identify")
@click.option("--year", type=int, required=True, help="Год результатов.")
@click.option("--municipality", "municipality_name", default=None, help="Только этот муниципалитет.")
@click.option("--json", "as_json", is_flag=True, help="Вывести список объектов JSON.")
def identify_command(year, municipality_name, as_json):
    """Применить федеральное правило к школам с результатами за год."""
    from ...models import AssessmentResult, Organization
    from ...services.monitoring import assessments as svc

    muni = _municipality(municipality_name)
    stmt = select(Organization).where(Organization.deleted_at.is_(None), Organization.id.in_(
        select(AssessmentResult.organization_id).where(AssessmentResult.year == year)))
    if muni is not None:
        stmt = stmt.where(Organization.municipality_id == muni.id)
    schools = db.session.scalars(stmt.order_by(Organization.sort_name, Organization.id)).all()
    verdicts = svc.identification(schools, year)
    if as_json:
        click.echo(json.dumps([{
            "school": v.org.short_name, "flagged": v.verdict.flagged,
            "procedures": [{"procedure": p.procedure, "subject": p.subject, "grade": p.grade,
                            "share_2": p.share_2, "over_threshold": p.over_threshold}
                           for p in v.verdict.procedures]} for v in verdicts],
            ensure_ascii=False))
        return
    for v in verdicts:
        mark = "ШНОР" if v.verdict.flagged else "—"
        click.echo(f"{mark:5} {v.org.short_name}: {v.verdict.reason}")
