"""Monitoring pages: overview, import of assessment results (preview → confirm), identification
of low-result schools and the approval of the list, a school's results and risk profile, the
municipal indicator system with its scores, the frequency of risks among ШНОР.

The territory a page shows is ``policy.territory`` (the user's own, or the municipality a
region user picked); every list is built from its schools (``policy.scope_query``); a school,
risk or indicator by id comes through ``policy.get_or_404``. Imports, approvals and indicator
edits ask the policy's ``manage`` of the municipality (or region) they touch; changes go
through ``web.submit`` / ``web.answer``.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from jinja2 import Undefined, pass_context
from flask_login import login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...formatting import fmt_order, today
from ...forms import Form
from ...paging import page_of
from ...models import (
    AssessmentResult, IdentificationApproval, Indicator, MarkScale, Municipality, OrderKind,
    Organization, RiskFactor, RiskLevel, Roadmap, SchoolRisk, SchoolStatus, SchoolStatusRecord,
)
from ...services import uploads
from ...services.monitoring import dashboards, risks, assessments as svc, indicators as ind_svc
from ...services.monitoring import identification_page as ident
from ...services.monitoring.identification import fmt_share
from ...web import (
    answer, current_year, form_messages, fragment_cache, int_arg, page_number, record,
    refuse, remove, render_fragment, render_view, send_download, submit, text_arg,
    year_arg, acting_user as _user,
)
from . import bp
from .forms import ApproveForm, ImportForm, IndicatorForm, RiskForm, ScaleForm


@bp.app_template_filter("share")
def share_filter(value) -> Markup:
    """34.5 → «34,5%», None → a muted dash: the ``share`` macro of monitoring/_charts.html as a
    filter, for tables with a share in every cell (a macro call costs ~25 µs each)."""
    if value is None:
        return Markup('<span class="muted">—</span>')
    return escape(fmt_share(value))


def _int_arg(name: str) -> int | None:
    return int_arg(name, request.values)


def _territory(user, **kwargs) -> policy.Territory:
    """The territory a page shows: the user's own, or the municipality a region user picked."""
    return policy.territory(user, municipality_id=_int_arg("municipality"), **kwargs)


def _year(scope_ids) -> int:
    year = year_arg()
    if year and 2000 <= year <= 2100:
        return year
    return dashboards.latest_year(scope_ids) or current_year() - 1


# --------------------------------------------------------------------------- overview


@bp.get("/")
@login_required
def index():
    user = _user()
    scope = _territory(user)
    ids = scope.school_ids()
    year = _year(ids)
    flagged_ids = svc.flagged_school_ids(ids, year)
    schools = db.session.scalars(scope.schools().where(Organization.id.in_(flagged_ids))).all() \
        if flagged_ids else []
    candidates = svc.identification(schools, year)
    candidates.sort(key=lambda v: (-len(v.verdict.over), v.org.sort_name))
    return render_view(
        "monitoring/index.html", "monitoring/_index_body.html",
        title="Мониторинг результатов", scope=scope, year=year, candidates=candidates,
        years=svc.years_with_results(ids), chart=dashboards.share_2_chart(ids),
        counts=dashboards.over_threshold_counts(ids, year),
        statuses=dashboards.status_counts(user, [year, year + 1]),
        can_import=policy.can(user, "import_results", AssessmentResult),
        all_statuses=list(SchoolStatus))


# --------------------------------------------------------------------------- import


IMPORT_KIND = "assessments"
PREVIEW_PAGE_SIZE = 50
MAX_FILES = 30
_ALL = "all"


def _import_choices(user) -> list[tuple[str, str]]:
    choices = [(str(m.id), m.name) for m in db.session.scalars(policy.scope_query(
        user, Municipality, action="manage").order_by(Municipality.name))]
    if choices and policy.can(user, "create_schools", AssessmentResult):
        choices.insert(0, (_ALL, "— все муниципалитеты (по строкам файла) —"))
    return choices


def _import_form(user) -> ImportForm:
    form = ImportForm()
    form.municipality_id.choices = _import_choices(user)
    policy.require(bool(form.municipality_id.choices))
    return form


