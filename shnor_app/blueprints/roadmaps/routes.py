"""Roadmap pages: list, create, import (preview → confirm), the table with in-place editing,
progress reports, monitoring of execution, exports.

Row actions (edit, status, report, move, delete) always answer with their fragment; the pages
answer with the page, or with their fragment to htmx (``render_view``).
"""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from jinja2 import pass_context
from markupsafe import Markup
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import (
    Attachment, ItemReport, ItemStatus, OrderKind, OrgKind, Organization, Roadmap, RoadmapItem,
    RoadmapLevel, RoadmapSection, RoadmapState,
)
from ...services import data_cache, recommendations, exports, uploads
from ...services.roadmaps import export
from ...services import roadmaps as svc
from ...formatting import today
from ...services.roadmaps.periods import describe, parse_period
from ...services.roadmaps.imports import (
    PASTED_HTML_MAX,
    PASTED_NAME,
    RoadmapImportError,
    looks_like_html_table,
    parse_pasted,
    parse_upload,
)
from ...web import (
    act, answer, export_download, fragment_cache, in_place, parse_int, record, refusal,
    remove, render_fragment, render_view, send_download, submit, text_arg, wants_fragment,
    year_arg,
    acting_user as _user, int_arg as _int_arg,
)
from . import bp
from .forms import (
    ImportForm, ItemForm, OwnerForm, ReportForm, RoadmapForm, SectionForm, StatusForm,
)


@dataclass(frozen=True)
class Perm:
    edit: bool
    status: bool
    report: bool


# --------------------------------------------------------------------------- list


STATE_FILTERS = {  # the list's «Состояние» filter: its value → (label, the states it shows)
    "": ("Действующие", (RoadmapState.ACTIVE,)),
    "finished": ("Завершённые", (RoadmapState.FINISHED,)),
    "archived": ("В архиве", (RoadmapState.ARCHIVED,)),
    "all": ("Все", tuple(RoadmapState)),
}


def _state_arg() -> str:
    value = text_arg("state", max_length=20)
    return value if value in STATE_FILTERS else ""


@bp.get("/")
@login_required
def index():
    """The roadmaps the user sees; by default those that «действует», the finished and
    archived ones under the «Состояние» filter."""
    user = _user()
    level = text_arg("level")
    year = year_arg()
    state = _state_arg()
    stmt = policy.scope_query(user, Roadmap).where(Roadmap.state.in_(STATE_FILTERS[state][1]))
    if level in RoadmapLevel.__members__:
        stmt = stmt.where(Roadmap.level == RoadmapLevel[level])
    if year:
        stmt = stmt.where(Roadmap.year == year)
    school, school_org = _int_arg("school"), None
    if school:  # a school card's link: the school's own roadmaps (a foreign school is 404)
        school_org = policy.get_or_404(user, Organization, school)
        stmt = stmt.where(Roadmap.owner_id == school_org.id)
    roadmaps = db.session.scalars(stmt.order_by(Roadmap.year.desc().nulls_last(),
                                                Roadmap.level, Roadmap.id.desc())).all()
    counts = {}
    if roadmaps:
        from sqlalchemy import func
        counts = dict(db.session.execute(
            select(RoadmapItem.roadmap_id, func.count()).where(
                RoadmapItem.roadmap_id.in_([r.id for r in roadmaps]),
                RoadmapItem.deleted_at.is_(None)).group_by(RoadmapItem.roadmap_id)).all())
    return render_view(
        "roadmaps/index.html", "roadmaps/_list.html", title="Дорожные карты",
        roadmaps=roadmaps, counts=counts, levels=RoadmapLevel, level=level, year=year or "",
        state=state, state_filters=STATE_FILTERS, today=today(), school_org=school_org,
        clear_url=url_for("roadmaps.index", level=level or None, year=year or None,
                          state=state or None),
        can_create=bool(_owner_choices(user)),
        has_own_items=bool(policy.responsible_org_ids(user)))


