"""bandit finds nothing in the application code (each accepted finding is marked `# nosec`
with its reason next to the line)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_is_clean():
    bandit = shutil.which("bandit") or str(Path(sys.executable).parent / "bandit")
    if not Path(bandit).exists():
        pytest.fail("bandit is not installed: `make install` installs the test extras")
    result = subprocess.run([bandit, "-q", "-r", str(ROOT / "shnor_app"), "-f", "custom",
                             "--msg-template", "{relpath}:{line} {test_id} {msg}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_courses_and_monitoring_leave_access_to_the_policy_and_rollback_to_the_services():
    """The routes of courses and monitoring compare no roles and roll nothing back, and their
    services answer no HTTP (a territory comes from ``policy.territory``)."""
    import re

    app = ROOT / "shnor_app"
    role = re.compile(r"Role\.|role\.name|\.role (==|!=|in) ")
    found = []
    for area in ("courses", "monitoring"):
        for path in sorted((app / "blueprints" / area).glob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if role.search(line) or "rollback" in line:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
        for path in sorted((app / "services" / area).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\babort\b", text):
                found.append(f"{path.relative_to(ROOT)}: calls abort")
    assert not found, "\n".join(found)
