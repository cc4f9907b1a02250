"""Rendered 3-D hand clips read by a real MediaPipe hand tracker: a held-out gesture clip set.

What it does
------------
Renders videos of a 3-D hand performing robocue's command gestures (``point``, the four
swipes, ``grab``, ``come_here``, ``stop``), runs MediaPipe on each video through robocue's
own :func:`robocue.perception.gestures.rendering.landmarks_from_video` (the legacy
``mediapipe.solutions.hands`` path), and saves what MediaPipe saw together with the true labels.
The clips are meant for scoring gesture readers, never for training or tuning them.

The hand is the Adroit (Shadow-like) hand of gymnasium-robotics 1.4.2, read straight from the
wheel (its MJCF kinematic tree, joint axes and limits). Its robotic meshes are hidden: MediaPipe's
palm detector found them in 0 of 9 test stills (open, fist, point at three distances), and the
hand's own collision capsules in 3 of 9. Instead the script puts a smooth "mannequin" skin on the
same bodies: a rounded convex palm, a thenar pad, capsule phalanges, a convex forearm (without
one MediaPipe's detections fell to about 30%) and an optional sleeve. With that skin, soft light
and near-neutral walls, MediaPipe's legacy Hands (static images, default confidence) finds the hand
in 100/98/92/77% of stills at hand sizes 0.2/0.3/0.4/0.5 of the image width (open, point, fist and
relaxed poses, 16 random looks each); the misses are mostly big pointing or fist hands. Strong,
contrasty light or strongly coloured walls cost detections. The hand is posed kinematically (joint
angles and a mocap root; no physics), in front of a plain, speckled or faint-checker wall, lit by
a headlight and one shadow-casting key light, and seen by a 640x480 camera (vertical field of
view 45 degrees).

Each clip draws its own look and performance from its seed: skin tone (light to dark), sleeve or
bare forearm, wall texture and colour, light, hand size (palm base to middle fingertip,
log-uniform over 0.15-0.5 of the image width: camera 0.35-1.2 m away), camera roll (+-20
degrees), left or right hand (a left hand is the rendered right hand with the image mirrored), and
speed (0.75-1.35x). Clip kinds:

* ``tight``: just the gesture (its one segment spans the whole clip).
* ``margin``: an idle hand (resting, relaxed half-curled fingers, small fidgets) before and after.
* ``pair``: idle, two gestures from robocue's ``GESTURE_PAIRS`` (point then a swipe, grab then a
  swipe, point then grab, point then come_here), idle.

Outputs, under ``--out``:

* ``clip_00000.npy``: MediaPipe's landmarks, float32 ``(T, 21, 3)`` exactly as
  ``landmarks_from_video`` returns them (x, y normalised by the image width and height, y down;
  z MediaPipe's relative depth; all-NaN where no hand was found).
* ``labels.json``: one entry per clip: ``file``, ``kind``, ``gestures`` (a list of
  ``[label, start_frame, end_frame, direction_deg or null]``, ``end_frame`` exclusive, frames
  counted from 0 at 30 fps), ``tracked_fraction`` (share of frames with landmarks), ``hand``
  (``"left"``/``"right"``), ``image_size`` (``[W, H]``), and, beyond the spec, ``video`` and
  ``render`` (the nuisance parameters drawn for the clip).
* ``videos/clip_00000.mp4``: the rendered video (mp4v, 30 fps).
* ``true_landmarks/clip_00000.npy``: the rendered hand's true joints in MediaPipe's order and
  image coordinates (x, y as MediaPipe's; z = depth minus the wrist's depth over the image's
  width in the world at the wrist), for checking the tracker; a reader must not use them.
* ``summary.json``: timing, tracked share per kind, value ranges, tracker-vs-truth figures and
  the Tasks-API check.

Segment boundaries: a gesture starts halfway through the hand's move from its previous state into
the gesture (for ``tight`` clips: once the gesture's hand shape is formed, frame 0) and ends when
the hand starts to leave it (a swipe: when its stroke ends). ``point`` segments carry the
pointing direction in the image, degrees counter-clockwise from the image's right with y up:
the mean, over the frames the point is held (formed), of the unit vector from the true index MCP
(MediaPipe landmark 5) to the true index tip (landmark 8), projected into the final (mirrored for
a left hand) image, in pixels, then ``atan2`` mod 360. It comes from the MuJoCo model's body and
site positions, never from MediaPipe's output. All other segments carry null.

Optionally (``--tasks-clips N``) the first N clips are also read through ``landmarks_from_video``'s
``model_path`` branch (MediaPipe's Tasks ``HandLandmarker``), with a ``.task`` bundle built from
the wheel's own legacy models (a zip of ``hand_detector.tflite`` = ``palm_detection_full.tflite``
and ``hand_landmarks_detector.tflite`` = ``hand_landmark_full.tflite``); the summary compares
the two. ``--handedness-clips N`` runs MediaPipe's legacy Hands directly on the first N videos
only to record the handedness it reports (``landmarks_from_video`` drops it).

How to run
----------
mediapipe 0.10.14 needs protobuf<5 and numpy<2, which clash with robocue's own venv, so it runs
in a separate venv that borrows robocue (and torch, which robocue's gesture package imports) from
robocue's venv, appended after its own packages::

    python3.11 -m venv /work/mpvenv
    /work/mpvenv/bin/pip install --find-links /tmp/mp2 "mediapipe==0.10.14" "numpy<2" \\
        "opencv-contrib-python<4.11" "mujoco==4.0.1"
    mkdir -p /work/mpvenv/robocue_src && ln -sfn /work/main /work/mpvenv/robocue_src/robocue
    printf '/work/mpvenv/robocue_src\\n/work/main/.venv/lib/python3.11/site-packages\\n' \\
        > /work/mpvenv/lib/python3.11/site-packages/robocue_src.pth

(``/tmp/mp2`` holds the downloaded mediapipe wheel and its dependencies; PyPI supplies the rest.
The ``.pth`` makes ``import robocue`` resolve to /work/main, as robocue's editable install does.)
Then, on one CPU core, headless::

    cd /work/main && MUJOCO_GL=egl LP_NUM_THREADS=1 OMP_NUM_THREADS=1 taskset -c 0 \\
        /work/mpvenv/bin/python docs/notes/mediapipe_rendered_hands.py \\
        --out /work/runs/mediapipe_rendered --tight 40 --margin 40 --pair 40 \\
        --wheel /tmp/gr/gymnasium_robotics-1.4.2-py3-none-any.whl --tasks-clips 6 --handedness-clips 12

It is seeded (``--seed``, default 0; clip i draws from ``default_rng([seed, i])``); a rerun
reproduced the first three clips' landmarks bit for bit on the same machine (Mesa EGL on CPU).

Measured (120 clips, 40 per kind, seed 0, one CPU core): 11,734 frames in 18.3 min (render
82 ms/frame with shadows, MediaPipe 12 ms/frame). MediaPipe tracked 97.1% of tight, 98.9% of
margin and 97.9% of pair frames; the misses cluster on hands larger than 0.4 of the image width
(one tight swipe with fingers past the top edge was never acquired). Its x, y are within about
0.011 image widths (median; 90th percentile 0.024) of the true joints; its z is exactly 0 at the
wrist and not a faithful depth (a flat open palm facing the camera gets fingertip z of about
-0.12 to -0.14 where the truth is about 0; |z| runs about 1.6 times the true relative depth in
image widths, median); x and y run slightly outside [0, 1] near the edges; its index direction is
within a median 3 degrees of the truth, its handedness label is the opposite of the hand shown
(it assumes a mirrored selfie image), and the Tasks API with the wheel's models gives nearly the
same landmarks (mean difference under 0.01).

Independence: this script was written without reading robocue's gesture readers, encoder,
generator, performers, their tests or the commands report/docs; it reads only
``perception/gestures/rendering.py`` (``landmarks_from_video``) and ``vocabulary.py`` (labels).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
import zipfile
from pathlib import Path

os.environ.setdefault("MUJOCO_GL", "egl")

import cv2  # noqa: E402
import mujoco  # noqa: E402
import numpy as np  # noqa: E402

from robocue.perception.gestures.rendering import landmarks_from_video  # noqa: E402
from robocue.perception.gestures.vocabulary import FPS, GESTURE_PAIRS, GESTURES  # noqa: E402

WIDTH, HEIGHT = 640, 480
FOVY_DEG = 45.0
ADROIT_PREFIX = "gymnasium_robotics/envs/assets/adroit_hand/"
MESHES = ("wrist", "palm", "lfmetacarpal", "knuckle", "F3", "F2", "F1", "TH3_z", "TH2_z", "TH1_z")
FINGERS = ("ff", "mf", "rf", "lf")

# ---------------------------------------------------------------------------------------
# The scene: Adroit kinematics with a smooth skin
# ---------------------------------------------------------------------------------------


def _capsule(a, b, radius: float, material: str = "skin") -> str:
    fromto = " ".join(map(str, (*a, *b)))
    return f'<geom type="capsule" fromto="{fromto}" size="{radius}" material="{material}" class="flesh"/>'


def _vertices(points) -> str:
    return " ".join(f"{x:.4f} {y:.4f} {z:.4f}" for x, y, z in points)


def _palm_points():
    """A rounded palm: wider at the knuckles than at the wrist, with an oval cross-section (x across, z along
    the fingers, -y the palm side), rounded off towards the wrist and the knuckles."""
    points = []
    for z in np.linspace(-0.004, 0.096, 14):
        u = (z + 0.004) / 0.1  # 0 at the wrist crease, 1 at the knuckles
        half_width = 0.029 + 0.014 * np.sin(np.pi / 2 * min(u / 0.75, 1.0))
        end = max(0.0, abs(u - 0.5) * 2 - 0.7) / 0.3  # 0 in the middle, 1 at either end
        taper = np.sqrt(max(1.0 - end**2, 0.05))
        for phi in np.linspace(0, 2 * np.pi, 24, endpoint=False):
            c, s = np.cos(phi), np.sin(phi)
            x = half_width * taper * np.sign(c) * abs(c) ** 0.7
            y = (0.014 if s < 0 else 0.010) * taper * s - 0.001
            points.append((x + 0.002, y, z))
    return points


def _forearm_points():
    """Elliptic rings from just inside the palm's base (z = 0.036; the palm starts at 0.03) down the forearm."""
    points = []
    for z, rx, ry in ((0.036, 0.027, 0.017), (0.0, 0.03, 0.02), (-0.04, 0.031, 0.021), (-0.12, 0.036, 0.027), (-0.32, 0.04, 0.032)):
        points += [(rx * np.cos(a), -0.002 + ry * np.sin(a), z) for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    return points


def _flesh() -> dict[str, list[str]]:
    """Skin geoms to add to each Adroit body (in that body's frame; the fingers run along +z)."""
    flesh = {
        "palm": [
            '<geom type="mesh" mesh="palm_flesh" material="skin" class="flesh"/>',
            '<geom type="ellipsoid" pos="0.022 -0.01 0.03" size="0.019 0.011 0.03" euler="0 -0.5 0" material="skin" class="flesh"/>',
        ],
        "thproximal": [_capsule((0, 0, -0.005), (0, 0, 0.038), 0.014)],
        "thmiddle": [_capsule((0, 0, 0), (0, 0, 0.032), 0.0115)],
        "thdistal": [_capsule((0, 0, 0), (0, 0, 0.018), 0.0102)],
    }
    for finger, radius in zip(FINGERS, (0.0098, 0.0100, 0.0096, 0.0088)):
        flesh[finger + "proximal"] = [_capsule((0, 0, 0), (0, 0, 0.045), radius)]
        flesh[finger + "middle"] = [_capsule((0, 0, 0), (0, 0, 0.025), round(radius * 0.92, 5))]
        flesh[finger + "distal"] = [_capsule((0, 0, 0), (0, 0, round(0.026 - radius * 0.85, 5)), round(radius * 0.85, 5))]
    return flesh


def build_model(wheel: Path) -> mujoco.MjModel:
    """The hand scene: the Adroit hand (kinematic tree and meshes from the wheel) under a mocap root, skinned."""
    with zipfile.ZipFile(wheel) as archive:
        hand = archive.read(ADROIT_PREFIX + "adroit_model.xml").decode()
        assets = {f"{name}.stl": archive.read(f"{ADROIT_PREFIX}resources/meshes/{name}.stl") for name in MESHES}
    hand = hand.replace("<mujocoinclude>", "").replace("</mujocoinclude>", "")
    hand = re.sub(r'\s(user|rgba)="[^"]*"', "", hand)
    hand = hand.replace('group="3"', "").replace('<body name="wrist" pos="0 0 0.396">', '<body name="wrist" pos="0 0 0">')
    for body, geoms in _flesh().items():
        hand, count = re.subn(rf'(<body name="{body}"[^>]*>)', lambda match, g=geoms: match.group(1) + "".join(g), hand)
        assert count == 1, body
    meshes = "\n".join(f'<mesh name="{name}" file="{name}.stl" scale="0.001 0.001 0.001"/>' for name in MESHES)
    xml = f"""
<mujoco model="rendered_hand">
  <compiler angle="radian"/>
  <visual>
    <global offwidth="{WIDTH}" offheight="{HEIGHT}" fovy="{FOVY_DEG}"/>
    <quality offsamples="4" shadowsize="2048"/>
    <headlight ambient="0.35 0.35 0.35" diffuse="0.5 0.5 0.5" specular="0.05 0.05 0.05"/>
  </visual>
  <default>
    <joint limited="true"/>
    <geom contype="0" conaffinity="0"/>
    <site group="5" rgba="0 0 0 0"/>
    <default class="flesh"><geom group="1"/></default>
    <default class="D_Vizual"><geom type="mesh" group="4"/></default>
    <default class="DC_Hand"><geom group="4"/></default>
    <default class="D_Touch"><site group="4" type="box"/></default>
  </default>
  <asset>
    {meshes}
    <mesh name="palm_flesh" vertex="{_vertices(_palm_points())}"/>
    <mesh name="forearm_flesh" vertex="{_vertices(_forearm_points())}"/>
    <material name="skin" rgba="0.8 0.6 0.45 1" specular="0.1" shininess="0.2"/>
    <material name="sleeve" rgba="0.2 0.3 0.5 1" specular="0.05"/>
    <texture name="speckle" type="2d" builtin="flat" mark="random" random="0.03" rgb1="1 1 1" markrgb="0.8 0.8 0.8"
      width="512" height="512"/>
    <texture name="checker" type="2d" builtin="checker" rgb1="1 1 1" rgb2="0.9 0.9 0.9" width="64" height="64"/>
    <material name="wall_plain" rgba="0.7 0.7 0.7 1" specular="0"/>
    <material name="wall_speckle" texture="speckle" rgba="0.7 0.7 0.7 1" specular="0"/>
    <material name="wall_checker" texture="checker" texrepeat="6 6" rgba="0.7 0.7 0.7 1" specular="0"/>
  </asset>
  <worldbody>
    <light name="key" pos="0.3 -1.0 0.8" dir="-0.3 1 -0.8" diffuse="0.6 0.6 0.6" castshadow="true"/>
    <geom name="wall" type="plane" size="4 4 0.01" pos="0 0.6 0" euler="1.5708 0 0" material="wall_plain"/>
    <camera name="cam" pos="0 -0.6 0" xyaxes="1 0 0 0 0 1" fovy="{FOVY_DEG}"/>
    <body name="hand_root" mocap="true">
      <geom name="forearm" type="mesh" mesh="forearm_flesh" material="skin"/>
      <geom name="sleeve" type="cylinder" size="0.045 0.25" pos="0 0 -5" material="sleeve"/>
      {hand}
    </body>
  </worldbody>
</mujoco>
"""
    return mujoco.MjModel.from_xml_string(xml, assets)


# MediaPipe's 21 landmarks as (kind, name) on the Adroit model: a body's origin or a site.
TRUE_JOINTS = (
    ("palm", None),  # 0 wrist: the palm's base (the wrist crease)
    ("body", "thproximal"), ("body", "thmiddle"), ("body", "thdistal"), ("site", "S_thtip"),
    ("body", "ffproximal"), ("body", "ffmiddle"), ("body", "ffdistal"), ("site", "S_fftip"),
    ("body", "mfproximal"), ("body", "mfmiddle"), ("body", "mfdistal"), ("site", "S_mftip"),
    ("body", "rfproximal"), ("body", "rfmiddle"), ("body", "rfdistal"), ("site", "S_rftip"),
    ("body", "lfproximal"), ("body", "lfmiddle"), ("body", "lfdistal"), ("site", "S_lftip"),
)  # fmt: skip

# ---------------------------------------------------------------------------------------
# Hand states: a few channels per frame, turned into joint angles and a root pose
# ---------------------------------------------------------------------------------------

# curl of each finger and the thumb (0 straight, 1 fist), spread (0 together, 1 splayed), palm
# centre (x right, z up) in image widths from the image centre, depth towards the camera (m),
# roll (finger direction, degrees counter-clockwise from up, in the image), yaw (palm turned about
# the finger axis, 0 = palm to the camera), pitch (fingers tipped towards the camera, degrees).
CHANNELS = ("ff", "mf", "rf", "lf", "th", "spread", "x", "z", "depth", "roll", "yaw", "pitch")
CH = {name: i for i, name in enumerate(CHANNELS)}
THUMB_OPEN = {"THJ4": 0.2, "THJ3": 0.1, "THJ2": 0.0, "THJ1": 0.0, "THJ0": 0.0}
THUMB_CLOSED = {"THJ4": 0.75, "THJ3": 1.15, "THJ2": 0.2, "THJ1": 0.4, "THJ0": -0.6}
SPREAD = {"FFJ3": 0.2, "MFJ3": 0.03, "RFJ3": -0.12, "LFJ3": -0.25}
SKIN_PALETTE = np.array([(0.93, 0.76, 0.64), (0.80, 0.58, 0.44), (0.58, 0.40, 0.28), (0.36, 0.24, 0.17)])
PALM_CENTER = np.array([0.0, 0.0, 0.034 + 0.045])  # root (wrist) -> palm centre, in the root frame


def state(**values) -> np.ndarray:
    s = np.zeros(len(CHANNELS))
    for name, value in values.items():
        s[CH[name]] = value
    return s


def joint_angles(s: np.ndarray) -> dict[str, float]:
    angles = {}
    for finger in FINGERS:
        c = float(np.clip(s[CH[finger]], 0.0, 1.05))
        key = finger.upper()
        angles.update({f"{key}J2": 1.45 * c, f"{key}J1": 1.5 * c, f"{key}J0": 1.15 * c})
    t = float(np.clip(s[CH["th"]], 0.0, 1.0))
    angles.update({j: (1 - t) * THUMB_OPEN[j] + t * THUMB_CLOSED[j] for j in THUMB_OPEN})
    spread = float(np.clip(s[CH["spread"]], 0.0, 1.0))
    angles.update({j: v * spread for j, v in SPREAD.items()})
    return angles


def _axis_quat(axis, degrees: float) -> np.ndarray:
    quat = np.zeros(4)
    mujoco.mju_axisAngle2Quat(quat, np.asarray(axis, dtype=float), np.radians(degrees))
    return quat


def _mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(4)
    mujoco.mju_mulQuat(out, a, b)
    return out


def root_orientation(s: np.ndarray) -> np.ndarray:
    """Roll about the viewing axis (towards the camera, -y), then pitch about x, then yaw about the finger axis z."""
    roll = _axis_quat((0, -1, 0), s[CH["roll"]])
    return _mul(roll, _mul(_axis_quat((1, 0, 0), s[CH["pitch"]]), _axis_quat((0, 0, 1), s[CH["yaw"]])))


# ---------------------------------------------------------------------------------------
# Performances: a timeline of hand states, with labelled segments
# ---------------------------------------------------------------------------------------


def ease(u):
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


class Timeline:
    """Per-frame hand states built by holds and eased moves; records labelled segments."""

    def __init__(self, start: np.ndarray, speed: float, hand_size: float):
        self.frames = [start.copy()]
        self.speed = speed
        self.hand_size = hand_size
        self.segments = []  # dicts: label, start, end, held (frames the pose is formed; for points)

    @property
    def now(self) -> int:
        return len(self.frames) - 1

    @property
    def last(self) -> np.ndarray:
        return self.frames[-1]

    def n(self, frames: float) -> int:
        return max(1, int(round(frames / self.speed)))

    def hold(self, frames: int):
        self.frames += [self.last.copy() for _ in range(frames)]

    def move(self, frames: int, **target):
        start = self.last.copy()
        end = start.copy()
        for name, value in target.items():
            end[CH[name]] = value
        for i in range(1, frames + 1):
            self.frames.append(start + (end - start) * ease(i / frames))

    def fit(self, x: float, z: float, roll: float, slack: float = 0.0) -> tuple[float, float]:
        """A palm centre near (x, z) that keeps the fingertips in the image (up to ``slack``) for this roll."""
        angle = np.radians(roll + 90.0)
        reach = 0.8 * self.hand_size
        tip = np.array([x + reach * np.cos(angle), z + reach * np.sin(angle)])
        bound = np.array([0.48, 0.36]) + slack
        center = np.array([x, z]) - (tip - np.clip(tip, -bound, bound))
        center = np.clip(center, [-0.45, -0.34], [0.45, 0.34])
        return float(center[0]), float(center[1])

    def array(self) -> np.ndarray:
        return np.stack(self.frames)


def _unwrap_roll(tl: Timeline, roll: float) -> float:
    """The roll target nearest the current roll (so moves take the short way round)."""
    current = tl.last[CH["roll"]]
    return current + ((roll - current + 180.0) % 360.0) - 180.0


def idle(tl: Timeline, rng, frames: int, home):
    """A resting hand: relaxed, half-curled fingers, drifting and fidgeting a little."""
    settle = min(frames, tl.n(rng.integers(10, 18)))
    curl = rng.uniform(0.15, 0.4)  # relaxed: each finger a little more curled than the one before
    relaxed = {f: curl + 0.06 * i + rng.normal(0, 0.03) for i, f in enumerate(FINGERS)}
    roll = _unwrap_roll(tl, rng.uniform(-25, 25))
    x, z = tl.fit(home[0] + rng.normal(0, 0.02), home[1] - rng.uniform(0.0, 0.06), roll)
    tl.move(
        settle,
        **relaxed,
        th=rng.uniform(0.2, 0.45),
        spread=rng.uniform(0.1, 0.35),
        x=x,
        z=z,
        depth=0.0,
        roll=roll,
        yaw=rng.uniform(-25, 25),
        pitch=rng.uniform(-10, 25),
    )
    left = frames - settle
    while left > 0:
        step = min(left, int(rng.integers(8, 25)))
        base = tl.last
        shift = rng.normal(0, 0.06)
        fidget = {f: float(np.clip(base[CH[f]] + shift + rng.normal(0, 0.03), 0.1, 0.7)) for f in FINGERS}
        roll = base[CH["roll"]] + rng.normal(0, 4)
        x, z = tl.fit(base[CH["x"]] + rng.normal(0, 0.012), base[CH["z"]] + rng.normal(0, 0.01), roll)
        tl.move(step, **fidget, x=x, z=z, roll=roll, yaw=base[CH["yaw"]] + rng.normal(0, 4))
        left -= step


def _begin(tl: Timeline, entry: int) -> int:
    """The segment start: halfway through the entry move (or the current frame when there is none)."""
    return tl.now + 1 + entry // 2 if entry else tl.now


def g_point(tl: Timeline, rng, home, entry: int):
    direction = rng.uniform(0, 360)
    start = _begin(tl, entry)
    curled = {f: rng.uniform(0.85, 1.0) for f in FINGERS[1:]}
    roll = _unwrap_roll(tl, direction - 90.0)
    x, z = tl.fit(home[0], home[1], roll)
    tl.move(
        max(entry, 1),
        ff=rng.uniform(0.0, 0.08),
        **curled,
        th=rng.uniform(0.8, 1.0),
        spread=0.0,
        roll=roll,
        yaw=rng.uniform(-50, 50),
        pitch=rng.uniform(-15, 15),
        x=x,
        z=z,
    )
    formed = tl.now
    if rng.random() < 0.5:  # reaching: the hand moves along the pointing direction
        reach = rng.uniform(0.04, 0.12)
        dx, dz = np.cos(np.radians(direction)), np.sin(np.radians(direction))
        x, z = tl.fit(x + reach * dx, z + reach * dz, roll, slack=0.04)
        tl.move(tl.n(rng.integers(10, 22)), x=x, z=z)
    tl.hold(tl.n(rng.integers(12, 40)))
    tl.segments.append({"label": "point", "start": start, "formed": formed, "end": tl.now + 1, "held": (formed, tl.now + 1)})


SWIPE_VECTOR = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, 1), "swipe_down": (0, -1)}


