"""``flask --app wsgi registry import …`` and ``flask --app wsgi staff import …`` — scripts
depend on them, exactly as written here.

``registry import PATH [--region NAME] [--dry-run] [--json]`` imports organisations (and the
regions and municipalities they name) from the accreditation registry's open data (XML) or a
table (.xlsx / .csv). With ``--json`` it prints one object::

    {"regions_created": int, "municipalities_created": int, "created": int, "updated": int,
     "unchanged": int, "errors": [{"row": int, "message": str}, …]}

``staff import PATH [--dry-run] [--mark-left] [--json]`` imports a staff list; ``--json``::

    {"created": int, "updated": int, "left": int, "unchanged": int, "errors": [...]}

Both act for the whole database, save all or nothing, and exit with 1 on any row error (with
``--dry-run`` the counts are what the import would do). A file that cannot be read at all is
one error with ``"row": null``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

registry_cli = AppGroup("registry", help="Реестр организаций: импорт.")
staff_cli = AppGroup("staff", help="Сотрудники организаций: импорт списков.")

_PATH = click.Path(exists=True, dir_okay=False, path_type=Path)


def _report(as_json: bool, result: dict, words: str, changed: int, nothing_new: str,
            saved: bool) -> None:
    """Print ``result`` (one JSON object, or its errors and a summary naming the counts in
    ``words``; ``nothing_new`` when a saved file changed nothing); exit with 1 on any error."""
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for error in result["errors"]:
            where = f"Строка {error['row']}: " if error["row"] is not None else ""
            click.echo(f"{where}{error['message']}")
        if result["errors"]:
            click.echo(f"Ошибок: {len(result['errors'])} — ничего не сохранено.")
        elif not saved:
            click.echo(f"Ошибок нет (проверка без сохранения): {words}.")
        else:
            click.echo(f"Сохранено: {words}." if changed else nothing_new)
    if result["errors"]:
        sys.exit(1)


def _read(as_json: bool, empty: dict, run):
    """``run()``'s (preview, saved); a file that cannot be read at all is refused: one error
    (``empty`` counts with ``--json``), exit code 1."""
    from ...services.errors import ServiceError

    try:
        return run()
    except ServiceError as err:
        _refused(as_json, err.message, empty)


def _refused(as_json: bool, message: str, empty: dict):
    if as_json:
        click.echo(json.dumps({**empty, "errors": [{"row": None, "message": message}]},
                              ensure_ascii=False))
        sys.exit(1)
    raise click.ClickException(message)


@registry_cli.command("import")
@click.argument("path", type=_PATH)
@click.option("--region", "region", default=None,
              help="Регион, организации которого загрузить (для XML реестра аккредитации).")
@click.option("--dry-run", is_flag=True, help="Только проверить файл, ничего не сохранять.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def registry_import(path, region, dry_run, as_json):
    """Импортировать реестр организаций (XML открытых данных Рособрнадзора, .xlsx или .csv)."""
    from ...services.registry import imports

    def run():
        if path.suffix.lower() == ".xml":  # the registry's XML is streamed from the disk
            with path.open("rb") as stream:
                preview = imports.check_file(path.name, stream, None, region_name=region)
            return preview, (imports.save(preview, filename=path.name)
                             if preview.ok and not dry_run else None)
        return imports.import_file(path.name, path.read_bytes(), None, region_name=region,
                                   dry_run=dry_run)

    preview, saved = _read(as_json, {"regions_created": 0, "municipalities_created": 0,
                                     "created": 0, "updated": 0, "unchanged": 0}, run)
    result = imports.summary(preview, saved)
    changed = result["created"] + result["updated"] + result["regions_created"] \
        + result["municipalities_created"]
    words = (f"новых организаций {result['created']}, изменено {result['updated']}, без "
             f"изменений {result['unchanged']}; новых регионов {result['regions_created']}, "
             f"муниципалитетов {result['municipalities_created']}")
    _report(as_json, result, words, changed,
            f"Файл ничего не меняет: все {result['unchanged']} организаций уже в реестре.",
            saved is not None)


@staff_cli.command("import")
@click.argument("path", type=_PATH)
@click.option("--dry-run", is_flag=True, help="Только проверить файл, ничего не сохранять.")
@click.option("--mark-left", is_flag=True,
              help="Список полный: сотрудников перечисленных школ, которых в нём нет, отметить "
                   "уволенными (никто не удаляется).")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def staff_import(path, dry_run, mark_left, as_json):
    """Импортировать списки сотрудников школ (.xlsx или .csv)."""
    from ...services.registry import staff_import as staff

    preview, saved = _read(
        as_json, {"created": 0, "updated": 0, "left": 0, "unchanged": 0},
        lambda: staff.import_file(path.name, path.read_bytes(), None, mark_left=mark_left,
                                  dry_run=dry_run))
    result = staff.summary(preview, saved)
    words = (f"новых {result['created']}, изменено {result['updated']}, отмечено уволенными "
             f"{result['left']}, без изменений {result['unchanged']}")
    changed = result["created"] + result["updated"] + result["left"]
    _report(as_json, result, words, changed,
            f"Файл ничего не меняет: все {result['unchanged']} сотрудников уже в списках.",
            saved is not None)
