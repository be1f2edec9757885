"""``flask --app wsgi courses import PATH [--json] [--dry-run]`` — scripts depend on it.

Imports course results from a .xlsx or .csv file exactly as the import page does: every row is
checked, and the file is saved in one transaction only when no row has a problem. The command
acts for the whole database (every school, every course of the catalogue).

With ``--json`` it prints one object::

    {"saved": bool, "rows": int, "created": int, "updated": int,
     "errors": [{"row": int, "message": str}, …]}

The exit status is 0 when saved (or, with ``--dry-run``, when the file is clean), 1 otherwise.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup


cli = AppGroup("courses", help="Курсы повышения квалификации: импорт результатов.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Только проверить файл, ничего не сохранять.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def import_command(path, dry_run, as_json):
    """Импортировать результаты курсов (ФИО, школа, курс, часы, дата окончания, № удостоверения)."""
    from ...services.courses import imports as course_import
    from ...services.errors import ServiceError

    try:
        result = course_import.check_file(path.name, path.read_bytes(), None)
    except course_import.ImportFileError as err:
        if as_json:
            click.echo(json.dumps({"saved": False, "rows": 0, "created": 0, "updated": 0,
                                   "errors": [{"row": None, "message": str(err)}]},
                                  ensure_ascii=False))
            sys.exit(1)
        raise click.ClickException(str(err)) from None
    saved = False
    if result.ok and not dry_run:
        try:
            course_import.apply(result)
        except ServiceError as err:  # a certificate stored meanwhile by someone else
            raise click.ClickException(err.message) from None
        saved = True
    if as_json:
        click.echo(json.dumps({
            "saved": saved, "rows": len(result.rows), "created": result.created,
            "updated": result.updated,
            "errors": [{"row": n, "message": m} for n, m in result.errors]}, ensure_ascii=False))
    else:
        for n, message in result.errors:
            click.echo(f"Строка {n}: {message}")
        if saved:
            click.echo(f"Сохранено: новых записей {result.created}, обновлено {result.updated}.")
        elif result.ok:
            click.echo(f"Ошибок нет (проверка без сохранения): строк {len(result.rows)}.")
        else:
            click.echo(f"Ошибок: {len(result.errors)} — ничего не сохранено.")
    if not result.ok:
        sys.exit(1)
