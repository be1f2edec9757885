"""The layers stay where the README's developer section puts them, read from the source (``ast``):

- a route (anything under ``blueprints/``) never rolls the session back — the service that
  refused a write has rolled back itself (``services.errors.transactional``);
- a route never compares roles — who may do what is a rule in ``policy/<area>.py``, asked
  through ``policy.can`` and friends;
- a blueprint never imports another blueprint — what areas share lives in ``services`` or in a
  shared module (``web``, ``formatting``, ``text``…);
- ``policy`` and ``models`` never import ``services`` (the layers point down: ``models`` below
  ``policy`` below ``services`` below the blueprints, ``web`` only for the blueprints);
- every exception a service defines is a ``ServiceError`` (a Russian message and the fields it
  concerns), so ``web.submit`` / ``web.act`` show every refusal the same way.

Each check is also run on a small piece of bad code, so a check that silently finds nothing
fails here too.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "shnor_app"
BLUEPRINTS = APP / "blueprints"
AREAS = sorted(p.name for p in BLUEPRINTS.iterdir() if (p / "__init__.py").exists())


def _py_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    rel = path.relative_to(APP.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --------------------------------------------------------------------------- the detectors


def rollback_calls(tree: ast.AST) -> list[int]:
    """Lines that call ``….rollback()``."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "rollback"]


_ROLE_ATTRS = {"role", "role_name", "is_admin", "is_methodist", "is_viewer"}


def _mentions_role(node: ast.AST) -> bool:
    """``user.role``, ``user.role.name``, ``Role.ADMIN``, ``(Role.ADMIN, Role.REGION)``,
    ``user.is_admin``…"""
    for part in ast.walk(node):
        if isinstance(part, ast.Attribute) and part.attr in _ROLE_ATTRS:
            return True
        if isinstance(part, ast.Name) and part.id == "Role":
            return True
    return False


def role_comparisons(tree: ast.AST) -> list[int]:
    """Lines that compare a role (``==``, ``!=``, ``in``, ``is``…) or test an ``is_admin``-style
    flag."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
                _mentions_role(side) for side in [node.left, *node.comparators]):
            lines.append(node.lineno)
        elif isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)) and isinstance(
                node.test, ast.Attribute) and node.test.attr in _ROLE_ATTRS:
            lines.append(node.lineno)
        elif isinstance(node, ast.BoolOp) and any(
                isinstance(v, ast.Attribute) and v.attr in _ROLE_ATTRS for v in node.values):
            lines.append(node.lineno)
    return sorted(set(lines))


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``tree`` — ``from .. import x`` gives
    ``package.x`` for each name, since ``x`` may be a module."""
    out = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
            out += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return out


