"""Interviews and meetings: series with commission and schedule, the record filled in place on
one page, marking held (number + lock), amendments, the printable schedule and protocol.

Row and block actions (schedule rows, the commission, participants, agenda items) answer htmx
with their fragment and a plain form with a redirect (``web.answer``); a refused form is shown
again with what was typed (``web.submit``) — to htmx as its block, otherwise as its page.
"""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import case, func, select

from ... import policy
from ...extensions import db
from ...formatting import today
from ...models import (
    AgendaItem, CommissionMember, InterviewSeries, Meeting, MeetingKind, MeetingStatus,
    Organization, ParticipantRole, User,
)
from ...services import interviews as svc, recommendations as rec_svc
from ...services.interviews import export, protocols
from ...web import (
    act, answer, by_format, in_place, int_arg, listing, navigate, record, remove,
    render_fragment, render_view, send_download, set_args, submit, year_arg,
    acting_user as _user,
)
from . import bp
from .forms import (
    AmendmentForm, ItemForm, MeetingForm, MemberForm, ParticipantsForm, RequisitesForm, SeriesForm,
    SlotForm,
)

DEFAULT_AGENDA = ("О готовности общеобразовательной организации к проведению государственной "
                  "итоговой аттестации\n"
                  "О результатах диагностических работ и мерах по повышению качества подготовки "
                  "обучающихся")


def _series_url(series_id: int) -> str:
    return url_for("interviews.series", series_id=series_id)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return url_for("interviews.meeting", meeting_id=meeting.id) + anchor


# --------------------------------------------------------------------------- lists


@bp.get("/")
@login_required
def index():
    """Series of interviews (planners, viewers) or the school's own appointments."""
    user = _user()
    if not policy.can(user, "list", InterviewSeries):
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
    user, year = _user(), year_arg()
    stmt, f = listing(Meeting, kind=Meeting.kind, status=Meeting.status)
    if year:
        stmt = stmt.where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)))
    school, school_org = int_arg("school"), None
    if school:  # a school card's link: the school's meetings (a foreign school is 404)
        school_org = policy.get_or_404(user, Organization, school)
        stmt = stmt.where(Meeting.organization_id == school_org.id)
    rows = db.session.scalars(stmt.order_by(Meeting.meeting_date.desc(),
                                            Meeting.start_time.desc(), Meeting.id.desc())).all()
    return render_view("interviews/meetings.html", "interviews/_meetings_table.html",
                       title="Собеседования, совещания и протоколы", rows=rows, kinds=MeetingKind,
                       statuses=MeetingStatus, kind=f["kind"], status_filter=f["status"],
                       year=year or "", can_create=bool(svc.authority_choices(user)),
                       today=today(), school_org=school_org,
                       clear_url=url_for("interviews.meetings", **set_args(f), year=year or None))


# --------------------------------------------------------------------------- series


def _series_data(form: SeriesForm) -> svc.SeriesData:
    return svc.SeriesData(topic=form.topic.data or "", agenda_template=form.agenda_template.data,
                          default_place=form.default_place.data,
                          default_link=form.default_link.data,
                          slot_minutes=form.slot_minutes.data, note=form.note.data)


def _planning(form_class) -> tuple:
    """(the acting user, a new ``form_class`` form — a series, a meeting — offering the
    authorities the user plans for, the same on GET and POST); 403 when there are none."""
    user, form = _user(), form_class()
    form.authority_id.choices = [(str(o.id), o.short_name) for o in svc.authority_choices(user)]
    policy.require(bool(form.authority_id.choices))
    return user, form


def _authority(user, form, model: type) -> Organization:
    """The authority the form chose (one of the offered), for a new ``model`` record."""
    authority = policy.get_or_404(user, Organization, int(form.authority_id.data))
    policy.require_create(user, model, authority)
    return authority


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def series_new():
    user, form = _planning(SeriesForm)
    if request.method == "GET":
        form.agenda_template.data = DEFAULT_AGENDA
    return submit(form, lambda: svc.create_series(_authority(user, form, InterviewSeries),
                                                  _series_data(form), by=user),
                  done=lambda series: answer("Серия собеседований создана. Укажите состав "
                                             "комиссии и составьте график.", None,
                                             _series_url(series.id)),
                  again=lambda status: render_view(
                      "interviews/series_form.html", form=form, series=None, status=status,
                      title="Новая серия собеседований"))


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def series_edit(series_id: int):
    _, series = record(InterviewSeries, series_id, "edit")
    form = SeriesForm(obj=series)
    form.authority_id.choices = [(str(series.authority_id), series.authority.short_name)]
    form.authority_id.data = str(series.authority_id)
    return submit(form, lambda: svc.update_series(series, _series_data(form)),
                  done=lambda _: answer("Серия собеседований сохранена.", None,
                                        _series_url(series_id)),
                  again=lambda status: render_view(
                      "interviews/series_form.html", form=form, series=series, status=status,
                      title="Серия собеседований"))


