"""Helpers every view uses: page-or-fragment rendering, the form round trip, pagination.

The shape of a route that changes something (plain data → validate → save), written once here
so that a route is a few lines and never handles a failed write itself::

    @bp.route("/<int:rec_id>/edit", methods=["GET", "POST"])
    @login_required
    def edit(rec_id):
        user, rec = record(Recommendation, rec_id, "change_text")
        form = RecommendationForm(obj=rec)
        return submit(form, lambda: svc.update(rec, form.data, by=user),
                      done=lambda rec: answer("Рекомендация сохранена.", row(rec), back(rec)),
                      again=lambda status: render_view(..., form=form, status=status))

- :func:`submit` — GET shows the form; POST validates it and calls the service; a
  ``ServiceError`` (the service has rolled back already) puts its messages beside the fields it
  names and shows the form again with what the user typed, status 422 — so does a record a
  form field names that the user may not choose (``policy.pick`` inside ``save``);
- :func:`answer` — after a change: the changed fragment for htmx (with the notice as an
  ``HX-Trigger`` event), or a flash message and a redirect for a plain form;
- :func:`navigate` — after a form that leads to another page: a flash and a full navigation;
- :func:`refuse` — the ``again`` of a form posted from another page (a button in a list, a row
  of a table) that has no page of its own: its messages flashed, back to that page;
- :func:`act` — a change asked for by a button (no form): the answer when it is done, or the
  service's refusal (:func:`refusal`: the message in the row's place, or flashed);
- :func:`render_view` / :func:`render_fragment` — the page, or only the fragment htmx asks for;
- :func:`record` / :func:`edited` — the first line of a route: the acting user and the record
  the URL names, looked up through the policy (or None for a form that adds one);
- :func:`remove` — a delete button (lookup, the service's delete, the answer);
- :func:`in_place` — a record's address that is also its row (the row for htmx, else the page);
- :func:`listing` / :func:`set_args` — a list's scoped query with its choice filters, and the
  filters that are set (the query string of its other pages).
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import unicodedata
import zlib
from functools import cache, lru_cache
from typing import Callable

from flask import current_app, g, make_response, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import func, select

from . import paging
from .extensions import db
from .formatting import (  # noqa: F401 - re-exported for views
    count_words, fmt_date, fmt_date_long, fmt_datetime, plural, today,
)
from .paging import Page


def wants_fragment() -> bool:
    """True for an htmx request that is not a boosted navigation or a history restore."""
    hx = request.htmx
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render_view(page: str, fragment: str | None = None, /, *, status: int = 200, trigger=None,
                **ctx):
    """Render the whole page, or only ``fragment`` when htmx asks for it.

    The page template includes the fragment, so both renderings come from the same markup.
    ``Vary: HX-Request`` keeps caches from mixing them up.
    """
    template = fragment if (fragment and wants_fragment()) else page
    resp = make_response(render_template(template, **ctx), status)
    resp.headers.add("Vary", "HX-Request")
    if trigger:
        import json

        resp.headers["HX-Trigger"] = trigger if isinstance(trigger, str) else json.dumps(trigger)
    return resp


def render_fragment(fragment: str, /, *, status: int = 200, trigger=None, **ctx):
    """Row actions answer with their fragment, always (they are only used by htmx)."""
    resp = make_response(render_template(fragment, **ctx), status)
    resp.headers.add("Vary", "HX-Request")
    if trigger:
        import json

        resp.headers["HX-Trigger"] = trigger if isinstance(trigger, str) else json.dumps(trigger)
    return resp


def form_errors(form, err, beside: str | None = None) -> None:
    """Put a ``ServiceError``'s messages on ``form``: each beside the field it names, the rest
    (or the whole message when it names no field) above the form — or beside the field
    ``beside`` (a login's password, a code).

    ``form`` is a WTForms form, or a plain form of the area's own (rows posted as lists, the
    visit form): an object with ``validate_on_submit()`` and ``errors``, a dict of messages
    keyed by input name, ``"__all__"`` for the one above the form.
    """
    fields = getattr(err, "fields", {}) or {}
    if not hasattr(form, "_fields"):
        form.errors.update(fields)
        if not fields:
            form.errors["__all__"] = str(err)
        return
    if beside is not None and not fields:
        fields = {beside: str(err)}
    placed = False
    for name, message in fields.items():
        if name in form._fields:
            form[name].errors = list(form[name].errors or []) + [message]
            placed = True
        else:
            form.form_errors.append(message)
            placed = True
    if not placed:
        form.form_errors.append(str(err))


def form_message(form) -> str:
    """Every message of ``form`` in one line (a form shown as a flash message, not again)."""
    return " ".join(dict.fromkeys(form_messages(form))) or "Проверьте поля формы."


def submit(form, save: Callable, *, done: Callable, again: Callable, beside: str | None = None,
           refused_status: Callable | None = None):
    """The form round trip: ``again(200)`` on GET; on POST ``save()`` when the form is valid,
    then ``done(result)``; otherwise — invalid, refused by the service, or naming a record the
    user may not choose — ``again(422)`` with the messages on the form and what the user typed
    kept. A refusal that names no field is shown beside the field ``beside`` when given (else
    above the form); ``refused_status(err)`` is the status of a refusal when it is not 422 (a
    refused login: 401, or 429 while it is locked)."""
    from .policy import NotAllowed
    from .services.errors import ServiceError

    if request.method == "GET":
        return again(200)
    if form.validate_on_submit():
        try:
            result = save()
        except (ServiceError, NotAllowed) as err:
            form_errors(form, err, beside)
            return again(refused_status(err) if refused_status else 422)
        return done(result)
    return again(422)


def answer(notice: str | None, fragment: Callable | None, redirect_to: str | None, *,
           trigger: dict | None = None, category: str = "success"):
    """After a change: for htmx, ``fragment()`` (a response) with ``notice`` as the ``notice``
    event of ``HX-Trigger`` (plus ``trigger``'s events); for a plain form, ``notice`` flashed
    and a redirect to ``redirect_to``."""
    from flask import flash, redirect

    if fragment is not None and request.htmx:
        resp = fragment()
        events = dict(trigger or {})
        if notice:
            events["notice"] = {"text": notice} if category == "success" else \
                {"text": notice, "kind": category}
        if events:
            import json

            resp.headers["HX-Trigger"] = json.dumps(events)
        return resp
    if notice:
        flash(notice, category)
    return redirect(redirect_to or request.referrer or url_for("home.index"))


def navigate(notice: str, url: str):
    """After a form that leads to another page: ``notice`` flashed and a redirect to ``url`` —
    for htmx a full navigation (``HX-Redirect``) rather than the next page swapped into the
    form's place."""
    from flask import Response, flash, redirect

    flash(notice, "success")
    if request.htmx:
        resp = Response(status=204)
        resp.headers["HX-Redirect"] = url
        return resp
    return redirect(url)


def form_messages(form) -> list[str]:
    """Every message of ``form``: those above it, then each field's."""
    return [*form.form_errors, *(m for f in form for m in f.errors)]


def refuse(form, redirect_to: str, *, fragment: Callable | None = None):
    """``again`` of a form posted from another page (a button in a list, a row of a table) that
    has no page of its own to show again: its messages flashed as errors, back to
    ``redirect_to``. With ``fragment``, htmx gets ``fragment()`` instead — the block the form
    lives in, shown again with the messages and what was typed."""
    from flask import flash, redirect

    if fragment is not None and request.htmx:
        return fragment()
    for message in form_messages(form):
        flash(message, "error")
    return redirect(redirect_to)


def refusal(title: str, redirect_to: str) -> Callable:
    """``refused`` of :func:`act` for a button in a row: htmx gets the message in the row's
    place (``errors/_message.html``, status 422, headed by ``title``); a plain form, the message
    flashed as an error and a redirect to ``redirect_to``."""
    def refused(message: str):
        if request.htmx:
            return render_fragment("errors/_message.html", status=422, title=title,
                                   message=message)
        return answer(message, None, redirect_to, category="error")

    return refused


def act(change: Callable, *, done: Callable, refused: Callable):
    """A change asked for by a button, with no form to show again (delete, hold, a status):
    ``done(result)``; or, when the service refuses (it has rolled back already),
    ``refused(message)`` — usually an :func:`answer` with ``category="error"``."""
    from .services.errors import ServiceError

    try:
        result = change()
    except ServiceError as err:
        return refused(str(err))
    return done(result)


def record(model: type, rec_id, action: str | None = None, *, adds: type | None = None):
    """(the acting user, the ``model`` record ``rec_id`` names) — the first line of a route
    about one record: 404 when the user does not see it; with ``action``, 403 when the user
    sees it but may not ``action`` it (``policy.get_or_404``); with ``adds``, 403 unless the
    user may create an ``adds`` record in it (a step of a plan, a status of a school)."""
    from . import policy

    user = acting_user()
    rec = policy.get_or_404(user, model, rec_id, action)
    if adds is not None:
        policy.require_create(user, adds, rec)
    return user, rec


def edited(model: type, rec_id, *, may_add: str = "create"):
    """(the acting user, the record a form edits) — the one ``rec_id`` names, which the user
    may edit (:func:`record`), or None for a new one once the user may ``may_add`` ``model``
    records at all (403 otherwise): the first line of a route that both adds and edits."""
    from . import policy

    if rec_id is not None:
        return record(model, rec_id, "edit")
    user = acting_user()
    policy.require(user, may_add, model)
    return user, None


def remove(model: type, rec_id, delete: Callable, notice, redirect_to, *,
           action: str = "edit", fragment: Callable | None = None):
    """A delete button: the record looked up for ``action`` (:func:`record`), ``delete(rec)``,
    then :func:`answer` — ``notice`` flashed and a redirect to ``redirect_to``, or for htmx
    ``fragment(rec)``, what takes the row's place. ``notice`` and ``redirect_to`` may be
    functions of the record: they are read before it is deleted (its name, the page it
    belonged to); ``fragment`` is called after, with the record as it was read."""
    _, rec = record(model, rec_id, action)
    notice = notice(rec) if callable(notice) else notice
    redirect_to = redirect_to(rec) if callable(redirect_to) else redirect_to
    delete(rec)
    return answer(notice, (lambda: fragment(rec)) if fragment else None, redirect_to)


def in_place(fragment: Callable, page):
    """A record's own address that also serves as its row: ``fragment()`` for htmx (the row in
    place, e.g. the «Отмена» of its form); otherwise ``page()`` — the page that shows it — or,
    when ``page`` is a URL, a redirect there."""
    from flask import redirect

    if wants_fragment():
        return fragment()
    return page() if callable(page) else redirect(page)


def listing(model: type, **columns):
    """The query of a list page and its choice filters: ``model``'s records the acting user
    sees (``policy.scope_query``), narrowed by each filter of the query string named in
    ``columns`` to the rows whose column equals it — an enum column takes the name of one of
    its members, any other column a number (an id). Returns (the query, the filters: name →
    value, "" for one absent or not valid — what the filter form shows again)."""
    from . import policy

    stmt, filters = policy.scope_query(acting_user(), model), {}
    for name, column in columns.items():
        members = getattr(column.type, "enum_class", None)
        if members is not None:
            value = text_arg(name)
            value = value if value in members.__members__ else ""
            chosen = members[value] if value else None
        else:
            value = chosen = int_arg(name) or ""
        if value:
            stmt = stmt.where(column == chosen)
        filters[name] = value
    return stmt, filters


def set_args(filters: dict) -> dict:
    """The filters that are set: the query string of the list's other pages."""
    return {name: value for name, value in filters.items() if value not in ("", None)}


def _page_number(page: int | None) -> int:
    return max(1, parse_int(page or request.args.get("page", 1)) or 1)


def page_number() -> int:
    """The page the request asks for (``?page=``; 1 when absent or not a number)."""
    return _page_number(None)


def paginate(stmt, page: int | None = None, per_page: int | None = None) -> Page:
    per_page = per_page or current_app.config.get("PAGE_SIZE", 25)
    page = _page_number(page)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(list(items), page, per_page, total or 0)


def page_of(items: list, per_page: int, page: int | None = None) -> Page:
    """One page of rows a report has already computed over its whole scope (a page number past
    the end shows the last page)."""
    return paging.page_of(items, per_page, _page_number(page))


_ID_SENTINEL = 987_654_321_012_345


class RowUrls:
    """``url_for`` for rows of long tables: the same URL, built once per render and endpoint.

    The integer arguments (the row's ids) are put into a URL built with placeholders, so a
    table of 120 rows with a dozen links each costs a dozen ``url_for`` calls, not 1 440 (at
    about 13 µs each, a third of the roadmap page's own time). Other arguments (``ctx="mine"``)
    are part of the cache key. One instance per template render (a context processor makes
    it), so the cache needs no lookup through ``flask.g`` on every call.
    """

    __slots__ = ("cache",)

    def __init__(self):
        self.cache: dict = {}

    def __call__(self, endpoint: str, **values) -> str:
        key = (endpoint, *[(k, v) if v.__class__ is not int else k for k, v in values.items()])
        entry = self.cache.get(key)
        if entry is None:
            ints = [k for k, v in values.items() if v.__class__ is int]
            marked = {k: _ID_SENTINEL + i for i, k in enumerate(ints)}
            entry = self.cache[key] = (url_for(endpoint, **{**values, **marked}),
                                       [(str(_ID_SENTINEL + i), k) for i, k in enumerate(ints)])
        url, marks = entry
        for mark, k in marks:
            url = url.replace(mark, str(values[k]))
        return url



@lru_cache(maxsize=256)
@cache
def enum_options(selected) -> Markup:
    """``<option>``s of every member of ``selected``'s enum (value: name, text: label), with
    ``selected`` selected — built once per member and process (labels are constants), not in a
    template loop in every row."""
    # bandit B704: the only dynamic text, the label, is escaped; names are Python identifiers
    return Markup("".join(  # nosec B704
        f'<option value="{m.name}"{" selected" if m is selected else ""}>{escape(m.label)}'
        "</option>" for m in type(selected)))


class FragmentCache:
    """Rendered fragments of long tables (roadmap rows), memoised per application and process.

    The key of an entry is *everything the fragment shows* (the caller builds it next to the
    template), so an entry cannot go stale: a changed record gives a new key, and the old entry
    ages out of the LRU. The one per-session value inside a fragment, the CSRF token, is rendered
    as a random marker and put back into the cached text on every use — a row rendered for one
    user never carries that user's token to another.
    """

    def __init__(self, maxsize: int, *, compressed: bool = False):
        """``maxsize`` entries; with ``compressed``, ``maxsize`` bytes of zlib-compressed HTML
        (whole tables: a 120-item roadmap is 350 KB of HTML, 25 KB compressed, 1 ms to
        inflate)."""
        from cachetools import LRUCache

        self.marker = "csrf-" + secrets.token_hex(16)
        self.compressed = compressed
        self._lru = LRUCache(maxsize=max(1, maxsize), getsizeof=len if compressed else None)
        self._lock = threading.Lock()
        self.enabled = maxsize > 0

    def render(self, key, render: Callable[[Callable[[], str]], str]) -> Markup:
        """``render(csrf_token)`` makes the fragment's HTML on a miss (a key of None: nothing
        is kept, the fragment is made for this request)."""
        token = _cached_csrf_token()
        if not self.enabled:
            # bandit B704: the text is a rendered template (autoescaped), not user input
            return Markup(render(lambda: token))  # nosec B704
        html = None
        if key is not None:
            with self._lock:
                html = self._lru.get(key)
            if html is not None and self.compressed:
                html = zlib.decompress(html).decode()
        if html is None:
            html = self._render_marked(render)
            if key is not None:
                kept = zlib.compress(html.encode(), 6) if self.compressed else html
                with self._lock:
                    if not self.compressed or len(kept) <= self._lru.maxsize:
                        self._lru[key] = kept
        # bandit B704: as above; the token is URL-safe base64 from Flask-WTF
        return Markup(html.replace(self.marker, token))  # nosec B704

    def _render_marked(self, render) -> str:
        """``render`` with this cache's marker for the token — also in the fragments cached
        inside this one (a kept roadmap table holds kept rows), which put back the request's
        token (``_cached_csrf_token``) and would bake it into the outer entry."""
        had = "_csrf_token_cached" in g
        saved = g.get("_csrf_token_cached")
        g._csrf_token_cached = self.marker
        try:
            return render(lambda: self.marker)
        finally:
            if had:
                g._csrf_token_cached = saved
            else:
                g.pop("_csrf_token_cached", None)

    def clear(self) -> None:
        with self._lock:
            self._lru.clear()


def fragment_cache(name: str, *, megabytes: str | None = None) -> FragmentCache:
    """The application's cache of one kind of fragment (``FRAGMENT_CACHE_SIZE`` entries; 0
    turns caching off). ``megabytes``: the setting that bounds it instead, in megabytes of
    compressed HTML (caches of whole tables)."""
    caches = current_app.extensions.setdefault("shnor_fragment_caches", {})
    cache = caches.get(name)
    if cache is None:
        if megabytes:
            made = FragmentCache(int(current_app.config.get(megabytes, 0) * 1024 * 1024),
                                 compressed=True)
        else:
            made = FragmentCache(current_app.config.get("FRAGMENT_CACHE_SIZE", 3000))
        cache = caches.setdefault(name, made)
    return cache


def _cached_csrf_token() -> str:
    """Flask-WTF's ``csrf_token()`` once per request: long tables call it in every row."""
    try:
        return g._csrf_token_cached
    except AttributeError:
        from flask_wtf.csrf import generate_csrf

        g._csrf_token_cached = generate_csrf()
        return g._csrf_token_cached


def acting_user():
    """The logged-in user object itself (not the proxy): services and audit keep it."""
    from flask_login import current_user

    return current_user._get_current_object()


def int_arg(name: str, source=None) -> int | None:
    """An integer from ``source`` (the query string when it is None or empty), or None when
    absent or not a number."""
    return parse_int((source or request.args).get(name, ""))


def current_year() -> int:
    return today().year


def audit_value(key: str, value, table: str | None = None) -> str:
    """One value of the change history as a person reads it (names cached for the request)."""
    from .services.audit import display_value

    cache = g.setdefault("audit_names", {})
    return display_value(key, value, table, cache)


def audit_table_label(table: str | None) -> str:
    from .services.audit import table_label

    return table_label(table)


def audit_table_choices(tables) -> list[tuple[str, str]]:
    """The journal's filter: each table under its Russian name, in the order of the names."""
    return sorted(((t, audit_table_label(t)) for t in tables), key=lambda c: c[1])


def register_template_helpers(app) -> None:
    from .services.identifiers import mask_date, mask_snils  # personal data as others see it

    app.jinja_env.filters.update(date=fmt_date, mask_snils=mask_snils, mask_date=mask_date,
                                 datetime=fmt_datetime, date_long=fmt_date_long)
    app.jinja_env.globals.update(
        plural=plural, count_words=count_words, current_year=current_year,
        enum_options=enum_options, audit_value=audit_value, table_label=audit_table_label,
        table_choices=audit_table_choices)
    # Flask-WTF puts its own csrf_token() into every render through a context processor; ours
    # comes later, so it wins: one token per request instead of one signature per table row.
    app.context_processor(lambda: {"csrf_token": _cached_csrf_token, "row_url": RowUrls()})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


# --------------------------------------------------------------------------- text and downloads

INT_MAX = 2**31 - 1  # the database's INTEGER: ids, years, counts


def parse_int(value) -> int | None:
    """A whole number of the database's range from a request value; None when it is absent,
    not a whole number, or too large for any id (it would overflow the query, not find
    nothing)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -INT_MAX <= number <= INT_MAX else None


YEARS = range(1900, 2101)  # a year a filter may ask for


def year_arg(name: str = "year", source=None) -> int | None:
    """A year of the query string (or of ``source``); None when absent or not a real year (a
    date cannot be made of it)."""
    year = int_arg(name, source)
    return year if year in YEARS else None



def text_arg(name: str, default: str = "", *, max_length: int = 200, source=None) -> str:
    """A text argument of the query string (or of ``source``) as every list's filter takes it:
    cleaned by the input rule (``clean_text``: no NUL or other control character reaches the
    database), stripped, and cut to ``max_length`` characters."""
    from .text import clean_text

    value = (request.args if source is None else source).get(name, default)
    return (clean_text(value) or "").strip()[:max_length]


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(filename: str) -> str:
    """A file name a browser may save as it is: no path, quotes, separators or control
    characters, at most 200 characters with the extension kept."""
    from .text import clean_text

    name = _UNSAFE_IN_NAME.sub("_", clean_text(filename or "").replace("\n", " ")).strip(" ._")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    stem = stem[:200 - len(ext) - 1] if ext else stem[:200]
    return (f"{stem}.{ext}" if ext else stem) or "download"


def _ascii_name(name: str) -> str:
    """The ASCII fallback of a file name for old clients (``download.xlsx`` when nothing of
    the stem is left)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    plain = _NOT_ASCII_NAME.sub("_", unicodedata.normalize("NFKD", stem)
                                .encode("ascii", "ignore").decode()).strip("_")
    if not plain.strip("_.-"):
        plain = "download"
    ext = _NOT_ASCII_NAME.sub("", ext)
    return f"{plain}.{ext}" if ext else plain


def send_download(data, filename: str, kind: str, *, fallback: str | None = None,
                  size: int | None = None):
    """A download: ``data`` (bytes; the path of a stored file, streamed with conditional and
    range requests; or an iterator of pieces, streamed as they come — ``size`` is then its
    length) as an attachment named ``filename``.

    ``kind`` is a format (``xlsx``, ``pdf``, ``docx``, ``json``, ``csv``, ``txt``) or a content
    type. The content type carries ``charset=utf-8`` once, for text; the name is made safe
    (:func:`download_name`) and sent both as an ASCII fallback (``fallback``, or the name's
    ASCII letters) and, when it is not ASCII, as RFC 5987 ``filename*`` in UTF-8; ``nosniff``
    keeps browsers from second-guessing the type.
    """
    from urllib.parse import quote

    from flask import send_file

    from .services.exports import MIMETYPES

    given = MIMETYPES.get(kind, kind)
    content_type = given.split(";")[0].strip().lower()
    if "charset=" in given.lower():  # a stored file's own type («text/csv; charset=windows-1251»)
        content_type = given.strip()
    elif content_type.startswith("text/") or content_type == "application/json":
        content_type += "; charset=utf-8"
    name = download_name(filename)
    ascii_name = _ascii_name(download_name(fallback) if fallback else name)
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
    if isinstance(data, (bytes, bytearray)):
        resp = make_response(bytes(data))
    elif isinstance(data, (str, os.PathLike)):  # a file on disk
        resp = send_file(data, mimetype=content_type.split(";")[0], max_age=0)
    else:  # pieces read while the answer is sent (a file kept in the database)
        from flask import Response

        resp = Response(data)
        if size is not None:
            resp.headers["Content-Length"] = str(size)
    resp.headers["Content-Type"] = content_type
    resp.headers["Content-Disposition"] = disposition
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def by_format(fmt: str, **makers) -> Callable:
    """What makes a document in ``fmt``, among ``makers`` (``pdf=…, xlsx=…``) — 404 for a
    format the address may not ask for."""
    from flask import abort

    maker = makers.get(fmt)
    if maker is None:
        abort(404)
    return maker


def export_download(data, fmt: str, stem: str):
    """An export made today: ``data`` as «<stem>-<date>.<fmt>» (``services.exports.filename``)."""
    from .services.exports import filename

    return send_download(data, filename(stem, fmt), fmt)
