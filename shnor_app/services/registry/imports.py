"""Import of the registry of organisations: regions, municipalities and organisations at once.

Two kinds of file:

* the open data of the accreditation registry (XML, :mod:`.xml_registry`): only general
  education organisations (schools) of the chosen region are taken; a branch is an
  organisation of its own tied to its head (``head_organization_id``); the municipality is
  found in the address (:func:`municipality_from_address`), else the organisation's own from
  an earlier import, else the user picks it in the preview (or asks for a new one named from
  the address) — the choice is kept with the organisation, so the next import knows it;
* a region's own table (.xlsx or CSV in UTF-8 or Windows-1251, comma, semicolon or tab) with
  Russian headers in any order: «Регион», «Муниципалитет», «Полное наименование», «Краткое
  наименование», «ИНН», «КПП», «ОГРН», «Вид организации», «Адрес», «Руководитель»,
  «Телефон», «Эл. почта», and the keys «Логин ФИС ОКО», «Код ГИА»; a branch names its head
  in «Головная организация» (the head's ИНН or name, in the file or in the registry).

Every row is checked before anything is written (:func:`check_file` → a
:class:`~shnor_app.services.tabular.Preview`): the ИНН's check digits, the forms of КПП, ОГРН
and the ФИС ОКО login, whether the user may create the region, the municipality or the
organisation there (the admin anywhere, a region user within its region). An organisation is
matched by its registry Id, then by ИНН (a head) or ИНН + КПП (a branch), then by its exact full
name in the municipality; a match with nothing new is «без изменений», so importing the same
file twice changes nothing. :func:`save` writes a clean preview in one transaction with one
audit entry of the import; a preview with an error writes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Municipality, Organization, OrgKind, Region
from ...text import normalize_name
from .. import identifiers, spreadsheets, tabular
from ..errors import ServiceError, transactional
from ..tabular import CHANGED, ERROR, NEW, UNCHANGED, Change, Outcome, Preview
from ..files.archives import ArchiveError, is_zip, open_archive
from .xml_registry import XmlRegistryError, looks_like_xml, read_registry_xml

KIND = "registry"
AUDIT_KIND = "Импорт реестра организаций"


class RegistryImportError(ServiceError):
    """The file cannot be imported at all; the message is Russian."""


COLUMNS = {
    "region": ("Регион", "Субъект РФ", "Субъект Российской Федерации", "Субъект"),
    "municipality": ("Муниципалитет", "Муниципальное образование", "Муниципальный район",
                     "Муниципальный район (городской округ)", "МО", "Район", "Территория"),
    "full_name": ("Полное наименование", "Полное наименование организации",
                  "Полное наименование ОО", "Наименование организации", "Наименование ОО",
                  "Наименование"),
    "short_name": ("Краткое наименование", "Сокращенное наименование",
                   "Краткое наименование организации", "Краткое наименование ОО"),
    "inn": ("ИНН", "ИНН организации"),
    "kpp": ("КПП",),
    "ogrn": ("ОГРН",),
    "kind": ("Вид организации", "Тип организации", "Вид ОО", "Вид"),
    "address": ("Адрес", "Фактический адрес", "Почтовый адрес", "Юридический адрес",
                "Адрес организации"),
    "director_name": ("Руководитель", "ФИО руководителя", "Директор", "Руководитель ОО"),
    "phone": ("Телефон", "Телефон организации", "Контактный телефон"),
    "email": ("Эл. почта", "Электронная почта", "E-mail", "Email", "Адрес электронной почты"),
    "fis_oko_login": ("Логин ФИС ОКО", "Логин ОО в ФИС ОКО", "Логин ОО", "Логин"),
    "gia_code": ("Код ГИА", "Код ОО", "Код ОО ГИА", "Код ОГЭ", "Код ЕГЭ"),
    # a branch: its head's ИНН or name (the row is then an organisation of its own, tied to it)
    "head": ("Головная организация", "Головная ОО", "Филиал организации", "Филиал от"),
}

HEADER = spreadsheets.HeaderSpec(
    key=tabular.aliases(COLUMNS),
    accept=lambda cols: "full_name" in cols and len(cols) >= 2,
    required={"full_name": "Полное наименование"},
    not_found="Не найдена строка заголовков. Нужен хотя бы столбец «Полное наименование» и "
              "«ИНН» или «Муниципалитет»; заголовки — в первой строке таблицы.")

# what the preview and the audit call each field
LABELS = {
    "full_name": "Полное наименование", "short_name": "Краткое наименование", "kind": "Вид",
    "inn": "ИНН", "kpp": "КПП", "ogrn": "ОГРН", "address": "Адрес",
    "director_name": "Руководитель", "phone": "Телефон", "email": "Эл. почта",
    "fis_oko_login": "Логин ФИС ОКО", "gia_code": "Код ГИА",
    "registry_key": "Код в реестре аккредитации", "municipality": "Муниципалитет",
    "head": "Головная организация",
}
_TEXT_FIELDS = ("full_name", "short_name", "inn", "kpp", "ogrn", "address", "director_name",
                "phone", "email", "fis_oko_login", "gia_code", "registry_key")
_LENGTHS = {"full_name": 500, "short_name": 200, "address": 500, "director_name": 200,
            "phone": 60, "email": 200, "gia_code": 20, "registry_key": 64}


# --------------------------------------------------------------------------- kinds


def kind_from_text(text: str) -> OrgKind | None:
    """«Вид организации» as people write it (or the registry's kind/type) → the kind, or None
    for an organisation that is none of ours (a kindergarten, a university)."""
    t = normalize_name(text)
    if not t:
        return None
    for kind in OrgKind:
        if t in (normalize_name(kind.label), kind.short.lower(), kind.name.lower()):
            return kind
    if "дошкольн" in t or "высшего" in t:
        return None
    if "орган" in t and "управлен" in t:
        return OrgKind.MUNICIPAL_AUTHORITY if "муниципал" in t else OrgKind.REGIONAL_AUTHORITY
    if "министерств" in t or "департамент" in t or "комитет" in t:
        return OrgKind.REGIONAL_AUTHORITY if "муниципал" not in t else OrgKind.MUNICIPAL_AUTHORITY
    if "оценки качества" in t or "цоко" in t:
        return OrgKind.ASSESSMENT_CENTRE
    if "развития образования" in t or "дополнительного профессионального" in t \
            or "цнппм" in t or "повышения квалификации" in t:
        return OrgKind.INSTITUTE
    if "общеобразоват" in t or "школ" in t or "гимнази" in t or "лицей" in t:
        return OrgKind.SCHOOL
    if "профессиональн" in t or "колледж" in t or "техникум" in t:
        return OrgKind.COLLEGE
    if "организац" in t or "учрежден" in t:
        return OrgKind.OTHER
    return None


# --------------------------------------------------------------------------- addresses

_GENERIC = {"муниципальный", "муниципального", "муниципальное", "район", "района", "р",
            "рн", "н", "городской", "городского", "округ", "округа", "город", "г", "го",
            "мо", "образование", "образования", "поселение", "поселения", "сельское",
            "городское", "зато", "гор"}
_WORD = re.compile(r"[a-zа-я0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall((text or "").casefold().replace("ё", "е"))


def municipality_stem(name: str) -> str:
    """«Ельцовский муниципальный район» → «ельцовский»; «город Орёл» → «орел»."""
    return " ".join(w for w in _words(name) if w not in _GENERIC)


def _is_district(name: str) -> bool:
    words = set(_words(name))
    return bool(words & {"район", "р", "рн"}) or ("округ" in words and "городской" not in words)


def municipality_from_address(address: str, municipalities: list[Municipality]
                              ) -> Municipality | None:
    """The one municipality the address names — a part «Каменский район» / «Каменский р-н» /
    «г. Орёл» / «город Орёл» / «городской округ Мценск» — or None when it names none or more
    than one."""
    if not address or not municipalities:
        return None
    folded = " ".join(_words(address))
    parts = {municipality_stem(p) for p in re.split(r"[,;]", address)}
    found: dict[int, Municipality] = {}
    for muni in municipalities:
        stem = municipality_stem(muni.name)
        if not stem:
            continue
        if stem in parts:
            found[muni.id] = muni
            continue
        s = re.escape(stem)
        if _is_district(muni.name):
            pattern = rf"(?<![а-я0-9]){s}\s+(?:муниципальн[а-я]*\s+)?(?:район|р\s+н|рн|округ)"
        else:
            pattern = rf"(?<![а-я0-9])(?:г|гор|город|го|городской\s+округ)\s+{s}(?![а-я0-9])"
        if re.search(pattern, folded):
            found[muni.id] = muni
    return next(iter(found.values())) if len(found) == 1 else None


def proposed_municipality(address: str) -> str | None:
    """A municipality name the address suggests when no known one matches: its part that
    names a district or a town («Бологовский район», «г. Орёл» → «город Орёл»)."""
    for part in re.split(r"[,;]", address or ""):
        words = _words(part)
        if not words:
            continue
        text = " ".join(part.split())
        if {"район", "рн"} & set(words) or ("р" in words and "н" in words):
            stem = municipality_stem(text)
            return f"{stem[:1].upper()}{stem[1:]} район" if stem else None
        if "округ" in words:
            return text
        if words[0] in ("г", "город", "гор") and len(words) > 1:
            return "город " + " ".join(w.capitalize() for w in words[1:])
    return None


# --------------------------------------------------------------------------- reading


@dataclass
class Entry:
    """One organisation as the file gives it."""
    number: int
    values: dict[str, str]                 # field → text as in the file
    region_name: str = ""
    municipality_name: str = ""            # named by the file (a table)
    kind_text: str = ""
    key: str = ""                          # the registry's Id (XML)
    head_key: str = ""                     # the head's registry Id (a branch, XML)
    head_ref: str = ""                     # the head's ИНН or name (a branch, a table)
    is_branch: bool = False
    from_xml: bool = False


@dataclass
class ReadFile:
    entries: list[Entry]
    ignored_columns: list[str] = field(default_factory=list)
    other_regions: int = 0
    not_ours: int = 0
    is_xml: bool = False


def _region_key(name: str) -> str:
    words = _words(re.sub(r"\(.*?\)", " ", name or ""))
    return " ".join({"обл": "область", "респ": "республика"}.get(w, w) for w in words)


def read_file(filename: str, data, *, region_name: str | None = None) -> ReadFile:
    """The organisations of the file; for the XML only the schools of ``region_name`` (every
    region's when None). ``data``: the bytes, or (the XML only) a binary file to stream. The
    open data come zipped too: a .zip holding one .xml is read as that XML, streamed out of the
    archive once its declared sizes are within the archive limits."""
    if hasattr(data, "read"):
        return _read_xml(data, region_name)
    if filename.lower().endswith(".zip") and is_zip(data):
        return _read_zipped_xml(data, region_name)
    if filename.lower().endswith(".xml") or looks_like_xml(data):
        return _read_xml(data, region_name)
    table = spreadsheets.read_table(filename, data, header=HEADER, error=RegistryImportError)
    entries = []
    for record in tabular.records(table):
        values = {k: tabular.text(record.get(k)) for k in COLUMNS}
        for key in ("inn", "kpp", "ogrn"):
            values[key] = identifiers.digits(record.get(key)) if key != "kpp" \
                else values[key].replace(" ", "").upper()
        values["fis_oko_login"] = values["fis_oko_login"].lower()
        head_ref = values.pop("head")
        entries.append(Entry(record.number, values, region_name=values.pop("region"),
                             municipality_name=values.pop("municipality"),
                             kind_text=values.pop("kind"), head_ref=head_ref,
                             is_branch=bool(head_ref)))
    if not entries:
        raise RegistryImportError("В таблице нет строк с организациями.")
    return ReadFile(entries, table.header.ignored)


def _read_zipped_xml(data: bytes, region_name: str | None) -> ReadFile:
    try:
        with open_archive(data) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".xml")]
            if len(members) != 1:
                raise RegistryImportError("В архиве должен быть один файл .xml открытых данных "
                                          f"реестра, а их {len(members)}.")
            with archive.open(members[0]) as stream:
                return _read_xml(stream, region_name)
    except ArchiveError as err:
        raise RegistryImportError(err.message) from None


def _read_xml(data, region_name: str | None) -> ReadFile:
    out = ReadFile([], is_xml=True)
    wanted = _region_key(region_name) if region_name else None
    seen: dict[str, int] = {}
    try:
        for org in read_registry_xml(data):
            if wanted is not None and _region_key(org.region_name) != wanted:
                out.other_regions += 1
                continue
            kind_text = " ".join(filter(None, (org.get("KindName"), org.get("TypeName"))))
            kind = kind_from_text(kind_text) if kind_text.strip() \
                else kind_from_text(org.get("FullName"))
            if kind != OrgKind.SCHOOL:
                out.not_ours += 1
                continue
            key = org.get("Id")
            current = org.certificate.get("StatusName", "").lower().startswith("действ")
            if key and key in seen:
                # the same organisation under several certificates: the current one wins
                if current:
                    out.entries[seen[key]] = _xml_entry(org, kind)
                continue
            if key:
                seen[key] = len(out.entries)
            out.entries.append(_xml_entry(org, kind))
    except XmlRegistryError as err:
        raise RegistryImportError(err.message) from None
    if not out.entries:
        where = f" региона «{region_name}»" if region_name else ""
        raise RegistryImportError(f"В файле нет общеобразовательных организаций{where}.")
    return out


def _xml_entry(org, kind: OrgKind) -> Entry:
    values = {
        "full_name": org.get("FullName"), "short_name": org.get("ShortName"),
        "inn": org.get("INN"), "kpp": org.get("KPP").upper(), "ogrn": org.get("OGRN"),
        "address": org.get("PostAddress"), "director_name": org.get("HeadName"),
        "phone": org.get("Phone"), "email": org.get("Email"), "fis_oko_login": "",
        "gia_code": "", "registry_key": org.get("Id"),
    }
    return Entry(org.line, values, region_name=org.region_name, kind_text=kind.label,
                 key=org.get("Id"), head_key=org.get("HeadEduOrgId") if org.is_branch else "",
                 is_branch=org.is_branch, from_xml=True)


# --------------------------------------------------------------------------- checking


@dataclass
class Plan:
    """What saving a row does (kept in ``Outcome.data['plan']``)."""
    entry: Entry
    org: Organization | None               # the organisation matched, None for a new one
    region: tuple                          # ("id", id) or ("new", name)
    municipality: tuple | None             # ("id", id) / ("new", region key, name) / None
    values: dict                           # field → the value to set
    kind: OrgKind | None


class _Context:
    """The registry the file is checked against, read once."""

    def __init__(self, user, region_ids: set[int] | None):
        self.user = user
        self.regions = {_region_key(r.name): r for r in db.session.scalars(select(Region))}
        munis = db.session.scalars(select(Municipality)).all()
        self.munis: dict[tuple[int, str], Municipality] = {
            (m.region_id, normalize_name(m.name)): m for m in munis}
        self.munis_of: dict[int, list[Municipality]] = {}
        for m in munis:
            self.munis_of.setdefault(m.region_id, []).append(m)
        stmt = select(Organization).where(Organization.deleted_at.is_(None))
        self.orgs = db.session.scalars(stmt).all()
        self.by_key = {o.registry_key: o for o in self.orgs if o.registry_key}
        self.by_login = {o.fis_oko_login: o for o in self.orgs if o.fis_oko_login}
        self.by_inn: dict[str, list[Organization]] = {}
        self.by_name: dict[tuple[int | None, str], list[Organization]] = {}
        for o in self.orgs:
            if o.inn:
                self.by_inn.setdefault(o.inn, []).append(o)
            self.by_name.setdefault((o.municipality_id, normalize_name(o.full_name)), []).append(o)
        self.new_regions: dict[str, str] = {}          # key → name as written
        self.new_munis: dict[tuple[str, str], str] = {}  # (region key, name key) → name

    def may(self, action: str, obj, parent=None) -> bool:
        if self.user is None:  # the command line acts for the whole database
            return True
        return policy.can(self.user, action, obj, parent) if action != "create" \
            else policy.can_create(self.user, obj, parent)


def check_file(filename: str, data: bytes, user, *, region_name: str | None = None,
               choices: dict[str, str] | None = None) -> Preview:
    """What importing the file would do, row by row; nothing is written.

    ``user`` is None for the command line (every region); a ``region`` user's file is read for
    its own region. ``choices``: the municipalities picked in the preview, by row key
    (:func:`row_key`) → ``"id:<municipality id>"`` or ``"new:<name>"``."""
    if user is not None and region_name is None and user.effective_region_id:
        region_name = db.session.get(Region, user.effective_region_id).name
    read = read_file(filename, data, region_name=region_name)
    ctx = _Context(user, None)
    preview = Preview()
    if read.other_regions:
        preview.extra["другие регионы"] = read.other_regions
    if read.not_ours:
        preview.extra["не школы"] = read.not_ours
    if read.ignored_columns:
        preview.notes.append("Не использованы столбцы: " + ", ".join(read.ignored_columns) + ".")
    if read.is_xml and region_name is None:
        names = sorted({e.region_name for e in read.entries})
        if len(names) > 1:
            raise RegistryImportError(
                "В файле организации нескольких регионов — укажите регион для загрузки "
                f"(например, «{names[0]}»).")
    seen: dict[str, int] = {}
    plans_by_key: dict[str, Outcome] = {}
    for entry in read.entries:
        outcome = _check_entry(entry, ctx, region_name, choices or {})
        _check_repeats(entry, outcome, seen)
        if entry.key:
            plans_by_key[entry.key] = outcome
        elif not entry.is_branch:  # a table's head, found by a branch's ИНН or name
            for ref in _refs(entry.values):
                plans_by_key.setdefault(ref, outcome)
        preview.add(outcome)
    for outcome in preview.outcomes:
        _link_head(outcome, ctx, plans_by_key)
    preview.extra["regions_created"] = len(ctx.new_regions)
    preview.extra["municipalities_created"] = len(ctx.new_munis)
    return preview


def row_key(entry: Entry) -> str:
    """How a row is named across imports: its registry Id, else ИНН + КПП, else its row."""
    if entry.key:
        return f"id:{entry.key}"
    if entry.values.get("inn"):
        return f"inn:{entry.values['inn']}:{entry.values.get('kpp', '')}"
    return f"row:{entry.number}"


def _check_repeats(entry: Entry, outcome: Outcome, seen: dict) -> None:
    key = row_key(entry)
    if key.startswith("row:") and entry.values.get("full_name"):
        key = "name:" + normalize_name(entry.values["full_name"]) + ":" + \
            normalize_name(entry.municipality_name)
    if key in seen and not entry.is_branch:
        outcome.fail(f"организация повторяет строку {seen[key]}")
    seen.setdefault(key, entry.number)
    login = entry.values.get("fis_oko_login")
    if login:  # the key of a school in ВПР downloads: one school each
        if ("login", login) in seen:
            outcome.fail(f"логин ФИС ОКО {login} уже указан в строке {seen[('login', login)]}")
        seen.setdefault(("login", login), entry.number)


def _check_entry(entry: Entry, ctx: _Context, region_name: str | None,
                 choices: dict[str, str]) -> Outcome:
    v = entry.values
    label = v.get("short_name") or v.get("full_name") or "—"
    if v.get("inn"):
        label += f", ИНН {v['inn']}" + (f", КПП {v['kpp']}" if entry.is_branch and v.get("kpp") else "")
    outcome = Outcome(entry.number, NEW, label)
    outcome.data["key"] = row_key(entry)
    if not v.get("full_name"):
        outcome.fail("не указано полное наименование")
    for key, problem in (("inn", identifiers.inn_problem), ("kpp", identifiers.kpp_problem),
                         ("ogrn", identifiers.ogrn_problem),
                         ("fis_oko_login", identifiers.fis_oko_login_problem)):
        message = problem(v.get(key) or None)
        if message:
            outcome.fail(f"{message[:-1]}: «{v[key]}»" if message.endswith(".") else message)
    for key, limit in _LENGTHS.items():
        if len(v.get(key) or "") > limit:
            outcome.fail(f"{LABELS[key]}: длиннее {limit} знаков")
    kind = kind_from_text(entry.kind_text) if entry.kind_text else None
    if entry.kind_text and kind is None:
        outcome.fail(f"вид организации «{entry.kind_text}» не распознан (например: "
                     "«Общеобразовательная организация», «ОО», «МОУО», «ИРО»)")
    region = _region(entry, ctx, region_name, outcome)
    org = _match(entry, ctx, region, outcome)
    muni = _municipality(entry, ctx, region, org, kind, outcome, choices)
    if outcome.status == ERROR or region is None:
        return outcome
    if org is not None and org.region_id != (region[1] if region[0] == "id" else None):
        outcome.fail("организация с этим ИНН уже есть в реестре другого региона")
        return outcome
    login = v.get("fis_oko_login")
    holder = ctx.by_login.get(login) if login else None
    if holder is not None and holder is not org:
        outcome.fail(f"логин ФИС ОКО {login} уже у другой организации реестра")
        return outcome
    if org is not None and not ctx.may("edit", org):
        outcome.fail(f"«{org.short_name}» есть в реестре, но изменять её вы не можете")
        return outcome
    if org is None:
        _may_create_org(ctx, region, muni, kind, outcome)
    values = {k: v[k] for k in _TEXT_FIELDS if v.get(k)}
    if "short_name" not in values and org is None and v.get("full_name"):
        values["short_name"] = v["full_name"][:200]
    plan = Plan(entry, org, region, muni, values, kind)
    outcome.data["plan"] = plan
    _describe(plan, ctx, outcome)
    return outcome


def _region(entry: Entry, ctx: _Context, region_name: str | None, outcome: Outcome):
    name = entry.region_name or region_name or ""
    if not name:
        outcome.fail("не указан регион (столбец «Регион» или регион загрузки)")
        return None
    if region_name and entry.region_name and _region_key(entry.region_name) != _region_key(region_name):
        outcome.fail(f"организация региона «{entry.region_name}», а загружается регион "
                     f"«{region_name}»")
        return None
    key = _region_key(name)
    found = ctx.regions.get(key)
    if found is not None:
        if ctx.user is not None and not policy.can(ctx.user, "view", found):
            outcome.fail(f"регион «{found.name}» вне вашей территории")
            return None
        return ("id", found.id)
    if not ctx.may("create", Region):
        outcome.fail(f"региона «{name}» нет в реестре, а создавать регионы может только "
                     "администратор")
        return None
    ctx.new_regions.setdefault(key, name)
    outcome.note = f"новый регион «{name}»"
    return ("new", key, ctx.new_regions[key])


def _match(entry: Entry, ctx: _Context, region, outcome: Outcome) -> Organization | None:
    v = entry.values
    if entry.key and entry.key in ctx.by_key:
        return ctx.by_key[entry.key]
    inn = v.get("inn")
    if inn and not identifiers.inn_problem(inn):
        same = ctx.by_inn.get(inn, [])
        if entry.is_branch:
            same = [o for o in same if o.head_organization_id is not None]
            if v.get("kpp"):
                same = [o for o in same if o.kpp == v["kpp"]]
        else:
            heads = [o for o in same if o.head_organization_id is None]
            if len(heads) > 1 and v.get("kpp"):
                heads = [o for o in heads if o.kpp in (v["kpp"], None)]
            same = heads
        if len(same) > 1:
            named = [o for o in same if normalize_name(o.full_name) == normalize_name(v.get("full_name"))]
            same = named if named else same
        if len(same) == 1:
            return same[0]
        if len(same) > 1:
            outcome.fail(f"с ИНН {inn} в реестре несколько организаций: "
                         + ", ".join(o.short_name for o in same[:5]) + " — укажите КПП")
            return None
    if region is None or region[0] != "id" or not v.get("full_name"):
        return None
    muni = _named_municipality(entry, ctx, region)
    muni_id = muni.id if muni is not None else None
    if muni is None and entry.municipality_name:
        return None  # a municipality still to be created has no organisations yet
    found = [o for o in ctx.by_name.get((muni_id, normalize_name(v["full_name"])), [])
             if o.region_id == region[1]]
    if len(found) > 1:
        outcome.fail("в муниципалитете несколько организаций с таким полным наименованием — "
                     "укажите ИНН")
        return None
    return found[0] if found else None


def _named_municipality(entry: Entry, ctx: _Context, region) -> Municipality | None:
    if not entry.municipality_name or region is None or region[0] != "id":
        return None
    return ctx.munis.get((region[1], normalize_name(entry.municipality_name)))


def _municipality(entry: Entry, ctx: _Context, region, org, kind, outcome: Outcome,
                  choices: dict[str, str]):
    if region is None:
        return None
    if entry.municipality_name:
        muni = _named_municipality(entry, ctx, region)
        if muni is not None:
            return ("id", muni.id)
        region_obj = db.session.get(Region, region[1]) if region[0] == "id" else None
        if ctx.user is not None and not (region_obj is not None and
                                         policy.can_create(ctx.user, Municipality, region_obj)):
            outcome.fail(f"муниципалитета «{entry.municipality_name}» нет в реестре, а создать "
                         "его вы не можете")
            return None
        key = (region[1] if region[0] == "new" else str(region[1]),
               normalize_name(entry.municipality_name))
        ctx.new_munis.setdefault(key, entry.municipality_name)
        outcome.note = (outcome.note + "; " if outcome.note else "") + \
            f"новый муниципалитет «{entry.municipality_name}»"
        return ("new", key[0], entry.municipality_name)
    if not entry.from_xml:
        if kind == OrgKind.SCHOOL or (kind is None and (org is None or org.is_school)):
            if org is not None and org.municipality_id:
                return ("id", org.municipality_id)
            outcome.fail("не указан муниципалитет школы")
            return None
        return ("id", org.municipality_id) if org is not None and org.municipality_id else None
    # the registry's open data: the address, else what was chosen before, else the user
    known = ctx.munis_of.get(region[1], []) if region[0] == "id" else []
    muni = municipality_from_address(entry.values.get("address", ""), known)
    if muni is not None:
        return ("id", muni.id)
    choice = choices.get(row_key(entry), "")
    if choice.startswith("id:") and choice[3:].isdigit():
        chosen = next((m for m in known if m.id == int(choice[3:])), None)
        if chosen is not None:
            outcome.data["chosen"] = choice
            return ("id", chosen.id)
    if choice.startswith("new:") and choice[4:].strip():
        name = " ".join(choice[4:].split())[:200]
        outcome.data["chosen"] = choice
        existing = ctx.munis.get((region[1], normalize_name(name))) if region[0] == "id" else None
        if existing is not None:
            return ("id", existing.id)
        region_obj = db.session.get(Region, region[1]) if region[0] == "id" else None
        if ctx.user is not None and not (region_obj is not None and
                                         policy.can_create(ctx.user, Municipality, region_obj)):
            outcome.fail(f"создать муниципалитет «{name}» вы не можете")
            return None
        key = (str(region[1]) if region[0] == "id" else region[1], normalize_name(name))
        ctx.new_munis.setdefault(key, name)
        return ("new", key[0], name)
    if org is not None and org.municipality_id:
        return ("id", org.municipality_id)
    outcome.data["needs_municipality"] = True
    outcome.data["proposed"] = proposed_municipality(entry.values.get("address", ""))
    outcome.fail("муниципалитет не определён по адресу — выберите его")
    return None


def _may_create_org(ctx: _Context, region, muni, kind, outcome: Outcome) -> None:
    if ctx.user is None:
        return
    if muni is None:
        if not policy.can_create(ctx.user, Organization) and not policy.can(
                ctx.user, "create_regional", Organization):
            outcome.fail("региональную организацию (без муниципалитета) вы создать не можете")
        return
    if muni[0] == "id":
        target = db.session.get(Municipality, muni[1])
        if not policy.can_create(ctx.user, Organization, target):
            outcome.fail(f"добавлять организации в «{target.name}» вы не можете")


def _describe(plan: Plan, ctx: _Context, outcome: Outcome) -> None:
    org = plan.org
    muni_name = _muni_name(plan.municipality, ctx)
    if org is None:
        outcome.status = NEW
        for key, value in plan.values.items():
            if key != "registry_key":
                outcome.changes.append(Change(LABELS[key], "", value))
        if plan.kind is not None:
            outcome.changes.append(Change(LABELS["kind"], "", plan.kind.label))
        if muni_name:
            outcome.changes.append(Change(LABELS["municipality"], "", muni_name))
        return
    outcome.data["org_id"] = org.id
    for key, value in plan.values.items():
        if (getattr(org, key) or "") != value:
            outcome.changes.append(Change(LABELS[key], getattr(org, key) or "", value))
    if plan.kind is not None and plan.kind != org.kind:
        outcome.changes.append(Change(LABELS["kind"], org.kind.label, plan.kind.label))
    new_muni = plan.municipality
    if new_muni is not None and (new_muni[0] == "new" or new_muni[1] != org.municipality_id):
        before = org.municipality.name if org.municipality is not None else ""
        outcome.changes.append(Change(LABELS["municipality"], before, muni_name))
    outcome.status = CHANGED if outcome.changes else UNCHANGED


def _muni_name(muni, ctx: _Context) -> str:
    if muni is None:
        return ""
    if muni[0] == "new":
        return muni[2]
    found = next((m for ms in ctx.munis_of.values() for m in ms if m.id == muni[1]), None)
    return found.name if found is not None else ""


def _refs(values: dict) -> list[str]:
    """How a table's branch may name its head: «ref:<ИНН>» or «ref:<name>»."""
    return [f"ref:{normalize_name(values.get(k))}" for k in ("inn", "full_name", "short_name")
            if values.get(k)]


def _link_head(outcome: Outcome, ctx: _Context, by_key: dict[str, Outcome]) -> None:
    plan: Plan | None = outcome.data.get("plan")
    if plan is None or not (plan.entry.head_key or plan.entry.head_ref):
        return
    if plan.entry.head_key:
        head_outcome = by_key.get(plan.entry.head_key)
        head_org = ctx.by_key.get(plan.entry.head_key)
    else:
        ref = normalize_name(plan.entry.head_ref)
        head_outcome = by_key.get(f"ref:{ref}")
        known = [o for o in ctx.orgs if o.head_organization_id is None
                 and ref in (o.inn, normalize_name(o.full_name), normalize_name(o.short_name))]
        head_org = known[0] if len(known) == 1 else None
        if head_outcome is None and head_org is None:
            outcome.fail(f"головная организация «{plan.entry.head_ref}» не найдена ни в файле, "
                         "ни в реестре")
            return
    if head_outcome is None and head_org is None:
        # the head is not in the file and not known: match it by ИНН among heads
        heads = [o for o in ctx.by_inn.get(plan.values.get("inn", ""), [])
                 if o.head_organization_id is None]
        head_org = heads[0] if len(heads) == 1 else None
    if head_outcome is not None and head_outcome.status == ERROR:
        outcome.fail(f"головная организация (строка {head_outcome.number}) с ошибкой")
        return
    outcome.data["head"] = head_outcome if head_outcome is not None else head_org
    if head_outcome is None and head_org is None:
        outcome.fail("головная организация филиала не найдена ни в файле, ни в реестре")
        return
    head_label = head_outcome.label if head_outcome is not None else head_org.short_name
    current = plan.org.head_organization_id if plan.org is not None else None
    head_id = head_org.id if head_org is not None else (
        head_outcome.data["plan"].org.id if head_outcome.data["plan"].org is not None else None)
    if current != head_id or head_id is None:
        outcome.changes.append(Change(LABELS["head"], "", head_label))
        if outcome.status == UNCHANGED:
            outcome.status = CHANGED


# --------------------------------------------------------------------------- saving


@dataclass
class Saved(tabular.Saved):
    regions_created: int = 0
    municipalities_created: int = 0


@transactional
def save(preview: Preview, *, filename: str, by=None) -> Saved:
    """Write a clean preview in one transaction with the import's audit entry."""
    tabular.require_clean(preview, RegistryImportError)
    by_id = getattr(by, "id", None)
    saved = Saved()
    regions: dict[str, Region] = {}
    munis: dict[tuple[str, str], Municipality] = {}
    orgs: dict[int, Organization] = {}  # id(outcome) → organisation
    for outcome in preview.outcomes:
        plan: Plan = outcome.data.get("plan")
        if plan is None:
            continue
        region_id = _save_region(plan.region, regions, saved, by_id)
        muni_id = _save_municipality(plan.municipality, region_id, regions, munis, saved, by_id)
        org = plan.org
        saved.count(outcome, new=org is None)
        if org is None:
            org = Organization(kind=plan.kind or OrgKind.SCHOOL, region_id=region_id,
                               municipality_id=muni_id, created_by_id=by_id, full_name="",
                               short_name="")
            db.session.add(org)
        tabular.assign_changed(org, plan.values)
        if plan.kind is not None and org.kind != plan.kind:
            org.kind = plan.kind
        if muni_id is not None and org.municipality_id != muni_id:
            org.municipality_id = muni_id
        orgs[id(outcome)] = org
    db.session.flush()
    for outcome in preview.outcomes:
        head = outcome.data.get("head")
        if head is None:
            continue
        head_org = orgs.get(id(head)) if isinstance(head, Outcome) else head
        org = orgs[id(outcome)]
        if head_org is not None and org.head_organization_id != head_org.id:
            org.head_organization_id = head_org.id
    counts = {"новых организаций": saved.created, "изменено": saved.updated,
              "без изменений": saved.unchanged, "новых регионов": saved.regions_created,
              "новых муниципалитетов": saved.municipalities_created}
    tabular.commit_import(preview, AUDIT_KIND, filename, counts, object_type="organizations")
    return saved


def _save_region(region, regions: dict, saved: Saved, by_id) -> int:
    if region[0] == "id":
        return region[1]
    key = region[1]
    if key not in regions:
        regions[key] = Region(name=region[2], created_by_id=by_id)
        db.session.add(regions[key])
        db.session.flush()
        saved.regions_created += 1
    return regions[key].id


def _save_municipality(muni, region_id: int, regions: dict, munis: dict, saved: Saved,
                       by_id) -> int | None:
    if muni is None:
        return None
    if muni[0] == "id":
        return muni[1]
    key = (str(region_id), normalize_name(muni[2]))
    if key not in munis:
        existing = db.session.scalar(select(Municipality).where(
            Municipality.region_id == region_id, Municipality.name == muni[2]))
        if existing is None:
            existing = Municipality(region_id=region_id, name=muni[2], created_by_id=by_id)
            db.session.add(existing)
            db.session.flush()
            saved.municipalities_created += 1
        munis[key] = existing
    return munis[key].id


def import_file(filename: str, data: bytes, user=None, *, region_name: str | None = None,
                choices: dict | None = None, dry_run: bool = False):
    """Check and (unless ``dry_run`` or an error) save: ``(preview, saved or None)``."""
    preview = check_file(filename, data, user, region_name=region_name, choices=choices)
    if not preview.ok or dry_run:
        return preview, None
    return preview, save(preview, filename=filename, by=user)


def summary(preview: Preview, saved: Saved | None) -> dict:
    """The command line's ``--json``: what was (or, checked only, would be) done."""
    counts = preview.counts
    return {
        "regions_created": saved.regions_created if saved else preview.extra.get("regions_created", 0),
        "municipalities_created": saved.municipalities_created if saved
        else preview.extra.get("municipalities_created", 0),
        "created": saved.created if saved else counts[NEW],
        "updated": saved.updated if saved else counts[CHANGED],
        "unchanged": saved.unchanged if saved else counts[UNCHANGED],
        "errors": preview.errors_json(),
    }

