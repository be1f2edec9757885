"""Interviews and meetings: series with commission and schedule, the record filled in place on
one page, marking held (number + lock), amendments, the printable schedule and protocol.

Row and block actions (schedule rows, participants, agenda items) answer htmx with their
fragment; pages answer with the page, or with their fragment to htmx (``render_view``).
"""
from __future__ import annotations

from datetime import date
from itertools import zip_longest

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import case, func, select

from ... import policy
from ...extensions import db
from ...models import (
    AgendaItem, CommissionMember, CommissionRole, InterviewSeries, Meeting, MeetingKind,
    MeetingStatus, Organization, ParticipantRole, Role, User,
)
from ...services.interviews import export
from ...services import interviews as svc
from ...services.interviews import protocols
from ...formatting import today
from ...web import render_fragment, render_view, send_download, text_arg
from ...web import acting_user as _user, parse_int, year_arg
from ..recommendations.routes import block_context
from . import bp
from .forms import AmendmentForm, MeetingForm, MemberForm, RequisitesForm, SeriesForm, SlotForm


def _authority_from(user, value) -> Organization:
    try:
        org = db.session.get(Organization, int(value))
    except (TypeError, ValueError):
        abort(400)
    if org is None or not policy.can_view(user, org):
        abort(404)
    return org


def _notice(text: str) -> dict:
    return {"notice": {"text": text}}


# --------------------------------------------------------------------------- lists


@bp.get("/")
@login_required
def index():
    """Series of interviews (planners, viewers) or the school's own appointments."""
    user = _user()
    if user.role == Role.SCHOOL:
        return redirect(url_for("interviews.meetings"))
    year = year_arg()
    stmt = policy.scope_query(user, InterviewSeries)
    series = db.session.scalars(stmt.order_by(InterviewSeries.id.desc())).all()
    stats = {}
    if series:
        rows = db.session.execute(
            select(Meeting.series_id, func.count(), func.min(Meeting.meeting_date),
                   func.max(Meeting.meeting_date),
                   func.sum(case((Meeting.status == MeetingStatus.HELD, 1), else_=0)))
            .where(Meeting.series_id.in_([s.id for s in series]), Meeting.deleted_at.is_(None))
            .group_by(Meeting.series_id)).all()
        stats = {r[0]: {"total": r[1], "first": r[2], "last": r[3], "held": r[4] or 0}
                 for r in rows}
    if year:
        series = [s for s in series if s.id in stats and (
            stats[s.id]["first"].year <= year <= stats[s.id]["last"].year)]
    return render_view("interviews/index.html", "interviews/_series_list.html",
                       title="Собеседования с руководителями", series=series, stats=stats,
                       year=year or "", can_create=bool(svc.authority_choices(user)))


@bp.get("/meetings")
@login_required
def meetings():
    """Every interview and meeting with its protocol, filtered; a school sees its own."""
    user = _user()
    kind = text_arg("kind")
    status = text_arg("status")
    year = year_arg()
    stmt = policy.scope_query(user, Meeting)
    if kind in MeetingKind.__members__:
        stmt = stmt.where(Meeting.kind == MeetingKind[kind])
    if status in MeetingStatus.__members__:
        stmt = stmt.where(Meeting.status == MeetingStatus[status])
    if year:
        stmt = stmt.where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)))
    rows = db.session.scalars(stmt.order_by(Meeting.meeting_date.desc(),
                                            Meeting.start_time.desc(), Meeting.id.desc())).all()
    return render_view("interviews/meetings.html", "interviews/_meetings_table.html",
                       title="Собеседования, совещания и протоколы", rows=rows, kinds=MeetingKind,
                       statuses=MeetingStatus, kind=kind, status_filter=status, year=year or "",
                       can_create=bool(svc.authority_choices(user)), today=today())


# --------------------------------------------------------------------------- series