def _owner_choices(user) -> list[tuple[str, str]]:
    """Organisations the user may create a roadmap for (authorities first)."""
    stmt = policy.scope_query(user, Organization).where(Organization.kind.in_([
        OrgKind.SCHOOL, OrgKind.MUNICIPAL_AUTHORITY, OrgKind.REGIONAL_AUTHORITY,
        OrgKind.INSTITUTE, OrgKind.ASSESSMENT_CENTRE]))
    orgs = db.session.scalars(stmt.order_by(Organization.kind == OrgKind.SCHOOL,
                                            Organization.sort_name)).all()
    return [(str(o.id), o.short_name) for o in orgs
            if policy.can_create(user, Roadmap, o)]


def _owner_from_form(user, value) -> Organization | None:
    if not value:
        return None
    org_id = parse_int(value)
    if org_id is None:
        abort(400)
    org = db.session.get(Organization, org_id)
    if org is None or not policy.can_view(user, org):
        abort(404)
    policy.require_create(user, Roadmap, org)
    return org


# --------------------------------------------------------------------------- create / edit


def _fill_roadmap(rm: Roadmap, form: RoadmapForm) -> None:
    rm.title = form.title.data or ""
    rm.level = RoadmapLevel[form.level.data]
    rm.year = form.year.data
    rm.period_start, rm.period_end = form.period_start.data, form.period_end.data
    rm.order_kind = OrderKind.coerce(form.order_kind.data)
    rm.order_number = (form.order_number.data or "").strip() or None
    rm.order_date = form.order_date.data


def _show_url(roadmap_id: int) -> str:
    return url_for("roadmaps.show", roadmap_id=roadmap_id)


def _form_page(form, rm, title: str):
    return lambda status: render_view("roadmaps/form.html", form=form, rm=rm, status=status,
                                      title=title)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    choices = _owner_choices(user)
    policy.require(bool(choices))
    form = RoadmapForm()
    form.owner_id.choices = choices
    if request.method == "GET":
        form.year.data = today().year

    def save():
        rm = Roadmap(owner_id=_owner_from_form(user, form.owner_id.data).id,
                     created_by_id=user.id)
        _fill_roadmap(rm, form)
        return svc.save_roadmap(rm, is_new=True)

    return submit(form, save,
                  done=lambda rm: answer("Дорожная карта создана. Добавьте разделы и мероприятия.",
                                         None, _show_url(rm.id)),
                  again=_form_page(form, None, "Новая дорожная карта"))


@bp.route("/<int:roadmap_id>/edit", methods=["GET", "POST"])
@login_required
def edit(roadmap_id: int):
    _, rm = record(Roadmap, roadmap_id, "edit")
    form = RoadmapForm(obj=rm)
    form.owner_id.choices = [(str(rm.owner_id or ""), rm.owner.short_name if rm.owner else "—")]
    if request.method == "GET":
        form.level.data = rm.level.name
        form.order_kind.data = rm.order_kind.name if rm.order_kind else ""
    form.owner_id.data = str(rm.owner_id or "")

    def save():
        _fill_roadmap(rm, form)
        return svc.save_roadmap(rm)

    return submit(form, save,
                  done=lambda rm: answer("Реквизиты дорожной карты сохранены.", None,
                                         _show_url(rm.id)),
                  again=_form_page(form, rm, "Реквизиты дорожной карты"))


@bp.post("/<int:roadmap_id>/owner")
@login_required
def set_owner(roadmap_id: int):
    user, rm = record(Roadmap, roadmap_id, "set_owner")
    form = OwnerForm()
    form.owner_id.choices = _owner_choices(user)
    back = _show_url(rm.id)
    return submit(form, lambda: svc.set_owner(rm, db.session.get(Organization,
                                                                 int(form.owner_id.data))),
                  done=lambda _: answer("Владелец дорожной карты указан, исполнители "
                                        "сопоставлены с организациями.", None, back),
                  again=lambda status: answer("Выберите организацию-владельца.", None, back,
                                              category="error"))


@bp.post("/<int:roadmap_id>/delete")
@login_required
def delete(roadmap_id: int):
    return remove(Roadmap, roadmap_id, svc.delete_roadmap,
                  "Дорожная карта удалена (запись сохранена в истории).", url_for("roadmaps.index"))


