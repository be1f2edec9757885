"""``flask --app wsgi courses import PATH [--organizer NAME] [--create-courses] [--dry-run]
[--json]`` — scripts depend on it.

Imports course results exactly as the import page does, from either kind of file:

* the ФИС ФРДО «Шаблон ДПО» workbook (certificates: the teacher found by СНИЛС, else by full
  name and date of birth, else by a full name unique in the database; the programme matched to
  the catalogue by name and hours, created as a course with ``--create-courses`` — organised by
  ``--organizer NAME`` when given);
* a table of results with «ФИО», «Школа», «Курс», «Часы», «Дата окончания», «Номер
  удостоверения».

Every row is checked and the file is saved in one transaction only when no row has a problem.
The command acts for the whole database (every school, every course of the catalogue).

With ``--json`` it prints one object::

    {"imported": int, "unchanged": int, "courses_created": int,
     "errors": [{"row": int, "message": str}, …]}

(a certificate already recorded counts as unchanged, not imported; with ``--dry-run`` or an
error nothing is imported). The exit status is 0 when saved (or, with ``--dry-run``, when the
file is clean), 1 otherwise.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup


cli = AppGroup("courses", help="Курсы повышения квалификации: импорт результатов.")


def _out(as_json: bool, imported: int, unchanged: int, created: int, errors: list) -> None:
    if as_json:
        click.echo(json.dumps({"imported": imported, "unchanged": unchanged,
                               "courses_created": created,
                               "errors": [{"row": n, "message": m} for n, m in errors]},
                              ensure_ascii=False))
        return
    for n, message in errors:
        click.echo(f"Строка {n}: {message}" if n else message)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organizer", default="", help="Организатор курсов файла (шаблон ФИС ФРДО его не называет).")
@click.option("--create-courses", is_flag=True,
              help="Создать в каталоге программы, которых в нём нет (шаблон ФИС ФРДО).")
@click.option("--dry-run", is_flag=True, help="Только проверить файл, ничего не сохранять.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def import_command(path, organizer, create_courses, dry_run, as_json):
    """Импортировать результаты курсов: шаблон ФИС ФРДО или таблица (ФИО, школа, курс…)."""
    from ...services.courses import frdo, imports as course_import
    from ...services.errors import ServiceError

    data = path.read_bytes()
    try:
        if frdo.is_frdo(path.name, data):
            result = frdo.check_file(path.name, data, None, organizer=organizer,
                                     create_courses=create_courses)
            counts = lambda saved: (result.imported if saved else 0, result.unchanged,  # noqa: E731
                                    result.courses_created if saved else 0)
            save = lambda: frdo.apply(result, filename=path.name)  # noqa: E731
        else:
            result = course_import.check_file(path.name, data, None)
            counts = lambda saved: (result.created + result.updated if saved else 0,  # noqa: E731
                                    result.unchanged, 0)
            save = lambda: course_import.apply(result)  # noqa: E731
    except course_import.ImportFileError as err:
        _out(as_json, 0, 0, 0, [(0, str(err))])
        if as_json:
            sys.exit(1)
        raise click.ClickException(str(err)) from None
    saved = False
    if result.ok and not dry_run:
        try:
            save()
        except ServiceError as err:  # a certificate stored meanwhile by someone else
            _out(as_json, 0, 0, 0, [(0, err.message)])
            sys.exit(1)
        saved = True
    imported, unchanged, created = counts(saved)
    _out(as_json, imported, unchanged, created, result.errors)
    if not as_json:
        if saved:
            click.echo(f"Сохранено: записано {imported}, без изменений {unchanged}, "
                       f"создано курсов {created}.")
        elif result.ok:
            click.echo(f"Ошибок нет (проверка без сохранения): строк {len(result.rows)}.")
        else:
            click.echo(f"Ошибок: {len(result.errors)} — ничего не сохранено.")
    if not result.ok:
        sys.exit(1)
