"""benchmarks/intake.py keeps running: a tiny run prints every figure the issue asks for,
each Warden figure with its ratio to bare aiohttp's."""

from __future__ import annotations

import json
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
    client = rf"client CPU \(us/del\)\s+{number}\s+{number}\s+{number}\s+the load generator's"
    assert re.search(client, out), out
    assert re.search(rf"ack p99 \(ms\)\s+{number}\s+{number}\s+{ratio}.*goal <= 10 ms", out), out
    assert re.search(rf"ack max \(ms\)\s+{number}\s+{number}\s+{ratio}\s+{number}\s+{ratio}", out)
    assert re.search(r"about one issue:.*/s\s+goal >= 200/s", out), out
    assert "about 30 issues:" in out, out


def test_the_wrk_script_posts_a_validly_signed_payload_with_a_new_delivery_id_each_time(
    tmp_path: Path,
) -> None:
    from app.intake.signature import Signatures
    from tests.conftest import SECRET

    script = tmp_path / "post.lua"
    result = subprocess.run(
        [sys.executable, "benchmarks/intake.py", "--wrk-lua", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lua = script.read_text()
    body_line = re.search(r"^wrk\.body = (.*)$", lua, re.M)
    signature_line = re.search(r'"X-Hub-Signature-256"\] = "(.*)"$', lua, re.M)
    assert body_line is not None and signature_line is not None, lua
    body, signature = json.loads(body_line.group(1)), signature_line.group(1)
    assert Signatures([SECRET]).valid(body.encode(), signature)
    assert "wrk.headers['X-GitHub-Delivery'] = run .. '-' .. n" in lua
    assert '"X-GitHub-Event"] = "issues"' in lua
