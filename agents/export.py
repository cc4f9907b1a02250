"""Export an agent's acting path (and its command encoder's feature path) to ONNX or TorchScript.

What goes into ``policy.onnx`` is everything between the observation the env returns and
the action the env takes: the preprocessing Stable-Baselines3 applies (images HWC uint8 ->
CHW float in [0, 1]), the features extractor, the policy head and the deterministic action
(the Gaussian's mean, clipped to the action space for PPO; tanh of the mean, rescaled, for
SAC). A spoken-command agent's language encoder goes to ``language_encoder.onnx``: token ids
``(1, L)`` -> the belief features the policy reads (``agents.commands.SpokenCommands``), with
the vocabulary and the tokenizer's rules in the manifest. ``manifest.json`` names every
input (name, shape, dtype), the output and the observation layout, so that a program outside
robocue can feed the files; ``agents.onnx_runtime`` is robocue's own reader and runs without
torch.

``int8``: dynamic int8 (weights int8, activations quantised on the fly) for MLP policies;
static int8 for CNN policies, calibrated on observations recorded from the float policy
acting in its env (``CALIBRATION_EPISODES`` episodes).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from robocue.agents.agent import Agent
from robocue.configs import ConfigError
from robocue.files import atomic_path, write_json
from robocue.perception import language
from robocue.perception.command_channels import BELIEF_FIELDS, GestureCommands, SpokenCommands
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.gestures import LABELS
from robocue.perception.gestures.encoder import _INPUT_DIM
from robocue.perception.words import APOSTROPHES, NON_WORD

FORMATS = ("onnx", "torchscript")
EXPORT_DIR = "export"
MANIFEST_FILE = "manifest.json"
POLICY_FILE = {"onnx": "policy.onnx", "torchscript": "policy.pt"}
POLICY_INT8_FILE = "policy_int8.onnx"
LANGUAGE_FILE = "language_encoder.onnx"
GESTURE_FILE = "gesture_encoder.onnx"
ACTION_NAME = "action"
OPSET = 17
CALIBRATION_EPISODES = 8
MANIFEST_FORMAT = "robocue-export/1"


def _image_keys(space: gym.spaces.Space) -> set[str]:
    if isinstance(space, gym.spaces.Dict):
        return {key for key, sub in space.spaces.items() if len(sub.shape) == 3}
    return set()


class ActingPath(nn.Module):
    """observation (as the env returns it) -> deterministic action, in one graph.

    Args:
        policy: An SB3 policy (``model.policy``) in eval mode.
        env_space: The env's observation space (its image keys may be HWC where the policy's are CHW).
        action_space: The env's Box action space.
    """

    def __init__(self, policy, env_space: gym.spaces.Space, action_space: gym.spaces.Box):
        super().__init__()
        self.policy = policy
        self.is_dict = isinstance(env_space, gym.spaces.Dict)
        self.keys = list(env_space.spaces) if self.is_dict else ["observation"]
        policy_space = policy.observation_space
        self.transpose = {}
        for key in self.keys:
            env_shape = env_space[key].shape if self.is_dict else env_space.shape
            policy_shape = policy_space[key].shape if self.is_dict else policy_space.shape
            self.transpose[key] = len(env_shape) == 3 and tuple(env_shape) != tuple(policy_shape)
        self.squash = bool(getattr(policy, "squash_output", False))
        self.register_buffer("low", torch.as_tensor(action_space.low, dtype=torch.float32))
        self.register_buffer("high", torch.as_tensor(action_space.high, dtype=torch.float32))

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        observation = {}
        for key, value in zip(self.keys, inputs):
            value = value.to(torch.float32)  # SB3's preprocess_obs divides images by 255 itself
            observation[key] = value.permute(0, 3, 1, 2) if self.transpose[key] else value
        action = self.policy._predict(observation if self.is_dict else observation["observation"], deterministic=True)
        if self.squash:  # SAC: tanh-squashed in [-1, 1] -> the action space
            return self.low + 0.5 * (action + 1.0) * (self.high - self.low)
        return torch.maximum(torch.minimum(action, self.high), self.low)


class LanguageBeliefPath(nn.Module):
    """Token ids ``(1, L)`` of one utterance -> the belief features ``(1, 19)`` a spoken-command
    policy reads: the encoder's bidirectional GRU, max-pooled over the words, its decoding
    head's per-field softmax. One utterance needs no padding, so the GRU runs unpacked."""

    def __init__(self, encoder):
        super().__init__()
        if encoder.pooling != "max":
            raise ConfigError(f"export handles language encoders with max pooling; this one pools {encoder.pooling!r}")
        self.encoder = encoder

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.encoder.gru(self.encoder.embedding(token_ids))
        embedding = self.encoder.project(outputs.max(dim=1).values)
        logits = self.encoder.decoder(embedding)
        return torch.cat([torch.softmax(logits[field], dim=-1) for field in DECODER_FIELDS], dim=-1)


