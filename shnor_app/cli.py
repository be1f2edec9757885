"""Command-line interface: ``flask --app wsgi demo load`` and every area's own commands
(``areas.contribute(cli=[…])``: ``users``, ``roadmaps``, ``courses``, ``assessments`` …).

``db upgrade`` and the other migration commands come from Flask-Migrate, imported only when one
of them runs (:class:`MigrationCommands`).
"""
from __future__ import annotations

import click
from flask.cli import AppGroup


demo_cli = AppGroup("demo", help="Демонстрационные данные.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Ничего не делать (и не считать ошибкой), если в базе уже есть данные.")
def demo_load(if_empty):
    """Загрузить демонстрационный муниципалитет «Приречный район» и по пользователю каждой роли."""
    from .services import demo

    if demo.database_has_data():
        if if_empty:
            click.echo("В базе уже есть данные — демонстрационные данные не загружаются.")
            return
        raise click.ClickException(
            "В базе уже есть данные. Демонстрационные данные загружаются только в пустую базу.")
    accounts = demo.load()
    click.echo("Демонстрационные данные загружены: «Приречный район», Энская область.")
    click.echo("Учётные записи (пароли показаны один раз):")
    for role_label, login, password in accounts:
        click.echo(f"  {role_label:<32} логин: {login:<12} пароль: {password}")
    click.echo("Администратор и региональный специалист при первом входе подключат второй фактор "
               "(приложение-аутентификатор на телефоне).")


cache_cli = AppGroup("cache", help="Сохранённые расчёты страниц.")


@cache_cli.command("reset")
def cache_reset():
    """Считать все сохранённые расчёты устаревшими (после правки базы в обход приложения:
    psql, восстановление из копии). Действует на все серверы, работающие с этой базой."""
    from .extensions import db
    from .services import data_cache

    count = data_cache.renew_all()
    db.session.commit()
    click.echo(f"Расчёты страниц будут сделаны заново (таблиц: {count}).")


class MigrationCommands(click.Group):
    """``flask db …``: Flask-Migrate's own group, loaded when ``db`` is invoked (the flask
    command does that inside the application's context), so that a server never imports
    Alembic (extensions.init_migrations). Only the name and help are this group's."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask import current_app

        from .extensions import init_migrations

        init_migrations(current_app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def register_cli(app) -> None:
    from . import areas

    app.cli.add_command(MigrationCommands("db", help="Миграции схемы базы данных (Alembic)."))
    app.cli.add_command(demo_cli)
    app.cli.add_command(cache_cli)
    for group in areas.cli_groups():
        app.cli.add_command(group)