@bp.post("/series/<int:series_id>/delete")
@login_required
def series_delete(series_id: int):
    _, series = record(InterviewSeries, series_id, "edit")
    return act(lambda: svc.delete_series(series),
               done=lambda _: answer("Серия собеседований удалена (записи сохранены в истории).",
                                     None, url_for("interviews.index")),
               refused=lambda message: answer(message, None, _series_url(series_id),
                                              category="error"))


def _member_form(series, formdata=True) -> MemberForm:
    """The commission form, offering the users who may sit in the authority's commissions."""
    form = MemberForm() if formdata else MemberForm(formdata=None)
    form.user_id.choices = [("", "— не пользователь системы —")] + [
        (str(u.id), f"{u.full_name}{' — ' + u.position if u.position else ''}")
        for u in db.session.scalars(policy.interviews.commission_candidates(series.authority))]
    return form


def _series_context(user, series, **extra) -> dict:
    meetings = svc.series_meetings(series)
    return {
        "series": series, "meetings": meetings, "today": today(),
        "can_edit": policy.can_edit(user, series),
        "plan": {m.id: policy.can(user, "plan", m) for m in meetings},
        "member_form": extra.pop("member_form", None) or _member_form(series, formdata=False),
        **extra,
    }


def _series_page(user, series, fragment: str = "interviews/_schedule.html", *, status=200,
                 **extra):
    """The series' page, or (to htmx) one of its blocks: the schedule, the commission."""
    return render_view("interviews/series.html", fragment, title=series.topic[:120],
                       status=status, **_series_context(user, series, **extra))


@bp.get("/series/<int:series_id>")
@login_required
def series(series_id: int):
    return _series_page(*record(InterviewSeries, series_id))


def _commission(user, series):
    return render_fragment("interviews/_commission.html", **_series_context(user, series))


@bp.post("/series/<int:series_id>/members")
@login_required
def member_add(series_id: int):
    user, series = record(InterviewSeries, series_id, "edit")
    form = _member_form(series)  # a user is one of the offered candidates
    return submit(form, lambda: svc.add_member(
                      series, role=form.role.data, by=user,
                      user=db.session.get(User, int(form.user_id.data)) if form.user_id.data
                      else None, full_name=form.full_name.data or "",
                      job_title=form.job_title.data or ""),
                  done=lambda _: answer("Состав комиссии обновлён.",
                                        lambda: _commission(user, series), _series_url(series_id)),
                  again=lambda status: _series_page(user, series, "interviews/_commission.html",
                                                    status=status, member_form=form))


@bp.post("/members/<int:member_id>/delete")
@login_required
def member_delete(member_id: int):
    return remove(CommissionMember, member_id, svc.remove_member, "Состав комиссии обновлён.",
                  lambda m: _series_url(m.series_id),
                  fragment=lambda m: _commission(_user(), db.session.get(InterviewSeries,
                                                                         m.series_id)))


# --------------------------------------------------------------------------- schedule rows


def _slot_form(user, series, meeting=None) -> SlotForm:
    """The schedule row's form, offering the schools the authority interviews."""
    form = SlotForm(obj=meeting) if request.method == "POST" else \
        SlotForm(formdata=None, obj=meeting)
    form.organization_id.choices = [("", "— выберите школу —")] + [
        (str(o.id), o.short_name)
        for o in svc.schools_of(series.authority, policy.scope_query(user, Organization))]
    if meeting is not None:
        form.organization_id.data = str(meeting.organization_id or "")
    return form


def _slot(form: SlotForm) -> svc.SlotData:
    return svc.SlotData(meeting_date=form.meeting_date.data, start_time=form.start_time.data,
                        end_time=form.end_time.data, place=form.place.data,
                        video_link=form.video_link.data)


def _schedule_row(user, meeting):
    return render_fragment("interviews/_schedule_row.html", m=meeting, today=today(),
                           plan={meeting.id: policy.can(user, "plan", meeting)})


