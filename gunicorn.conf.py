"""Gunicorn settings of ШНОР: ``gunicorn -c gunicorn.conf.py wsgi:app`` (the bench uses it too).

Workers × threads are given on the command line (or ``GUNICORN_CMD_ARGS``); this file holds what
every deployment wants:

* ``gthread`` workers: pages wait on the database, threads overlap those waits.
* After a worker has loaded the application, everything it built at start-up (SQLAlchemy
  mappers, compiled templates, the URL map — hundreds of thousands of objects that live as long
  as the process) is moved out of the garbage collector's sight with ``gc.freeze()``. Without
  it every full collection walks them again: on a page of 120 roadmap rows that was a pause of
  100–200 ms every few requests (measured in-process: max 230 ms → 75 ms, median unchanged).
"""
import gc

worker_class = "gthread"


def post_worker_init(worker):  # noqa: ARG001 — gunicorn's hook signature
    gc.collect()
    gc.freeze()
