"""Reference data in one place: the lists the application seeds into a new database and that the
demo (``services/demo.py``), the bench generator (``bench/gen/``) and the tests draw from.

Plain data only (strings, numbers, lists, dicts; enum members named by their ``name``), so that
every layer may read it and nothing here touches the database. The migrations that first
inserted the risk factors and the course topics keep the copy they were written with (a
migration does not change after it has run); ``tests/unit/test_reference_data.py`` checks that
they still agree with this module.
"""
from __future__ import annotations

import copy

# --------------------------------------------------------------------------- seeded lists

# The ten federal risk factors of «500+» (code, name), in their order.
RISK_FACTORS = [
    ("R01", "Низкий уровень оснащения школы"),
    ("R02", "Дефицит педагогических кадров"),
    ("R03", "Недостаточная предметная и методическая компетентность педагогических работников"),
    ("R04", "Риски низкой адаптивности учебного процесса"),
    ("R05", "Несформированность внутришкольной системы повышения квалификации"),
    ("R06", "Высокая доля обучающихся с рисками учебной неуспешности"),
    ("R07", "Низкое качество преодоления языковых и культурных барьеров"),
    ("R08", "Пониженный уровень качества школьной образовательной и воспитательной среды"),
    ("R09", "Высокая доля обучающихся с ОВЗ"),
    ("R10", "Низкая вовлечённость родителей"),
]

# The starting topic areas of courses (КПК): name → «работа со слабоуспевающими».
LOW_ACHIEVERS_TOPIC = "Работа со слабоуспевающими и неуспевающими обучающимися"
MANAGEMENT_TEAMS_TOPIC = "Управленческие команды ШНОР"
COURSE_TOPICS = {
    "Оценивание ЕГЭ/ОГЭ/ВПР": False,
    MANAGEMENT_TEAMS_TOPIC: False,
    LOW_ACHIEVERS_TOPIC: True,
    "Предметная методика": False,
    "Функциональная грамотность": False,
    "Психолого-педагогическое сопровождение": False,
    "Другое": False,
}

# --------------------------------------------------------------------------- assessments

# The results a school writes: ВПР in Russian and mathematics in grades 4–8, then ОГЭ and ЕГЭ
# (procedure by its ``Procedure`` name, subject, grade).
VPR_SUBJECTS = ("Русский язык", "Математика")
VPR_GRADES = (4, 5, 6, 7, 8)
EXAMS = [("OGE", "Русский язык", 9), ("OGE", "Математика", 9),
         ("EGE", "Русский язык", 11), ("EGE", "Математика (профильная)", 11)]

# A municipal indicator system in the style of the Slavyansky sample: ``scoring`` is an
# ``IndicatorScoring`` name; ``dynamics`` the points of a DYNAMICS indicator.
_BANDS_LOW = [{"upto": 5, "points": 3}, {"upto": 30, "points": 1}, {"upto": None, "points": 0}]
_DYNAMICS = {"positive": 3, "zero": 3, "negative": 0}
INDICATOR_SYSTEM = [
    {"code": "1.8", "name": "Совокупная доля выпускников, не преодолевших порог по предметам ЕГЭ",
     "source": "assessment.share_2", "params": {"procedure": "EGE"}, "scoring": "BANDS",
     "bands": [{"upto": 5, "points": 3}, {"upto": 10, "points": 2}, {"upto": None, "points": 0}],
     "dynamics": {}},
    {"code": "1.10", "name": "Результаты ВПР по русскому языку в 5 классах (процент неуспешности)",
     "source": "assessment.share_2",
     "params": {"procedure": "VPR", "subject": "Русский язык", "grade": 5}, "scoring": "BANDS",
     "bands": _BANDS_LOW, "dynamics": {}},
    {"code": "1.11", "name": "Результаты ВПР по математике в 5 классах (процент неуспешности)",
     "source": "assessment.share_2",
     "params": {"procedure": "VPR", "subject": "Математика", "grade": 5}, "scoring": "BANDS",
     "bands": _BANDS_LOW, "dynamics": {}},
    {"code": "1.14",
     "name": "Динамика результатов ВПР по русскому языку в 5 классах (доля «5» / доля «2»)",
     "source": "assessment.ratio_5_2",
     "params": {"procedure": "VPR", "subject": "Русский язык", "grade": 5},
     "scoring": "DYNAMICS", "bands": [], "dynamics": _DYNAMICS},
    {"code": "2.10", "name": "Исполнение антирисковых программ и дорожной карты школы",
     "source": "roadmaps.done_percent", "params": {}, "scoring": "BANDS",
     "bands": [{"upto": 49.9, "points": 0}, {"upto": 79.9, "points": 2},
               {"upto": None, "points": 3}],
     "dynamics": {}},
]


def indicator_system() -> list[dict]:
    """A fresh copy of :data:`INDICATOR_SYSTEM` (its rows go into JSON columns)."""
    return copy.deepcopy(INDICATOR_SYSTEM)


# --------------------------------------------------------------------------- people and places

# Names for made-up people; the demo draws from the first part of each list, the bench from all.
SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов",
            "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
            "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев",
            "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев",
            "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров"]
NAMES_M = ["Александр", "Сергей", "Андрей", "Алексей", "Дмитрий", "Иван", "Михаил", "Николай",
           "Владимир", "Павел", "Евгений", "Олег", "Виктор", "Юрий"]
NAMES_F = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Марина", "Анна",
           "Юлия", "Людмила", "Галина", "Надежда", "Оксана", "Екатерина", "Валентина", "Мария"]
PATRONYMICS = ["Александров", "Сергеев", "Иванов", "Петров", "Николаев", "Владимиров",
               "Михайлов", "Викторов", "Юрьев", "Андреев", "Павлов", "Олегов"]
TEACHING_SUBJECTS = ["Математика", "Русский язык и литература", "Физика", "Химия", "Биология",
                     "История и обществознание", "География", "Английский язык", "Информатика",
                     "Начальные классы", "Физическая культура", "Технология", "Музыка", "ИЗО"]
STREETS = ["ул. Ленина", "ул. Школьная", "ул. Садовая", "ул. Мира", "ул. Молодёжная",
           "ул. Советская", "пер. Почтовый", "ул. Набережная", "ул. Центральная"]
