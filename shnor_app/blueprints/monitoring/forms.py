from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...forms import Form
from ...models import IndicatorScoring, OrderKind, Procedure, RiskLevel


class ImportForm(Form):
    file = FileField("Файл с результатами (.xlsx или .csv)")
    municipality_id = SelectField("Муниципалитет, школы которого в файле", coerce=str)


class ApproveForm(Form):
    order_kind = SelectField("Вид документа", choices=OrderKind.choices(),
                             default=OrderKind.ORDER.name)
    order_number = StringField("Номер", validators=[
        DataRequired("Укажите номер приказа."), Length(max=60)])
    order_date = DateField("Дата", validators=[DataRequired("Укажите дату приказа.")])


class IndicatorForm(Form):
    code = StringField("Код", validators=[DataRequired("Укажите код, например «1.10»."),
                                          Length(max=20)])
    name = TextAreaField("Показатель", validators=[
        DataRequired("Укажите наименование показателя."), Length(max=2000)])
    source = SelectField("Источник значения", coerce=str)
    procedure = SelectField("Процедура", choices=[("", "— все —")] + Procedure.choices(),
                            validators=[Optional()])
    subject = StringField("Предмет", validators=[Optional(), Length(max=100)],
                          description="Пусто — все предметы.")
    grade = IntegerField("Класс", validators=[Optional(), NumberRange(1, 11, "Класс от 1 до 11.")])
    scoring = SelectField("Способ начисления", choices=IndicatorScoring.choices(),
                          default=IndicatorScoring.BANDS.name)
    bands = StringField("Диапазоны и баллы", validators=[Optional(), Length(max=500)],
                        description="Например: «до 5 — 3; 6–30 — 1; более 30 — 0». "
                                    "Граница входит в диапазон.")
    dyn_positive = DecimalField("Баллы за рост", validators=[Optional()], default=3, places=None)
    dyn_zero = DecimalField("Без изменений", validators=[Optional()], default=3, places=None)
    dyn_negative = DecimalField("За снижение", validators=[Optional()], default=0, places=None)


class RiskForm(Form):
    """One factor of a school's risk profile: each row of the profile posts its own."""
    level = SelectField("Уровень риска", choices=[("", "— нет —")] + RiskLevel.choices())
    roadmap_id = StringField("Антирисковая программа")  # an id: the view asks the policy
    note = StringField("Примечание", validators=[Optional(), Length(max=2000)])
