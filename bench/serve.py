"""WSGI entry point of the bench server: ``gunicorn bench.serve:app``.

The real application (``create_app()`` with the environment's DATABASE_URL, as ``wsgi.py``)
at ``/``, and the floor page (bench/floor.py) at ``FLOOR_PREFIX``, in the same processes.
"""
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from shnor_app import create_app

from .floor import floor_app

FLOOR_PREFIX = "/__bench_floor"

application = create_app()
app = DispatcherMiddleware(application, {FLOOR_PREFIX: floor_app})
