"""``robocue doctor``: checks that training and rendering will work here, and says how to fix what does not.

Every probe that could hang or crash (an OpenGL context, a network connection) runs in a
child process or a thread with a timeout. A check is *required* when training or rendering
needs it; the rest (CUDA, Ray, wandb's server) are reported with their fix but do not fail
the doctor.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch

BACKENDS = ("egl", "osmesa", "glfw")
PROBE_TIMEOUT = 60.0
NETWORK_TIMEOUT = 3.0
WANDB_HOST = ("api.wandb.ai", 443)
PACKAGES = ("robocue", "mujoco", "pybullet", "stable-baselines3", "gymnasium", "ray", "wandb", "rliable", "imageio-ffmpeg", "minari")
BACKEND_FIXES = {
    "egl": "install Mesa's EGL (Debian/Ubuntu: apt-get install libegl1 libgl1; with an NVIDIA GPU its driver brings EGL), "
    "or render with MUJOCO_GL=osmesa",
    "osmesa": "install OSMesa (Debian/Ubuntu: apt-get install libosmesa6), or render with MUJOCO_GL=egl",
    "glfw": "GLFW needs a display: run under a desktop session or `xvfb-run`, with libglfw3 (apt-get install libglfw3); "
    "headless machines use MUJOCO_GL=egl or osmesa",
}

# A MuJoCo scene rendered off-screen at 32x32: succeeds only where the backend gives an OpenGL context.
_MUJOCO_PROBE = """
import mujoco, numpy
model = mujoco.MjModel.from_xml_string('<mujoco><worldbody><light pos="0 0 2"/><geom size=".1"/></worldbody></mujoco>')
data = mujoco.MjData(model)
with mujoco.Renderer(model, 32, 32) as renderer:
    renderer.update_scene(data)
    frame = renderer.render()
assert frame.shape == (32, 32, 3), frame.shape
"""
_PYBULLET_PROBE = """
import pybullet
client = pybullet.connect(pybullet.DIRECT)
width, height, rgb, _, _ = pybullet.getCameraImage(32, 32, renderer=pybullet.ER_TINY_RENDERER, physicsClientId=client)
assert (width, height) == (32, 32)
"""
_TRAINING_PROBE = """
import gymnasium, numpy
import robocue.envs
from stable_baselines3 import PPO
env = gymnasium.make("robocue/Reach-MuJoCo-v0")
observation, _ = env.reset(seed=0)
for _ in range(5):
    observation, *_ = env.step(env.action_space.sample())
PPO("MlpPolicy", env, n_steps=16, batch_size=16, n_epochs=1, device="cpu").learn(16)
"""


@dataclass
class Check:
    """One finding: what was checked, whether it passed, what was seen and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_probe(code: str, env: dict[str, str] | None = None, timeout: float = PROBE_TIMEOUT, inherit: bool = True) -> tuple[bool, str]:
    """Runs ``code`` in a fresh Python with ``env`` (added to this process's, or alone when not ``inherit``);
    (True, "") when it exits 0, else (False, the error's last line)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **(env or {})} if inherit else env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return False, f"no answer within {timeout:g} s"
    if done.returncode == 0:
        return True, ""
    return False, _last_line(done.stderr) or f"exit code {done.returncode}"


def check_backend(backend: str, timeout: float = PROBE_TIMEOUT) -> Check:
    """Renders a tiny MuJoCo scene with ``MUJOCO_GL=backend`` in a child process."""
    # Without the caller's PYOPENGL_PLATFORM, so that MuJoCo picks the one that goes with each backend.
    env = {key: value for key, value in os.environ.items() if key != "PYOPENGL_PLATFORM"}
    ok, error = run_probe(_MUJOCO_PROBE, {**env, "MUJOCO_GL": backend}, timeout, inherit=False)
    fix = "" if ok else BACKEND_FIXES[backend]
    if not ok and "MUJOCO_EGL_DEVICE_ID" in error:
        fix = f"set MUJOCO_EGL_DEVICE_ID to an existing device (or unset it); {fix}"
    return Check(f"MuJoCo rendering: {backend}", ok, "renders" if ok else error, fix, required=False)


def check_rendering(backends: list[Check]) -> Check:
    """The backend robocue will use (MUJOCO_GL, default egl) must be one that works."""
    chosen = os.environ.get("MUJOCO_GL", "egl")
    working = [check.name.rsplit(" ", 1)[-1] for check in backends if check.ok]
    source = "MUJOCO_GL" if "MUJOCO_GL" in os.environ else "robocue's default"
    if chosen in working:
        return Check("MuJoCo rendering (videos, pixel envs)", True, f"{chosen} ({source}) works")
    if chosen not in BACKENDS:
        fix = f"MUJOCO_GL={chosen!r} is not a backend: set it to {' or '.join(working) or 'egl or osmesa'} (or unset it)"
    elif working:
        fix = f"export MUJOCO_GL={working[0]} (works here); or {BACKEND_FIXES[chosen]}"
    else:
        fix = f"no backend works: {BACKEND_FIXES['egl']}"
    return Check("MuJoCo rendering (videos, pixel envs)", False, f"{chosen} ({source}) does not work", fix)


def check_pybullet_rendering(timeout: float = PROBE_TIMEOUT) -> Check:
    ok, error = run_probe(_PYBULLET_PROBE, timeout=timeout)
    fix = "" if ok else "reinstall PyBullet (pip install --force-reinstall pybullet); its TinyRenderer needs no OpenGL"
    return Check("PyBullet rendering (TinyRenderer)", ok, "renders" if ok else error, fix)


def check_training(timeout: float = PROBE_TIMEOUT * 2) -> Check:
    """Steps robocue's Reach env and runs one tiny PPO update in a child process."""
    ok, error = run_probe(_TRAINING_PROBE, {"MUJOCO_GL": os.environ.get("MUJOCO_GL", "egl")}, timeout)
    fix = "" if ok else 'reinstall: pip install torch==2.13.0 && pip install -e ".[dev]" (see the error above)'
    return Check("training (Reach env + one PPO update)", ok, "works" if ok else error, fix)


