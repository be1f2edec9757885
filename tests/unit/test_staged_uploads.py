"""Staged uploads: an import file waits for its user between the preview and the confirmation."""
from datetime import timedelta

import pytest

from shnor_app.extensions import db
from shnor_app.models import StagedUpload, utcnow
from shnor_app.services import uploads


def test_a_staged_file_comes_back_whole_to_its_user_only(world):
    data = b"\xd0\x9f" * 600_000  # 1.2 MB, never posted back by the browser
    staged = uploads.stage(world.users["methodist"], "courses", "курсы.xlsx", data,
                           {"municipality": world.muni.id})
    db.session.expire_all()
    again = uploads.get_staged(world.users["methodist"], staged.id, "courses")
    assert again.data == data and again.size == len(data) and again.filename == "курсы.xlsx"
    assert again.params == {"municipality": world.muni.id}
    with pytest.raises(uploads.StagedUploadGone, match="загрузите его ещё раз"):
        uploads.get_staged(world.users["region"], staged.id, "courses")  # another user
    with pytest.raises(uploads.StagedUploadGone):
        uploads.get_staged(world.users["methodist"], staged.id, "roadmap")  # another import
    with pytest.raises(uploads.StagedUploadGone):
        uploads.get_staged(world.users["methodist"], "no-such-id", "courses")


def test_expired_files_are_refused_and_purged(world):
    user = world.users["methodist"]
    old = uploads.stage(user, "roadmap", "old.docx", b"old")
    old.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(uploads.StagedUploadGone):
        uploads.get_staged(user, old.id, "roadmap")
    fresh = uploads.stage(user, "roadmap", "new.docx", b"new")  # staging purges the old
    assert db.session.get(StagedUpload, old.id) is None
    assert uploads.staged_ids(user, "roadmap") == [fresh.id]
    uploads.discard(fresh)
    assert uploads.staged_ids(user, "roadmap") == []


@pytest.mark.parametrize("hostile", ["abc\x00def" * 4, "x" * 10_000, "=HYPERLINK(\"a\";\"b\")", "",
                                     None, "../../etc/passwd"])
def test_an_id_not_shaped_like_ours_is_gone_without_a_query(world, hostile):
    # PostgreSQL refuses a NUL byte in a text parameter: such an id must never reach it
    with pytest.raises(uploads.StagedUploadGone):
        uploads.get_staged(world.users["methodist"], hostile, "roadmap")
