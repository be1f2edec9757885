"""Role × action for the second factor: the login's code steps and the profile page, and the
administrator's reset (the login, password and user pages are in test_access_registry.py)."""
import pytest

from tests.security.access import Case, matrix_test

ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
# admin and region have a second factor already (the world's users are set up): the set-up
# page sends them to the profile page.
SET_UP = {"admin": 302, "region": 302, "methodist": 200, "tutor": 200, "school": 200,
          "viewer": 200}

CASES = [
    # Without a half-finished login these steps send everybody back to the login form.
    Case("auth.login_code", "GET", lambda w, e: "/login/code", {}, default=302),
    Case("auth.login_setup", "GET", lambda w, e: "/login/setup", {}, default=302),
    Case("auth.two_factor", "GET", lambda w, e: "/account/two-factor", ALL),
    Case("auth.two_factor_setup", "GET", lambda w, e: "/account/two-factor/setup", SET_UP),
    # No password given: refused with the form's message, nothing changes.
    Case("auth.two_factor_recovery_codes", "POST",
         lambda w, e: "/account/two-factor/recovery-codes", {}, default=422),
    Case("auth.two_factor_off", "POST", lambda w, e: "/account/two-factor/off", {}, default=422),
    Case("admin.user_reset_two_factor", "POST",
         lambda w, e: f"/admin/users/{w.users['region'].id}/reset-two-factor", {"admin": 302},
         default=403),
]


@pytest.fixture
def extra():
    return {}


test_access = matrix_test(CASES)