def check_torch() -> list[Check]:
    """The torch build, and CUDA when the build has it (CUDA is never required)."""
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU-only build"
    checks = [Check("torch", True, f"{torch.__version__} ({build}, {torch.get_num_threads()} threads)")]
    if not torch.version.cuda:
        checks.append(
            Check(
                "CUDA", False, "this torch has no CUDA; training runs on the CPU", "for a GPU, install the torch build for your CUDA", False
            )
        )
    elif not torch.cuda.is_available():
        checks.append(
            Check(
                "CUDA",
                False,
                f"torch is built for CUDA {torch.version.cuda} but sees no GPU",
                "check nvidia-smi and that the driver supports this CUDA version",
                False,
            )
        )
    else:
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
        checks.append(Check("CUDA", True, f"{torch.cuda.device_count()} GPU(s): {names}", required=False))
    return checks


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def check_versions() -> list[Check]:
    """Versions of the packages robocue runs on; the required ones must be installed."""
    optional = {"ray": "pip install 'ray[tune]' (robocue sweep)", "minari": "pip install minari (only to read datasets with Minari itself)"}
    checks = [Check("python", True, f"{platform.python_version()} ({sys.executable})")]
    for name in PACKAGES:
        found = package_version(name)
        if found:
            checks.append(Check(name, True, found, required=name not in optional))
        else:
            fix = optional.get(name, f'pip install -e ".[dev]" (installs {name})')
            checks.append(Check(name, False, "not installed", fix, required=name not in optional))
    return checks


def reachable(host: str, port: int, timeout: float = NETWORK_TIMEOUT) -> tuple[bool, str]:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` (a thread bounds DNS too)."""
    result: list[tuple[bool, str]] = []

    def connect() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append((True, "reachable"))
        except OSError as error:
            result.append((False, f"{type(error).__name__}: {error}"))

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    return result[0] if result else (False, f"no answer within {timeout:g} s")


def check_wandb(mode: str) -> Check:
    """wandb's mode (the config's logging.wandb, WANDB_MODE overrides) and whether its server answers."""
    mode = os.environ.get("WANDB_MODE", mode)
    host, port = WANDB_HOST
    if mode in ("offline", "disabled", "dryrun"):
        ok, seen = reachable(host, port)
        server = "server reachable" if ok else f"server not reachable ({seen}); fine offline"
        return Check("wandb", True, f"mode {mode}: never waits on the network; {server}", required=False)
    ok, seen = reachable(host, port)
    if ok:
        return Check("wandb", True, f"mode {mode}, {host} reachable", required=False)
    return Check(
        "wandb",
        False,
        f"mode {mode} but {host}:{port} is not reachable ({seen}); training falls back to offline after a timeout",
        "use logging.wandb=offline (the default) and `wandb sync` later",
        required=False,
    )


def check_runs_folder(folder: str | Path) -> Check:
    """The runs folder (or its nearest existing parent) accepts a new file."""
    folder = Path(folder)
    target = folder
    while not target.exists() and target != target.parent:
        target = target.parent
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".robocue-doctor-"):
            pass
    except OSError as error:
        return Check(
            f"runs folder {folder}",
            False,
            f"cannot write in {target}: {error.strerror}",
            f"make it writable (chmod u+w {target}) or set run.root=<a writable folder>",
        )
    where = "exists" if target == folder else f"will be created in {target}"
    return Check(f"runs folder {folder}", True, f"writable ({where})")


def diagnose(runs_folder: str | Path = "runs", wandb_mode: str = "offline", probe_timeout: float = PROBE_TIMEOUT) -> list[Check]:
    """All checks, in the order they print."""
    checks = check_versions() + check_torch()
    backends = [check_backend(backend, probe_timeout) for backend in BACKENDS]
    checks += backends
    checks.append(check_rendering(backends))
    checks.append(check_pybullet_rendering(probe_timeout))
    checks.append(check_training(probe_timeout * 2))
    checks.append(check_wandb(wandb_mode))
    checks.append(check_runs_folder(runs_folder))
    return checks


def healthy(checks: list[Check]) -> bool:
    """True when every required check passed: training and rendering will work."""
    return all(check.ok for check in checks if check.required)


def report(checks: list[Check]) -> str:
    """One line per check (ok, FAIL for a required failure, warn for an optional one), each failure with its fix."""
    width = max(len(check.name) for check in checks)
    lines = []
    for check in checks:
        mark = "ok  " if check.ok else ("FAIL" if check.required else "warn")
        lines.append(f"{mark}  {check.name.ljust(width)}  {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"      {' ' * width}  fix: {check.fix}")
    verdict = "training and rendering will work here" if healthy(checks) else "something training or rendering needs is broken; see FAIL"
    return "\n".join([*lines, "", verdict])


def as_json(checks: list[Check]) -> str:
    return json.dumps({"healthy": healthy(checks), "checks": [asdict(check) for check in checks]}, indent=2)
