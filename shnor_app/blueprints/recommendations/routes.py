"""Recommendations: the list of everything given to the schools in scope, and the row actions
a source page embeds (``recommendations/_block.html``): add, edit, delete, the school's report,
the reviewer's accept / return.

Row actions answer with the row (htmx) or redirect back to the source page (plain forms).
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import login_required
from sqlalchemy import case, func, or_, select

from ... import policy
from ...extensions import db
from ...formatting import today
from ...models import (
    NOT_CLOSED_STATUSES, OPEN_STATUSES, Organization, Recommendation, RecommendationStatus,
)
from ...services import recommendations as svc
from ...text import normalize_name
from ...web import (
    act, answer, in_place, int_arg, paginate, record, refusal, render_fragment,
    render_view, submit, text_arg, acting_user as _user,
)
from . import bp
from .forms import RecommendationForm, ReportForm, ReviewForm

# --------------------------------------------------------------------------- context


def _row_ctx(user, rec: Recommendation, *, listing: bool, source_obj=None, **extra) -> dict:
    source = svc.sources().get(rec.source_type)
    obj = source_obj if source_obj is not None else svc.source_object(rec)
    return {"rec": rec, "perms": svc.permissions(user, rec), "today": today(), "listing": listing,
            "source": source, "source_obj": obj,
            "own_school": policy.sees_own_school_only(user), **extra}


def _listing() -> bool:
    return (request.values.get("view") or "") == "list"


def _row(user, rec, *, status=200, trigger=None):
    return render_fragment("recommendations/_row.html", status=status, trigger=trigger,
                           **_row_ctx(user, rec, listing=_listing()))


def _back_url(rec: Recommendation) -> str:
    """Where a plain form goes after a change: the list, or the source's page."""
    if _listing():
        return url_for("recommendations.index")
    source = svc.sources().get(rec.source_type)
    obj = svc.source_object(rec)
    return source.url(obj) if source and obj is not None \
        else url_for("recommendations.show", rec_id=rec.id)


def _item_choices(org: Organization | None) -> list[tuple[str, str]]:
    choices = [("", "— не связана —")]
    if org is None:
        return choices
    for rm, item in svc.linkable_items(org):
        text = " ".join((item.text or "").split())
        label = f"{rm.year or ''} · {item.number or '—'} {text[:90]}{'…' if len(text) > 90 else ''}"
        choices.append((str(item.id), label.strip(" ·")))
    return choices


def _school_of(source_key: str, source_obj) -> Organization | None:
    return db.session.get(Organization, svc.source_for(source_key).school_of(source_obj) or 0)


def _form_row(user, *, form, rec=None, source_key=None, source_obj=None, status=200):
    org = rec.organization if rec is not None else _school_of(source_key, source_obj)
    form.roadmap_item_id.choices = _item_choices(org)
    return render_view("recommendations/row_page.html", "recommendations/_row_form.html",
                       fragment="recommendations/_row_form.html", status=status, form=form,
                       rec=rec, source_key=source_key, source_obj=source_obj,
                       listing=_listing(), org=org,
                       title="Рекомендация" if rec else "Новая рекомендация")


def _data(form: RecommendationForm) -> dict:
    return {"text": form.text.data, "responsible": form.responsible.data,
            "due_date": form.due_date.data, "roadmap_item_id": form.roadmap_item_id.data}


# --------------------------------------------------------------------------- list


def _filters() -> dict:
    return {"status": text_arg("status", "open"),
            "q": text_arg("q"),
            "kind": text_arg("kind"),
            "school": int_arg("school") or ""}


