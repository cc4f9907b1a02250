"""The gesture encoder: invariant per-frame features, a dilated temporal CNN and its heads."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from robocue.perception.command_heads import CommandDecoder
from robocue.perception.gestures.vocabulary import LABELS, NUM_LANDMARKS, _check_landmarks, interpret_gestures

DEFAULT_WEIGHTS = Path(__file__).parent.parent / "weights" / "gesture.pt"


# Landmark chains of the five fingers (wrist, then base to tip) for the joint angles.
_CHAINS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))
_SHAPE_DIM = 20 * 3
_INPUT_DIM = _SHAPE_DIM + 2 + 2 + 1 + 1 + 15 + 15 + 5
FEATURES_VERSION = 2  # 1: clip-centred wrist position and clip-median size (context-dependent), no joint angles


def _fill_dropped(lm: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Dropped frames linearly interpolated between the nearest valid frames (held at the ends)."""
    b, t = valid.shape
    steps = torch.arange(t, device=lm.device).expand(b, t)
    before = torch.cummax(torch.where(valid, steps, torch.full_like(steps, -1)), dim=1).values
    after = t - 1 - torch.cummax(torch.where(valid, t - 1 - steps, torch.full_like(steps, -1)).flip(1), dim=1).values.flip(1)
    first = valid.to(torch.int64).argmax(dim=1, keepdim=True).expand(b, t)
    last = (t - 1 - valid.flip(1).to(torch.int64).argmax(dim=1, keepdim=True)).expand(b, t)
    before = torch.where(before < 0, first, before)
    after = torch.where(after > t - 1, last, after)
    span = (after - before).clamp_min(1).to(lm.dtype)
    w = ((steps - before).to(lm.dtype) / span).clamp(0.0, 1.0)[..., None, None]
    gather = lambda index: torch.gather(lm, 1, index[..., None, None].expand(b, t, NUM_LANDMARKS, 3))  # noqa: E731
    return gather(before) * (1 - w) + gather(after) * w


def _joint_cosines(points: torch.Tensor) -> torch.Tensor:
    """Cosine of the bend at the three inner joints of each finger chain: ``(B, T, 15)``."""
    out = []
    for chain in _CHAINS:
        bones = [points[..., chain[i + 1], :] - points[..., chain[i], :] for i in range(4)]
        for i in range(3):
            out.append(F.cosine_similarity(bones[i], bones[i + 1], dim=-1, eps=1e-6))
    return torch.stack(out, dim=-1)


