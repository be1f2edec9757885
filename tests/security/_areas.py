"""The access matrix's modules as a source of a small world: each ``test_access_<area>.py``
builds the records of its area (its ``extra`` fixture) and lists a case — a URL and sample
form data — for every endpoint. Tests that go over the whole URL map (downloads, the fuzz
test) take their URLs and data from here instead of repeating them.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import tests.security as _security

AREAS = tuple(sorted(info.name.removeprefix("test_access_")
                     for info in pkgutil.iter_modules(_security.__path__)
                     if info.name.startswith("test_access_")
                     and info.name != "test_access_coverage"))


def module(area: str):
    return importlib.import_module(f"tests.security.test_access_{area}")


def cases(area: str):
    return module(area).CASES


def build_extra(area: str, request) -> dict:
    """The area's records (its access module's ``extra``), built for the running test; the
    fixtures it needs (``world``, ``rec_source``) are asked of pytest."""
    fixture = module(area).extra
    unwrap = getattr(fixture, "_get_wrapped_function", None)  # pytest ≥ 8.4 wraps fixtures
    fn = unwrap() if unwrap else fixture
    args = [request.getfixturevalue(name) for name in inspect.signature(fn).parameters]
    return fn(*args)
