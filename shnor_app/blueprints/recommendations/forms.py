from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...forms import Form
from ...services.recommendations import REPORT_MAX, TEXT_MAX


class RecommendationForm(Form):
    text = TextAreaField("Рекомендация", validators=[
        DataRequired("Напишите текст рекомендации."),
        Length(max=TEXT_MAX, message=f"Не больше {TEXT_MAX} знаков.")])
    responsible = StringField("Ответственный в школе", validators=[
        Optional(), Length(max=300, message="Не больше 300 знаков.")],
        description="ФИО и должность, например: Иванова А. П., заместитель директора по УВР")
    due_date = DateField("Срок", validators=[Optional()],
                         description="Пусто — срок не установлен")
    roadmap_item_id = SelectField("Пункт дорожной карты", coerce=str, validators=[Optional()])


class ReportForm(Form):
    report_text = TextAreaField("Что сделано", validators=[
        DataRequired("Напишите, что сделано по рекомендации."),
        Length(max=REPORT_MAX, message=f"Не больше {REPORT_MAX} знаков.")])


class ReviewForm(Form):
    comment = TextAreaField("Комментарий", validators=[
        Optional(), Length(max=TEXT_MAX, message=f"Не больше {TEXT_MAX} знаков.")])
