"""Acting from an export (``agents.export``) with onnxruntime alone: no torch, no Stable-Baselines3.

:func:`make_env` builds the exported agent's env from its manifest, with the exported
language encoder hearing a spoken-command agent's words (``agents.onnx_policy``);
:func:`evaluate_export` plays seeded episodes with :class:`~agents.onnx_policy.OnnxPolicy`
and writes the same eval JSON as ``agents.evaluation``.

For one-hot and pixel agents nothing here imports torch (``tests/test_export.py`` runs the
loop with torch blocked). A spoken-command agent's simulated human says its commands with the
template grammar of ``perception.language``, which imports torch at its top: the words are
made there, and the acting (words -> belief -> action) runs in onnxruntime. A gesture agent's
simulated person performs with ``perception.gestures`` (torch imported there too); the
geometric reader that reads the clips is numpy rules, and the policy runs in onnxruntime.
"""

from __future__ import annotations

# lazy imports in this module: the ONNX acting path must run where torch is absent
# (tests/test_export.py blocks importing torch); only the paths that need torch or a
# simulator import them, inside the functions that do.
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.agents.onnx_policy import OnnxLanguageEncoder, OnnxPolicy, load_manifest
from robocue.configs import ConfigError
from robocue.envs.wrappers import wrap as wrap_frames
from robocue.files import write_json
from robocue.perception.command_splits import check_command_split, default_split
from robocue.stats import wilson_interval

EXPORT_DIR = "export"


def _spoken_commands(env: gym.Env, split: str, encoder: OnnxLanguageEncoder, features: str) -> gym.Env:
    # Imported here, not at the top: agents.commands imports torch, and one-hot and pixel
    # agents act from ONNX without torch imported at all (tests/test_export.py blocks it).
    from robocue.perception.command_channels import SpokenCommands, decoded, with_settled_fields

    class OnnxSpokenCommands(SpokenCommands):
        """SpokenCommands whose words are heard by the exported language encoder."""

        def _read(self, utterance: str) -> np.ndarray:
            belief = with_settled_fields(encoder.belief(utterance), encoder.read(utterance))
            return decoded(belief) if self.features == "decoded" else belief

    return OnnxSpokenCommands(env, split, encoder=encoder, features=features)


def _gesture_commands(env: gym.Env, split: str, manifest: dict) -> gym.Env:
    # Imported here, not at the top, for the reason _spoken_commands gives.
    from robocue.perception.command_channels import GestureCommands
    from robocue.perception.gestures.geometric import GeometricRecognizer

    reader = manifest.get("gesture_reader", "geometric")
    if reader != "geometric":
        raise ConfigError(f"acting from ONNX reads gestures with the geometric reader, not {reader!r} (use --runtime torch)")
    # The geometric reader is numpy rules, not a network: the export carries nothing for it.
    return GestureCommands(env, split, encoder=GeometricRecognizer(), features=manifest.get("command_features", "decoded"))