class GestureNetworkPath(nn.Module):
    """The gesture encoder after its landmark normalisation (which uses ``torch.cummax``, with no
    ONNX translation; ``agents.onnx_policy.normalize_landmarks`` is its numpy twin): normalised
    per-frame features, validity, hand axis and mirror -> command features, per-frame class
    logits and the index finger's image direction, as ``GestureEncoder.encode`` computes them."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, features, valid, axis, mirror):
        encoder, valid = self.encoder, valid > 0.5
        x = encoder.input(features).transpose(1, 2)
        for block in encoder.blocks:
            x = block(x)
        h = x.transpose(1, 2)
        frame_logits = encoder.frame_head(h)
        local = encoder.direction_head(torch.cat([h, features[..., :60]], dim=-1))  # the 20 hand landmarks
        angle = axis + torch.atan2(local[..., 1], local[..., 0]) * mirror[:, None]
        direction = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
        w = valid[..., None].float()
        mean = (h * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        peak = torch.where(valid[..., None], h, torch.full_like(h, -1e4)).max(dim=1).values
        share = (frame_logits.softmax(dim=-1) * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        return encoder.command(torch.cat([mean, peak, share], dim=-1)), frame_logits, direction


def export_gesture_encoder(encoder, out_dir: Path) -> dict:
    """Writes ``encoder``'s network (after normalisation) to ``out_dir``; returns ``{"gesture_encoder": spec}``."""

    frames = 40
    args = (torch.zeros(1, frames, _INPUT_DIM), torch.ones(1, frames), torch.zeros(1, frames), torch.ones(1))
    names = ["features", "valid", "axis", "mirror"]
    dynamic = {"features": {1: "frames"}, "valid": {1: "frames"}, "axis": {1: "frames"}}
    dynamic |= {"frame_logits": {1: "frames"}, "direction": {1: "frames"}}
    path = GestureNetworkPath(encoder.eval()).eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            path,
            args,
            str(Path(out_dir) / GESTURE_FILE),
            input_names=names,
            output_names=["command_features", "frame_logits", "direction"],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )
    spec = {
        "file": GESTURE_FILE,
        "inputs": "agents.onnx_policy.normalise_landmarks of float32 (1, frames, 21, 3) MediaPipe hand landmarks",
        "outputs": {
            "command_features": [1, int(encoder.out_dim)],
            "frame_logits": [1, "frames", len(LABELS)],
            "direction": [1, "frames", 2],
        },
        "labels": list(LABELS),
    }
    return {"gesture_encoder": spec}


def input_specs(env_space: gym.spaces.Space) -> list[dict]:
    """The manifest's inputs: one per observation key (``observation`` for a flat state), batch first."""
    spaces = env_space.spaces if isinstance(env_space, gym.spaces.Dict) else {"observation": env_space}
    return [{"name": key, "shape": ["batch", *map(int, space.shape)], "dtype": str(np.dtype(space.dtype))} for key, space in spaces.items()]


def example_inputs(specs: list[dict], batch: int = 1) -> tuple[torch.Tensor, ...]:
    tensors = []
    for spec in specs:
        shape = (batch, *spec["shape"][1:])
        dtype = getattr(torch, spec["dtype"])
        tensors.append(torch.zeros(shape, dtype=dtype))
    return tuple(tensors)


def is_cnn(env_space: gym.spaces.Space) -> bool:
    return bool(_image_keys(env_space))


