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


class CodeForm(Form):
    """The code step of a login: a TOTP code or a recovery code."""
    code = StringField("Код подтверждения", validators=[
        DataRequired("Введите код."), Length(max=32, message="Слишком длинный код.")],
        description="6 цифр из приложения-аутентификатора или один из резервных кодов.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                   "spellcheck": "false"})


class SetupForm(Form):
    """Setting up the second factor: the first code the app shows proves it is set up."""
    code = StringField("Код из приложения", validators=[
        DataRequired("Введите код из приложения."), Length(max=16, message="Слишком длинный код.")],
        description="6 цифр, которые приложение показывает для «ШНОР».",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordConfirmForm(Form):
    password = PasswordField("Ваш пароль", validators=[DataRequired("Введите пароль.")],
                             render_kw={"autocomplete": "current-password"})
