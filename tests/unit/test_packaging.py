"""Production installs exactly what the application needs, pinned and hashed.

requirements.lock (made by ``make lock``) must pin every dependency of pyproject.toml with its
hashes, hold nothing of the test extras, and carry the build backend, so that
``pip install --require-hashes -r requirements.lock`` followed by
``pip install --no-deps --no-build-isolation .`` fetches nothing unverified.
"""
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _locked() -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes)."""
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = (
                m.group(2), len(re.findall(r"--hash=sha256:[0-9a-f]{64}", block)))
    return pins


def _name(req: str) -> str:
    return Requirement(req).name.lower().replace("_", "-")


def test_every_dependency_is_pinned_with_hashes_and_satisfies_pyproject():
    pins = _locked()
    for req in _pyproject()["project"]["dependencies"]:
        r = Requirement(req)
        name = _name(req)
        assert name in pins, f"{name} is missing from requirements.lock (make lock)"
        version, hashes = pins[name]
        assert r.specifier.contains(version, prereleases=True), (name, version, str(r.specifier))
        assert hashes >= 1, name
    assert all(hashes >= 1 for _, hashes in pins.values())


def test_the_lock_holds_no_test_tools():
    pins = _locked()
    runtime = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    for extra, reqs in _pyproject()["project"]["optional-dependencies"].items():
        for req in reqs:
            name = _name(req)
            if name not in runtime:
                assert name not in pins, f"{name} ({extra}) does not belong in production"


def test_the_build_backend_is_current_and_locked():
    (build,) = [Requirement(r) for r in _pyproject()["build-system"]["requires"]]
    assert build.name == "setuptools"
    assert build.specifier.contains("84.0.0") and not build.specifier.contains("83.0.0")
    version, hashes = _locked()["setuptools"]
    assert Version(version) >= Version("84") and hashes >= 1
