"""Who may see and do what — the one place that says it.

Each area has a module here with its rules as a table read top to bottom
(``policy/roadmaps.py``, ``policy/visits.py`` …), written in the small language of
``policy/core.py`` so that one rule gives both the check of one object and the SQL of a list.
Routes and services ask only the questions below:

- :func:`can` — ``can(user, "edit", item)``, ``can(user, "report", rec)``,
  ``can(user, "create", Visit, school)``: the action names are the ones the area's table
  declares;
- :func:`scope_query` — every list: ``select(Model)`` filtered to what the user sees;
- :func:`get_or_404` — every id in a URL: an object outside the user's scope answers 404, as if
  it did not exist; :func:`require` answers 403 for a visible object the user may not change;
- :func:`pick` — every id in a form field: the record, or a form error (never a foreign one);
- :func:`territory` — the region / municipality / school a report or dashboard covers.

General rules, for every model: nobody unauthenticated may do anything; a soft-deleted record
is seen by the admin only; an observer (``viewer``) only reads — ``view`` and the actions named
``read_…`` or ``see_…``; every action but ``view`` and ``create`` needs ``view`` first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select

from ..extensions import db
from ..models import Attachment, Municipality, OrgKind, Organization, Region, Role
from .core import RULES, Rule, get, rule_for  # noqa: F401 - the language's entry points

_READING = ("read_", "see_")  # actions that only read: an observer may do them


def can(user, action: str, obj, parent=None) -> bool:
    """May ``user`` do ``action`` with ``obj``?

    ``obj`` is a record, or a model for the actions on the model itself — ``create`` (asked with
    the ``parent`` record the new one goes into, or None for "may create these at all"), and
    questions such as ``can(user, "import", AssessmentResult)``.
    """
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    if isinstance(obj, type):
        if action == "create" and user.role == Role.VIEWER:
            return False
        pred = rule_for(obj).actions.get(action)
        if pred is None:
            if action == "create":
                return False  # records nobody creates by hand (an approval, an amendment…)
            raise LookupError(f"policy: {obj.__name__} has no action «{action}»")
        return pred.check(user, parent)
    if getattr(obj, "deleted_at", None) is not None and user.role != Role.ADMIN:
        return False
    rule = rule_for(obj)
    if not rule.actions["view"].check(user, obj):
        return False
    if action == "view":
        return True
    if user.role == Role.VIEWER and not action.startswith(_READING):
        return False
    if action == "attach" and "attach" not in rule.actions:
        return False  # the record carries no documents
    return rule.pred(action).check(user, obj)


def standing(user) -> tuple:
    """What the rules ask of ``user`` besides the data: the role and the organisation,
    municipality and region. The rights of two users of one standing over a roadmap's rows
    (status, edit, report, move, delete) are the same, so a table rendered with the buttons of
    one may be shown to the other; a rule on the author of a record (``MY_ID``) is not of this
    kind and must not be decided from a standing."""
    return (user.role, user.organization_id, user.municipality_id, user.effective_region_id)


def can_view(user, obj) -> bool:
    return can(user, "view", obj)


def can_edit(user, obj) -> bool:
    return can(user, "edit", obj)


def can_create(user, model: type, parent=None) -> bool:
    return can(user, "create", model, parent)


def require(user_or_condition, action: str | None = None, obj=None, parent=None) -> None:
    """403 unless allowed: ``require(user, "edit", item)`` or ``require(condition)``."""
    allowed = user_or_condition if action is None else can(user_or_condition, action, obj, parent)
    if not allowed:
        abort(403)


def require_edit(user, obj) -> None:
    require(user, "edit", obj)


def require_create(user, model: type, parent=None) -> None:
    require(user, "create", model, parent)


def scope_query(user, model: type, stmt=None, *, action: str = "view", columns=None):
    """``select(model)`` (or ``stmt``, or ``select(*columns)``) filtered to the records ``user``
    may ``action``; soft-deleted rows left out."""
    rule = rule_for(model)
    if stmt is None:
        stmt = select(*columns) if columns else select(model)
    if rule.join is not None:
        stmt = rule.join(stmt)
    stmt = stmt.where(rule.pred(action).clause(user))
    if hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    return stmt


def get_or_404(user, model: type, obj_id, action: str | None = None):
    """The record an id in a URL names: 404 when the user does not see it; with ``action``,
    403 when the user sees it but may not ``action`` it (``get_or_404(user, Visit, 7, "edit")``).
    """
    obj = get(model, obj_id)
    if obj is None or not can(user, "view", obj):
        abort(404)
    if action is not None and not can(user, action, obj):
        abort(403)
    return obj


def school_or_404(user, org_id):
    """The school an id in a URL names: 404 when the user does not see the organisation or it
    is not a school."""
    org = get_or_404(user, Organization, org_id)
    if not org.is_school:
        abort(404)
    return org


class NotAllowed(ValueError):
    """A form field named a record the user may not choose; the message is Russian."""


def pick(user, model: type, raw_id, action: str = "view", *, message: str | None = None):
    """The ``model`` record a form field names (``raw_id`` as it came), or None when empty.

    Whatever else arrives — text, a number that names nothing, a record outside the user's
    scope — raises :class:`NotAllowed`, which forms show beside the field: a foreign id is a
    form error, and never reaches a service.
    """
    if raw_id in (None, "", "None"):
        return None
    try:
        ident = int(raw_id)
    except (TypeError, ValueError):
        ident = None
    obj = get(model, ident) if ident is not None else None
    if obj is None or not can(user, action, obj):
        raise NotAllowed(message or "Выберите значение из списка.")
    return obj


# --------------------------------------------------------------------------- territory


@dataclass
class Territory:
    """What a report, a map or a dashboard covers: one school, one municipality or a region —
    or, for a school's or a tutor's user, its own organisations (``own``).

    ``choices`` are the municipalities the user may switch between (empty for a user bound to
    one municipality or school); ``args`` are the query arguments that reproduce the choice.
    The schools are those of the territory that ``user`` sees: :meth:`schools` (a SELECT),
    :meth:`school_ids` (a sub-select for ``IN``), :meth:`school_list` (loaded once),
    :meth:`school_choices` (id and name, for a filter). The region and the choices are read
    when first asked for (a start-page panel needs neither).
    """
    region_id: int | None
    municipality: Municipality | None = None
    school: Organization | None = None
    user: object = field(default=None, repr=False, compare=False)
    own: bool = False  # the user's own organisation(s), not a place the user picked
    _choices: list | None = field(default=None, repr=False, compare=False)
    _choices_stmt: object = field(default=None, repr=False, compare=False)  # when not read yet
    _schools: list | None = field(default=None, repr=False, compare=False)

    OWN_TITLE = "Школы моей организации и сопровождаемые"

    @property
    def region(self) -> Region | None:
        return get(Region, self.region_id)

    @property
    def choices(self) -> list:
        """The municipalities to switch between, as (id, name) rows — a region's thirty
        municipalities with their joined regions cost more than the rest of a kept page — or
        the objects already loaded to pick one of them."""
        if self._choices is None:
            self._choices = [] if self._choices_stmt is None else list(db.session.execute(
                self._choices_stmt.with_only_columns(Municipality.id, Municipality.name)))
        return self._choices

    @property
    def level(self) -> str:
        if self.school is not None:
            return "school"
        return "municipality" if self.municipality is not None or self.own else "region"

    @property
    def place(self) -> Municipality | Region | None:
        """The municipality, or the region of a region-wide page: what a list approved for the
        territory belongs to."""
        return self.municipality if self.municipality is not None else self.region

    @property
    def title(self) -> str:
        if self.school is not None:
            return self.school.short_name
        if self.own:
            return self.OWN_TITLE
        if self.municipality is not None:
            return self.municipality.name
        region = self.region
        return region.name if region is not None else "Все регионы"

    @property
    def args(self) -> dict:
        if self.own:
            return {}
        if self.school is not None:
            return {"school": self.school.id}
        if self.municipality is not None and self.choices:
            return {"municipality": self.municipality.id}
        return {}

    def schools(self, user=None):
        """SELECT of the territory's schools the user sees (ordered by name)."""
        stmt = scope_query(user or self.user, Organization) \
            .where(Organization.kind == OrgKind.SCHOOL)
        if self.school is not None:
            stmt = stmt.where(Organization.id == self.school.id)
        elif self.own:
            pass  # what the user sees is its own organisation and those it works with
        elif self.municipality is not None:
            stmt = stmt.where(Organization.municipality_id == self.municipality.id)
        elif self.region_id is not None:
            stmt = stmt.where(Organization.region_id == self.region_id)
        return stmt.order_by(Organization.sort_name, Organization.id)

    def school_ids(self):
        """Sub-select of the schools' ids (for ``IN``; unordered, never correlated with a query
        that joins the organisations itself)."""
        return self.schools().with_only_columns(Organization.id).order_by(None).correlate(None)

    def school_list(self) -> list[Organization]:
        if self._schools is None:
            self._schools = list(db.session.scalars(self.schools()))
        return self._schools

    def school_choices(self) -> list:
        """(id, short_name) of the schools a filter offers: the territory's — for one school
        the schools of its municipality — without loading them."""
        if self._schools is not None and self.school is None:
            return self._schools
        stmt = self.schools()
        if self.school is not None and not self.own:
            stmt = Territory(self.region_id, self.municipality, user=self.user).schools()
        return list(db.session.execute(stmt.with_only_columns(Organization.id,
                                                              Organization.short_name)))


