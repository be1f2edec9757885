from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ... import home_panels, policy
from ...extensions import db
from ...models import (
    Municipality, Organization, OrgKind, Region, SchoolStatus, SchoolStatusRecord,
    StaffMember, User,
)
from ...services.registry import statuses_for
from ...services.school_figures import own_figures
from ...web import current_year, render_view, today
from . import bp


def _status_counts(user, year: int) -> dict[SchoolStatus, int]:
    stmt = policy.scope_query(
        user, SchoolStatusRecord,
        select(SchoolStatusRecord.status, func.count()).select_from(SchoolStatusRecord),
    ).where(SchoolStatusRecord.year == year, Organization.deleted_at.is_(None)) \
        .group_by(SchoolStatusRecord.status)
    return {status: n for status, n in db.session.execute(stmt)}


@bp.get("/")
@login_required
def index():
    user = current_user
    year = current_year()
    ctx: dict = {"year": year, "title": "Главная"}
    ctx["status_counts"] = _status_counts(user, year)
    ctx["all_statuses"] = list(SchoolStatus)
    school_count = db.session.scalar(policy.scope_query(
        user, Organization, select(func.count()).select_from(Organization))
        .where(Organization.kind == OrgKind.SCHOOL))
    ctx["school_count"] = school_count or 0

    if policy.start_page_shows(user, "own_org"):
        org = policy.get_or_404(user, Organization, user.organization_id)
        ctx["own_org"] = org
        ctx["own_statuses"] = statuses_for([org.id], year).get(org.id, [])
        ctx["own_staff"] = db.session.scalar(
            select(func.count()).where(StaffMember.organization_id == org.id,
                                       StaffMember.deleted_at.is_(None),
                                       StaffMember.left_on.is_(None)))
        if policy.sees_own_school_only(user):
            # A school's own figures, each for its period — not a territory's counters (a
            # tutor keeps the counters of the schools it supports).
            ctx["own_figures"] = own_figures(user, org.id, today())
    if policy.start_page_shows(user, "supported_schools"):
        # Schools that carry a support status this year: the people the user works for.
        stmt = (policy.scope_query(user, Organization)
                .where(Organization.kind == OrgKind.SCHOOL)
                .where(Organization.id.in_(
                    select(SchoolStatusRecord.organization_id).where(
                        SchoolStatusRecord.year == year,
                        SchoolStatusRecord.deleted_at.is_(None),
                        SchoolStatusRecord.status != SchoolStatus.TUTOR)))
                .order_by(Organization.sort_name).limit(50))
        schools = db.session.scalars(stmt).all()
        ctx["supported_schools"] = schools
        ctx["supported_statuses"] = statuses_for([s.id for s in schools], year)
    if policy.start_page_shows(user, "municipalities"):
        munis = db.session.execute(
            policy.scope_query(user, Municipality, select(
                Municipality, func.count(Organization.id)).select_from(Municipality))
            .outerjoin(Organization, (Organization.municipality_id == Municipality.id)
                       & (Organization.kind == OrgKind.SCHOOL)
                       & Organization.deleted_at.is_(None))
            .group_by(Municipality.id).order_by(Municipality.name)).all()
        low = dict(db.session.execute(
            select(Organization.municipality_id, func.count(SchoolStatusRecord.id))
            .join(SchoolStatusRecord, SchoolStatusRecord.organization_id == Organization.id)
            .where(SchoolStatusRecord.year == year, SchoolStatusRecord.deleted_at.is_(None),
                   SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
                   Organization.deleted_at.is_(None))
            .group_by(Organization.municipality_id)).all())
        ctx["municipalities"] = [(m, n, low.get(m.id, 0)) for m, n in munis]
    ctx["panels"] = home_panels.render_for(user, today())
    if policy.start_page_shows(user, "user_counts"):
        ctx["admin_counts"] = {
            "users": db.session.scalar(select(func.count()).select_from(User)),
            "active_users": db.session.scalar(select(func.count()).where(User.active.is_(True))),
            "regions": db.session.scalar(select(func.count()).select_from(Region)),
        }
    return render_template("home/index.html", **ctx)


@bp.get("/panels/<name>")
@login_required
def panel(name: str):
    """One start-page panel: the fragment htmx puts in place of its placeholder (nothing when
    the panel has nothing for the user), or a page of its own for a plain request."""
    found = home_panels.get(name)
    if found is None:
        abort(404)
    policy.require(policy.can_see_panel(current_user, found))
    ctx = found.context(current_user, today())
    return render_view("home/panel.html", "home/_panel.html", title=found.title,
                       slot=home_panels.Slot(found, ctx), panel=ctx)
