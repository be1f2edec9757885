"""The application's base forms: every form of every blueprint derives from :class:`Form`
(a sub-form inside ``FormField`` from :class:`SubForm`), so that one rule holds for all text.

Their ``Meta.bind_field`` gives every text field (``StringField`` and its kinds: text area,
hidden, search, e-mail …) two things the field's own declaration need not repeat:

* :func:`shnor_app.text.clean_text` as the first filter — line breaks made ``\\n``, control
  characters removed — before any validator sees the value; select fields get it too, so a
  value outside the choices that a view reads anyway carries no NUL to the database;
* a maximum length when the field declares none: :data:`LINE_MAX` for a one-line input,
  :data:`TEXT_MAX` for a text area. The length validator puts ``maxlength`` on the input and
  refuses a longer value on the server with a Russian message, keeping what was typed.

Date fields accept a date as the browser's date input sends it («2023-02-27») and as people
type it («27.02.2023»); the page shows and takes dates in the Russian form (static/js/app.js).

Password fields are left as typed (a password is compared, never shown or stored as text).
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form as _PlainForm
from wtforms.fields import (
    DateField, PasswordField, SelectFieldBase, StringField, TextAreaField,
)
from wtforms.utils import clean_datetime_format_for_strptime
from wtforms.validators import Length

from .text import clean_pasted_table, clean_text

LINE_MAX = 500  # a one-line input without its own limit
TEXT_MAX = 20_000  # a text area without its own limit


DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
BAD_DATE = "Дата указана неверно: введите её в виде ДД.ММ.ГГГГ, например 27.02.2023."


def too_long(limit: int) -> str:
    return f"Значение не должно содержать более {limit} символов."


class PastedTableField(TextAreaField):
    """A table pasted from Word or Excel for an import: cleaned by ``clean_pasted_table``, so
    that a soft line break inside a cell does not split its row (the importer cleans each cell
    with the common rule)."""


class _CleanTextMeta:
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, PasswordField):
            return field
        if isinstance(field, DateField):
            field.format = [*field.format, *(f for f in DATE_FORMATS if f not in field.format)]
            field.strptime_format = clean_datetime_format_for_strptime(field.format)
            if not field.invalid_value_message:
                field.invalid_value_message = BAD_DATE
            return field
        if isinstance(field, PastedTableField):
            field.filters = (clean_pasted_table, *field.filters)
        elif isinstance(field, (StringField, SelectFieldBase)):
            field.filters = (clean_text, *field.filters)
        if isinstance(field, StringField) and not any(
                isinstance(v, Length) and v.max != -1 for v in field.validators):
            limit = TEXT_MAX if isinstance(field, TextAreaField) else LINE_MAX
            field.validators = [*field.validators, Length(max=limit, message=too_long(limit))]
            field.flags.maxlength = limit
        return field


class Form(FlaskForm):
    """The base of every form with a CSRF token."""

    class Meta(_CleanTextMeta):
        pass


class SubForm(_PlainForm):
    """The base of a form nested in another (``FormField``): the same rules, no token of its own,
    and WTForms' own messages in Russian as in :class:`Form`."""

    class Meta(_CleanTextMeta):
        def get_translations(self, form):
            from flask_wtf.i18n import translations

            return translations
