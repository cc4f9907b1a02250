"""An exported policy and language encoder, read with onnxruntime and numpy only.

:class:`OnnxPolicy` reads ``manifest.json`` and ``policy.onnx`` (or ``policy_int8.onnx``),
written by ``robocue export``, and maps an observation, as the env returns it, to the action.
:class:`OnnxLanguageEncoder` tokenises words by the manifest's rules and runs
``language_encoder.onnx`` into the belief features a spoken-command policy reads. This module
imports neither torch nor the simulators: it is what a robot's computer needs to act
(``agents.onnx_runtime`` adds the simulated envs and evaluation).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import onnxruntime as ort

from robocue.perception.clarify import read_request
from robocue.perception.words import word_mapper

MANIFEST_FILE = "manifest.json"
EXPORT_DIR = "export"


def load_manifest(export_dir: str | Path) -> dict:
    """The manifest of an export folder, with a one-line error when there is none."""
    path = Path(export_dir) / MANIFEST_FILE
    if not path.is_file():
        raise ValueError(f"{str(export_dir)!r} holds no {MANIFEST_FILE}; make one with `robocue export RUN_DIR`")
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
            raise ValueError(f"{str(export_dir)!r} holds a {self.manifest.get('runtime')} export; export with --format onnx")
        key = "policy_int8" if int8 else "policy"
        if key not in self.manifest["files"]:
            raise ValueError(f"{str(export_dir)!r} has no int8 policy; export it with `robocue export RUN_DIR --int8`")
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
        self.mapper = word_mapper(tuple(tokenizer["words"]))
        self.session = session(Path(export_dir) / spec["file"], threads)
        self.out_dim = spec["output"]["shape"][1]

    def read(self, text: str) -> list[tuple[str, str | None]]:
        """Each word of ``text`` with the known word it is read as (None: ``<unk>``), as the PyTorch
        tokenizer's ``read``: a word the vocabulary lacks is read as a known one when it can be
        (:class:`~perception.words.WordMapper`)."""
        read = read_request(text, self._words, self.stoi, self.mapper)  # as PyTorch reads it (a scene set first: left out)
        return [(word, known) for word, known in read if known != ""][: self.max_len]

    def _words(self, text: str) -> list[str]:
        return [w for w in self.split.split(self.remove.sub("", str(text).lower())) if w]

    def token_ids(self, text: str) -> np.ndarray:
        """Token ids of ``text`` (:meth:`read`), else ``<unk>``."""
        mapped = [known for _, known in self.read(text)]
        ids = [self.unk_id if word is None else self.stoi[word] for word in mapped] or [self.unk_id]
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


_CHAINS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))


def _joint_cosines(points: np.ndarray) -> np.ndarray:
    out = []
    for chain in _CHAINS:
        bones = [points[..., chain[i + 1], :] - points[..., chain[i], :] for i in range(4)]
        for i in range(3):
            a, b = bones[i], bones[i + 1]
            norms = np.maximum(np.linalg.norm(a, axis=-1), 1e-6) * np.maximum(np.linalg.norm(b, axis=-1), 1e-6)
            out.append((a * b).sum(axis=-1) / norms)
    return np.stack(out, axis=-1)


def normalize_landmarks(landmarks: np.ndarray) -> dict[str, np.ndarray]:
    """numpy twin of ``perception.gestures.normalize_landmarks`` (feature version 2; the exported
    gesture network's inputs; ``torch.cummax`` there has no ONNX translation, so this step runs
    outside the graph).

    Args:
        landmarks: ``(B, T, 21, 3)`` MediaPipe hand landmarks.

    Returns:
        ``features`` ``(B, T, 101)``, ``valid`` ``(B, T)`` float32 1/0, ``axis`` ``(B, T)``, ``mirror`` ``(B,)``.
    """
    lm = np.asarray(landmarks, dtype=np.float32)
    b, t = lm.shape[:2]
    finite = np.isfinite(lm).all(axis=(-1, -2)) & (np.nan_to_num(lm, nan=0.0) != 0).any(axis=(-1, -2))
    repeat = np.zeros_like(finite)
    repeat[:, 1:] = (lm[:, 1:] == lm[:, :-1]).all(axis=(-1, -2)) & finite[:, 1:]
    valid = finite & ~repeat
    if not finite.any(axis=1).all():
        raise ValueError("gesture clip has no valid frame: every frame is dropped (NaN or all zeros)")
    valid = valid | (finite & ~valid.any(axis=1, keepdims=True))
    lm = np.where(valid[..., None, None], lm, np.float32(0.0))
    steps = np.broadcast_to(np.arange(t), (b, t))
    before = np.maximum.accumulate(np.where(valid, steps, -1), axis=1)
    after = t - 1 - np.maximum.accumulate(np.where(valid, t - 1 - steps, -1)[:, ::-1], axis=1)[:, ::-1]
    first = np.broadcast_to(valid.argmax(axis=1)[:, None], (b, t))
    last = np.broadcast_to((t - 1 - valid[:, ::-1].argmax(axis=1))[:, None], (b, t))
    before = np.where(before < 0, first, before)
    after = np.where(after > t - 1, last, after)
    w = np.clip((steps - before) / np.maximum(after - before, 1), 0.0, 1.0).astype(np.float32)[..., None, None]
    gather = lambda index: np.take_along_axis(lm, np.broadcast_to(index[..., None, None], (b, t, 21, 3)), axis=1)  # noqa: E731
    lm = gather(before) * (1 - w) + gather(after) * w
    lm = lm * np.array([1.0, -1.0, 1.0], dtype=np.float32)  # y up from here on
    wrist = lm[:, :, 0, :]
    rel = lm - wrist[:, :, None, :]
    palm_len = np.linalg.norm(rel[:, :, 9, :], axis=-1)
    # torch.nanmedian takes the lower middle value of an even count (np.nanmedian averages the two)
    palm = np.array([np.sort(row[keep])[(keep.sum() - 1) // 2] for row, keep in zip(palm_len, valid)], dtype=np.float32)
    palm = np.maximum(palm, np.float32(1e-4))
    rel = rel / palm[:, None, None, None]
    axis = np.arctan2(rel[:, :, 9, 1], rel[:, :, 9, 0])
    turn = np.float32(np.pi / 2) - axis
    cos, sin = np.cos(turn)[..., None], np.sin(turn)[..., None]
    x = cos * rel[..., 0] - sin * rel[..., 1]
    y = sin * rel[..., 0] + cos * rel[..., 1]
    side = ((x[:, :, 5] - x[:, :, 17]) * valid).sum(axis=1)
    mirror = np.where(side >= 0, 1.0, -1.0).astype(np.float32)
    x = x * mirror[:, None, None]
    points = np.stack([x, y, rel[..., 2]], axis=-1)
    shape = points[:, :, 1:, :].reshape(b, t, -1)
    flat = np.concatenate([points[..., :2], np.zeros_like(points[..., :1])], axis=-1)
    lengths = np.stack(
        [sum(np.linalg.norm(points[..., c[i + 1], :] - points[..., c[i], :], axis=-1) for i in range(4)) for c in _CHAINS], -1
    )
    reach = np.stack([np.linalg.norm(points[..., c[4], :] - points[..., c[0], :], axis=-1) for c in _CHAINS], axis=-1)
    extension = reach / np.maximum(lengths, 1e-4)
    local_palm = np.maximum(palm_len, 1e-4)
    velocity = np.diff(wrist[..., :2], axis=1, prepend=wrist[:, :1, :2]) / local_palm[..., None] * 5.0
    growth = np.clip(np.diff(np.log(local_palm), axis=1, prepend=np.log(local_palm[:, :1])), -0.5, 0.5) * 10.0
    parts = [
        shape,
        np.cos(axis)[..., None],
        np.sin(axis)[..., None],
        np.clip(velocity, -10.0, 10.0),
        growth[..., None],
        valid[..., None],
        _joint_cosines(points),
        _joint_cosines(flat),
        extension,
    ]
    features = np.concatenate([p.astype(np.float32) for p in parts], axis=-1)
    return {"features": features, "valid": valid.astype(np.float32), "axis": axis.astype(np.float32), "mirror": mirror}


class OnnxGestureEncoder:
    """Hand-landmark clips -> the gesture encoder's command features, per-frame class logits and
    pointing directions, with the exported network (``gesture_encoder.onnx``)."""

    def __init__(self, export_dir: str | Path, manifest: dict, threads: int = 1):
        self.spec = manifest["gesture_encoder"]
        self.session = session(Path(export_dir) / self.spec["file"], threads)

    def encode(self, landmarks: np.ndarray) -> dict[str, np.ndarray]:
        clip = np.asarray(landmarks, dtype=np.float32)
        inputs = normalize_landmarks(clip[None] if clip.ndim == 3 else clip)
        features, frame_logits, direction = self.session.run(None, inputs)
        return {"features": features, "frame_logits": frame_logits, "direction": direction}
