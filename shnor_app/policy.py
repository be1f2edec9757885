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

from flask import abort, g, has_app_context
from sqlalchemy import and_, false, or_, select, true

from .extensions import db
from .models import (
    Attachment, AuditEntry, Municipality, Organization, Region, Role, SchoolStatusRecord,
    StaffMember, User,
)


def _get(model, ident):
    """``db.session.get`` that keeps what it loaded alive until the end of the request.

    The session's identity map holds objects weakly: a roadmap that one check loaded and let go
    was queried again by the next check and again by the view (three SELECTs of the same row in
    one status change). Kept in ``g``, the later ``get`` calls are answered from the map.
    """
    obj = db.session.get(model, ident)
    if obj is not None and has_app_context():
        g.setdefault("_policy_loaded", {})[(model, ident)] = obj
    return obj


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


# --------------------------------------------------------------------------- roadmaps
# A roadmap is seen by whoever sees its owner organisation (regional roadmaps region-wide,
# municipal ones in the municipality, a school's one by the school, its municipality and
# region; a tutor by its own org and the schools it supports). A roadmap without an owner
# (imported by the CLI without --owner) is the admin's until an owner is set. Structure
# (cells, rows, statuses) is changed by whoever manages the owner, and by a school on its own
# roadmap. Items are also seen — and reported on — by the organisations that execute them.

from .models import ItemReport, Roadmap, RoadmapItem, RoadmapSection  # noqa: E402


def responsible_org_ids(user: User) -> set[int]:
    """Organisations whose work ``user`` answers for: its own, or its authority's.

    A methodist answers for the municipal authority of its municipality, a region user for the
    regional authority and institutes of its region.
    """
    if user.organization_id:
        return {user.organization_id}
    from .models import OrgKind

    if user.role == Role.METHODIST and user.municipality_id:
        stmt = select(Organization.id).where(
            Organization.municipality_id == user.municipality_id,
            Organization.kind == OrgKind.MUNICIPAL_AUTHORITY, Organization.deleted_at.is_(None))
    elif user.role == Role.REGION and user.effective_region_id:
        stmt = select(Organization.id).where(
            Organization.region_id == user.effective_region_id,
            Organization.municipality_id.is_(None),
            Organization.kind.in_([OrgKind.REGIONAL_AUTHORITY, OrgKind.INSTITUTE]),
            Organization.deleted_at.is_(None))
    else:
        return set()
    from flask import g, has_request_context

    if not has_request_context():
        return set(db.session.scalars(stmt))
    cache = g.setdefault("responsible_org_ids", {})  # once per request: rows ask it many times
    if user.id not in cache:
        cache[user.id] = set(db.session.scalars(stmt))
    return cache[user.id]


def _roadmap_view(user: User, rm: Roadmap) -> bool:
    if user.role == Role.ADMIN:
        return True
    return rm.owner is not None and org_visible(user, rm.owner)


def _roadmap_edit(user: User, rm: Roadmap) -> bool:
    if user.role == Role.ADMIN:
        return True
    owner = rm.owner
    if owner is None:
        return False
    if manages_org(user, owner):
        return True
    return user.role == Role.SCHOOL and owner.id == user.organization_id


def _roadmap_create(user: User, owner) -> bool:
    if user.role == Role.ADMIN:
        return True
    if owner is None:
        return user.role in (Role.REGION, Role.METHODIST)  # the form then offers their orgs
    return manages_org(user, owner) or (
        user.role == Role.SCHOOL and owner.id == user.organization_id)


def _item_view(user: User, item: RoadmapItem) -> bool:
    rm = _get(Roadmap, item.roadmap_id)
    if rm is None or rm.deleted_at is not None:
        return False
    if _roadmap_view(user, rm):
        return True
    return bool(item.executor_org_ids & responsible_org_ids(user))


def _item_clause(user: User):
    """Items of visible roadmaps, or executed by the user's organisation."""
    from .models import ItemExecutor

    mine = responsible_org_ids(user)
    visible_roadmaps = select(Roadmap.id).outerjoin(
        Organization, Organization.id == Roadmap.owner_id).where(
        org_clause(user) if user.role != Role.ADMIN else true())
    cond = RoadmapItem.roadmap_id.in_(visible_roadmaps)
    if mine:
        cond = or_(cond, RoadmapItem.id.in_(select(ItemExecutor.item_id).where(
            ItemExecutor.organization_id.in_(mine))))
    return cond


