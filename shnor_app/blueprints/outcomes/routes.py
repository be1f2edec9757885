"""The outcomes page, the schools behind each of its figures and its .xlsx.

The territory is ``policy.territory`` (the user's own, or the municipality a region user
picked; a foreign municipality is 404); the figures of a whole territory are for the
authorities and observers (``see_territory``), not for a school or a tutor (403). Every figure
is computed by ``services.outcomes`` from the territory's schools only.
"""
from __future__ import annotations

from flask import abort, render_template
from markupsafe import Markup
from flask_login import login_required

from ... import policy
from ...models import AssessmentResult
from ...services import outcomes as svc
from ...services.exports import filename
from ...formatting import today
from ...web import acting_user, int_arg, render_view, send_download, text_arg, year_arg
from . import bp


def _context():
    user = acting_user()
    policy.require(user, "see_territory", AssessmentResult)
    scope = policy.territory(user, municipality_id=int_arg("municipality"))
    result = svc.outcomes(scope.school_ids(), year_arg("cohort"))
    return scope, result


def _args(scope, result) -> dict:
    out = dict(scope.args)
    if result.cohort:
        out["cohort"] = result.cohort
    return out


@bp.get("/")
@login_required
def index():
    scope, result = _context()
    args = _args(scope, result)
    # the figures' HTML holds no per-user value (links only): kept with the cached figures
    key = (scope.title, tuple(sorted(args.items())))
    body = result.rendered.get(key)
    if body is None:
        html = render_template("outcomes/_body.html", scope=scope, r=result,
                               chart=svc.chart(result), args=args, svc=svc)
        # bandit B704: a rendered template (autoescaped), not user input
        body = result.rendered[key] = Markup(html)  # nosec B704
    return render_view("outcomes/index.html", "outcomes/_body_cached.html",
                       title="Итоги сопровождения", scope=scope, r=result, body=body, args=args)


@bp.get("/schools")
@login_required
def schools():
    """The schools behind one figure of the page (``set`` names it)."""
    scope, result = _context()
    key = text_arg("set", max_length=80)
    group = result.groups().get(key)
    exits = result.exit_sets() if group is None else {}
    if group is not None:
        label, ids = group.label, group.org_ids
    elif key in exits:
        label, ids = exits[key]
    else:
        abort(404)
    facts_rows = svc.school_rows(ids, result)
    return render_view("outcomes/schools.html", title=f"Школы: {label}", scope=scope, r=result,
                       label=label, rows=facts_rows, args=_args(scope, result), svc=svc)


@bp.get("/export.xlsx")
@login_required
def export():
    scope, result = _context()
    only = text_arg("table", max_length=40) or None
    if only is not None and only not in svc.TABLES:
        abort(404)
    title = f"Итоги сопровождения: {scope.title}"
    return send_download(svc.xlsx(result, title=title, only=only),
                         filename(f"outcomes-{only or 'all'}", "xlsx"), "xlsx")


# --------------------------------------------------------------------------- the school card


def _school(org_id: int):
    return policy.school_or_404(acting_user(), org_id)


@bp.get("/schools/<int:org_id>/blocks/<name>")
@login_required
def card_block(org_id: int, name: str):
    """One block of the school card (loaded by htmx when it comes into view, or a page)."""
    from ...services.outcomes import hub

    org = _school(org_id)
    found = hub.block(acting_user(), name, org, today())
    if found is None:
        abort(404)
    return render_view("outcomes/card_block_page.html", "outcomes/_card_block.html",
                       title=f"{found.title}: {org.short_name}", org=org, block=found)


@bp.get("/schools/<int:org_id>/trajectory")
@login_required
def trajectory(org_id: int):
    """The school's results and measures on one time axis, its indicator scores."""
    from ...services.outcomes import trajectory as tr

    org = _school(org_id)
    t = tr.facts(org, today())
    return render_view("outcomes/trajectory_page.html", "outcomes/_trajectory.html",
                       title=f"Траектория: {org.short_name}", org=org, t=t,
                       chart=None if t.empty else tr.chart(t), table=tr.table(t),
                       scores=tr.scores_chart(t))
