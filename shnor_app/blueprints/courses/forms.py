from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...forms import Form
from ...models import (
    ActivityKind, CourseFormat, DeficitKind, EnrollmentStatus, PlanKind, ProviderKind,
)

POSITIVE = "Целое положительное число."


class CourseForm(Form):
    title = TextAreaField("Название курса (программы)", validators=[
        DataRequired("Укажите название курса."), Length(max=500)])
    provider_kind = SelectField("Организатор — вид", choices=ProviderKind.choices())
    provider_org_id = SelectField("Организатор из реестра", coerce=str, validators=[Optional()],
                                  description="Если организатора нет в списке, впишите его ниже.")
    provider_name = StringField("Организатор — наименование", validators=[Optional(), Length(max=300)],
                                description="Например: ГАУ ДПО «Институт развития образования»")
    hours = IntegerField("Часов", validators=[InputRequired("Укажите количество часов."),
                                              NumberRange(1, 5000, POSITIVE)])
    topic_id = SelectField("Направление", coerce=str,
                           validators=[DataRequired("Выберите направление.")])
    format = SelectField("Форма обучения", choices=CourseFormat.choices())
    start_date = DateField("Начало", validators=[Optional()])
    end_date = DateField("Окончание", validators=[Optional()])
    capacity = IntegerField("Мест", validators=[Optional(), NumberRange(1, 100000, POSITIVE)],
                            description="Пусто — без ограничения.")
    municipality_id = SelectField("Чей курс", coerce=str,
                                  validators=[DataRequired("Выберите, чей это курс.")])
    description = TextAreaField("Описание", validators=[Optional(), Length(max=5000)])


class EnrollmentForm(Form):
    status = SelectField("Статус", choices=EnrollmentStatus.choices())
    completed_on = DateField("Дата окончания", validators=[Optional()])
    certificate_number = StringField("№ удостоверения", validators=[Optional(), Length(max=60)])
    note = StringField("Примечание", validators=[Optional(), Length(max=500)])


class TeacherEnrollForm(Form):
    course_id = SelectField("Записать на курс", coerce=str,
                            validators=[DataRequired("Выберите курс.")])


class ImportForm(Form):
    file = FileField("Файл .xlsx или .csv")
    organizer = StringField("Организатор курсов (для шаблона ФИС ФРДО)",
                            validators=[Optional(), Length(max=300)],
                            description="Шаблон ФИС ФРДО не называет организатора: он нужен, "
                                        "если программ файла нет в каталоге.")
    create_courses = BooleanField("Создать в каталоге программы, которых в нём нет")


class TopicForm(Form):
    name = StringField("Направление", validators=[DataRequired("Укажите название."),
                                                  Length(max=200)])
    low_achievers = BooleanField("Считать курсом по работе со слабоуспевающими (показатель 3.2)")
    active = BooleanField("Предлагать для новых курсов", default=True)


class PlanForm(Form):
    kind = SelectField("ИОМ для", choices=PlanKind.choices())
    organization_id = SelectField("Школа", coerce=str, validators=[DataRequired("Выберите школу.")])
    staff_member_id = SelectField("Педагог", coerce=str, validators=[Optional()])
    title = StringField("Наименование", validators=[Optional(), Length(max=500)],
                        description="Пусто — «ИОМ педагога: ФИО» или «ИОМ управленческой команды».")
    period_start = DateField("Начало периода", validators=[Optional()])
    period_end = DateField("Окончание периода", validators=[Optional()])
    goal = TextAreaField("Цель", validators=[Optional(), Length(max=3000)])


class DeficitForm(Form):
    kind = SelectField("Вид дефицита", choices=DeficitKind.choices())
    description = TextAreaField("Описание", validators=[DataRequired("Опишите дефицит."),
                                                        Length(max=3000)])


class ActivityForm(Form):
    kind = SelectField("Вид", choices=ActivityKind.choices())
    course_id = SelectField("Курс из каталога", coerce=str, validators=[Optional()])
    title = StringField("Мероприятие", validators=[Optional(), Length(max=500)],
                        description="Для курса можно не заполнять — возьмётся название курса.")
    staff_member_id = SelectField("Участник", coerce=str, validators=[Optional()])
    due_date = DateField("Срок", validators=[Optional()])
    done_on = DateField("Выполнено", validators=[Optional()])
    result = TextAreaField("Результат", validators=[Optional(), Length(max=3000)])