RULES.update({
    Roadmap: Rule(
        view=_roadmap_view,
        edit=_roadmap_edit,
        clause=lambda u: true() if u.role == Role.ADMIN else org_clause(u),
        join=lambda q: q.outerjoin(Organization, Organization.id == Roadmap.owner_id),
        create=_roadmap_create,
    ),
    RoadmapSection: Rule(
        view=lambda u, o: _roadmap_view(u, _get(Roadmap, o.roadmap_id)),
        edit=lambda u, o: _roadmap_edit(u, _get(Roadmap, o.roadmap_id)),
        clause=lambda u: RoadmapSection.roadmap_id.in_(
            select(Roadmap.id).outerjoin(Organization, Organization.id == Roadmap.owner_id)
            .where(true() if u.role == Role.ADMIN else org_clause(u))),
        create=lambda u, rm: rm is not None and _roadmap_edit(u, rm),
    ),
    RoadmapItem: Rule(
        view=_item_view,
        edit=lambda u, o: _roadmap_edit(u, _get(Roadmap, o.roadmap_id)),
        clause=_item_clause,
        create=lambda u, rm: rm is not None and _roadmap_edit(u, rm),
    ),
    ItemReport: Rule(
        view=lambda u, o: can_view(u, _get(RoadmapItem, o.item_id)),
        edit=lambda u, o: o.author_id == u.id or can_edit(
            u, _get(RoadmapItem, o.item_id)),
        clause=lambda u: ItemReport.item_id.in_(
            select(RoadmapItem.id).where(_item_clause(u))),
        create=lambda u, item: item is not None and can_report_on_item(u, item),
    ),
})


def can_set_item_status(user: User, item: RoadmapItem, roadmap: Roadmap | None = None) -> bool:
    """Status is set by whoever edits the roadmap (a school only on its own roadmap)."""
    if not getattr(user, "is_authenticated", False) or user.role == Role.VIEWER:
        return False
    roadmap = roadmap or _get(Roadmap, item.roadmap_id)
    return roadmap is not None and _roadmap_edit(user, roadmap)


def can_report_on_item(user: User, item: RoadmapItem, roadmap: Roadmap | None = None) -> bool:
    """Reports come from the roadmap's editors and from the item's executor organisations."""
    if not getattr(user, "is_authenticated", False) or user.role == Role.VIEWER:
        return False
    if item.deleted_at is not None:
        return False
    roadmap = roadmap or _get(Roadmap, item.roadmap_id)
    if roadmap is None:
        return False
    if _roadmap_edit(user, roadmap):
        return True
    return bool(item.executor_org_ids & responsible_org_ids(user))


# --- recommendations
# A recommendation is seen by whoever sees its source (a visit, a protocol…); its text is
# changed by whoever the source lets edit them; the school it is addressed to (and whoever
# manages that school) reports on it; the source's reviewing side accepts or returns it.

from .models import Recommendation  # noqa: E402


def _rec_source(rec: Recommendation):
    from .services import recommendations as rec_svc

    source = rec_svc.SOURCES.get(rec.source_type)
    if source is None:
        return None, None
    return source, _get(source.model, rec.source_id)


def _rec_view(user: User, rec: Recommendation) -> bool:
    source, obj = _rec_source(rec)
    return obj is not None and can_view(user, obj)


def _rec_edit(user: User, rec: Recommendation) -> bool:
    source, obj = _rec_source(rec)
    return obj is not None and bool(source.can_edit(user, obj))


def _rec_create(user: User, source_obj) -> bool:
    from .services import recommendations as rec_svc

    for source in rec_svc.SOURCES.values():
        if isinstance(source_obj, source.model):
            return can_view(user, source_obj) and bool(source.can_edit(user, source_obj))
    return False


def _rec_clause(user: User):
    from .services import recommendations as rec_svc

    return rec_svc.visible_clause(user, scope_query)


RULES[Recommendation] = Rule(view=_rec_view, edit=_rec_edit, clause=_rec_clause,
                             create=_rec_create)


def can_report_recommendation(user: User, rec: Recommendation) -> bool:
    """The school it is addressed to — and whoever manages that school — says what was done."""
    if not can_view(user, rec) or user.role == Role.VIEWER or rec.status.closed:
        return False
    if user.organization_id is not None and user.organization_id == rec.organization_id:
        return True
    return manages_org(user, rec.organization)


def can_review_recommendation(user: User, rec: Recommendation) -> bool:
    """The source's reviewing side accepts a report or returns it."""
    if not can_view(user, rec) or user.role == Role.VIEWER:
        return False
    source, obj = _rec_source(rec)
    return obj is not None and bool(source.can_review(user, obj))
# --- interviews
# Interview series and meetings belong to an authority (МОУО, ministry, institute). They are
# planned and their records written by whoever manages the authority — the methodists of its
# municipality; for a regional authority the region's staff — and a record also by the
# secretary chosen for it. Everyone who sees the authority reads them (viewer included); a school
# sees only its own appointments and protocols; participants who are users see their meetings.
# A held protocol is locked: nobody edits it, corrections are amendments.

