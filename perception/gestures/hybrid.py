"""A gesture reader that learns from many hand models on top of the geometric reader's reading.

Per frame it measures what every hand model shares (the geometric reader's
:func:`~perception.gestures.geometric.hand_measures`: finger curls, wrist and palm-centre
velocity in palm lengths, hand-axis and index-finger directions, palm size, distance to the
picture's border, tracked or not) and adds the geometric reader's own reading of the clip (a
one-hot gesture label per frame). A small convolution and a two-layer bidirectional GRU
(:class:`SequenceNet`) label every frame as background or one of the eight gestures; runs of at
least ``min_frames`` frames of one label are the gestures (:func:`segments`). A point's
direction is the geometric reader's where it read a point over the same frames, else the
index finger's direction over the segment's held frames. When the network reads no gesture, or is unsure of
one (``fallback_below``), the clip is read as the geometric reader reads it.

It is trained on clips of robocue's generator and of the outside generators in tests/ (blind 1
to 18), never on the independent generator, blind 19 and 20 or the MediaPipe-tracked clips, which
measure it (``scripts/train_gesture_hybrid.py``; figures in docs/commands.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from robocue.perception.gestures.geometric import GeometricRecognizer, _circular_mean_deg, hand_measures, tracked_share
from robocue.perception.gestures.vocabulary import LABELS, command_from_gestures, interpret_gestures

DEFAULT_HYBRID_WEIGHTS = Path(__file__).parent.parent / "weights" / "gesture_hybrid.pt"
MEASURES = 16  # per-frame hand measures before the geometric reader's labels
FEATURES = MEASURES + len(LABELS)
# Below this the network is unsure and the geometric reader's reading stands: the threshold of 0.5, 0.6, 0.7, 0.75,
# 0.8 and 0.85 with the highest summed accuracy on the generators it was trained on (docs/notes/commands.md).
FALLBACK_BELOW = 0.6


def hand_features(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(T, MEASURES)`` float32 hand measures of one clip, and the index finger's image direction per frame."""
    m = hand_measures(landmarks)
    v = np.gradient(m.wrist, axis=0) if len(m.curl) > 1 else np.zeros((len(m.curl), 2))
    vc = np.gradient(m.center, axis=0) if len(m.curl) > 1 else np.zeros((len(m.curl), 2))
    ax, ix = np.radians(m.axis_deg), np.radians(m.index_deg)
    f = np.concatenate(
        [
            m.curl / 100.0,
            v * 5.0,
            vc * 5.0,
            np.stack([np.cos(ax), np.sin(ax), np.cos(ix), np.sin(ix)], 1),
            np.clip(m.size, 0, 2)[:, None],
            np.clip(m.border, -0.5, 0.5)[:, None] * 4,
            m.valid[:, None].astype(float),
        ],
        1,
    )
    return f.astype(np.float32), m.index_deg.astype(np.float32)


def rule_channels(events: list[dict], length: int) -> np.ndarray:
    """The geometric reader's gestures as a ``(length, len(LABELS))`` one-hot per frame (background where none)."""
    out = np.zeros((length, len(LABELS)), np.float32)
    out[:, 0] = 1.0
    for e in events:
        out[e["start"] : e["end"]] = np.eye(len(LABELS), dtype=np.float32)[LABELS.index(e["label"])]
    return out


def network_input(landmarks: np.ndarray, rules: GeometricRecognizer) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """The network's input ``(T, FEATURES)`` (hand measures, then the geometric reader's reading), the index finger's
    direction per frame and the geometric reader's gestures."""
    f, index_deg = hand_features(landmarks)
    events = rules.recognize(landmarks)
    return np.concatenate([f, rule_channels(events, len(f))], 1), index_deg, events


def _segment(g: dict) -> dict:
    """A reading as readers return it: ``label``, ``start``, ``end``, ``direction_deg``."""
    return {k: g[k] for k in ("label", "start", "end", "direction_deg")}


# Mirroring a clip swaps left and right swipes; the feature columns that change sign or place with it.
MIRRORED_SIGNS = (5, 7, 9, 11)  # x velocities (wrist, palm centre) and the x of the two directions
MIRRORED_SWAP = (MEASURES + LABELS.index("swipe_left"), MEASURES + LABELS.index("swipe_right"))


