"""Independent ("blind") test clips for a hand-gesture recogniser.

Each clip is a (T, 21, 3) float32 array of MediaPipe-ordered hand landmarks at 30 fps, drawn from a
3-D hand model of our own and projected through a pinhole camera. The pipeline for one clip is:

1. sample a person and a camera (`Scene`): hand size, chirality, finger proportions, camera roll, tempo;
2. script the clip as a `Timeline` of key poses (palm centre, palm orientation, finger joint angles)
   joined by minimum-jerk transitions, built gesture by gesture (`do_point`, `do_swipe`, ...);
3. sample the timeline at 30 fps, add human tremor and sway, run forward kinematics (`hand_landmarks`);
4. project into the image (`project`) and pass the result through a tracker model (`tracker`):
   smoothing lag, correlated jitter, depth noise, occasional glitches, dropped frames, lost tracking.

Coordinates: the camera frame has X right, Y down, Z away from the camera (metres). The hand's own
frame has axes r (towards the thumb side), u (wrist towards the fingers) and n (out of the palm);
fingers flex from u towards n. A left hand is the mirror image of a right hand in r.

Public API: `Blind2Clip`, `generate_clip`, `blind2_dataset`, `score`, `main`.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

FPS = 30
GESTURES = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
SWIPE_ANGLE = {"swipe_right": 0.0, "swipe_up": 90.0, "swipe_left": 180.0, "swipe_down": 270.0}
PAIRS = [("point", s) for s in SWIPE_ANGLE] + [("grab", s) for s in SWIPE_ANGLE] + [("point", "grab"), ("point", "come_here")]
KIND_SHARES = {"tight": 0.30, "margin": 0.25, "pair": 0.25, "recording": 0.20}
COORD_LIMIT = (-0.3, 1.3)

# ----------------------------------------------------------------------------------------------
# Rotations
# ----------------------------------------------------------------------------------------------


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def rotvec_to_matrix(w) -> np.ndarray:
    """Rodrigues: rotation vector(s) (..., 3) -> rotation matrices (..., 3, 3)."""
    w = np.asarray(w, dtype=float)
    theta = np.linalg.norm(w, axis=-1)[..., None, None]
    k = w / np.maximum(theta[..., 0], 1e-12)
    kx = np.zeros(w.shape[:-1] + (3, 3))
    kx[..., 0, 1], kx[..., 0, 2], kx[..., 1, 2] = -k[..., 2], k[..., 1], -k[..., 0]
    kx[..., 1, 0], kx[..., 2, 0], kx[..., 2, 1] = k[..., 2], -k[..., 1], k[..., 0]
    return np.eye(3) + np.sin(theta) * kx + (1 - np.cos(theta)) * (kx @ kx)


def matrix_to_rotvec(r: np.ndarray) -> np.ndarray:
    """Inverse of `rotvec_to_matrix` for one matrix, robust near 0 and 180 degrees."""
    angle = math.acos(float(np.clip((np.trace(r) - 1) / 2, -1, 1)))
    if angle < 1e-9:
        return np.zeros(3)
    if angle > math.pi - 1e-3:
        axis = np.sqrt(np.clip((np.diag(r) + 1) / 2, 0, None))
        i = int(np.argmax(axis))
        for j in range(3):
            if j != i and r[i, j] + r[j, i] < 0:
                axis[j] = -axis[j]
        return _unit(axis) * angle
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]]) / (2 * math.sin(angle))
    return axis * angle


def axis_angle(axis, deg: float) -> np.ndarray:
    return rotvec_to_matrix(_unit(axis) * math.radians(deg))


def rotation_between(a, b) -> np.ndarray:
    """Smallest rotation taking direction a onto direction b."""
    a, b = _unit(a), _unit(b)
    axis = np.cross(a, b)
    s, c = np.linalg.norm(axis), float(a @ b)
    if s < 1e-9:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, [1.0, 0, 0] if abs(a[0]) < 0.9 else [0, 1.0, 0])
        return rotvec_to_matrix(_unit(perp) * math.pi)
    return rotvec_to_matrix(axis / s * math.atan2(s, c))


def hand_frame(u, n_hint, *fallbacks) -> np.ndarray:
    """Rotation whose columns are the hand axes (r, u, n) in camera coordinates.

    u is where the fingers point, n_hint roughly where the palm faces; n is made perpendicular to u.
    If n_hint is (nearly) parallel to u the next fallback hint is tried."""
    u = _unit(u)
    for hint in (n_hint, *fallbacks, [0, 0, -1.0], [1.0, 0, 0]):
        n = np.asarray(hint, float) - (np.asarray(hint, float) @ u) * u
        if np.linalg.norm(n) > 0.25:
            n = _unit(n)
            return np.column_stack([np.cross(u, n), u, n])
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------------------------
# Hand anatomy (units: fraction of hand length, wrist crease to middle fingertip)
# ----------------------------------------------------------------------------------------------

# Wrist, thumb CMC and the four MCP knuckles in the hand frame (r, u, n) of a right hand.
PALM_POINTS = np.array(
    [
        [0.00, 0.00, 0.00],  # wrist
        [0.11, 0.10, 0.03],  # thumb CMC, a little in front of the palm plane
        [0.16, 0.50, 0.00],  # index MCP
        [0.05, 0.52, 0.00],  # middle MCP
        [-0.05, 0.49, 0.00],  # ring MCP
        [-0.14, 0.44, 0.00],  # pinky MCP
    ]
)
# Proximal, middle, distal phalanx lengths of index, middle, ring, pinky.
PHALANGES = np.array([[0.21, 0.125, 0.095], [0.235, 0.145, 0.10], [0.22, 0.14, 0.10], [0.17, 0.105, 0.095]])
THUMB_BONES = np.array([0.20, 0.15, 0.13])  # CMC->MCP, MCP->IP, IP->tip
# Knuckle displacement when the palm cups (the ring and little metacarpals fold forward).
CUP_SHIFT = np.array([[0.0, 0.0, 0.01], [0.0, 0.0, 0.0], [-0.01, 0.0, 0.025], [-0.025, -0.01, 0.05]])
ABD_OPEN = np.array([10.0, 1.0, -8.0, -18.0])  # finger splay (deg towards the thumb) when spread wide
ABD_CLOSED = np.array([2.0, 0.0, -2.0, -5.0])  # ... and when held together
THUMB_FLEX_HINT = _unit([-0.75, 0.35, 0.55])  # the thumb bends across and in front of the palm

# Joint-angle presets in degrees, rows index..pinky, columns MCP, PIP, DIP flexion.
FLAT = np.array([[3, 4, 2], [3, 4, 2], [3, 5, 2], [4, 6, 3]], float)
LOOSE = np.array([[10, 14, 7], [12, 17, 9], [15, 20, 10], [18, 24, 12]], float)
RELAXED = np.array([[22, 32, 16], [26, 38, 18], [30, 42, 20], [34, 46, 22]], float)
FIST = np.array([[85, 100, 60], [88, 102, 62], [88, 100, 60], [85, 98, 58]], float)
BECKON_CURL = np.array([[55, 85, 45], [60, 90, 48], [62, 90, 48], [62, 88, 45]], float)
INDEX_STRAIGHT = np.array([4, 4, 2], float)
INDEX_HOOK = np.array([40, 95, 60], float)
# Thumb presets: [yaw from u towards r, pitch out of the palm plane, MCP flexion, IP flexion] in degrees.
THUMB_OPEN = np.array([50, 12, 5, 5], float)
THUMB_ALONG = np.array([28, 8, 5, 5], float)
THUMB_RELAXED = np.array([30, 35, 15, 15], float)
THUMB_FIST = np.array([24, 30, 40, 40], float)
THUMB_OUT = np.array([45, 22, 8, 8], float)


@dataclass
class Hand:
    """One person's hand: chirality, real length and proportions."""

    side: int  # +1 right hand, -1 left hand (mirror in r)
    length_m: float
    palm: np.ndarray  # (6, 3) as PALM_POINTS
    phalanges: np.ndarray  # (4, 3)
    thumb: np.ndarray  # (3,)
    abd_open: np.ndarray
    abd_closed: np.ndarray

    @property
    def center_local(self) -> np.ndarray:
        """Palm centre (mean of wrist and knuckles) in the un-mirrored hand frame."""
        return self.palm[[0, 2, 3, 4, 5]].mean(axis=0)


