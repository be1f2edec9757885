"""Who may see and do what — the one place that says it.

Access is scoped by data: every list query goes through :func:`scope_query`, every object
fetched by id goes through :func:`get_or_404` (an object outside the user's scope answers 404,
as if it did not exist), and every change asks :func:`can_edit` / :func:`can_create`
(a visible object the user may not change answers 403).

Scopes (DOMAIN.md §3):
- ``admin``: everything;
- ``region`` and a region-scoped ``viewer``: every organisation of the region;
- ``methodist`` and a municipality-scoped ``viewer``: the municipality's organisations plus the
  region-level organisations (institutes, the ministry) of its region, read-only;
- ``tutor``: its own organisation and the schools it supports (:func:`related_org_ids`);
- ``school``: its own organisation.

Models register a :class:`Rule` in ``RULES``; the rule maps an object to the organisation (or
municipality / region) it belongs to, and the generic questions follow from that.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort
from sqlalchemy import and_, false, or_, select, true

from .extensions import db
from .models import (
    Attachment, AuditEntry, Municipality, Organization, Region, Role, SchoolStatusRecord,
    StaffMember, User,
)

# --------------------------------------------------------------------------- organisations


def related_org_ids(user: User) -> set[int]:
    """Organisations a tutor or school user works with besides its own.

    The partnership and mentoring modules extend this through ``RELATED_ORG_PROVIDERS``: each
    provider returns the ids of the organisations paired with the user's organisation.
    """
    ids: set[int] = set()
    for provider in RELATED_ORG_PROVIDERS:
        ids |= set(provider(user))
    return ids


RELATED_ORG_PROVIDERS: list[Callable[[User], Any]] = []


def _visible_org_ids(user: User) -> set[int]:
    own = {user.organization_id} if user.organization_id else set()
    if user.role == Role.TUTOR:
        return own | related_org_ids(user)
    return own


def org_clause(user: User, org_id_col=None, muni_col=None, region_col=None):
    """SQL condition selecting the organisations visible to ``user``.

    The column arguments default to ``Organization``'s own; a model that stores an
    organisation id passes its column and joins ``Organization`` itself.
    """
    org_id_col = org_id_col if org_id_col is not None else Organization.id
    muni_col = muni_col if muni_col is not None else Organization.municipality_id
    region_col = region_col if region_col is not None else Organization.region_id
    role = user.role
    if role == Role.ADMIN:
        return true()
    if role in (Role.TUTOR, Role.SCHOOL):
        ids = _visible_org_ids(user)
        return org_id_col.in_(ids) if ids else false()
    if user.municipality_id:  # methodist, municipal viewer
        return or_(
            muni_col == user.municipality_id,
            and_(muni_col.is_(None), region_col == user.effective_region_id),
        )
    if user.effective_region_id:  # region, regional viewer
        return region_col == user.effective_region_id
    return false()


def org_visible(user: User, org: Organization | None) -> bool:
    if org is None or user is None or not user.is_authenticated:
        return False
    role = user.role
    if role == Role.ADMIN:
        return True
    if role in (Role.TUTOR, Role.SCHOOL):
        return org.id in _visible_org_ids(user)
    if user.municipality_id:
        return org.municipality_id == user.municipality_id or (
            org.municipality_id is None and org.region_id == user.effective_region_id
        )
    return org.region_id == user.effective_region_id


def manages_org(user: User, org: Organization | None) -> bool:
    """May change the organisation's card, statuses and anything the authority owns there."""
    if org is None:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REGION:
        return org.region_id == user.effective_region_id
    if user.role == Role.METHODIST:
        return org.municipality_id is not None and org.municipality_id == user.municipality_id
    return False


def manages_municipality(user: User, municipality_id: int | None, region_id: int | None) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REGION:
        return region_id is not None and region_id == user.effective_region_id
    if user.role == Role.METHODIST:
        return municipality_id is not None and municipality_id == user.municipality_id
    return False


# --------------------------------------------------------------------------- rules per model


@dataclass(frozen=True)
class Rule:
    view: Callable[[User, Any], bool]
    edit: Callable[[User, Any], bool]
    clause: Callable[[User], Any]                 # SQL condition for lists of this model
    join: Callable[[Any], Any] | None = None      # how to join what the clause needs
    create: Callable[[User, Any], bool] | None = None  # (user, parent) → bool


def _staff_edit(user: User, obj: StaffMember) -> bool:
    org = obj.organization
    if manages_org(user, org):
        return True
    return user.role == Role.SCHOOL and org is not None and org.id == user.organization_id


def _region_view(user: User, region: Region) -> bool:
    return user.role == Role.ADMIN or region.id == user.effective_region_id


def _municipality_view(user: User, muni: Municipality) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role in (Role.TUTOR, Role.SCHOOL):
        return muni.id == user.effective_municipality_id
    if user.municipality_id:
        return muni.id == user.municipality_id
    return muni.region_id == user.effective_region_id


def _municipality_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    if user.role in (Role.TUTOR, Role.SCHOOL) or user.municipality_id:
        mid = user.effective_municipality_id
        return Municipality.id == mid if mid else false()
    return Municipality.region_id == user.effective_region_id


def _join_org(model):
    return lambda q: q.join(Organization, Organization.id == model.organization_id)


