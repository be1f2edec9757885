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

import base64
import binascii

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from markupsafe import Markup, escape
from sqlalchemy import func, select

from ... import policy
from ...extensions import db
from ...formatting import fmt_order, today
from ...forms import Form
from ...models import (
    AssessmentResult, IdentificationApproval, Indicator, Municipality, OrderKind, Organization,
    RiskFactor, RiskLevel, Roadmap, SchoolRisk, SchoolStatus, SchoolStatusRecord,
)
from ...services.monitoring import dashboards, risks, assessments as svc, indicators as ind_svc
from ...services.monitoring.identification import fmt_share
from ...web import (
    answer, current_year, form_messages, int_arg, paginate, refuse, render_fragment, render_view,
    send_download, submit, text_arg, year_arg, acting_user as _user,
)
from . import bp
from .forms import ApproveForm, ImportForm, IndicatorForm, RiskForm


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


def _import_choices(user) -> list[tuple[str, str]]:
    return [(str(m.id), m.name) for m in db.session.scalars(policy.scope_query(
        user, Municipality, action="manage").order_by(Municipality.name))]


@bp.get("/import/template.xlsx")
@login_required
def template():
    return send_download(svc.template_xlsx(), "шаблон-результаты.xlsx", "xlsx",
                         fallback="assessment-results-template.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Step 1: choose the municipality and the file; step 2: preview with row errors (nothing
    saved); step 3: confirm → everything is saved, or nothing."""
    user = _user()
    policy.require(policy.can(user, "import_results", AssessmentResult))
    form = ImportForm()
    form.municipality_id.choices = _import_choices(user)
    policy.require(bool(form.municipality_id.choices))
    if request.method == "GET":
        return render_view("monitoring/import.html", form=form, title="Импорт результатов")
    status = 422
    if not form.validate_on_submit():
        return render_view("monitoring/import.html", form=form, status=status,
                           title="Импорт результатов")
    muni = db.session.get(Municipality, int(form.municipality_id.data))
    policy.require(user, "manage", muni)
    payload, filename = request.form.get("payload", ""), request.form.get("filename", "")
    data = None
    if payload:
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            form.form_errors.append("Данные предпросмотра повреждены — загрузите файл ещё раз.")
    elif form.file.data and getattr(form.file.data, "filename", ""):
        filename, data = form.file.data.filename, form.file.data.read()
    else:
        form.form_errors.append("Выберите файл .xlsx или .csv.")
    result = None
    if data is not None:
        confirm = request.form.get("confirm") == "1"
        try:
            result = svc.import_file(filename, data, municipality=muni, by=user,
                                     dry_run=not confirm)
        except svc.AssessmentError as err:
            form.form_errors.append(str(err))
    if result is None:
        return render_view("monitoring/import.html", form=form, status=status,
                           title="Импорт результатов")
    if result.saved:
        flash(f"Сохранено результатов: {result.imported} (новых {result.new_count}, "
              f"обновлено {result.update_count}).", "success")
        return redirect(url_for("monitoring.identification", year=max(
            r.year for r in result.rows), **policy.territory(user, municipality_id=muni.id).args))
    return render_view(
        "monitoring/import_preview.html", form=form, result=result, muni=muni,
        filename=filename, payload=base64.b64encode(data).decode("ascii"),
        status=200 if not result.errors else 422, title="Импорт: проверьте перед сохранением")


# --------------------------------------------------------------------------- identification


IDENTIFICATION_PAGE_SIZE = 50
IDENTIFICATION_FILTERS = ("flagged", "other", "approved")  # «only»: the verdict, or the status


def _only() -> str:
    only = text_arg("only")
    return only if only in IDENTIFICATION_FILTERS else ""


def _identified_stmt(scope: policy.Territory, only: str, flagged_ids: set[int],
                     approved_ids: set[int]):
    stmt = scope.schools()
    if only == "flagged":
        stmt = stmt.where(Organization.id.in_(flagged_ids or [-1]))
    elif only == "other":
        stmt = stmt.where(Organization.id.not_in(flagged_ids or [-1]))
    elif only == "approved":
        stmt = stmt.where(Organization.id.in_(approved_ids or [-1]))
    return stmt


def _identification_context(user, scope: policy.Territory) -> dict:
    """Counts over the whole scope (which schools the rule flags is decided in SQL from the
    results over the threshold), the verdicts of one page of schools, and every flagged
    school for the approval form."""
    ids = scope.school_ids()
    year = _year(ids)
    flagged_ids = svc.flagged_school_ids(ids, year)
    approved_ids = svc.approved_school_ids(ids, year)
    all_count = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    only = _only()
    page = paginate(_identified_stmt(scope, only, flagged_ids, approved_ids),
                    per_page=IDENTIFICATION_PAGE_SIZE)
    flagged_orgs = db.session.scalars(
        _identified_stmt(scope, "flagged", flagged_ids, approved_ids)).all() \
        if flagged_ids else []
    approvals = db.session.scalars(policy.scope_query(user, IdentificationApproval).where(
        IdentificationApproval.year == year).order_by(IdentificationApproval.id.desc())).all()
    if scope.municipality is not None:
        approvals = [a for a in approvals if a.municipality_id in (None, scope.municipality.id)]
    return {
        "scope": scope, "year": year, "page": page,
        "verdicts": svc.identification(page.items, year), "all_count": all_count,
        "flagged": [svc.FlaggedSchool(o, o.id in approved_ids) for o in flagged_orgs],
        "approved_count": len(approved_ids), "only": only,
        "args": {"year": year, **scope.args, **({"only": only} if only else {})},
        "years": svc.years_with_results(ids),
        "can_approve": policy.can(user, "create", IdentificationApproval, scope.place),
        "approvals": approvals, "describe_approval": svc.describe_approval,
    }


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
    stmt = _identified_stmt(scope, only, flagged_ids, approved_ids)
    title = f"Выявление ШНОР: {scope.title}, результаты {year} года"
    data = svc.identification_xlsx(stmt, year, title=title)
    return send_download(data, f"identification-{year}.xlsx", "xlsx")


def _chosen_schools(ctx: dict) -> list[Organization]:
    """The ticked schools: only those the rule put on the scope's list can be approved."""
    flagged = {v.org.id: v.org for v in ctx["flagged"]}
    chosen = [flagged.get(int(v)) if v.isdigit() else None for v in request.form.getlist("org_id")]
    if None in chosen:
        abort(400)
    return chosen


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
    org = policy.get_or_404(_user(), Organization, org_id)
    if not org.is_school:
        abort(404)
    return org


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
    user = _user()
    risk = policy.get_or_404(user, SchoolRisk, risk_id)
    policy.require_edit(user, risk)
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
    user = _user()
    ind = policy.get_or_404(user, Indicator, indicator_id)
    policy.require_edit(user, ind)
    return _indicator_view(user, ind, db.session.get(Municipality, ind.municipality_id),
                           is_new=False)


@bp.post("/indicators/<int:indicator_id>/delete")
@login_required
def indicator_delete(indicator_id: int):
    user = _user()
    ind = policy.get_or_404(user, Indicator, indicator_id)
    policy.require_edit(user, ind)
    ind_svc.delete_indicator(ind)
    return answer(f"Показатель {ind.code} удалён (запись сохранена в истории).", None,
                  _indicators_url(user, ind.municipality_id))