def g_swipe(tl: Timeline, rng, home, entry: int, label: str):
    vx, vz = SWIPE_VECTOR[label]
    travel = rng.uniform(0.28, 0.5) if vx else rng.uniform(0.2, 0.34)
    roll = _unwrap_roll(tl, rng.uniform(-20, 20))
    # the stroke's ends, shifted and shortened to keep the hand (nearly) in the image
    sx, sz = tl.fit(home[0] - vx * travel / 2, home[1] - vz * travel / 2, roll, slack=0.05)
    ex, ez = tl.fit(sx + vx * travel, sz + vz * travel, roll, slack=0.05)
    if vz:
        sz = tl.fit(ex, ez - vz * travel, roll, slack=0.05)[1]
    if vx:
        yaw = rng.choice([-1, 1]) * rng.uniform(0, 60) if rng.random() < 0.6 else vx * rng.uniform(20, 70)
        pitch = rng.uniform(-10, 20)
    else:
        yaw = rng.uniform(-30, 30)
        pitch = rng.uniform(-20, 40)
    tl.move(
        max(entry, tl.n(16)),  # the wind-up to the stroke's start: slower than the stroke
        ff=rng.uniform(0.0, 0.2),
        mf=rng.uniform(0.0, 0.2),
        rf=rng.uniform(0.0, 0.25),
        lf=rng.uniform(0.0, 0.3),
        th=rng.uniform(0.1, 0.45),
        spread=rng.uniform(0.05, 0.4),
        roll=roll,
        yaw=yaw,
        pitch=pitch,
        x=sx,
        z=sz,
        depth=0.0,
    )
    start = tl.now
    stroke = max(15, tl.n(rng.integers(15, 27)))  # at least 0.5 s
    arc = rng.normal(0, 0.025)
    s0, roll0 = tl.last.copy(), tl.last[CH["roll"]]
    tilt = rng.normal(0, 8)
    for i in range(1, stroke + 1):
        u = ease(i / stroke)
        s = s0.copy()
        s[CH["x"]] = sx + (ex - sx) * u + (arc * np.sin(np.pi * u) if vz else 0.0)
        s[CH["z"]] = sz + (ez - sz) * u + (arc * np.sin(np.pi * u) if vx else 0.0)
        s[CH["roll"]] = roll0 + tilt * np.sin(np.pi * u)
        tl.frames.append(s)
    tl.hold(int(rng.integers(0, 4)))
    tl.segments.append({"label": label, "start": start, "formed": start, "end": tl.now + 1, "held": None})


