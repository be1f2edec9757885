"""Every route of the application is in some access matrix: a new route without rules fails."""
import importlib
import pkgutil

import tests.security as security_pkg

EXEMPT = {"static"}


def _covered_endpoints() -> set[str]:
    covered = set()
    for info in pkgutil.iter_modules(security_pkg.__path__):
        if info.name.startswith("test_access_") and info.name != "test_access_coverage":
            module = importlib.import_module(f"tests.security.{info.name}")
            covered |= {case.endpoint for case in getattr(module, "CASES", [])}
    return covered


def test_every_endpoint_has_access_cases(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - EXEMPT
    missing = sorted(endpoints - _covered_endpoints())
    assert not missing, f"routes without access cases in tests/security/test_access_*.py: {missing}"