def sample_hand(rng: np.random.Generator) -> Hand:
    palm = PALM_POINTS * np.array([rng.uniform(0.9, 1.1), rng.uniform(0.95, 1.05), 1.0])
    palm = palm + rng.normal(0, 0.006, palm.shape) * np.array([1, 1, 0])
    palm[0] = 0.0
    finger_ratio = rng.uniform(0.93, 1.07)
    phal = PHALANGES * finger_ratio * rng.normal(1, 0.035, (4, 1)) * rng.normal(1, 0.03, (4, 3))
    return Hand(
        side=int(rng.choice([-1, 1])),
        length_m=float(rng.uniform(0.165, 0.205)),
        palm=palm,
        phalanges=phal,
        thumb=THUMB_BONES * rng.uniform(0.92, 1.08) * rng.normal(1, 0.03, 3),
        abd_open=ABD_OPEN + rng.normal(0, 2.5, 4),
        abd_closed=ABD_CLOSED + rng.normal(0, 1.0, 4),
    )


def hand_landmarks(hand: Hand, center, rot, fingers, spread, thumb, cup) -> np.ndarray:
    """Forward kinematics over T frames -> (T, 21, 3) landmark positions in camera metres.

    centre (T,3) palm centre; rot (T,3,3) hand frame; fingers (T,4,3) flexion in degrees; spread (T,) 0..1;
    thumb (T,4) degrees as the THUMB_* presets; cup (T,) 0..1 palm arch."""
    t = len(center)
    local = np.zeros((t, 21, 3))
    # Thumb: metacarpal direction from yaw/pitch, then MCP and IP flex in the plane towards THUMB_FLEX_HINT.
    yaw, pitch, f_mcp, f_ip = np.radians(thumb).T
    meta = np.stack([np.cos(pitch) * np.sin(yaw), np.cos(pitch) * np.cos(yaw), np.sin(pitch)], axis=-1)
    bend = _unit(THUMB_FLEX_HINT - (meta @ THUMB_FLEX_HINT)[:, None] * meta)
    local[:, 1] = hand.palm[1]
    local[:, 2] = local[:, 1] + hand.thumb[0] * meta
    for k, ang in ((3, f_mcp), (4, f_mcp + f_ip)):
        direction = np.cos(ang)[:, None] * meta + np.sin(ang)[:, None] * bend
        local[:, k] = local[:, k - 1] + hand.thumb[k - 2] * direction
    # Fingers: planar chains; each joint's cumulative flexion turns the bone from the splay direction towards n.
    normal = np.array([0.0, 0.0, 1.0])
    for f in range(4):
        base = hand.palm[2 + f] + cup[:, None] * CUP_SHIFT[f]
        abd = np.radians(hand.abd_closed[f] + (hand.abd_open[f] - hand.abd_closed[f]) * spread)
        splay = np.stack([np.sin(abd), np.cos(abd), np.zeros(t)], axis=-1)
        cumulative = np.cumsum(np.radians(fingers[:, f, :]), axis=1)
        joint = base
        local[:, 5 + 4 * f] = joint
        for k in range(3):
            direction = np.cos(cumulative[:, k])[:, None] * splay + np.sin(cumulative[:, k])[:, None] * normal
            joint = joint + hand.phalanges[f, k] * direction
            local[:, 6 + 4 * f + k] = joint
    mirror = np.array([hand.side, 1.0, 1.0])
    offsets = (local - hand.center_local) * mirror * hand.length_m
    return center[:, None, :] + np.einsum("tij,tkj->tki", rot, offsets)


def project(points: np.ndarray, focal: float) -> np.ndarray:
    """Pinhole projection to MediaPipe-style coordinates: x, y normalised (square image), z relative to the wrist."""
    x = 0.5 + focal * points[..., 0] / points[..., 2]
    y = 0.5 + focal * points[..., 1] / points[..., 2]
    wrist_depth = points[:, :1, 2]
    z = focal * (points[..., 2] - wrist_depth) / wrist_depth
    return np.stack([x, y, z], axis=-1)