def bound_municipality_id(user) -> int | None:
    """The municipality a user is bound to (a methodist's, a municipal viewer's, a school's or
    tutor's own), or None for users who see a region or everything."""
    if user.role in (Role.TUTOR, Role.SCHOOL) or user.municipality_id:
        return user.effective_municipality_id
    return None


def _municipality_choices(user):
    return scope_query(user, Municipality).order_by(Municipality.name)


def territory(user, *, municipality_id: int | None = None, region_id: int | None = None,
              school_id: int | None = None, default_municipality: bool = False) -> Territory:
    """The territory asked for (ids from the query string), within what ``user`` may see.

    A school asked for is one the user sees (else 404); a school's or a tutor's user otherwise
    gets its own organisations — one school, or its own and those it works with. A user bound
    to a municipality always gets it (asked ids of other municipalities answer 404 like any
    foreign id); a region user picks a municipality of its region or none (the whole region);
    the admin also picks the region. ``default_municipality`` takes the first municipality of
    the choices when none is asked for (pages that show one at a time).
    """
    bound = bound_municipality_id(user)
    if school_id:
        school = get_or_404(user, Organization, school_id)
        if school.kind != OrgKind.SCHOOL:
            abort(404)
        return Territory(school.region_id, get(Municipality, school.municipality_id), school,
                         user=user, _schools=[school] if school.deleted_at is None else [],
                         _choices_stmt=None if bound is not None else _municipality_choices(user))
    member = user.role in (Role.TUTOR, Role.SCHOOL)
    if municipality_id and (bound is not None or member) and municipality_id != bound:
        abort(404)
    if member:
        own = Territory(user.effective_region_id, get(Municipality, bound), user=user, own=True)
        schools = list(db.session.scalars(own.schools().limit(2)))
        if len(schools) == 1:
            school = schools[0]
            return Territory(school.region_id, get(Municipality, school.municipality_id), school,
                             user=user, own=True, _schools=schools)
        return own
    if bound is not None:
        muni = get(Municipality, bound)
        return Territory(muni.region_id if muni else user.effective_region_id, muni, user=user)
    stmt = _municipality_choices(user)
    if municipality_id or default_municipality:
        choices = list(db.session.scalars(stmt))
        muni = next((m for m in choices if m.id == municipality_id), None) if municipality_id \
            else choices[0] if choices else None
        if muni is None and municipality_id:
            abort(404)
        if muni is not None:
            return Territory(muni.region_id, muni, user=user, _choices=choices)
    if user.role == Role.ADMIN:
        region_id = get_or_404(user, Region, region_id).id if region_id else \
            user.effective_region_id
        if region_id is not None:
            stmt = stmt.where(Municipality.region_id == region_id)
    else:
        region_id = user.effective_region_id
    return Territory(region_id, None, user=user, _choices_stmt=stmt)


