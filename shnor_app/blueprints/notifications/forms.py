from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import Form
from ...services.notifications import KINDS, NotificationError, parse_days


class ProfileForm(Form):
    email = StringField("Эл. почта", validators=[Optional(), Email("Неверный адрес почты."),
                                                 Length(max=200)],
                        description="На этот адрес приходят напоминания. Пусто — писем не будет.")
    kinds = SelectMultipleField(
        "Какие напоминания получать", choices=list(KINDS.items()), validate_choice=True,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    delivery = RadioField("Как присылать", choices=[
        ("now", "Сразу, отдельными письмами"),
        ("digest", "Одной сводкой в день")], default="now",
        widget=ListWidget(prefix_label=False))
    days_before = StringField("За сколько дней до срока напоминать", default="7, 1",
                              validators=[Length(max=60, message="Не длиннее 60 знаков.")],
                              description="Числа дней через запятую, например «7, 1». В день "
                                          "срока и после него напоминание приходит всегда.")

    def validate_days_before(self, field):  # shown together with the other fields' messages
        try:
            parse_days(field.data)
        except NotificationError as err:
            raise ValidationError(err.fields.get("days_before") or str(err)) from None
