from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...forms import Form
from ...models import PairKind, PairStatus
from ...formatting import today


class PairForm(Form):
    kind = SelectField("Вид наставничества", choices=PairKind.choices())
    mentee_org_id = SelectField("Школа (кого сопровождают)", coerce=str,
                                validators=[DataRequired("Выберите школу.")])
    mentor_org_id = SelectField("Организация-наставник", coerce=str, validators=[Optional()],
                                description="Школа-тьютор или другая организация, которая сопровождает школу.")
    mentor_staff_id = SelectField("Наставник (педагог)", coerce=str, validators=[Optional()])
    mentee_staff_id = SelectField("Наставляемый педагог", coerce=str, validators=[Optional()])
    curator_id = SelectField("Куратор", coerce=str, validators=[Optional()])
    goals = TextAreaField("Цели наставничества", validators=[
        DataRequired("Сформулируйте цели наставничества."), Length(max=5000)],
        description="Например: «Преодоление методических затруднений при подготовке к ОГЭ по математике».")
    start_date = DateField("Начало", validators=[DataRequired("Укажите дату начала.")],
                           default=today)
    end_date = DateField("Окончание", validators=[Optional()])
    status = SelectField("Состояние", choices=PairStatus.choices(), default=PairStatus.ACTIVE.name)
    result = TextAreaField("Итог (при завершении)", validators=[Optional(), Length(max=5000)])
    note = StringField("Примечание", validators=[Optional(), Length(max=500)])


class StepForm(Form):
    text = TextAreaField("Шаг плана", validators=[DataRequired("Опишите шаг плана."),
                                                  Length(max=3000)])
    due_date = DateField("Срок", validators=[Optional()])
    done_on = DateField("Выполнено", validators=[Optional()])
    note = TextAreaField("Отметка о выполнении", validators=[Optional(), Length(max=3000)])
