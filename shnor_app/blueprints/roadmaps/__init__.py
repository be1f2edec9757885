from flask import Blueprint

from ... import navigation

bp = Blueprint("roadmaps", __name__, url_prefix="/roadmaps")
navigation.add("Дорожные карты", "roadmaps.index", lambda u: True, "/roadmaps")

from . import cli, routes  # noqa: E402,F401