@bp.post("/<int:roadmap_id>/state/<action>")
@login_required
def set_state(roadmap_id: int, action: str):
    """«Завершить», «В архив», «Вернуть в работу»: the plan keeps everything, only its state
    (and so the figures and lists it counts in) changes; journalled."""
    if action not in svc.STATE_ACTIONS:
        abort(404)
    _, rm = record(Roadmap, roadmap_id, "set_state")
    target, _ = svc.STATE_ACTIONS[action]
    back = _show_url(rm.id)
    notices = {
        RoadmapState.FINISHED: "Дорожная карта завершена: она больше не входит в текущие "
                               "показатели и найдётся в списке под фильтром «Завершённые».",
        RoadmapState.ARCHIVED: "Дорожная карта перенесена в архив: история, отчёты и выгрузки "
                               "сохранены, в списке она под фильтром «В архиве».",
        RoadmapState.ACTIVE: "Дорожная карта возвращена в работу и снова входит в текущие "
                             "показатели.",
    }
    return act(lambda: svc.set_state(rm, target),
               done=lambda _: answer(notices[target], None, back),
               refused=lambda message: answer(message, None, back, category="error"))


# --------------------------------------------------------------------------- import


def _import_form(user) -> ImportForm:
    form = ImportForm()
    choices = _owner_choices(user)
    if policy.can(user, "leave_unowned", Roadmap):
        choices = [("", "— без владельца (указать позже) —")] + choices
    form.owner_id.choices = choices
    return form


def _preview_rows(parsed, owner):
    resolver = svc.ExecutorResolver(owner)
    names = {}
    rows = []
    year = parsed.year
    for section in parsed.sections:
        items = []
        for item in section.items:
            period = parse_period(item.period_text, year)
            org_ids = resolver.resolve(item.executor_names or svc.split_executors(item.executors))
            items.append({"item": item, "period": describe(period) if item.period_text else "",
                          "understood": period.understood or not item.period_text,
                          "orgs": org_ids})
            names.update({i: None for i in org_ids})
        rows.append((section, items))
    if names:
        for org in db.session.scalars(select(Organization).where(Organization.id.in_(names))):
            names[org.id] = org.short_name
    return rows, names


IMPORT_KIND = "roadmap"


def _pasted_html() -> str:
    """The HTML copy of a table pasted into the import field (the page's script sends it along
    with the text): read instead of the text when it holds a table and is not too long to read
    whole; otherwise ""."""
    value = request.form.get("text_html", "")
    if not value or len(value) > PASTED_HTML_MAX:
        return ""
    value = text_arg("text_html", max_length=PASTED_HTML_MAX, source=request.form)
    return value if looks_like_html_table(value) else ""


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Step 1: paste or upload — kept on the server (staged); step 2: preview (nothing saved);
    step 3: confirm by the staged file's id → save all."""
    user = _user()
    form = _import_form(user)
    policy.require(bool(form.owner_id.choices))
    if request.method == "GET":
        return render_view("roadmaps/import.html", form=form, title="Импорт дорожной карты")
    upload_id = request.form.get("upload_id", "")
    staged = None
    if form.validate_on_submit():
        try:
            if upload_id:  # the confirmation names the file kept on the server since the preview
                staged = uploads.get_staged(user, upload_id, IMPORT_KIND)
            elif form.file.data and getattr(form.file.data, "filename", ""):
                staged = uploads.stage(user, IMPORT_KIND, form.file.data.filename,
                                       form.file.data.read())
            elif (form.text.data or "").strip():
                pasted_html = _pasted_html()  # the HTML copy of the table, when there is one
                staged = uploads.stage(user, IMPORT_KIND, PASTED_NAME,
                                       (pasted_html or form.text.data).encode("utf-8"))
            else:
                form.form_errors.append("Вставьте таблицу или выберите файл .docx.")
        except uploads.StagedUploadGone as err:
            form.form_errors.append(err.message)
    filename = staged.filename if staged is not None else ""
    data: bytes | None = staged.data if staged is not None else None
    owner = _owner_from_form(user, form.owner_id.data) if form.owner_id.data else None
    if owner is None and form.owner_id.data == "":
        policy.require(user, "leave_unowned", Roadmap)
    parsed = None
    if data is not None:
        try:
            parsed = (parse_pasted(data) if filename == PASTED_NAME
                      else parse_upload(filename, data))
        except RoadmapImportError as err:
            uploads.discard(staged)
            form.form_errors.append(err.message)
    if parsed is None:
        return render_view("roadmaps/import.html", form=form, status=422,
                           title="Импорт дорожной карты")
    level = RoadmapLevel.coerce(form.level.data) if form.level.data else None
    if request.form.get("confirm") != "1":
        return _import_preview(form, parsed, owner, level, staged, 200)
    return act(lambda: _import(user, form, parsed, owner, level, staged),
               done=lambda result: answer(
                   f"Дорожная карта импортирована: {result.sections} "
                   f"{_plural(result.sections, 'раздел', 'раздела', 'разделов')}, "
                   f"{result.items} {_plural(result.items, 'пункт', 'пункта', 'пунктов')}.",
                   None, _show_url(result.roadmap.id)),
               refused=lambda message: _import_preview(form, parsed, owner, level, staged, 422,
                                                       refused=message))


