from wtforms import (
    DateField, FieldList, FormField, IntegerField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ...forms import Form, SubForm
from ...services.partnerships import term_errors
from ...web import parse_int
from ...models import EventKind, EventVenue, PartnershipStatus


class PersonForm(SubForm):
    """One responsible person: a staff member of the side, or a name with a position.

    ``staff_id`` offers the staff of the side's organisation (set by the view on GET and POST
    alike): an id from elsewhere is refused beside the field.
    """

    staff_id = SelectField("Сотрудник", coerce=str, default="")
    full_name = StringField("…или ФИО", validators=[Optional(), Length(max=200)])
    job_title = StringField("Должность", validators=[Optional(), Length(max=200)])


class PartnershipForm(Form):
    school_id = SelectField("Сопровождаемая школа", coerce=str,
                            validators=[DataRequired("Выберите школу.")])
    partner_id = SelectField("Партнёр", coerce=str,
                             validators=[DataRequired("Выберите организацию-партнёра.")],
                             description="Школа-тьютор, колледж (СПО), институт или другая "
                                         "организация из реестра.")
    status = SelectField("Статус", choices=PartnershipStatus.choices(),
                         default=PartnershipStatus.ACTIVE.name)
    agreement_number = StringField("Номер соглашения", validators=[Optional(), Length(max=60)])
    agreement_date = DateField("Дата соглашения", validators=[Optional()])
    start_date = DateField("Действует с", validators=[Optional()],
                           description="Если не указано — с даты соглашения.")
    end_date = DateField("по", validators=[Optional()],
                         description="Пусто — бессрочно или до расторжения.")
    subject = TextAreaField("Предмет соглашения", validators=[
        DataRequired("Укажите предмет соглашения."), Length(max=5000)],
        description="Например: методическое сопровождение по повышению качества подготовки "
                    "к ГИА по математике.")
    plan = TextAreaField("План совместной работы", validators=[Optional(), Length(max=20000)])
    school_people = FieldList(FormField(PersonForm), min_entries=2, max_entries=4)
    partner_people = FieldList(FormField(PersonForm), min_entries=2, max_entries=4)

    def validate(self, extra_validators=None):
        """The fields' own checks and the rules of the term together: every error at once."""
        ok = super().validate(extra_validators)
        term = term_errors(school_id=parse_int(self.school_id.data),
                           partner_id=parse_int(self.partner_id.data),
                           agreement_date=self.agreement_date.data,
                           start_date=self.start_date.data, end_date=self.end_date.data)
        for name, message in term.items():
            field = self[name]
            if not field.errors:
                field.errors = [message]
            ok = False
        return ok


class StatusForm(Form):
    status = SelectField("Статус", choices=PartnershipStatus.choices())
    end_date = DateField("Дата окончания", validators=[Optional()])


class StaffField(SelectMultipleField):
    """Staff members chosen by name: the choices are the staff of both sides (set by the view on
    GET and POST alike); anyone else is refused, in the words of the rule."""

    def pre_validate(self, form):
        offered = {value for value, _ in self.choices or ()}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError("Участники должны быть сотрудниками школы или партнёра.")


class EventForm(Form):
    event_date = DateField("Дата", validators=[DataRequired("Укажите дату мероприятия.")])
    kind = SelectField("Вид", choices=EventKind.choices(), default=EventKind.SEMINAR.name)
    venue = SelectField("Где проходило", choices=EventVenue.choices(),
                        default=EventVenue.SCHOOL.name)
    topic = TextAreaField("Тема", validators=[DataRequired("Укажите тему мероприятия."),
                                               Length(max=2000)])
    school_participants = IntegerField("Участников от школы", default=0, validators=[
        Optional(), NumberRange(0, 10000, "От 0 до 10 000.")])
    partner_participants = IntegerField("Участников от партнёра", default=0, validators=[
        Optional(), NumberRange(0, 10000, "От 0 до 10 000.")])
    participants = StaffField("Участники поимённо", coerce=int)
    result = TextAreaField("Результат", validators=[Optional(), Length(max=5000)])


class LinkPracticeForm(Form):
    practice_id = SelectField("Практика из банка", coerce=str,
                              validators=[DataRequired("Выберите практику.")])


class TermsForm(Form):
    t1_start = DateField("I четверть: начало", validators=[Optional()])
    t1_end = DateField("окончание", validators=[Optional()])
    t2_start = DateField("II четверть: начало", validators=[Optional()])
    t2_end = DateField("окончание", validators=[Optional()])
    t3_start = DateField("III четверть: начало", validators=[Optional()])
    t3_end = DateField("окончание", validators=[Optional()])
    t4_start = DateField("IV четверть: начало", validators=[Optional()])
    t4_end = DateField("окончание", validators=[Optional()])

    def terms(self):
        return [(getattr(self, f"t{n}_start").data, getattr(self, f"t{n}_end").data)
                for n in range(1, 5)]

    def fill(self, terms):
        for n, (start, end) in enumerate(terms, start=1):
            getattr(self, f"t{n}_start").data = start
            getattr(self, f"t{n}_end").data = end