def g_grab(tl: Timeline, rng, home, entry: int):
    start = _begin(tl, entry)
    roll = _unwrap_roll(tl, rng.uniform(-30, 30))
    x, z = tl.fit(home[0], home[1], roll)
    tl.move(
        max(entry, 1),
        ff=rng.uniform(0.0, 0.1),
        mf=rng.uniform(0.0, 0.1),
        rf=rng.uniform(0.0, 0.12),
        lf=rng.uniform(0.0, 0.15),
        th=rng.uniform(0.0, 0.15),
        spread=rng.uniform(0.6, 1.0),
        roll=roll,
        yaw=rng.uniform(-30, 30),
        pitch=rng.uniform(-10, 35),
        x=x,
        z=z,
    )
    formed = tl.now
    tl.hold(tl.n(rng.integers(4, 14)))
    fist = {f: rng.uniform(0.9, 1.02) for f in FINGERS}
    tl.move(tl.n(rng.integers(9, 24)), **fist, th=rng.uniform(0.85, 1.0), spread=0.0)
    if rng.random() < 0.5:  # picking up: the closed hand lifts or pulls back a little
        tl.move(tl.n(rng.integers(8, 16)), z=tl.fit(x, z + rng.uniform(0.02, 0.07), roll, slack=0.03)[1], depth=-rng.uniform(0.0, 0.04))
    tl.hold(tl.n(rng.integers(4, 14)))
    tl.segments.append({"label": "grab", "start": start, "formed": formed, "end": tl.now + 1, "held": None})


