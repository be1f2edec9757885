from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ...forms import Form
from ...models import OrderKind, OrgKind, QualificationCategory, SchoolStatus


def _blank(choices, label="—"):
    return [("", label)] + choices


class OrganizationForm(Form):
    kind = SelectField("Вид организации", choices=OrgKind.choices())
    full_name = StringField("Полное наименование", validators=[
        DataRequired("Укажите полное наименование."), Length(max=500)])
    short_name = StringField("Краткое наименование", validators=[Optional(), Length(max=200)],
                             description="Как в таблицах: «МБОУ СОШ № 3». Пусто — возьмём полное.")
    municipality_id = SelectField("Муниципалитет", coerce=str, validators=[Optional()])
    inn = StringField("ИНН", validators=[Optional(), Length(max=12)])
    code = StringField("Код организации", validators=[Optional(), Length(max=40)],
                       description="Код из региональной базы, если есть (для загрузки результатов).")
    kpp = StringField("КПП", validators=[Optional(), Length(max=9)],
                      description="У филиала — свой КПП при ИНН головной организации.")
    ogrn = StringField("ОГРН", validators=[Optional(), Length(max=15)])
    fis_oko_login = StringField("Логин ФИС ОКО", validators=[Optional(), Length(max=9)],
                                description="Например edu223185 — по нему находятся результаты ВПР.")
    gia_code = StringField("Код ГИА", validators=[Optional(), Length(max=20)],
                           description="Код ОО в отчётах ОГЭ и ЕГЭ.")
    address = StringField("Адрес", validators=[Optional(), Length(max=500)])
    director_name = StringField("Руководитель (ФИО)", validators=[Optional(), Length(max=200)])
    phone = StringField("Телефон", validators=[Optional(), Length(max=60)])
    email = StringField("Эл. почта", validators=[Optional(), Email("Неверный адрес почты."),
                                                 Length(max=200)])


class StatusForm(Form):
    year = IntegerField("Год", validators=[DataRequired("Укажите год."),
                                           NumberRange(2000, 2100, "Год от 2000 до 2100.")])
    status = SelectField("Статус", choices=SchoolStatus.choices())
    order_kind = SelectField("Документ", choices=_blank(OrderKind.choices()), validators=[Optional()])
    order_number = StringField("Номер", validators=[Optional(), Length(max=60)])
    order_date = DateField("Дата документа", validators=[Optional()])
    note = TextAreaField("Примечание", validators=[Optional(), Length(max=2000)])


class StaffForm(Form):
    full_name = StringField("ФИО", validators=[DataRequired("Укажите ФИО."), Length(max=200)])
    position = StringField("Должность", default="Учитель",
                           validators=[DataRequired("Укажите должность."), Length(max=200)])
    subjects = StringField("Предметы", validators=[Optional(), Length(max=300)])
    category = SelectField("Категория", choices=QualificationCategory.choices(),
                           default=QualificationCategory.NONE.name)
    teaching_since = IntegerField("Стаж с (год)", validators=[
        Optional(), NumberRange(1950, 2100, "Год от 1950.")])
    young_specialist = BooleanField("Молодой специалист")
    management = BooleanField("Управленческая команда")
    email = StringField("Эл. почта", validators=[Optional(), Email("Неверный адрес почты."),
                                                 Length(max=200)])
    snils = StringField("СНИЛС", validators=[Optional(), Length(max=20)],
                        description="Пусто — оставить как есть.")
    birth_date = DateField("Дата рождения", validators=[Optional()],
                           description="Пусто — оставить как есть.")
    hired_on = DateField("Принят", validators=[Optional()])
    left_on = DateField("Уволен", validators=[Optional()])


TIME_ZONES = [
    ("Europe/Kaliningrad", "Калининград (МСК−1)"), ("Europe/Moscow", "Москва (МСК)"),
    ("Europe/Samara", "Самара (МСК+1)"), ("Asia/Yekaterinburg", "Екатеринбург (МСК+2)"),
    ("Asia/Omsk", "Омск (МСК+3)"), ("Asia/Krasnoyarsk", "Красноярск (МСК+4)"),
    ("Asia/Novosibirsk", "Новосибирск (МСК+4)"), ("Asia/Irkutsk", "Иркутск (МСК+5)"),
    ("Asia/Yakutsk", "Якутск (МСК+6)"), ("Asia/Vladivostok", "Владивосток (МСК+7)"),
    ("Asia/Magadan", "Магадан (МСК+8)"), ("Asia/Kamchatka", "Камчатка (МСК+9)"),
]


class RegionForm(Form):
    name = StringField("Наименование региона", validators=[
        DataRequired("Укажите наименование."), Length(max=200)])
    time_zone = SelectField("Часовой пояс", choices=TIME_ZONES, default="Europe/Moscow",
                            description="Время собеседований в приглашениях и календарях.")


class MunicipalityForm(Form):
    region_id = SelectField("Регион", coerce=int)
    name = StringField("Наименование муниципалитета", validators=[
        DataRequired("Укажите наименование."), Length(max=200)])
