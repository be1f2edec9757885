"""The suite's fixture snapshots (tests/snapshots.py) give every test the data the fixture
builds — the same rows, ids and files — and fall back to building when the database is not in
the state the snapshot was taken on."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import Organization, User
from tests import conftest, snapshots
from tests.factories.core import make_municipality, make_org, make_region, make_user


def _empty():
    db.session.remove()
    conftest._empty_all_tables()
    snapshots.tables_emptied()


def _counts():
    return (db.session.scalar(select(func.count()).select_from(Organization)),
            db.session.scalar(select(func.count()).select_from(User)))


def test_a_snapshot_gives_back_the_same_rows_objects_and_files(tmp_path):
    builds = []
    upload = Path(current_app.config["UPLOAD_DIR"])
    upload.mkdir(parents=True, exist_ok=True)

    @snapshots.snapshotted
    def data():
        builds.append(1)
        region = make_region()
        school = make_org(make_municipality(region), short_name="МБОУ СОШ № 7")
        user = make_user("school", organization_id=school.id)
        (upload / "snapshot-test.bin").write_bytes(b"\x00data")
        return {"school": school, "user_id": user.id, "pair": (school, user.login)}

    _empty()
    first = data()
    ids = (first["school"].id, first["user_id"])
    assert _counts() == (1, 1) and len(builds) == 1

    # The test changes everything; the next test gets it all back without building again.
    first["school"].short_name = "Изменено"
    db.session.commit()
    (upload / "snapshot-test.bin").unlink()
    _empty()
    again = data()
    assert len(builds) == 1
    assert (again["school"].id, again["user_id"]) == ids
    assert again["school"].short_name == "МБОУ СОШ № 7" and again["pair"][0] is again["school"]
    assert db.session.get(User, ids[1]).organization_id == ids[0]
    assert (upload / "snapshot-test.bin").read_bytes() == b"\x00data"
    assert _counts() == (1, 1)

    # New rows after a restore get fresh ids (no collision with the restored ones).
    other = make_org(region=db.session.get(Organization, ids[0]).region, short_name="Новая")
    assert other.id != ids[0]

    # Something written before the fixture: the state is unknown, so it builds for real.
    _empty()
    make_region("Посторонний регион")
    data()
    assert len(builds) == 2