def g_come_here(tl: Timeline, rng, home, entry: int):
    start = _begin(tl, entry)
    if rng.random() < 0.6:  # palm to the camera, fingers up
        orient = {"roll": _unwrap_roll(tl, rng.uniform(-25, 25)), "yaw": rng.uniform(-25, 25), "pitch": rng.uniform(-5, 20)}
    else:  # palm up, fingers towards the camera
        orient = {"roll": _unwrap_roll(tl, rng.uniform(-20, 20)), "yaw": 180.0 + rng.uniform(-20, 20), "pitch": rng.uniform(35, 60)}
    low = rng.uniform(0.0, 0.15)
    x, z = tl.fit(home[0], home[1], orient["roll"])
    tl.move(
        max(entry, 1),
        ff=low,
        mf=low,
        rf=low,
        lf=low,
        th=rng.uniform(0.2, 0.45),
        spread=rng.uniform(0.0, 0.3),
        x=x,
        z=z,
        **orient,
    )
    formed = tl.now
    for _ in range(int(rng.integers(2, 5))):
        high = rng.uniform(0.6, 0.95)
        curls = {f: float(np.clip(high + rng.normal(0, 0.05), 0, 1)) for f in FINGERS}
        tl.move(tl.n(rng.integers(5, 10)), **curls)
        tl.move(tl.n(rng.integers(5, 10)), **dict.fromkeys(FINGERS, rng.uniform(0.0, 0.2)))
    tl.segments.append({"label": "come_here", "start": start, "formed": formed, "end": tl.now + 1, "held": None})