def _import_page(form, status: int = 200):
    return render_view("monitoring/import.html", form=form, status=status,
                       title="Импорт результатов", can_create=policy.can(
                           _user(), "create_schools", AssessmentResult))


def _stated(params: dict):
    """The year, subject and grade kept for a staged file, or None while one is missing."""
    from ...services.monitoring import fisoko

    try:
        year, grade = int(params.get("year")), int(params.get("grade"))
        procedure = svc.parse_procedure(params.get("procedure") or "ВПР")
    except (TypeError, ValueError):
        return None
    subject = svc.clean_subject(params.get("subject"))[:100]
    if not subject or not 2000 <= year <= 2100 or not 1 <= grade <= 11:
        return None
    return fisoko.Stated(year, subject, grade, procedure)


def _staged_batch(user, ids: list[str]):
    return [uploads.get_staged(user, i, IMPORT_KIND) for i in ids[:MAX_FILES]]


def _run_batch(user, form, batch, *, confirm: bool):
    """Check (and with ``confirm`` save) the staged files with the options kept on them."""
    params = batch[0].params or {}
    muni, region_id = None, None
    if params.get("municipality_id") == _ALL:
        policy.require(user, "create_schools", AssessmentResult)
        region_id = user.region_id
    else:
        muni = db.session.get(Municipality, int(params["municipality_id"]))
        policy.require(user, "manage", muni)
    create = bool(params.get("create_missing")) and policy.can(user, "create_schools",
                                                              AssessmentResult)
    checks = svc.import_files(
        [(s.filename, s.data, _stated(s.params or {})) for s in batch], municipality=muni,
        region_id=region_id, create_missing=create, by=user, dry_run=not confirm)
    if confirm and all(c.ok for c in checks):
        for s in batch:
            uploads.discard(s)
        imported = sum(c.result.imported for c in checks)
        created = sum(c.result.created_schools for c in checks)
        flash(f"Сохранено результатов: {imported} из {len(checks)} файл(ов), создано школ: "
              f"{created}.", "success")
        years = [r.year for c in checks for r in c.result.rows if r.year]
        return redirect(url_for("monitoring.identification", year=max(years) if years else None,
                                **(policy.territory(user, municipality_id=muni.id).args
                                   if muni else {})))
    page = max(1, int_arg("page") or 1)
    files = []
    for s, c in zip(batch, checks):
        rows = sorted(c.result.rows, key=lambda r: not r.errors) if c.result else []
        shown = page_of(rows, PREVIEW_PAGE_SIZE, page)
        files.append({"staged": s, "check": c, "params": s.params or {}, "pages": shown.pages,
                      "rows": shown.items})
    ok = all(c.ok for c in checks)
    return render_view(
        "monitoring/import_preview.html", form=form, files=files, ok=ok, muni=muni,
        page=page, pages=max(f["pages"] for f in files), ids=[s.id for s in batch],
        status=200 if ok else 422, title="Импорт: проверьте перед сохранением")