# ----------------------------------------------------------------------------------------------
# Poses and the key-pose timeline
# ----------------------------------------------------------------------------------------------


@dataclass
class Pose:
    center: np.ndarray  # (3,) palm centre, camera metres
    rot: np.ndarray  # (3, 3) hand frame
    fingers: np.ndarray  # (4, 3) degrees
    spread: float
    thumb: np.ndarray  # (4,) degrees
    cup: float

    def vector(self) -> np.ndarray:
        """Everything but the rotation, flattened for linear interpolation."""
        return np.concatenate([self.center, self.fingers.ravel(), [self.spread], self.thumb, [self.cup]])


def min_jerk(tau: np.ndarray) -> np.ndarray:
    return tau**3 * (10 - 15 * tau + 6 * tau**2)


@dataclass
class Timeline:
    """Key poses in time; consecutive keys are joined by a minimum-jerk transition.

    `gamma` per key warps the transition's time (tau**gamma): < 1 reaches peak speed early, > 1 late."""

    times: list = field(default_factory=list)
    poses: list = field(default_factory=list)
    gammas: list = field(default_factory=list)
    bumps: list = field(default_factory=list)  # (t0, t1, offset (3,)): centre += offset * sin(pi * s)
    hidden: list = field(default_factory=list)  # (t0, t1) intervals where the tracker loses the hand
    spans: list = field(default_factory=list)  # (label, t0, t1, direction_deg or None, variant)

    @property
    def now(self) -> float:
        return self.times[-1]

    @property
    def last(self) -> Pose:
        return self.poses[-1]

    def start(self, pose: Pose) -> None:
        self.times, self.poses, self.gammas = [0.0], [pose], [1.0]

    def to(self, duration: float, pose: Pose, gamma: float = 1.0) -> None:
        self.times.append(self.now + max(float(duration), 2.0 / FPS))
        self.poses.append(pose)
        self.gammas.append(gamma)

    def hold(self, duration: float, rng: np.random.Generator, drift_m: float = 0.004) -> None:
        """Stay in the current pose, drifting a few millimetres."""
        self.to(duration, replace(self.last, center=self.last.center + rng.normal(0, drift_m, 3)))

    def sample(self, n_frames: int):
        """Interpolated pose arrays at every frame: centre, rot, fingers, spread, thumb, cup."""
        t = np.arange(n_frames) / FPS
        key_t = np.asarray(self.times)
        seg = np.clip(np.searchsorted(key_t, t, side="right") - 1, 0, len(key_t) - 2)
        tau = np.clip((t - key_t[seg]) / (key_t[seg + 1] - key_t[seg]), 0, 1)
        s = min_jerk(tau ** np.asarray(self.gammas)[seg + 1])
        vec = np.stack([p.vector() for p in self.poses])
        values = vec[seg] + s[:, None] * (vec[seg + 1] - vec[seg])
        rots = np.stack([p.rot for p in self.poses])
        steps = np.stack([matrix_to_rotvec(a.T @ b) for a, b in zip(rots[:-1], rots[1:])])
        rot = rots[seg] @ rotvec_to_matrix(s[:, None] * steps[seg])
        center = values[:, :3].copy()
        for t0, t1, offset in self.bumps:
            inside = (t >= t0) & (t <= t1)
            center[inside] += np.outer(np.sin(np.pi * min_jerk((t[inside] - t0) / (t1 - t0))), offset)
        return center, rot, values[:, 3:15].reshape(-1, 4, 3), values[:, 15], values[:, 16:20], values[:, 20]


# ----------------------------------------------------------------------------------------------
# The person and the camera
# ----------------------------------------------------------------------------------------------


class Scene:
    """A person in front of a (possibly rolled) camera, with their habits."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.hand = sample_hand(rng)
        self.focal = float(rng.uniform(0.8, 1.3))
        self.roll = float(rng.uniform(-25, 25))
        self.hand_size = float(np.exp(rng.uniform(np.log(0.09), np.log(0.38))))  # image height of the hand
        self.depth = self.focal * self.hand.length_m / self.hand_size
        self.tempo = float(rng.uniform(0.8, 1.25))  # multiplies every duration
        self.body_x = float(rng.uniform(0.35, 0.65))
        roll = math.radians(self.roll)
        self.up = np.array([math.sin(roll), -math.cos(roll), 0.0])  # world up, seen by the camera
        self.right = np.array([math.cos(roll), math.sin(roll), 0.0])  # world right, as seen in the image
        self.toward = np.array([0.0, 0.0, -1.0])  # towards the camera
        self.medial = self.right * float(rng.choice([-1, 1]))  # towards the body's midline
        self.rest_style = str(rng.choice(["hang", "desk", "lap"]))
        self.rest_xy = np.array([self.body_x + rng.normal(0, 0.1), rng.uniform(0.72, 0.88)])
        self.fidgety = float(rng.uniform(0.3, 1.0))

    def dur(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi)) * self.tempo

    def margin(self) -> float:
        return 0.1 + 0.3 * self.hand_size

    def clamp_xy(self, xy) -> np.ndarray:
        m = self.margin()
        return np.array([np.clip(xy[0], m, 1 - m), np.clip(xy[1], 0.08 + 0.45 * self.hand_size, 0.95 - 0.25 * self.hand_size)])

    def to_camera(self, xy, depth: float) -> np.ndarray:
        return np.array([(xy[0] - 0.5) * depth / self.focal, (xy[1] - 0.5) * depth / self.focal, depth])

    def to_image(self, point) -> np.ndarray:
        return np.array([0.5 + self.focal * point[0] / point[2], 0.5 + self.focal * point[1] / point[2]])

    def zone_xy(self) -> np.ndarray:
        """Where gestures happen: in front of the chest, around the body's midline."""
        return self.clamp_xy([self.body_x + self.rng.normal(0, 0.12), self.rng.uniform(0.3, 0.6)])

    def jitter_rot(self, rot: np.ndarray, deg: float) -> np.ndarray:
        return rotvec_to_matrix(self.rng.normal(0, math.radians(deg), 3)) @ rot

    def fingers(self, preset: np.ndarray, sd: float = 4.0) -> np.ndarray:
        return np.clip(preset + self.rng.normal(0, sd, preset.shape), -10, 110)

    def pose(self, xy, depth, rot, fingers, spread, thumb, cup) -> Pose:
        return Pose(self.to_camera(xy, depth), rot, fingers, float(spread), thumb + self.rng.normal(0, 3, 4), float(cup))

    def rest_pose(self) -> Pose:
        """A relaxed, slightly curled hand held low (hanging, resting on a desk, or in the lap)."""
        rng = self.rng
        if self.rest_style == "hang":
            rot = hand_frame(-self.up + 0.4 * self.toward, self.medial + 0.3 * self.toward)
        elif self.rest_style == "desk":
            rot = hand_frame(0.5 * self.toward + 0.8 * self.medial + 0.2 * self.up, -self.up + 0.2 * self.toward)
        else:
            rot = hand_frame(0.5 * self.up + 0.5 * self.toward + 0.4 * self.medial, self.medial + 0.5 * self.toward)
        xy = self.rest_xy + rng.normal(0, 0.015, 2)
        xy[1] = min(xy[1], 1.06 - 0.6 * self.hand_size)
        fingers = self.fingers(RELAXED * rng.uniform(0.8, 1.25), 5)
        return self.pose(
            xy, self.depth * rng.uniform(1.0, 1.1), self.jitter_rot(rot, 6), fingers, rng.uniform(0.1, 0.5), THUMB_RELAXED, 0.3
        )

    def hover_pose(self) -> Pose:
        """A relaxed hand kept up in front of the body between gestures."""
        rot = hand_frame(self.up + 0.4 * self.toward + 0.3 * self.medial, self.medial + 0.6 * self.toward)
        xy = self.zone_xy() + np.array([0, 0.08])
        return self.pose(self.clamp_xy(xy), self.depth, self.jitter_rot(rot, 8), self.fingers(RELAXED, 5), 0.3, THUMB_RELAXED, 0.3)


