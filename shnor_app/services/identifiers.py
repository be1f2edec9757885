"""The keys other systems give organisations and people, checked and shown.

Organisations: ИНН (10 digits, or 12 for a person, with check digits), КПП (9 characters:
4 digits, 2 digits or capital Latin letters, 3 digits), ОГРН (13 digits, the last one the
remainder of the first 12 by 11, mod 10; ОГРНИП 15 digits, by 13), the ФИС ОКО login
(``edu`` or ``sch`` and 6 digits, the first two of them the region's code).

People: СНИЛС (11 digits; the last two are the control number: the first 9 digits weighted 9…1,
summed; a sum under 100 is itself, 100 and 101 give 00, above 101 the remainder by 101, 100
again giving 00 — numbers up to 001-001-998 carry no control number). Written «123-456-789 64»
or as 11 digits; kept as 11 digits.

Each ``*_problem`` returns None for a good (or empty) value, else a Russian sentence. The
``mask_*`` functions give what is shown to whoever may not see a person's data.
"""
from __future__ import annotations

import re
from datetime import date

SNILS_RE = re.compile(r"^\s*(\d{3})[-\s]?(\d{3})[-\s]?(\d{3})[-\s]?(\d{2})\s*$")


def digits(value) -> str:
    """The text of a cell as the digits it means: 5720010403.0 → «5720010403»."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(str(value).split())


def inn_problem(inn: str | None) -> str | None:
    """An ИНН: 10 digits for an organisation (12 for a person), with its check digits."""
    if not inn:
        return None
    if not re.fullmatch(r"\d{10}|\d{12}", inn):
        return "ИНН состоит из 10 цифр (для организации) или 12 цифр."
    nums = [int(c) for c in inn]

    def check(weights):
        return sum(w * d for w, d in zip(weights, nums)) % 11 % 10

    if len(inn) == 10:
        ok = check([2, 4, 10, 3, 5, 9, 4, 6, 8]) == nums[9]
    else:
        ok = (check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == nums[10]
              and check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == nums[11])
    return None if ok else "Контрольная сумма ИНН не сходится — проверьте цифры."


def kpp_problem(kpp: str | None) -> str | None:
    if not kpp:
        return None
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp):
        return "КПП состоит из 9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры."
    return None


def ogrn_problem(ogrn: str | None) -> str | None:
    if not ogrn:
        return None
    if not re.fullmatch(r"\d{13}|\d{15}", ogrn):
        return "ОГРН состоит из 13 цифр (ОГРНИП — из 15)."
    body, last = int(ogrn[:-1]), int(ogrn[-1])
    ok = (body % 11 % 10 if len(ogrn) == 13 else body % 13 % 10) == last
    return None if ok else "Контрольная цифра ОГРН не сходится — проверьте цифры."


FIS_OKO_LOGIN_RE = re.compile(r"^(edu|sch)\d{6}$")


def fis_oko_login_problem(login: str | None) -> str | None:
    if not login:
        return None
    if not FIS_OKO_LOGIN_RE.match(login):
        return "Логин ФИС ОКО — «edu» или «sch» и 6 цифр, например edu223185."
    return None


def normalize_snils(value) -> str | None:
    """«123-456-789 64», «12345678964» or the number 12345678964 → «12345678964»; None when it
    is not 11 digits in one of these forms (an empty value gives "")."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return None
        text = f"{int(value):011d}"  # a number cell loses the leading zeros
    else:
        text = str(value).strip()
    if not text:
        return ""
    m = SNILS_RE.match(text)
    return "".join(m.groups()) if m else None


def snils_control(first_nine: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_nine, range(9, 0, -1)))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def snils_problem(value) -> str | None:
    """None for a good or empty СНИЛС, else why it is not one."""
    snils = normalize_snils(value)
    if snils == "":
        return None
    if snils is None:
        return "СНИЛС — 11 цифр, например 123-456-789 64."
    if int(snils[:9]) > 1001998 and snils_control(snils[:9]) != int(snils[9:]):
        return "Контрольное число СНИЛС не сходится — проверьте цифры."
    return None


def format_snils(snils: str | None) -> str:
    """«12345678964» → «123-456-789 64»."""
    if not snils or len(snils) != 11:
        return snils or ""
    return f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}"


MASK = "•••"


def mask_snils(snils: str | None) -> str:
    """What is shown instead of a СНИЛС: «•••-•••-••• ••» (nothing for none)."""
    return "•••-•••-••• ••" if snils else ""


def mask_date(day: date | None) -> str:
    return "••.••.••••" if day else ""