def _slot_form_row(series, form, meeting=None, status=200):
    return render_view("interviews/slot_page.html", "interviews/_slot_form_row.html",
                       series=series, form=form, m=meeting, status=status,
                       title="Строка графика собеседований")


@bp.route("/series/<int:series_id>/slots/new", methods=["GET", "POST"])
@login_required
def slot_new(series_id: int):
    user, series = record(InterviewSeries, series_id, "edit")
    form = _slot_form(user, series)
    if request.method == "GET":
        form.place.data, form.video_link.data = series.default_place, series.default_link
    return submit(form, lambda: svc.add_interview(
                      series, organization_id=form.organization_id.data,
                      director_name=form.director_name.data, slot=_slot(form), by=user),
                  done=lambda m: answer("Собеседование добавлено в график.",
                                        lambda: _schedule_row(user, m), _series_url(series_id)),
                  again=lambda status: _slot_form_row(series, form, status=status))


@bp.get("/meetings/<int:meeting_id>/row")
@login_required
def slot_row(meeting_id: int):
    user, meeting = record(Meeting, meeting_id)
    return _schedule_row(user, meeting)


@bp.route("/meetings/<int:meeting_id>/slot", methods=["GET", "POST"])
@login_required
def slot_edit(meeting_id: int):
    user, meeting = record(Meeting, meeting_id)
    policy.require(meeting.series_id is not None and policy.can(user, "plan", meeting))
    series = db.session.get(InterviewSeries, meeting.series_id)
    form = _slot_form(user, series, meeting)
    if request.method == "GET" and meeting.start_time and meeting.end_time and svc.default_end(
            meeting.meeting_date, meeting.start_time, series.slot_minutes) == meeting.end_time:
        form.end_time.data = None  # moving the start moves the end with it
    return submit(form, lambda: svc.reschedule(meeting, _slot(form),
                                               director_name=form.director_name.data),
                  done=lambda m: answer("График изменён.", lambda: _schedule_row(user, m),
                                        _series_url(series.id)),
                  again=lambda status: _slot_form_row(series, form, meeting, status))


@bp.post("/meetings/<int:meeting_id>/delete")
@login_required
def meeting_delete(meeting_id: int):
    return remove(Meeting, meeting_id, svc.delete_meeting,
                  "Запись удалена из графика (сохранена в истории).",
                  lambda m: (_series_url(m.series_id) if m.series_id
                             else url_for("interviews.meetings")), action="plan",
                  fragment=lambda _: render_fragment("interviews/_deleted_row.html"))


@bp.get("/series/<int:series_id>/schedule.<fmt>")
@login_required
def schedule_export(series_id: int, fmt: str):
    _, series = record(InterviewSeries, series_id)
    make = by_format(fmt, pdf=export.schedule_pdf, xlsx=export.schedule_xlsx)
    return _download(make(series), fmt, f"grafik-sobesedovaniy-{series.id}")


# --------------------------------------------------------------------------- meetings


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    user, form = _planning(MeetingForm)
    users = {u.id: u for org_id, _ in form.authority_id.choices
             for u in db.session.scalars(policy.interviews.commission_candidates(
                 db.session.get(Organization, int(org_id))))}
    form.secretary_id.choices = [("", "— выбрать позже —")] + [
        (str(u.id), u.full_name) for u in sorted(users.values(), key=lambda u: u.full_name)]
    if request.method == "GET" and user.id in users:
        form.secretary_id.data = str(user.id)
    return submit(form, lambda: svc.create_meeting(
                      _authority(user, form, Meeting), kind=MeetingKind[form.kind.data],
                      heading=form.heading.data or "",
                      slot=svc.SlotData(form.meeting_date.data, form.start_time.data,
                                        form.end_time.data, form.place.data,
                                        form.video_link.data),
                      secretary=users.get(int(form.secretary_id.data))
                      if form.secretary_id.data else None,
                      agenda=form.agenda.data or "", by=user),
                  done=lambda m: answer("Совещание создано. Заполните участников и повестку.",
                                        None, _meeting_url(m)),
                  again=lambda status: render_view("interviews/meeting_form.html", form=form,
                                                   status=status, title="Новое совещание"))


