"""The command line: serve refuses unsafe settings, tick lists jobs, deliveries and replay work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PEM = "-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----"


def warden(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DATABASE_"))}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


def test_serve_refuses_app_credentials_without_a_webhook_secret(tmp_path: Path) -> None:
    result = warden("serve", env={"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY": PEM}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "warden: GITHUB_WEBHOOK_SECRET is not set: Warden refuses to serve "
        "webhooks it cannot verify."
    ]


def test_tick_help_lists_the_job_names() -> None:
    result = warden("tick", "--help")
    assert result.returncode == 0
    assert "redeliver" in result.stdout


def test_tick_rejects_an_unknown_job(tmp_path: Path) -> None:
    result = warden("tick", "nonsense", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'nonsense'" in result.stderr


def test_deliveries_on_an_empty_database_names_the_database(tmp_path: Path) -> None:
    (tmp_path / "w.sqlite3").touch()
    result = warden(
        "deliveries", env={"DATABASE_URL": f"sqlite:///{tmp_path}/w.sqlite3"}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"no deliveries stored in sqlite:///{tmp_path}/w.sqlite3"


def test_replay_of_an_unknown_delivery_says_which_database_it_looked_in(tmp_path: Path) -> None:
    (tmp_path / "w.sqlite3").touch()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/w.sqlite3",
        "GITHUB_APP_ID": "1",
        "GITHUB_PRIVATE_KEY": PEM,
        "GITHUB_WEBHOOK_SECRET": "s",
    }
    result = warden("replay", "no-such-id", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"warden: delivery no-such-id is not stored in sqlite:///{tmp_path}/w.sqlite3"
    )


@pytest.mark.parametrize("url", ["mysql://localhost/x"])
def test_an_unknown_database_url_is_one_clear_line(tmp_path: Path, url: str) -> None:
    result = warden("deliveries", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "warden: DATABASE_URL must start with sqlite:/// or postgresql://, got 'mysql'."
    )


def test_demo_plays_against_the_sandbox_and_exits_0(tmp_path: Path) -> None:
    result = warden("demo", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GitHub → Warden: issues.opened (redelivery), answered 202" in result.stdout
    assert "Warden → GitHub: opened an issue (POST /repos/python/.github/issues)" in result.stdout
    out = result.stdout
    added = out.index("added someone to a team (PUT /orgs/python/teams/psrt/memberships/grace)")
    invited = out.index("GitHub → Warden: organization.member_invited")
    assert added < invited  # the timeline is in order: the invitation follows Warden's write
    assert "GitHub → Warden: repository_advisory.reported, answered 202" in out
    assert "requested a CVE (POST /repos/python/cpython/security-advisories/GHSA-" in out
    assert "embargoed" not in out.split("against python/cpython.")[1]
    assert "FAILED" not in out


def test_demo_tells_the_story_in_words_and_ends_with_next_commands(tmp_path: Path) -> None:
    out = warden("demo", cwd=tmp_path, timeout=120).stdout
    assert "alice pushes .github/warden.yml with line 5 `    threshold: two thirds`:" in out
    assert (
        'line 5, `votes.nomination.threshold`: "two thirds" is not a fraction; write it like '
        "2/3 or 66.7%." in out
    )
    assert "alice writes `threshold: 2/3` instead:" in out
    assert "Warden's tally: 4 for, 1 against, 1 abstain; 4 of 5 votes cast are for." in out
    assert "Result, as Warden's vote comment now says: Vote passed: @grace is admitted." in out
    assert out.count("warden/vote-open, warden/passed, warden/failed") == 1
    assert "created a label" not in out  # one line per repository names the labels
    assert out.rstrip().endswith(
        "python -m app deliveries                        what GitHub sent and how it went"
    )
    assert "make run" in out.split("Done.")[1] and "python -m app check ORG" in out


def tracked_copy(target: Path) -> Path:
    """The files git tracks, as they are now, copied to ``target`` (a clean checkout)."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def test_demo_runs_from_a_clean_checkout_and_exits_0(tmp_path: Path) -> None:
    """Nothing the demo needs is left untracked (the trimmed GitHub descriptions included)."""
    clone = tracked_copy(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DATABASE_"))}
    env["PYTHONPATH"] = str(clone)
    where = "import app, sandbox.contract as c; print(app.__file__); print(c.DATA_DIR)"
    found = subprocess.run(
        [sys.executable, "-c", where], capture_output=True, text=True, env=env, cwd=clone
    )
    paths = found.stdout.split()
    assert len(paths) == 2 and all(path.startswith(str(clone)) for path in paths), found
    result = subprocess.run(
        [sys.executable, "-m", "app", "demo"],
        capture_output=True, text=True, env=env, cwd=clone, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\nDone." in result.stdout


def test_check_config_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text("team: psrt\ngovernance_repo: psrt-governance\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("team: psrt\ngovernance_repo: psrt-governance\nvotes:\n  nominaton: {}\n")
    ok = warden("check-config", str(good), cwd=tmp_path)
    assert ok.returncode == 0 and "psrt" in ok.stdout
    broken = warden("check-config", str(bad), cwd=tmp_path)
    assert broken.returncode == 1
    assert f"{bad}:4: votes.nominaton:" in broken.stdout + broken.stderr
    assert "did you mean" in broken.stdout + broken.stderr
