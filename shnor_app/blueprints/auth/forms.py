from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ...forms import Form


class LoginForm(Form):
    login = StringField("Логин", validators=[DataRequired("Введите логин."), Length(max=80)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField("Пароль", validators=[DataRequired("Введите пароль.")],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(Form):
    current = PasswordField("Текущий пароль", validators=[DataRequired("Введите текущий пароль.")])
    new = PasswordField("Новый пароль", validators=[DataRequired("Введите новый пароль.")],
                        description="Не короче 8 символов; лучше 12 и больше — например, "
                                    "несколько слов подряд.")
    repeat = PasswordField("Новый пароль ещё раз", validators=[
        DataRequired("Повторите новый пароль."), EqualTo("new", "Пароли не совпадают.")])