def _import(user, form, parsed, owner, level, staged):
    """Save the checked plan, then forget the staged copy."""
    result = svc.import_parsed(parsed, owner=owner, level=level, title=form.title.data,
                               year=form.year.data, by=user, source_name=staged.filename)
    uploads.discard(staged)
    return result


def _import_preview(form, parsed, owner, level, staged, status: int, refused: str | None = None):
    """What the import would save, nothing saved yet (``refused``: why saving was refused)."""
    if refused:
        form.form_errors.append(refused)
    rows, org_names = _preview_rows(parsed, owner)
    title = (form.title.data or "").strip() or parsed.title or "Дорожная карта (импорт)"
    return render_view(
        "roadmaps/import_preview.html", form=form, parsed=parsed, rows=rows,
        org_names=org_names, owner=owner, status=status,
        upload_id=staged.id, filename=staged.filename,
        doc_title=title, doc_level=level or svc.infer_level(title, owner),
        title="Импорт: проверьте перед сохранением")


def _plural(n, one, few, many):
    from ...formatting import plural

    return plural(n, one, few, many)


# --------------------------------------------------------------------------- the table


def _filters() -> svc.Filters:
    return svc.Filters(
        status=request.args.get("status", "") if request.args.get("status", "")
        in ItemStatus.__members__ else "",
        section=_int_arg("section"), executor=text_arg("executor", max_length=100),
        overdue=request.args.get("overdue") == "1", mine=request.args.get("mine") == "1")


def _perms(user, items, roadmaps: dict[int, Roadmap]) -> dict[int, Perm]:
    out = {}
    cache: dict[int, tuple[bool, bool]] = {}
    for item in items:
        rm = roadmaps[item.roadmap_id]
        if rm.id not in cache:
            cache[rm.id] = (policy.can_edit(user, rm), policy.can(user, "set_status", item))
        edit, status = cache[rm.id]
        out[item.id] = Perm(edit, status, edit or policy.can(user, "report", item))
    return out


# The item's own columns the row shows (read from the loaded state: 120 rows × 13 attributes
# through SQLAlchemy's descriptors cost more than the rest of the key).
_ROW_COLUMNS = ("id", "roadmap_id", "section_id", "number", "text", "period_text", "period_end",
                "period_understood", "executors", "expected_result", "indicator", "status",
                "actual_result")
_row_columns_loaded = operator.itemgetter(*_ROW_COLUMNS)
_row_columns = operator.attrgetter(*_ROW_COLUMNS)


def _row_key(ctx, item: RoadmapItem) -> tuple:
    """Everything ``roadmaps/_item_row.html`` shows of ``item`` in this render: the row's cache
    key. A field the row template starts to show must be added here (test_roadmap_row_cache
    renders rows with and without the cache and compares them)."""
    try:
        columns = _row_columns_loaded(item.__dict__)
    except KeyError:  # an expired attribute: let the ORM load it
        columns = _row_columns(item)
    last = ctx["reports"].get(item.id)
    show_roadmap = ctx.get("show_roadmap")
    if show_roadmap:
        roadmaps = ctx.get("roadmaps")
        title = (roadmaps[item.roadmap_id] if roadmaps else ctx["rm"]).title
    else:
        title = None
    return (
        columns, tuple(item.executor_orgs), last, ctx["perms"][item.id], ctx["today"], title,
        bool(ctx["filters"].active), request.script_root,
    )


