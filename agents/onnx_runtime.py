"""Acting from an export (``agents.export``) with onnxruntime alone: no torch, no Stable-Baselines3.

:class:`OnnxPolicy` reads ``manifest.json`` and ``policy.onnx`` (or ``policy_int8.onnx``) and
maps an observation, as the env returns it, to the action. :class:`OnnxLanguageEncoder`
tokenises words by the manifest's rules and runs ``language_encoder.onnx`` into the belief
features a spoken-command policy reads. :func:`evaluate_export` plays seeded episodes and
writes the same eval JSON as ``agents.evaluation``.

For one-hot and pixel agents nothing here imports torch (``tests/test_export.py`` runs the
loop with torch blocked). A spoken-command agent's simulated human says its commands with the
template grammar of ``perception.language``, which imports torch at its top: the words are
made there, and the acting (words -> belief -> action) runs in onnxruntime.
"""

from __future__ import annotations

import json
import math
import platform
import re
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import gymnasium as gym
import numpy as np
import onnxruntime as ort

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.agents.runs import write_json
from robocue.configs import ConfigError
from robocue.envs.wrappers import wrap as wrap_frames

MANIFEST_FILE = "manifest.json"
EXPORT_DIR = "export"


def load_manifest(export_dir: str | Path) -> dict:
    """The manifest of an export folder, with a one-line error when there is none."""
    path = Path(export_dir) / MANIFEST_FILE
    if not path.is_file():
        raise ConfigError(f"{str(export_dir)!r} holds no {MANIFEST_FILE}; make one with `robocue export RUN_DIR`")
    return json.loads(path.read_text())


def session(path: str | Path, threads: int = 1) -> ort.InferenceSession:
    """An onnxruntime CPU session on ``threads`` intra-op threads (and one inter-op thread)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxPolicy:
    """The exported acting path: observation -> deterministic action.

    Args:
        export_dir: A folder written by ``robocue export``.
        int8: Use ``policy_int8.onnx`` (``robocue export --int8``).
        threads: onnxruntime intra-op threads.
    """

    def __init__(self, export_dir: str | Path, int8: bool = False, threads: int = 1):
        self.export_dir = Path(export_dir)
        self.manifest = load_manifest(export_dir)
        if self.manifest.get("runtime") != "onnx":
            raise ConfigError(f"{str(export_dir)!r} holds a {self.manifest.get('runtime')} export; export with --format onnx")
        key = "policy_int8" if int8 else "policy"
        if key not in self.manifest["files"]:
            raise ConfigError(f"{str(export_dir)!r} has no int8 policy; export it with `robocue export RUN_DIR --int8`")
        self.path = self.export_dir / self.manifest["files"][key]
        self.session = session(self.path, threads)
        self.inputs = [(spec["name"], np.dtype(spec["dtype"])) for spec in self.manifest["inputs"]]
        self.is_dict = not (len(self.inputs) == 1 and self.inputs[0][0] == "observation")

    def feeds(self, observation) -> dict[str, np.ndarray]:
        """The session's inputs for one observation (or a batch, when it already has one)."""
        if self.is_dict:
            return {
                name: _batched(np.asarray(observation[name], dtype=dtype), spec)
                for (name, dtype), spec in zip(self.inputs, self.manifest["inputs"])
            }
        name, dtype = self.inputs[0]
        return {name: _batched(np.asarray(observation, dtype=dtype), self.manifest["inputs"][0])}

    def act(self, observation) -> np.ndarray:
        """The action for one observation, shape ``(action_dim,)``."""
        return self.session.run(None, self.feeds(observation))[0][0]

    def act_batch(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(None, feeds)[0]


def _batched(value: np.ndarray, spec: dict) -> np.ndarray:
    return value[None] if value.ndim == len(spec["shape"]) - 1 else value


class OnnxLanguageEncoder:
    """Words -> the belief features (per-field probabilities) of the exported language encoder."""

    def __init__(self, export_dir: str | Path, manifest: dict, threads: int = 1):
        spec = manifest["language_encoder"]
        self.spec = spec
        tokenizer = spec["tokenizer"]
        self.stoi = {word: index for index, word in enumerate(tokenizer["words"])}
        self.unk_id, self.max_len = tokenizer["unk_id"], tokenizer["max_len"]
        self.remove, self.split = re.compile(tokenizer["remove"]), re.compile(tokenizer["split"])
        self.session = session(Path(export_dir) / spec["file"], threads)
        self.out_dim = spec["output"]["shape"][1]

    def token_ids(self, text: str) -> np.ndarray:
        words = [w for w in self.split.split(self.remove.sub("", str(text).lower())) if w][: self.max_len]
        ids = [self.stoi.get(word, self.unk_id) for word in words] or [self.unk_id]
        return np.asarray([ids], dtype=np.int64)

    def belief(self, text: str) -> np.ndarray:
        return self.session.run(None, {"token_ids": self.token_ids(text)})[0][0]

    def understand(self, text: str) -> dict:
        """The most probable class of each field (None for "not said"), as ``LanguageEncoder.understand``."""
        belief = self.belief(text)
        understood = {}
        for field, (offset, size) in self.spec["field_offsets"].items():
            label = self.spec["fields"][field][int(np.argmax(belief[offset : offset + size]))]
            understood[field] = None if label in (None, "none", "<none>") else label
        return understood


def _spoken_commands(env: gym.Env, split: str, encoder: OnnxLanguageEncoder) -> gym.Env:
    # Imported here, not at the top: agents.commands imports torch, and one-hot and pixel
    # agents act from ONNX without torch imported at all (tests/test_export.py blocks it).
    from robocue.agents.commands import SpokenCommands

    class OnnxSpokenCommands(SpokenCommands):
        """SpokenCommands whose words are heard by the exported language encoder."""

        def _hear(self, command: dict) -> tuple[np.ndarray, dict]:
            utterance = self.utterance if self.utterance is not None else self.say(command, self._rng, split=self.split)
            heard = {"utterance": utterance, "split": self.split if self.utterance is None else "person"}
            return encoder.belief(utterance), heard

    return OnnxSpokenCommands(env, split, encoder=encoder, features="belief")


def make_env(manifest: dict, export_dir: str | Path, split: str | None = None, render_mode: str | None = None, **overrides) -> gym.Env:
    """The exported agent's env, as evaluation sees it (no training noise)."""
    env = gym.make(manifest["env_id"], render_mode=render_mode, **{**manifest["env_kwargs"], **overrides})
    env = wrap_frames(env, manifest["frame_stack"], 0.0)
    commands = manifest["commands"]
    if commands == "language":
        env = _spoken_commands(env, split or "train", OnnxLanguageEncoder(export_dir, manifest))
    elif commands == "gesture":
        raise ConfigError("acting from ONNX handles one-hot and spoken-command agents; this one follows gestures (use --runtime torch)")
    elif split is not None:
        raise ConfigError(f"--commands {split}: this agent was trained on one-hot commands")
    return env


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval, as ``agents.evaluation.wilson_interval`` (kept here so this module needs no torch)."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


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
        "commands": commands or ("train" if manifest["commands"] == "language" else None),
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