# ----------------------------------------------------------------------------------------------
# Gestures. Each appends key poses to the timeline and records its labelled span.
# ----------------------------------------------------------------------------------------------


def do_idle(tl: Timeline, sc: Scene, duration: float, hover: bool = False) -> None:
    """Return to a rest (or hover) posture and fidget there: slow shifts, small finger movements."""
    rng = sc.rng
    target = sc.hover_pose() if hover else sc.rest_pose()
    back = min(sc.dur(0.5, 1.0), max(duration, 0.2))
    tl.to(back, target, gamma=rng.uniform(0.8, 1.2))
    left = duration - back
    while left > 0.05:
        step = min(left, rng.uniform(0.5, 1.5))
        p = tl.last
        fidget = Pose(
            target.center + rng.normal(0, 0.012 * sc.fidgety, 3),
            sc.jitter_rot(target.rot, 5 * sc.fidgety),
            np.clip(target.fingers + rng.normal(0, 7 * sc.fidgety, (4, 3)), -5, 100),
            float(np.clip(p.spread + rng.normal(0, 0.1), 0, 1)),
            target.thumb + rng.normal(0, 5 * sc.fidgety, 4),
            p.cup,
        )
        tl.to(step, fidget)
        left -= step


def _label(tl: Timeline, label: str, t0: float, direction, variant: str) -> None:
    tl.spans.append((label, t0, tl.now, direction, variant))


def point_rotation(sc: Scene, center, theta: float, elevation: float, palm_hint, index_vec) -> np.ndarray:
    """Hand frame that makes the index finger (MCP to tip, `index_vec` in the hand frame, mirrored) appear at
    image angle `theta` under perspective, tilted `elevation` degrees towards the camera."""
    image_dir = np.array([math.cos(math.radians(theta)), -math.sin(math.radians(theta)), 0.0])
    ray = _unit(center)
    index_mcp_offset = np.zeros(3)
    rot = np.eye(3)
    for _ in range(4):  # the knuckle's viewing ray depends on the rotation; a few fixed-point steps converge
        ray = _unit(center + rot @ index_mcp_offset)
        # Any mix of image_dir and the viewing ray projects onto the image line at angle theta.
        target = _unit(math.cos(math.radians(elevation)) * image_dir - math.sin(math.radians(elevation)) * ray)
        rot0 = hand_frame(target, palm_hint, sc.toward, sc.medial)
        rot = rotation_between(rot0 @ index_vec[1], target) @ rot0
        index_mcp_offset = index_vec[0]
    return rot


def do_point(tl: Timeline, sc: Scene, after: str | None) -> None:
    rng = sc.rng
    theta = float(rng.uniform(0, 360))
    variant = str(rng.choice(["still", "reach"]))
    fingers = sc.fingers(FIST, 4)
    fingers[0] = INDEX_STRAIGHT + rng.uniform(0, 6, 3)
    thumb = THUMB_FIST if rng.random() < 0.7 else THUMB_OUT
    palm = str(rng.choice(["down", "thumb_up", "camera"], p=[0.45, 0.35, 0.2]))
    hint = {"down": -sc.up + 0.3 * sc.toward, "thumb_up": sc.medial + 0.2 * sc.toward, "camera": sc.toward - 0.3 * sc.up}[palm]
    elevation = float(rng.uniform(-10, 35))
    xy = sc.zone_xy()
    depth = sc.depth * rng.uniform(0.95, 1.1)
    pose = sc.pose(xy, depth, np.eye(3), fingers, rng.uniform(0, 0.3), thumb, 0.8)
    # The index finger in the (mirrored, metric) hand frame, for this exact pose.
    one = {k: np.asarray(v)[None] for k, v in vars(pose).items()}
    pts = hand_landmarks(sc.hand, np.zeros((1, 3)), np.eye(3)[None], one["fingers"], one["spread"], one["thumb"], one["cup"])[0]
    index_vec = (pts[5], _unit(pts[8] - pts[5]))
    if variant == "reach":  # the arm travels out along the pointing direction while the finger extends
        rot = point_rotation(sc, pose.center, theta, elevation, hint, index_vec)
        reach = rng.uniform(0.05, 0.15)
        for _ in range(4):
            end = pose.center + reach * (rot @ index_vec[1])
            exy = sc.to_image(end)
            if np.all(np.abs(exy - sc.clamp_xy(exy)) < 1e-9):
                break
            reach *= 0.5
        pose.center = end
    else:  # "still": bring the hand up first (unlabelled), then only the finger moves
        raised = replace(tl.last, center=pose.center + rng.normal(0, 0.01, 3), rot=sc.jitter_rot(tl.last.rot, 10))
        tl.to(sc.dur(0.4, 0.8), raised)
        tl.hold(sc.dur(0.05, 0.3), rng)
    pose.rot = point_rotation(sc, pose.center, theta, elevation, hint, index_vec)
    t0 = tl.now
    tl.to(sc.dur(0.3, 0.6) if variant == "reach" else sc.dur(0.2, 0.4), pose, gamma=rng.uniform(0.8, 1.2))
    tl.hold(sc.dur(0.45, 1.6), rng, drift_m=0.002)
    _label(tl, "point", t0, theta, f"{variant}/{palm}")


