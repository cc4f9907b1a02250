"""robocue doctor: each check finds what is broken and names the fix; the verdict follows the required checks."""

from __future__ import annotations

import json
import socket

import pytest

from robocue.agents.doctor import (
    BACKEND_FIXES,
    Check,
    check_backend,
    check_rendering,
    check_runs_folder,
    check_wandb,
    healthy,
    reachable,
    report,
    run_probe,
)
from robocue.scripts.cli import main


def backends(*working: str) -> list[Check]:
    return [Check(f"MuJoCo rendering: {name}", name in working, "", required=False) for name in ("egl", "osmesa", "glfw")]


def test_rendering_uses_the_default_egl(monkeypatch):
    monkeypatch.delenv("MUJOCO_GL", raising=False)
    assert check_rendering(backends("egl")).ok
    broken = check_rendering(backends("osmesa"))
    assert not broken.ok and broken.required
    assert "export MUJOCO_GL=osmesa" in broken.fix and "libegl1" in broken.fix


def test_rendering_names_a_bad_mujoco_gl(monkeypatch):
    monkeypatch.setenv("MUJOCO_GL", "vulkan")
    check = check_rendering(backends("egl"))
    assert not check.ok
    assert "MUJOCO_GL='vulkan' is not a backend" in check.fix and "egl" in check.fix


def test_no_backend_at_all_names_the_install(monkeypatch):
    monkeypatch.setenv("MUJOCO_GL", "egl")
    check = check_rendering(backends())
    assert not check.ok and "apt-get install libegl1" in check.fix


def test_egl_made_unavailable_fails_with_its_fix(monkeypatch):
    monkeypatch.setenv("MUJOCO_EGL_DEVICE_ID", "99")  # MuJoCo's EGL refuses a device that does not exist
    check = check_backend("egl", timeout=60)
    assert not check.ok
    assert "MUJOCO_EGL_DEVICE_ID" in check.detail
    assert check.fix.startswith("set MUJOCO_EGL_DEVICE_ID to an existing device") and check.fix.endswith(BACKEND_FIXES["egl"])


def test_probe_reports_the_last_error_line_and_timeouts():
    assert run_probe("pass") == (True, "")
    ok, error = run_probe("raise SystemExit('no display here')")
    assert not ok and error == "no display here"
    ok, error = run_probe("import time; time.sleep(5)", timeout=0.5)
    assert not ok and "no answer within 0.5 s" in error


def test_unwritable_runs_folder(tmp_path):
    assert check_runs_folder(tmp_path / "runs").ok  # will be created in tmp_path
    blocker = tmp_path / "file"
    blocker.write_text("")
    check = check_runs_folder(blocker / "runs")
    assert not check.ok and "run.root=" in check.fix
    assert list(tmp_path.iterdir()) == [blocker]  # the probe file is gone


def test_reachable_answers_quickly():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert reachable("127.0.0.1", server.getsockname()[1], timeout=1.0)[0]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert not reachable("127.0.0.1", port, timeout=1.0)[0]


def test_wandb_offline_is_fine_without_network(monkeypatch):
    monkeypatch.setattr("robocue.agents.doctor.reachable", lambda host, port: (False, "unreachable"))
    monkeypatch.delenv("WANDB_MODE", raising=False)
    assert check_wandb("offline").ok
    online = check_wandb("online")
    assert not online.ok and not online.required and "logging.wandb=offline" in online.fix


def test_verdict_and_report():
    checks = [Check("a", True, "fine"), Check("b", False, "missing", "install b", required=False)]
    assert healthy(checks)
    assert "warn" in report(checks) and "fix: install b" in report(checks)
    checks.append(Check("c", False, "broken", "repair c"))
    assert not healthy(checks)
    assert "FAIL" in report(checks) and "fix: repair c" in report(checks)


@pytest.mark.slow
def test_doctor_passes_here_and_fails_without_egl(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("MUJOCO_GL", raising=False)
    assert main(["doctor", "--json", "--runs-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["healthy"]
    monkeypatch.setenv("MUJOCO_EGL_DEVICE_ID", "99")
    assert main(["doctor", "--runs-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  MuJoCo rendering (videos, pixel envs)" in out
    assert "fix:" in out and ("MUJOCO_GL=" in out or "libegl1" in out)