@bp.app_template_global()
@pass_context
def roadmap_row(ctx, item: RoadmapItem):
    """One row of a long roadmap table, from the row cache when the same row was shown before
    (a 120-item roadmap page re-renders 120 rows that mostly did not change)."""
    template = ctx.environment.get_template("roadmaps/_item_row.html")
    return fragment_cache("roadmap-rows").render(
        _row_key(ctx, item),
        lambda csrf_token: template.render({**ctx.get_all(), "item": item,
                                            "csrf_token": csrf_token}))


def _table_context(user, rm: Roadmap, filters: svc.Filters) -> dict:
    table = svc.roadmap_table(rm, filters, user=user)
    items = [i for _, rows in table for i in rows]
    ids = [i.id for i in items]
    return {
        "rm": rm, "table": table, "filters": filters, "today": today(),
        "reports": svc.last_reports(ids), "perms": _perms(user, items, {rm.id: rm}),
        "can_edit": policy.can_edit(user, rm), "statuses": ItemStatus,
        "item_count": len(items),
    }


def _table_html(user, rm: Roadmap, filters: svc.Filters, can_edit: bool) -> Markup:
    """The roadmap's table (``roadmaps/_table.html``), kept between requests while nothing it
    shows changes: the roadmap's partition token (its sections, items, executors, reports) and
    the organisations' token stand for its rows; the user's standing (``policy.standing``) for
    the buttons each row offers; the date for what is overdue."""
    def render(csrf_token):
        return render_template("roadmaps/_table.html", **_table_context(user, rm, filters),
                               csrf_token=csrf_token)

    stamp = data_cache.tokens(svc.table_tokens(rm))
    key = None if stamp is None else (
        rm.id, stamp, tuple(sorted(filters.args().items())), policy.standing(user),
        can_edit, today(), request.script_root)
    return fragment_cache("roadmap-tables", megabytes="TABLE_CACHE_MB").render(key, render)


@bp.get("/<int:roadmap_id>")
@login_required
def show(roadmap_id: int):
    user, rm = record(Roadmap, roadmap_id)
    filters = _filters()
    can_edit = policy.can_edit(user, rm)
    table_html = _table_html(user, rm, filters, can_edit)
    if wants_fragment():
        return render_fragment("roadmaps/_table_kept.html", table_html=table_html)
    sections = db.session.execute(select(RoadmapSection.id, RoadmapSection.title).where(
        RoadmapSection.roadmap_id == rm.id, RoadmapSection.title.is_not(None))
        .order_by(RoadmapSection.position)).all()
    owner_form = None
    if policy.can(user, "set_owner", rm):
        owner_form = OwnerForm(formdata=None)
        owner_form.owner_id.choices = [("", "— выберите —")] + _owner_choices(user)
    return render_view(
        "roadmaps/show.html", title=rm.title[:120], rm=rm, filters=filters, today=today(),
        can_edit=can_edit, statuses=ItemStatus, table_html=table_html,
        state_actions=svc.state_actions(rm) if policy.can(user, "set_state", rm) else [],
        sections=sections, executor_orgs=svc.executor_orgs(rm), owner_form=owner_form,
        section_form=SectionForm(formdata=None), filter_args=filters.args())


def _section_fragment(user, section: RoadmapSection, status: int = 200, trigger=None):
    rm = db.session.get(Roadmap, section.roadmap_id)
    ctx = _table_context(user, rm, svc.Filters())
    rows = next((rows for s, rows in ctx["table"] if s.id == section.id), [])
    return render_fragment("roadmaps/_section.html", section=section, items=rows,
                           status=status, trigger=trigger, **ctx)


def _row_context(user, item: RoadmapItem, **extra) -> dict:
    rm = db.session.get(Roadmap, item.roadmap_id)
    svc.preload_executors([item])
    return {
        "item": item, "rm": rm, "today": today(), "statuses": ItemStatus,
        "reports": svc.last_reports([item.id]), "perms": _perms(user, [item], {rm.id: rm}),
        "filters": svc.Filters(),
        "show_roadmap": request.values.get("ctx") == "mine", **extra,
    }


