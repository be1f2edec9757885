"""Interviews with directors and meetings: series, commission, appointments, protocols.

Interview series and meetings belong to an authority (МОУО, the ministry, an institute). They
are planned, and their records written, by whoever manages the authority — the methodists of
its municipality; for a regional authority the region's staff — and a record also by the
secretary chosen for it. Everyone who sees the authority reads them (a viewer included); a
school sees only its own appointments and protocols (the commission's notes only once the
protocol is held); participants who are users see their meetings, commission members their
series. A held protocol is locked: nobody edits it, corrections are amendments. Who may sit in
an authority's commission, or be a meeting's secretary, is :func:`commission_candidates`.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from ..extensions import db
from ..formatting import today
from ..models import (
    AgendaItem, CommissionMember, InterviewSeries, Meeting, MeetingParticipant, MeetingStatus,
    Organization, ProtocolAmendment, Role, User,
)
from .core import (
    ADMIN, HAS_ORG, MY_ID, NEVER, Pred, role, rules, same, test, via, within,
)
from .registry import MANAGES_AUTHORITY, own, sees_org

def manages_authority(column):
    return via(column, Organization, MANAGES_AUTHORITY)


class _Participant(Pred):
    """The user takes part in the meeting (a participant who is a user of the system)."""

    def check(self, user, meeting) -> bool:
        return db.session.scalar(select(MeetingParticipant.id).where(
            MeetingParticipant.meeting_id == meeting.id,
            MeetingParticipant.user_id == user.id).limit(1)) is not None

    def clause(self, user):
        return Meeting.id.in_(select(MeetingParticipant.meeting_id).where(
            MeetingParticipant.user_id == user.id))


class _CommissionMember(Pred):
    def check(self, user, series) -> bool:
        return any(m.user_id == user.id for m in series.members)

    def clause(self, user):
        return InterviewSeries.id.in_(select(CommissionMember.series_id).where(
            CommissionMember.user_id == user.id))


SCHOOL = role(Role.SCHOOL)
TUTOR = role(Role.TUTOR)
IN_MEETING = same(Meeting.secretary_user_id, MY_ID) | _Participant()
SECRETARY = same(Meeting.secretary_user_id, MY_ID)
PLANNERS = manages_authority(Meeting.authority_id)
COMMISSION = PLANNERS | SECRETARY
HELD = test(lambda u, m: m.status == MeetingStatus.HELD, "held")
NOT_HELD = ~HELD
UPLOADS_OPEN = test(lambda u, m: m.uploads_open_on(today()), "uploads open")


def _manages_authority(user, authority) -> bool:
    return authority is not None and MANAGES_AUTHORITY.check(user, authority)


rules(InterviewSeries,
      join=lambda q: q.join(Organization, Organization.id == InterviewSeries.authority_id),
      view=ADMIN
      | (~SCHOOL & ~TUTOR & sees_org(InterviewSeries.authority_id, joined=True))
      | _CommissionMember(),
      edit=manages_authority(InterviewSeries.authority_id),
      create=test(_manages_authority, "manages the authority"),
      # model-level: the series pages (a school is sent to its own appointments instead)
      list=~SCHOOL)

rules(CommissionMember,
      view=within(CommissionMember.series_id, InterviewSeries),
      edit=within(CommissionMember.series_id, InterviewSeries, "edit"))

rules(Meeting,
      join=lambda q: q.join(Organization, Organization.id == Meeting.authority_id),
      view=ADMIN
      | (SCHOOL & own(Meeting.organization_id))
      | (~SCHOOL & ((~TUTOR & sees_org(Meeting.authority_id, joined=True)) | IN_MEETING)),
      edit=NOT_HELD & COMMISSION,          # the record: participants, agenda, СЛУШАЛИ/РЕШИЛИ
      record=NOT_HELD & COMMISSION,
      read_draft=~SCHOOL,                  # the commission's notes before the protocol is held
      plan=NOT_HELD & PLANNERS,            # reschedule, delete
      amend=HELD & COMMISSION,             # corrections to a held protocol
      review=PLANNERS,                     # accept / return the school's reports on its recs
      attach=COMMISSION | (SCHOOL & own(Meeting.organization_id) & UPLOADS_OPEN),
      create=test(_manages_authority, "manages the authority"),
      # model-level: the interviews pages (a tutor school has none), a school's appointments
      list=~TUTOR,
      see_appointments=SCHOOL & HAS_ORG)

for _child in (MeetingParticipant, AgendaItem):
    rules(_child,
          view=within(_child.meeting_id, Meeting),
          edit=within(_child.meeting_id, Meeting, "edit"))

rules(ProtocolAmendment,
      view=within(ProtocolAmendment.meeting_id, Meeting),
      edit=NEVER)  # an amendment is itself part of the legal record


def commission_candidates(authority):
    """SELECT of the users who may sit in ``authority``'s commissions and keep the record of its
    meetings as their secretary (which lets them write it): the authority's staff, the
    methodists of its municipality, the staff of its region — active users, never a school,
    by name."""
    who = [User.organization_id == authority.id, User.region_id == authority.region_id]
    if authority.municipality_id:
        who.append(User.municipality_id == authority.municipality_id)
    return select(User).where(or_(*who), User.active.is_(True), User.role != Role.SCHOOL) \
        .order_by(User.full_name)
