"""The registry's import page: organisations (with their regions and municipalities) and staff
lists, each in three steps — upload (the file is kept on the server, ``services.uploads``), the
preview (errors first, a page at a time; municipalities picked for rows the address does not
place), and the confirmation by the kept file's id: everything saved at once, or nothing.

Also the one place a person's СНИЛС and date of birth are shown as they are: to whoever may
edit the person, each showing written to the audit log.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import login_required
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from ... import policy
from ...extensions import db
from ...forms import Form
from ...formatting import today
from ...models import AuditAction, Municipality, Organization, Region, StaffMember
from ...services import audit, identifiers, uploads
from ...services.registry import imports as registry_import
from ...services.registry import staff_import
from ...web import act, answer, int_arg, record, render_view, submit, text_arg, acting_user as _user
from . import bp

PER_PAGE = 100
TITLE = "Импорт реестра и списков сотрудников"


class RegistryUploadForm(Form):
    file = FileField("Файл реестра: XML открытых данных Рособрнадзора, .xlsx или .csv")
    region = StringField("Регион", validators=[Optional(), Length(max=200)],
                         description="Для XML реестра аккредитации: организации какого региона "
                                     "загрузить. В таблице регион берётся из столбца «Регион».")


class StaffUploadForm(Form):
    file = FileField("Список сотрудников: .xlsx или .csv")
    school_id = SelectField("Школа", coerce=str, validators=[Optional()])
    mark_left = BooleanField("Это полный список: отметить уволенными сотрудников этих школ, "
                             "которых в нём нет (никто не удаляется)")


def _may_registry(user) -> bool:
    return policy.can(user, "import_registry", Organization)


def _may_staff(user) -> bool:
    return policy.can(user, "import_staff", StaffMember)


def _importer(kind: str):
    """The acting user — 404 for a kind of import that does not exist, 403 unless the user may
    import this one ("registry": organisations, "staff": staff lists)."""
    may = {"registry": _may_registry, "staff": _may_staff}.get(kind)
    if may is None:
        abort(404)
    user = _user()
    policy.require(may(user))
    return user


def _staff_schools(user) -> list[Organization]:
    stmt = policy.scope_query(user, Organization).order_by(Organization.sort_name)
    return [o for o in db.session.scalars(stmt) if policy.can_create(user, StaffMember, o)]


def _forms(user, registry_form=None, staff_form=None):
    registry_form = registry_form or RegistryUploadForm(formdata=None)
    staff_form = staff_form or StaffUploadForm(formdata=None)
    staff_form.school_id.choices = [("", "— школа указана в файле (столбец «Школа» или «ИНН школы») —")] + [
        (str(o.id), o.short_name) for o in _staff_schools(user)] if _may_staff(user) else []
    return registry_form, staff_form


def _page(user, registry_form=None, staff_form=None, status=200):
    registry_form, staff_form = _forms(user, registry_form, staff_form)
    regions = db.session.scalars(policy.scope_query(user, Region).order_by(Region.name)).all()
    return render_view("registry/import.html", title=TITLE, status=status,
                       registry_form=registry_form, staff_form=staff_form,
                       may_registry=_may_registry(user), may_staff=_may_staff(user),
                       may_name_region=policy.can_create(user, Region), regions=regions)


@bp.get("/import")
@login_required
def import_page():
    user = _user()
    policy.require(_may_registry(user) or _may_staff(user))
    return _page(user)


def _preview_url(kind: str, upload_id: str) -> str:
    return url_for("registry.import_preview", kind=kind, upload_id=upload_id)


@bp.post("/import/registry")
@login_required
def import_registry_upload():
    user, form = _importer("registry"), RegistryUploadForm()
    region = (form.region.data or "").strip() if policy.can_create(user, Region) else ""

    def stage():  # a file that cannot be read at all is refused here, before it is kept
        name, data = uploads.read_upload(form.file.data)
        registry_import.check_file(name, data, user, region_name=region or None)
        return uploads.stage(user, registry_import.KIND, name, data,
                             {"region": region, "choices": {}})

    return submit(form, stage,
                  done=lambda staged: redirect(_preview_url("registry", staged.id)),
                  again=lambda status: _page(user, registry_form=form, status=status))


@bp.post("/import/staff")
@login_required
def import_staff_upload():
    user, form = _importer("staff"), StaffUploadForm()
    _forms(user, staff_form=form)
    school_id = int(form.school_id.data) if (form.school_id.data or "").isdigit() else None
    mark_left = bool(form.mark_left.data)

    def stage():
        name, data = uploads.read_upload(form.file.data)
        staff_import.check_file(name, data, user, school_id=school_id, mark_left=mark_left)
        return uploads.stage(user, staff_import.KIND, name, data,
                             {"school_id": school_id, "mark_left": mark_left})

    return submit(form, stage,
                  done=lambda staged: redirect(_preview_url("staff", staged.id)),
                  again=lambda status: _page(user, staff_form=form, status=status))


# --------------------------------------------------------------------------- preview, confirm


def _staged(user, kind: str, upload_id: str):
    _importer(kind)
    try:
        return uploads.get_staged(user, upload_id, kind)
    except uploads.StagedUploadGone:
        abort(404)


def _check(user, staged):
    params = staged.params or {}
    if staged.kind == registry_import.KIND:
        return registry_import.check_file(staged.filename, staged.data, user,
                                          region_name=params.get("region") or None,
                                          choices=params.get("choices") or {})
    return staff_import.check_file(staged.filename, staged.data, user,
                                   school_id=params.get("school_id"),
                                   mark_left=bool(params.get("mark_left")))


def _needs_municipality(preview) -> bool:
    return any(o.data.get("needs_municipality") for o in preview.outcomes)


def _municipality_options(user) -> list[tuple[str, str]]:
    stmt = policy.scope_query(user, Municipality).order_by(Municipality.name)
    return [(f"id:{m.id}", m.name) for m in db.session.scalars(stmt)
            if policy.can_create(user, Organization, m)]


def _render_preview(user, staged, preview, *, status=200, message=None):
    status_filter = text_arg("status")
    page = preview.page(int_arg("page") or 1, PER_PAGE, status_filter or None)
    counts = {}
    extra = preview.extra
    if staged.kind == registry_import.KIND:
        for key, label in (("regions_created", "Новых регионов"),
                           ("municipalities_created", "Новых муниципалитетов"),
                           ("другие регионы", "Организаций других регионов (пропущены)"),
                           ("не школы", "Не школ (пропущены)")):
            if extra.get(key):
                counts[label] = extra[key]
    elif extra.get("left"):
        counts["Будут отмечены уволенными"] = extra["left"]
    needs_municipality = _needs_municipality(preview)
    args = {"kind": staged.kind, "upload_id": staged.id}
    if status_filter:
        args["status"] = status_filter
    return render_view(
        "registry/import_preview.html", title="Импорт: проверьте перед сохранением",
        status=status, staged=staged, preview=preview, page=page, extra_counts=counts,
        endpoint="registry.import_preview", args=args, message=message,
        base_args={"kind": staged.kind, "upload_id": staged.id}, municipality_options=_municipality_options(user) if needs_municipality else [],
        needs_municipality=needs_municipality,
        label_title="Организация" if staged.kind == registry_import.KIND else "Сотрудник",
        mark_left=bool((staged.params or {}).get("mark_left")))


@bp.get("/import/<kind>/<upload_id>")
@login_required
def import_preview(kind: str, upload_id: str):
    """A page of the preview, from the check kept with the staged file (checked once per file
    and set of choices, and for the day)."""
    user = _user()
    staged = _staged(user, kind, upload_id)
    return act(lambda: uploads.checked_preview(staged, lambda: _check(user, staged),
                                               context=today().isoformat()),
               done=lambda preview: _render_preview(user, staged, preview,
                                                    status=200 if preview.ok else 422),
               refused=lambda message: answer(message, None, url_for("registry.import_page"),
                                              category="error"))


@bp.post("/import/<kind>/<upload_id>/choices")
@login_required
def import_choices(kind: str, upload_id: str):
    """The municipalities picked for rows whose address names none: kept with the file."""
    user = _user()
    staged = _staged(user, kind, upload_id)
    choices = dict((staged.params or {}).get("choices") or {})
    for field, value in request.form.items():
        if field.startswith("muni:") and value:
            choices[field[len("muni:"):][:200]] = value[:220]
    uploads.set_params(staged, {"choices": choices})
    return redirect(url_for("registry.import_preview", kind=kind, upload_id=upload_id))


@bp.post("/import/<kind>/<upload_id>/confirm")
@login_required
def import_confirm(kind: str, upload_id: str):
    user = _user()
    staged = _staged(user, kind, upload_id)
    service = registry_import if kind == registry_import.KIND else staff_import

    def confirm():
        preview = _check(user, staged)
        saved = service.save(preview, filename=staged.filename, by=user) if preview.ok else None
        return preview, saved

    def done(result):
        preview, saved = result
        if saved is None:
            return _render_preview(user, staged, preview, status=422,
                                   message="Ничего не сохранено: в файле есть ошибки.")
        uploads.discard(staged)
        return answer(_saved_message(kind, saved), None, url_for("registry.import_page"))

    return act(confirm, done=done,
               refused=lambda message: answer(message, None, _preview_url(kind, upload_id),
                                              category="error"))


def _saved_message(kind: str, saved) -> str:
    if kind == registry_import.KIND:
        if not (saved.created or saved.updated or saved.regions_created
                or saved.municipalities_created):
            return (f"Файл ничего не изменил: все {saved.unchanged} организаций уже в реестре "
                    "с теми же сведениями.")
        return (f"Реестр сохранён: новых организаций {saved.created}, изменено {saved.updated}, "
                f"без изменений {saved.unchanged}; новых регионов {saved.regions_created}, "
                f"муниципалитетов {saved.municipalities_created}.")
    if not (saved.created or saved.updated or saved.left):
        return f"Файл ничего не изменил: все {saved.unchanged} сотрудников уже в списках."
    return (f"Списки сотрудников сохранены: новых {saved.created}, изменено {saved.updated}, "
            f"отмечено уволенными {saved.left}, без изменений {saved.unchanged}.")


# --------------------------------------------------------------------------- personal data


@bp.get("/staff/<int:staff_id>/personal")
@login_required
def staff_personal(staff_id: int):
    """A person's СНИЛС and date of birth as they are — for whoever may edit the person; the
    showing is audited."""
    user, member = record(StaffMember, staff_id)
    policy.require(user, "unmask", member)
    audit.log_event(AuditAction.PERSONAL_DATA, user=user, object_type="staff_members",
                    object_id=member.id,
                    message=f"Показаны СНИЛС и дата рождения: {member.full_name}")
    return render_view("registry/staff_personal.html", "registry/_staff_personal.html",
                       member=member, title=member.full_name,
                       snils=identifiers.format_snils(member.snils))


def personal_masked(member) -> dict:
    """What everyone sees of a person's data: masked values (empty when there are none)."""
    return {"snils": identifiers.mask_snils(member.snils),
            "birth_date": identifiers.mask_date(member.birth_date)}