def _row(user, item, status=200, trigger=None, ctx: dict | None = None):
    return render_fragment("roadmaps/_item_row.html", status=status, trigger=trigger,
                           **(ctx if ctx is not None else _row_context(user, item)))


def _item_form(item: RoadmapItem | None = None, formdata=True) -> ItemForm:
    form = ItemForm(obj=item) if formdata else ItemForm(formdata=None, obj=item)
    if item is not None and (request.method == "GET" or not formdata):
        form.status.data = item.status.name
    return form


def _form_row(user, item, form, section=None, status=200):
    ctx = _row_context(user, item) if item is not None else {
        "item": None, "rm": db.session.get(Roadmap, section.roadmap_id), "today": today(),
        "perms": {}, "statuses": ItemStatus}
    rm = ctx["rm"]
    can_status = policy.can(user, "set_status", item) if item is not None else \
        policy.can_edit(user, rm)
    return render_view("roadmaps/row_page.html", "roadmaps/_item_row_form.html",
                       status=status, form=form, section=section, can_status=can_status,
                       fragment="roadmaps/_item_row_form.html", title="Пункт дорожной карты",
                       **ctx)


def _item_url(item) -> str:
    return url_for("roadmaps.item", item_id=item.id)


@bp.route("/sections/<int:section_id>/items/new", methods=["GET", "POST"])
@login_required
def item_new(section_id: int):
    user, section = record(RoadmapSection, section_id)
    rm = db.session.get(Roadmap, section.roadmap_id)
    policy.require_create(user, RoadmapItem, rm)
    form = _item_form()
    return submit(form, lambda: svc.add_item(section, form.data, by=user,
                                             status=ItemStatus.coerce(form.status.data)),
                  done=lambda item: answer("Пункт добавлен.", lambda: _row(user, item),
                                           _show_url(rm.id)),
                  again=lambda status: _form_row(user, None, form, section=section,
                                                 status=status))


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """The item's card with all reports (page); its table row (htmx)."""
    user, item = record(RoadmapItem, item_id)
    return in_place(lambda: _row(user, item), lambda: _item_page(user, item))


def _item_page(user, item: RoadmapItem):
    ctx = _row_context(user, item)
    reports = db.session.scalars(select(ItemReport).where(
        ItemReport.item_id == item.id, ItemReport.deleted_at.is_(None))
        .order_by(ItemReport.report_date.desc(), ItemReport.id.desc())).all()
    files = {}
    if reports:
        for att in db.session.scalars(select(Attachment).where(
                Attachment.object_type == "roadmap_item_reports",
                Attachment.object_id.in_([r.id for r in reports]),
                Attachment.deleted_at.is_(None)).order_by(Attachment.id)):
            files.setdefault(att.object_id, []).append(att)
    section = db.session.get(RoadmapSection, item.section_id)
    linked_recs = [r for r in recommendations.linked_to_item(item.id) if policy.can_view(user, r)]
    return render_view("roadmaps/item.html", title=str(item), all_reports=reports, files=files,
                       linked_recs=linked_recs,
                       section=section, report_form=ReportForm(formdata=None),
                       can_view_roadmap=policy.can_view(user, ctx["rm"]), **ctx)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int):
    user, item = record(RoadmapItem, item_id, "edit")
    can_status = policy.can(user, "set_status", item)
    form = _item_form(item)
    return submit(form, lambda: svc.update_item(
                      item, dict(form.data), by=user,
                      status=ItemStatus.coerce(form.status.data) if can_status else None),
                  done=lambda item: answer("Пункт сохранён.", lambda: _row(user, item),
                                           _item_url(item)),
                  again=lambda status: _form_row(user, item, form, status=status))


def _status_refused(user, item, status: ItemStatus, actual: str | None, message: str):
    """The row form again with the status asked for, the message, and room for a result."""
    form = _item_form(item, formdata=False)
    form.status.data = status.name
    if actual is not None:
        form.actual_result.data = actual
    form.actual_result.errors = [message]  # once, beside the field the cursor goes to
    return _form_row(user, item, form, status=422)