def record_observations(agent: Agent, episodes: int, seed: int, max_observations: int | None = None) -> dict[str, np.ndarray]:
    """Observations the float PyTorch policy meets acting in its env (seeds ``seed, seed+1, ...``),
    stacked per input name: calibration data for static int8 and test data for parity checks. With
    ``max_observations``, that many spread evenly over all the episodes."""
    env = agent.make_env()
    specs = input_specs(env.observation_space)
    names = [spec["name"] for spec in specs]
    recorded: dict[str, list] = {name: [] for name in names}
    policy = agent.policy_for(env)
    try:
        for index in range(episodes):
            observation, _ = env.reset(seed=seed + index)
            done = False
            while not done:
                for name in names:
                    recorded[name].append(np.asarray(observation[name] if isinstance(observation, dict) else observation))
                observation, _, terminated, truncated, _ = env.step(policy(observation))
                done = terminated or truncated
    finally:
        env.close()
    stacked = {name: np.stack(values) for name, values in recorded.items()}
    count = len(next(iter(stacked.values())))
    if max_observations is not None and count > max_observations:
        # Spread over all the episodes, not the first ones only: 400 observations are two whole episodes of
        # GoTo, whose static int8 calibrated on those lost 0.075 of success.
        keep = np.linspace(0, count - 1, max_observations).round().astype(int)
        stacked = {name: values[keep] for name, values in stacked.items()}
    return stacked


def _export_onnx(module: nn.Module, args: tuple, path: Path, input_names: list[str], output_name: str, dynamic: dict) -> None:
    # The TorchScript-based exporter (dynamo=False): the dynamo one needs onnxscript, an extra
    # dependency. Its tracer warns about Python-side shape checks in nn.GRU, which hold for one utterance.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            args,
            str(path),
            input_names=input_names,
            output_names=[output_name],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )


def _language_manifest(encoder) -> dict:

    return {
        "file": LANGUAGE_FILE,
        "input": {"name": "token_ids", "shape": [1, "words"], "dtype": "int64"},
        "output": {"name": "belief", "shape": [1, sum(size for _, size in BELIEF_FIELDS.values())], "dtype": "float32"},
        "fields": {field: list(classes) for field, classes in DECODER_FIELDS.items()},
        "field_offsets": {field: list(span) for field, span in BELIEF_FIELDS.items()},
        "tokenizer": {
            "words": list(encoder.tokenizer.itos),
            "pad_id": language.Tokenizer.pad_id,
            "unk_id": language.Tokenizer.unk_id,
            "max_len": encoder.tokenizer.max_len,
            "lowercase": True,
            "remove": APOSTROPHES.pattern,
            "split": NON_WORD.pattern,
        },
    }


def export_language_encoder(encoder, out_dir: Path, fmt: str = "onnx") -> dict:
    """Writes ``encoder``'s feature path (words -> belief) to ``out_dir``; returns ``{"language_encoder": spec}``."""
    path = LanguageBeliefPath(encoder.eval()).eval()
    ids = torch.tensor([encoder.tokenizer.encode("touch the red cube")], dtype=torch.long)
    spec = _language_manifest(encoder)
    with torch.no_grad():
        if fmt == "onnx":
            _export_onnx(path, (ids,), Path(out_dir) / LANGUAGE_FILE, ["token_ids"], "belief", {"token_ids": {1: "words"}})
        else:
            spec["file"] = "language_encoder.pt"
            torch.jit.trace(path, (ids,)).save(str(Path(out_dir) / spec["file"]))
    return {"language_encoder": spec}


def _find_wrapper(env: gym.Env, kind: type) -> gym.Env | None:
    while isinstance(env, gym.Wrapper):
        if isinstance(env, kind):
            return env
        env = env.env
    return None


# Static int8 scopes for CNN policies: every op onnxruntime can quantise, or only the convolutions and
# dense layers (the FiLM products and sums and the keypoint head's soft-argmax stay float32). Which one
# keeps a policy closer to float32 differs from policy to policy (docs/export.md), so both are tried.
STATIC_INT8_SCOPES = {"all": None, "conv+dense": ("Conv", "Gemm", "MatMul")}


