from flask import Blueprint

from ... import navigation

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")
navigation.add("Наставничество", "mentoring.index", lambda u: True, "/mentoring")

from . import routes  # noqa: E402,F401
