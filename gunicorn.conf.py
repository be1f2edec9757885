"""Gunicorn settings of ШНОР: ``gunicorn -c gunicorn.conf.py wsgi:app`` (the bench uses it too).

Workers × threads are given on the command line (or ``GUNICORN_CMD_ARGS``); this file holds what
every deployment wants:

* ``gthread`` workers: pages wait on the database, threads overlap those waits.
* After a worker has loaded the application, everything it built at start-up (SQLAlchemy
  mappers, compiled templates, the URL map — hundreds of thousands of objects that live as long
  as the process) is moved out of the garbage collector's sight with ``gc.freeze()``. Without
  it every full collection walks them again: on a page of 120 roadmap rows that was a pause of
  100–200 ms every few requests (measured in-process: max 230 ms → 75 ms, median unchanged).
* No ``Server`` header: gunicorn names itself in every response and has no setting to stop it,
  so the header is taken out of the ones its responses start with (``Response.default_headers``;
  ``tests/security/test_gunicorn_banner.py`` serves a page through this file to check it still
  works after a gunicorn upgrade). Behind nginx, also set ``server_tokens off;``.
"""
import gc

from gunicorn.http import wsgi as _gunicorn_wsgi

worker_class = "gthread"

_default_headers = _gunicorn_wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _default_headers_without_server


def post_worker_init(worker):  # noqa: ARG001 — gunicorn's hook signature
    gc.collect()
    gc.freeze()
