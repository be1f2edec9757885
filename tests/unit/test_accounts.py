"""Account rules without a request: sessions that end when access changes."""
import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import Role, User
from shnor_app.services.auth import accounts

from tests.factories.core import make_municipality, make_region, make_user


@pytest.fixture
def scope():
    region = make_region()
    return region, make_municipality(region), make_municipality(region)


@pytest.mark.parametrize("change", ["role", "municipality", "region", "password", "active"])
def test_a_change_of_access_ends_sessions_even_after_an_autoflush(scope, change):
    region, muni, muni2 = scope
    user = make_user("methodist", municipality_id=muni.id)
    before = user.session_version
    if change == "role":
        user.role = Role.VIEWER
    elif change == "municipality":
        user.municipality_id = muni2.id
    elif change == "region":
        user.role, user.municipality_id, user.region_id = Role.REGION, None, region.id
    elif change == "password":
        user.set_password("совсем-другой-пароль")
    else:
        user.active = False
    # Any query autoflushes the change: the attribute history is empty afterwards.
    db.session.scalar(select(func.count()).select_from(User))
    db.session.commit()
    assert user.session_version == before + 1


def test_save_user_ends_sessions_when_the_role_changes_in_the_same_scope(scope):
    _, muni, _ = scope
    user = make_user("viewer", municipality_id=muni.id)
    before = user.session_version
    user.role = Role.METHODIST
    accounts.save_user(user)
    assert user.session_version == before + 1


def test_a_change_of_name_or_email_keeps_sessions(scope):
    _, muni, _ = scope
    user = make_user("methodist", municipality_id=muni.id)
    before = user.session_version
    user.full_name, user.email = "Другое Имя", "other@example.org"
    accounts.save_user(user)
    assert user.session_version == before