def _series_data(form: SeriesForm) -> svc.SeriesData:
    return svc.SeriesData(topic=form.topic.data or "", agenda_template=form.agenda_template.data,
                          default_place=form.default_place.data,
                          default_link=form.default_link.data,
                          slot_minutes=form.slot_minutes.data, note=form.note.data)


def _authority_select(form_field, user) -> None:
    form_field.choices = [(str(o.id), o.short_name) for o in svc.authority_choices(user)]


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def series_new():
    user = _user()
    form = SeriesForm()
    _authority_select(form.authority_id, user)
    policy.require(bool(form.authority_id.choices))
    status = 200
    if request.method == "GET":
        form.agenda_template.data = ("О готовности общеобразовательной организации к проведению "
                                     "государственной итоговой аттестации\n"
                                     "О результатах диагностических работ и мерах по "
                                     "повышению качества подготовки обучающихся")
    if form.validate_on_submit():
        authority = _authority_from(user, form.authority_id.data)
        policy.require_create(user, InterviewSeries, authority)
        try:
            series = svc.create_series(authority, _series_data(form), by=user)
        except svc.InterviewError as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            status = 422
        else:
            flash("Серия собеседований создана. Укажите состав комиссии и составьте график.",
                  "success")
            return redirect(url_for("interviews.series", series_id=series.id))
    elif request.method == "POST":
        status = 422
    return render_view("interviews/series_form.html", form=form, series=None, status=status,
                       title="Новая серия собеседований")


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def series_edit(series_id: int):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    policy.require_edit(user, series)
    form = SeriesForm(obj=series)
    form.authority_id.choices = [(str(series.authority_id), series.authority.short_name)]
    form.authority_id.data = str(series.authority_id)
    status = 200
    if form.validate_on_submit():
        try:
            svc.update_series(series, _series_data(form))
        except svc.InterviewError as err:
            db.session.rollback()
            series = db.session.get(InterviewSeries, series_id)
            form.form_errors.append(str(err))
            status = 422
        else:
            flash("Серия собеседований сохранена.", "success")
            return redirect(url_for("interviews.series", series_id=series.id))
    elif request.method == "POST":
        status = 422
    return render_view("interviews/series_form.html", form=form, series=series, status=status,
                       title="Серия собеседований")


@bp.post("/series/<int:series_id>/delete")
@login_required
def series_delete(series_id: int):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    policy.require_edit(user, series)
    try:
        svc.delete_series(series)
    except svc.InterviewError as err:
        flash(str(err), "error")
        return redirect(url_for("interviews.series", series_id=series_id))
    flash("Серия собеседований удалена (записи сохранены в истории).", "success")
    return redirect(url_for("interviews.index"))


def _member_form(series, formdata=True) -> MemberForm:
    form = MemberForm() if formdata else MemberForm(formdata=None)
    form.user_id.choices = [("", "— не пользователь системы —")] + [
        (str(u.id), f"{u.full_name}{' — ' + u.position if u.position else ''}")
        for u in svc.users_of(series.authority)]
    return form


def _series_context(user, series, **extra) -> dict:
    meetings = svc.series_meetings(series)
    return {
        "series": series, "meetings": meetings, "today": today(),
        "can_edit": policy.can_edit(user, series),
        "plan": {m.id: policy.can_plan(user, m) for m in meetings},
        "member_form": extra.pop("member_form", None) or _member_form(series, formdata=False),
        **extra,
    }


@bp.get("/series/<int:series_id>")
@login_required
def series(series_id: int):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    return render_view("interviews/series.html", "interviews/_schedule.html",
                       title=series.topic[:120], **_series_context(user, series))


