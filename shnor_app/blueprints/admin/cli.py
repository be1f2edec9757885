"""``flask --app wsgi users create|list`` — accounts from the command line (the first admin of an
empty database is made here)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ...extensions import db

users_cli = AppGroup("users", help="Учётные записи пользователей.")


@users_cli.command("create")
@click.option("--login", required=True, help="Логин (латиница, цифры, . _ - @).")
@click.option("--role", required=True, type=click.Choice(
    ["admin", "region", "methodist", "tutor", "school", "viewer"], case_sensitive=False))
@click.option("--org", "org_id", type=int, help="Организация (для ролей tutor, school).")
@click.option("--municipality", "municipality_id", type=int, help="Муниципалитет (methodist, viewer).")
@click.option("--region", "region_id", type=int, help="Регион (region, viewer).")
@click.option("--full-name", default=None, help="ФИО; по умолчанию — логин.")
@click.option("--email", default=None)
@click.option("--password-stdin", is_flag=True, help="Прочитать пароль из стандартного ввода.")
def users_create(login, role, org_id, municipality_id, region_id, full_name, email,
                 password_stdin):
    """Создать пользователя. Без --password-stdin пароль создаётся и печатается один раз."""
    from ...models import Role, User
    from ...services.auth import accounts, second_factor

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password = accounts.generate_password()
        generated = True
    user = User(login=login, full_name=full_name or login, email=email, role=Role[role.upper()],
                organization_id=org_id, municipality_id=municipality_id, region_id=region_id,
                must_change_password=generated)
    try:
        accounts.save_user(user, password=password, is_new=True)
    except accounts.AccountError as err:  # save_user has rolled back
        raise click.ClickException(str(err)) from None
    click.echo(f"Создан пользователь {user.login} (id {user.id}, роль {user.role.label}).")
    if second_factor.second_factor_required(user):
        click.echo("При первом входе он подключит второй фактор (приложение-аутентификатор).")
    if generated:
        click.echo(f"Пароль (показан один раз, сменить при первом входе): {password}")


@users_cli.command("reset-2fa")
@click.option("--login", required=True, help="Логин пользователя.")
def users_reset_two_factor(login):
    """Сбросить второй фактор (потерян телефон): сеансы пользователя завершаются, при следующем
    входе он подключит второй фактор заново (администраторы и региональные — обязательно)."""
    from sqlalchemy import func

    from ...models import User
    from ...services.auth import second_factor

    user = db.session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    if user is None:
        raise click.ClickException(f"Пользователя с логином «{login}» нет.")
    second_factor.reset(user, by=None)
    click.echo(f"Второй фактор пользователя {user.login} сброшен; его сеансы завершены.")


@users_cli.command("list")
def users_list():
    """Список пользователей."""
    from ...models import User
    from ...services.auth import accounts

    for u in db.session.scalars(select(User).order_by(User.login)):
        state = "" if u.active else " [отключён]"
        click.echo(f"{u.id}\t{u.login}\t{accounts.role_key(u)}\t{u.full_name}{state}")
