"""The language the rules are written in: predicates that are both a Python check and SQL.

A rule about who sees a record has to be answered twice — for one object (``can(user, "view",
obj)``, a card, a form) and for a whole list (``scope_query(user, Model)``, a WHERE clause).
Written twice, the two drift apart. Here a rule is written once, as a :class:`Pred` built from a
few parts, and the part answers both questions:

- :func:`role` / :func:`user_is` — a condition on the user alone (a constant in SQL);
- :func:`same` — a column of the record equals something of the user (``MY_REGION``…);
- :func:`among` — a column of the record is in a set of ids computed for the user;
- :func:`within` — the record points (by a foreign key) to a record of another model that the
  user may see (or act on): the parent's own rule is used, in Python and as a sub-select;
- :func:`via` — the record points to a record that meets a predicate written on that record's
  own columns (a meeting's authority that the user manages);
- :func:`null` — a column is empty; :func:`test` — a check on the object in Python only, for
  rules that are never asked of a list (the status of a held protocol, say).

Predicates combine with ``|``, ``&`` and ``~``. A rule for a model (:class:`Rule`) names its
actions: ``view`` (the one lists use — it must have an SQL form), ``edit``, ``create`` (asked with
the parent record the new one goes into, or ``None`` for "may create these at all") and any
others the area needs («report», «review», «record»…). ``Rule.join`` adds the tables a view
clause reads (kept for the lists that order by the joined organisation's name).

Objects loaded by the rules are kept until the end of the request (:func:`get`): a status change
that asks three rules about one roadmap reads it once. A rule may name the parents its checks
read (``rules(Item, load=lambda: [joinedload(Item.roadmap)], …)``): the record and its parent
then come in one query instead of two.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, ClassVar

from flask import g, has_app_context, has_request_context
from sqlalchemy import and_, false, not_, or_, true

from ..extensions import load_by_id
from ..models import Role

Check = Callable[[Any, Any], bool]


def get(model, ident):
    """``db.session.get`` (:func:`extensions.load_by_id`, with the parents the model's rule
    names) that keeps what it loaded alive until the end of the request.

    The session's identity map holds objects weakly: a roadmap one check loaded and let go was
    queried again by the next check and again by the view. Kept in ``g``, the later calls are
    answered from the map.
    """
    if ident is None:
        return None
    rule = RULES.get(model)
    obj = load_by_id(model, ident, rule.load_options if rule is not None else ())
    if obj is not None and has_app_context():
        g.setdefault("_policy_loaded", {})[(model, ident)] = obj
    return obj


def per_request(key: str, user, compute: Callable[[], Any]):
    """``compute()`` once per request and user (outside a request: every time)."""
    if not has_request_context():
        return compute()
    cache = g.setdefault(key, {})
    if user.id not in cache:
        cache[user.id] = compute()
    return cache[user.id]


# --------------------------------------------------------------------------- predicates


class Pred:
    """A condition on (user, record): ``check`` answers for one object, ``clause`` for a list."""

    def check(self, user, obj) -> bool:
        raise NotImplementedError

    def clause(self, user):
        raise NotImplementedError(f"{self!r} has no SQL form")

    def __or__(self, other: "Pred") -> "Pred":
        return Any_((self, other))

    def __and__(self, other: "Pred") -> "Pred":
        return All((self, other))

    def __invert__(self) -> "Pred":
        return Not(self)


@dataclass(frozen=True)
class UserIs(Pred):
    """A condition on the user alone: true or false for every record."""
    test: Callable[[Any], bool]
    name: str = ""

    def check(self, user, obj) -> bool:
        return bool(self.test(user))

    def clause(self, user):
        return true() if self.test(user) else false()

    def __repr__(self):
        return self.name or "user_is(…)"


@dataclass(frozen=True)
class Const(Pred):
    value: bool

    def check(self, user, obj) -> bool:
        return self.value

    def clause(self, user):
        return true() if self.value else false()


@dataclass(frozen=True)
class _Joined(Pred):
    """Parts joined by OR (:class:`Any_`: one part that holds decides) or by AND (:class:`All`:
    one part that fails decides). In SQL a part about the user alone (a role, a constant) is
    answered at once: the deciding answer ends the clause before the other parts are even
    built, the other answer drops the part out."""
    parts: tuple
    DECIDES: ClassVar[bool]
    JOIN: ClassVar[Callable]

    def check(self, user, obj) -> bool:
        for p in self.parts:
            if bool(p.check(user, obj)) is self.DECIDES:
                return self.DECIDES
        return not self.DECIDES

    def clause(self, user):
        conds = []
        for p in self.parts:
            if isinstance(p, (UserIs, Const)):
                if bool(p.check(user, None)) is self.DECIDES:
                    return Const(self.DECIDES).clause(user)
                continue
            conds.append(p.clause(user))
        return self.JOIN(*conds) if conds else Const(not self.DECIDES).clause(user)

    def _and_one_more(self, other):
        return type(self)(self.parts + (other,))


@dataclass(frozen=True)
class Any_(_Joined):
    DECIDES = True
    JOIN = staticmethod(or_)
    __or__ = _Joined._and_one_more


@dataclass(frozen=True)
class All(_Joined):
    DECIDES = False
    JOIN = staticmethod(and_)
    __and__ = _Joined._and_one_more


@dataclass(frozen=True)
class Not(Pred):
    part: Pred

    def check(self, user, obj) -> bool:
        return not self.part.check(user, obj)

    def clause(self, user):
        return not_(self.part.clause(user))


@dataclass(frozen=True)
class Same(Pred):
    """``record.<column>`` equals ``value(user)`` (never when the user has no such value)."""
    column: Any
    value: Callable[[Any], Any]

    def check(self, user, obj) -> bool:
        mine = self.value(user)
        return mine is not None and obj is not None and getattr(obj, self.column.key) == mine

    def clause(self, user):
        mine = self.value(user)
        return self.column == mine if mine is not None else false()


@dataclass(frozen=True)
class Among(Pred):
    """``record.<column>`` is one of ``ids(user)``."""
    column: Any
    ids: Callable[[Any], set]

    def check(self, user, obj) -> bool:
        return obj is not None and getattr(obj, self.column.key) in self.ids(user)

    def clause(self, user):
        ids = self.ids(user)
        return self.column.in_(ids) if ids else false()


@dataclass(frozen=True)
class Null(Pred):
    column: Any

    def check(self, user, obj) -> bool:
        return obj is not None and getattr(obj, self.column.key) is None

    def clause(self, user):
        return self.column.is_(None)


@dataclass(frozen=True)
class Within(Pred):
    """The record points (``column``) to a ``model`` record the user may ``action``.

    In SQL: ``column IN (SELECT id FROM <model> WHERE <model's rule>)``; with ``joined`` the
    model's table is already joined on ``column`` (``Rule.join``) and its clause is used as is.
    A soft-deleted target counts as absent in both forms (the sub-select leaves deleted rows
    out); a joined organisation is taken as it is, deleted or not, in both forms.
    """
    column: Any
    model: type
    action: str = "view"
    joined: bool = False

    def check(self, user, obj) -> bool:
        if obj is None:
            return False
        target = get(self.model, getattr(obj, self.column.key))
        if target is None or (not self.joined and getattr(target, "deleted_at", None)):
            return False
        return rule_for(self.model).pred(self.action).check(user, target)

    def clause(self, user):
        from . import scope_query

        if self.joined:
            return rule_for(self.model).pred(self.action).clause(user)
        return self.column.in_(scope_query(user, self.model, action=self.action,
                                           columns=(self.model.id,)))


@dataclass(frozen=True)
class Via(Pred):
    """The record points (``column``) to a ``model`` record that meets ``pred`` (a predicate
    written on ``model``'s own columns), e.g. a meeting's authority that the user manages."""
    column: Any
    model: type
    pred: Pred
    joined: bool = False  # ``model``'s table is already joined on ``column`` (``Rule.join``)

    def check(self, user, obj) -> bool:
        target = get(self.model, getattr(obj, self.column.key)) if obj is not None else None
        return target is not None and self.pred.check(user, target)

    def clause(self, user):
        from sqlalchemy import select

        if self.joined:
            return self.pred.clause(user)
        return self.column.in_(select(self.model.id).where(self.pred.clause(user)))


@dataclass(frozen=True)
class Test(Pred):
    """A check on the object in Python only (for actions never asked of a list)."""
    fn: Check
    name: str = ""

    def check(self, user, obj) -> bool:
        return bool(self.fn(user, obj))

    def __repr__(self):
        return self.name or getattr(self.fn, "__name__", "test(…)")


def role(*roles: Role) -> Pred:
    return UserIs(lambda u: u.role in roles, "role(" + ", ".join(r.name for r in roles) + ")")


def user_is(fn: Callable[[Any], bool], name: str = "") -> Pred:
    return UserIs(fn, name)


def same(column, value: Callable[[Any], Any]) -> Pred:
    return Same(column, value)


def among(column, ids: Callable[[Any], set]) -> Pred:
    return Among(column, ids)


def null(column) -> Pred:
    return Null(column)


def within(column, model: type, action: str = "view", *, joined: bool = False) -> Pred:
    return Within(column, model, action, joined)


def via(column, model: type, pred: Pred, *, joined: bool = False) -> Pred:
    return Via(column, model, pred, joined)


def test(fn: Check, name: str = "") -> Pred:
    return Test(fn, name)


def part_of(column, parent: type, what: str) -> dict[str, Pred]:
    """The actions of a record that is a part of a ``parent`` record (``column`` points to it):
    seen with the parent, edited — and created under it — by whoever may edit the parent;
    ``what`` names the parent in the check's name ("the plan"). ``rules(Step, **part_of(…))``.
    """
    def edits_parent(user, obj) -> bool:
        from . import can

        return obj is not None and can(user, "edit", obj)

    return {"view": within(column, parent), "edit": within(column, parent, "edit"),
            "create": test(edits_parent, f"edits {what}")}


ALWAYS = Const(True)
NEVER = Const(False)
ADMIN = role(Role.ADMIN)
VIEWER = role(Role.VIEWER)
NOT_VIEWER = ~VIEWER
# What the user is attached to (None when nothing): compared with a record's columns.
MY_ID = lambda u: u.id  # noqa: E731
MY_ORG = lambda u: u.organization_id  # noqa: E731
MY_MUNICIPALITY = lambda u: u.municipality_id  # noqa: E731 — methodists, municipal viewers
MY_TERRITORY_MUNICIPALITY = lambda u: u.effective_municipality_id  # noqa: E731 — also via org
MY_REGION = lambda u: u.effective_region_id  # noqa: E731
HAS_MUNICIPALITY = user_is(lambda u: bool(u.municipality_id), "has_municipality")
HAS_ORG = user_is(lambda u: bool(u.organization_id), "has_org")


# --------------------------------------------------------------------------- rules


def _as_pred(value) -> Pred | None:
    if value is None or isinstance(value, Pred):
        return value
    if callable(value):
        return Test(value)
    raise TypeError(f"a rule action must be a predicate or a function, not {value!r}")


@dataclass
class Rule:
    """Who may do what with one model. ``actions``: name → predicate (``view`` and ``edit``
    always; ``create`` is asked with the parent, see :func:`can`)."""
    model: type
    actions: dict[str, Pred] = field(default_factory=dict)
    join: Callable[[Any], Any] | None = None
    load: Callable[[], tuple] | None = None  # () → :attr:`load_options`

    @cached_property
    def load_options(self) -> tuple:
        """The loader options :func:`get` loads a record with (its parents): made at first use,
        since making them configures every mapper (at import, before the audit log is
        installed), and then the same tuple — the key of the SELECT built for it."""
        return tuple(self.load()) if self.load is not None else ()

    def pred(self, action: str) -> Pred:
        try:
            return self.actions[action]
        except KeyError:
            raise LookupError(
                f"policy: {self.model.__name__} has no action «{action}»") from None


RULES: dict[type, Rule] = {}


def rules(model: type, *, join=None, load=None, **actions) -> Rule:
    """Declare the rule of ``model``: ``rules(Visit, view=…, edit=…, create=…, review=…)``.

    ``edit`` defaults to "never"; every action also requires ``view`` (the record must be seen
    before anything else is done with it), except ``create``, which is asked of the parent.
    ``load``: a function giving the loader options for the parents the checks read
    (``load=lambda: [joinedload(Item.roadmap)]``, see :func:`get`).
    """
    actions.setdefault("edit", NEVER)
    rule = Rule(model, {name: _as_pred(p) for name, p in actions.items() if p is not None}, join,
                load)
    RULES[model] = rule
    return rule


def rule_for(model_or_obj) -> Rule:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    try:
        return RULES[model]
    except KeyError:  # a model without a rule is a programming error, never "allow"
        raise LookupError(f"policy has no rule for {model.__name__}") from None


def user_question(fn: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A question about the user alone (``may see the audit log``): unauthenticated → False."""
    def ask(user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and bool(fn(user))

    ask.__name__ = fn.__name__
    ask.__doc__ = fn.__doc__
    return ask
