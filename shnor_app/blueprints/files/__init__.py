"""Attached files of every record: upload, list, download, delete; ``flask files migrate``."""
from flask import Blueprint

from ... import areas

bp = Blueprint("files", __name__, url_prefix="/files")

from . import cli, routes  # noqa: E402,F401

areas.contribute("files", cli=[cli.cli])