def _record_context(user, meeting, **extra) -> dict:
    participants, items = svc.load_record(meeting)
    series = db.session.get(InterviewSeries, meeting.series_id) if meeting.series_id else None
    return {
        "m": meeting, "series": series, "participants": participants, "items": items,
        "can_record": policy.can(user, "record", meeting),
        "can_plan": policy.can(user, "plan", meeting),
        "can_amend": policy.can(user, "amend", meeting),
        "can_read_draft": policy.can(user, "read_draft", meeting),
        "can_view_series": series is not None and policy.can_view(user, series),
        "amendments": svc.amendments_of(meeting) if meeting.is_held else [],
        "uploads_open": svc.uploads_open(meeting), "today": today(),
        **(rec_svc.block_context(user, svc.RECOMMENDATION_SOURCE, meeting)
           if meeting.organization_id else {"rec_block": None}),
        "roles": ParticipantRole, "secretary": db.session.get(User, meeting.secretary_user_id)
        if meeting.secretary_user_id else None,
        **extra,
    }


def _meeting_title(meeting: Meeting) -> str:
    if meeting.is_held:
        return f"Протокол № {meeting.protocol_number} от {meeting.meeting_date:%d.%m.%Y}"
    if meeting.organization is not None:
        return f"Собеседование: {meeting.organization.short_name}"
    return meeting.kind.label


def _meeting_page(user, meeting, fragment: str = "interviews/_record.html", *, status=200,
                  amendment_form=None):
    """The record's page, or (to htmx) one of its blocks as it is."""
    return render_view("interviews/meeting.html", fragment, status=status,
                       title=_meeting_title(meeting), problems=[],
                       amendment_form=amendment_form or AmendmentForm(formdata=None),
                       **_record_context(user, meeting))


def _block(user, meeting, block: str):
    return render_fragment(block, **_record_context(user, meeting))


def _block_page(user, meeting, block: str, title: str, *, status=200, **extra):
    """A block's form: to htmx in place of the block, otherwise on a page of its own."""
    return render_view("interviews/block_page.html", block, block=block, title=title,
                       status=status, **_record_context(user, meeting, **extra))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    """The record on one page: requisites, participants, agenda with СЛУШАЛИ/ВЫСТУПИЛИ/РЕШИЛИ."""
    return _meeting_page(*record(Meeting, meeting_id))


@bp.route("/meetings/<int:meeting_id>/requisites", methods=["GET", "POST"])
@login_required
def requisites(meeting_id: int):
    user, meeting = record(Meeting, meeting_id, "record")
    if request.method == "GET" and request.args.get("view") == "1":  # «Отмена» of the form
        return _meeting_page(user, meeting, "interviews/_requisites.html")
    form = RequisitesForm(obj=meeting)
    return submit(form, lambda: svc.update_requisites(
                      meeting, heading=form.heading.data,
                      slot=svc.SlotData(form.meeting_date.data, form.start_time.data,
                                        form.end_time.data, form.place.data,
                                        form.video_link.data),
                      director_name=form.director_name.data
                      if meeting.kind == MeetingKind.INTERVIEW else None),
                  done=lambda m: answer("Реквизиты сохранены.",
                                        lambda: _block(user, m, "interviews/_requisites.html"),
                                        _meeting_url(m)),
                  again=lambda status: _block_page(user, meeting,
                                                   "interviews/_requisites_form.html",
                                                   "Реквизиты", status=status, form=form))


@bp.route("/meetings/<int:meeting_id>/participants", methods=["GET", "POST"])
@login_required
def participants(meeting_id: int):
    user, meeting = record(Meeting, meeting_id)
    if request.method == "GET" and request.args.get("view") == "1":  # «Отмена» of the form
        return _meeting_page(user, meeting, "interviews/_participants.html")
    policy.require(user, "record", meeting)  # a held record: nobody changes it
    form = ParticipantsForm()
    return submit(form, lambda: svc.save_participants(meeting, form.rows),
                  done=lambda _: answer("Список участников сохранён.", lambda: _block(
                      user, meeting, "interviews/_participants.html"), _meeting_url(meeting)),
                  again=lambda status: _block_page(
                      user, meeting, "interviews/_participants_form.html", "Участники",
                      status=status, typed=form.rows, error=form.error))


def _item_number(items, item) -> int:
    return next((n for n, it in enumerate(items, start=1) if item and it.id == item.id),
                len(items) + 1)


def _item_block(user, meeting, item):
    ctx = _record_context(user, meeting)
    return render_fragment("interviews/_item.html", item=item,
                           number=_item_number(ctx["items"], item), **ctx)


