"""What the program tells its operator: the start-up line, a busy port, setup mode, which
database a command used, and arguments out of range."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_cli import PEM, ROOT, warden

APP = {"GITHUB_APP_ID": "7", "GITHUB_PRIVATE_KEY": PEM, "GITHUB_WEBHOOK_SECRET": "s3cret-value"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_line_of_serve(cwd: Path, env: dict[str, str], wanted: str) -> str:
    """Start ``serve``, return the first stderr line holding ``wanted``, stop the server."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DATABASE_"))}
    full.update(env, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        cwd=cwd,
        env=full,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if wanted in line:
                return line.strip()
            assert line or proc.poll() is None, "serve ended before saying it listens"
        raise AssertionError(f"no line with {wanted!r} within 30 s")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_serve_says_where_it_listens_in_setup_mode_and_on_which_database(tmp_path: Path) -> None:
    port = free_port()
    line = first_line_of_serve(tmp_path, {"PORT": str(port)}, "listening on")
    database = f"sqlite:///{tmp_path}/data/warden.sqlite3"
    assert line.endswith(
        f"Warden 0.1.0 listening on http://127.0.0.1:{port} (setup mode: no GitHub App yet, "
        f"open http://127.0.0.1:{port}/setup to register one); database {database}; "
        "installations known: none yet; jobs: none (setup mode)"
    )


def test_serve_start_up_facts_as_json_with_the_jobs_and_their_next_run(tmp_path: Path) -> None:
    port = free_port()
    env = {**APP, "PORT": str(port), "LOG_FORMAT": "json"}
    entry = json.loads(first_line_of_serve(tmp_path, env, "listening on"))
    assert entry["url"] == f"http://127.0.0.1:{port}" and entry["mode"] == "serving"
    assert entry["database"] == f"sqlite:///{tmp_path}/data/warden.sqlite3"
    assert entry["installations"] == []
    assert list(entry["jobs"])[:2] == ["redeliver", "reload-configs"]
    assert f"receiving webhooks at http://127.0.0.1:{port}/webhook" in entry["message"]
    assert "redeliver at " in entry["message"] and APP["GITHUB_WEBHOOK_SECRET"] not in str(entry)


def test_a_busy_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = warden("serve", env={"PORT": str(port)}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"warden: cannot listen on 127.0.0.1:{port}: another program uses that port; stop it "
        "or set PORT to a free one."
    )
    assert "Traceback" not in result.stderr


def test_tick_in_setup_mode_says_it_cannot_run_and_creates_nothing(tmp_path: Path) -> None:
    for args in (["tick"], ["tick", "votes"], ["roster", "python", "--dry-run"]):
        result = warden(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.strip() == (
            f"warden: {args[0]} cannot run in setup mode: no GitHub App is configured "
            "(GITHUB_APP_ID is not set); register it at /setup on the running server first."
        )
        assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_command_run_from_another_folder_names_the_database_it_did_not_find(
    tmp_path: Path,
) -> None:
    for args in (["deliveries"], ["tick"]):
        result = warden(*args, env=APP, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"warden: there is no database at {tmp_path}/data/warden.sqlite3 "
            f"(DATABASE_URL=sqlite:///data/warden.sqlite3, read from {tmp_path}): run this "
            "where `warden serve` runs, or set DATABASE_URL to its database."
        )
    assert list(tmp_path.iterdir()) == []  # no empty database left behind


def test_deliveries_limit_must_be_in_range(tmp_path: Path) -> None:
    for value in ("-3", "0", "1001", "x"):
        result = warden("deliveries", "--limit", value, cwd=tmp_path)
        assert result.returncode == 2
        assert "argument --limit:" in result.stderr
    assert "must be from 1 to 1000, got -3" in warden("deliveries", "--limit", "-3").stderr