def make_env(manifest: dict, export_dir: str | Path, split: str | None = None, render_mode: str | None = None, **overrides) -> gym.Env:
    """The exported agent's env, as evaluation sees it (no training noise)."""
    env = gym.make(manifest["env_id"], render_mode=render_mode, **{**manifest["env_kwargs"], **overrides})
    env = wrap_frames(env, manifest["frame_stack"], 0.0, manifest.get("object_motion", False))
    commands = manifest["commands"]
    check_command_split(commands, split)
    if commands == "language":
        # Exports made before decoded features existed read belief features.
        encoder = OnnxLanguageEncoder(export_dir, manifest)
        env = _spoken_commands(env, split or default_split(commands), encoder, manifest.get("command_features", "belief"))
    elif commands == "gesture":
        env = _gesture_commands(env, split or default_split(commands), manifest)
    return env


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for package in ("robocue", "mujoco", "pybullet", "gymnasium", "onnxruntime"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def evaluate_export(
    run_dir: str | Path,
    episodes: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    int8: bool = False,
    commands: str | None = None,
    export_dir: str | Path | None = None,
    threads: int = 1,
) -> tuple[dict, Path]:
    """Plays seeded episodes with the ONNX export of ``run_dir`` (default ``RUN_DIR/export``).

    Writes ``RUN_DIR/eval_onnx.json`` (``eval_onnx_int8.json``; ``_<split>`` added for a
    spoken-command split) unless ``out`` is given. Episodes, seed and env are the run's, as
    ``robocue eval`` uses them, so the results pair episode by episode with the PyTorch ones.
    """
    run_dir = Path(run_dir)
    export_dir = Path(export_dir) if export_dir else run_dir / EXPORT_DIR
    manifest = load_manifest(export_dir)
    # The run's evaluation episodes and seed travel in the manifest: reading config.yaml
    # validates it against SB3's signatures, which imports torch.
    episodes = manifest["eval"]["episodes"] if episodes is None else episodes
    seed = manifest["eval"]["seed"] if seed is None else seed
    policy = OnnxPolicy(export_dir, int8=int8, threads=threads)
    env = make_env(manifest, export_dir, split=commands)
    records = []
    started = time.perf_counter()
    try:
        for index in range(episodes):
            observation, info = env.reset(seed=seed + index)
            episode_return, length, done = 0.0, 0, False
            while not done:
                observation, reward, terminated, truncated, info = env.step(policy.act(observation))
                episode_return += float(reward)
                length += 1
                done = terminated or truncated
            records.append(
                {
                    "seed": seed + index,
                    "return": episode_return,
                    "length": length,
                    "success": bool(info.get("is_success", False)),
                    "command": info.get("command"),
                }
            )
    finally:
        env.close()
    returns = np.array([r["return"] for r in records])
    successes = sum(r["success"] for r in records)
    low, high = wilson_interval(successes, len(records))
    result = {
        "agent": str(run_dir),
        "runtime": "onnx",
        "model_file": str(policy.path),
        "int8": int8,
        "deterministic": True,
        "commands": commands or default_split(manifest["commands"]),
        "env_id": manifest["env_id"],
        "n_episodes": len(records),
        "success_rate": successes / len(records),
        "success_ci": [low, high],
        "mean_return": float(returns.mean()),
        "std_return": float(returns.std()),
        "mean_length": float(np.mean([r["length"] for r in records])),
        "episodes": records,
        "seeds": [seed + i for i in range(episodes)],
        "wall_time_s": time.perf_counter() - started,
        "versions": _versions(),
    }
    suffix = "_".join(part for part in ("onnx", "int8" if int8 else None, commands) if part)
    path = Path(out) if out else run_dir / f"eval_{suffix}.json"
    write_json(path, result)
    return result, path


def replay_export(
    run_dir: str | Path,
    episodes: int = 2,
    seed: int | None = None,
    out: str | Path | None = None,
    width: int = 480,
    height: int = 360,
    int8: bool = False,
    export_dir: str | Path | None = None,
) -> dict:
    """Records the ONNX export of ``run_dir`` acting on seeds ``seed, seed+1, ...`` into one MP4
    (default ``RUN_DIR/videos/replay_onnx_seed<S>_x<N>.mp4``)."""
    # Imported here: agents.replay imports agents.agent and with it torch, which evaluation from
    # ONNX never loads (tests/test_export.py blocks it); the video writer is the only part used.
    from robocue.agents.replay import record_episodes

    run_dir = Path(run_dir)
    export_dir = Path(export_dir) if export_dir else run_dir / EXPORT_DIR
    manifest = load_manifest(export_dir)
    seed = manifest["eval"]["seed"] if seed is None else seed
    policy = OnnxPolicy(export_dir, int8=int8)
    name = f"replay_onnx{'_int8' if int8 else ''}_seed{seed}_x{episodes}.mp4"
    path = Path(out) if out else run_dir / "videos" / name
    env = make_env(manifest, export_dir, render_mode="rgb_array", render_width=width, render_height=height)
    try:
        return record_episodes(env, policy.act, path, [seed + i for i in range(episodes)])
    finally:
        env.close()


def follow_command_export(run_dir: str | Path, text: str, seed: int, out: str | Path, width: int = 480, height: int = 360) -> dict:
    """``agents.commands.follow_command`` from the ONNX export of a spoken-command agent: the
    exported encoder understands ``text``, the scene is the first seed from ``seed`` whose
    command fits it, and the exported policy acts one recorded episode."""
    # Imported here: both modules import torch (see replay_export).
    from robocue.agents.follow import find_scene
    from robocue.agents.replay import record_episodes

    export_dir = Path(run_dir) / EXPORT_DIR
    manifest = load_manifest(export_dir)
    if manifest["commands"] != "language":
        raise ValueError(f"this agent was trained with env.commands={manifest['commands']}, so it cannot hear words")
    policy = OnnxPolicy(export_dir)
    env = make_env(manifest, export_dir, render_mode="rgb_array", render_width=width, render_height=height)
    try:
        spoken = env
        while not hasattr(spoken, "utterance"):
            spoken = spoken.env
        understood = OnnxLanguageEncoder(export_dir, manifest).understand(text)
        spoken.utterance = text
        scene_seed = find_scene(env, understood, seed)
        record = record_episodes(env, policy.act, out, [scene_seed])
    finally:
        env.close()
    episode = record["episodes"][0]
    return {"text": text, "understood": understood, "seed": scene_seed, "success": episode["success"], "video": record["path"]}
