"""The README's main job runs and prints TEXTBOOK T1's answer."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_prints_textbook_t1():
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    # TEXTBOOK T1: x = y = sqrt(2)/2, f = sqrt(2), lambda = sqrt(2)/2 (min -f form)
    assert "{'lambda_circle': sqrt(2)/2, 'x': sqrt(2)/2, 'y': sqrt(2)/2}  f = sqrt(2)" in out.stdout
