from flask import Blueprint

from ... import navigation

bp = Blueprint("practices", __name__, url_prefix="/practices")
navigation.add("Банк практик", "practices.index", lambda u: True, "/practices")

from . import routes  # noqa: E402,F401