from .models import (  # noqa: E402
    AgendaItem, CommissionMember, InterviewSeries, Meeting, MeetingParticipant, MeetingStatus,
    ProtocolAmendment,
)


def manages_authority(user: User, authority: Organization | None) -> bool:
    if authority is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    if authority.municipality_id:
        return user.role == Role.METHODIST and user.municipality_id == authority.municipality_id
    return user.role == Role.REGION and authority.region_id == user.effective_region_id


def _in_meeting(user: User, meeting: Meeting) -> bool:
    if meeting.secretary_user_id == user.id:
        return True
    return db.session.scalar(select(MeetingParticipant.id).where(
        MeetingParticipant.meeting_id == meeting.id,
        MeetingParticipant.user_id == user.id).limit(1)) is not None


def _meeting_view(user: User, meeting: Meeting) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.SCHOOL:
        return meeting.organization_id is not None and \
            meeting.organization_id == user.organization_id
    if user.role != Role.TUTOR and org_visible(user, meeting.authority):
        return True
    return _in_meeting(user, meeting)


def _meeting_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.SCHOOL:
        return Meeting.organization_id == user.organization_id if user.organization_id \
            else false()
    mine = or_(Meeting.secretary_user_id == user.id, Meeting.id.in_(
        select(MeetingParticipant.meeting_id).where(MeetingParticipant.user_id == user.id)))
    if user.role == Role.TUTOR:
        return mine
    return or_(org_clause(user), mine)


def can_record(user: User, meeting: Meeting) -> bool:
    """Edit the record (participants, agenda, СЛУШАЛИ/ВЫСТУПИЛИ/РЕШИЛИ) and mark it held."""
    if meeting.status == MeetingStatus.HELD or user.role == Role.VIEWER:
        return False
    return manages_authority(user, meeting.authority) or (
        meeting.secretary_user_id is not None and meeting.secretary_user_id == user.id)


def can_read_draft(user: User, meeting: Meeting) -> bool:
    """The commission's notes before the protocol is held: not for the interviewed school."""
    return user.role != Role.SCHOOL


def can_plan(user: User, meeting: Meeting) -> bool:
    """Reschedule or delete a meeting that is not held: the authority's planners."""
    return meeting.status != MeetingStatus.HELD and manages_authority(user, meeting.authority)


def can_amend(user: User, meeting: Meeting) -> bool:
    """Add an amendment to a held protocol: the authority's planners and its secretary."""
    if meeting.status != MeetingStatus.HELD or user.role == Role.VIEWER:
        return False
    return manages_authority(user, meeting.authority) or meeting.secretary_user_id == user.id


def can_attach_to_meeting(user: User, meeting: Meeting) -> bool:
    """The commission at any time; the school to its own appointment while uploads are open."""
    from .services.interviews import uploads_open

    if user.role == Role.VIEWER:
        return False
    if manages_authority(user, meeting.authority) or meeting.secretary_user_id == user.id:
        return True
    return user.role == Role.SCHOOL and meeting.organization_id == user.organization_id \
        and uploads_open(meeting)


def _series_view(user: User, series: InterviewSeries) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role not in (Role.TUTOR, Role.SCHOOL) and org_visible(user, series.authority):
        return True
    return any(m.user_id == user.id for m in series.members)


def _series_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    member = InterviewSeries.id.in_(select(CommissionMember.series_id).where(
        CommissionMember.user_id == user.id))
    if user.role in (Role.TUTOR, Role.SCHOOL):
        return member
    return or_(org_clause(user), member)


def _meeting_of(obj):
    return _get(Meeting, obj.meeting_id)


RULES.update({
    InterviewSeries: Rule(
        view=_series_view,
        edit=lambda u, o: manages_authority(u, o.authority),
        clause=_series_clause,
        join=lambda q: q.join(Organization, Organization.id == InterviewSeries.authority_id),
        create=lambda u, authority: manages_authority(u, authority),
    ),
    CommissionMember: Rule(
        view=lambda u, o: can_view(u, _get(InterviewSeries, o.series_id)),
        edit=lambda u, o: can_edit(u, _get(InterviewSeries, o.series_id)),
        clause=lambda u: CommissionMember.series_id.in_(
            scope_query(u, InterviewSeries, select(InterviewSeries.id))),
    ),
    Meeting: Rule(
        view=_meeting_view,
        edit=can_record,
        clause=_meeting_clause,
        join=lambda q: q.join(Organization, Organization.id == Meeting.authority_id),
        create=lambda u, authority: manages_authority(u, authority),
    ),
    MeetingParticipant: Rule(
        view=lambda u, o: can_view(u, _meeting_of(o)),
        edit=lambda u, o: can_edit(u, _meeting_of(o)),
        clause=lambda u: MeetingParticipant.meeting_id.in_(
            scope_query(u, Meeting, select(Meeting.id))),
    ),
    AgendaItem: Rule(
        view=lambda u, o: can_view(u, _meeting_of(o)),
        edit=lambda u, o: can_edit(u, _meeting_of(o)),
        clause=lambda u: AgendaItem.meeting_id.in_(scope_query(u, Meeting, select(Meeting.id))),
    ),
    ProtocolAmendment: Rule(
        view=lambda u, o: can_view(u, _meeting_of(o)),
        edit=lambda u, o: False,  # an amendment is itself part of the legal record
        clause=lambda u: ProtocolAmendment.meeting_id.in_(
            scope_query(u, Meeting, select(Meeting.id))),
    ),
})


