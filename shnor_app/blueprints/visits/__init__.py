from flask import Blueprint

from ... import navigation

bp = Blueprint("visits", __name__, url_prefix="/visits")
navigation.add("Посещения школ", "visits.index", lambda u: True, "/visits")

from . import routes  # noqa: E402,F401