def g_stop(tl: Timeline, rng, home, entry: int):
    start = _begin(tl, entry)
    roll = _unwrap_roll(tl, rng.uniform(-15, 15))
    x, z = tl.fit(home[0], home[1] + rng.uniform(0.0, 0.06), roll, slack=-0.02)
    open_hand = {f: rng.uniform(0.0, 0.08) for f in FINGERS}
    tl.move(
        max(entry, 1),
        **open_hand,
        th=rng.uniform(0.05, 0.3),
        spread=rng.uniform(0.05, 0.4),
        roll=roll,
        yaw=rng.uniform(-15, 15),
        pitch=rng.uniform(-10, 10),
        x=x,
        z=z,
        depth=rng.uniform(0.0, 0.03),
    )
    formed = tl.now
    tl.hold(tl.n(rng.integers(24, 70)))
    tl.segments.append({"label": "stop", "start": start, "formed": formed, "end": tl.now + 1, "held": None})


def perform(tl: Timeline, rng, label: str, home, entry: int):
    if label.startswith("swipe_"):
        g_swipe(tl, rng, home, entry, label)
    else:
        {"point": g_point, "grab": g_grab, "come_here": g_come_here, "stop": g_stop}[label](tl, rng, home, entry)


def plan_clip(rng, kind: str, gestures: list[str], hand_size: float):
    """States ``(T, channels)`` and segments for one clip; drawn again until every segment lasts 0.5-3 s."""
    while True:
        states, segments, speed = _plan_clip(rng, kind, gestures, hand_size)
        if all(FPS // 2 <= seg["end"] - seg["start"] <= 3 * FPS for seg in segments):
            return states, segments, speed


def _plan_clip(rng, kind: str, gestures: list[str], hand_size: float):
    speed = rng.uniform(0.75, 1.35)
    home = (rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.1))
    relaxed = state(**{f: 0.4 for f in FINGERS}, th=0.3, spread=0.2, x=home[0], z=home[1] - 0.03, pitch=10)
    tl = Timeline(relaxed, speed, hand_size)
    tl.frames[0][[CH["x"], CH["z"]]] = tl.fit(home[0], home[1] - 0.03, 0.0)
    if kind != "tight":
        idle(tl, rng, tl.n(rng.integers(15, 46)), home)
    for i, label in enumerate(gestures):
        if i:  # between the two gestures of a pair: a short relaxed pause
            tl.move(tl.n(rng.integers(6, 14)), **{f: rng.uniform(0.3, 0.6) for f in FINGERS}, th=0.35, spread=0.2)
            tl.hold(tl.n(rng.integers(0, 10)))
        perform(tl, rng, label, home, tl.n(rng.integers(8, 16)))
    if kind != "tight":
        idle(tl, rng, tl.n(rng.integers(20, 46)), (tl.last[CH["x"]], tl.last[CH["z"]]))
    states = tl.array()
    segments = tl.segments
    if kind == "tight":  # just the gesture, from its formed hand shape to its end
        (segment,) = segments
        first = segment["formed"]
        states = states[first : segment["end"]]
        held = None if segment["held"] is None else (0, segment["held"][1] - first)
        segments = [{"label": segment["label"], "start": 0, "formed": 0, "end": len(states), "held": held}]
    return states, segments, speed


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


