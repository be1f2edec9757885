"""Administration: user accounts and the audit journal."""
from flask import Blueprint

from ... import areas, policy
from ...models import AuditEntry, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import cli, routes  # noqa: E402,F401

areas.contribute(
    "admin",
    menu=[areas.MenuEntry("Пользователи", "admin.users",
                          lambda u: policy.can(u, "manage", User), "/admin/users"),
          areas.MenuEntry("Журнал", "admin.audit_log",
                          lambda u: policy.can(u, "read_journal", AuditEntry), "/admin/audit")],
    cli=[cli.users_cli],
)