def normalize_landmarks(landmarks: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-frame features of a batch of clips, invariant to position, scale, tilt and handedness,
    and independent of what the clip holds before or after the frame's neighbourhood.

    Steps: mark dropped frames (any non-finite value, all zeros, or an exact repeat of the
    frame before, as some trackers report a lost hand) and fill them by linear interpolation
    between the nearest valid frames; centre on the wrist; divide by the clip's median palm
    length (wrist to middle-finger MCP, 3-D); rotate each frame so the hand axis (wrist to
    middle MCP) points up; mirror left hands (detected per clip from which side of the axis
    the index MCP lies on) onto right hands. Features per frame: the 20 normalised landmarks,
    the hand axis's image direction (cos, sin), the wrist's image velocity in palm lengths
    per frame, the change of the palm's size (log ratio to the frame before), the cosine of
    every finger joint's bend in 3-D and in the image plane (finger extension from joint
    angles, independent of bone proportions), each finger's extension (wrist-to-tip distance
    over the finger's length) and the valid flag. No feature depends on a clip-wide position.

    Args:
        landmarks: ``(B, T, 21, 3)``.

    Returns:
        ``features`` ``(B, T, F)``, ``valid`` ``(B, T)`` bool, ``axis`` ``(B, T)`` hand-axis
        image angle (rad), ``mirror`` ``(B,)`` +1 right hand, -1 left hand.

    Raises:
        ValueError: When a clip has no valid frame.
    """
    lm = landmarks.to(torch.float32)
    b, t = lm.shape[:2]
    finite = torch.isfinite(lm).all(dim=(-1, -2)) & (lm.nan_to_num(0.0) != 0).any(dim=-1).any(dim=-1)
    repeat = torch.zeros_like(finite)
    repeat[:, 1:] = (lm[:, 1:] == lm[:, :-1]).all(dim=-1).all(dim=-1) & finite[:, 1:]
    valid = finite & ~repeat
    if not finite.any(dim=1).all():
        raise ValueError("gesture clip has no valid frame: every frame is dropped (NaN or all zeros)")
    valid = valid | (finite & ~valid.any(dim=1, keepdim=True))  # a clip of one still frame repeated
    lm = torch.where(valid[..., None, None], lm, torch.zeros_like(lm))
    lm = _fill_dropped(lm, valid)

    # y up from here on.
    lm = lm * torch.tensor([1.0, -1.0, 1.0], device=lm.device)
    wrist = lm[:, :, 0, :]
    rel = lm - wrist[:, :, None, :]
    palm_len = rel[:, :, 9, :].norm(dim=-1)
    palm = torch.nanmedian(torch.where(valid, palm_len, torch.full_like(palm_len, float("nan"))), dim=1).values.clamp_min(1e-4)
    rel = rel / palm[:, None, None, None]
    axis = torch.atan2(rel[:, :, 9, 1], rel[:, :, 9, 0])
    turn = math.pi / 2 - axis
    cos, sin = torch.cos(turn)[..., None], torch.sin(turn)[..., None]
    x = cos * rel[..., 0] - sin * rel[..., 1]
    y = sin * rel[..., 0] + cos * rel[..., 1]
    side = ((x[:, :, 5] - x[:, :, 17]) * valid).sum(dim=1)
    mirror = torch.where(side >= 0, 1.0, -1.0)
    x = x * mirror[:, None, None]
    points = torch.stack([x, y, rel[..., 2]], dim=-1)
    shape = points[:, :, 1:, :].reshape(b, t, -1)
    flat = torch.cat([points[..., :2], torch.zeros_like(points[..., :1])], dim=-1)
    lengths = torch.stack([sum((points[..., c[i + 1], :] - points[..., c[i], :]).norm(dim=-1) for i in range(4)) for c in _CHAINS], dim=-1)
    reach = torch.stack([(points[..., c[4], :] - points[..., c[0], :]).norm(dim=-1) for c in _CHAINS], dim=-1)
    extension = reach / lengths.clamp_min(1e-4)

    local_palm = palm_len.clamp_min(1e-4)
    velocity = torch.diff(wrist[..., :2], dim=1, prepend=wrist[:, :1, :2]) / local_palm[..., None] * 5.0
    growth = torch.diff(torch.log(local_palm), dim=1, prepend=torch.log(local_palm[:, :1])).clamp(-0.5, 0.5) * 10.0
    features = torch.cat(
        [
            shape,
            torch.cos(axis)[..., None],
            torch.sin(axis)[..., None],
            velocity.clamp(-10.0, 10.0),
            growth[..., None],
            valid[..., None].float(),
            _joint_cosines(points),
            _joint_cosines(flat),
            extension,
        ],
        dim=-1,
    )
    return {"features": features, "valid": valid, "axis": axis, "mirror": mirror}


class _TemporalBlock(nn.Module):
    def __init__(self, channels: int, dilation: int, kernel: int = 5):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel, padding=dilation * (kernel - 1) // 2, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.norm = nn.LayerNorm(channels)  # per frame: no statistic over the whole clip

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        z = self.norm(self.conv(h).transpose(1, 2)).transpose(1, 2)
        return h + self.mix(F.gelu(z))


class GestureEncoder(nn.Module):
    """Temporal CNN over hand-landmark clips into command features.

    Args:
        hidden: Channels of the temporal CNN.
        out_dim: Size of the command features.
        dilations: One residual dilated-conv block per entry (kernel 5).
    """

    def __init__(self, hidden: int = 64, out_dim: int = 64, dilations: tuple = (1, 2, 4, 8, 1)):
        super().__init__()
        self.config = {"hidden": hidden, "out_dim": out_dim, "dilations": list(dilations)}
        self.out_dim = out_dim
        self.input = nn.Sequential(nn.Linear(_INPUT_DIM, hidden), nn.GELU(), nn.Linear(hidden, hidden))
        self.blocks = nn.ModuleList(_TemporalBlock(hidden, d) for d in dilations)
        self.frame_head = nn.Linear(hidden, len(LABELS))
        self.direction_head = nn.Sequential(nn.Linear(hidden + 20 * 3, hidden), nn.GELU(), nn.Linear(hidden, 2))
        self.command = nn.Sequential(nn.Linear(2 * hidden + len(LABELS), out_dim), nn.Tanh())
        self.decoder = CommandDecoder(out_dim)
        # Mirroring a left hand onto a right one leaves motion alone, so no label swaps are needed.

    def _as_batch(self, landmarks) -> torch.Tensor:
        if isinstance(landmarks, np.ndarray):
            landmarks = torch.from_numpy(np.ascontiguousarray(landmarks, dtype=np.float32))
        elif not isinstance(landmarks, torch.Tensor):
            raise ValueError(f"gesture landmarks must be a numpy array or a torch tensor, got {type(landmarks).__name__}")
        _check_landmarks(landmarks)
        if landmarks.dim() == 3:
            landmarks = landmarks[None]
        return landmarks.to(next(self.parameters()).device)

    def encode(self, landmarks, lengths: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Everything the heads say about a batch ``(B, T, 21, 3)`` (or one clip ``(T, 21, 3)``).

        ``lengths`` ``(B,)``: each clip's own length in a padded batch; frames past it are
        zeroed before every temporal block, so a clip reads the same padded or alone.

        Returns:
            ``features`` ``(B, out_dim)``, ``frame_logits`` ``(B, T, n_labels)``,
            ``direction`` ``(B, T, 2)`` unit (cos, sin) of the index finger's image
            direction, plus ``valid``.
        """
        norm = normalize_landmarks(self._as_batch(landmarks))
        x = self.input(norm["features"]).transpose(1, 2)
        present = None
        if lengths is not None:
            present = (torch.arange(x.shape[-1], device=x.device)[None] < lengths.to(x.device)[:, None])[:, None].float()
            x = x * present
        for block in self.blocks:
            x = block(x)
            if present is not None:
                x = x * present
        h = x.transpose(1, 2)  # (B, T, hidden)
        valid = norm["valid"]
        frame_logits = self.frame_head(h)
        # Index direction relative to the hand axis, in the mirrored (right-hand) frame.
        local = self.direction_head(torch.cat([h, norm["features"][..., :_SHAPE_DIM]], dim=-1))
        rel = torch.atan2(local[..., 1], local[..., 0]) * norm["mirror"][:, None]
        angle = norm["axis"] + rel
        direction = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
        w = valid[..., None].float()
        mean = (h * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        peak = torch.where(valid[..., None], h, torch.full_like(h, -1e4)).max(dim=1).values
        share = (frame_logits.softmax(dim=-1) * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        features = self.command(torch.cat([mean, peak, share], dim=-1))
        return {"features": features, "frame_logits": frame_logits, "direction": direction, "valid": valid, "local": local}

    def forward(self, landmarks: torch.Tensor) -> torch.Tensor:
        """Command features ``(B, out_dim)`` for landmarks ``(B, T, 21, 3)``."""
        return self.encode(landmarks)["features"]

    @torch.no_grad()
    def recognize(self, landmarks, smooth: int = 5, min_frames: int = 6) -> list[dict]:
        """Segments one clip ``(T, 21, 3)`` into gestures.

        Per-frame class probabilities are averaged over ``smooth`` frames; runs shorter than
        ``min_frames`` are absorbed by their neighbours.

        Returns:
            ``[{"label", "start", "end", "direction_deg"}]`` in order, ``end`` exclusive,
            ``direction_deg`` (0 = right, 90 = up) for ``point`` and None otherwise.
        """
        if isinstance(landmarks, (np.ndarray, torch.Tensor)) and landmarks.ndim == 4:
            if landmarks.shape[0] != 1:
                raise ValueError(f"recognise takes one clip (T, 21, 3), got a batch of shape {tuple(landmarks.shape)}")
            landmarks = landmarks[0]
        was_training = self.training
        self.eval()
        try:
            out = self.encode(landmarks)
        finally:
            self.train(was_training)
        probs = out["frame_logits"][0].softmax(dim=-1)
        return _segments_from_probs(probs.cpu().numpy(), out["direction"][0].cpu().numpy(), smooth, min_frames)

    recognise = recognize  # the name of robocue 0.1, kept for its callers

    @torch.no_grad()
    def understand(self, landmarks) -> dict:
        """What one clip asks for: ``{"gestures": [...], "command": {...}}``.

        ``gestures`` is :meth:`recognize`'s output; ``command`` holds the decoder's task,
        colour, shape and destination (None where the gestures do not say) and the first
        point's ``direction_deg``.
        """
        gestures = self.recognize(landmarks)
        was_training = self.training
        self.eval()
        try:
            features = self(landmarks)
        finally:
            self.train(was_training)
        command = self.decoder.decode(features)[0]
        points = [g for g in gestures if g["label"] == "point"]
        command["direction_deg"] = points[0]["direction_deg"] if points else None
        return {"gestures": gestures, "command": command}

    @torch.no_grad()
    def interpret(self, landmarks, smooth: int = 5, min_frames: int = 6) -> dict:
        """What one clip asks for, whether it was understood, and what to ask back when not.

        The command comes from the recognised gestures by :func:`command_from_gestures`;
        each field's confidence is the mean probability the recogniser gave the frames of
        the gesture that set it (colour and shape, which gestures never say, are sure). An
        unrecognisable clip is ``"understood": false`` with a question, never an empty
        gesture list read as a command (see :func:`perception.clarify.clarify_gestures`).

        Returns:
            ``{"gestures", "task", "color", "shape", "destination", "direction_deg",
            "understood", "confidence", "question"}``.
        """
        if isinstance(landmarks, (np.ndarray, torch.Tensor)) and landmarks.ndim == 4:
            if landmarks.shape[0] != 1:
                raise ValueError(f"interpret takes one clip (T, 21, 3), got a batch of shape {tuple(landmarks.shape)}")
            landmarks = landmarks[0]
        was_training = self.training
        self.eval()
        try:
            out = self.encode(landmarks)
        finally:
            self.train(was_training)
        probs = out["frame_logits"][0].softmax(dim=-1).cpu().numpy()
        gestures = _segments_from_probs(probs, out["direction"][0].cpu().numpy(), smooth, min_frames)
        sure = [float(probs[g["start"] : g["end"], LABELS.index(g["label"])].mean()) for g in gestures]
        return interpret_gestures(gestures, sure)

    def save(self, path) -> Path:
        """Writes config and weights to one file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {"format": "robocue-gesture-encoder", "version": FEATURES_VERSION, "config": self.config, "state_dict": self.state_dict()}, path
        )
        return path

    @classmethod
    def load(cls, path, map_location="cpu") -> GestureEncoder:
        """Reads a file written by :meth:`save`."""
        blob = torch.load(Path(path), map_location=map_location, weights_only=True)
        if not isinstance(blob, dict) or blob.get("format") != "robocue-gesture-encoder":
            raise ValueError(f"{path} is not a robocue gesture encoder file")
        if blob.get("version") != FEATURES_VERSION:
            raise ValueError(
                f"{path} is a gesture encoder of feature version {blob.get('version')}; this robocue reads version {FEATURES_VERSION}: "
                "retrain it with python scripts/train_commands.py --only gesture"
            )
        config = dict(blob["config"])
        config["dilations"] = tuple(config["dilations"])
        encoder = cls(**config)
        encoder.load_state_dict(blob["state_dict"])
        encoder.eval()
        return encoder


def load_default_gesture_encoder() -> GestureEncoder:
    """The gesture encoder shipped with robocue (``perception/weights/gesture.pt``)."""
    if not DEFAULT_WEIGHTS.exists():
        raise FileNotFoundError(
            f"no default gesture weights at {DEFAULT_WEIGHTS}; "
            f"train them with: python -m robocue.perception.gestures train --out {DEFAULT_WEIGHTS}"
        )
    return GestureEncoder.load(DEFAULT_WEIGHTS)


def _runs(labels: np.ndarray) -> list[list[int]]:
    """[label, start, end) runs of equal labels."""
    runs = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append([int(labels[start]), start, i])
            start = i
    return runs


def _segments_from_probs(probs: np.ndarray, direction: np.ndarray, smooth: int, min_frames: int) -> list[dict]:
    t = len(probs)
    if smooth > 1 and t > 1:
        kernel = np.ones(smooth) / smooth
        padded = np.pad(probs, ((smooth // 2, smooth - 1 - smooth // 2), (0, 0)), mode="edge")
        probs_s = np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(probs.shape[1])], axis=1)
    else:
        probs_s = probs
    labels = probs_s.argmax(axis=1)
    runs = _runs(labels)
    # Absorb short runs (shortest first) into the neighbour that is more probable over the run.
    while len(runs) > 1:
        lengths = [end - start for _, start, end in runs]
        i = int(np.argmin(lengths))
        if lengths[i] >= min_frames:
            break
        _, start, end = runs[i]
        candidates = [j for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        best = max(candidates, key=lambda j: probs_s[start:end, runs[j][0]].sum())
        labels[start:end] = runs[best][0]
        runs = _runs(labels)
    segments = []
    for label, start, end in runs:
        if label == 0 or end - start < min_frames:
            continue
        name = LABELS[label]
        direction_deg = None
        if name == "point":
            steady = slice(start + int(0.4 * (end - start)), end)
            w = probs[steady, label]
            d = direction[steady]
            direction_deg = round(float(np.rad2deg(np.arctan2((w * d[:, 1]).sum(), (w * d[:, 0]).sum())) % 360.0), 1)
        segments.append({"label": name, "start": start, "end": end, "direction_deg": direction_deg})
    return segments