class Stage:
    def __init__(self, model: mujoco.MjModel):
        self.model = model
        self.data = mujoco.MjData(model)
        self.renderer = mujoco.Renderer(model, HEIGHT, WIDTH)
        self.cam = model.camera("cam").id
        self.cam_quat0 = model.cam_quat[self.cam].copy()
        self.joint_adr = {model.joint(i).name: model.jnt_qposadr[i] for i in range(model.njnt)}
        self.true_points = []
        for kind, name in TRUE_JOINTS:
            if kind == "site":
                self.true_points.append(("site", model.site(name).id))
            else:
                self.true_points.append(("body", model.body("palm" if name is None else name).id))
        self.skin = model.material("skin").id
        self.sleeve = model.geom("sleeve").id
        self.wall = model.geom("wall").id
        self.wall_materials = [model.material(n).id for n in ("wall_plain", "wall_speckle", "wall_checker")]
        self.key = model.light("key").id
        self.fy = (HEIGHT / 2) / np.tan(np.radians(FOVY_DEG) / 2)
        self.width_per_depth = 2 * np.tan(np.radians(FOVY_DEG) / 2) * WIDTH / HEIGHT
        self.hand_length = self._hand_length()

    def _hand_length(self) -> float:
        """Palm base to middle fingertip, open hand (m)."""
        self.data.qpos[:] = 0
        mujoco.mj_forward(self.model, self.data)
        return float(np.linalg.norm(self.data.site_xpos[self.model.site("S_mftip").id] - self.data.xpos[self.model.body("palm").id]))

    def set_skin(self, tone: float, rng):
        """Skin colour from light (tone 0) to dark (tone 1)."""
        k = tone * (len(SKIN_PALETTE) - 1)
        i = min(int(k), len(SKIN_PALETTE) - 2)
        skin = SKIN_PALETTE[i] + (SKIN_PALETTE[i + 1] - SKIN_PALETTE[i]) * (k - i) + rng.normal(0, 0.015, 3)
        self.model.mat_rgba[self.skin, :3] = np.clip(skin, 0, 1)
        self.model.mat_specular[self.skin] = rng.uniform(0.03, 0.2)

    def dress(self, rng, hand_size: float, camera_roll: float) -> dict:
        """Draws and applies the clip's look: skin, sleeve, wall, light, camera distance and roll."""
        m = self.model
        tone = rng.uniform(0, 1)
        self.set_skin(tone, rng)
        sleeve = rng.random() < 0.6
        top = -rng.uniform(0.06, 0.15)
        m.geom_pos[self.sleeve] = (0, 0, top - 0.25) if sleeve else (0, 0, -5)
        m.geom_rgba[self.sleeve] = (*rng.uniform(0.05, 0.8, 3), 1)
        m.geom_matid[self.wall] = self.wall_materials[int(rng.integers(3))]
        gray = rng.uniform(0.15, 0.75)  # soft, nearly neutral walls: strong colours and contrast cost detections
        m.geom_rgba[self.wall] = (*np.clip(gray + rng.normal(0, 0.03, 3), 0, 1), 1)
        m.mat_rgba[m.geom_matid[self.wall]] = (1, 1, 1, 1)
        distance = self.hand_length / (hand_size * self.width_per_depth)
        m.cam_pos[self.cam] = (0, -distance, 0)
        m.cam_quat[self.cam] = _mul(self.cam_quat0, _axis_quat((0, 0, 1), camera_roll))
        m.geom_pos[self.wall] = (0, rng.uniform(0.3, 1.0), 0)
        direction = np.array([rng.uniform(-0.6, 0.6), 1.0, rng.uniform(-0.9, 0.3)])
        m.light_dir[self.key] = direction / np.linalg.norm(direction)
        m.light_pos[self.key] = -m.light_dir[self.key] * 1.5
        m.light_diffuse[self.key] = rng.uniform(0.2, 0.45)
        m.vis.headlight.ambient[:] = rng.uniform(0.4, 0.55)
        m.vis.headlight.diffuse[:] = rng.uniform(0.35, 0.5)
        return {"skin_tone": round(float(tone), 3), "sleeve": bool(sleeve), "camera_distance_m": round(float(distance), 3)}

    def pose(self, s: np.ndarray, mirror: bool):
        """Applies a hand state (planned in the final image; mirrored for a left hand)."""
        s = s.copy()
        if mirror:
            for name in ("x", "roll", "yaw"):
                s[CH[name]] = -s[CH[name]]
        d = self.data
        d.qpos[:] = 0
        for joint, angle in joint_angles(s).items():
            d.qpos[self.joint_adr[joint]] = angle
        distance = -self.model.cam_pos[self.cam][1]
        scale = distance * self.width_per_depth  # image width in metres at the hand
        quat = root_orientation(s)
        rot = np.zeros(9)
        mujoco.mju_quat2Mat(rot, quat)
        center = np.array([s[CH["x"]] * scale, -s[CH["depth"]], s[CH["z"]] * scale])
        d.mocap_pos[0] = center - rot.reshape(3, 3) @ PALM_CENTER
        d.mocap_quat[0] = quat
        mujoco.mj_forward(self.model, d)

    def true_landmarks(self, mirror: bool) -> np.ndarray:
        """The 21 true joints in MediaPipe's coordinates (x/W, y/H; z depth over image width at the wrist)."""
        d = self.data
        points = np.array([d.site_xpos[i] if kind == "site" else d.xpos[i] for kind, i in self.true_points])
        rot = d.cam_xmat[self.cam].reshape(3, 3)
        cam = (points - d.cam_xpos[self.cam]) @ rot  # camera frame: x right, y up, z backwards
        depth = -cam[:, 2]
        u = WIDTH / 2 + self.fy * cam[:, 0] / depth
        v = HEIGHT / 2 - self.fy * cam[:, 1] / depth
        if mirror:
            u = WIDTH - u
        z = (depth - depth[0]) / (depth[0] * self.width_per_depth)
        return np.stack([u / WIDTH, v / HEIGHT, z], axis=1).astype(np.float32)

    def render(self, mirror: bool) -> np.ndarray:
        self.renderer.update_scene(self.data, camera=self.cam)
        rgb = self.renderer.render()
        return rgb[:, ::-1] if mirror else rgb