@bp.get("/import/template.xlsx")
@login_required
def template():
    return send_download(svc.template_xlsx(), "шаблон-результаты.xlsx", "xlsx",
                         fallback="assessment-results-template.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Step 1: choose the municipality and one or several files — kept on the server (staged);
    step 2: the preview of every file with row errors, errors first, paged (nothing saved); a
    ФИС ОКО per-pupil download is given its year, subject and grade (prefilled from the file
    name) and checked again; step 3: confirm by the staged files' ids → every file is saved,
    or none."""
    user = _user()
    policy.require(user, "import_results", AssessmentResult)
    form = _import_form(user)
    if request.method == "GET":
        return _import_page(form)
    ids = request.form.getlist("upload_id")
    if ids:
        try:
            batch = _staged_batch(user, ids)
        except uploads.StagedUploadGone as err:
            form.form_errors.append(err.message)
            return _import_page(form, 404)
        for s in batch:
            uploads.set_params(s, {key: text_arg(f"{key}-{s.id}", max_length=100,
                                                 source=request.form)
                                   for key in ("year", "subject", "grade", "procedure")
                                   if f"{key}-{s.id}" in request.form})
        return _run_batch(user, form, batch, confirm=request.form.get("action") == "confirm")
    if not form.validate_on_submit():
        return _import_page(form, 422)
    files = [f for f in (form.file.data or []) if f and getattr(f, "filename", "")]
    if not files:
        form.form_errors.append("Выберите файл .xlsx или .csv.")
        return _import_page(form, 422)
    if len(files) > MAX_FILES:
        form.form_errors.append(f"Не более {MAX_FILES} файлов за раз.")
        return _import_page(form, 422)
    if form.municipality_id.data != _ALL:
        policy.require(user, "manage", db.session.get(Municipality, int(form.municipality_id.data)))
    from ...services.monitoring import fisoko

    shared = {"municipality_id": form.municipality_id.data,
              "create_missing": bool(form.create_missing.data)}
    batch = [uploads.stage(user, IMPORT_KIND, f.filename, f.read(),
                           {**shared, **fisoko.guess_from_name(f.filename)}) for f in files]
    if len(batch) == 1:
        try:  # a file that cannot be read at all is refused at once
            if not fisoko.is_per_pupil(batch[0].filename, batch[0].data):
                svc.parse_file(batch[0].filename, batch[0].data)
        except svc.AssessmentError as err:
            uploads.discard(batch[0])
            form.form_errors.append(str(err))
            return _import_page(form, 422)
    return _run_batch(user, form, batch, confirm=False)


@bp.get("/import/preview")
@login_required
def import_preview():
    """Another page of the preview of staged files (only their own user finds them)."""
    user = _user()
    policy.require(user, "import_results", AssessmentResult)
    form = _import_form(user)
    try:
        batch = _staged_batch(user, request.args.getlist("id"))
        if not batch:
            raise uploads.StagedUploadGone(uploads.GONE)
    except uploads.StagedUploadGone as err:
        form.form_errors.append(err.message)
        return _import_page(form, 404)
    return _run_batch(user, form, batch, confirm=False)


@bp.route("/scales", methods=["GET", "POST"])
@login_required
def scales():
    """The mark scales: minimum primary points for «3», «4», «5» per year, procedure, subject and
    grade; entered (or replaced — the stored shares computed from it are recomputed) by the
    admin and region users, read by everybody who imports results."""
    from ...services.monitoring import fisoko

    user = _user()
    policy.require(user, "import_results", AssessmentResult)
    may_enter = policy.can(user, "create", MarkScale)
    form = ScaleForm()
    if request.method == "POST":
        policy.require(may_enter)
    elif request.args.get("year"):
        form.year.data = year_arg("year")
        form.subject.data = text_arg("subject", max_length=100)
        form.grade.data = int_arg("grade")
    return submit(form, lambda: fisoko.set_scale(
                      year=form.year.data, procedure=form.procedure.data,
                      subject=form.subject.data, grade=form.grade.data, points=form.points.data,
                      tasks=form.tasks.data, by=user),
                  done=lambda saved: answer(_scale_notice(*saved), None,
                                            url_for("monitoring.scales")),
                  again=lambda status: render_view(
                      "monitoring/scales.html", form=form, scales=fisoko.scales(),
                      may_enter=may_enter, status=status, title="Шкалы отметок"))


def _scale_notice(scale, changed: int) -> str:
    return (f"{scale} сохранена: «3» от {scale.min_3}, «4» от {scale.min_4}, «5» от "
            f"{scale.min_5}; пересчитано результатов школ: {changed}.")


# --------------------------------------------------------------------------- identification


IDENTIFICATION_PAGE_SIZE = 50


def _only() -> str:
    only = text_arg("only")
    return only if only in ident.FILTERS else ""


def _identification_context(user, scope: policy.Territory) -> dict:
    """The page's figures and rows (computed once per state of the results, statuses and
    schools: ``services.monitoring.identification_page``) and what depends on the user: the
    approvals the user sees and whether the user may approve."""
    year, only = year_arg(), _only()
    data = ident.identification_page(
        scope.schools(), year=year if year and 2000 <= year <= 2100 else None,
        fallback_year=current_year() - 1, only=only, page=page_number(),
        per_page=IDENTIFICATION_PAGE_SIZE)
    approvals = svc.approval_lines(policy.scope_query(user, IdentificationApproval), data.year)
    if scope.municipality is not None:
        approvals = [a for a in approvals if a.municipality_id in (None, scope.municipality.id)]
    return {
        "scope": scope, "year": data.year, "page": data.page, "verdicts": data.verdicts,
        "all_count": data.all_count, "flagged": data.flagged, "rows_key": data.key,
        "approved_count": data.approved_count, "only": only,
        "args": {"year": data.year, **scope.args, **({"only": only} if only else {})},
        "years": data.years,
        "can_approve": policy.can(user, "create", IdentificationApproval, scope.place),
        "approvals": approvals,
    }


def _identification_rows_key(ctx, verdicts) -> tuple:
    """Everything ``monitoring/_identification_rows.html`` shows: what the page was computed
    for (its rows follow from it), or else the schools (id, name, the municipality when the
    scope is wider than one), each one's results of the year (the verdict and its reason follow
    from them) and whether the status is approved."""
    with_muni = ctx["scope"].municipality is None
    if ctx.get("rows_key") is not None:
        return (ctx["rows_key"], with_muni, request.script_root)
    return (ctx["year"], with_muni, request.script_root, tuple(
        (v.org.id, v.org.short_name,
         v.org.municipality.name if with_muni and v.org.municipality else None,
         v.has_status, tuple(v.verdict.procedures)) for v in verdicts))


@bp.app_template_global()
@pass_context
def identification_rows(ctx, verdicts):
    """The table rows of one page of the identification, from the fragment cache when the same
    page with the same results was shown before (a region's page of 50 schools is some 800
    procedure lines to lay out)."""
    template = ctx.environment.get_template("monitoring/_identification_rows.html")
    return fragment_cache("identification-rows").render(
        _identification_rows_key(ctx, verdicts),
        lambda csrf_token: template.render({**ctx.get_all(), "verdicts": verdicts,
                                            "csrf_token": csrf_token}))


@bp.app_template_global()
@pass_context
def approval_choices(ctx, flagged, chosen=Undefined):
    """The approval form's list of schools (a region's is a hundred and more): from the
    fragment cache while the page is the one computed for ``rows_key`` and nothing is chosen
    yet (every school ticked)."""
    chosen = None if isinstance(chosen, Undefined) else chosen
    template = ctx.environment.get_template("monitoring/_approval_choices.html")

    def render(csrf_token):
        return template.render({"flagged": flagged, "chosen": chosen})

    key = ctx.get("rows_key")
    if key is None or chosen is not None:
        return Markup(render(None))  # nosec B704: a rendered template (autoescaped)
    return fragment_cache("approval-choices").render(key, render)


def _identification_page(ctx: dict, form, *, status: int = 200, **extra):
    return render_view("monitoring/identification.html", "monitoring/_identification_body.html",
                       title="Выявление ШНОР", form=form, status=status, **ctx, **extra)


@bp.get("/identification")
@login_required
def identification():
    user = _user()
    ctx = _identification_context(user, _territory(user))
    return _identification_page(ctx, ApproveForm(formdata=None, order_date=today()))


@bp.get("/identification/export.xlsx")
@login_required
def identification_export():
    """Every school of the page's filter (not one page): the verdicts computed a chunk of
    schools at a time, rows written as they come."""
    user = _user()
    scope = _territory(user)
    ids = scope.school_ids()
    year = _year(ids)
    only = _only()
    flagged_ids = svc.flagged_school_ids(ids, year)
    approved_ids = svc.approved_school_ids(ids, year)
    stmt = ident.filtered(scope.schools(), only, flagged_ids, approved_ids)
    title = f"Выявление ШНОР: {scope.title}, результаты {year} года"
    data = svc.identification_xlsx(stmt, year, title=title)
    return send_download(data, f"identification-{year}.xlsx", "xlsx")


def _chosen_schools(ctx: dict) -> list[Organization]:
    """The ticked schools: only those the rule put on the scope's list can be approved."""
    flagged = {v.org.id for v in ctx["flagged"]}
    ids = [int(v) if v.isdigit() else None for v in request.form.getlist("org_id")]
    if any(i not in flagged for i in ids):
        abort(400)
    found = {o.id: o for o in db.session.scalars(
        select(Organization).where(Organization.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids]


@bp.post("/identification/approve")
@login_required
def approve():
    user = _user()
    scope = _territory(user)
    policy.require(user, "create", IdentificationApproval, scope.place)
    ctx = _identification_context(user, scope)
    chosen, form = _chosen_schools(ctx), ApproveForm()
    if request.form.get("confirmed") != "1" and chosen and form.validate_on_submit():
        # first the count and the order's requisites, to be confirmed: nothing is saved yet
        return _identification_page(ctx, form, chosen={o.id for o in chosen}, confirm=chosen,
                                    basis=fmt_order(OrderKind[form.order_kind.data],
                                                    form.order_number.data, form.order_date.data))
    return submit(form, lambda: svc.approve_list(
        chosen, year=ctx["year"], order_kind=OrderKind[form.order_kind.data],
        order_number=form.order_number.data, order_date=form.order_date.data, by=user,
        municipality=scope.municipality,
        region_id=scope.region_id or (chosen[0].region_id if chosen else 0)),
        done=lambda approval: answer(svc.describe_approval(approval) + ".", None, url_for(
            "monitoring.identification", year=ctx["year"], **scope.args)),
        again=lambda status: _identification_page(  # counted again: the refusal rolled back
            _identification_context(user, scope), form, status=status,
            chosen={o.id for o in chosen}))


# --------------------------------------------------------------------------- a school


def _school(org_id: int) -> Organization:
    return policy.school_or_404(_user(), org_id)


@bp.get("/schools/<int:org_id>")
@login_required
def school(org_id: int):
    user = _user()
    org = _school(org_id)
    year = year_arg() or current_year()
    lines = risks.profile(org, year)
    return render_view(
        "monitoring/school.html", title=f"Результаты: {org.short_name}", org=org,
        figures=dashboards.school_figures(org.id), year=year,
        risk_lines=[line for line in lines if line.risk is not None],
        statuses=db.session.scalars(select(SchoolStatusRecord).where(
            SchoolStatusRecord.organization_id == org.id,
            SchoolStatusRecord.deleted_at.is_(None)).order_by(
            SchoolStatusRecord.year.desc())).all(),
        can_edit_risks=policy.can_create(user, SchoolRisk, org))


@bp.get("/schools/<int:org_id>/card")
@login_required
def school_card(org_id: int):
    """The block on the registry's organisation page (loaded by htmx, or opened directly)."""
    org = _school(org_id)
    return render_view("monitoring/school_card_page.html", "monitoring/_school_card.html",
                       title=f"Результаты: {org.short_name}", org=org,
                       figures=dashboards.school_figures(org.id, years=3))


# --------------------------------------------------------------------------- risk profile


def _risk_context(user, org, year, **extra) -> dict:
    return {"org": org, "year": year, "levels": list(RiskLevel),
            "roadmaps": risks.school_roadmaps(org), "errors": {},
            "can_edit": policy.can_create(user, SchoolRisk, org), **extra}


def _risk_page(user, org, year, *, status: int = 200, line=None, errors=None):
    """The profile, or (htmx) the row of ``line``; ``errors``: factor id → message."""
    return render_view("monitoring/risks.html", "monitoring/_risk_row.html", status=status,
                       title=f"Рисковый профиль: {org.short_name}",
                       **_risk_context(user, org, year, lines=risks.profile(org, year),
                                       line=line, errors=errors or {}))


def _risk_line(org, year, factor):
    return next(x for x in risks.profile(org, year) if x.factor.id == factor.id)


def _programme_id(user, raw) -> int | None:
    """The roadmap a row names as its programme: one the user sees (the service checks that it
    is a school roadmap of the school)."""
    roadmap = policy.pick(user, Roadmap, raw, message=risks.PROGRAMME_ONLY)
    return roadmap.id if roadmap is not None else None


@bp.get("/schools/<int:org_id>/risks")
@login_required
def risk_profile(org_id: int):
    org = _school(org_id)
    return _risk_page(_user(), org, year_arg() or current_year())


@bp.post("/schools/<int:org_id>/risks/<int:factor_id>")
@login_required
def risk_set(org_id: int, factor_id: int):
    """One row of the profile: the level (empty takes the factor out), the programme (a school
    roadmap of the school), a note."""
    user = _user()
    org = _school(org_id)
    policy.require_create(user, SchoolRisk, org)
    factor = policy.get_or_404(user, RiskFactor, factor_id)
    year = year_arg() or current_year()
    form = RiskForm()
    return submit(form, lambda: risks.set_risk(
        org, year, factor, RiskLevel.coerce(form.level.data),
        roadmap_id=_programme_id(user, form.roadmap_id.data), note=form.note.data, by=user),
        done=lambda _: answer(f"Рисковый профиль сохранён: {factor.name}.", lambda: render_fragment(
            "monitoring/_risk_row.html", **_risk_context(
                user, org, year, line=_risk_line(org, year, factor))),
            url_for("monitoring.risk_profile", org_id=org.id, year=year)),
        again=lambda status: _risk_page(user, org, year, status=status,
                                        line=_risk_line(org, year, factor),
                                        errors={factor.id: " ".join(form_messages(form))}))


@bp.post("/risks/<int:risk_id>/programme")
@login_required
def risk_programme(risk_id: int):
    user, risk = record(SchoolRisk, risk_id, "edit")
    org = db.session.get(Organization, risk.organization_id)
    policy.require_create(user, Roadmap, org)
    form = Form()
    return submit(form, lambda: risks.create_programme(risk, by=user),
                  done=lambda rm: answer("Антирисковая программа создана: добавьте мероприятия.",
                                         None, url_for("roadmaps.show", roadmap_id=rm.id)),
                  again=lambda status: refuse(form, url_for(
                      "monitoring.risk_profile", org_id=org.id, year=risk.year)))


@bp.get("/risks")
@login_required
def risk_frequency():
    """Which risks are most frequent among the scope's ШНОР (by this year's status)."""
    user = _user()
    scope = _territory(user)
    year = year_arg() or current_year()
    low = select(SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.year == year, SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
        SchoolStatusRecord.deleted_at.is_(None),
        SchoolStatusRecord.organization_id.in_(scope.school_ids()))
    freq = risks.frequency(low, year)
    from ...services.charts import bar_chart

    chart = bar_chart([(f.factor.name, [("high", f.by_level.get(RiskLevel.HIGH, 0)),
                                        ("medium", f.by_level.get(RiskLevel.MEDIUM, 0)),
                                        ("low", f.by_level.get(RiskLevel.LOW, 0))])
                       for f in freq if f.schools], width=220)
    schools = db.session.scalars(scope.schools().where(Organization.id.in_(low))).all()
    return render_view("monitoring/risk_frequency.html", "monitoring/_risk_frequency_body.html",
                       title="Риски ШНОР", scope=scope, year=year, freq=freq, chart=chart,
                       schools=schools, levels=list(RiskLevel))


# --------------------------------------------------------------------------- indicators


_SORTS = ("name", "total")


def _scores_context(user, scope: policy.Territory) -> dict:
    muni = scope.municipality
    indicators = ind_svc.indicators_of(muni.id) if muni else []
    stmt = scope.schools()
    if muni is not None:  # an indicator system is a municipality's: its schools are scored
        stmt = stmt.where(Organization.municipality_id == muni.id)
    schools = db.session.scalars(stmt).all()
    year = year_arg() or _year([s.id for s in schools] or [-1])
    status_filter = text_arg("schools")
    if status_filter == "supported":
        supported = set(db.session.scalars(select(SchoolStatusRecord.organization_id).where(
            SchoolStatusRecord.organization_id.in_([s.id for s in schools] or [-1]),
            SchoolStatusRecord.year == year, SchoolStatusRecord.deleted_at.is_(None),
            SchoolStatusRecord.status.in_([SchoolStatus.LOW_RESULTS, SchoolStatus.RISK_ZONE,
                                           SchoolStatus.SOCIAL_RISK]))))
        schools = [s for s in schools if s.id in supported]
    sort = text_arg("sort", "total")
    if sort not in _SORTS and not (sort.isdigit() and any(str(i.id) == sort for i in indicators)):
        sort = "total"
    desc = request.args.get("dir", "desc" if sort != "name" else "asc") == "desc"
    rows = ind_svc.sort_rows(ind_svc.score_table(indicators, schools, year), sort, desc)
    return {"scope": scope, "muni": muni, "indicators": indicators, "rows": rows, "year": year,
            "sort": sort, "desc": desc, "schools_filter": status_filter,
            "max_total": sum(ind_svc.max_points(i) for i in indicators),
            "sources": ind_svc.sources(), "describe_scoring": ind_svc.describe_scoring,
            "describe_params": ind_svc.describe_params, "fmt_number": ind_svc.fmt_number,
            "can_edit": muni is not None and policy.can_create(user, Indicator, muni)}


@bp.get("/indicators")
@login_required
def indicators():
    user = _user()
    scope = _territory(user, default_municipality=True)
    return render_view("monitoring/indicators.html", "monitoring/_scores.html",
                       title="Показатели муниципальной системы", **_scores_context(user, scope))


@bp.get("/indicators/export.xlsx")
@login_required
def indicators_export():
    user = _user()
    scope = _territory(user, default_municipality=True)
    ctx = _scores_context(user, scope)
    title = f"Баллы школ по показателям: {scope.title}, {ctx['year']} год"
    return send_download(ind_svc.scores_xlsx(ctx["indicators"], ctx["rows"], title=title),
                         f"scores-{ctx['year']}.xlsx", "xlsx")


def _indicator_form(ind: Indicator | None = None) -> IndicatorForm:
    form = IndicatorForm() if request.method == "POST" else IndicatorForm(formdata=None)
    form.source.choices = [(k, s.label) for k, s in ind_svc.sources().items()]
    if request.method == "POST":
        return form
    if ind is None:
        form.bands.data = "до 5 — 3; 6–30 — 1; более 30 — 0"
        return form
    form.code.data, form.name.data, form.source.data = ind.code, ind.name, ind.source
    params = ind.params or {}
    form.procedure.data = params.get("procedure", "")
    form.subject.data = params.get("subject", "")
    form.grade.data = params.get("grade")
    form.scoring.data = ind.scoring.name
    form.bands.data = ind_svc.format_bands(ind.bands or [])
    dyn = {**ind_svc.DYNAMICS_DEFAULT, **(ind.dynamics or {})}
    form.dyn_positive.data, form.dyn_zero.data, form.dyn_negative.data = (
        dyn["positive"], dyn["zero"], dyn["negative"])
    return form


def _indicators_url(user, municipality_id: int) -> str:
    return url_for("monitoring.indicators",
                   **policy.territory(user, municipality_id=municipality_id).args)


def _indicator_view(user, ind: Indicator, muni: Municipality, *, is_new: bool):
    form = _indicator_form(None if is_new else ind)
    return submit(form, lambda: ind_svc.save_indicator(ind, dict(form.data), is_new=is_new,
                                                       by=user),
                  done=lambda ind: answer(f"Показатель {ind.code} сохранён, баллы пересчитаны.",
                                          None, _indicators_url(user, muni.id)),
                  again=lambda status: render_view(
                      "monitoring/indicator_form.html", form=form, ind=None if is_new else ind,
                      muni=muni, status=status, sources=ind_svc.sources(),
                      title="Новый показатель" if is_new else f"Показатель {ind.code}"))


@bp.route("/indicators/new", methods=["GET", "POST"])
@login_required
def indicator_new():
    user = _user()
    muni = _territory(user, default_municipality=True).municipality
    policy.require(muni is not None)
    policy.require_create(user, Indicator, muni)
    return _indicator_view(user, Indicator(municipality_id=muni.id), muni, is_new=True)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def indicator_edit(indicator_id: int):
    user, ind = record(Indicator, indicator_id, "edit")
    return _indicator_view(user, ind, db.session.get(Municipality, ind.municipality_id),
                           is_new=False)


@bp.post("/indicators/<int:indicator_id>/delete")
@login_required
def indicator_delete(indicator_id: int):
    return remove(Indicator, indicator_id, ind_svc.delete_indicator,
                  lambda ind: f"Показатель {ind.code} удалён (запись сохранена в истории).",
                  lambda ind: _indicators_url(_user(), ind.municipality_id))
