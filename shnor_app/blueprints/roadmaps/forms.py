from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...forms import Form, PastedTableField
from ...models import ItemStatus, OrderKind, RoadmapLevel


def _blank(choices, label="—"):
    return [("", label)] + choices


class RoadmapForm(Form):
    title = TextAreaField("Наименование", validators=[
        DataRequired("Укажите наименование дорожной карты."), Length(max=2000)],
        description="Как в документе: «План мероприятий („дорожная карта“) по …»")
    level = SelectField("Уровень", choices=RoadmapLevel.choices())
    owner_id = SelectField("Организация-владелец", coerce=str)
    year = IntegerField("Год", validators=[Optional(), NumberRange(2000, 2100, "Год от 2000 до 2100.")])
    period_start = DateField("Начало периода", validators=[Optional()])
    period_end = DateField("Окончание периода", validators=[Optional()])
    order_kind = SelectField("Утверждена документом", choices=_blank(OrderKind.choices()),
                             validators=[Optional()])
    order_number = StringField("Номер документа", validators=[Optional(), Length(max=60)])
    order_date = DateField("Дата документа", validators=[Optional()])


class ImportForm(Form):
    text = PastedTableField("Таблица, скопированная из Word или Excel", validators=[
        Optional(), Length(max=500_000)],
        description="Выделите в документе заголовок и таблицу мероприятий, скопируйте и вставьте сюда.",
        render_kw={"data-paste-html": "text_html"})
    file = FileField("…или файл .docx (либо текстовый файл)")
    owner_id = SelectField("Организация-владелец", coerce=str)
    level = SelectField("Уровень", choices=_blank(RoadmapLevel.choices(), "— определить по документу —"),
                        validators=[Optional()])
    title = StringField("Наименование (если не то, что в документе)",
                        validators=[Optional(), Length(max=2000)])
    year = IntegerField("Год (если в документе не указан)", validators=[
        Optional(), NumberRange(2000, 2100, "Год от 2000 до 2100.")])


class ItemForm(Form):
    number = StringField("№", validators=[Optional(), Length(max=30, message="Не длиннее 30 знаков.")])
    text = TextAreaField("Мероприятие", validators=[DataRequired("Укажите содержание мероприятия.")])
    period_text = StringField("Срок", validators=[Optional(), Length(max=500)])
    executors = TextAreaField("Исполнители", validators=[Optional(), Length(max=2000)])
    expected_result = TextAreaField("Ожидаемый результат", validators=[Optional(), Length(max=5000)])
    indicator = TextAreaField("Показатель реализации", validators=[Optional(), Length(max=5000)])
    status = SelectField("Статус", choices=ItemStatus.choices(), default=ItemStatus.NOT_STARTED.name)
    actual_result = TextAreaField("Фактический результат", validators=[Optional(), Length(max=5000)])


class StatusForm(Form):
    status = SelectField("Статус", choices=ItemStatus.choices())
    actual_result = TextAreaField("Фактический результат", validators=[Optional(), Length(max=5000)])


class ReportForm(Form):
    text = TextAreaField("Что сделано", validators=[DataRequired("Опишите, что сделано."),
                                                    Length(max=5000)])
    report_date = DateField("Дата", validators=[Optional()])
    link = StringField("Ссылка на подтверждение", validators=[Optional(), Length(max=500)],
                       description="Например, новость на сайте школы: https://…")
    file = FileField("Файл-подтверждение")


class SectionForm(Form):
    title = StringField("Название раздела", validators=[DataRequired("Укажите название раздела."),
                                                        Length(max=1000)])


class OwnerForm(Form):
    owner_id = SelectField("Организация-владелец", coerce=str,
                           validators=[DataRequired("Выберите организацию.")])
