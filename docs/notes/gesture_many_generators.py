"""A recurrent gesture reader trained on many clip generators, tested on ones it never saw.

    python docs/notes/gesture_many_generators.py --hold "blind 6" --hold "blind 7" --hold "blind 8" --epochs 3
    python docs/notes/gesture_many_generators.py --rules --hold "blind 7" --hold "blind 8" --seeds 101 102 --epochs 3

Per-frame hand measures that do not depend on the hand model (the geometric reader's: finger
curls, wrist and palm-centre velocity in palm lengths, hand-axis and index directions, palm
size, distance to the picture's border, tracked or not) for clips of robocue's own generator
and of the outside generators in tests/ (training seeds 101-103, 600 clips each), a small
convolution + bidirectional GRU labelling every frame (background or one of the 8 gestures),
mirrored and time-stretched clips as augmentation; frames decoded into gestures by runs of at
least 6 frames. With ``--rules`` the geometric reader's own reading (a one-hot label per frame)
is a further input. The independent generator is never trained on; ``--hold`` leaves out more.
Prints each epoch's sequence accuracy on seed 3 of every generator (200 clips): the held-out
ones measure transfer, the others are seen generators' new clips.
Results: docs/notes/commands.md ("A recurrent reader trained on many generators").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from commands_report import BLIND_SETS  # noqa: E402

from robocue.perception.gestures import sample_dataset  # noqa: E402
from robocue.perception.gestures.geometric import GeometricRecognizer, hand_measures  # noqa: E402
from robocue.perception.gestures.vocabulary import LABELS  # noqa: E402
from robocue.perception.outside import load_test_module, outside_gestures  # noqa: E402

NEVER = ("independent",)
SWAP = {LABELS.index("swipe_left"): LABELS.index("swipe_right"), LABELS.index("swipe_right"): LABELS.index("swipe_left")}


RULES = GeometricRecognizer()
WITH_RULES = False


def rule_channels(landmarks: np.ndarray) -> np.ndarray:
    """Per frame, the geometric reader's reading as a one-hot over LABELS (background included)."""
    out = np.zeros((len(landmarks), len(LABELS)), np.float32)
    out[:, 0] = 1.0
    for g in RULES.recognize(landmarks):
        out[g["start"] : g["end"]] = np.eye(len(LABELS), dtype=np.float32)[LABELS.index(g["label"])]
    return out


