"""The visit form as the page posts it.

The form itself is plain data — :class:`shnor_app.services.visits.VisitForm`, parsed, validated
and saved by the service (plain data → validate → save). What the request adds is here: the
choices the user was offered (schools, visiting organisations, the school's mentoring pairs),
and the check that every id the form posts is one of them — a typed-in id of another school is
a message beside its field, never a saved visit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...models import MentoringPair, Organization
from ...services import visits as svc


@dataclass
class Choices:
    """What the form offers the user: schools, visiting organisations, and the mentoring pairs
    of a school (``pairs(school_id)``, the pairs the user sees)."""
    schools: list[Organization]
    visiting: list[Organization]
    pairs: Callable[[int | None], list[MentoringPair]]

    def school_id(self, raw) -> int | None:
        """The school ``raw`` names, if it is one of the offered schools."""
        ident = svc.to_int(raw)
        return ident if ident in {s.id for s in self.schools} else None


def check_choices(form: svc.VisitForm, offered: Choices) -> None:
    """Only what was offered may be saved: an id from elsewhere gets a message by its field."""
    if form.school_id and offered.school_id(form.school_id) is None:
        form.errors["school_id"] = "Эту школу вы выбрать не можете."
    if form.visiting_org_id and svc.to_int(form.visiting_org_id) not in {
            o.id for o in offered.visiting}:
        form.errors["visiting_org_id"] = "От имени этой организации вы посещения не записываете."
    if form.pair_id and not any(str(p.id) == form.pair_id
                                for p in offered.pairs(offered.school_id(form.school_id))):
        form.errors["pair_id"] = "Эта пара наставничества относится к другой школе."


class PostedVisit:
    """The posted visit form as :func:`shnor_app.web.submit` takes it: valid when the
    service's rules and the offered choices hold; its messages are the form's own."""

    def __init__(self, form: svc.VisitForm, offered: Choices):
        self.form, self.offered = form, offered

    @property
    def errors(self) -> dict[str, str]:
        return self.form.errors

    def validate_on_submit(self) -> bool:
        svc.validate(self.form)
        check_choices(self.form, self.offered)
        return not self.form.errors
