"""Train the hybrid gesture reader (perception/gestures/hybrid.py) on many clip generators.

    python scripts/train_gesture_hybrid.py --save perception/weights/gesture_hybrid.pt

Clips of robocue's own generator and of the outside generators in tests/ (blind 1 to 18; training
seeds 101 and 102, 600 clips each), the hybrid reader's per-frame input (hand measures that do not
depend on the hand model, and the geometric reader's own reading), a convolution + bidirectional
GRU labelling every frame (background or one of the 8 gestures), mirrored and time-stretched clips
as augmentation, 5 epochs with the learning rate falling on a cosine. The independent generator
and blind 19 and 20 are never trained on; ``--hold`` leaves out more (the network of blind 1 to 16:
``--hold "blind 17" --hold "blind 18"``). Prints each epoch's sequence accuracy
on seed 3 of every generator (200 clips): the held-out ones measure transfer, the others are seen
generators' new clips. ``--measures-only --constant-lr`` is the recurrent reader of
docs/notes/commands.md ("A recurrent reader trained on many generators"). One torch thread.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from commands_report import BLIND_SETS
from torch import nn

from robocue.perception.gestures import sample_dataset
from robocue.perception.gestures.geometric import GeometricRecognizer, any_frame_tracked
from robocue.perception.gestures.hybrid import SWIPE_SWAP, SequenceNet, hand_features, mirrored, network_input, segments
from robocue.perception.gestures.vocabulary import LABELS
from robocue.perception.outside import load_test_module, outside_gestures

NEVER = ("independent", "blind 19", "blind 20")
RULES = GeometricRecognizer()


def features(landmarks: np.ndarray, rules: bool) -> np.ndarray:
    return network_input(landmarks, RULES)[0] if rules else hand_features(landmarks)[0]


def clips(n: int, seed: int, rules: bool, leave_out: tuple[str, ...] = ()) -> dict[str, list]:
    """generator -> [(features, frame labels, gestures)], for every generator but those in ``leave_out``."""
    raw = {}
    if "independent" not in leave_out:
        raw["independent"] = [(c.landmarks, c.gestures) for c in outside_gestures().outside_dataset(n, seed=seed)]
    for key, (path, dataset, name) in BLIND_SETS.items():
        if name not in leave_out:
            raw[name] = [(c.landmarks, c.gestures) for c in getattr(load_test_module(f"robocue_{key}", path), dataset)(n, seed=seed)]
    raw["training"] = [(c.landmarks, c.segments) for c in sample_dataset("train", n, seed=seed)]
    out = {}
    for name, items in raw.items():
        out[name] = []
        for landmarks, gestures in items:
            if not any_frame_tracked(landmarks):  # a clip the tracker never found (blind 9 has such clips): nothing to learn
                continue
            f = features(landmarks, rules)
            y = np.zeros(len(f), dtype=np.int64)
            for g in gestures:
                y[max(0, g[1]) : min(len(f), g[2])] = LABELS.index(g[0])
            out[name].append((f, y, [g[0] for g in gestures]))
    return out


def augment(f, y, rng):
    if rng.random() < 0.5:  # mirrored: x velocities and directions flip, left and right swipes swap
        f, y = mirrored(f), np.asarray(SWIPE_SWAP)[y]
    if rng.random() < 0.5:  # slower or faster
        s = float(rng.uniform(0.7, 1.4))
        src = np.clip(np.round(np.linspace(0, len(f) - 1, max(8, int(round(len(f) * s))))).astype(int), 0, len(f) - 1)
        f, y = f[src].copy(), y[src]
        f[:, 5:9] /= s
    return f, y


def accuracy(net: SequenceNet, data: list) -> float:
    with torch.no_grad():
        read = [[LABELS[g[0]] for g in segments(torch.softmax(net(torch.from_numpy(f)[None]), -1)[0].numpy())] for f, _, _ in data]
    return float(np.mean([said == truth for said, (_, _, truth) in zip(read, data)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold", action="append", default=[], help="a generator to leave out of training too (repeatable)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--clips", type=int, default=600, help="clips per generator and training seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102], help="training seeds (default: 101 102)")
    parser.add_argument("--constant-lr", action="store_true", help="keep the learning rate at 2e-3 (default: cosine to zero)")
    parser.add_argument("--measures-only", action="store_true", help="without the geometric reader's reading as input")
    parser.add_argument("--save", default=None, help="write the weights here after each epoch (a state dict)")
    args = parser.parse_args()
    rules = not args.measures_only
    torch.set_num_threads(1)
    torch.manual_seed(0)
    train = []
    for seed in args.seeds:
        for items in clips(args.clips, seed, rules, leave_out=NEVER + tuple(args.hold)).values():
            train += items
    test = clips(200, 3, rules)
    print(f"{len(train)} training clips; held out: {', '.join(NEVER + tuple(args.hold))}", flush=True)
    d_in = train[0][0].shape[1]
    net = SequenceNet(d_in)
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    steps = args.epochs * -(-len(train) // 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + np.cos(np.pi * k / steps)) if not args.constant_lr else 1.0)
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
