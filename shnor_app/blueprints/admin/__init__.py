from flask import Blueprint

from ... import navigation, policy

bp = Blueprint("admin", __name__, url_prefix="/admin")
navigation.add("Пользователи", "admin.users", policy.can_manage_users, "/admin/users")
navigation.add("Журнал", "admin.audit_log", policy.can_see_audit_log, "/admin/audit")

from . import routes  # noqa: E402,F401
