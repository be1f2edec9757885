"""Roadmaps (дорожные карты): the plan, its sections, items and progress reports.

A roadmap is seen by whoever sees its owner organisation: regional roadmaps region-wide,
municipal ones in the municipality, a school's own by the school, its municipality and region, a
tutor's by its own organisation and the schools it supports. A roadmap without an owner
(imported by the CLI without ``--owner``) is the admin's until an owner is set.

Its structure — cells, rows, statuses — is changed by whoever manages the owner, and by a school
on its own roadmap. Items are also seen, and reported on, by the organisations that execute
them (a methodist answers for the municipal authority, a region user for the regional
authority and institutes).

Its life cycle — «Завершить», «В архив», «Вернуть в работу» — is decided by whoever manages the
owner (a methodist for the plans owned in the municipality, a region user for the region's) and
the admin; a school edits its own plan but does not decide that it is over. A plan that is
«завершена» or «в архиве» is read-only for everyone — its requisites, sections, items, statuses
and reports — until it is returned to work («Вернуть в работу» stays with those who decide the
life cycle); it is still seen and exported.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..models import (
    ItemExecutor, ItemReport, Organization, Role, Roadmap, RoadmapItem, RoadmapSection,
)
from .core import (
    ADMIN, MY_ID, Pred, get, null, role, rule_for, rules, same, test, via, within,
)
from .registry import manages, own, responsible_org_ids, sees_org


class _Current(Pred):
    """The roadmap «действует»: a finished or archived one is not edited until reopened."""

    def check(self, user, rm) -> bool:
        return rm is not None and rm.is_current

    def clause(self, user):
        return Roadmap.is_current


CURRENT = _Current()
ROADMAP_VIEW = ADMIN | sees_org(Roadmap.owner_id, joined=True)
ROADMAP_EDIT = CURRENT & (ADMIN | manages(Roadmap.owner_id)
                          | (role(Role.SCHOOL) & own(Roadmap.owner_id)))
ROADMAP_STATE = ADMIN | manages(Roadmap.owner_id)
ITEM_OF_CURRENT = via(RoadmapItem.roadmap_id, Roadmap, CURRENT)


def _creates_roadmap_of(user, owner) -> bool:
    """``owner``: the organisation the new roadmap belongs to, or None (the form offers the
    user's own organisations then)."""
    from . import can

    if user.role == Role.ADMIN:
        return True
    if owner is None:
        return user.role in (Role.REGION, Role.METHODIST)
    return can(user, "manage", owner) or (
        user.role == Role.SCHOOL and owner.id == user.organization_id)


class _ItemOf(Pred):
    """The item's roadmap answers ``action`` (read from the request's cache, not a join)."""

    def __init__(self, action: str):
        self.action = action

    def check(self, user, item) -> bool:
        rm = get(Roadmap, item.roadmap_id) if item is not None else None
        return rm is not None and rm.deleted_at is None and \
            rule_for(Roadmap).pred(self.action).check(user, rm)

    def clause(self, user):
        from . import scope_query

        return RoadmapItem.roadmap_id.in_(scope_query(user, Roadmap, columns=(Roadmap.id,),
                                                      action=self.action))


class _Executes(Pred):
    """The user's organisation (or its authority) is among the item's executors."""

    def check(self, user, item) -> bool:
        return bool(item.executor_org_ids & responsible_org_ids(user))

    def clause(self, user):
        mine = responsible_org_ids(user)
        if not mine:
            from sqlalchemy import false

            return false()
        return RoadmapItem.id.in_(select(ItemExecutor.item_id).where(
            ItemExecutor.organization_id.in_(mine)))


class _RoadmapAlive(Pred):
    """The item's roadmap exists and is not deleted."""

    def check(self, user, item) -> bool:
        rm = get(Roadmap, item.roadmap_id)
        return rm is not None and rm.deleted_at is None

    def clause(self, user):
        return RoadmapItem.roadmap_id.in_(select(Roadmap.id).where(Roadmap.deleted_at.is_(None)))


EXECUTES = _Executes()
NOT_DELETED_ITEM = test(lambda u, item: item.deleted_at is None, "item not deleted")

rules(Roadmap, join=lambda q: q.outerjoin(Organization, Organization.id == Roadmap.owner_id),
      view=ROADMAP_VIEW,
      edit=ROADMAP_EDIT,
      attach=ROADMAP_EDIT,                     # the approving order, the plan as signed
      set_state=ROADMAP_STATE,                 # finish, archive, reopen
      set_owner=ADMIN & null(Roadmap.owner_id),
      create=test(_creates_roadmap_of, "manages the owner"),
      leave_unowned=ADMIN)                     # import now, name the owner later

# A section, an item or a report is checked through its roadmap: it comes in the same query.
rules(RoadmapSection, load=lambda: [joinedload(RoadmapSection.roadmap, innerjoin=True)],
      view=within(RoadmapSection.roadmap_id, Roadmap),
      edit=within(RoadmapSection.roadmap_id, Roadmap, "edit"),
      create=test(lambda u, rm: rm is not None and rule_for(Roadmap).pred("edit").check(u, rm),
                  "edits the roadmap"))

rules(RoadmapItem, load=lambda: [joinedload(RoadmapItem.roadmap, innerjoin=True)],
      view=_RoadmapAlive() & (_ItemOf("view") | EXECUTES),
      edit=_ItemOf("edit"),
      set_status=_ItemOf("edit"),              # a school only on its own roadmap
      report=NOT_DELETED_ITEM & (_ItemOf("edit") | (ITEM_OF_CURRENT & EXECUTES)),
      create=test(lambda u, rm: rm is not None and rule_for(Roadmap).pred("edit").check(u, rm),
                  "edits the roadmap"))

# the report's author and whoever edits the plan, while the plan is current
REPORT_EDIT = (same(ItemReport.author_id, MY_ID)
               & via(ItemReport.item_id, RoadmapItem, ITEM_OF_CURRENT)) \
    | within(ItemReport.item_id, RoadmapItem, "edit")

rules(ItemReport, load=lambda: [joinedload(ItemReport.item, innerjoin=True)
                                      .joinedload(RoadmapItem.roadmap, innerjoin=True)],
      view=within(ItemReport.item_id, RoadmapItem),
      edit=REPORT_EDIT,
      attach=REPORT_EDIT,
      create=test(lambda u, item: item is not None and _can_report(u, item), "reports on item"))


def _can_report(user, item) -> bool:
    from . import can

    return can(user, "report", item)

