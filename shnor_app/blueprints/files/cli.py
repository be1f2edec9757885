"""``flask --app wsgi files migrate --to database|disk [--dry-run] [--json]``.

Moves attached files between the server's disk and the database (see
``services/files/storage.py``), checking each file's SHA-256 before its old copy is removed.
With ``--json`` prints ``{"moved": int, "already": int, "failed": int, "errors": [str, …]}``;
the exit code is 1 when a file could not be moved.
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

cli = AppGroup("files", help="Прикреплённые файлы: где они хранятся.")


@cli.command("migrate")
@click.option("--to", "to", type=click.Choice(["database", "disk"]), required=True,
              help="Куда перенести файлы: в базу данных (её видят все серверы) или на диск.")
@click.option("--dry-run", is_flag=True, help="Только проверить файлы, ничего не переносить.")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог одним объектом JSON.")
def migrate_command(to, dry_run, as_json):
    """Перенести прикреплённые файлы между диском и базой данных с проверкой контрольных сумм."""
    from ...services.files import storage

    result = storage.migrate(to, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        where = "в базу данных" if to == "database" else "на диск"
        verb = "можно перенести" if dry_run else "перенесено"
        click.echo(f"Файлов {verb} {where}: {result.moved}; уже там: {result.already}; "
                   f"не перенесено: {len(result.failed)}.")
        for line in result.failed:
            click.echo(f"  {line}", err=True)
    if result.failed:
        raise SystemExit(1)
