"""``flask --app wsgi assessments import`` and ``flask --app wsgi schools identify`` — scripts
depend on these interfaces and on their ``--json`` shapes:

* ``assessments import PATH [--year Y --procedure P --subject S --grade G]
  [--municipality NAME] [--create-missing] [--json]`` prints
  ``{"imported": int, "created_schools": int, "errors": [{"row": int, "message": str}]}``
  (``imported`` counts school × procedure rows); with any error nothing is saved and the exit
  code is 1. A per-pupil ФИС ОКО download needs ``--year``, ``--subject`` and ``--grade``
  (``--procedure`` is ВПР unless given); an aggregated table carries them in its columns.
* ``assessments scale set --year Y --procedure P --subject S --grade G --points P3,P4,P5
  [--tasks N] [--json]`` enters the minimum primary points for «3», «4», «5»; setting it again
  replaces it and recomputes the stored shares computed from it.
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
@click.option("--year", type=int, default=None, help="Год (для выгрузки ФИС ОКО по обучающимся).")
@click.option("--procedure", default="ВПР", show_default=True, help="Процедура: ВПР, ОГЭ, ЕГЭ.")
@click.option("--subject", default=None, help="Предмет (для выгрузки по обучающимся).")
@click.option("--grade", type=int, default=None, help="Класс (для выгрузки по обучающимся).")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def import_command(path, municipality_name, create_missing, year, procedure, subject, grade,
                   as_json):
    """Импортировать результаты из .xlsx или .csv: всё или ничего."""
    from ...services.monitoring import assessments as svc, fisoko

    muni = _municipality(municipality_name)
    stated = None
    if year is not None or subject or grade is not None:
        if year is None or not subject or grade is None:
            raise click.ClickException("Для выгрузки по обучающимся укажите --year, --subject "
                                       "и --grade вместе.")
        try:
            stated = fisoko.Stated(year, svc.clean_subject(subject), grade,
                                   svc.parse_procedure(procedure))
        except ValueError:
            raise click.ClickException(f"Процедура «{procedure}» не распознана: ВПР, ОГЭ или "
                                       "ЕГЭ.") from None
        _question_name(path.name, stated)
    if create_missing and muni is None and stated is None:
        raise click.ClickException("--create-missing требует --municipality: где создавать школы.")
    try:
        result = svc.import_file(path.name, path.read_bytes(), municipality=muni,
                                 create_missing=create_missing, stated=stated)
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


def _question_name(filename: str, stated) -> None:
    """A file name that says another year, subject or grade than the options: questioned."""
    from ...services.monitoring import fisoko

    said = fisoko.guess_from_name(filename)
    for key, label in (("year", "год"), ("grade", "класс")):
        if key in said and said[key] != getattr(stated, key):
            raise click.ClickException(
                f"В имени файла «{filename}» {label} {said[key]}, а указан "
                f"{getattr(stated, key)}. Проверьте, тот ли это файл.")
    if "subject" in said and fisoko.subject_key(said["subject"]) != \
            fisoko.subject_key(stated.subject):
        raise click.ClickException(f"В имени файла «{filename}» предмет «{said['subject']}», а "
                                   f"указан «{stated.subject}». Проверьте, тот ли это файл.")


scale_cli = AppGroup("scale", help="Шкалы перевода первичных баллов в отметки.")
assessments_cli.add_command(scale_cli)


@scale_cli.command("set")
@click.option("--year", type=int, required=True, help="Год.")
@click.option("--procedure", required=True, help="Процедура: ВПР, ОГЭ, ЕГЭ.")
@click.option("--subject", required=True, help="Предмет.")
@click.option("--grade", type=int, required=True, help="Класс.")
@click.option("--points", required=True, help="Наименьшие первичные баллы для «3», «4», «5»: P3,P4,P5.")
@click.option("--tasks", type=int, default=None, help="Число заданий в файлах этого года.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def scale_set_command(year, procedure, subject, grade, points, tasks, as_json):
    """Ввести или заменить шкалу; сохранённые доли, посчитанные по ней, пересчитываются."""
    from ...services.monitoring import fisoko

    try:
        scale, changed = fisoko.set_scale(year=year, procedure=procedure, subject=subject,
                                          grade=grade, points=points, tasks=tasks)
    except fisoko.ScaleError as err:
        raise click.ClickException(err.message) from None
    if as_json:
        click.echo(json.dumps({"year": scale.year, "procedure": scale.procedure.label,
                               "subject": scale.subject, "grade": scale.grade,
                               "points": [scale.min_3, scale.min_4, scale.min_5],
                               "recomputed": changed}, ensure_ascii=False))
    else:
        click.echo(f"{scale}: «3» от {scale.min_3}, «4» от {scale.min_4}, «5» от {scale.min_5}; "
                   f"пересчитано результатов: {changed}.")


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
