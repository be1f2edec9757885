"""Report pages: the list of issued reports, making one (choose kind, territory and period; see
the figures and edit the sections' texts; issue), an issued report with its versions, and its
files.

Making a report is one page: its parameters are a plain GET form, so the figures shown are
those of the address (the page can be reloaded or sent to a colleague); issuing is a POST that
carries the same parameters and the edited texts. A new version of an issued report starts from
that report: kind, territory and period are its own, only the figures are computed again.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import login_required

from ... import policy
from ...extensions import db
from ...models import IssuedReport, ReportKind
from ...services import reports as svc
from ...services.errors import ServiceError
from ...services.reports.content import TEXT_MAX, fmt_value
from ...web import (
    int_arg, listing, paginate, record, render_view, send_download, set_args, submit,
    text_arg, today, year_arg, acting_user as _user,
)
from . import bp

FILES = ("docx", "pdf", "xlsx")


@bp.get("/")
@login_required
def index():
    user = _user()
    policy.require(user, "see_reports", IssuedReport)
    stmt, f = listing(IssuedReport, kind=IssuedReport.kind)
    page = paginate(stmt.order_by(IssuedReport.issued_on.desc(), IssuedReport.id.desc()))
    return render_view("reports/index.html", "reports/_list.html", title="Отчёты", page=page,
                       kinds=ReportKind, kind=f["kind"], args=set_args(f),
                       can_create=policy.can_create(user, IssuedReport))


class Request:
    """What a report is asked for: kind, territory, period (from the query string, the posted
    form, or the previous version), and the messages of a refused issue."""

    def __init__(self, user, source, previous: IssuedReport | None):
        self.previous = previous
        self.errors: dict[str, str] = {}
        if previous is not None:
            self.kind = previous.kind
            self.territory = policy.territory(
                user, municipality_id=previous.municipality_id,
                school_id=previous.organization_id,
                region_id=previous.region_id if previous.municipality_id is None else None)
            self.period = svc.Period.of_dates(previous.period_start, previous.period_end)
            return
        kind = text_arg("kind", source=source)
        self.kind = ReportKind[kind] if kind in ReportKind.__members__ else None
        self.territory = policy.territory(user, municipality_id=int_arg("municipality", source),
                                          school_id=int_arg("school", source),
                                          region_id=int_arg("region", source))
        year = year_arg("year", source)
        quarter = int_arg("quarter", source)
        self.period = svc.Period(year, quarter if quarter in (1, 2, 3, 4) else None) \
            if year else None

    @property
    def complete(self) -> bool:
        return self.kind is not None and self.period is not None

    def validate_on_submit(self) -> bool:
        """(``web.submit``) a report to issue names its kind and year."""
        if not self.complete:
            self.errors["__all__"] = "Выберите вид отчёта и год."
        return self.complete

    def args(self) -> dict:
        if self.previous is not None:
            return {"previous": self.previous.id}
        out = {"kind": self.kind.name if self.kind else None, **self.territory.args,
               "year": self.period.year if self.period else None,
               "quarter": self.period.quarter if self.period else None}
        return {k: v for k, v in out.items() if v}


def _previous(user, source) -> IssuedReport | None:
    ident = int_arg("previous", source)
    if not ident:
        return None
    report = policy.get_or_404(user, IssuedReport, ident)
    policy.require(user, "regenerate", report)
    return report


def _page(user, req: Request, texts: dict | None = None, status: int = 200):
    data = None
    if req.complete:
        try:
            data = svc.compute(req.kind, user, req.territory, req.period)
        except ServiceError as err:
            req.errors.update(err.fields or {})
            req.errors.setdefault("__all__", str(err))
        else:
            if texts:
                data.with_texts(texts)
    return render_view("reports/new.html", None, status=status, title="Составить отчёт",
                       req=req, data=data, kinds=ReportKind, errors=req.errors,
                       fmt=fmt_value, text_max=TEXT_MAX,
                       years=range(today().year, today().year - 6, -1))


def _asked(source) -> tuple:
    """(the acting user, the report asked for by ``source``: the query string or the posted
    form) — 403 unless the user may make it for its territory."""
    user = _user()
    req = Request(user, source, _previous(user, source))
    policy.require(user, "create", IssuedReport, req.territory)
    return user, req


@bp.get("/new")
@login_required
def new():
    return _page(*_asked(request.args))


@bp.post("/new")
@login_required
def issue():
    user, req = _asked(request.form)
    texts = {k[len("text-"):]: v for k, v in request.form.items() if k.startswith("text-")}
    return submit(req, lambda: svc.issue(req.kind, user, req.territory, req.period, texts,
                                         previous=req.previous),
                  done=lambda report: redirect(url_for("reports.show", report_id=report.id)),
                  again=lambda status: _page(user, req, texts, status))


@bp.get("/<int:report_id>")
@login_required
def show(report_id: int):
    user, report = record(IssuedReport, report_id)
    return render_view("reports/show.html", None, title=str(report), report=report,
                       data=svc.content_of(report), versions=svc.versions(report), fmt=fmt_value,
                       can_regenerate=policy.can(user, "regenerate", report))


@bp.get("/<int:report_id>/file.<fmt>")
@login_required
def download(report_id: int, fmt: str):
    _, report = record(IssuedReport, report_id)
    if fmt not in FILES:
        abort(404)
    data = db.session.scalar(db.select(getattr(IssuedReport, fmt)).where(
        IssuedReport.id == report.id))
    stem = f"{report.kind.name.lower()}-{report.number}"
    if report.version > 1:
        stem += f"-v{report.version}"
    return send_download(data, f"{stem}-{report.issued_on:%Y-%m-%d}.{fmt}", fmt)
