from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...forms import Form
from ...models import PracticeProblem


class PracticeForm(Form):
    title = StringField("Название практики", validators=[
        DataRequired("Укажите название практики."), Length(max=500)])
    author_org_id = SelectField("Организация-автор", coerce=str,
                                validators=[DataRequired("Выберите организацию-автора.")])
    authors = TextAreaField("Авторы", validators=[Optional(), Length(max=2000)],
                            description="ФИО и должности, через запятую.")
    topic = StringField("Тема", validators=[Optional(), Length(max=300)],
                        description="Например: смысловое чтение на уроках истории, 5–7 классы.")
    problem = SelectField("На решение какой проблемы направлена",
                          choices=[("", "— выберите —")] + PracticeProblem.choices(),
                          validators=[DataRequired("Выберите проблему.")])
    description = TextAreaField("Описание", validators=[
        DataRequired("Опишите практику: что и как делается."), Length(max=50000)])
    results = TextAreaField("Результаты", validators=[Optional(), Length(max=20000)],
                            description="Что изменилось: результаты диагностик, ВПР, ГИА, "
                                        "отзывы участников.")
