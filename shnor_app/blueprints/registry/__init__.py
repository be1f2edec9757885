"""Registry: regions, municipalities, organisations, their statuses and staff."""
from flask import Blueprint

from ... import areas

bp = Blueprint("registry", __name__, url_prefix="/registry")

from . import cli, imports, routes  # noqa: E402,F401

areas.contribute(
    "registry",
    menu=[areas.MenuEntry("Реестр", "registry.organizations", lambda u: True, "/registry")],
    cli=[cli.registry_cli, cli.staff_cli],
)