def do_swipe(tl: Timeline, sc: Scene, label: str, after: str | None) -> None:
    rng = sc.rng
    # The person moves roughly along the world direction; the camera's roll turns it in the image.
    deviation = float(np.clip(rng.normal(0, 7) - sc.roll, -32, 32))
    angle = math.radians(SWIPE_ANGLE[label] + deviation)
    step = np.array([math.cos(angle), -math.sin(angle)])
    amplitude = rng.uniform(0.22, 0.55)
    m = sc.margin()
    lo = np.array([m, 0.08 + 0.45 * sc.hand_size])
    hi = np.array([1 - m, 0.95 - 0.25 * sc.hand_size])
    room = np.min(np.where(np.abs(step) > 1e-6, (hi - lo) / np.maximum(np.abs(step), 1e-6), np.inf))
    amplitude = min(amplitude, 0.95 * room)
    delta = amplitude * step
    start_lo, start_hi = np.maximum(lo, lo - delta), np.minimum(hi, hi - delta)
    start = rng.uniform(start_lo, start_hi)
    end = start + delta
    depth = sc.depth * rng.uniform(0.9, 1.05)
    # Palm orientation: facing the camera, leading the motion, or trailing it (back of the hand first).
    motion_w = sc.right * math.cos(math.radians(SWIPE_ANGLE[label])) + sc.up * math.sin(math.radians(SWIPE_ANGLE[label]))
    horizontal = label in ("swipe_left", "swipe_right")
    style = str(rng.choice(["camera", "lead", "trail", "side"] if not horizontal else ["camera", "lead", "trail"]))
    if style == "camera":
        rot = hand_frame(sc.up + 0.2 * sc.toward, sc.toward)
    elif style == "side":
        rot = hand_frame(sc.medial + 0.3 * sc.up, sc.toward)
    else:
        sign = 1 if style == "lead" else -1
        fingers_dir = sc.up + 0.3 * sc.toward if horizontal else sc.medial + 0.5 * sc.toward
        rot = hand_frame(fingers_dir, sign * motion_w + 0.6 * sc.toward)
    rot = sc.jitter_rot(rot, 10)
    fingers = sc.fingers(FLAT if rng.random() < 0.4 else LOOSE, 4)
    thumb = THUMB_OPEN if rng.random() < 0.5 else THUMB_ALONG
    ready = sc.pose(start, depth, rot, fingers, rng.uniform(0.1, 0.7), thumb, 0.2)
    coarticulated = after is not None and rng.random() < 0.6
    if coarticulated:  # fingers are still opening as the hand sets off from the previous gesture
        mix = rng.uniform(0.4, 0.8)
        ready.fingers = mix * ready.fingers + (1 - mix) * tl.last.fingers
        tl.to(sc.dur(0.2, 0.45), ready, gamma=rng.uniform(0.8, 1.2))
    else:
        if rng.random() < 0.2:  # a small wind-up against the swipe direction
            wind = replace(ready, center=sc.to_camera(start - rng.uniform(0.04, 0.1) * delta, depth))
            tl.to(sc.dur(0.35, 0.7), wind)
            tl.to(sc.dur(0.15, 0.25), ready)
        else:
            tl.to(sc.dur(0.35, 0.7), ready, gamma=rng.uniform(0.8, 1.2))
        tl.hold(sc.dur(0.05, 0.3), rng, drift_m=0.002)
    t0 = max(tl.now - sc.dur(0.03, 0.15), tl.times[-2])
    twist = axis_angle(sc.up + rng.normal(0, 0.3, 3), rng.uniform(-25, 25))
    final = Pose(sc.to_camera(end, depth), twist @ rot, sc.fingers(fingers, 3), ready.spread, ready.thumb, ready.cup)
    stroke = sc.dur(0.35, 0.65)
    overshoot = rng.random() < 0.6
    if overshoot:
        beyond = replace(final, center=sc.to_camera(end + rng.uniform(0.03, 0.08) * delta, depth))
        tl.to(stroke, beyond, gamma=rng.uniform(0.75, 1.3))
    else:
        tl.to(stroke, final, gamma=rng.uniform(0.75, 1.3))
    # The path bows sideways and towards the camera a little.
    perp = np.array([-step[1], step[0]]) * rng.normal(0, 0.06) * amplitude
    bow = sc.to_camera(start + perp, depth) - sc.to_camera(start, depth) + np.array([0, 0, -rng.uniform(0, 0.06) * depth])
    tl.bumps.append((tl.times[-2], tl.now, bow))
    if overshoot:
        tl.to(sc.dur(0.12, 0.22), final)
    tl.hold(sc.dur(0.03, 0.1), rng, drift_m=0.002)
    _label(tl, label, t0, None, style + ("/coart" if coarticulated else ""))


