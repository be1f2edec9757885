"""The forms of interviews and meetings.

Most are WTForms forms. Two blocks of the record post rows of inputs instead — the participant
list and an agenda item with its ВЫСТУПИЛИ and РЕШИЛИ — and are plain forms here: the service
parses them (``parse_participants``, ``parse_item``) and refuses what breaks its rules;
:func:`shnor_app.web.submit` takes them as it takes the others.
"""
from flask import request
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...forms import Form
from ...models import MeetingKind, CommissionRole as CommissionPlace
from ...services import interviews as svc

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class SeriesForm(Form):
    authority_id = SelectField("Орган управления образованием", coerce=str)
    topic = TextAreaField("Тема собеседований", validators=[
        DataRequired("Укажите тему собеседований."), Length(max=2000)],
        description="Например: «О готовности к государственной итоговой аттестации в 2026 году»")
    agenda_template = TextAreaField(
        "Повестка дня (шаблон)", validators=[Optional(), Length(max=10000)],
        description="Каждый вопрос с новой строки, начиная с «О …» / «Об …». "
                    "Повестка копируется в каждое новое собеседование.")
    default_place = StringField("Место по умолчанию", validators=[Optional(), Length(max=500)],
                                description="Например: г. Приреченск, ул. Центральная, 12, каб. 5")
    default_link = StringField("Ссылка на видеоконференцию по умолчанию",
                               validators=[Optional(), Length(max=500)])
    slot_minutes = IntegerField("Длительность одного собеседования, мин", default=40,
                                validators=[Optional(), NumberRange(5, 480, "От 5 до 480 минут.")])
    note = TextAreaField("Примечание", validators=[Optional(), Length(max=5000)])


class MemberForm(Form):
    role = SelectField("Роль в комиссии", choices=CommissionPlace.choices(),
                       default=CommissionPlace.MEMBER.name)
    user_id = SelectField("Пользователь системы", coerce=str, validators=[Optional()])
    full_name = StringField("…или ФИО", validators=[Optional(), Length(max=200)])
    job_title = StringField("Должность", validators=[Optional(), Length(max=300)])


class SlotForm(Form):
    organization_id = SelectField("Школа", coerce=str)
    director_name = StringField("Руководитель", validators=[Optional(), Length(max=200)])
    meeting_date = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    start_time = TimeField("Начало", format=TIME_FORMATS,
                           validators=[DataRequired("Укажите время начала.")])
    end_time = TimeField("Окончание", format=TIME_FORMATS, validators=[Optional()])
    place = StringField("Место", validators=[Optional(), Length(max=500)])
    video_link = StringField("Ссылка на видеоконференцию", validators=[Optional(), Length(max=500)])


class MeetingForm(Form):
    authority_id = SelectField("Орган управления образованием", coerce=str)
    kind = SelectField("Вид", choices=[(k.name, k.label) for k in MeetingKind
                                       if k != MeetingKind.INTERVIEW])
    heading = TextAreaField("Заголовок протокола", validators=[Optional(), Length(max=2000)],
                            description="После слова «Протокол»: «совещания с руководителями "
                                        "общеобразовательных организаций по вопросу …»")
    meeting_date = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    start_time = TimeField("Начало", format=TIME_FORMATS, validators=[Optional()])
    end_time = TimeField("Окончание", format=TIME_FORMATS, validators=[Optional()])
    place = StringField("Место", validators=[Optional(), Length(max=500)])
    video_link = StringField("Ссылка на видеоконференцию", validators=[Optional(), Length(max=500)])
    secretary_id = SelectField("Секретарь (пользователь системы)", coerce=str,
                               validators=[Optional()])
    agenda = TextAreaField("Повестка дня", validators=[Optional(), Length(max=10000)],
                           description="Каждый вопрос с новой строки.")


class RequisitesForm(Form):
    heading = TextAreaField("Заголовок протокола", validators=[
        DataRequired("Укажите заголовок протокола."), Length(max=2000)])
    meeting_date = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    start_time = TimeField("Начало", format=TIME_FORMATS, validators=[Optional()])
    end_time = TimeField("Окончание", format=TIME_FORMATS, validators=[Optional()])
    place = StringField("Место", validators=[Optional(), Length(max=500)])
    video_link = StringField("Ссылка на видеоконференцию", validators=[Optional(), Length(max=500)])
    director_name = StringField("Руководитель школы", validators=[Optional(), Length(max=200)])


class AmendmentForm(Form):
    amended_on = DateField("Дата изменения", validators=[Optional()])
    text = TextAreaField("Изменение", validators=[
        DataRequired("Опишите изменение."), Length(max=20000)],
        description="Например: «В пункте 1.2 раздела „РЕШИЛИ“ срок „до 01.04.2026“ "
                    "читать „до 15.04.2026“».")


class _RowsForm:
    """A plain form: what was posted (or what is saved), and the messages by input name
    (``"__all__"`` for the one above the form); the service does the validating."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    @property
    def error(self) -> str | None:
        return self.errors.get("__all__")

    def validate_on_submit(self) -> bool:
        return request.method == "POST" and not self.errors


class ParticipantsForm(_RowsForm):
    """The participant list: ``rows`` as posted, or None to show the saved ones."""

    def __init__(self):
        super().__init__()
        self.rows = svc.parse_participants(request.form) if request.method == "POST" else None


class ItemForm(_RowsForm):
    """An agenda item: ``typed`` holds the keywords of ``save_item`` — as posted, as saved in
    ``item``, or empty for a new one."""

    def __init__(self, item=None):
        super().__init__()
        if request.method == "POST":
            self.typed = svc.parse_item(request.form)
        elif item is not None:
            self.typed = {"title": item.title, "heard_who": item.heard_who,
                          "heard_summary": item.heard_summary, "speeches": item.speeches,
                          "decisions": item.decisions}
        else:
            self.typed = {"title": "", "heard_who": "", "heard_summary": "", "speeches": [],
                          "decisions": []}