@bp.get("/")
@login_required
def index():
    user = _user()
    f = _filters()
    stmt = policy.scope_query(user, Recommendation).join(
        Organization, Organization.id == Recommendation.organization_id)
    now = today()
    if f["status"] == "open":
        stmt = stmt.where(Recommendation.status.in_(OPEN_STATUSES))
    elif f["status"] == "overdue":
        stmt = stmt.where(Recommendation.status.in_(NOT_CLOSED_STATUSES),
                          Recommendation.due_date < now)
    elif f["status"] in RecommendationStatus.__members__:
        stmt = stmt.where(Recommendation.status == RecommendationStatus[f["status"]])
    if f["kind"] in svc.sources():
        stmt = stmt.where(Recommendation.source_type == f["kind"])
    if f["school"]:  # a school card's link: the school's recommendations (foreign: 404)
        f["school"] = policy.get_or_404(user, Organization, f["school"]).id
        stmt = stmt.where(Recommendation.organization_id == f["school"])
    if f["q"]:
        like = f"%{normalize_name(f['q'])}%"
        stmt = stmt.where(or_(Organization.search_text.like(like),
                              Recommendation.search_text.like(like)))
    stmt = stmt.order_by(Recommendation.due_date.is_(None), Recommendation.due_date,
                         Recommendation.id)
    page = paginate(stmt)
    objs = svc.source_objects(page.items)
    rows = [_row_ctx(user, r, listing=True, source_obj=objs.get((r.source_type, r.source_id)))
            for r in page.items]
    args = {k: v for k, v in f.items() if v}
    own_school = policy.sees_own_school_only(user)
    return render_view("recommendations/index.html", "recommendations/_table.html",
                       title="Рекомендации школе" if own_school else "Рекомендации школам",
                       rows=rows, page=page, filters=f, args=args, own_school=own_school,
                       sources=svc.sources(), statuses=list(RecommendationStatus))


@bp.get("/<int:rec_id>")
@login_required
def show(rec_id: int):
    user, rec = record(Recommendation, rec_id)
    return in_place(lambda: _row(user, rec), lambda: render_view(
        "recommendations/show.html", title=str(rec), **_row_ctx(user, rec, listing=True)))


# --------------------------------------------------------------------------- text


def _form(org, rec=None) -> RecommendationForm:
    """The form with the roadmap items the school's recommendations may link to (the same list
    on GET and POST: an id outside it is refused)."""
    form = RecommendationForm(obj=rec) if request.method == "POST" else \
        RecommendationForm(formdata=None, obj=rec)
    form.roadmap_item_id.choices = _item_choices(org)
    if rec is not None and request.method == "GET":
        form.roadmap_item_id.data = str(rec.roadmap_item_id or "")
    return form


@bp.route("/new/<source_key>/<int:source_id>", methods=["GET", "POST"])
@login_required
def new(source_key: str, source_id: int):
    user = _user()
    source = svc.sources().get(source_key) or abort(404)
    obj = policy.get_or_404(user, source.model, source_id)
    policy.require_create(user, Recommendation, obj)
    form = _form(_school_of(source_key, obj))
    return submit(form, lambda: svc.add(source_key, obj, _data(form), by=user),
                  done=lambda rec: answer("Рекомендация добавлена.", lambda: _row(user, rec),
                                          source.url(obj)),
                  again=lambda status: _form_row(user, form=form, source_key=source_key,
                                                 source_obj=obj, status=status))


@bp.route("/<int:rec_id>/edit", methods=["GET", "POST"])
@login_required
def edit(rec_id: int):
    user, rec = record(Recommendation, rec_id)
    policy.require(user, "change_text", rec)
    form = _form(rec.organization, rec)
    return submit(form, lambda: svc.update(rec, _data(form), by=user),
                  done=lambda rec: answer("Рекомендация сохранена.", lambda: _row(user, rec),
                                          _back_url(rec)),
                  again=lambda status: _form_row(user, form=form, rec=rec, status=status))


@bp.post("/<int:rec_id>/delete")
@login_required
def delete(rec_id: int):
    user, rec = record(Recommendation, rec_id, "change_text")
    back = _back_url(rec)
    return act(lambda: svc.delete(rec, by=user),
               done=lambda _: answer("Рекомендация удалена (запись сохранена в истории).",
                                     lambda: render_fragment("recommendations/_row_deleted.html"),
                                     back),
               refused=refusal("Рекомендация не удалена", back))


# --------------------------------------------------------------------------- report & review


def _action_row(user, rec, *, action: str, form, status=200):
    return render_view("recommendations/row_page.html", "recommendations/_row_action.html",
                       fragment="recommendations/_row_action.html", status=status,
                       action=action, form=form,
                       title={"report": "Отчёт школы", "close": "Закрыть без отчёта"}.get(
                           action, "Вернуть на доработку"),
                       **_row_ctx(user, rec, listing=_listing()))