def do_grab(tl: Timeline, sc: Scene, after: str | None) -> None:
    rng = sc.rng
    style = str(rng.choice(["camera", "down", "side"], p=[0.5, 0.3, 0.2]))
    if style == "camera":
        rot = hand_frame(sc.up + rng.uniform(0, 0.6) * sc.toward, sc.toward - 0.2 * sc.up)
    elif style == "down":
        rot = hand_frame(sc.toward + 0.5 * sc.up + 0.3 * sc.medial, -sc.up + 0.4 * sc.toward)
    else:
        rot = hand_frame(sc.up + 0.5 * sc.toward, sc.medial + 0.3 * sc.toward)
    rot = sc.jitter_rot(rot, 8)
    xy = sc.zone_xy()
    depth = sc.depth * rng.uniform(0.95, 1.05)
    reach = rng.random() < 0.5
    open_depth = depth * (1 - rng.uniform(0.05, 0.15)) if reach else depth
    t0 = tl.now
    opened = sc.pose(xy, open_depth, rot, sc.fingers(FLAT, 5), rng.uniform(0.5, 1.0), THUMB_OPEN, 0.1)
    tl.to(sc.dur(0.3, 0.6), opened, gamma=rng.uniform(0.8, 1.2))
    if rng.random() < 0.6:
        tl.hold(sc.dur(0.05, 0.3), rng, drift_m=0.002)
    pull = sc.to_camera(xy + rng.normal(0, 0.01, 2), open_depth * (1 + rng.uniform(0, 0.06)))
    fist = Pose(pull, sc.jitter_rot(rot, 5), sc.fingers(FIST, 4), 0.0, THUMB_FIST + rng.normal(0, 4, 4), 1.0)
    tl.to(sc.dur(0.3, 0.7), fist, gamma=rng.uniform(0.7, 1.2))
    tl.hold(sc.dur(0.15, 0.6), rng, drift_m=0.002)
    _label(tl, "grab", t0, None, style + ("/reach" if reach else ""))


def do_come_here(tl: Timeline, sc: Scene, after: str | None) -> None:
    rng = sc.rng
    style = str(rng.choice(["hand_palm_up", "hand_palm_camera", "index_palm_up", "index_palm_camera"]))
    if style.endswith("palm_up"):
        rot = hand_frame(sc.toward + rng.uniform(0.3, 0.8) * sc.up + 0.3 * sc.medial, sc.up + 0.3 * sc.toward)
        xy = sc.clamp_xy(sc.zone_xy() + np.array([0, 0.08]))
    else:
        rot = hand_frame(sc.up + 0.2 * sc.toward, sc.toward)
        xy = sc.zone_xy()
    rot = sc.jitter_rot(rot, 8)
    depth = sc.depth * rng.uniform(0.95, 1.05)
    whole_hand = style.startswith("hand")
    if whole_hand:
        extended, curled = sc.fingers(LOOSE * 0.6, 3), sc.fingers(BECKON_CURL, 5)
    else:
        extended, curled = sc.fingers(FIST, 4), sc.fingers(FIST, 4)
        extended[0], curled[0] = INDEX_STRAIGHT + rng.uniform(0, 10, 3), INDEX_HOOK + rng.normal(0, 5, 3)
    thumb = THUMB_RELAXED if whole_hand else THUMB_FIST
    open_pose = sc.pose(xy, depth, rot, extended, 0.3, thumb, 0.3 if whole_hand else 0.8)
    flex_axis = rot[:, 0]  # wrist flexion: the whole hand dips towards the palm as the fingers curl
    curl_pose = replace(open_pose, fingers=curled, rot=axis_angle(flex_axis, rng.uniform(5, 20) if whole_hand else 3) @ rot)
    t0 = tl.now
    tl.to(sc.dur(0.25, 0.5), open_pose, gamma=rng.uniform(0.8, 1.2))
    period = sc.dur(0.4, 0.75)
    cycles = int(rng.integers(2, 5))
    cycles = max(2, min(cycles, int((2.9 - (tl.now - t0)) / period)))
    for _ in range(cycles):
        share = rng.uniform(0.4, 0.55)  # curling is usually a little quicker than re-extending
        tl.to(period * share * rng.uniform(0.9, 1.1), replace(curl_pose, center=curl_pose.center + rng.normal(0, 0.003, 3)))
        tl.to(period * (1 - share) * rng.uniform(0.9, 1.1), replace(open_pose, center=open_pose.center + rng.normal(0, 0.003, 3)))
    _label(tl, "come_here", t0, None, style)


def do_stop(tl: Timeline, sc: Scene, after: str | None) -> None:
    rng = sc.rng
    rot = sc.jitter_rot(hand_frame(sc.up + rng.normal(0, 0.15) * sc.toward, sc.toward), 5)
    xy = sc.zone_xy()
    depth = sc.depth * rng.uniform(0.95, 1.05)
    push = rng.random() < 0.4
    if push:  # pushing the palm out towards the camera
        depth *= 1 - rng.uniform(0.04, 0.12)
    t0 = tl.now
    palm = sc.pose(xy, depth, rot, sc.fingers(FLAT, 3), rng.uniform(0.05, 0.6), THUMB_ALONG if rng.random() < 0.6 else THUMB_OPEN, 0.1)
    tl.to(sc.dur(0.3, 0.6), palm, gamma=rng.uniform(0.8, 1.2))
    tl.hold(sc.dur(0.5, 1.8), rng, drift_m=0.003)
    _label(tl, "stop", t0, None, "push" if push else "raise")


def do_gesture(tl: Timeline, sc: Scene, label: str, after: str | None = None) -> None:
    if label in SWIPE_ANGLE:
        do_swipe(tl, sc, label, after)
    else:
        {"point": do_point, "grab": do_grab, "come_here": do_come_here, "stop": do_stop}[label](tl, sc, after)


# ----------------------------------------------------------------------------------------------
# Human motion noise and the tracker
# ----------------------------------------------------------------------------------------------


def smooth_noise(rng: np.random.Generator, n: int, dims: int, width_s: float) -> np.ndarray:
    """Unit-variance Gaussian noise low-passed with a Gaussian kernel of the given width (seconds)."""
    sigma = max(width_s * FPS, 0.5)
    half = int(3 * sigma) + 1
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    kernel /= np.sqrt((kernel**2).sum())
    white = rng.normal(size=(n + 2 * half, dims))
    return np.stack([np.convolve(white[:, d], kernel, mode="valid")[:n] for d in range(dims)], axis=1)


