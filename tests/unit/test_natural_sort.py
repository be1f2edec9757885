"""Schools sorted as people read them: «СОШ № 3» before «СОШ № 12», in Python and in SQL."""
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import Organization
from shnor_app.text import natural_key

from tests.factories.core import make_municipality, make_org, make_region

NAMES = ["МБОУ СОШ № 12", "мбоу сош № 3", "МБОУ «СОШ №1»", "Гимназия № 2", "МБОУ СОШ № 3а",
         "ёлочка, детский сад № 10", "МБОУ СОШ № 100"]
EXPECTED = ["Гимназия № 2", "ёлочка, детский сад № 10", "МБОУ «СОШ №1»", "мбоу сош № 3",
            "МБОУ СОШ № 3а", "МБОУ СОШ № 12", "МБОУ СОШ № 100"]


def test_the_key_orders_numbers_by_value_and_ignores_case_quotes_and_yo():
    assert sorted(NAMES, key=natural_key) == EXPECTED
    assert natural_key("СОШ № 007") == natural_key("сош №7")
    assert natural_key(None) == ""


def test_the_database_orders_by_the_same_key_and_keeps_it_after_a_rename():
    muni = make_municipality(make_region())
    orgs = [make_org(muni, short_name=name) for name in NAMES]
    got = db.session.scalars(select(Organization.short_name).where(
        Organization.municipality_id == muni.id).order_by(Organization.sort_name)).all()
    assert got == EXPECTED
    orgs[0].short_name = "МБОУ СОШ № 2"
    db.session.commit()
    first_schools = db.session.scalars(select(Organization.short_name).where(
        Organization.municipality_id == muni.id, Organization.short_name.like("МБОУ СОШ%"))
        .order_by(Organization.sort_name)).all()
    assert first_schools == ["МБОУ СОШ № 2", "МБОУ СОШ № 3а", "МБОУ СОШ № 100"]