def _changed(user, rec, notice: str):
    """The row after a change of its status (htmx; the list's counters refresh on
    ``recommendations-changed``), or the notice and back to where the row is shown."""
    return answer(notice, lambda: _row(user, rec), _back_url(rec),
                  trigger={"recommendations-changed": True})


def _form_action(rec_id: int, *, action: str, allowed: str, form_cls, initial: dict, apply,
                 done: str):
    """GET: the form in place of the row. POST: apply it; the row, or the form with errors.
    ``allowed``: the policy's action on the recommendation."""
    user = _user()
    rec = policy.get_or_404(user, Recommendation, rec_id, allowed)
    form = form_cls() if request.method == "POST" else form_cls(formdata=None, **initial(rec))
    return submit(form, lambda: apply(rec, form, user),
                  done=lambda _: _changed(user, rec, done),
                  again=lambda status: _action_row(user, rec, action=action, form=form,
                                                   status=status))


@bp.route("/<int:rec_id>/report", methods=["GET", "POST"])
@login_required
def report(rec_id: int):
    return _form_action(
        rec_id, action="report", allowed="report", form_cls=ReportForm,
        initial=lambda rec: {"report_text": rec.report_text},
        apply=lambda rec, form, user: svc.report(rec, text=form.report_text.data, by=user),
        done="Отчёт по рекомендации отправлен на проверку.")


@bp.route("/<int:rec_id>/return", methods=["GET", "POST"])
@login_required
def return_(rec_id: int):
    return _form_action(
        rec_id, action="return", allowed="review", form_cls=ReviewForm,
        initial=lambda rec: {},
        apply=lambda rec, form, user: svc.return_(rec, by=user, comment=form.comment.data),
        done="Рекомендация возвращена школе на доработку.")


@bp.route("/<int:rec_id>/accept", methods=["GET", "POST"])
@login_required
def accept(rec_id: int):
    """Accept the school's report; one the school has not reported on is closed with a reason
    (GET: that form in place of the row)."""
    return _form_action(
        rec_id, action="close", allowed="review", form_cls=ReviewForm,
        initial=lambda rec: {},
        apply=lambda rec, form, user: svc.accept(rec, by=user, comment=form.comment.data),
        done="Рекомендация принята как выполненная.")


# --------------------------------------------------------------------------- start page


def home_panel(user, now):
    """Open and overdue recommendations for the start page, or None when there are none.

    «Open» is what the school still has to do (new or returned); a reported one waits for the
    reviewer and is listed for those who may accept it. Counted in one GROUP BY; the lists are
    the first ten of each, their sources loaded in one query per kind before the review check
    (which then finds them in the session instead of fetching each).
    """
    if not svc.sources():
        return None
    counts = {status: (int(n or 0), int(late or 0)) for status, n, late in db.session.execute(
        policy.scope_query(user, Recommendation, select(
            Recommendation.status, func.count(),
            func.count(case((Recommendation.due_date < now, 1)))))
        .where(Recommendation.status.in_(NOT_CLOSED_STATUSES))
        .group_by(Recommendation.status))}
    n_open = sum(counts.get(s, (0, 0))[0] for s in OPEN_STATUSES)
    n_reported = counts.get(RecommendationStatus.REPORTED, (0, 0))[0]
    n_overdue = sum(late for _, late in counts.values())
    if not (n_open or n_reported):
        return None
    base = policy.scope_query(user, Recommendation)
    open_recs = db.session.scalars(
        base.where(Recommendation.status.in_(OPEN_STATUSES))
        .order_by(Recommendation.due_date.is_(None), Recommendation.due_date,
                  Recommendation.id).limit(10)).all() if n_open else []
    reported = db.session.scalars(
        base.where(Recommendation.status == RecommendationStatus.REPORTED)
        .order_by(Recommendation.reported_at).limit(10)).all() if n_reported else []
    objs = svc.source_objects(list(open_recs) + list(reported))
    to_review = [r for r in reported if policy.can(user, "review", r)]
    return {"open": open_recs, "to_review": to_review, "n_open": n_open,
            "n_overdue": n_overdue, "n_reported": n_reported, "today": now,
            "own_school": policy.sees_own_school_only(user),
            "sources": svc.sources(), "objs": objs}