# --- partnerships
# A partnership belongs to its supported school: methodists, region users and viewers see it by
# the school's scope and the authority that manages the school sets it up, changes its parties
# and status. The partner organisation's users (a tutor) see and edit only the partnerships
# where their organisation is the partner — its agreement, people, plan, files and joint
# events, not the parties or the status; a school user sees its own school's partnerships
# read-only. Through RELATED_ORG_PROVIDERS a tutor also sees the schools it has an active
# partnership with. Joint events follow their partnership. The practice bank is region-wide:
# everyone of the region reads it; a tutor school or an authority publishes, the author edits.

from .models import JointEvent, Partnership, Practice  # noqa: E402


def _partner_schools(user: User) -> set[int]:
    from flask import g, has_request_context

    from .services.partnerships import partner_school_ids

    if not has_request_context():
        return partner_school_ids(user)
    cache = g.setdefault("partner_school_ids", {})
    if user.id not in cache:
        cache[user.id] = partner_school_ids(user)
    return cache[user.id]


RELATED_ORG_PROVIDERS.append(_partner_schools)


def _partnership_view(user: User, p: Partnership) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role in (Role.TUTOR, Role.SCHOOL):
        return user.organization_id is not None and user.organization_id in (
            p.school_id, p.partner_id)
    return org_visible(user, p.school)


def can_manage_partnership(user: User, p: Partnership) -> bool:
    """Set up, change the parties and the status, delete: the authority of the school."""
    return can_view(user, p) and manages_org(user, p.school)


def _partnership_edit(user: User, p: Partnership) -> bool:
    if manages_org(user, p.school):
        return True
    return user.role == Role.TUTOR and p.partner_id == user.organization_id


def _partnership_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    if user.role in (Role.TUTOR, Role.SCHOOL):
        org = user.organization_id
        return or_(Partnership.school_id == org, Partnership.partner_id == org) if org else false()
    return org_clause(user)


def _event_partnership(ev: JointEvent) -> Partnership | None:
    p = _get(Partnership, ev.partnership_id)
    return p if p is not None and p.deleted_at is None else None


def _practice_view(user: User, pr: Practice) -> bool:
    return user.role == Role.ADMIN or pr.author_org.region_id == user.effective_region_id


def _practice_edit(user: User, pr: Practice) -> bool:
    if pr.created_by_id == user.id or manages_org(user, pr.author_org):
        return True
    return user.role in (Role.TUTOR, Role.SCHOOL) and pr.author_org_id == user.organization_id


def _practice_create(user: User, org) -> bool:
    if user.role not in (Role.ADMIN, Role.REGION, Role.METHODIST, Role.TUTOR):
        return False
    if org is None:
        return True
    return manages_org(user, org) or (user.role == Role.TUTOR and org.id == user.organization_id)


RULES.update({
    Partnership: Rule(
        view=_partnership_view,
        edit=_partnership_edit,
        clause=_partnership_clause,
        join=lambda q: q.join(Organization, Organization.id == Partnership.school_id),
        create=lambda u, school: u.role in (Role.ADMIN, Role.REGION, Role.METHODIST)
        if school is None else manages_org(u, school),
    ),
    JointEvent: Rule(
        view=lambda u, o: can_view(u, _event_partnership(o)),
        edit=lambda u, o: (p := _event_partnership(o)) is not None and _partnership_edit(u, p),
        clause=lambda u: JointEvent.partnership_id.in_(
            scope_query(u, Partnership, select(Partnership.id))),
        create=lambda u, p: p is not None and can_view(u, p) and _partnership_edit(u, p),
    ),
    Practice: Rule(
        view=_practice_view,
        edit=_practice_edit,
        clause=lambda u: true() if u.role == Role.ADMIN
        else Organization.region_id == u.effective_region_id,
        join=lambda q: q.join(Organization, Organization.id == Practice.author_org_id),
        create=_practice_create,
    ),
})


