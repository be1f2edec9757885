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