def features(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    f = f.astype(np.float32)
    if WITH_RULES:
        f = np.concatenate([f, rule_channels(landmarks)], 1)
    return f, m.index_deg.astype(np.float32)


def clips(n: int, seed: int) -> dict[str, list]:
    """generator -> [(features, frame labels, gestures, index direction)]."""
    raw = {"independent": [(c.landmarks, c.gestures) for c in outside_gestures().outside_dataset(n, seed=seed)]}
    for key, (path, dataset, name) in BLIND_SETS.items():
        raw[name] = [(c.landmarks, c.gestures) for c in getattr(load_test_module(f"robocue_{key}", path), dataset)(n, seed=seed)]
    raw["training"] = [(c.landmarks, c.segments) for c in sample_dataset("train", n, seed=seed)]
    out = {}
    for name, items in raw.items():
        out[name] = []
        for landmarks, gestures in items:
            f, index = features(landmarks)
            y = np.zeros(len(f), dtype=np.int64)
            for g in gestures:
                y[max(0, g[1]) : min(len(f), g[2])] = LABELS.index(g[0])
            out[name].append((f, y, [g[0] for g in gestures], index))
    return out


class Net(nn.Module):
    def __init__(self, d_in: int = 16, h: int = 64):
        super().__init__()
        self.inp = nn.Sequential(nn.Conv1d(d_in, h, 5, padding=2), nn.GELU(), nn.Conv1d(h, h, 5, padding=2), nn.GELU())
        self.gru = nn.GRU(h, h, num_layers=2, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * h, len(LABELS))

    def forward(self, x):
        z, _ = self.gru(self.inp(x.transpose(1, 2)).transpose(1, 2))
        return self.out(z)


def augment(f, y, rng):
    if rng.random() < 0.5:  # mirrored: x velocities and directions flip, left and right swipes swap
        f, y2 = f.copy(), y.copy()
        f[:, [5, 7, 9, 11]] *= -1
        for a, b in SWAP.items():
            y2[y == a] = b
        y = y2
        if f.shape[1] > 16:  # the rules' reading mirrors too
            la, lb = 16 + LABELS.index("swipe_left"), 16 + LABELS.index("swipe_right")
            f[:, [la, lb]] = f[:, [lb, la]]
    if rng.random() < 0.5:  # slower or faster
        s = float(rng.uniform(0.7, 1.4))
        src = np.clip(np.round(np.linspace(0, len(f) - 1, max(8, int(round(len(f) * s))))).astype(int), 0, len(f) - 1)
        f, y = f[src].copy(), y[src]
        f[:, 5:9] /= s
    return f, y


def decode(probs: np.ndarray, min_len: int = 6) -> list[str]:
    lab = probs.argmax(1)
    smooth = np.array([np.bincount(lab[max(0, t - 2) : t + 3], minlength=len(LABELS)).argmax() for t in range(len(lab))])
    runs, t = [], 0
    while t < len(smooth):
        e = t
        while e < len(smooth) and smooth[e] == smooth[t]:
            e += 1
        if smooth[t] != 0 and e - t >= min_len:
            if runs and runs[-1][0] == smooth[t] and t - runs[-1][1] <= 6 and LABELS[smooth[t]] != "point":
                runs[-1][1] = e
            else:
                runs.append([int(smooth[t]), e])
        t = e
    return [LABELS[label] for label, _ in runs]


def accuracy(net: Net, data: list) -> float:
    with torch.no_grad():
        return float(np.mean([decode(torch.softmax(net(torch.from_numpy(f)[None]), -1)[0].numpy()) == truth for f, _, truth, _ in data]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold", action="append", default=[], help="a generator to leave out of training too (repeatable)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--clips", type=int, default=600, help="clips per generator and training seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103], help="training seeds (default: 101 102 103)")
    parser.add_argument("--cosine", action="store_true", help="the learning rate falls to zero on a cosine over the run")
    parser.add_argument("--rules", action="store_true", help="the geometric reader's reading as extra input channels")
    parser.add_argument("--save", default=None, help="write the weights here after each epoch")
    args = parser.parse_args()
    global WITH_RULES
    WITH_RULES = args.rules
    torch.set_num_threads(1)
    torch.manual_seed(0)
    train = []
    for seed in args.seeds:
        for name, items in clips(args.clips, seed).items():
            if name not in NEVER and name not in args.hold:
                train += items
    test = clips(200, 3)
    print(f"{len(train)} training clips; held out: {', '.join(NEVER + tuple(args.hold))}", flush=True)
    d_in = train[0][0].shape[1]
    net = Net(d_in)
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    steps = args.epochs * -(-len(train) // 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + np.cos(np.pi * k / steps)) if args.cosine else 1.0)
    weights = torch.ones(len(LABELS))
    weights[0] = 0.5
    loss_fn = nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    rng, started = np.random.default_rng(0), time.time()
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(len(train))
        for i in range(0, len(order), 32):
            batch = [augment(train[j][0], train[j][1], rng) for j in order[i : i + 32]]
            length = max(len(f) for f, _ in batch)
            x = np.zeros((len(batch), length, d_in), np.float32)
            y = np.full((len(batch), length), -100, np.int64)
            for k, (f, labels) in enumerate(batch):
                x[k, : len(f)], y[k, : len(labels)] = f, labels
            loss = loss_fn(net(torch.from_numpy(x)).reshape(-1, len(LABELS)), torch.from_numpy(y).reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            schedule.step()
        net.eval()
        shown = {name: round(accuracy(net, items), 3) for name, items in test.items()}
        if args.save:
            torch.save(net.state_dict(), args.save)
        print(f"epoch {epoch + 1} ({time.time() - started:.0f} s): {shown}", flush=True)


if __name__ == "__main__":
    main()