def tremor(rng, frames: int, sigma: float, smooth: int = 5) -> np.ndarray:
    noise = rng.normal(0, sigma, frames + 2 * smooth)
    kernel = np.ones(smooth) / smooth
    return np.convolve(noise, kernel, mode="same")[smooth : smooth + frames] * np.sqrt(smooth)


def point_direction(true_frames: np.ndarray) -> float:
    """Mean unit vector landmark 5 -> 8 in pixels (x right, y up), as degrees mod 360."""
    vec = (true_frames[:, 8, :2] - true_frames[:, 5, :2]) * (WIDTH, HEIGHT)
    vec[:, 1] = -vec[:, 1]
    unit = vec / np.linalg.norm(vec, axis=1, keepdims=True)
    mean = unit.mean(axis=0)
    return float(np.degrees(np.arctan2(mean[1], mean[0])) % 360.0)


def make_clip(stage: Stage, rng, kind: str, gestures: list[str], video: Path):
    """Renders one clip to ``video``; returns its true landmarks, segments and nuisance parameters."""
    hand = "left" if rng.random() < 0.5 else "right"
    mirror = hand == "left"
    hand_size = float(np.exp(rng.uniform(np.log(0.15), np.log(0.5))))  # log-uniform: camera distance 0.4-1.4 m
    camera_roll = rng.uniform(-20, 20)
    look = stage.dress(rng, hand_size, camera_roll)
    states, segments, speed = plan_clip(rng, kind, gestures, hand_size)
    frames = len(states)
    for name, sigma in (("x", 0.0015), ("z", 0.0015), ("roll", 0.5), ("yaw", 0.7)):
        states[:, CH[name]] += tremor(rng, frames, sigma)
    for finger in (*FINGERS, "th"):
        states[:, CH[finger]] += tremor(rng, frames, 0.008)
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), float(FPS), (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {video}")
    truth = np.zeros((frames, 21, 3), np.float32)
    try:
        for t, s in enumerate(states):
            stage.pose(s, mirror)
            truth[t] = stage.true_landmarks(mirror)
            writer.write(np.ascontiguousarray(stage.render(mirror)[:, :, ::-1]))
    finally:
        writer.release()
    labeled = []
    for seg in segments:
        direction = None
        if seg["label"] == "point":
            a, b = seg["held"]
            direction = round(point_direction(truth[a:b]), 2)
        labeled.append([seg["label"], int(seg["start"]), int(seg["end"]), direction])
    render = {
        "hand_size": round(float(hand_size), 3),
        "camera_roll_deg": round(float(camera_roll), 2),
        "speed": round(float(speed), 3),
        **look,
    }
    return truth, labeled, hand, render


# ---------------------------------------------------------------------------------------
# The clip set
# ---------------------------------------------------------------------------------------


def clip_plan(tight: int, margin: int, pair: int) -> list[tuple[str, list[str]]]:
    """Kinds and gestures, cycling evenly through the 8 gestures and robocue's 10 gesture pairs."""
    plan = [("tight", [GESTURES[i % len(GESTURES)]]) for i in range(tight)]
    plan += [("margin", [GESTURES[i % len(GESTURES)]]) for i in range(margin)]
    plan += [("pair", list(GESTURE_PAIRS[i % len(GESTURE_PAIRS)])) for i in range(pair)]
    return plan


def build_task_bundle(path: Path) -> Path:
    """A Tasks-API ``.task`` bundle from the legacy hand models inside the mediapipe wheel."""
    import mediapipe as mp

    modules = Path(mp.__file__).parent / "modules"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.write(modules / "palm_detection" / "palm_detection_full.tflite", "hand_detector.tflite")
        bundle.write(modules / "hand_landmark" / "hand_landmark_full.tflite", "hand_landmarks_detector.tflite")
    return path


def handedness(video: Path) -> dict[str, int]:
    """Counts of the handedness MediaPipe's legacy Hands reports per frame (video mode)."""
    import mediapipe as mp

    counts: dict[str, int] = {}
    capture = cv2.VideoCapture(str(video))
    with mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=1) as hands:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            result = hands.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            if result.multi_handedness:
                label = result.multi_handedness[0].classification[0].label
                counts[label] = counts.get(label, 0) + 1
    capture.release()
    return counts


def _range(values: np.ndarray) -> list[float]:
    values = values[np.isfinite(values)]
    return [
        round(float(v), 4) for v in (values.min(), np.percentile(values, 1), np.median(values), np.percentile(values, 99), values.max())
    ]