@bp.post("/series/<int:series_id>/members")
@login_required
def member_add(series_id: int):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    policy.require_edit(user, series)
    form = _member_form(series)
    status, error = 200, None
    if form.validate_on_submit():
        member_user = None
        if form.user_id.data:
            member_user = db.session.get(User, int(form.user_id.data))
        try:
            svc.add_member(series, role=CommissionRole[form.role.data], user=member_user,
                           full_name=form.full_name.data or "", job_title=form.job_title.data or "",
                           by=user)
        except svc.InterviewError as err:
            db.session.rollback()
            series = db.session.get(InterviewSeries, series_id)
            error, status = str(err), 422
        else:
            form = _member_form(series, formdata=False)
    else:
        error, status = "Проверьте поля формы.", 422
    if request.htmx:
        return render_fragment("interviews/_commission.html", status=status, error=error,
                               trigger=None if error else _notice("Состав комиссии обновлён."),
                               **_series_context(user, series, member_form=form))
    flash(error or "Состав комиссии обновлён.", "error" if error else "success")
    return redirect(url_for("interviews.series", series_id=series_id))


@bp.post("/members/<int:member_id>/delete")
@login_required
def member_delete(member_id: int):
    user = _user()
    member = policy.get_or_404(user, CommissionMember, member_id)
    policy.require_edit(user, member)
    series_id = member.series_id
    svc.remove_member(member)
    series = db.session.get(InterviewSeries, series_id)
    if request.htmx:
        return render_fragment("interviews/_commission.html", error=None,
                               trigger=_notice("Состав комиссии обновлён."),
                               **_series_context(user, series))
    flash("Состав комиссии обновлён.", "success")
    return redirect(url_for("interviews.series", series_id=series_id))


# --------------------------------------------------------------------------- schedule rows


def _slot_form(series, meeting=None, formdata=True) -> SlotForm:
    if formdata:
        form = SlotForm(obj=meeting)
    else:
        form = SlotForm(formdata=None, obj=meeting)
    form.organization_id.choices = [("", "— выберите школу —")] + [
        (str(o.id), o.short_name) for o in svc.schools_of(series.authority)]
    if meeting is not None:
        form.organization_id.data = str(meeting.organization_id or "")
    return form


def _slot(form: SlotForm) -> svc.SlotData:
    return svc.SlotData(meeting_date=form.meeting_date.data, start_time=form.start_time.data,
                        end_time=form.end_time.data, place=form.place.data,
                        video_link=form.video_link.data)


def _schedule_row(user, meeting, status=200, trigger=None):
    return render_fragment("interviews/_schedule_row.html", m=meeting, today=today(),
                           plan={meeting.id: policy.can_plan(user, meeting)}, status=status,
                           trigger=trigger)


def _slot_form_row(series, form, meeting=None, status=200):
    return render_view("interviews/slot_page.html", "interviews/_slot_form_row.html",
                       series=series, form=form, m=meeting, status=status,
                       title="Строка графика собеседований")


@bp.route("/series/<int:series_id>/slots/new", methods=["GET", "POST"])
@login_required
def slot_new(series_id: int):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    policy.require_edit(user, series)
    form = _slot_form(series)
    if request.method == "GET":
        form = _slot_form(series, formdata=False)
        form.place.data, form.video_link.data = series.default_place, series.default_link
        return _slot_form_row(series, form)
    if form.validate_on_submit():
        try:
            meeting = svc.add_interview(series, organization_id=form.organization_id.data,
                                        director_name=form.director_name.data,
                                        slot=_slot(form), by=user)
        except svc.InterviewError as err:
            db.session.rollback()
            series = db.session.get(InterviewSeries, series_id)
            form.form_errors.append(str(err))
        else:
            if request.htmx:
                return _schedule_row(user, meeting, trigger=_notice("Собеседование добавлено в график."))
            flash("Собеседование добавлено в график.", "success")
            return redirect(url_for("interviews.series", series_id=series_id))
    return _slot_form_row(series, form, status=422)