def human_motion(rng: np.random.Generator, center, rot, fingers, thumb):
    """Sway, 8-12 Hz physiological tremor, small orientation and finger wobble."""
    n = len(center)
    t = np.arange(n) / FPS
    center = center + smooth_noise(rng, n, 3, 0.4) * rng.uniform(0.001, 0.003)
    freq = rng.uniform(8, 12)
    tremor = np.sin(2 * np.pi * freq * t[:, None] + rng.uniform(0, 2 * np.pi, 3)) * rng.uniform(0.0002, 0.0008, 3)
    center = center + tremor * (1 + 0.5 * smooth_noise(rng, n, 1, 0.5))
    wobble = smooth_noise(rng, n, 3, 0.3) * math.radians(rng.uniform(0.3, 1.0))
    rot = rotvec_to_matrix(wobble) @ rot
    fingers = fingers + smooth_noise(rng, n, 12, 0.25).reshape(n, 4, 3) * rng.uniform(0.5, 2)
    thumb = thumb + smooth_noise(rng, n, 4, 0.25) * rng.uniform(1, 3)
    return center, rot, fingers, thumb


def tracker(rng: np.random.Generator, clean: np.ndarray, fingers: np.ndarray, hidden: np.ndarray, hand_size: float, spans: list):
    """Turn exact projected landmarks into tracker output. Returns (landmarks, info dict).

    `spans` are the labelled (start, end) frames: random drops are thinned there so that no gesture loses over a quarter."""
    n = len(clean)
    out = clean.copy()
    # Lag: the tracker's temporal smoothing trails fast motion.
    alpha = rng.uniform(0.55, 1.0)
    for i in range(1, n):
        out[i] = alpha * clean[i] + (1 - alpha) * out[i - 1]
    # Jitter: AR(1) per landmark, larger in depth and at fingertips of curled (self-occluded) fingers.
    sigma = rng.uniform(0.001, 0.003) + hand_size * rng.uniform(0.005, 0.02)
    rho = rng.uniform(0.3, 0.8)
    scale = np.full((n, 21, 1), sigma)
    curl = np.clip((fingers[:, :, 0] + fingers[:, :, 1]) / 180.0, 0, 1)  # (n, 4)
    scale[:, [8, 12, 16, 20], 0] *= 1 + 1.5 * curl
    noise = np.zeros((n, 21, 3))
    innovation = rng.normal(size=(n, 21, 3)) * np.sqrt(1 - rho**2)
    noise[0] = rng.normal(size=(21, 3))
    for i in range(1, n):
        noise[i] = rho * noise[i - 1] + innovation[i]
    noise *= scale * np.array([1.0, 1.0, 2.5])
    shared = smooth_noise(rng, n, 2, 0.1) * sigma * 0.7  # the whole-hand box wobbles too
    out[..., :2] += noise[..., :2] + shared[:, None, :]
    out[..., 2] = out[..., 2] * rng.uniform(0.6, 1.2) + noise[..., 2]  # MediaPipe depth is poorly scaled
    out[:, 0, 2] = 0.0  # depth is relative to the wrist
    # Rare one-frame glitches: one finger snaps to a wrong place.
    for _ in range(int(rng.random() < 0.15) * int(rng.integers(1, 3))):
        i, f = int(rng.integers(0, n)), int(rng.integers(0, 5))
        out[i, 1 + 4 * f : 5 + 4 * f, :2] += rng.normal(0, 0.2 * hand_size, 2)
    # Lost tracking: hidden spans and a wrist that has left the image.
    lost = hidden | np.any((clean[:, 0, :2] < -0.05) | (clean[:, 0, :2] > 1.05), axis=1)
    lost |= np.any((clean[..., :2] < -0.25) | (clean[..., :2] > 1.25), axis=(1, 2))
    # Dropped frames: scattered and in short bursts, either as NaN or as a repeat of the previous frame.
    style = str(rng.choice(["nan", "repeat"], p=[0.7, 0.3]))
    rate = 0.0 if rng.random() < 0.35 else rng.uniform(0.01, 0.06)
    dropped = rng.random(n) < rate
    for _ in range(int(rng.integers(0, 3)) if rate > 0 else 0):
        i = int(rng.integers(0, n))
        dropped[i : i + int(rng.integers(2, 6))] = True
    for start, end in spans:
        while dropped[start:end].sum() > 0.25 * (end - start):
            dropped[start + int(rng.choice(np.flatnonzero(dropped[start:end])))] = False
    out[lost] = np.nan
    if style == "nan":
        out[dropped] = np.nan
    else:
        for i in np.flatnonzero(dropped):
            if i > 0:
                out[i] = out[i - 1]
    out = np.clip(out, *COORD_LIMIT)  # NaN stays NaN
    info = {
        "drop_style": style,
        "drop_rate": round(float(rate), 4),
        "noise_xy": round(float(sigma), 5),
        "lag_alpha": round(float(alpha), 3),
    }
    info["n_lost"], info["n_dropped"] = int(lost.sum()), int(dropped.sum())
    return out, info


# ----------------------------------------------------------------------------------------------
# Clips
# ----------------------------------------------------------------------------------------------


@dataclass
class Blind2Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start, end, direction_deg or None)], end exclusive, in order
    kind: str
    meta: dict


