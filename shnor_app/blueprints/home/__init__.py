"""The start page: the user's territory at a glance and the panels the areas contribute."""
from flask import Blueprint

from ... import areas

bp = Blueprint("home", __name__)

from . import routes  # noqa: E402,F401

areas.contribute(
    "home",
    menu=[areas.MenuEntry("Главная", "home.index", lambda u: True, "/")],
)
