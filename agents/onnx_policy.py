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