def can_see_partnership_reports(user: User) -> bool:
    """The map of partnerships and the quarterly indicators: the authorities and observers."""
    return getattr(user, "is_authenticated", False) and user.role in (
        Role.ADMIN, Role.REGION, Role.METHODIST, Role.VIEWER)


def can_manage_terms(user: User, region_id: int | None) -> bool:
    """Dates of the school «четверти» of a region: the admin and the region's users."""
    if user.role == Role.ADMIN:
        return region_id is not None
    return user.role == Role.REGION and region_id is not None and \
        region_id == user.effective_region_id


# --- monitoring
# Assessment results, risk profiles and indicator scores are seen by whoever sees the school
# (a school its own, a tutor its own and the schools it supports, read-only). Results are
# imported, lists approved and indicator systems edited by a methodist for its municipality, a
# region user for the region's municipalities, and the admin (manages_municipality). A school
# also keeps its own risk profile. An approval of the identified list is a legal record:
# nobody edits it.

from .models import (  # noqa: E402
    AssessmentResult, IdentificationApproval, Indicator, RiskFactor, SchoolRisk,
)


def _org_of(obj) -> Organization | None:
    return _get(Organization, obj.organization_id)


def _school_risk_edit(user: User, risk) -> bool:
    org = _org_of(risk)
    return manages_org(user, org) or (
        user.role == Role.SCHOOL and org is not None and org.id == user.organization_id)


def _approval_view(user: User, approval) -> bool:
    if user.role == Role.ADMIN:
        return True
    if approval.municipality_id is None:
        return user.role in (Role.REGION, Role.VIEWER) and not user.municipality_id \
            and approval.region_id == user.effective_region_id
    muni = _get(Municipality, approval.municipality_id)
    return muni is not None and user.role not in (Role.TUTOR, Role.SCHOOL) \
        and _municipality_view(user, muni)


def _approval_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    if user.role in (Role.TUTOR, Role.SCHOOL):
        return false()
    if user.municipality_id:
        return IdentificationApproval.municipality_id == user.municipality_id
    return IdentificationApproval.region_id == user.effective_region_id


RULES.update({
    AssessmentResult: Rule(
        view=lambda u, o: org_visible(u, _org_of(o)),
        edit=lambda u, o: manages_org(u, _org_of(o)),
        clause=org_clause,
        join=_join_org(AssessmentResult),
        create=lambda u, org: manages_org(u, org),
    ),
    SchoolRisk: Rule(
        view=lambda u, o: org_visible(u, _org_of(o)),
        edit=_school_risk_edit,
        clause=org_clause,
        join=_join_org(SchoolRisk),
        create=lambda u, org: org is not None and (manages_org(u, org) or (
            u.role == Role.SCHOOL and org.id == u.organization_id)),
    ),
    Indicator: Rule(
        view=lambda u, o: _municipality_view(u, _get(Municipality, o.municipality_id)),
        edit=lambda u, o: manages_municipality(
            u, o.municipality_id, _get(Municipality, o.municipality_id).region_id),
        clause=lambda u: Indicator.municipality_id.in_(
            select(Municipality.id).where(_municipality_clause(u))),
        create=lambda u, muni: muni is not None and manages_municipality(
            u, muni.id, muni.region_id),
    ),
    RiskFactor: Rule(
        view=lambda u, o: True,
        edit=lambda u, o: u.role == Role.ADMIN,
        clause=lambda u: true(),
        create=lambda u, parent: u.role == Role.ADMIN,
    ),
    IdentificationApproval: Rule(
        view=_approval_view,
        edit=lambda u, o: False,
        clause=_approval_clause,
    ),
})


def can_import_results(user: User) -> bool:
    """May import assessment results (then only for municipalities it manages)."""
    return getattr(user, "is_authenticated", False) and user.role in (
        Role.ADMIN, Role.REGION, Role.METHODIST)


