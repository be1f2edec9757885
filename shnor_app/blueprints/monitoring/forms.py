from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...forms import Form
from ...models import IndicatorScoring, OrderKind, Procedure, RiskLevel


class ImportForm(Form):
    file = MultipleFileField("Файлы с результатами (.xlsx или .csv; можно несколько)")
    municipality_id = SelectField("Муниципалитет, школы которого в файле", coerce=str)
    create_missing = BooleanField("Создать школы, которых нет в реестре",
                                  description="Выгрузка ФИС ОКО: школа создаётся в муниципалитете "
                                              "из её строки, с логином ФИС ОКО.")


class ScaleForm(Form):
    year = IntegerField("Год", validators=[DataRequired("Укажите год."),
                                           NumberRange(2000, 2100, "Год — четыре цифры.")])
    procedure = SelectField("Процедура", choices=Procedure.choices(), default=Procedure.VPR.name)
    subject = StringField("Предмет", validators=[DataRequired("Укажите предмет."), Length(max=100)])
    grade = IntegerField("Класс", validators=[DataRequired("Укажите класс."),
                                              NumberRange(1, 11, "Класс от 1 до 11.")])
    points = StringField("Наименьшие баллы для «3», «4», «5»",
                         validators=[DataRequired("Укажите три числа, например 6,10,14."),
                                     Length(max=40)],
                         description="Через запятую, как в шкале ФИС ОКО: например 6,10,14.")
    tasks = IntegerField("Заданий в файле", validators=[Optional(), NumberRange(1, 200)],
                         description="Необязательно: тогда запомнится по первому файлу.")


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