def _save_item(user, meeting, item: AgendaItem | None):
    """GET: the item's form; POST: the item saved — its block, or the form again as typed."""
    form = ItemForm(item)

    def again(status):
        ctx = _record_context(user, meeting)
        return render_view("interviews/block_page.html", "interviews/_item_form.html",
                           block="interviews/_item_form.html", item=item,
                           number=_item_number(ctx["items"], item), typed=form.typed,
                           error=form.error, status=status, title="Вопрос повестки дня", **ctx)

    return submit(form, lambda: svc.save_item(meeting, item, **form.typed, by=user),
                  done=lambda saved: answer(
                      "Вопрос сохранён." if item else "Вопрос добавлен.",
                      lambda: _item_block(user, meeting, saved),
                      _meeting_url(meeting, f"#agenda-item-{saved.id}")),
                  again=again)


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@login_required
def item_new(meeting_id: int):
    user, meeting = record(Meeting, meeting_id, "record")
    return _save_item(user, meeting, None)


def _item_and_meeting(user, item_id: int, action: str | None = "record"):
    """The agenda item and its meeting; 403 unless the user may ``action`` the meeting (its
    record, by default: a held one nobody changes)."""
    item = policy.get_or_404(user, AgendaItem, item_id)
    meeting = db.session.get(Meeting, item.meeting_id)
    if action is not None:
        policy.require(user, action, meeting)
    return item, meeting


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """An agenda item's block (htmx, e.g. «Отмена» of its form); the record page otherwise."""
    user = _user()
    item, meeting = _item_and_meeting(user, item_id, None)
    return in_place(lambda: _item_block(user, meeting, item),
                    _meeting_url(meeting, f"#agenda-item-{item.id}"))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    return _save_item(user, meeting, item)


@bp.post("/items/<int:item_id>/delete")
@login_required
def item_delete(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    svc.delete_item(meeting, item)
    return answer("Вопрос удалён.", lambda: _block(user, meeting, "interviews/_agenda.html"),
                  _meeting_url(meeting))


@bp.post("/items/<int:item_id>/move")
@login_required
def item_move(item_id: int):
    user = _user()
    item, meeting = _item_and_meeting(user, item_id)
    direction = request.form.get("direction", "up")
    if direction not in ("up", "down"):
        abort(400)
    svc.move_item(meeting, item, direction)
    return answer(None, lambda: _block(user, meeting, "interviews/_agenda.html"),
                  _meeting_url(meeting))


def _held(meeting: Meeting):
    """The locked record is a new page: htmx loads it whole (HX-Redirect), with the notice."""
    return navigate(f"Протокол № {meeting.protocol_number} оформлен. Текст закрыт для изменений.",
                    _meeting_url(meeting))


@bp.post("/meetings/<int:meeting_id>/hold")
@login_required
def hold(meeting_id: int):
    user, meeting = record(Meeting, meeting_id, "record")
    return act(lambda: protocols.hold(meeting, by=user), done=_held,
               refused=lambda problems: answer(problems, lambda: render_fragment(
                   "interviews/_hold.html", status=422, problems=problems,
                   **_record_context(user, meeting)), _meeting_url(meeting), category="error"))


@bp.post("/meetings/<int:meeting_id>/amendments")
@login_required
def amendment_add(meeting_id: int):
    user, meeting = record(Meeting, meeting_id, "amend")
    form = AmendmentForm()
    return submit(form, lambda: svc.add_amendment(meeting, text=form.text.data,
                                                  amended_on=form.amended_on.data, by=user),
                  done=lambda _: answer("Изменение внесено в протокол.", lambda: render_fragment(
                      "interviews/_amendments.html", amendment_form=AmendmentForm(formdata=None),
                      **_record_context(user, meeting)), _meeting_url(meeting)),
                  again=lambda status: _meeting_page(user, meeting, "interviews/_amendments.html",
                                                     status=status, amendment_form=form))


@bp.get("/meetings/<int:meeting_id>/protocol.<fmt>")
@login_required
def protocol(meeting_id: int, fmt: str):
    user, meeting = record(Meeting, meeting_id)
    make = by_format(fmt, pdf=export.protocol_pdf, docx=export.protocol_docx)
    policy.require(meeting.is_held or policy.can(user, "read_draft", meeting))
    data = make(meeting)
    stem = f"protokol-{meeting.protocol_number}-{meeting.protocol_year}" if meeting.is_held \
        else f"proekt-protokola-{meeting.id}"
    return _download(data, fmt, stem)


def _download(data: bytes, fmt: str, stem: str):
    return send_download(data, f"{stem}.{fmt}", fmt)
