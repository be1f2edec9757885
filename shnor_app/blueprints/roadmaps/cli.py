"""``flask --app wsgi roadmaps import|export`` — scripts depend on these interfaces.

* ``roadmaps import PATH [--owner ORG_ID] [--level L] [--title T] [--year Y] [--dry-run]
  [--json]`` — PATH is a .docx or UTF-8 text file. With ``--json`` prints one object
  ``{"roadmap_id": int|null, "sections": int, "items": int, "warnings": [str, …]}``.
* ``roadmaps export ID --format json|xlsx|pdf|docx [-o FILE]`` — JSON to stdout unless ``-o``.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ...extensions import db

cli = AppGroup("roadmaps", help="Дорожные карты: импорт и выгрузка.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--owner", "owner_id", type=int, help="Организация-владелец (id).")
@click.option("--level", type=click.Choice(["regional", "municipal", "school"]),
              help="Уровень; по умолчанию — по владельцу или по заголовку документа.")
@click.option("--title", default=None, help="Наименование; по умолчанию — из документа.")
@click.option("--year", type=int, default=None, help="Год; по умолчанию — из документа.")
@click.option("--dry-run", is_flag=True, help="Только разобрать и показать, ничего не сохранять.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат одним объектом JSON.")
def import_command(path, owner_id, level, title, year, dry_run, as_json):
    """Импортировать дорожную карту из .docx или текстового файла (таблица с табуляциями)."""
    from ...models import Organization, RoadmapLevel
    from ...services import roadmaps as svc
    from ...services.roadmaps.imports import RoadmapImportError, parse_upload

    owner = None
    if owner_id is not None:
        owner = db.session.get(Organization, owner_id)
        if owner is None or owner.deleted_at is not None:
            raise click.ClickException(f"Организация с id {owner_id} не найдена.")
    try:
        parsed = parse_upload(path.name, path.read_bytes())
        result = svc.import_parsed(parsed, owner=owner, level=RoadmapLevel.from_code(level),
                                   title=title, year=year, source_name=path.name,
                                   dry_run=dry_run)
    except RoadmapImportError as err:
        raise click.ClickException(err.message) from None
    except svc.RoadmapError as err:
        raise click.ClickException(str(err)) from None
    roadmap_id = result.roadmap.id if result.roadmap is not None else None
    if as_json:
        click.echo(json.dumps({"roadmap_id": roadmap_id, "sections": result.sections,
                               "items": result.items, "warnings": result.warnings},
                              ensure_ascii=False))
        return
    verb = "Разобрано (не сохранено)" if dry_run else f"Импортирована дорожная карта id {roadmap_id}"
    click.echo(f"{verb}: «{result.title}», разделов: {result.sections}, "
               f"пунктов: {result.items}.")
    for warning in result.warnings:
        click.echo(f"  ! {warning}")


@cli.command("export")
@click.argument("roadmap_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx", "pdf", "docx"]),
              default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Файл; без него JSON печатается в стандартный вывод.")
def export_command(roadmap_id, fmt, output):
    """Выгрузить дорожную карту в JSON, Excel, PDF или Word."""
    from ...models import Roadmap
    from ...services.roadmaps import export

    rm = db.session.get(Roadmap, roadmap_id)
    if rm is None or rm.deleted_at is not None:
        raise click.ClickException(f"Дорожная карта с id {roadmap_id} не найдена.")
    if fmt == "json":
        text = json.dumps(export.roadmap_to_dict(rm), ensure_ascii=False, indent=2)
        if output is None:
            click.echo(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
        return
    if output is None:
        raise click.ClickException(f"Для формата {fmt} укажите файл: -o FILE.")
    output.write_bytes(export.export_roadmap(rm, fmt))
    click.echo(f"Записано: {output}", err=True)