def generate_clip(seed, kind: str, labels: list, clean: bool = False) -> Blind2Clip:
    """One clip of `kind` performing `labels` in order. `clean=True` skips the tracker (exact landmarks)."""
    rng = np.random.default_rng(seed)
    sc = Scene(rng)
    tl = Timeline()
    hover_start = kind in ("tight", "pair") and rng.random() < 0.3
    tl.start(sc.hover_pose() if hover_start else sc.rest_pose())
    if kind == "margin":
        do_idle(tl, sc, rng.uniform(0.5, 2.0), hover=rng.random() < 0.2)
    elif kind in ("pair", "recording"):
        tl.hold(rng.uniform(0.1, 1.5), rng)
    previous = None
    for i, label in enumerate(labels):
        do_gesture(tl, sc, label, previous)
        previous = label
        if i == len(labels) - 1:
            break
        if kind == "pair":
            if rng.random() < 0.5:
                tl.hold(sc.dur(0.05, 0.4), rng)
        else:  # recording: back to rest, a relaxed hover, or straight on
            between = str(rng.choice(["rest", "hover", "direct"], p=[0.6, 0.3, 0.1]))
            if between == "direct":
                tl.hold(sc.dur(0.2, 0.5), rng)
            else:
                t0 = tl.now
                do_idle(tl, sc, rng.uniform(0.5, 2.5), hover=between == "hover")
                if between == "rest" and rng.random() < 0.1 and tl.now - t0 > 1.2:
                    tl.hidden.append((t0 + 0.6, tl.now - 0.3))
                previous = None
    tail = {"tight": 0.3, "margin": rng.uniform(0.5, 2.0), "pair": rng.uniform(0.1, 1.5), "recording": rng.uniform(0.3, 1.5)}[kind]
    do_idle(tl, sc, tail)

    n = int(tl.now * FPS) + 1
    center, rot, fingers, spread, thumb, cup = tl.sample(n)
    center, rot, fingers, thumb = human_motion(rng, center, rot, fingers, thumb)
    points = hand_landmarks(sc.hand, center, rot, fingers, spread, thumb, cup)
    image = project(points, sc.focal)
    t = np.arange(n) / FPS
    hidden = np.zeros(n, bool)
    for t0, t1 in tl.hidden:
        hidden |= (t >= t0) & (t < t1)
    meta = {
        "seed": [int(s) for s in np.atleast_1d(seed)],
        "hand": "right" if sc.hand.side > 0 else "left",
        "hand_size": round(sc.hand_size, 3),
        "roll_deg": round(sc.roll, 1),
        "focal": round(sc.focal, 3),
        "tempo": round(sc.tempo, 3),
        "variants": [s[4] for s in tl.spans],
        "clean": clean,
    }
    gestures = []
    for label, t0, t1, direction, _ in tl.spans:
        start = int(round(t0 * FPS))
        end = min(max(int(round(t1 * FPS)), start + 1), n)
        gestures.append((label, start, end, None if direction is None else round(float(direction), 2)))
    if clean:
        landmarks = np.clip(image, *COORD_LIMIT)
    else:
        landmarks, info = tracker(rng, image, fingers, hidden, sc.hand_size, [g[1:3] for g in gestures])
        meta.update(info)
    if kind == "tight":  # trimmed to the gesture itself
        _, start, end, direction = gestures[0]
        landmarks = landmarks[start:end]
        gestures = [(labels[0], 0, end - start, direction)]
    return Blind2Clip(np.ascontiguousarray(landmarks, dtype=np.float32), gestures, kind, meta)


def _kind_counts(n: int) -> dict:
    """Largest-remainder split of n over KIND_SHARES."""
    raw = {k: n * s for k, s in KIND_SHARES.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def blind2_dataset(n: int, seed: int) -> list[Blind2Clip]:
    """n clips, deterministic for a seed: kinds mixed by KIND_SHARES, single-gesture kinds balanced over GESTURES."""
    rng = np.random.default_rng(seed)
    jobs = []
    for kind, count in _kind_counts(n).items():
        for i in range(count):
            if kind in ("tight", "margin"):
                if i % len(GESTURES) == 0:
                    block = list(rng.permutation(GESTURES))
                labels = [block[i % len(GESTURES)]]
            elif kind == "pair":
                labels = list(PAIRS[int(rng.integers(len(PAIRS)))])
            else:
                labels = [str(g) for g in rng.choice(GESTURES, size=int(rng.integers(3, 6)))]
            jobs.append((kind, [str(x) for x in labels]))
    order = rng.permutation(len(jobs))
    return [generate_clip([seed, int(i)], *jobs[j]) for i, j in enumerate(order)]


# ----------------------------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------------------------


def _angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def score(recognize, clips) -> dict:
    """Exact-sequence accuracy of `recognize(landmarks) -> [{"label", "start", "end", "direction_deg"}, ...]`."""
    correct_by_kind: dict = {}
    correct_by_gesture: dict = {}
    confusion: dict = {}
    point_errors = []
    n_correct = 0
    for clip in clips:
        performed = [g[0] for g in clip.gestures]
        found = list(recognize(clip.landmarks) or [])
        said = [str(d["label"]) for d in found]
        ok = said == performed
        n_correct += ok
        correct_by_kind.setdefault(clip.kind, []).append(ok)
        if clip.kind in ("tight", "margin"):
            correct_by_gesture.setdefault(performed[0], []).append(ok)
        key = f"{'+'.join(performed)} -> {'+'.join(said) if said else 'none'}"
        confusion[key] = confusion.get(key, 0) + 1
        if ok:
            truth = [g[3] for g in clip.gestures if g[0] == "point"]
            guess = [d.get("direction_deg") for d in found if d["label"] == "point"]
            for a, b in zip(truth, guess):
                point_errors.append(180.0 if b is None else _angle_error(float(a), float(b)))
    n = len(clips)
    errors = np.asarray(point_errors, float)
    return {
        "n": n,
        "accuracy": n_correct / n if n else 0.0,
        "by_kind": {k: sum(v) / len(v) for k, v in sorted(correct_by_kind.items())},
        "by_gesture": {k: sum(v) / len(v) for k, v in sorted(correct_by_gesture.items())},
        "pointing_error_deg": {
            "median": float(np.median(errors)) if len(errors) else None,
            "mean": float(errors.mean()) if len(errors) else None,
            "n": int(len(errors)),
        },
        "confusion": dict(sorted(confusion.items())),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write each clip as .npy plus labels.json here")
    args = parser.parse_args(argv)
    clips = blind2_dataset(args.n, args.seed)
    for i, clip in enumerate(clips):
        print(f"{i:3d} {clip.kind:9s} T={len(clip.landmarks):4d} {clip.meta['hand']:5s} {[g[0] for g in clip.gestures]}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        index = []
        for i, clip in enumerate(clips):
            name = f"clip_{i:03d}_{clip.kind}.npy"
            np.save(args.out / name, clip.landmarks)
            index.append({"file": name, "kind": clip.kind, "gestures": clip.gestures, "meta": clip.meta})
        (args.out / "labels.json").write_text(json.dumps(index, indent=1))
        print(f"wrote {len(clips)} clips to {args.out}")


if __name__ == "__main__":
    main()
