"""Mentoring pages: the list of pairs, the pair form, the pair's card with its plan edited in
place (add, edit, tick, delete a step — each answers with its table row).

The pair form depends on what is chosen (the kind decides which people are asked for, the
school decides whose teachers are offered): htmx re-asks ``GET`` of the same form with the
values typed so far and swaps the form; without JavaScript the POST re-renders it the same way.
"""
from __future__ import annotations

from flask import request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...formatting import today
from ...models import (
    MentoringPair, MentoringStep, Organization, OrgKind, PairKind, PairStatus, StaffMember, User,
    Visit,
)
from ...services import mentoring as svc
from ...web import (
    answer, edited, in_place, listing, paginate, record, remove, render_fragment,
    render_view, set_args, submit, text_arg, acting_user as _user,
)
from . import bp
from .forms import PairForm, StepForm

# --------------------------------------------------------------------------- list


def _school_options(user, creatable: bool = False) -> list[Organization]:
    stmt = policy.scope_query(user, Organization).where(Organization.kind == OrgKind.SCHOOL)
    schools = db.session.scalars(stmt.order_by(Organization.sort_name)).all()
    if creatable:
        schools = [s for s in schools if policy.can_create(user, MentoringPair, s)]
    return schools


@bp.get("/")
@login_required
def index():
    user = _user()
    stmt, f = listing(MentoringPair, kind=MentoringPair.kind, status=MentoringPair.status,
                      school=MentoringPair.mentee_org_id)
    page = paginate(stmt.order_by(MentoringPair.status, MentoringPair.start_date.desc(),
                                  MentoringPair.id.desc()))
    return render_view(
        "mentoring/index.html", "mentoring/_list.html", title="Наставничество", page=page,
        progress=svc.plan_progress(p.id for p in page.items), kinds=PairKind,
        statuses=PairStatus, kind=f["kind"], status_filter=f["status"], school=f["school"],
        args=set_args(f), schools=_school_options(user),
        can_create=policy.can_create(user, MentoringPair),
        period_label=svc.period_label)


# --------------------------------------------------------------------------- the pair form


def _org_choices(user, kinds=None, exclude=None) -> list[tuple[str, str]]:
    stmt = policy.scope_query(user, Organization)
    if kinds:
        stmt = stmt.where(Organization.kind.in_(kinds))
    orgs = db.session.scalars(stmt.order_by(Organization.kind != OrgKind.SCHOOL,
                                            Organization.sort_name)).all()
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
    users = db.session.scalars(policy.mentoring.curators(user, school)).all()
    return [(str(u.id), f"{u.full_name} ({u.role.label.lower()})") for u in users]


def _kind_choices(user) -> list[tuple[str, str]]:
    curator = policy.can(user, "appoint_curator", MentoringPair)
    return [(k.name, k.label) for k in PairKind if curator or k != PairKind.MANAGEMENT]


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
    if policy.can(user, "choose_mentor_org", MentoringPair):
        form.mentor_org_id.choices = blank + _org_choices(user, exclude=school_id)
    else:  # a tutor mentors in its own name
        own = user.organization
        form.mentor_org_id.choices = [(str(own.id), own.short_name)]
        form.mentor_org_id.data = str(own.id)
    mentor_org_id = int(form.mentor_org_id.data) if form.mentor_org_id.data and \
        form.mentor_org_id.data in dict(form.mentor_org_id.choices) else None  # never a typed-in id
    form.mentor_staff_id.choices = blank + _staff_choices(mentor_org_id)
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


def _pair_form(user, pair: MentoringPair | None) -> PairForm:
    """The pair form with the choices the user has (the same on GET and POST): on POST what was
    posted; on GET what htmx re-asks with (the kind or the school just changed), or the pair."""
    if request.method == "POST":
        form = PairForm()
    else:
        form = PairForm(formdata=request.args if request.args else None, obj=pair)
        if pair is None and not form.curator_id.data and policy.can(user, "curate", MentoringPair):
            form.curator_id.data = str(user.id)
        if pair is not None and not request.args:
            for name in ("mentee_org_id", "mentor_org_id", "mentor_staff_id", "mentee_staff_id",
                         "curator_id"):
                value = getattr(pair, name)
                getattr(form, name).data = str(value) if value else ""
            form.kind.data, form.status.data = pair.kind.name, pair.status.name
        form.mentee_org_id.data = form.mentee_org_id.data or text_arg("school")
    _setup_form(user, form, pair)
    return form


def _handle_form(user, pair: MentoringPair | None):
    """GET shows the form (htmx re-asks it as it is filled in: nothing is saved); POST saves
    what was chosen — only offered choices are taken, so all are in scope."""
    form = _pair_form(user, pair)
    done = "Наставничество сохранено." if pair else \
        "Пара наставничества создана. Добавьте шаги плана."
    return submit(form, lambda: svc.save_pair(pair, _pair_data(user, form), by=user),
                  done=lambda saved: answer(done, None, _card(saved)),
                  again=lambda status: render_view(
                      "mentoring/form.html", "mentoring/_form.html", form=form, pair=pair,
                      status=status, kinds=PairKind,
                      title="Изменить наставничество" if pair else "Новая пара наставничества"))