@bp.get("/meetings/<int:meeting_id>/row")
@login_required
def slot_row(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    return _schedule_row(user, meeting)


@bp.route("/meetings/<int:meeting_id>/slot", methods=["GET", "POST"])
@login_required
def slot_edit(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    policy.require(meeting.series_id is not None and policy.can_plan(user, meeting))
    series = db.session.get(InterviewSeries, meeting.series_id)
    form = _slot_form(series, meeting)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                svc.reschedule(meeting, _slot(form), director_name=form.director_name.data)
            except svc.InterviewError as err:
                db.session.rollback()
                meeting = db.session.get(Meeting, meeting_id)
                form.form_errors.append(str(err))
            else:
                if request.htmx:
                    return _schedule_row(user, meeting, trigger=_notice("График изменён."))
                flash("График изменён.", "success")
                return redirect(url_for("interviews.series", series_id=series.id))
        return _slot_form_row(series, form, meeting, status=422)
    if meeting.start_time and meeting.end_time and svc.default_end(
            meeting.meeting_date, meeting.start_time, series.slot_minutes) == meeting.end_time:
        form.end_time.data = None  # moving the start moves the end with it
    return _slot_form_row(series, form, meeting)


@bp.post("/meetings/<int:meeting_id>/delete")
@login_required
def meeting_delete(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    policy.require(policy.can_plan(user, meeting))
    series_id = meeting.series_id
    svc.delete_meeting(meeting)
    if request.htmx:
        return render_fragment("interviews/_deleted_row.html",
                               trigger=_notice("Запись удалена из графика."))
    flash("Запись удалена (сохранена в истории).", "success")
    if series_id:
        return redirect(url_for("interviews.series", series_id=series_id))
    return redirect(url_for("interviews.meetings"))


@bp.get("/series/<int:series_id>/schedule.<fmt>")
@login_required
def schedule_export(series_id: int, fmt: str):
    user = _user()
    series = policy.get_or_404(user, InterviewSeries, series_id)
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    data = export.schedule_pdf(series) if fmt == "pdf" else export.schedule_xlsx(series)
    return _download(data, fmt, f"grafik-sobesedovaniy-{series.id}")


# --------------------------------------------------------------------------- meetings


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    user = _user()
    form = MeetingForm()
    _authority_select(form.authority_id, user)
    policy.require(bool(form.authority_id.choices))
    users = {}
    for org_id, _ in form.authority_id.choices:
        for u in svc.users_of(db.session.get(Organization, int(org_id))):
            users[u.id] = u
    form.secretary_id.choices = [("", "— выбрать позже —")] + [
        (str(u.id), u.full_name) for u in sorted(users.values(), key=lambda u: u.full_name)]
    if request.method == "GET" and user.id in users:
        form.secretary_id.data = str(user.id)
    status = 200
    if form.validate_on_submit():
        authority = _authority_from(user, form.authority_id.data)
        policy.require_create(user, Meeting, authority)
        secretary = users.get(int(form.secretary_id.data)) if form.secretary_id.data else None
        try:
            meeting = svc.create_meeting(
                authority, kind=MeetingKind[form.kind.data], heading=form.heading.data or "",
                slot=svc.SlotData(form.meeting_date.data, form.start_time.data,
                                  form.end_time.data, form.place.data, form.video_link.data),
                secretary=secretary, agenda=form.agenda.data or "", by=user)
        except svc.InterviewError as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            status = 422
        else:
            flash("Совещание создано. Заполните участников и повестку.", "success")
            return redirect(url_for("interviews.meeting", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 422
    return render_view("interviews/meeting_form.html", form=form, status=status,
                       title="Новое совещание")


def _record_context(user, meeting, **extra) -> dict:
    participants, items = svc.load_record(meeting)
    series = db.session.get(InterviewSeries, meeting.series_id) if meeting.series_id else None
    return {
        "m": meeting, "series": series, "participants": participants, "items": items,
        "can_record": policy.can_record(user, meeting), "can_plan": policy.can_plan(user, meeting),
        "can_amend": policy.can_amend(user, meeting),
        "can_read_draft": policy.can_read_draft(user, meeting),
        "can_view_series": series is not None and policy.can_view(user, series),
        "amendments": svc.amendments_of(meeting) if meeting.is_held else [],
        "uploads_open": svc.uploads_open(meeting), "today": today(),
        **(block_context(user, svc.RECOMMENDATION_SOURCE, meeting)
           if meeting.organization_id else {"rec_block": None}),
        "roles": ParticipantRole, "secretary": db.session.get(User, meeting.secretary_user_id)
        if meeting.secretary_user_id else None,
        **extra,
    }


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    """The record on one page: requisites, participants, agenda with СЛУШАЛИ/ВЫСТУПИЛИ/РЕШИЛИ."""
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    ctx = _record_context(user, meeting)
    return render_view("interviews/meeting.html", "interviews/_record.html",
                       title=_meeting_title(meeting), amendment_form=AmendmentForm(formdata=None),
                       problems=[], **ctx)


def _meeting_title(meeting: Meeting) -> str:
    if meeting.is_held:
        return f"Протокол № {meeting.protocol_number} от {meeting.meeting_date:%d.%m.%Y}"
    if meeting.organization is not None:
        return f"Собеседование: {meeting.organization.short_name}"
    return meeting.kind.label


def _require_record(user, meeting) -> None:
    """403 for a visible record the user may not change (a held one: for everybody)."""
    policy.require(policy.can_record(user, meeting))


@bp.route("/meetings/<int:meeting_id>/requisites", methods=["GET", "POST"])
@login_required
def requisites(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    _require_record(user, meeting)
    form = RequisitesForm(obj=meeting)
    if request.method == "POST":
        if form.validate_on_submit():
            slot = svc.SlotData(form.meeting_date.data, form.start_time.data, form.end_time.data,
                                form.place.data, form.video_link.data)
            try:
                svc.update_requisites(meeting, heading=form.heading.data, slot=slot,
                                      director_name=form.director_name.data
                                      if meeting.kind == MeetingKind.INTERVIEW else None)
            except svc.InterviewError as err:
                db.session.rollback()
                meeting = db.session.get(Meeting, meeting_id)
                form.form_errors.append(str(err))
            else:
                if request.htmx:
                    return render_fragment("interviews/_requisites.html",
                                           trigger=_notice("Реквизиты сохранены."),
                                           **_record_context(user, meeting))
                flash("Реквизиты сохранены.", "success")
                return redirect(url_for("interviews.meeting", meeting_id=meeting_id))
        return render_view("interviews/block_page.html", "interviews/_requisites_form.html",
                           block="interviews/_requisites_form.html", form=form, status=422,
                           title="Реквизиты", **_record_context(user, meeting))
    if request.htmx and request.args.get("view") == "1":
        return render_fragment("interviews/_requisites.html", **_record_context(user, meeting))
    return render_view("interviews/block_page.html", "interviews/_requisites_form.html",
                       block="interviews/_requisites_form.html", form=form, title="Реквизиты",
                       **_record_context(user, meeting))


def _participant_rows() -> list[svc.ParticipantRow]:
    f = request.form
    ids, roles, names = f.getlist("p_id"), f.getlist("p_role"), f.getlist("p_name")
    titles, present = f.getlist("p_title"), set(f.getlist("p_present"))
    rows = []
    for i, name in enumerate(names):
        role = roles[i] if i < len(roles) else "PARTICIPANT"
        if role not in ParticipantRole.__members__:
            abort(400)
        pid = ids[i] if i < len(ids) else ""
        rows.append(svc.ParticipantRow(
            id=parse_int(pid), role=ParticipantRole[role], full_name=name,
            job_title=titles[i] if i < len(titles) else "", present=str(i) in present))
    return rows


@bp.route("/meetings/<int:meeting_id>/participants", methods=["GET", "POST"])
@login_required
def participants(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    if request.method == "GET" and request.args.get("view") == "1":
        return render_fragment("interviews/_participants.html", **_record_context(user, meeting))
    _require_record(user, meeting)
    error, typed = None, None
    if request.method == "POST":
        typed = _participant_rows()
        try:
            svc.save_participants(meeting, typed)
        except svc.InterviewError as err:
            db.session.rollback()
            meeting = db.session.get(Meeting, meeting_id)
            error = str(err)
        else:
            if request.htmx:
                return render_fragment("interviews/_participants.html",
                                       trigger=_notice("Список участников сохранён."),
                                       **_record_context(user, meeting))
            flash("Список участников сохранён.", "success")
            return redirect(url_for("interviews.meeting", meeting_id=meeting_id))
    return render_view("interviews/block_page.html", "interviews/_participants_form.html",
                       block="interviews/_participants_form.html", error=error, typed=typed,
                       status=422 if error else 200, title="Участники",
                       **_record_context(user, meeting))


def _item_payload():
    f = request.form
    speeches = [svc.SpeechRow(who, summary) for who, summary in
                zip_longest(f.getlist("s_who"), f.getlist("s_summary"), fillvalue="")]
    decisions = []
    for text, responsible, due in zip_longest(f.getlist("d_text"), f.getlist("d_responsible"),
                                              f.getlist("d_due"), fillvalue=""):
        try:
            due_date = date.fromisoformat(due) if due else None
        except ValueError:
            raise svc.InterviewError(f"Срок «{due}» — не дата. Укажите дату в календаре.") from None
        decisions.append(svc.DecisionRow(text, responsible, due_date))
    return {"title": f.get("title", ""), "heard_who": f.get("heard_who", ""),
            "heard_summary": f.get("heard_summary", ""), "speeches": speeches,
            "decisions": decisions}


def _typed_item(payload) -> dict:
    return {"title": payload.get("title", ""), "heard_who": payload.get("heard_who", ""),
            "heard_summary": payload.get("heard_summary", ""),
            "speeches": payload.get("speeches", []), "decisions": payload.get("decisions", [])}


def _item_form(user, meeting, item, typed=None, error=None, status=200):
    ctx = _record_context(user, meeting)
    number = next((n for n, it in enumerate(ctx["items"], start=1) if item and it.id == item.id),
                  len(ctx["items"]) + 1)
    if typed is None:
        typed = {"title": item.title, "heard_who": item.heard_who,
                 "heard_summary": item.heard_summary, "speeches": item.speeches,
                 "decisions": item.decisions} if item else _typed_item({})
    return render_view("interviews/block_page.html", "interviews/_item_form.html",
                       block="interviews/_item_form.html", item=item, number=number,
                       typed=typed, error=error, status=status, title="Вопрос повестки дня",
                       **ctx)


def _item_block(user, meeting, item, trigger=None):
    ctx = _record_context(user, meeting)
    number = next(n for n, it in enumerate(ctx["items"], start=1) if it.id == item.id)
    return render_fragment("interviews/_item.html", item=item, number=number, trigger=trigger,
                           **ctx)


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@login_required
def item_new(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    _require_record(user, meeting)
    if request.method == "GET":
        return _item_form(user, meeting, None)
    payload = {}
    try:
        payload = _item_payload()
        item = svc.save_item(meeting, None, **payload, by=user)
    except svc.InterviewError as err:
        db.session.rollback()
        meeting = db.session.get(Meeting, meeting_id)
        return _item_form(user, meeting, None, _typed_item(payload or request.form), str(err), 422)
    if request.htmx:
        return _item_block(user, meeting, item, trigger=_notice("Вопрос добавлен."))
    flash("Вопрос добавлен.", "success")
    return redirect(url_for("interviews.meeting", meeting_id=meeting_id) + f"#agenda-item-{item.id}")


def _item_and_meeting(user, item_id: int):
    item = policy.get_or_404(user, AgendaItem, item_id)
    return item, db.session.get(Meeting, item.meeting_id)


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """An agenda item's block (htmx, e.g. «Отмена» of its form); the record page otherwise."""
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    if request.htmx and not request.htmx.boosted:
        return _item_block(user, meeting, item)
    return redirect(url_for("interviews.meeting", meeting_id=meeting.id) + f"#agenda-item-{item.id}")


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    _require_record(user, meeting)
    if request.method == "GET":
        return _item_form(user, meeting, item)
    payload = {}
    try:
        payload = _item_payload()
        svc.save_item(meeting, item, **payload, by=user)
    except svc.InterviewError as err:
        db.session.rollback()
        item, meeting = _item_and_meeting(user, item_id)
        return _item_form(user, meeting, item, _typed_item(payload or request.form), str(err), 422)
    if request.htmx:
        return _item_block(user, meeting, item, trigger=_notice("Вопрос сохранён."))
    flash("Вопрос сохранён.", "success")
    return redirect(url_for("interviews.meeting", meeting_id=meeting.id) + f"#agenda-item-{item.id}")


@bp.post("/items/<int:item_id>/delete")
@login_required
def item_delete(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    _require_record(user, meeting)
    svc.delete_item(meeting, item)
    if request.htmx:
        return render_fragment("interviews/_agenda.html", trigger=_notice("Вопрос удалён."),
                               **_record_context(user, meeting))
    flash("Вопрос удалён.", "success")
    return redirect(url_for("interviews.meeting", meeting_id=meeting.id))


@bp.post("/items/<int:item_id>/move")
@login_required
def item_move(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    _require_record(user, meeting)
    direction = request.form.get("direction", "up")
    if direction not in ("up", "down"):
        abort(400)
    svc.move_item(meeting, item, direction)
    if request.htmx:
        return render_fragment("interviews/_agenda.html", **_record_context(user, meeting))
    return redirect(url_for("interviews.meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/hold")
@login_required
def hold(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    _require_record(user, meeting)
    try:
        meeting = protocols.hold(meeting, by=user)
    except protocols.ProtocolError as err:
        db.session.rollback()
        meeting = db.session.get(Meeting, meeting_id)
        if request.htmx:
            return render_fragment("interviews/_hold.html", status=422, problems=str(err),
                                   **_record_context(user, meeting))
        flash(str(err), "error")
        return redirect(url_for("interviews.meeting", meeting_id=meeting_id))
    flash(f"Протокол № {meeting.protocol_number} оформлен. Текст закрыт для изменений.",
          "success")
    url = url_for("interviews.meeting", meeting_id=meeting_id)
    if request.htmx:
        resp = Response("", 204)
        resp.headers["HX-Redirect"] = url
        return resp
    return redirect(url)


@bp.post("/meetings/<int:meeting_id>/amendments")
@login_required
def amendment_add(meeting_id: int):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    policy.require(policy.can_amend(user, meeting))
    form = AmendmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            svc.add_amendment(meeting, text=form.text.data, amended_on=form.amended_on.data,
                              by=user)
        except svc.InterviewError as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            status = 422
        else:
            form = AmendmentForm(formdata=None)
    else:
        status = 422
    if request.htmx:
        return render_fragment("interviews/_amendments.html", amendment_form=form, status=status,
                               trigger=_notice("Изменение внесено.") if status == 200 else None,
                               **_record_context(user, meeting))
    if status == 200:
        flash("Изменение внесено в протокол.", "success")
    else:
        flash(" ".join(form.form_errors) or "Опишите изменение.", "error")
    return redirect(url_for("interviews.meeting", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/protocol.<fmt>")
@login_required
def protocol(meeting_id: int, fmt: str):
    user = _user()
    meeting = policy.get_or_404(user, Meeting, meeting_id)
    if fmt not in ("pdf", "docx"):
        abort(404)
    policy.require(meeting.is_held or policy.can_read_draft(user, meeting))
    data = export.protocol_pdf(meeting) if fmt == "pdf" else export.protocol_docx(meeting)
    stem = f"protokol-{meeting.protocol_number}-{meeting.protocol_year}" if meeting.is_held \
        else f"proekt-protokola-{meeting.id}"
    return _download(data, fmt, stem)


def _download(data: bytes, fmt: str, stem: str):
    return send_download(data, f"{stem}.{fmt}", fmt)
