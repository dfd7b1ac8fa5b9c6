"""benchmarks/intake.py keeps running: a tiny run prints every figure the issue asks for,
each Warden figure with its ratio to bare aiohttp's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_tiny_run_prints_each_figure_with_its_ratio_and_goal() -> None:
    args = ["--count", "60", "--rounds", "1", "--rate", "100", "--seconds", "0.3"]
    result = subprocess.run(
        [sys.executable, "benchmarks/intake.py", *args, "--process", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    number, ratio = r"[\d.]+", r"\(\d+\.\d\d\)"
    throughput = rf"throughput \(deliv/s\)\s+{number}\s+{number}\s+{ratio}\s+{number}\s+{ratio}"
    assert re.search(throughput + r"\s+goal >= 0\.50 of bare", out), out
    assert re.search(rf"ack p99 \(ms\)\s+{number}\s+{number}\s+{ratio}.*goal <= 10 ms", out), out
    assert re.search(r"about one issue:.*/s\s+goal >= 200/s", out), out
    assert "about 30 issues:" in out, out
