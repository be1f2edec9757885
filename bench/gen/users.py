"""Users of every role, all with the password ``BENCH_PASSWORD`` (see base.py); the admin and
the region's users have their required second factor set up with ``BENCH_TOTP_SECRET``.

Logins: ``admin``; ``region01…`` (the region); ``methodist01…`` and ``viewer01…`` (one per
municipality, up to ``users_per_role``), ``viewer-region``; ``tutor001…`` (one per tutor
school) and ``school001…`` (one per ШНОР of this year).

Puts into ``ctx.ids``: ``users_by_role`` — role code → list of (user id, login, scope id),
the scope being the municipality for methodists and municipal viewers, the organisation for
tutors and schools.
"""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from shnor_app.models import Role, User
from shnor_app.services.auth import second_factor

from ..config import BENCH_SECRET_KEY
from .base import BENCH_HASH_METHOD, BENCH_PASSWORD, BENCH_TOTP_SECRET

NEEDS = ("User",)


def generate(ctx) -> None:
    s = ctx.scale
    pw_hash = generate_password_hash(BENCH_PASSWORD, method=BENCH_HASH_METHOD)
    region = ctx.ids["region"]
    munis = ctx.ids["municipalities"][:s.users_per_role]
    people = [(Role.ADMIN, "admin", "Администратор стенда", {}, None)]
    people += [(Role.REGION, f"region{i:02d}", ctx.person(), {"region_id": region}, region)
               for i in range(1, 4)]
    people += [(Role.METHODIST, f"methodist{i:02d}", ctx.person(), {"municipality_id": m}, m)
               for i, m in enumerate(munis, start=1)]
    people += [(Role.VIEWER, f"viewer{i:02d}", ctx.person(), {"municipality_id": m}, m)
               for i, m in enumerate(munis, start=1)]
    people.append((Role.VIEWER, "viewer-region", ctx.person(), {"region_id": region}, region))
    people += [(Role.TUTOR, f"tutor{i:03d}", ctx.person(), {"organization_id": o}, o)
               for i, o in enumerate(ctx.ids["tutor_schools"], start=1)]
    people += [(Role.SCHOOL, f"school{i:03d}", ctx.person(), {"organization_id": o}, o)
               for i, o in enumerate(ctx.ids["low_results"], start=1)]
    totp = second_factor.encrypt_secret(BENCH_TOTP_SECRET, BENCH_SECRET_KEY)
    rows, by_role = [], {}
    for uid, (role, login, name, scope, scope_id) in zip(ctx.take_ids(User, len(people)), people):
        required = second_factor.role_requires_second_factor(role)
        rows.append(ctx.stamp(
            id=uid, login=login, full_name=name, email=None, position=None,
            password_hash=pw_hash, role=role, organization_id=scope.get("organization_id"),
            municipality_id=scope.get("municipality_id"), region_id=scope.get("region_id"),
            active=True, session_version=1, must_change_password=False, last_login_at=None,
            totp_secret=totp if required else None, totp_enabled_at=ctx.now if required else None,
            totp_last_step=None))
        by_role.setdefault(role.name.lower(), []).append((uid, login, scope_id))
    ctx.insert(User, rows)
    ctx.ids["users_by_role"] = by_role
