from flask import Blueprint

from ... import navigation

bp = Blueprint("home", __name__)
navigation.add("Главная", "home.index", lambda u: True, "/")

from . import routes  # noqa: E402,F401