def summarize(out: Path, entries, landmarks, truths, seconds: float, extra: dict) -> dict:
    kinds = {}
    for entry, lm in zip(entries, landmarks):
        tracked = np.isfinite(lm).all(axis=(1, 2))
        k = kinds.setdefault(entry["kind"], {"clips": 0, "frames": 0, "tracked": 0, "clips_fully_tracked": 0, "clips_under_half": 0})
        k["clips"] += 1
        k["frames"] += len(lm)
        k["tracked"] += int(tracked.sum())
        k["clips_fully_tracked"] += int(tracked.all())
        k["clips_under_half"] += int(tracked.mean() < 0.5)
    for k in kinds.values():
        k["tracked_fraction"] = round(k["tracked"] / k["frames"], 4)
    per_gesture = {}
    for entry, lm in zip(entries, landmarks):
        tracked = np.isfinite(lm).all(axis=(1, 2))
        for label, a, b, _ in entry["gestures"]:
            g = per_gesture.setdefault(label, [0, 0])
            g[0] += int(tracked[a:b].sum())
            g[1] += b - a
    all_lm = np.concatenate(landmarks)
    all_true = np.concatenate(truths)
    ok = np.isfinite(all_lm).all(axis=(1, 2))
    err = np.linalg.norm((all_lm[ok, :, :2] - all_true[ok, :, :2]) * (1.0, HEIGHT / WIDTH), axis=2)  # in image widths
    jitter_mp, jitter_true = [], []
    for entry, lm, tr in zip(entries, landmarks, truths):
        for label, a, b, _ in entry["gestures"]:
            if label == "stop":
                seg, true_seg = lm[a:b, :, :2], tr[a:b, :, :2]
                good = np.isfinite(seg).all(axis=(1, 2))
                both = good[1:] & good[:-1]
                if both.any():
                    jitter_mp.append(np.linalg.norm(np.diff(seg, axis=0), axis=2).mean(axis=1)[both])
                    jitter_true.append(np.linalg.norm(np.diff(true_seg, axis=0), axis=2).mean(axis=1)[both])
    direction_diffs = []  # MediaPipe's own 5 -> 8 direction over a point's held frames, minus the truth
    for entry, lm in zip(entries, landmarks):
        for label, a, b, truth_deg in entry["gestures"]:
            seg = lm[a:b]
            seg = seg[np.isfinite(seg).all(axis=(1, 2))]
            if label == "point" and len(seg):
                diff = (point_direction(seg) - truth_deg + 180.0) % 360.0 - 180.0
                direction_diffs.append(round(float(diff), 1))
    z_ratio = np.nanmedian(np.abs(all_lm[ok, 1:, 2]) / np.maximum(np.abs(all_true[ok, 1:, 2]), 1e-6))
    summary = {
        "clips": len(entries),
        "frames": int(len(all_lm)),
        "seconds": round(seconds, 1),
        "seconds_per_frame": round(seconds / len(all_lm), 4),
        "tracked_by_kind": kinds,
        "tracked_by_gesture_segment": {label: round(a / b, 4) for label, (a, b) in sorted(per_gesture.items())},
        "tracked_fraction_all": round(float(ok.mean()), 4),
        "mediapipe_ranges_min_p1_median_p99_max": {axis: _range(all_lm[..., i]) for i, axis in enumerate("xyz")},
        "mediapipe_wrist_z": _range(all_lm[:, 0, 2]),
        "true_z_range_min_p1_median_p99_max": _range(all_true[..., 2]),
        "median_abs_z_mediapipe_over_true": round(float(z_ratio), 3),
        "landmark_error_image_widths_median_by_landmark": [round(float(v), 4) for v in np.median(err, axis=0)],
        "landmark_error_image_widths_median_p90": [round(float(np.median(err)), 4), round(float(np.percentile(err, 90)), 4)],
        "frames_mediapipe_wrist_over_0.15_image_widths_from_truth": int((err[:, 0] > 0.15).sum()),
        "point_direction_mediapipe_minus_truth_deg": {
            "median_abs": round(float(np.median(np.abs(direction_diffs))), 2) if direction_diffs else None,
            "over_20_deg": int(np.sum(np.abs(direction_diffs) > 20)),
            "points": len(direction_diffs),
            "all": direction_diffs,
        },
        "stop_hold_mean_landmark_step": {
            "mediapipe": round(float(np.mean(np.concatenate(jitter_mp))), 5) if jitter_mp else None,
            "truth": round(float(np.mean(np.concatenate(jitter_true))), 5) if jitter_true else None,
        },
        **extra,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/work/runs/mediapipe_rendered"))
    parser.add_argument("--wheel", type=Path, default=Path("/tmp/gr/gymnasium_robotics-1.4.2-py3-none-any.whl"))
    parser.add_argument("--tight", type=int, default=40)
    parser.add_argument("--margin", type=int, default=40)
    parser.add_argument("--pair", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks-clips", type=int, default=6, help="also read the first N clips with the Tasks API")
    parser.add_argument("--handedness-clips", type=int, default=12, help="record MediaPipe's handedness on the first N clips")
    args = parser.parse_args(argv)

    out = args.out
    (out / "videos").mkdir(parents=True, exist_ok=True)
    (out / "true_landmarks").mkdir(exist_ok=True)
    stage = Stage(build_model(args.wheel))
    plan = clip_plan(args.tight, args.margin, args.pair)
    entries, landmarks, truths = [], [], []
    render_s = track_s = 0.0
    begin = time.time()
    for index, (kind, gestures) in enumerate(plan):
        rng = np.random.default_rng([args.seed, index])
        name = f"clip_{index:05d}"
        video = out / "videos" / f"{name}.mp4"
        t0 = time.time()
        truth, labeled, hand, render = make_clip(stage, rng, kind, gestures, video)
        t1 = time.time()
        lm = landmarks_from_video(video)
        t2 = time.time()
        render_s, track_s = render_s + t1 - t0, track_s + t2 - t1
        if len(lm) != len(truth):
            raise RuntimeError(f"{name}: {len(lm)} frames read back, {len(truth)} rendered")
        np.save(out / f"{name}.npy", lm.astype(np.float32))
        np.save(out / "true_landmarks" / f"{name}.npy", truth)
        tracked = float(np.isfinite(lm).all(axis=(1, 2)).mean())
        entries.append(
            {
                "file": f"{name}.npy",
                "kind": kind,
                "gestures": labeled,
                "tracked_fraction": round(tracked, 4),
                "hand": hand,
                "image_size": [WIDTH, HEIGHT],
                "video": f"videos/{name}.mp4",
                "render": render,
            }
        )
        landmarks.append(lm)
        truths.append(truth)
        print(
            f"{name} {kind:6s} {hand:5s} {len(lm):4d} frames, tracked {tracked:.2f} {labeled}"
            f" ({t1 - t0:.1f}s render, {t2 - t1:.1f}s mediapipe)",
            flush=True,
        )
        (out / "labels.json").write_text(json.dumps(entries, indent=1))
    seconds = time.time() - begin

    extra = {"render_seconds": round(render_s, 1), "mediapipe_seconds": round(track_s, 1)}
    if args.tasks_clips:
        bundle = build_task_bundle(out / "hand_landmarker_from_wheel.task")
        checks = []
        for entry, legacy in list(zip(entries, landmarks))[: args.tasks_clips]:
            tasks = landmarks_from_video(out / entry["video"], model_path=bundle)
            both = np.isfinite(tasks).all(axis=(1, 2)) & np.isfinite(legacy).all(axis=(1, 2))
            diff = np.abs(tasks[both] - legacy[both])
            checks.append(
                {
                    "file": entry["file"],
                    "tracked_legacy": round(float(np.isfinite(legacy).all(axis=(1, 2)).mean()), 4),
                    "tracked_tasks": round(float(np.isfinite(tasks).all(axis=(1, 2)).mean()), 4),
                    "mean_abs_diff_xyz_on_common_frames": [round(float(v), 5) for v in diff.mean(axis=(0, 1))] if both.any() else None,
                    "max_abs_diff_xy": round(float(diff[..., :2].max()), 4) if both.any() else None,
                }
            )
        extra["tasks_api_check"] = checks
    if args.handedness_clips:
        extra["handedness_check"] = [
            {"file": e["file"], "hand_rendered": e["hand"], "mediapipe_says": handedness(out / e["video"])}
            for e in entries[: args.handedness_clips]
        ]
    summary = summarize(out, entries, landmarks, truths, seconds, extra)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
