"""The practice bank: effective practices shared between the schools of a region."""
from flask import Blueprint

from ... import areas
from ...services import practices as service

bp = Blueprint("practices", __name__, url_prefix="/practices")

from . import routes  # noqa: E402,F401

areas.contribute(
    "practices",
    menu=[areas.MenuEntry("Банк практик", "practices.index", lambda u: True, "/practices")],
    audit_labels=service.AUDIT_LABELS,
)