def can_manage_monitoring(user: User, municipality: Municipality | None,
                          region_id: int | None = None) -> bool:
    """May import results, approve the identified list, edit indicators for this scope:
    a municipality, or (``municipality`` None) the whole region ``region_id``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if municipality is not None:
        return manages_municipality(user, municipality.id, municipality.region_id)
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.REGION and region_id is not None \
        and region_id == user.effective_region_id


# --- mentoring and visits
# A mentoring pair is seen by the mentor's side (a tutor: pairs where its organisation mentors),
# by the schools on either end, by the curator, and by the authorities and viewers whose scope
# holds the mentee school; it is changed by the mentor's organisation, the curator and the
# authority managing the mentee school. A visit is seen by the visiting side, the visited school
# and the authorities by scope (plus the authority's own visits elsewhere); it is changed by the
# visiting side and the authority managing the school — never by the visited school, which
# answers the recommendations instead. A tutor sees the schools its pairs mentor (provider).

from .models import MentoringPair, MentoringStep, OrgKind, Visit  # noqa: E402


def _mentored_org_ids(user: User) -> set[int]:
    """Schools mentored by the user's organisation in pairs that are not closed."""
    if user.role != Role.TUTOR or not user.organization_id:
        return set()
    from flask import g, has_request_context

    from .models import PairStatus

    stmt = select(MentoringPair.mentee_org_id).where(
        MentoringPair.mentor_org_id == user.organization_id,
        MentoringPair.deleted_at.is_(None),
        MentoringPair.status.not_in([PairStatus.COMPLETED, PairStatus.TERMINATED]))
    if not has_request_context():
        return set(db.session.scalars(stmt))
    cache = g.setdefault("mentored_org_ids", {})
    if user.id not in cache:
        cache[user.id] = set(db.session.scalars(stmt))
    return cache[user.id]


RELATED_ORG_PROVIDERS.append(_mentored_org_ids)


def _pair_view(user: User, pair: MentoringPair) -> bool:
    if user.role == Role.ADMIN:
        return True
    own = user.organization_id
    if user.role == Role.TUTOR:
        return own is not None and pair.mentor_org_id == own
    if user.role == Role.SCHOOL:
        return own is not None and own in (pair.mentee_org_id, pair.mentor_org_id)
    return pair.curator_id == user.id or org_visible(user, pair.mentee_org)


def _pair_edit(user: User, pair: MentoringPair) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.TUTOR:
        return user.organization_id is not None and pair.mentor_org_id == user.organization_id
    if user.role == Role.SCHOOL:
        return False
    return pair.curator_id == user.id or manages_org(user, pair.mentee_org)