# --------------------------------------------------------------------------- records


def model_for_table(table: str) -> type | None:
    """The model whose records are kept in ``table`` (attachments and history name them so)."""
    for model in RULES:
        if getattr(model, "__tablename__", None) == table:
            return model
    return None


def record_tables() -> list[str]:
    """Tables whose records have a history (audited models), for the journal's filter."""
    return sorted(m.__tablename__ for m in RULES if getattr(m, "__audit__", False))


def attachment_owner(att: Attachment):
    model = model_for_table(att.object_type)
    return get(model, att.object_id) if model is not None and can_carry_files(model) else None


def can_carry_files(model: type) -> bool:
    """Records of ``model`` carry documents when its rule says who attaches them."""
    rule = RULES.get(model)
    return rule is not None and "attach" in rule.actions


from . import (  # noqa: E402,F401 - each module declares its area's rules
    registry, roadmaps, recommendations, interviews, partnerships, monitoring, mentoring,
    visits, courses, files, admin, reports,
)
from .admin import can_see_panel  # noqa: E402,F401
from .home import start_page_shows  # noqa: E402,F401
from .registry import (  # noqa: E402,F401 - territory questions other areas ask
    related_org_ids, responsible_org_ids, sees_own_school_only,
    visible_org_ids,
)
from .visits import visiting_org_ids  # noqa: E402,F401

__all__ = [
    "NotAllowed", "Territory", "attachment_owner", "can", "can_create", "can_edit", "can_view",
    "get_or_404", "model_for_table", "pick", "require", "require_create", "require_edit",
    "scope_query", "territory",
]
