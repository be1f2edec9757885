from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ...forms import Form
from ...services.auth.accounts import DEFAULT_ROLE, ROLE_CHOICES


class UserForm(Form):
    login = StringField("Логин", validators=[
        DataRequired("Укажите логин."), Length(max=80),
        Regexp(r"^[A-Za-z0-9._@-]+$", message="Логин: латинские буквы, цифры, точка, дефис, @.")])
    full_name = StringField("ФИО", validators=[DataRequired("Укажите ФИО."), Length(max=200)])
    position = StringField("Должность", validators=[Optional(), Length(max=200)])
    email = StringField("Эл. почта", validators=[Optional(), Email("Неверный адрес почты."),
                                                 Length(max=200)])
    role = SelectField("Роль", choices=ROLE_CHOICES, default=DEFAULT_ROLE,
                       coerce=lambda v: getattr(v, "name", v))  # the user's role by its name
    organization_id = SelectField("Организация", validators=[Optional()],
                                  description="Для ролей «школа» и «школа-тьютор».")
    municipality_id = SelectField("Муниципалитет", validators=[Optional()],
                                  description="Для методиста и муниципального наблюдателя.")
    region_id = SelectField("Регион", validators=[Optional()],
                            description="Для регионального специалиста и регионального наблюдателя.")
    password = PasswordField("Пароль", validators=[Optional()],
                             description="Не короче 8 символов. Пусто — пароль будет создан "
                                         "автоматически и показан один раз.")
    must_change_password = BooleanField("Сменить пароль при первом входе", default=True)


class AuditFilterForm(Form):
    class Meta:
        csrf = False
