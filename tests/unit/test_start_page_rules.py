"""Which blocks of the start page each user is shown (``policy/home.py``), and the model-level
rules that replaced role tests in the registry and roadmap views."""
from types import SimpleNamespace

import pytest

from shnor_app import policy
from shnor_app.models import Organization, Role, Roadmap


def _user(role: Role, *, municipality_id=None, organization_id=None, region_id=1):
    return SimpleNamespace(id=1, role=role, is_authenticated=True, municipality_id=municipality_id,
                           organization_id=organization_id, region_id=region_id,
                           effective_region_id=region_id,
                           effective_municipality_id=municipality_id)


USERS = {
    "admin": _user(Role.ADMIN, region_id=None),
    "region": _user(Role.REGION),
    "regional viewer": _user(Role.VIEWER),
    "municipal viewer": _user(Role.VIEWER, municipality_id=5),
    "methodist": _user(Role.METHODIST, municipality_id=5),
    "tutor": _user(Role.TUTOR, organization_id=7),
    "school": _user(Role.SCHOOL, organization_id=8),
    "school without org": _user(Role.SCHOOL),
}

SHOWN = {
    "admin": {"municipalities", "user_counts"},
    "region": {"supported_schools", "municipalities"},
    "regional viewer": {"supported_schools", "municipalities"},
    "municipal viewer": {"supported_schools"},
    "methodist": {"supported_schools"},
    "tutor": {"own_org", "supported_schools"},
    "school": {"own_org"},
    "school without org": set(),
}


@pytest.mark.parametrize("who", list(USERS))
def test_start_page_blocks(app, who):
    user = USERS[who]
    with app.test_request_context():
        shown = {b for b in policy.home.START_BLOCKS if policy.start_page_shows(user, b)}
    assert shown == SHOWN[who]


def test_nobody_unauthenticated_sees_a_block(app):
    anonymous = SimpleNamespace(is_authenticated=False)
    with app.test_request_context():
        assert not any(policy.start_page_shows(anonymous, b) for b in policy.home.START_BLOCKS)


@pytest.mark.parametrize("who, regional, unowned", [
    ("admin", True, True), ("region", True, False), ("regional viewer", False, False),
    ("methodist", False, False), ("tutor", False, False), ("school", False, False),
])
def test_regional_organisations_and_unowned_roadmaps(app, who, regional, unowned):
    user = USERS[who]
    with app.test_request_context():
        assert policy.can(user, "create_regional", Organization) is regional
        assert policy.can(user, "leave_unowned", Roadmap) is unowned
