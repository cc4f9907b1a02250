"""Training and evaluating the gesture encoder on generated clips."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from robocue.perception.command_heads import DECODER_FIELDS, command_targets
from robocue.perception.gestures.encoder import (
    GestureEncoder,
    _segments_from_probs,
)
from robocue.perception.gestures.generator import (
    Clip,
    sample_dataset,
    sample_training_clip,
)
from robocue.perception.gestures.performers import (
    performers,
)
from robocue.perception.gestures.vocabulary import (
    LABELS,
    NUM_LANDMARKS,
    command_from_gestures,
)

# ---------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------


def _collate(clips: list[Clip]) -> dict[str, torch.Tensor]:
    t = max(len(c.labels) for c in clips)
    b = len(clips)
    landmarks = np.full((b, t, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    labels = np.full((b, t), -100, dtype=np.int64)
    pointing = np.full((b, t), np.nan, dtype=np.float32)
    for i, clip in enumerate(clips):
        n = len(clip.labels)
        landmarks[i, :n] = clip.landmarks
        labels[i, :n] = clip.labels
        pointing[i, :n] = clip.pointing_deg
    targets = command_targets([clip.command for clip in clips])
    return {
        "lengths": torch.tensor([len(clip.labels) for clip in clips]),
        "landmarks": torch.from_numpy(landmarks),
        "labels": torch.from_numpy(labels),
        "pointing": torch.from_numpy(pointing),
        "commands": targets,
    }


def _loss(encoder: GestureEncoder, batch: dict) -> tuple[torch.Tensor, dict]:
    out = encoder.encode(batch["landmarks"], batch["lengths"])
    frame_loss = F.cross_entropy(out["frame_logits"].reshape(-1, len(LABELS)), batch["labels"].reshape(-1), ignore_index=-100)
    pointing = batch["pointing"]
    mask = torch.isfinite(pointing) & out["valid"]
    if mask.any():
        target = torch.deg2rad(pointing[mask])
        target = torch.stack([torch.cos(target), torch.sin(target)], dim=-1)
        direction_loss = (out["direction"][mask] - target).pow(2).sum(dim=-1).mean()
        direction_loss = direction_loss + 0.1 * (out["local"][mask].norm(dim=-1) - 1.0).pow(2).mean()
    else:
        direction_loss = out["features"].sum() * 0.0
    command_loss = encoder.decoder.loss(out["features"], batch["commands"])
    loss = frame_loss + direction_loss + 0.5 * command_loss
    return loss, {"frame": frame_loss.item(), "direction": direction_loss.item(), "command": command_loss.item()}


def _angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@torch.no_grad()
def evaluate_gesture_encoder(encoder: GestureEncoder, clips: list[Clip], batch_size: int = 64) -> dict:
    """Recognition and decoding metrics over clips.

    Returns:
        ``sequence_accuracy`` (recognised gesture sequence equals the true one),
        ``frame_accuracy``, ``boundary_error_frames`` (mean |start/end error| over segments of
        clips whose sequence matched), ``direction_error_deg_mean``/``_median`` (point
        segments of matched clips), ``command_accuracy`` (decoder: all fields right) and
        ``field_accuracy`` per field, ``rule_command_accuracy`` (rules on the recognised
        gestures, direction excluded), ``clips``.
    """
    was_training = encoder.training
    encoder.eval()
    seq_ok, frames_ok, frames_n = 0, 0, 0
    boundary, direction_err = [], []
    field_ok = dict.fromkeys(DECODER_FIELDS, 0)
    all_ok, rule_ok = 0, 0
    for i in range(0, len(clips), batch_size):
        chunk = clips[i : i + batch_size]
        batch = _collate(chunk)
        out = encoder.encode(batch["landmarks"], batch["lengths"])
        decoded = encoder.decoder.decode(out["features"])
        probs = out["frame_logits"].softmax(dim=-1).numpy()
        directions = out["direction"].numpy()
        for j, clip in enumerate(chunk):
            n = len(clip.labels)
            segments = _segments_from_probs(probs[j, :n], directions[j, :n], 5, 6)
            pred_frames = np.zeros(n, dtype=np.int64)
            for s in segments:
                pred_frames[s["start"] : s["end"]] = LABELS.index(s["label"])
            frames_ok += int((pred_frames == clip.labels).sum())
            frames_n += n
            if [s["label"] for s in segments] == clip.gestures:
                seq_ok += 1
                for s, (label, start, end, direction) in zip(segments, clip.segments):
                    boundary.extend([abs(s["start"] - start), abs(s["end"] - end)])
                    if label == "point":
                        direction_err.append(_angle_error(s["direction_deg"], direction))
            truth = clip.command
            all_ok += all(decoded[j][f] == truth[f] for f in DECODER_FIELDS)
            for f in DECODER_FIELDS:
                field_ok[f] += decoded[j][f] == truth[f]
            rule = command_from_gestures(segments)
            rule_ok += all(rule[f] == truth[f] for f in DECODER_FIELDS)
    encoder.train(was_training)
    n = len(clips)
    return {
        "clips": n,
        "sequence_accuracy": seq_ok / n,
        "frame_accuracy": frames_ok / frames_n,
        "boundary_error_frames": float(np.mean(boundary)) if boundary else float("nan"),
        "direction_error_deg_mean": float(np.mean(direction_err)) if direction_err else float("nan"),
        "direction_error_deg_median": float(np.median(direction_err)) if direction_err else float("nan"),
        "command_accuracy": all_ok / n,
        "field_accuracy": {f: field_ok[f] / n for f in DECODER_FIELDS},
        "rule_command_accuracy": rule_ok / n,
    }


def warm_start(encoder: GestureEncoder, path: str | Path) -> GestureEncoder:
    """Loads the weights of a saved encoder into ``encoder``, also from a feature-version-1 file.

    Version 1 read 68 features per frame (the 60 hand coordinates, the hand axis, a
    clip-centred wrist position, the wrist velocity, a clip-relative size, the valid flag)
    and normalised over the whole clip; its input weights go to the features that kept
    their meaning (the size weight to the change of size), the position weights are
    dropped, the joint-angle and extension inputs start at zero, and the per-clip norms'
    scales seed the per-frame ones. Every other weight is copied as it is.
    """
    blob = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(blob, dict) or blob.get("format") != "robocue-gesture-encoder":
        raise ValueError(f"{path} is not a robocue gesture encoder file")
    state = dict(blob["state_dict"])
    if blob.get("version") == 1:
        old = state["input.0.weight"]
        new = torch.zeros_like(encoder.state_dict()["input.0.weight"])
        new[:, :62] = old[:, :62]  # hand coordinates and axis
        new[:, 62:64] = old[:, 64:66]  # wrist velocity
        new[:, 64] = old[:, 66]  # size -> change of size
        new[:, 65] = old[:, 67]  # valid flag
        state["input.0.weight"] = new
    encoder.load_state_dict(state)
    return encoder


_CHUNK = 8  # clips per forward pass in training; gradients of a step's chunks add up


def train_gesture_encoder(
    seed: int = 0,
    steps: int = 1200,
    batch_size: int = 32,
    lr: float = 3e-3,
    eval_clips: int = 300,
    hidden: int = 64,
    out_dim: int = 64,
    threads: int = 1,
    log_every: int = 0,
    time_limit_s: float | None = None,
    init: str | Path | None = None,
) -> tuple[GestureEncoder, dict]:
    """Trains a :class:`GestureEncoder` from scratch on fresh clips of training performers.

    Every step draws a new batch of clips (training performers only); evaluation uses
    ``eval_clips`` new clips of training performers and of held-out performers.

    Args:
        seed: Seeds the weights and the clip stream.
        steps: Optimiser steps (AdamW, cosine-decayed learning rate).
        batch_size: Clips per step.
        lr: Peak learning rate.
        eval_clips: Clips per evaluation split.
        hidden: Temporal CNN channels.
        out_dim: Command feature size.
        threads: torch CPU threads.
        log_every: Print losses every this many steps (0: never).
        time_limit_s: Stop early after this many seconds of training.
        init: Start from these weights instead of from scratch (see :func:`warm_start`).

    Returns:
        The trained encoder (eval mode) and ``{"train": metrics, "heldout": metrics, ...}``
        (see :func:`evaluate_gesture_encoder`).
    """
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng([seed, 7])
    pool = performers("train")
    encoder = GestureEncoder(hidden=hidden, out_dim=out_dim)
    if init is not None:
        warm_start(encoder, init)
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps, pct_start=0.1)
    encoder.train()
    started = time.perf_counter()
    done = 0
    for step in range(steps):
        clips = [sample_training_clip(rng, pool[int(rng.integers(len(pool)))]) for _ in range(batch_size)]
        clips.sort(key=lambda clip: len(clip.labels))  # chunks of similar length pad little
        optimizer.zero_grad()
        chunks = [clips[i : i + _CHUNK] for i in range(0, len(clips), _CHUNK)]
        for chunk in chunks:
            loss, parts = _loss(encoder, _collate(chunk))
            (loss * len(chunk) / len(clips)).backward()
        nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        done = step + 1
        if log_every and done % log_every == 0:
            print(f"step {done} loss {loss.item():.3f} " + " ".join(f"{k} {v:.3f}" for k, v in parts.items()), flush=True)
        if time_limit_s is not None and time.perf_counter() - started > time_limit_s:
            break
    train_seconds = time.perf_counter() - started
    encoder.eval()
    metrics = {
        "seed": seed,
        "steps": done,
        "batch_size": batch_size,
        "train_seconds": round(train_seconds, 1),
        "train": evaluate_gesture_encoder(encoder, sample_dataset("train", eval_clips, seed=10_000 + seed)),
        "heldout": evaluate_gesture_encoder(encoder, sample_dataset("heldout", eval_clips, seed=20_000 + seed)),
    }
    return encoder, metrics