def _card(pair: MentoringPair, anchor: str = "") -> str:
    return url_for("mentoring.show", pair_id=pair.id) + anchor


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/<int:pair_id>/edit", methods=["GET", "POST"])
@login_required
def edit(pair_id: int | None = None):
    return _handle_form(*edited(MentoringPair, pair_id))


@bp.post("/<int:pair_id>/delete")
@login_required
def delete(pair_id: int):
    return remove(MentoringPair, pair_id, svc.delete_pair,
                  "Пара наставничества удалена (запись сохранена в истории).",
                  url_for("mentoring.index"))


# --------------------------------------------------------------------------- the pair's card


def _step_ctx(user, pair, **extra) -> dict:
    return {"pair": pair, "today": today(), "can_edit": policy.can_edit(user, pair), **extra}


def _card_page(user, pair: MentoringPair, *, step_form=None, status=200):
    """The pair's card; to htmx, the row that adds a step (its form, with errors at 422)."""
    steps = svc.steps_of(pair)
    visits = db.session.scalars(policy.scope_query(user, Visit).where(
        Visit.pair_id == pair.id).order_by(Visit.visit_date.desc())).all()
    team = []
    if pair.kind == PairKind.MANAGEMENT:
        team = db.session.scalars(select(StaffMember).where(
            StaffMember.organization_id == pair.mentee_org_id, StaffMember.management.is_(True),
            StaffMember.deleted_at.is_(None)).order_by(StaffMember.full_name)).all()
    return render_view(
        "mentoring/show.html", "mentoring/_step_add_row.html", status=status,
        title=str(pair.kind.label), steps=steps, visits=visits, team=team,
        progress=svc.plan_progress([pair.id]).get(pair.id, svc.PlanProgress()),
        period=svc.period_label(pair), step_form=step_form or StepForm(formdata=None),
        can_log_visit=policy.can_create(user, Visit, pair.mentee_org),
        **_step_ctx(user, pair))


@bp.get("/<int:pair_id>")
@login_required
def show(pair_id: int):
    return _card_page(*record(MentoringPair, pair_id))


def _step_or_404(user, step_id: int, action: str | None = "edit"
                 ) -> tuple[MentoringStep, MentoringPair]:
    step = policy.get_or_404(user, MentoringStep, step_id, action)
    return step, db.session.get(MentoringPair, step.pair_id)


def _step_row(user, step, pair):
    return render_fragment("mentoring/_step_row.html", step=step, **_step_ctx(user, pair))


def _step_data(form: StepForm) -> dict:
    return {"text": form.text.data, "due_date": form.due_date.data, "done_on": form.done_on.data,
            "note": form.note.data}


@bp.post("/<int:pair_id>/steps")
@login_required
def step_add(pair_id: int):
    user, pair = record(MentoringPair, pair_id, adds=MentoringStep)
    form = StepForm()
    return submit(form, lambda: svc.add_step(pair, **_step_data(form), by=user),
                  done=lambda step: answer("Шаг добавлен в план.", lambda: render_fragment(
                      "mentoring/_step_added.html", step=step, step_form=StepForm(formdata=None),
                      **_step_ctx(user, pair)), _card(pair)),
                  again=lambda status: _card_page(user, pair, step_form=form, status=status))


@bp.get("/steps/<int:step_id>")
@login_required
def step_row(step_id: int):
    """The step's row (htmx, e.g. «Отмена» of its form); the pair's card otherwise."""
    user = _user()
    step, pair = _step_or_404(user, step_id, None)
    return in_place(lambda: _step_row(user, step, pair), _card(pair, f"#step-{step.id}"))


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
@login_required
def step_edit(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id)
    form = StepForm(obj=step) if request.method == "POST" else StepForm(formdata=None, obj=step)
    return submit(form, lambda: svc.update_step(step, **_step_data(form)),
                  done=lambda step: answer("Шаг плана сохранён.",
                                           lambda: _step_row(user, step, pair), _card(pair)),
                  again=lambda status: render_view(
                      "mentoring/step_page.html", "mentoring/_step_row_form.html", step=step,
                      form=form, status=status, title="Шаг плана наставничества",
                      **_step_ctx(user, pair)))


@bp.post("/steps/<int:step_id>/done")
@login_required
def step_done(step_id: int):
    user = _user()
    step, pair = _step_or_404(user, step_id)
    done = request.form.get("done") == "1"
    svc.set_step_done(step, done)
    return answer("Шаг отмечен выполненным." if done else "Отметка о выполнении снята.",
                  lambda: _step_row(user, step, pair), _card(pair, f"#step-{step.id}"))


@bp.post("/steps/<int:step_id>/delete")
@login_required
def step_delete(step_id: int):
    return remove(MentoringStep, step_id, svc.delete_step, "Шаг удалён из плана.",
                  lambda step: _card(db.session.get(MentoringPair, step.pair_id)),
                  fragment=lambda _: render_fragment("mentoring/_step_deleted.html"))