def _actions(path: Path, observations: dict[str, np.ndarray]) -> np.ndarray:
    """The ONNX policy at ``path`` acting on each recorded observation, one at a time."""
    # lazy import: onnx_policy imports onnxruntime, the export's optional extra; only --int8 on a CNN policy needs a session here.
    from robocue.agents.onnx_policy import session

    policy = session(path)
    count = len(next(iter(observations.values())))
    return np.concatenate([policy.run(None, {name: values[i : i + 1] for name, values in observations.items()})[0] for i in range(count)])


def quantize_int8(
    float_path: Path,
    out_path: Path,
    cnn: bool,
    calibration: dict[str, np.ndarray] | None = None,
    check: dict[str, np.ndarray] | None = None,
) -> dict:
    """Writes an int8 copy of ``float_path``; returns how (``{"method": "dynamic"}``, or for a CNN
    ``{"method": "static", "scope", "action_error"}``).

    A CNN policy is quantised statically on ``calibration`` in each of ``STATIC_INT8_SCOPES``; the
    scope kept is the one whose actions on ``check`` (observations apart from the calibration ones)
    differ least from the float32 policy's (mean absolute difference, ``action_error`` for each scope).
    """
    # lazy import: onnxruntime's quantiser takes 0.89 s to import (`python -X importtime`, 2-core
    # machine under load) and only --int8 needs it.
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(float_path), str(prepared), skip_symbolic_shape=True)
        if not cnn:
            quantize_dynamic(str(prepared), str(out_path), weight_type=QuantType.QInt8)
            return {"method": "dynamic"}
        if not calibration or not check:
            raise ValueError("static int8 needs calibration observations and observations to check it on")

        class Reader(CalibrationDataReader):
            def __init__(self):
                count = len(next(iter(calibration.values())))
                self.rows = iter(range(count))

            def get_next(self):
                row = next(self.rows, None)
                return None if row is None else {name: values[row : row + 1] for name, values in calibration.items()}

        reference = _actions(float_path, check)
        errors, candidates = {}, {}
        for scope, ops in STATIC_INT8_SCOPES.items():
            candidates[scope] = candidate = Path(tmp) / f"int8_{len(candidates)}.onnx"
            quantize_static(
                str(prepared),
                str(candidate),
                Reader(),
                quant_format=QuantFormat.QDQ,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                per_channel=True,
                **({"op_types_to_quantize": list(ops)} if ops else {}),
            )
            errors[scope] = round(float(np.abs(_actions(candidate, check) - reference).mean()), 5)
        best = min(errors, key=errors.get)
        shutil.copyfile(candidates[best], out_path)
        return {"method": "static", "scope": best, "action_error": errors}