class SequenceNet(nn.Module):
    """Per-frame gesture logits ``(B, T, len(LABELS))`` from features ``(B, T, d_in)``."""

    def __init__(self, d_in: int = FEATURES, hidden: int = 64):
        super().__init__()
        self.inp = nn.Sequential(nn.Conv1d(d_in, hidden, 5, padding=2), nn.GELU(), nn.Conv1d(hidden, hidden, 5, padding=2), nn.GELU())
        self.gru = nn.GRU(hidden, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, len(LABELS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z, _ = self.gru(self.inp(x.transpose(1, 2)).transpose(1, 2))
        return self.out(z)


def segments(probs: np.ndarray, min_frames: int = 6, merge_gap: int = 6) -> list[tuple[int, int, int, float]]:
    """Gestures from per-frame probabilities ``(T, len(LABELS))``: ``(label id, start, end, mean probability)``.

    Labels are smoothed by a majority over 5 frames; a run of one gesture label at least ``min_frames`` long is a
    gesture, and two runs of the same gesture (not ``point``) at most ``merge_gap`` frames apart are one."""
    lab = probs.argmax(1)
    smooth = np.array([np.bincount(lab[max(0, t - 2) : t + 3], minlength=len(LABELS)).argmax() for t in range(len(lab))])
    runs: list[list[int]] = []
    t = 0
    while t < len(smooth):
        e = t
        while e < len(smooth) and smooth[e] == smooth[t]:
            e += 1
        if smooth[t] != 0 and e - t >= min_frames:
            if runs and runs[-1][0] == smooth[t] and t - runs[-1][2] <= merge_gap and LABELS[smooth[t]] != "point":
                runs[-1][2] = e
            else:
                runs.append([int(smooth[t]), t, e])
        t = e
    return [(label, start, end, float(probs[start:end, label].mean())) for label, start, end in runs]


def mirrored(x: np.ndarray) -> np.ndarray:
    """Network input ``(T, FEATURES)`` of the same clip seen in a mirror (x flipped): x velocities and directions change
    sign and the geometric reader's left and right swipes swap."""
    x = x.copy()
    x[:, list(MIRRORED_SIGNS)] *= -1
    if x.shape[1] > MEASURES:  # the geometric reader's reading mirrors too (absent from measures-only input)
        x[:, list(MIRRORED_SWAP)] = x[:, list(MIRRORED_SWAP[::-1])]
    return x


_MIRROR = {"swipe_left": "swipe_right", "swipe_right": "swipe_left"}
SWIPE_SWAP = [LABELS.index(_MIRROR.get(label, label)) for label in LABELS]  # a label id's id in the mirrored clip


class HybridRecognizer:
    """The learned sequence reader over the geometric reader (see the module's docstring).

    Args:
        weights: A state dict written by ``scripts/train_gesture_hybrid.py`` (default: the shipped
            ``perception/weights/gesture_hybrid.pt``), read with ``weights_only=True``; or several, whose per-frame
            probabilities are averaged.
        fallback_below: When the network reads no gesture, or its least sure gesture's mean probability is
            this or less, the clip is read as the geometric reader reads it.
        mirror: Also read the clip seen in a mirror (left and right swipes swapped back) and average the two (the
            default: it read blind 13 and 14 at least as well as one reading, docs/notes/commands.md).
    """

    def __init__(self, weights=None, fallback_below: float = FALLBACK_BELOW, mirror: bool = True):
        self.fallback_below, self.mirror = fallback_below, mirror
        paths = [DEFAULT_HYBRID_WEIGHTS] if weights is None else [weights] if isinstance(weights, (str, Path)) else list(weights)
        self.rules = GeometricRecognizer()
        self.nets = []
        for path in map(Path, paths):
            if not path.is_file():
                raise FileNotFoundError(f"hybrid gesture weights not found: {path}")
            net = SequenceNet()
            net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
            self.nets.append(net.eval())
        if not self.nets:
            raise ValueError("HybridRecognizer needs at least one weights file")

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Per-frame label probabilities ``(T, len(LABELS))`` of network input ``x``, averaged over the networks (and the
        mirror, with ``mirror``)."""
        views = [(x, None), (mirrored(x), SWIPE_SWAP)] if self.mirror else [(x, None)]
        total = np.zeros((len(x), len(LABELS)), np.float32)
        with torch.no_grad():
            for net in self.nets:
                for view, swap in views:
                    p = torch.softmax(net(torch.from_numpy(view)[None]), -1)[0].numpy()
                    total += p[:, swap] if swap is not None else p
        return total / (len(self.nets) * len(views))

    def features(self, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict]]:
        """:func:`network_input` with this reader's geometric reader."""
        return network_input(landmarks, self.rules)

    def recognize(self, landmarks) -> list[dict]:
        """The gestures of one clip ``(T, 21, 3)``: ``[{"label", "start", "end", "direction_deg"}]`` in order,
        ``end`` exclusive, ``direction_deg`` (0 = right, 90 = up) for ``point``; ``"sure"`` is the segment's mean
        probability."""
        return [_segment(g) for g in self._read(landmarks)]

    def _read(self, landmarks) -> list[dict]:
        landmarks = self.rules._one_clip(landmarks)
        x, index_deg, events = self.features(landmarks)
        found = segments(self.probabilities(x))
        if not found or min(sure for *_, sure in found) <= self.fallback_below:  # unsure: the rules' reading
            return [{**e, "sure": sure} for e, sure in zip(events, tracked_share(landmarks, events))]
        out = []
        for label_id, start, end, sure in found:
            label, direction = LABELS[label_id], None
            if label == "point":
                overlapping = [e for e in events if e["label"] == "point" and min(e["end"], end) > max(e["start"], start)]
                if overlapping:  # the geometric reader's direction, from the frames the point was held
                    direction = max(overlapping, key=lambda e: min(e["end"], end) - max(e["start"], start))["direction_deg"]
                else:
                    direction = round(_circular_mean_deg(index_deg[start + (end - start) // 3 : end]), 1)
            out.append({"label": label, "start": int(start), "end": int(end), "direction_deg": direction, "sure": sure})
        return out

    def understand(self, landmarks) -> dict:
        """``{"gestures": [...], "command": {...}}`` as :meth:`GeometricRecognizer.understand` gives it."""
        gestures = self.recognize(landmarks)
        return {"gestures": gestures, "command": command_from_gestures(gestures)}

    def interpret(self, landmarks) -> dict:
        """What one clip asks for, whether it was understood, and what to ask back when not; a field's confidence is
        the mean probability of the gesture that set it (see :func:`~perception.gestures.vocabulary.interpret_gestures`)."""
        read = self._read(landmarks)
        return interpret_gestures([_segment(g) for g in read], [g["sure"] for g in read])
