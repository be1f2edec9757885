"""Attached documents: a file follows the record it is attached to.

A record carries files when its rule has an ``attach`` action (who may add them); a file is seen
by whoever sees its record, and removed by whoever edits the record — or by the one who uploaded
it while they may still attach to that record (a school's documents to its appointment close
with the interview's day).
"""
from __future__ import annotations

from ..models import Attachment
from .core import MY_ID, Pred, rules, same


class _OwnerMay(Pred):
    """The record the file is attached to answers ``action`` (Python only: files are listed
    per record, never across records)."""

    def __init__(self, action: str):
        self.action = action

    def check(self, user, att) -> bool:
        from . import attachment_owner, can

        owner = attachment_owner(att)
        return owner is not None and can(user, self.action, owner)


UPLOADER = same(Attachment.uploaded_by_id, MY_ID)

rules(Attachment,
      view=_OwnerMay("view"),
      edit=(UPLOADER & _OwnerMay("attach")) | _OwnerMay("edit"))