RULES: dict[type, Rule] = {
    Region: Rule(
        view=_region_view,
        edit=lambda u, o: u.role == Role.ADMIN,
        clause=lambda u: true() if u.role == Role.ADMIN else Region.id == u.effective_region_id,
        create=lambda u, parent: u.role == Role.ADMIN,
    ),
    Municipality: Rule(
        view=_municipality_view,
        edit=lambda u, o: u.role == Role.ADMIN or (
            u.role == Role.REGION and o.region_id == u.effective_region_id),
        clause=_municipality_clause,
        create=lambda u, region: u.role == Role.ADMIN or (
            u.role == Role.REGION and region is not None and region.id == u.effective_region_id),
    ),
    Organization: Rule(
        view=org_visible,
        edit=manages_org,
        clause=org_clause,
        create=lambda u, muni: u.role == Role.ADMIN or (muni is not None and manages_municipality(
            u, getattr(muni, "id", None), getattr(muni, "region_id", None))),
    ),
    SchoolStatusRecord: Rule(
        view=lambda u, o: org_visible(u, o.organization),
        edit=lambda u, o: manages_org(u, o.organization),
        clause=org_clause,
        join=_join_org(SchoolStatusRecord),
        create=lambda u, org: manages_org(u, org),
    ),
    StaffMember: Rule(
        view=lambda u, o: org_visible(u, o.organization),
        edit=_staff_edit,
        clause=org_clause,
        join=_join_org(StaffMember),
        create=lambda u, org: manages_org(u, org) or (
            u.role == Role.SCHOOL and org is not None and org.id == u.organization_id),
    ),
    User: Rule(
        view=lambda u, o: u.role == Role.ADMIN,
        edit=lambda u, o: u.role == Role.ADMIN,
        clause=lambda u: true() if u.role == Role.ADMIN else false(),
        create=lambda u, parent: u.role == Role.ADMIN,
    ),
}


def rule_for(model_or_obj) -> Rule:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    try:
        return RULES[model]
    except KeyError:  # a model without a rule is a programming error, never "allow"
        raise LookupError(f"policy has no rule for {model.__name__}") from None


# --------------------------------------------------------------------------- public questions


def can_view(user: User, obj) -> bool:
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(obj, "deleted_at", None) is not None and user.role != Role.ADMIN:
        return False
    if isinstance(obj, Attachment):
        owner = attachment_owner(obj)
        return owner is not None and can_view(user, owner)
    return rule_for(obj).view(user, obj)


def can_edit(user: User, obj) -> bool:
    if not can_view(user, obj) or user.role == Role.VIEWER:
        return False
    if isinstance(obj, Attachment):
        owner = attachment_owner(obj)
        return obj.uploaded_by_id == user.id or can_edit(user, owner)
    return rule_for(obj).edit(user, obj)


def can_create(user: User, model: type, parent=None) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role == Role.VIEWER:
        return False
    rule = rule_for(model)
    return bool(rule.create and rule.create(user, parent))


def can_attach(user: User, owner) -> bool:
    """May upload files to ``owner``: whoever may edit it, and a school to its own records."""
    if not can_view(user, owner) or user.role == Role.VIEWER:
        return False
    if can_edit(user, owner):
        return True
    return user.role == Role.SCHOOL and getattr(owner, "id", None) == user.organization_id \
        and isinstance(owner, Organization)


def can_see_audit_log(user: User) -> bool:
    return user.role == Role.ADMIN


def can_manage_users(user: User) -> bool:
    return user.role == Role.ADMIN


def scope_query(user: User, model: type, stmt=None):
    """``select(model)`` (or ``stmt``) filtered to what ``user`` may see; soft-deleted rows out."""
    rule = rule_for(model)
    stmt = stmt if stmt is not None else select(model)
    if rule.join is not None:
        stmt = rule.join(stmt)
    stmt = stmt.where(rule.clause(user))
    if hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    return stmt


def get_or_404(user: User, model: type, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None or not can_view(user, obj):
        abort(404)
    return obj


def require_edit(user: User, obj) -> None:
    if not can_edit(user, obj):
        abort(403)


def require_create(user: User, model: type, parent=None) -> None:
    if not can_create(user, model, parent):
        abort(403)


def require(condition: bool) -> None:
    if not condition:
        abort(403)


# --------------------------------------------------------------------------- attachments

ATTACHMENT_OWNERS: dict[str, type] = {
    "organizations": Organization,
    "staff_members": StaffMember,
    "school_statuses": SchoolStatusRecord,
}


def attachment_owner(att: Attachment):
    model = ATTACHMENT_OWNERS.get(att.object_type)
    return db.session.get(model, att.object_id) if model else None


# Every record whose history can be shown, by its table name.
RECORD_TYPES: dict[str, type] = {
    "regions": Region, "municipalities": Municipality, "organizations": Organization,
    "school_statuses": SchoolStatusRecord, "staff_members": StaffMember, "users": User,
}


def can_view_history(user: User, obj) -> bool:
    return user.role == Role.ADMIN or can_view(user, obj)


__all__ = [
    "AuditEntry", "can_attach", "can_create", "can_edit", "can_see_audit_log", "can_view",
    "get_or_404", "org_clause", "require", "require_create", "require_edit", "scope_query",
]
