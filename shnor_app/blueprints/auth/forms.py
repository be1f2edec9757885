from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    login = StringField("Логин", validators=[DataRequired("Введите логин."), Length(max=80)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField("Пароль", validators=[DataRequired("Введите пароль.")],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired("Введите текущий пароль.")])
    new = PasswordField("Новый пароль", validators=[DataRequired("Введите новый пароль.")],
                        description="Не короче 8 символов; лучше 12 и больше — например, "
                                    "несколько слов подряд.")
    repeat = PasswordField("Новый пароль ещё раз", validators=[
        DataRequired("Повторите новый пароль."), EqualTo("new", "Пароли не совпадают.")])
