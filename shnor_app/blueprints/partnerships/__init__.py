from flask import Blueprint

from ... import navigation

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
navigation.add("Сетевое партнёрство", "partnerships.index", lambda u: True, "/partnerships")

from . import routes  # noqa: E402,F401