def foreign_blueprint_imports(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """Other blueprints that ``module`` (a module of one blueprint) imports."""
    own = module.split(".")[2] if module.count(".") >= 2 else None
    found = []
    for line, target in imported_modules(tree, module, is_package):
        parts = target.split(".")
        if parts[:2] == ["shnor_app", "blueprints"] and len(parts) > 2 \
                and parts[2] in AREAS and parts[2] != own:
            found.append(f"{line}: {target}")
    return found


def layer_imports(tree: ast.AST, module: str, is_package: bool,
                  layer: str = "services") -> list[str]:
    """Imports of ``shnor_app.<layer>`` (the package or anything in it)."""
    top = f"shnor_app.{layer}"
    return [f"{line}: {target}" for line, target in imported_modules(tree, module, is_package)
            if target == top or target.startswith(top + ".")]


def service_imports(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    return layer_imports(tree, module, is_package, "services")


# --------------------------------------------------------------------------- the tree


def _where(path: Path, lines) -> list[str]:
    return [f"{path.relative_to(APP.parent)}:{line}" for line in lines]


def test_no_route_rolls_back():
    found = [w for path in _py_files(BLUEPRINTS) for w in _where(path, rollback_calls(_parse(path)))]
    assert found == [], "the service rolls back a refused write (services.errors.transactional)"


def test_no_route_compares_roles():
    found = [w for path in _py_files(BLUEPRINTS)
             for w in _where(path, role_comparisons(_parse(path)))]
    assert found == [], "put the rule in shnor_app/policy/<area>.py and ask policy.can(...)"


def test_no_blueprint_imports_another():
    found = []
    for path in _py_files(BLUEPRINTS):
        module = _module_name(path)
        found += [f"{path.relative_to(APP.parent)} → {hit}" for hit in foreign_blueprint_imports(
            _parse(path), module, path.name == "__init__.py")]
    assert found == [], "move what the areas share to services or a shared module"


# What each layer sits below: it imports none of these.
BELOW = {
    "models": ("services", "policy", "blueprints", "web"),
    "policy": ("services", "blueprints", "web"),
    "services": ("blueprints", "web"),
}


@pytest.mark.parametrize("layer, above", [(layer, above) for layer, aboves in BELOW.items()
                                          for above in aboves])
def test_the_layers_point_down(layer, above):
    found = []
    for path in _py_files(APP / layer):
        found += [f"{path.relative_to(APP.parent)} → {hit}" for hit in layer_imports(
            _parse(path), _module_name(path), path.name == "__init__.py", above)]
    assert found == [], f"{layer} sits below {above}: move the helper down (text, formatting)"


def test_every_service_error_is_a_service_error():
    from shnor_app.services import errors
    import shnor_app.services as services

    classes = []
    for info in pkgutil.walk_packages(services.__path__, "shnor_app.services."):
        module = importlib.import_module(info.name)
        classes += [cls for cls in vars(module).values()
                    if inspect.isclass(cls) and issubclass(cls, BaseException)
                    and cls.__module__ == module.__name__]
    assert len(classes) > 10  # the walk found the areas' errors
    strays = [f"{cls.__module__}.{cls.__name__}" for cls in classes
              if not issubclass(cls, errors.ServiceError)]
    assert strays == [], "derive the area's error from services.errors.ServiceError"


def test_a_service_error_carries_its_message_and_fields():
    from shnor_app.services.errors import ServiceError

    err = ServiceError("Проверьте даты.", {"end": "Окончание раньше начала."})
    assert (str(err), err.message, err.fields) == (
        "Проверьте даты.", "Проверьте даты.", {"end": "Окончание раньше начала."})
    only_field = ServiceError(fields={"name": "Укажите наименование."})
    assert str(only_field) == "Укажите наименование."


# --------------------------------------------------------------------------- the detectors find


BAD_ROUTE = '''
from ..courses.routes import _row
from .. import visits
from ...blueprints.home import routes
from . import forms
from ...services import registry

def view(user, form):
    if user.role == Role.ADMIN:
        pass
    if user.role in (Role.ADMIN, Role.REGION) or user.role.name != "viewer":
        pass
    ok = user.is_admin and form.ok
    try:
        registry.save()
    except registry.RegistryError:
        db.session.rollback()
'''


def test_the_detectors_find_what_they_look_for():
    tree = ast.parse(BAD_ROUTE)
    assert rollback_calls(tree) == [17]
    assert role_comparisons(tree) == [9, 11, 13]
    assert [hit.split(": ")[1] for hit in foreign_blueprint_imports(
        tree, "shnor_app.blueprints.registry.routes", False)] == [
        "shnor_app.blueprints.courses.routes", "shnor_app.blueprints.courses.routes._row",
        "shnor_app.blueprints.visits", "shnor_app.blueprints.home",
        "shnor_app.blueprints.home.routes"]
    assert service_imports(tree, "shnor_app.blueprints.registry.routes", False) == [
        "6: shnor_app.services", "6: shnor_app.services.registry"]
    # what is allowed is not found
    fine = ast.parse("from ...models import Role\nuser = User(role=Role[name.upper()])\n"
                     "from . import bp\nfrom ...web import submit\n")
    assert role_comparisons(fine) == []
    assert foreign_blueprint_imports(fine, "shnor_app.blueprints.admin.cli", False) == []


# --------------------------------------------------------------------------- citations

# The repository is read on its own: a comment, docstring, template or test states the rule it
# follows (or names the README section or repository file that holds it), never a document or a
# tracker entry that lives elsewhere. Written as patterns so that this file does not match itself.
CITATIONS = re.compile(
    r"\b(?:DOMAIN|STYLE|SECURITY|FORMATS)\.md\b"      # the team's domain texts
    r"|\.\./shared\b"                                # the folder beside the repository
    r"|\bissues?\s*#?\d+",                           # tracker entries by their number
    re.IGNORECASE)
ROOT = APP.parent
CITATION_PLACES = ("shnor_app", "tests", "bench", "migrations", "Makefile", "README.md")
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".js", ".css", ".toml", ".cfg", ".ini", ".mako",
                 ".sql", ".json", ".yml", ".yaml", ".csv", ".xml", ".sh", ""}


def _text_files(place: Path):
    paths = [place] if place.is_file() else sorted(place.rglob("*"))
    for path in paths:
        if (path.is_file() and path.suffix.lower() in TEXT_SUFFIXES
                and "__pycache__" not in path.parts):
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def citations(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in CITATIONS.finditer(text)]


def test_the_repository_cites_only_itself():
    found = [f"{path.relative_to(ROOT)}:{line}: {what}"
             for place in CITATION_PLACES if (ROOT / place).exists()
             for path, text in _text_files(ROOT / place)
             for line, what in citations(text)]
    assert found == [], "state the rule itself (or name the README section / repository file)"


def test_the_citation_check_finds_what_it_looks_for():
    bad = ("Rules (iss" "ue 5):\n# see DOM" "AIN.md §4\n{# (ST" "YLE.md) #}\n"
           "from ../sha" "red/samples\nfixed in iss" "ue #14\n")
    assert [line for line, _ in citations(bad)] == [1, 2, 3, 4, 5]
    assert citations("services.reports.issue(kind, user)\nissued 12 May; the issue 'date'\n") == []
