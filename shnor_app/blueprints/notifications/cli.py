"""``flask --app wsgi notify send [--json]`` — plan the day's due-date reminders and send the
outbox (run by cron or a systemd timer, README «Эксплуатация»)."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

cli = AppGroup("notify", help="Напоминания по электронной почте.")


@cli.command("send")
@click.option("--json", "as_json", is_flag=True,
              help='Вывести {"sent": …, "failed": …, "pending": …}.')
def send(as_json):
    """Поставить в очередь напоминания о сроках и отправить накопившиеся письма."""
    from ...formatting import today
    from ...services.notifications import planner, sender

    queued = planner.plan_due(today())
    result = sender.send_pending()
    if as_json:
        click.echo(json.dumps({"sent": result["sent"], "failed": result["failed"],
                               "pending": result["pending"]}))
        return
    click.echo(f"Поставлено в очередь напоминаний о сроках: {queued}.")
    click.echo(f"Отправлено: {result['sent']}, не удалось: {result['failed']}, "
               f"ждут отправки: {result['pending']}.")