@bp.post("/items/<int:item_id>/status")
@login_required
def item_status(item_id: int):
    user, item = record(RoadmapItem, item_id, "set_status")
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    status = ItemStatus[form.status.data]
    actual = form.actual_result.data if "actual_result" in request.form else None
    # The row answered shows the new status with what a status does not change (executors,
    # the last report, the buttons): read here, in the change's own transaction — after the
    # commit they would take a transaction of their own.
    ctx = _row_context(user, item) if request.htmx else None
    return act(lambda: svc.set_status(item, status, by=user, actual_result=actual),
               done=lambda _: answer(f"Статус пункта: {status.label}.",
                                     lambda: _row(user, item, ctx=ctx), _item_url(item)),
               refused=lambda message: _status_refused(user, item, status, actual, message))


@bp.post("/items/<int:item_id>/move")
@login_required
def item_move(item_id: int):
    user, item = record(RoadmapItem, item_id, "edit")
    direction = request.form.get("direction", "up")
    if direction not in ("up", "down"):
        abort(400)
    svc.move_item(item, direction)
    section = db.session.get(RoadmapSection, item.section_id)
    return answer(None, lambda: _section_fragment(user, section), _show_url(item.roadmap_id))


@bp.post("/items/<int:item_id>/delete")
@login_required
def item_delete(item_id: int):
    return remove(RoadmapItem, item_id, svc.delete_item,
                  lambda item: f"Пункт {item.number or 'без номера'} удалён.",
                  lambda item: _show_url(item.roadmap_id),
                  fragment=lambda item: render_fragment("roadmaps/_item_deleted.html",
                                                        label=item.number or "без номера"))


# --------------------------------------------------------------------------- sections


@bp.post("/<int:roadmap_id>/sections")
@login_required
def section_add(roadmap_id: int):
    user, rm = record(Roadmap, roadmap_id, adds=RoadmapSection)
    form = SectionForm()
    back = _show_url(rm.id)
    return submit(form, lambda: svc.add_section(rm, form.title.data, by=user),
                  done=lambda section: answer("Раздел добавлен.",
                                              lambda: _section_fragment(user, section), back),
                  again=lambda status: refusal("Раздел не добавлен", back)(
                      "Укажите название раздела."))


@bp.post("/sections/<int:section_id>/rename")
@login_required
def section_rename(section_id: int):
    user, section = record(RoadmapSection, section_id, "edit")
    svc.rename_section(section, request.form.get("title", ""))
    return answer(None, lambda: _section_fragment(user, section), _show_url(section.roadmap_id))


@bp.post("/sections/<int:section_id>/delete")
@login_required
def section_delete(section_id: int):
    _, section = record(RoadmapSection, section_id, "edit")
    back = _show_url(section.roadmap_id)
    return act(lambda: svc.delete_section(section),
               done=lambda _: answer("Раздел удалён.",
                                     lambda: render_fragment("roadmaps/_section_deleted.html"),
                                     back),
               refused=refusal("Раздел не удалён", back))


# --------------------------------------------------------------------------- reports


@bp.route("/items/<int:item_id>/reports/new", methods=["GET", "POST"])
@login_required
def report_new(item_id: int):
    user, item = record(RoadmapItem, item_id, adds=ItemReport)
    form = ReportForm() if request.method == "POST" else \
        ReportForm(formdata=None, report_date=today())

    def save():
        upload = form.file.data
        has_file = upload is not None and getattr(upload, "filename", "")
        return svc.add_report(item, text=form.text.data, report_date=form.report_date.data,
                              link=form.link.data, by=user,
                              file_name=upload.filename if has_file else None,
                              file_data=upload.read() if has_file else None)

    return submit(form, save,
                  done=lambda _: answer("Отчёт добавлен.", lambda: _row(user, item),
                                        _item_url(item)),
                  again=lambda status: render_view(
                      "roadmaps/row_page.html", "roadmaps/_report_form_row.html",
                      fragment="roadmaps/_report_form_row.html", form=form, status=status,
                      title="Отчёт о выполнении", **_row_context(user, item)))


@bp.post("/reports/<int:report_id>/delete")
@login_required
def report_delete(report_id: int):
    return remove(ItemReport, report_id, svc.delete_report,
                  "Отчёт удалён (запись сохранена в истории).",
                  lambda report: url_for("roadmaps.item", item_id=report.item_id))


