"""An independent generator of hand-landmark gesture clips, for tests only: never trained on.

It shares no code, no hand model and no timing model with ``robocue.perception.gestures``
(it imports nothing from robocue). It follows only the published clip format and
conventions of docs/commands.md: MediaPipe's 21 landmarks, float32 ``(T, 21, 3)`` at 30 fps,
``x`` right and ``y`` down in normalised image coordinates, ``z`` depth relative to the
wrist, the camera facing the person, a dropped frame all-NaN, and the eight gestures with
their meanings (a point's direction is the index finger's, MCP to tip, in the image: 0 =
right, 90 = up).

How it differs from the training generator:

- **Hand**: a joint-angle kinematic chain in 3-D with anatomical bone ratios (metacarpal,
  proximal, middle, distal phalanx per finger, after published hand anthropometry), the
  distal joint coupled to the proximal one (DIP = 2/3 PIP), finger abduction at the MCP, a
  thumb with CMC opposition; per person the hand length, palm width and each phalanx vary.
- **Camera**: a pinhole camera with perspective (the hand at 0.3-1.6 m, a focal length of
  0.7-1.3 image widths), camera roll, the hand anywhere in the frame.
- **Timing**: minimum-jerk motion profiles (``10s^3 - 15s^4 + 6s^5``) for postures and
  reaches, sinusoidal beckoning at 1.2-3 Hz, gestures from 0.5 s to 3 s.
- **Recordings**: clips trimmed tightly to one gesture (no idle frames), a gesture with a
  little idle around it, and long recordings of three to five gestures.
- **Tracker**: Gaussian jitter relative to the hand's size, dropped frames as NaN *or* as
  repeats of the last frame, in single frames and bursts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

FPS = 30
GESTURE_NAMES = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
SWIPE_IMAGE_DIRECTION = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}

# Bone lengths as fractions of hand length (wrist crease to middle fingertip): metacarpal,
# proximal, middle, distal phalanx (index..pinky); thumb: metacarpal, proximal, distal.
_FINGER_RATIOS = np.array(
    [
        [0.365, 0.245, 0.143, 0.097],
        [0.357, 0.266, 0.170, 0.108],
        [0.334, 0.244, 0.163, 0.107],
        [0.309, 0.204, 0.117, 0.093],
    ]
)
_THUMB_RATIOS = np.array([0.251, 0.196, 0.158])
# Metacarpal fan (deg from the hand axis, towards the thumb positive) and MCP offsets across the palm.
_FAN_DEG = np.array([10.0, 1.0, -8.0, -18.0])
_PALM_OFFSET = np.array([0.09, 0.02, -0.045, -0.10])  # wrist-level offsets across the palm, hand lengths


@dataclass(frozen=True)
class Person:
    """Who performs: hand, proportions, tempo and habits (drawn from one seed)."""

    right: bool
    ratios: np.ndarray  # (4, 4)
    thumb: np.ndarray  # (3,)
    palm_width: float
    tempo: float
    jitter: float  # tracker noise, fraction of hand length
    drop_rate: float
    drop_as_repeat: bool
    camera_roll_deg: float
    focal: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> Person:
        return cls(
            right=bool(rng.random() < 0.6),
            ratios=_FINGER_RATIOS * rng.normal(1.0, 0.06, (4, 4)).clip(0.82, 1.18),
            thumb=_THUMB_RATIOS * rng.normal(1.0, 0.07, 3).clip(0.8, 1.2),
            palm_width=float(rng.uniform(0.85, 1.2)),
            tempo=float(rng.uniform(0.7, 1.5)),
            jitter=float(rng.uniform(0.002, 0.02)),
            drop_rate=float(rng.choice([0.0, rng.uniform(0.02, 0.15)])),
            drop_as_repeat=bool(rng.random() < 0.5),
            camera_roll_deg=float(rng.uniform(-20.0, 20.0)),
            focal=float(rng.uniform(0.7, 1.3)),
        )


# Posture: per finger (index..pinky) MCP flexion, PIP flexion (deg), abduction (deg);
# thumb CMC opposition, MCP and IP flexion (deg); as one vector of 4*3 + 3 = 15 angles.
def _posture(mcp, pip, abduct, thumb) -> np.ndarray:
    return np.concatenate([np.stack([mcp, pip, abduct], axis=1).ravel(), np.asarray(thumb, dtype=float)])


def _relaxed(rng):
    return _posture(
        rng.uniform(15, 40, 4), rng.uniform(20, 50, 4), rng.uniform(-2, 6, 4) * [1, 0, -1, -2], rng.uniform([10, 10, 5], [40, 30, 25])
    )


def _open(rng, spread):
    return _posture(
        rng.uniform(-8, 8, 4),
        rng.uniform(0, 10, 4),
        spread * np.array([12, 2, -10, -20]) * rng.uniform(0.7, 1.3),
        rng.uniform([0, 0, 0], [20, 15, 10]),
    )


def _fist(rng):
    return _posture(rng.uniform(75, 95, 4), rng.uniform(90, 110, 4), np.zeros(4), rng.uniform([45, 35, 40], [70, 60, 70]))


def _pointing(rng):
    others = rng.uniform(70, 95, 3)
    return _posture(
        np.array([rng.uniform(-5, 8), *others]),
        np.array([rng.uniform(0, 10), *rng.uniform(85, 110, 3)]),
        np.array([rng.uniform(-3, 5), 0, 0, 0]),
        rng.uniform([30, 20, 20], [70, 55, 60]),
    )


def _rot(axis: np.ndarray, angle_deg: float) -> np.ndarray:
    axis = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    a = np.deg2rad(angle_deg)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(a) * k + (1 - np.cos(a)) * k @ k


def _hand_points(person: Person, posture: np.ndarray) -> np.ndarray:
    """21 landmarks (3-D, hand lengths) in the hand frame: fingers along +u, thumb side +w, palm normal +n.

    Returns ``(21, 3)`` in (w, u, n) coordinates with the wrist at the origin.
    """
    pts = np.zeros((21, 3))
    w, u, n = np.eye(3)
    for f in range(4):
        mcp_flex, pip_flex, abduct = posture[3 * f : 3 * f + 3]
        meta_dir = _rot(n, -_FAN_DEG[f]) @ u  # rotate towards the thumb side for positive fan
        base = _PALM_OFFSET[f] * person.palm_width * w
        mcp = base + person.ratios[f, 0] * meta_dir
        direction = _rot(n, -(_FAN_DEG[f] * 0.5 + abduct)) @ u
        across = np.cross(direction, n)  # flexion axis
        flexes = (mcp_flex, pip_flex, pip_flex * 2.0 / 3.0)
        point, cumulative = mcp, 0.0
        pts[5 + 4 * f] = mcp
        for j in range(3):
            cumulative += flexes[j]
            bone = _rot(across, -cumulative) @ direction  # curl towards the palm (+n)
            point = point + person.ratios[f, j + 1] * bone
            pts[6 + 4 * f + j] = point
    opposition, t_mcp, t_ip = posture[12:15]
    cmc = 0.05 * person.palm_width * w + 0.05 * u
    thumb_dir = _rot(n, -(48.0 - 0.3 * opposition)) @ u  # out towards the thumb side
    thumb_dir = _rot(u, -0.6 * opposition) @ thumb_dir  # opposition turns it in front of the palm
    thumb_dir = thumb_dir / np.linalg.norm(thumb_dir)
    axis = np.cross(thumb_dir, n)
    pts[1] = cmc
    point, cumulative = cmc, 0.0
    for j, flex in enumerate((0.0, t_mcp, t_ip)):
        cumulative += flex
        bone = _rot(axis, cumulative * 0.8) @ thumb_dir
        bone = bone + 0.35 * np.sin(np.deg2rad(cumulative)) * (-w + 0.8 * n)  # curls across the palm
        bone = bone / np.linalg.norm(bone)
        point = point + person.thumb[j] * bone
        pts[2 + j] = point
    return pts


def _min_jerk(n: int) -> np.ndarray:
    s = np.linspace(0.0, 1.0, max(n, 2))[-n:] if n > 1 else np.ones(1)
    return 10 * s**3 - 15 * s**4 + 6 * s**5


@dataclass
class Pose:
    posture: np.ndarray  # (15,)
    aim_deg: float  # hand axis direction in the image, 0 = right, 90 = up
    turn_deg: float  # palm turned about the hand axis (0: palm faces the camera)
    tilt_deg: float  # hand tilted towards (+) or away from the camera
    wrist: np.ndarray  # (3,) metres in camera coordinates (x right, y down, z forward)


class _Track:
    def __init__(self, pose: Pose):
        self.pose = pose
        self.frames: list[Pose] = []

    def move(self, n: int, **changes) -> None:
        n = max(1, int(round(n)))
        start = self.pose
        target = Pose(
            changes.get("posture", start.posture),
            changes.get("aim_deg", start.aim_deg),
            changes.get("turn_deg", start.turn_deg),
            changes.get("tilt_deg", start.tilt_deg),
            changes.get("wrist", start.wrist),
        )
        d_aim = (target.aim_deg - start.aim_deg + 180.0) % 360.0 - 180.0
        for s in _min_jerk(n):
            self.frames.append(
                Pose(
                    start.posture + s * (target.posture - start.posture),
                    start.aim_deg + s * d_aim,
                    start.turn_deg + s * (target.turn_deg - start.turn_deg),
                    start.tilt_deg + s * (target.tilt_deg - start.tilt_deg),
                    start.wrist + s * (target.wrist - start.wrist),
                )
            )
        self.pose = Pose(target.posture, start.aim_deg + d_aim, target.turn_deg, target.tilt_deg, target.wrist)

    def still(self, n: int, sway: float, rng: np.random.Generator) -> None:
        n = max(1, int(round(n)))
        walk = np.cumsum(rng.normal(0.0, sway, (n, 3)), axis=0)
        for i in range(n):
            p = self.pose
            self.frames.append(Pose(p.posture, p.aim_deg, p.turn_deg, p.tilt_deg, p.wrist + walk[i]))


def _project(person: Person, frames: list[Pose], hand_m: float) -> np.ndarray:
    out = np.empty((len(frames), 21, 3))
    roll = np.deg2rad(person.camera_roll_deg)
    cr, sr = np.cos(roll), np.sin(roll)
    for t, p in enumerate(frames):
        local = _hand_points(person, p.posture) * hand_m  # (w, u, n) metres
        # Hand frame in camera coordinates: fingers up (-y), thumb side +x for a right hand, palm normal -z.
        w_axis = np.array([1.0 if person.right else -1.0, 0.0, 0.0])
        u_axis = np.array([0.0, -1.0, 0.0])
        n_axis = np.array([0.0, 0.0, -1.0])
        basis = np.stack([w_axis, u_axis, n_axis], axis=1)  # columns
        rotation = _rot([0, 0, 1], -(p.aim_deg - 90.0)) @ _rot(u_axis, p.turn_deg) @ _rot(w_axis, p.tilt_deg)
        cam = (rotation @ basis @ local.T).T + p.wrist
        cam[:, 2] = np.maximum(cam[:, 2], 0.05)
        x = person.focal * cam[:, 0] / cam[:, 2]
        y = person.focal * cam[:, 1] / cam[:, 2]
        x, y = cr * x - sr * y, sr * x + cr * y
        out[t, :, 0] = 0.5 + x
        out[t, :, 1] = 0.5 + y
        out[t, :, 2] = person.focal * (cam[:, 2] - cam[0, 2]) / cam[0, 2]
    return out


@dataclass
class OutsideClip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start, end, direction_deg or None)]
    kind: str  # "tight", "margin" or "recording"
    camera_roll_deg: float = 0.0  # the camera's roll, which turns every direction in the image


def _frames(rng, person, low_s, high_s):
    return max(2, int(round(rng.uniform(low_s, high_s) * FPS / person.tempo)))


def _gesture(track: _Track, rng: np.random.Generator, person: Person, name: str, home: np.ndarray, hand_m: float, point_deg=None):
    """Appends one gesture; returns (frames of its lead-in, pointing aim or None)."""
    if name == "point":
        theta = float(rng.uniform(0, 360)) if point_deg is None else float(point_deg)
        lead = _frames(rng, person, 0.15, 0.4)
        reach = rng.choice([0.0, rng.uniform(0.0, 0.6)]) * hand_m
        shift = np.array([np.cos(np.deg2rad(theta)), -np.sin(np.deg2rad(theta)), 0.0]) * reach
        posture, turn, tilt = _pointing(rng), rng.uniform(-70, 70), rng.uniform(-25, 15)
        aim = theta
        if point_deg is not None:
            # Asked to point at a bearing, the person aims the index finger at it, not the hand's
            # axis: with the palm turned or tilted, the finger fans off the axis by up to ~15
            # degrees in the image, so turn the hand until the finger shows the bearing.
            level = replace(person, camera_roll_deg=0.0)
            for _ in range(3):
                shown = _index_direction_deg(_project(level, [Pose(posture, aim, turn, tilt, home + shift)], hand_m))[0]
                aim += (theta - shown + 180.0) % 360.0 - 180.0
        track.move(lead, posture=posture, aim_deg=aim, turn_deg=turn, tilt_deg=tilt, wrist=home + shift)
        track.still(_frames(rng, person, 0.35, 2.4), 0.0006, rng)
        return lead, theta
    if name in SWIPE_IMAGE_DIRECTION:
        dx, dy = SWIPE_IMAGE_DIRECTION[name]
        horizontal = dx != 0
        distance = rng.uniform(1.0, 3.5) * hand_m
        lead = _frames(rng, person, 0.1, 0.3)
        start = home - 0.4 * distance * np.array([dx, dy, 0.0])
        aim = 90.0 + rng.uniform(-25, 25)
        turn = rng.choice([-1, 1]) * rng.uniform(0, 70) if horizontal else rng.uniform(-25, 25)
        tilt = rng.uniform(-20, 20) if horizontal else rng.uniform(-10, 50)
        track.move(lead, posture=_open(rng, rng.uniform(0, 0.6)), aim_deg=aim, turn_deg=turn, tilt_deg=tilt, wrist=start)
        sweep = _frames(rng, person, 0.2, 0.75)
        arc = rng.uniform(-0.15, 0.15) * distance
        end = start + distance * np.array([dx, dy, 0.0]) + arc * np.array([dy, dx, 0.0])
        track.move(sweep, wrist=end, aim_deg=aim + rng.uniform(-15, 15))
        return lead, None
    if name == "grab":
        lead = _frames(rng, person, 0.15, 0.4)
        track.move(
            lead,
            posture=_open(rng, rng.uniform(0.6, 1.2)),
            aim_deg=90 + rng.uniform(-30, 30),
            turn_deg=rng.uniform(-25, 25),
            tilt_deg=rng.uniform(-15, 25),
            wrist=home + np.array([0, 0, -rng.uniform(0, 0.08)]),
        )
        track.still(_frames(rng, person, 0.05, 0.3), 0.0005, rng)
        track.move(_frames(rng, person, 0.2, 0.55), posture=_fist(rng))
        track.still(_frames(rng, person, 0.1, 0.6), 0.0005, rng)
        return lead, None
    if name == "come_here":
        lead = _frames(rng, person, 0.15, 0.35)
        open_pose = _open(rng, rng.uniform(0.0, 0.5))
        track.move(lead, posture=open_pose, aim_deg=90 + rng.uniform(-25, 25), turn_deg=rng.uniform(-30, 30), tilt_deg=rng.uniform(-10, 45))
        curled = _posture(rng.uniform(50, 80, 4), rng.uniform(60, 100, 4), np.zeros(4), open_pose[12:] + rng.uniform(0, 20, 3))
        freq = rng.uniform(1.2, 3.0)
        n = int(round(rng.integers(2, 5) / freq * FPS))
        base = track.pose
        for i in range(n):
            s = 0.5 - 0.5 * np.cos(2 * np.pi * freq * (i + 1) / FPS)
            track.frames.append(
                Pose(base.posture + s * (curled - base.posture), base.aim_deg, base.turn_deg, base.tilt_deg, base.wrist.copy())
            )
        return lead, None
    if name == "stop":
        lead = _frames(rng, person, 0.15, 0.4)
        track.move(
            lead,
            posture=_open(rng, rng.uniform(0.0, 1.0)),
            aim_deg=90 + rng.uniform(-15, 15),
            turn_deg=rng.uniform(-15, 15),
            tilt_deg=rng.uniform(-12, 12),
            wrist=home + np.array([0.0, -rng.uniform(0, 0.5) * hand_m, -rng.uniform(0.0, 0.1)]),
        )
        track.still(_frames(rng, person, 0.35, 2.4), 0.0005, rng)
        return lead, None
    raise ValueError(f"unknown gesture {name!r}")


def _index_direction_deg(landmarks: np.ndarray) -> np.ndarray:
    d = landmarks[:, 8, :2] - landmarks[:, 5, :2]
    return np.rad2deg(np.arctan2(-d[:, 1], d[:, 0])) % 360.0


def _circular_mean(angles: np.ndarray) -> float:
    r = np.deg2rad(angles)
    return float(np.rad2deg(np.arctan2(np.sin(r).sum(), np.cos(r).sum())) % 360.0)


def outside_clip(rng: np.random.Generator, kind: str | None = None, gestures=None, point_deg=None) -> OutsideClip:
    """One clip: ``kind`` "tight" (the gestures back to back, no idle frames), "margin" (a
    little idle around them) or "recording" (three to five gestures with idle between).

    ``gestures`` (names) fixes what is performed; ``point_deg`` where a point's hand aims in
    the image before the camera's roll (0 = right, 90 = up; None: anywhere)."""
    person = Person.draw(rng)
    if kind is None:
        kind = str(rng.choice(["tight", "margin", "recording"], p=[0.4, 0.3, 0.3]))
    if gestures is None:
        count = int(rng.integers(3, 6)) if kind == "recording" else 1
        gestures = [str(g) for g in rng.choice(GESTURE_NAMES, count)]
    hand_m = rng.uniform(0.17, 0.21)
    depth = rng.uniform(0.3, 1.6)
    # Hand length in the image = focal * hand_m / depth (0.07 to 0.9 of the width): keep it in [0.09, 0.5].
    depth = float(np.clip(depth, person.focal * hand_m / 0.5, person.focal * hand_m / 0.09))
    home_xy = rng.uniform(-0.18, 0.18, 2) * depth / person.focal
    home = np.array([home_xy[0], home_xy[1] + 0.1 * depth / person.focal, depth])
    rest = Pose(_relaxed(rng), 90.0 + rng.uniform(-25, 25), rng.uniform(-30, 30), rng.uniform(-20, 20), home.copy())
    track = _Track(rest)
    spans = []
    if kind != "tight":
        track.still(_frames(rng, person, 0.2, 1.0), 0.0008, rng)
    for i, name in enumerate(gestures):
        start = len(track.frames)
        lead, theta = _gesture(track, rng, person, name, home, hand_m, point_deg)
        spans.append((name, start, len(track.frames), lead))
        if kind == "recording" or (kind == "margin"):
            track.move(
                _frames(rng, person, 0.2, 0.5),
                posture=_relaxed(rng),
                aim_deg=rest.aim_deg + rng.uniform(-10, 10),
                turn_deg=rest.turn_deg,
                tilt_deg=rest.tilt_deg,
                wrist=home + rng.normal(0, 0.01, 3),
            )
            if i + 1 < len(gestures) or kind == "margin":
                track.still(_frames(rng, person, 0.3, 1.2), 0.0008, rng)
    clean = _project(person, track.frames, hand_m)
    if kind == "tight":  # start somewhere in the first lead-in, end on the last gesture's last frame
        cut = int(rng.integers(0, max(1, int(0.6 * spans[0][3]))))
        clean = clean[cut : spans[-1][2]]
        spans = [(name, max(0, start - cut), end - cut, lead) for name, start, end, lead in spans]
    segments = []
    for name, start, end, _lead in spans:
        direction = None
        if name == "point":
            hold = clean[start + (end - start) // 2 : end]
            direction = round(_circular_mean(_index_direction_deg(hold)), 2)
        segments.append((name, start, end, direction))
    n = len(clean)
    hand_px = float(np.nanmedian(np.linalg.norm(clean[:, 12, :2] - clean[:, 0, :2], axis=-1)))
    noisy = clean + rng.normal(0.0, person.jitter * hand_px, clean.shape)
    noisy[:, 0, 2] = 0.0
    dropped = rng.random(n) < person.drop_rate
    if rng.random() < 0.3:
        at = int(rng.integers(0, n))
        dropped[at : at + int(rng.integers(2, 7))] = True
    dropped[0] = False
    for t in np.flatnonzero(dropped):
        noisy[t] = noisy[t - 1] if person.drop_as_repeat else np.nan
    return OutsideClip(noisy.astype(np.float32), segments, kind, person.camera_roll_deg)


def outside_dataset(n: int, seed: int) -> list[OutsideClip]:
    """``n`` clips, deterministic in ``seed``: 40% tight, 30% with margins, 30% long recordings."""
    rng = np.random.default_rng([int(seed), 0x0D751DE])
    return [outside_clip(rng) for _ in range(n)]


def _angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def score_recognizer(recognize, clips: list[OutsideClip]) -> dict:
    """Label accuracy (the recognised gesture sequence equals the performed one) and pointing
    error (degrees, points of clips whose sequence matched) of ``recognise(landmarks) ->
    [{"label", "direction_deg", ...}]``, overall and per kind of clip."""
    kinds: dict[str, list[bool]] = {}
    per_gesture: dict[str, list[bool]] = {}
    errors = []
    for clip in clips:
        found = recognize(clip.landmarks)
        truth = [g[0] for g in clip.gestures]
        ok = [g["label"] for g in found] == truth
        kinds.setdefault(clip.kind, []).append(ok)
        if len(truth) == 1:
            per_gesture.setdefault(truth[0], []).append(ok)
        if ok:
            errors += [_angle_error(f["direction_deg"], g[3]) for f, g in zip(found, clip.gestures) if g[0] == "point"]
    every = [ok for oks in kinds.values() for ok in oks]
    return {
        "clips": len(clips),
        "label_accuracy": float(np.mean(every)),
        "by_kind": {k: round(float(np.mean(v)), 3) for k, v in sorted(kinds.items())},
        "single_by_gesture": {k: round(float(np.mean(v)), 3) for k, v in sorted(per_gesture.items())},
        "points_measured": len(errors),
        "pointing_error_deg_median": float(np.median(errors)) if errors else float("nan"),
        "pointing_error_deg_mean": float(np.mean(errors)) if errors else float("nan"),
    }
