from flask import Blueprint

from ... import navigation
from ...models import Role

bp = Blueprint("registry", __name__, url_prefix="/registry")
navigation.add("Реестр", "registry.organizations", lambda u: True, "/registry")

from . import routes  # noqa: E402,F401