# --------------------------------------------------------------------------- my items


@bp.get("/my-items")
@login_required
def my_items():
    """Items of any visible roadmap that «действует» that the user's organisation executes."""
    user = _user()
    filters = _filters()
    filters.mine = True
    stmt = svc.filter_items(policy.scope_query(user, RoadmapItem), filters, user=user,
                            today=today())
    stmt = stmt.where(RoadmapItem.roadmap_id.in_(select(Roadmap.id).where(
        Roadmap.deleted_at.is_(None), Roadmap.is_current)))
    items = db.session.scalars(stmt.order_by(RoadmapItem.roadmap_id, RoadmapItem.position,
                                             RoadmapItem.id)).all()
    svc.preload_executors(items)
    roadmaps = {r.id: r for r in db.session.scalars(select(Roadmap).where(
        Roadmap.id.in_({i.roadmap_id for i in items} or {-1})))}
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(item.roadmap_id, []).append(item)
    ids = [i.id for i in items]
    return render_view(
        "roadmaps/my_items.html", "roadmaps/_my_items_table.html",
        title="Пункты дорожных карт с участием моей организации", groups=groups,
        roadmaps=roadmaps, filters=filters, today=today(), statuses=ItemStatus,
        reports=svc.last_reports(ids), perms=_perms(user, items, roadmaps), show_roadmap=True)


# --------------------------------------------------------------------------- monitoring


def _monitoring_scope(user):
    roadmap_id = _int_arg("roadmap")
    if roadmap_id:
        rm = policy.get_or_404(user, Roadmap, roadmap_id)
        return [rm], rm.title, {"roadmap": rm.id}
    level = text_arg("level")
    year = year_arg()
    state = _state_arg()
    stmt = policy.scope_query(user, Roadmap)
    if level in RoadmapLevel.__members__:
        stmt = stmt.where(Roadmap.level == RoadmapLevel[level])
    if year or state:
        # What was asked for: the year's plans in the chosen state.
        stmt = stmt.where(Roadmap.state.in_(STATE_FILTERS[state][1]))
        if year:
            stmt = stmt.where(Roadmap.year == year)
        label = STATE_FILTERS[state][0] + " дорожные карты" + (f", {year} год" if year else "")
    else:
        # By default the current figures: the plans that «действует» in this year.
        stmt = stmt.where(svc.current_clause(today()))
        label = f"Действующие дорожные карты, {svc.period_label(today())}"
    roadmaps = db.session.scalars(stmt.order_by(Roadmap.level, Roadmap.title)).all()
    args = {k: v for k, v in {"level": level, "year": year, "state": state}.items() if v}
    return roadmaps, label, args


@bp.get("/monitoring")
@login_required
def monitoring():
    user = _user()
    roadmaps, scope_title, args = _monitoring_scope(user)
    report = svc.monitoring(roadmaps)
    return render_view("roadmaps/monitoring.html", "roadmaps/_monitoring_body.html",
                       title="Мониторинг исполнения дорожных карт", report=report,
                       scope_title=scope_title, args=args, levels=RoadmapLevel,
                       level=text_arg("level"), year=year_arg() or "",
                       state=_state_arg(), state_filters=STATE_FILTERS, statuses=ItemStatus)


@bp.get("/monitoring/export.<fmt>")
@login_required
def monitoring_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    user = _user()
    roadmaps, scope_title, _ = _monitoring_scope(user)
    report = svc.monitoring(roadmaps)
    title = f"Мониторинг исполнения дорожных карт: {scope_title}"
    return export_download(export.export_monitoring(report, title, fmt), fmt, "monitoring")


@bp.get("/<int:roadmap_id>/export.<fmt>")
@login_required
def roadmap_export(roadmap_id: int, fmt: str):
    _, rm = record(Roadmap, roadmap_id)
    if fmt == "json":
        body = json.dumps(export.roadmap_to_dict(rm), ensure_ascii=False, indent=2)
        return send_download(body.encode(), f"roadmap-{rm.id}.json", "json")
    if fmt not in exports.FORMATS:
        abort(404)
    return export_download(export.export_roadmap(rm, fmt), fmt, f"roadmap-{rm.id}")