def export_run(run_dir: str | Path, fmt: str = "onnx", int8: bool = False, out: str | Path | None = None, progress=print) -> dict:
    """Exports the agent in ``run_dir`` to ``out`` (default ``RUN_DIR/export``); returns the manifest.

    Raises:
        ConfigError: ``fmt`` is not one of ``FORMATS``, ``int8`` with TorchScript, or the
            run has no model (from ``Agent.load``).
    """
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r} is not one of: {', '.join(FORMATS)}")
    if int8 and fmt != "onnx":
        raise ConfigError("--int8 quantises ONNX files; use --format onnx")
    agent = Agent.load(run_dir, device="cpu")
    config = agent.config
    policy = agent.model.policy.eval()
    env = agent.make_env()
    try:
        env_space, action_space = env.observation_space, env.action_space
        layout = getattr(env, "observation_layout", None) or getattr(env.unwrapped, "observation_layout", None)
        spoken = _find_wrapper(env, SpokenCommands)
        gestures = _find_wrapper(env, GestureCommands)
    finally:
        env.close()
    if not isinstance(action_space, gym.spaces.Box):
        raise ConfigError(f"export handles Box action spaces; this agent's is {action_space}")
    specs = input_specs(env_space)
    names = [spec["name"] for spec in specs]
    out_dir = Path(out) if out else Path(run_dir) / EXPORT_DIR
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {str(out_dir)!r} exists and is not a folder")
    acting = ActingPath(policy, env_space, action_space).eval()
    cnn = is_cnn(env_space)
    manifest = {
        "format": MANIFEST_FORMAT,
        "runtime": fmt,
        "run_dir": str(run_dir),
        "env_id": config.env.id,
        "env_kwargs": dict(config.env.kwargs),
        "frame_stack": config.env.frame_stack,
        "object_motion": config.env.object_motion,
        "commands": config.env.commands,
        "command_features": config.env.command_features,
        "algo": config.algo.name,
        "eval": {"episodes": config.eval.episodes, "seed": config.eval.seed},
        "policy_kind": "cnn" if cnn else "mlp",
        "parameters": int(sum(p.numel() for p in policy.actor.parameters()) if hasattr(policy, "actor") else _acting_parameters(policy)),
        "inputs": specs,
        "output": {"name": ACTION_NAME, "shape": ["batch", int(action_space.shape[0])], "dtype": "float32"},
        "action_low": action_space.low.tolist(),
        "action_high": action_space.high.tolist(),
        "observation_layout": _plain(layout),
        "preprocessing": "inside the graph: images HWC uint8 -> CHW float / 255; other inputs float32 as the env returns them",
        "files": {},
    }
    staging = Path(tempfile.mkdtemp(prefix=".export.", dir=out_dir.parent if out_dir.parent.exists() else None))
    try:
        started = time.perf_counter()
        examples = example_inputs(specs)
        with torch.no_grad():
            if fmt == "torchscript":
                traced = torch.jit.trace(acting, examples)
                traced.save(str(staging / POLICY_FILE["torchscript"]))
            else:
                dynamic = {name: {0: "batch"} for name in names} | {ACTION_NAME: {0: "batch"}}
                _export_onnx(acting, examples, staging / POLICY_FILE["onnx"], names, ACTION_NAME, dynamic)
        manifest["files"]["policy"] = POLICY_FILE[fmt]
        progress(f"exported the acting path ({manifest['parameters']:,} parameters) in {time.perf_counter() - started:.1f} s")
        if spoken is not None:
            if spoken.features == "embedding":
                raise ConfigError("export handles language agents that read decoded or belief features; this one reads raw embeddings")
            manifest.update(export_language_encoder(spoken.encoder, staging, fmt))
            manifest["files"]["language_encoder"] = manifest["language_encoder"]["file"]
        if gestures is not None:
            if isinstance(gestures.encoder, nn.Module):  # the learned reader: its network goes along
                manifest["gesture_reader"] = "learned"
                if fmt == "onnx":
                    manifest.update(export_gesture_encoder(gestures.encoder, staging))
                    manifest["files"]["gesture_encoder"] = GESTURE_FILE
            else:  # the geometric reader: numpy rules that ship with robocue, no network to export
                manifest["gesture_reader"] = "geometric"
        if int8:
            calibration = check = None
            if cnn:
                progress(f"recording 2 x {CALIBRATION_EPISODES} episodes of observations to calibrate static int8 and check it ...")
                calibration = record_observations(agent, CALIBRATION_EPISODES, seed=config.eval.seed + 50_000, max_observations=400)
                check = record_observations(agent, CALIBRATION_EPISODES, seed=config.eval.seed + 60_000, max_observations=400)
            how = quantize_int8(staging / POLICY_FILE["onnx"], staging / POLICY_INT8_FILE, cnn, calibration, check)
            manifest["files"]["policy_int8"] = POLICY_INT8_FILE
            manifest["int8"] = {**how, "calibration_episodes": CALIBRATION_EPISODES if cnn else 0}
        manifest["sizes_kb"] = {key: round((staging / name).stat().st_size / 1024, 1) for key, name in manifest["files"].items()}
        write_json(staging / MANIFEST_FILE, manifest)
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in staging.iterdir():  # each file moved whole: a reader never sees half of one
            with atomic_path(out_dir / item.name) as tmp:
                shutil.copyfile(item, tmp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest["out_dir"] = str(out_dir)
    return manifest


def _acting_parameters(policy) -> int:
    """Parameters on the acting path of an actor-critic policy (extractor(s) used by the actor + actor MLP + action head)."""
    extractor = getattr(policy, "pi_features_extractor", None) or policy.features_extractor
    total = sum(p.numel() for p in extractor.parameters())
    total += sum(p.numel() for p in policy.mlp_extractor.policy_net.parameters())
    total += sum(p.numel() for p in policy.action_net.parameters())
    return int(total)


def _plain(value):
    """JSON-ready copy of an observation layout (tuples -> lists)."""
    return json.loads(json.dumps(value, default=list)) if value is not None else None