def _pair_create(user: User, school) -> bool:
    """``school`` is the mentee school, or None for "may create pairs at all"."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.TUTOR:
        if school is None:
            return bool(user.organization_id)
        return school.id != user.organization_id and org_visible(user, school)
    if user.role in (Role.METHODIST, Role.REGION):
        return school is None or manages_org(user, school)
    return False


def _pair_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    own = user.organization_id
    if user.role == Role.TUTOR:
        return MentoringPair.mentor_org_id == own if own else false()
    if user.role == Role.SCHOOL:
        return or_(MentoringPair.mentee_org_id == own,
                   MentoringPair.mentor_org_id == own) if own else false()
    return or_(MentoringPair.curator_id == user.id,
               MentoringPair.mentee_org_id.in_(select(Organization.id).where(org_clause(user))))


def _pair_of(step: MentoringStep) -> MentoringPair | None:
    pair = _get(MentoringPair, step.pair_id)
    return pair if pair is not None and pair.deleted_at is None else None


def _visit_view(user: User, visit: Visit) -> bool:
    if user.role == Role.ADMIN:
        return True
    own = user.organization_id
    if user.role == Role.TUTOR:
        return own is not None and visit.visiting_org_id == own
    if user.role == Role.SCHOOL:
        return own is not None and own in (visit.school_id, visit.visiting_org_id)
    return org_visible(user, visit.school) or visit.visiting_org_id in responsible_org_ids(user)


def _visit_edit(user: User, visit: Visit) -> bool:
    """The visiting side, and the authority that manages the visited school."""
    if user.role == Role.ADMIN:
        return True
    if user.organization_id is not None and visit.visiting_org_id == user.organization_id:
        return True
    if user.role in (Role.TUTOR, Role.SCHOOL):
        return False
    return visit.visiting_org_id in responsible_org_ids(user) or manages_org(user, visit.school)


def _visit_create(user: User, school) -> bool:
    """``school`` is the visited school, or None for "may log visits at all"."""
    if user.role == Role.ADMIN:
        return school is None or school.kind == OrgKind.SCHOOL
    if user.role == Role.TUTOR:
        if not user.organization_id:
            return False
        if school is None:
            return bool(related_org_ids(user))
        return (school.kind == OrgKind.SCHOOL and school.id != user.organization_id
                and org_visible(user, school))
    if user.role in (Role.METHODIST, Role.REGION):
        return school is None or (school.kind == OrgKind.SCHOOL and manages_org(user, school))
    return False


def _visit_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    own = user.organization_id
    if user.role == Role.TUTOR:
        return Visit.visiting_org_id == own if own else false()
    if user.role == Role.SCHOOL:
        return or_(Visit.school_id == own, Visit.visiting_org_id == own) if own else false()
    cond = Visit.school_id.in_(select(Organization.id).where(org_clause(user)))
    mine = responsible_org_ids(user)
    return or_(cond, Visit.visiting_org_id.in_(mine)) if mine else cond


RULES.update({
    MentoringPair: Rule(view=_pair_view, edit=_pair_edit, clause=_pair_clause,
                        create=_pair_create),
    MentoringStep: Rule(
        view=lambda u, o: can_view(u, _pair_of(o)),
        edit=lambda u, o: can_edit(u, _pair_of(o)),
        clause=lambda u: MentoringStep.pair_id.in_(
            select(MentoringPair.id).where(_pair_clause(u), MentoringPair.deleted_at.is_(None))),
        create=lambda u, pair: pair is not None and can_edit(u, pair),
    ),
    Visit: Rule(view=_visit_view, edit=_visit_edit, clause=_visit_clause, create=_visit_create),
})


def visiting_org_ids(user: User) -> set[int]:
    """Organisations on whose behalf ``user`` logs visits (its own, or its authority's)."""
    if user.role in (Role.VIEWER, Role.SCHOOL):
        return set()
    return responsible_org_ids(user)


def can_review_visit(user: User, visit: Visit) -> bool:
    """Accepts or returns the school's reports on a visit's recommendations: the visiting side
    and the authority managing the school (never the school itself, never a viewer)."""
    if not can_view(user, visit) or user.role == Role.VIEWER:
        return False
    return _visit_edit(user, visit)


def can_log_visits(user: User) -> bool:
    """May fill in the visit form at all (new visits, or the visits of its organisation)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_create(user, Visit) or bool(visiting_org_ids(user))


# --- courses
# Catalogue: a course is seen by every user of its region (admin: all). A regional course (no
# municipality) is edited by region users of that region; a methodist creates courses of its
# own municipality and edits those (not the regional ones). Topic areas are reference data:
# everybody reads them, the admin extends them.
# Enrollments and development plans (ИОМ) belong to the teacher's school: seen by whoever sees
# the school (a tutor: its own and the supported schools), changed by whoever manages the
# school (methodist, region, admin) and by the school's own user (school or tutor role) — a
# tutor only reads the supported schools' records.

from .models import (  # noqa: E402
    Course, CourseTopic, DevelopmentPlan, Enrollment, PlanActivity, PlanDeficit,
)


def manages_own_teachers(user: User, org: Organization | None) -> bool:
    """May enroll and update the teachers of ``org`` (and keep their ИОМ)."""
    if org is None:
        return False
    if manages_org(user, org):
        return True
    return user.role in (Role.SCHOOL, Role.TUTOR) and org.id == user.organization_id


def _course_view(user: User, course: Course) -> bool:
    return user.role == Role.ADMIN or course.region_id == user.effective_region_id


def _course_edit(user: User, course: Course) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REGION:
        return course.region_id == user.effective_region_id
    if user.role == Role.METHODIST:
        return course.municipality_id is not None and course.municipality_id == user.municipality_id
    return False


def _course_clause(user: User):
    if user.role == Role.ADMIN:
        return true()
    rid = user.effective_region_id
    return Course.region_id == rid if rid else false()


def _plan_of(obj) -> DevelopmentPlan | None:
    return _get(DevelopmentPlan, obj.plan_id)


def _plan_child_clause(model):
    return lambda u: model.plan_id.in_(scope_query(u, DevelopmentPlan, select(DevelopmentPlan.id)))


RULES.update({
    CourseTopic: Rule(
        view=lambda u, o: True,
        edit=lambda u, o: u.role == Role.ADMIN,
        clause=lambda u: true(),
        create=lambda u, parent: u.role == Role.ADMIN,
    ),
    Course: Rule(
        view=_course_view,
        edit=_course_edit,
        clause=_course_clause,
        create=lambda u, parent: u.role in (Role.ADMIN, Role.REGION, Role.METHODIST),
    ),
    Enrollment: Rule(
        view=lambda u, o: org_visible(u, o.organization),
        edit=lambda u, o: manages_own_teachers(u, o.organization),
        clause=lambda u: org_clause(u, Enrollment.organization_id),
        join=_join_org(Enrollment),
        create=lambda u, org: manages_own_teachers(u, org),
    ),
    DevelopmentPlan: Rule(
        view=lambda u, o: org_visible(u, o.organization),
        edit=lambda u, o: manages_own_teachers(u, o.organization),
        clause=lambda u: org_clause(u, DevelopmentPlan.organization_id),
        join=_join_org(DevelopmentPlan),
        create=lambda u, org: manages_own_teachers(u, org),
    ),
    PlanDeficit: Rule(
        view=lambda u, o: can_view(u, _plan_of(o)),
        edit=lambda u, o: can_edit(u, _plan_of(o)),
        clause=_plan_child_clause(PlanDeficit),
        create=lambda u, plan: plan is not None and can_edit(u, plan),
    ),
    PlanActivity: Rule(
        view=lambda u, o: can_view(u, _plan_of(o)),
        edit=lambda u, o: can_edit(u, _plan_of(o)),
        clause=_plan_child_clause(PlanActivity),
        create=lambda u, plan: plan is not None and can_edit(u, plan),
    ),
})


def can_edit_topics(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.ADMIN


def can_manage_enrollments(user: User) -> bool:
    """Has some school whose teachers the user enrolls (decides whether to show the actions)."""
    return getattr(user, "is_authenticated", False) and (
        user.role in (Role.ADMIN, Role.REGION, Role.METHODIST)
        or (user.role in (Role.SCHOOL, Role.TUTOR) and user.organization_id is not None))


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
        if type(owner) in ATTACH_RULES:  # uploads that close (e.g. after an interview's date)
            return (obj.uploaded_by_id == user.id and can_attach(user, owner)) or \
                can_edit(user, owner)
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
    special = ATTACH_RULES.get(type(owner))
    if special is not None:
        return special(user, owner)
    if can_edit(user, owner):
        return True
    if isinstance(owner, Recommendation):  # evidence for the school's report
        return can_report_recommendation(user, owner)
    return user.role == Role.SCHOOL and getattr(owner, "id", None) == user.organization_id \
        and isinstance(owner, Organization)


def can_see_home_panel(user: User, panel) -> bool:
    """A start-page panel on its own (``home.panel``): whoever it concerns. What the panel
    shows is scoped by the panel itself (``scope_query``), like the start page."""
    return getattr(user, "is_authenticated", False) and panel.concerns(user)


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
    obj = _get(model, obj_id)
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
ATTACHMENT_OWNERS.update({"roadmaps": Roadmap, "roadmap_item_reports": ItemReport})
ATTACHMENT_OWNERS["recommendations"] = Recommendation
ATTACHMENT_OWNERS.update({"enrollments": Enrollment, "development_plans": DevelopmentPlan})
ATTACHMENT_OWNERS.update({"identification_approvals": IdentificationApproval})  # monitoring
ATTACHMENT_OWNERS.update({"partnerships": Partnership, "joint_events": JointEvent,
                          "practices": Practice})
ATTACHMENT_OWNERS.update({"meetings": Meeting})

# Owners whose uploads follow their own question instead of "may edit the owner".
ATTACH_RULES: dict[type, Callable[[User, Any], bool]] = {Meeting: can_attach_to_meeting}
ATTACHMENT_OWNERS.update({"mentoring_pairs": MentoringPair, "visits": Visit})


def attachment_owner(att: Attachment):
    model = ATTACHMENT_OWNERS.get(att.object_type)
    return _get(model, att.object_id) if model else None


# Every record whose history can be shown, by its table name.
RECORD_TYPES: dict[str, type] = {
    "regions": Region, "municipalities": Municipality, "organizations": Organization,
    "school_statuses": SchoolStatusRecord, "staff_members": StaffMember, "users": User,
}
RECORD_TYPES.update({"roadmaps": Roadmap, "roadmap_sections": RoadmapSection,
                     "roadmap_items": RoadmapItem, "roadmap_item_reports": ItemReport})
RECORD_TYPES["recommendations"] = Recommendation
RECORD_TYPES.update({"courses": Course, "course_topics": CourseTopic, "enrollments": Enrollment,
                     "development_plans": DevelopmentPlan, "plan_deficits": PlanDeficit,
                     "plan_activities": PlanActivity})
RECORD_TYPES.update({"assessment_results": AssessmentResult,  # monitoring
                     "identification_approvals": IdentificationApproval,
                     "indicators": Indicator, "school_risks": SchoolRisk,
                     "risk_factors": RiskFactor})
RECORD_TYPES.update({"partnerships": Partnership, "joint_events": JointEvent,
                     "practices": Practice})
RECORD_TYPES.update({"interview_series": InterviewSeries, "meetings": Meeting,
                     "protocol_amendments": ProtocolAmendment})
RECORD_TYPES.update({"mentoring_pairs": MentoringPair, "mentoring_steps": MentoringStep,
                     "visits": Visit})


def can_view_history(user: User, obj) -> bool:
    return user.role == Role.ADMIN or can_view(user, obj)


__all__ = [
    "AuditEntry", "can_attach", "can_create", "can_edit", "can_see_audit_log", "can_view",
    "get_or_404", "org_clause", "require", "require_create", "require_edit", "scope_query",
]
