"""Mentoring pages: the list of pairs, the pair form, the pair's card with its plan edited in
place (add, edit, tick, delete a step — each answers with its table row).

The pair form depends on what is chosen (the kind decides which people are asked for, the
school decides whose teachers are offered): htmx re-asks ``GET`` of the same form with the
values typed so far and swaps the form; without JavaScript the POST re-renders it the same way.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import or_, select

from ... import policy
from ...extensions import db
from ...models import (
    MentoringPair, MentoringStep, OrgKind, Organization, PairKind, PairStatus, Role,
    StaffMember, User, Visit,
)
from ...services import mentoring as svc
from ...formatting import today
from ...web import paginate, render_fragment, render_view, text_arg
from ...web import acting_user as _user, parse_int as _int
from . import bp
from .forms import PairForm, StepForm


# --------------------------------------------------------------------------- list


def _school_options(user, creatable: bool = False) -> list[Organization]:
    stmt = policy.scope_query(user, Organization).where(Organization.kind == OrgKind.SCHOOL)
    schools = db.session.scalars(stmt.order_by(Organization.short_name)).all()
    if creatable:
        schools = [s for s in schools if policy.can_create(user, MentoringPair, s)]
    return schools


@bp.get("/")
@login_required
def index():
    user = _user()
    kind = text_arg("kind")
    status = text_arg("status")
    school = _int(request.args.get("school"))
    stmt = policy.scope_query(user, MentoringPair)
    if kind in PairKind.__members__:
        stmt = stmt.where(MentoringPair.kind == PairKind[kind])
    if status in PairStatus.__members__:
        stmt = stmt.where(MentoringPair.status == PairStatus[status])
    if school:
        stmt = stmt.where(MentoringPair.mentee_org_id == school)
    page = paginate(stmt.order_by(MentoringPair.status, MentoringPair.start_date.desc(),
                                  MentoringPair.id.desc()))
    args = {k: v for k, v in {"kind": kind, "status": status, "school": school}.items() if v}
    return render_view(
        "mentoring/index.html", "mentoring/_list.html", title="Наставничество", page=page,
        progress=svc.plan_progress(p.id for p in page.items), kinds=PairKind,
        statuses=PairStatus, kind=kind, status_filter=status, school=school or "", args=args,
        schools=_school_options(user), can_create=policy.can_create(user, MentoringPair),
        period_label=svc.period_label)


# --------------------------------------------------------------------------- the pair form


def _org_choices(user, kinds=None, exclude=None) -> list[tuple[str, str]]:
    stmt = policy.scope_query(user, Organization)
    if kinds:
        stmt = stmt.where(Organization.kind.in_(kinds))
    orgs = db.session.scalars(stmt.order_by(Organization.kind != OrgKind.SCHOOL,
                                            Organization.short_name)).all()
    return [(str(o.id), o.short_name) for o in orgs if o.id != exclude]


def _staff_choices(org_id) -> list[tuple[str, str]]:
    if not org_id:
        return []
    rows = db.session.scalars(select(StaffMember).where(
        StaffMember.organization_id == org_id, StaffMember.deleted_at.is_(None))
        .order_by(StaffMember.full_name)).all()
    return [(str(s.id), f"{s.full_name} — {s.position}" + (f" ({s.subjects})" if s.subjects else ""))
            for s in rows]


def _curator_choices(user, school: Organization | None) -> list[tuple[str, str]]:
    conds = [User.id == user.id]
    if school is not None:
        conds.append((User.role == Role.METHODIST) & (User.municipality_id == school.municipality_id))
        conds.append((User.role == Role.REGION) & (User.region_id == school.region_id))
    users = db.session.scalars(select(User).where(or_(*conds), User.active.is_(True))
                               .order_by(User.full_name)).all()
    return [(str(u.id), f"{u.full_name} ({u.role.label.lower()})") for u in users
            if u.role not in (Role.VIEWER, Role.SCHOOL)]


def _kind_choices(user) -> list[tuple[str, str]]:
    kinds = list(PairKind)
    if user.role == Role.TUTOR:  # a tutor school mentors teachers and schools
        kinds = [PairKind.TEACHER, PairKind.SCHOOL]
    return [(k.name, k.label) for k in kinds]


def _setup_form(user, form: PairForm, pair: MentoringPair | None) -> None:
    blank = [("", "— выберите —")]
    form.kind.choices = _kind_choices(user)
    if form.kind.data not in dict(form.kind.choices):
        form.kind.data = form.kind.choices[0][0]
    schools = _school_options(user, creatable=True)
    if pair is not None and pair.mentee_org_id not in {s.id for s in schools}:
        schools = [pair.mentee_org] + schools
    form.mentee_org_id.choices = blank + [(str(s.id), s.short_name) for s in schools]
    school = next((s for s in schools if str(s.id) == form.mentee_org_id.data), None)
    school_id = school.id if school else None
    if user.role == Role.TUTOR:
        own = user.organization
        form.mentor_org_id.choices = [(str(own.id), own.short_name)]
        form.mentor_org_id.data = str(own.id)
    else:
        form.mentor_org_id.choices = blank + _org_choices(user, exclude=school_id)
    mentor_org_id = form.mentor_org_id.data if form.mentor_org_id.data in dict(
        form.mentor_org_id.choices) else None  # a typed-in id never opens another org's staff
    form.mentor_staff_id.choices = blank + _staff_choices(_int(mentor_org_id))
    form.mentee_staff_id.choices = blank + _staff_choices(school_id)
    form.curator_id.choices = blank + _curator_choices(user, school)
    if pair is not None and pair.curator_id and str(pair.curator_id) not in dict(form.curator_id.choices):
        form.curator_id.choices.append((str(pair.curator_id), pair.curator.full_name))


def _pick(model, value, choices):
    """The chosen object, only if it was among the offered choices (never a typed-in id)."""
    if not value or value not in dict(choices):
        return None
    return db.session.get(model, int(value))


def _pair_data(user, form: PairForm) -> svc.PairData:
    kind = PairKind[form.kind.data]
    curator = _pick(User, form.curator_id.data, form.curator_id.choices)
    mentor_org = _pick(Organization, form.mentor_org_id.data, form.mentor_org_id.choices)
    if kind == PairKind.MANAGEMENT and curator is not None:
        mentor_org = curator.organization or next(
            (db.session.get(Organization, i) for i in sorted(policy.responsible_org_ids(curator))),
            None)
    return svc.PairData(
        kind=kind, mentee_org=_pick(Organization, form.mentee_org_id.data,
                                    form.mentee_org_id.choices),
        mentor_org=mentor_org,
        mentor_staff=_pick(StaffMember, form.mentor_staff_id.data, form.mentor_staff_id.choices),
        mentee_staff=_pick(StaffMember, form.mentee_staff_id.data, form.mentee_staff_id.choices),
        curator=curator, goals=form.goals.data or "", start_date=form.start_date.data,
        end_date=form.end_date.data, status=PairStatus[form.status.data],
        result=form.result.data or "", note=form.note.data or "")


def _form_page(form, pair, status=200):
    title = "Изменить наставничество" if pair else "Новая пара наставничества"
    return render_view("mentoring/form.html", "mentoring/_form.html", form=form, pair=pair,
                       status=status, title=title, kinds=PairKind)


def _handle_form(user, pair: MentoringPair | None):
    if request.method == "GET":
        # htmx asks again with what was typed so far (kind or school changed): no saving.
        form = PairForm(formdata=request.args if request.args else None, obj=pair)
        if pair is None and not form.curator_id.data and user.role == Role.METHODIST:
            form.curator_id.data = str(user.id)
        if pair is not None and not request.args:
            for name in ("mentee_org_id", "mentor_org_id", "mentor_staff_id", "mentee_staff_id",
                         "curator_id"):
                value = getattr(pair, name)
                getattr(form, name).data = str(value) if value else ""
            form.kind.data, form.status.data = pair.kind.name, pair.status.name
        form.mentee_org_id.data = form.mentee_org_id.data or text_arg("school")
        _setup_form(user, form, pair)
        return _form_page(form, pair)
    form = PairForm()
    _setup_form(user, form, pair)
    if form.validate_on_submit():
        data = _pair_data(user, form)  # only offered choices are taken: all are in scope
        try:
            saved = svc.save_pair(pair, data, by=user)
        except svc.MentoringError as err:
            form.form_errors.append(str(err))
        else:
            flash("Наставничество сохранено." if pair else
                  "Пара наставничества создана. Добавьте шаги плана.", "success")
            return redirect(url_for("mentoring.show", pair_id=saved.id))
    return _form_page(form, pair, status=422)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, MentoringPair)
    return _handle_form(user, None)


@bp.route("/<int:pair_id>/edit", methods=["GET", "POST"])
@login_required
def edit(pair_id: int):
    user = _user()
    pair = policy.get_or_404(user, MentoringPair, pair_id)
    policy.require_edit(user, pair)
    return _handle_form(user, pair)


@bp.post("/<int:pair_id>/delete")
@login_required
def delete(pair_id: int):
    user = _user()
    pair = policy.get_or_404(user, MentoringPair, pair_id)
    policy.require_edit(user, pair)
    svc.delete_pair(pair)
    flash("Пара наставничества удалена (запись сохранена в истории).", "success")
    return redirect(url_for("mentoring.index"))


# --------------------------------------------------------------------------- the pair's card


def _step_ctx(user, pair, **extra) -> dict:
    return {"pair": pair, "today": today(), "can_edit": policy.can_edit(user, pair), **extra}


@bp.get("/<int:pair_id>")
@login_required
def show(pair_id: int):
    user = _user()
    pair = policy.get_or_404(user, MentoringPair, pair_id)
    steps = svc.steps_of(pair)
    visits = db.session.scalars(policy.scope_query(user, Visit).where(
        Visit.pair_id == pair.id).order_by(Visit.visit_date.desc())).all()
    team = []
    if pair.kind == PairKind.MANAGEMENT:
        team = db.session.scalars(select(StaffMember).where(
            StaffMember.organization_id == pair.mentee_org_id, StaffMember.management.is_(True),
            StaffMember.deleted_at.is_(None)).order_by(StaffMember.full_name)).all()
    return render_view(
        "mentoring/show.html", title=str(pair.kind.label), steps=steps, visits=visits, team=team,
        progress=svc.plan_progress([pair.id]).get(pair.id, svc.PlanProgress()),
        period=svc.period_label(pair), step_form=StepForm(formdata=None),
        can_log_visit=policy.can_create(user, Visit, pair.mentee_org),
        **_step_ctx(user, pair))


def _step_or_404(user, step_id: int, edit: bool = True) -> tuple[MentoringStep, MentoringPair]:
    step = policy.get_or_404(user, MentoringStep, step_id)
    if edit:
        policy.require_edit(user, step)
    return step, db.session.get(MentoringPair, step.pair_id)


def _step_row(user, step, pair, status=200, trigger=None):
    return render_fragment("mentoring/_step_row.html", step=step, status=status,
                           trigger=trigger, **_step_ctx(user, pair))


@bp.post("/<int:pair_id>/steps")
@login_required
def step_add(pair_id: int):
    user = _user()
    pair = policy.get_or_404(user, MentoringPair, pair_id)
    policy.require_create(user, MentoringStep, pair)
    form = StepForm()
    step = None
    if form.validate_on_submit():
        try:
            step = svc.add_step(pair, text=form.text.data, due_date=form.due_date.data,
                                done_on=form.done_on.data, note=form.note.data, by=user)
        except svc.MentoringError as err:
            form.form_errors.append(str(err))
    if not request.htmx:
        flash("Шаг добавлен в план." if step else " ".join(
            form.form_errors or [e for errs in form.errors.values() for e in errs]),
            "success" if step else "error")
        return redirect(url_for("mentoring.show", pair_id=pair.id))
    if step is None:
        return render_fragment("mentoring/_step_add_row.html", step_form=form, status=422,
                               **_step_ctx(user, pair))
    return render_fragment("mentoring/_step_added.html", step=step,
                           step_form=StepForm(formdata=None),
                           trigger={"notice": {"text": "Шаг добавлен в план."}},
                           **_step_ctx(user, pair))


@bp.get("/steps/<int:step_id>")
@login_required
def step_row(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id, edit=False)
    if request.htmx and not request.htmx.boosted:
        return _step_row(user, step, pair)
    return redirect(url_for("mentoring.show", pair_id=pair.id) + f"#step-{step.id}")


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
@login_required
def step_edit(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id)
    form = StepForm(obj=step) if request.method == "POST" else StepForm(formdata=None, obj=step)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                svc.update_step(step, text=form.text.data, due_date=form.due_date.data,
                                done_on=form.done_on.data, note=form.note.data)
            except svc.MentoringError as err:
                db.session.rollback()
                step = db.session.get(MentoringStep, step_id)
                form.form_errors.append(str(err))
            else:
                if request.htmx:
                    return _step_row(user, step, pair)
                flash("Шаг плана сохранён.", "success")
                return redirect(url_for("mentoring.show", pair_id=pair.id))
    return render_view("mentoring/step_page.html", "mentoring/_step_row_form.html", step=step,
                       form=form, status=status, title="Шаг плана наставничества",
                       **_step_ctx(user, pair))


@bp.post("/steps/<int:step_id>/done")
@login_required
def step_done(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id)
    done = request.form.get("done") == "1"
    svc.set_step_done(step, done)
    if request.htmx:
        return _step_row(user, step, pair, trigger={"notice": {
            "text": "Шаг отмечен выполненным." if done else "Отметка о выполнении снята."}})
    return redirect(url_for("mentoring.show", pair_id=pair.id))


@bp.post("/steps/<int:step_id>/delete")
@login_required
def step_delete(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id)
    svc.delete_step(step)
    if request.htmx:
        return render_fragment("mentoring/_step_deleted.html",
                               trigger={"notice": {"text": "Шаг удалён из плана."}})
    flash("Шаг удалён из плана.", "success")
    return redirect(url_for("mentoring.show", pair_id=pair.id))
