"""A gesture recogniser from hand geometry: finger bend angles, hand direction and wrist motion.

It learns nothing. Each gesture is read from what defines it in docs/commands.md, measured
in quantities every hand model shares: how far each finger is bent (the angle between its
metacarpal and its knuckle-to-tip direction, in 3-D), which way the hand and the index finger point in the image, and how
far and how fast the wrist travels, in palm lengths. A learned recogniser trained on one
synthetic hand reads another hand model's resting posture as ``stop`` or ``grab``; angles
and distances do not depend on whose hand model drew the clip.

Steps (:func:`hand_measures`, then :meth:`GeometricRecognizer.recognize`):

1. Dropped frames (non-finite, all zero, or an exact repeat of the frame before) are
   filled by linear interpolation between the nearest valid frames.
2. Per frame: each finger's **curl** (degrees, about 10 straight, 120-135 in a fist), the hand
   axis and the index finger's image direction, and the wrist's position in palm lengths
   (the clip's median wrist-to-middle-knuckle length, in 3-D when depth is given) and the palm's
   center's (the wrist and the four knuckles).
3. **Postures** per frame, each finger straight, curled or in between: ``open`` (all four
   straight), ``fist`` (all four curled), ``pointing`` (index straight, the other three
   curled), and anything else.
4. **Strokes**: the wrist's path is cut where it stops or turns back; a stroke travelling at
   least ``swipe_distance`` palm lengths fast enough, with the fingers out, is a swipe in its
   main direction, and the strokes that wind up before it or bring the hand back after it
   (opposite to it, much slower, or arriving from rest / leaving for it) are not. A quick stroke
   (``flick_frames``) is measured on the palm's center when that travels farther: a flick turns
   the hand at the wrist, which itself moves little.
   **Transitions**: a swipe is made on purpose, the hand opened first and keeping its shape.
   A stroke over which the hand opens from a relaxed or curled posture, or that sets off with
   the hand hanging, is the hand arriving from rest; one over which it curls back, or that ends
   hanging, or down with the fingers relaxing on the way (``drop_curl``), is the hand leaving for rest
   (:func:`transition`). A stroke up or down over which the hand turns by ``swing_deg`` or more is the arm
   swinging up from rest or falling back to it, never a swipe (:func:`swung`). Steady strokes rank before them;
   an arriving stroke up to ``arrive_frames`` before a held gesture or a steady swipe, or a
   leaving one as long after a held gesture or any swipe, is not a swipe. A stroke that starts as the hand comes into view
   at the picture's border, or ends as it leaves it, is not one either (where it came from or
   went to was not seen). A lazy swipe is slower: a steady stroke of the open hand counts from
   ``slow_swipe_speed``, and the open hand drifting ``slow_swipe_distance`` one way on a nearly
   straight path within ``drift_frames``, never fast, is a swipe too (:func:`_drifts`), unless a
   swipe is within ``arrive_frames`` (then it is that swipe's wind-up, follow-through or return).
   A brisk sideways stroke that keeps the hand's shape may be swept with the fingers loose
   (``loose_swipe_curl``); up and down only a little loose (``loose_rise_curl``): a relaxed hand moving
   briskly up or down is rising from rest or dropping to it. Two swipes the same way back to back are
   one (the hand cannot swipe the same way twice without being brought back in between).
5. **Finger cycles**: the four fingers' mean curl (or the index finger's alone, the other
   three curled: the one-finger beckon) closing and opening again twice or more is
   ``come_here`` (smaller closings, down to ``small_cycle``, three times or more; one deep
   closing, ``single_beat``, from the fingers out straight and straight again at once, the wrist
   still, is a beckon of one beat); an open hand closing once into a fist is ``grab``, and a fist carried off fast and far right after
   it is a swipe with the fist.
6. ``point``: the pointing posture held with the wrist slow (``held_speed``); ``stop``: the open hand held
   still with the fingers up (within ``stop_tilt_deg`` of the image's up), not closing into
   a fist, beckoning or swiping next to it (a short stroke up into it or down out of it, or
   one arriving into it or leaving it, is the hand rising to show it or dropping after; next
   to such strokes alone it may be held for as little as ``hold`` + 2 frames), and
   not the open hand a swipe, a stop or beckoning left (still open since it ended). Both must
   be seen: held over frames the tracker mostly lost, they are not read (gaps of ``short_gap``
   frames, a camera slower than 30 fps or a single drop, count as seen). The open hand still open
   since a stop ended is that stop held on. A point held with the hand hanging, lower than a point just before it
   (``lowered_drop``), is that hand lowered to rest with the finger still out; two points the same way with the wrist
   held in place (``still_merge_dist``, ``still_merge_frames``) are one. An open hand held for less than ``ready_frames`` shortly
   before another gesture is getting ready for it, not a stop.

Segments come out as :class:`~perception.gestures.encoder.GestureEncoder` gives them:
``{"label", "start", "end", "direction_deg"}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from robocue.perception.gestures.vocabulary import _check_landmarks, command_from_gestures, interpret_gestures

_PALM = (0, 5, 9, 13, 17)  # the wrist and the four fingers' knuckles
_FOLDED_DEG = 15.0  # fingers within this of their deepest fold in a closing are still folded
_CHAINS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))
SWIPE_OF = {0: "swipe_right", 1: "swipe_up", 2: "swipe_left", 3: "swipe_down"}  # quadrant of the stroke's image angle


def _valid_frames(lm: np.ndarray) -> np.ndarray:
    finite = np.isfinite(lm).all(axis=(1, 2)) & (np.nan_to_num(lm) != 0).any(axis=(1, 2))
    repeat = np.zeros_like(finite)
    repeat[1:] = (lm[1:] == lm[:-1]).all(axis=(1, 2)) & finite[1:]
    valid = finite & ~repeat
    if not valid.any():
        valid = finite
    return valid


def _fill(lm: np.ndarray, valid: np.ndarray) -> np.ndarray:
    t = np.arange(len(lm))
    good = np.flatnonzero(valid)
    flat = lm[good].reshape(len(good), -1)
    out = np.empty((len(lm), flat.shape[1]), dtype=np.float64)
    for k in range(flat.shape[1]):
        out[:, k] = np.interp(t, good, flat[:, k])
    return out.reshape(lm.shape)


def _bend_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    """Centred moving median over ``n`` frames (edges use what exists)."""
    if n <= 1 or len(x) < 2:
        return x
    half = n // 2
    padded = np.concatenate([np.repeat(x[:1], half, axis=0), x, np.repeat(x[-1:], half, axis=0)])
    windows = np.stack([padded[i : i + len(x)] for i in range(n)])
    return np.median(windows, axis=0)


@dataclass
class HandMeasures:
    """Per-frame measurements of one clip (``T`` frames)."""

    valid: np.ndarray  # (T,) bool: the tracker saw the hand
    curl: np.ndarray  # (T, 5) degrees, thumb..pinky: metacarpal against knuckle-to-tip
    axis_deg: np.ndarray  # (T,) image direction of wrist -> middle knuckle, 0 = right, 90 = up
    index_deg: np.ndarray  # (T,) image direction of index knuckle -> tip
    wrist: np.ndarray  # (T, 2) wrist in palm lengths, y up
    center: np.ndarray  # (T, 2) the palm's center (wrist and four knuckles) in palm lengths, y up
    palm: float  # the clip's median palm length in image units
    size: np.ndarray  # (T,) the palm's length in the image, in units of ``palm`` (small when it points at the camera)
    border: np.ndarray  # (T,) how far the hand's outermost landmark is from the picture's edge (negative: past it)


def hand_measures(landmarks: np.ndarray, smooth: int = 5) -> HandMeasures:
    """Finger curls, directions and the wrist's path of one clip ``(T, 21, 3)``.

    Raises:
        ValueError: A wrong shape, or a clip whose every frame is dropped.
    """
    lm = np.asarray(_check_landmarks(np.asarray(landmarks)), dtype=np.float64)
    if lm.ndim != 3:
        raise ValueError(f"one gesture clip (T, 21, 3) expected, got shape {lm.shape}")
    valid = _valid_frames(lm)
    if not valid.any():
        raise ValueError("gesture clip has no valid frame: every frame is dropped (NaN or all zeros)")
    lm = _fill(lm, valid)
    pts = lm * np.array([1.0, -1.0, 1.0])  # y up
    if not np.any(np.abs(pts[..., 2]) > 1e-6):
        pts[..., 2] = 0.0
    curl = np.zeros((len(lm), 5))
    for f, chain in enumerate(_CHAINS):
        # The fingertip's direction from the knuckle against the metacarpal's: one angle between
        # two long vectors, so tracker noise on short bones biases it far less than summed bends.
        curl[:, f] = _bend_deg(pts[:, chain[1]] - pts[:, chain[0]], pts[:, chain[4]] - pts[:, chain[1]])
    palm_len = np.linalg.norm(pts[:, 9] - pts[:, 0], axis=-1)
    palm = float(max(np.median(palm_len[valid]), 1e-4))
    axis = pts[:, 9, :2] - pts[:, 0, :2]
    index = pts[:, 8, :2] - pts[:, 5, :2]
    return HandMeasures(
        valid=valid,
        curl=_smooth(curl, smooth),
        axis_deg=np.degrees(np.arctan2(axis[:, 1], axis[:, 0])) % 360.0,
        index_deg=np.degrees(np.arctan2(index[:, 1], index[:, 0])) % 360.0,
        wrist=_smooth(pts[:, 0, :2] / palm, 3),
        center=_smooth(pts[:, _PALM, :2].mean(axis=1) / palm, 3),
        palm=palm,
        size=np.linalg.norm(axis, axis=-1) / palm,
        border=np.minimum(lm[..., :2].min(axis=(1, 2)), 1.0 - lm[..., :2].max(axis=(1, 2))),
    )


# ---------------------------------------------------------------------------------------
# Postures, strokes and finger cycles
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The recogniser's settings (angles in degrees, distances in palm lengths, times in frames).

    A finger's curl is the angle between its metacarpal (wrist to knuckle) and its knuckle-to-tip
    direction: about 10 held straight, 40-65 relaxed, 120-135 in a fist.
    """

    straight: float = 30.0  # a finger under this is straight
    curled: float = 80.0  # a finger over this is curled
    open_mean: float = 26.0  # open hand: the four fingers' mean curl under this...
    fist_mean: float = 90.0  # fist: their mean over this
    swipe_distance: float = 0.8  # a stroke this long (palm lengths)...
    swipe_speed: float = 0.12  # ...at this peak speed (palm lengths per frame)...
    slow_swipe_speed: float = 0.05  # ...or, the open hand keeping its shape all along (a lazy swipe), this one...
    slow_swipe_distance: float = 1.0  # ...over this distance
    drift_frames: int = 90  # an open hand drifting slow_swipe_distance one way within this many frames...
    drift_straightness: float = 0.75  # ...on a path this straight is a lazy swipe
    loose_swipe_curl: float = 80.0  # a brisk stroke (brisk_speed, brisk_distance) keeping the hand's shape may have its
    # fingers loose, up to this median mean curl, sideways...
    loose_rise_curl: float = 45.0  # ...and up or down only a little loose: the hand rising from rest or dropping to it is
    # more relaxed (55-65)
    brisk_speed: float = 0.24
    brisk_distance: float = 1.2  # (a quick flick covers little ground)
    flick_frames: int = 12  # a stroke this quick (0.4 s) may be a flick of the hand at the wrist (see strokes)
    swipe_sure: float = 2.5  # a stroke this long is a swipe even next to a held open palm
    swipe_curl: float = 35.0  # ...with the fingers out (median mean curl under this) can be a swipe
    still_speed: float = 0.035  # the wrist under this speed is still
    held_speed: float = 0.07  # a point is held with the wrist under this speed for ``hold`` frames (a hand lowered with
    # the finger still out moves faster)
    move_speed: float = 0.02  # a stroke is the wrist over this speed
    episode_gap: int = 10  # strokes closer than this belong to one motion episode
    stop_tilt_deg: float = 55.0  # stop: the hand axis within this of the image's up
    hold: int = 6  # a point or stop held at least this long
    cycle: float = 35.0  # come_here: the mean curl closing and opening by this much...
    finger_cycle: float = 30.0  # the one-finger beckon: the index alone closing and opening by this much (one finger's
    # hook moves its tip less than four fingers folding)
    cycles: int = 2  # ...this many times
    small_cycle: float = 25.0  # closings this small (the four fingers or the index alone) count one time more than ``cycles``
    single_beat: float = 50.0  # the four fingers folding this far from out straight (mean curl under swipe_curl) and
    # opening straight again at once (folded at most beat_dwell frames), the wrist slow all along and after, is a beckon of
    # one beat: a grab holds its fist, a hand closing before a swipe moves off, a relaxed hand is not out straight
    beat_dwell: int = 6
    cycle_frames: int = 40  # closing and opening each within half this; closings at most this far apart
    grab_frames: int = 30  # grab: from open to fist within this many frames...
    grab_travel: float = 1.0  # ...the wrist travelling less than this (palm lengths) meanwhile
    transitions: bool = True  # strokes into or out of held gestures and steady swipes may be the hand arriving or leaving
    point_merge_deg: float = 25.0  # two points this close in direction, at most 2 x hold frames apart, are one point
    hanging_deg: float = 45.0  # a hand whose axis is within this of the image's down hangs at rest...
    hanging_size: float = 0.6  # ...when its palm is seen at least this share of its length (else its direction is unsure)
    posture_change: float = 15.0  # a stroke whose fingers' mean curl falls (opens) or rises (closes) this much, from or to
    # over swipe_curl, changes posture on the way: the hand arriving from rest or leaving for it
    drop_curl: float = 20.0  # a stroke down over which the fingers relax by posture_change to over this is the hand
    # dropping to rest: a swipe keeps the hand's shape, a hand let fall relaxes on the way (to 25-30, short of swipe_curl)
    swing_deg: float = 90.0  # a stroke up or down over which the hand's axis turns this much in the image (the palm seen
    # at hanging_size or more at both ends) is the arm swinging up from rest or falling back to it, never a swipe: a swipe
    # keeps the hand's orientation
    lowered_drop: float = 0.5  # a point held with the hand hanging, up to arrive_frames after another point and with the
    # wrist this much lower (palm lengths), is the hand lowered to rest with the finger still out
    still_merge_frames: int = 30  # two points the same way (point_merge_deg) up to this many frames apart...
    still_merge_dist: float = 0.5  # ...with the wrist held within this (palm lengths) are one point: the hand did not move
    recovery_speed: float = 0.6  # in an episode, a stroke next to a swipe and under this x its peak speed is its wind-up or return
    lost_frames: int = 10  # a stroke starting as the hand reappears after this many lost frames, or ending as it is lost
    # for as long, within ``border`` of the picture's edge, is the hand entering or leaving the picture
    border: float = 0.1  # (image widths or heights)
    seen_share: float = 0.5  # a point or stop held at least this share of its frames in view...
    short_gap: int = 2  # ...a gap this short between seen frames counting as seen: a camera slower than 30 fps repeats
    # its frames (15 fps: every other one) and a tracker drops single frames, while the hand is still in view
    ready_frames: int = 24  # an open hand held still shorter than this, up to arrive_frames before another gesture, is ready for it
    arrive_frames: int = 30  # a stroke arriving from rest this soon before a held gesture or a steady swipe (or leaving
    # this soon after one) is the hand coming for it (going after it); an open hand kept this soon after a gesture is its end


def _lost_runs(valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, how many frames in a row the tracker lost the hand just before it and just after it."""
    before, after = np.zeros(len(valid), dtype=int), np.zeros(len(valid), dtype=int)
    for t in range(1, len(valid)):
        before[t] = 0 if valid[t - 1] else before[t - 1] + 1
    for t in range(len(valid) - 2, -1, -1):
        after[t] = 0 if valid[t + 1] else after[t + 1] + 1
    return before, after


def _bridged(valid: np.ndarray, gap: int) -> np.ndarray:
    """``valid`` with the runs of at most ``gap`` missing frames between two valid ones filled in."""
    out = valid.copy()
    for start, end in _runs(~valid):
        if 0 < start and end < len(valid) and end - start <= gap:
            out[start:end] = True
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _circular_mean_deg(angles: np.ndarray, weights: np.ndarray | None = None) -> float:
    r = np.radians(angles)
    w = np.ones_like(r) if weights is None else weights
    return float(np.degrees(np.arctan2((w * np.sin(r)).sum(), (w * np.cos(r)).sum())) % 360.0)


def _angle_gap(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def postures(m: HandMeasures, th: Thresholds = Thresholds()) -> np.ndarray:
    """Per-frame posture: ``"open"``, ``"fist"``, ``"point"`` or ``"other"``."""
    four = m.curl[:, 1:]
    mean4 = four.mean(axis=1)
    out = np.full(len(four), "other", dtype=object)
    out[(mean4 < th.open_mean) & (four.max(axis=1) < th.straight + 10.0)] = "open"
    out[(mean4 > th.fist_mean) & (four.min(axis=1) > th.curled - 10.0)] = "fist"
    out[(four[:, 0] < th.straight + 10.0) & (four[:, 1:].min(axis=1) > th.curled - 5.0)] = "point"
    return out


@dataclass
class Stroke:
    start: int
    end: int  # exclusive
    displacement: np.ndarray  # (2,) palm lengths, y up
    peak_speed: float

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.displacement))

    @property
    def angle_deg(self) -> float:
        return float(np.degrees(np.arctan2(self.displacement[1], self.displacement[0])) % 360.0)


def strokes(m: HandMeasures, th: Thresholds = Thresholds()) -> list[Stroke]:
    """The wrist's path cut into strokes: runs of motion, split where the motion turns back.

    A quick stroke (``flick_frames`` or fewer) is measured on the palm's center when that travels farther: a
    flick turns the hand at the wrist, which itself moves little. A slower turn of the hand (rising from rest,
    turning the palm over) is measured on the wrist, so that it does not read as the hand sweeping."""
    w = m.wrist
    v = np.gradient(w, axis=0) if len(w) > 1 else np.zeros_like(w)
    speed = np.linalg.norm(v, axis=1)
    center_speed = np.linalg.norm(np.gradient(m.center, axis=0), axis=1) if len(w) > 1 else np.zeros(len(w))
    out = []
    for start, end in _runs(speed > th.move_speed):
        cut = start
        for t in range(start + 1, end):
            so_far = w[t] - w[cut]
            if np.linalg.norm(so_far) > 0.3 and float(v[t] @ so_far) < 0.0:  # turned back
                out.append((cut, t))
                cut = t
        out.append((cut, end))
    result = []
    for start, end in out:
        if end - start < 2:
            continue
        by_wrist = Stroke(start, end, w[end - 1] - w[start], float(speed[start:end].max()))
        by_center = Stroke(start, end, m.center[end - 1] - m.center[start], float(center_speed[start:end].max()))
        result.append(by_center if end - start <= th.flick_frames and by_center.length > by_wrist.length else by_wrist)
    return result


def _curl_cycles(mean4: np.ndarray, th: Thresholds, size: float | None = None) -> list[tuple[int, int, int]]:
    """Closings of the hand: ``(start, peak, end)`` where the mean curl rises by ``size`` (default
    ``th.cycle``) from a low at ``start`` to a high at ``peak`` and falls by as much by ``end`` (or the clip ends)."""
    size = th.cycle if size is None else size
    out = []
    low_at, high_at, rising, floor = 0, None, True, 0

    def local_low(t: int) -> int:  # the low the rise to ``t`` started from, not an older, lower point
        k = t - 1
        while k > floor and mean4[k - 1] <= mean4[k]:
            k -= 1
        return k

    for t in range(1, len(mean4)):
        if rising:
            if mean4[t] < mean4[low_at]:
                low_at = t
            elif mean4[t] - mean4[low_at] >= size:
                rising, high_at, low_at = False, t, local_low(t)
        elif mean4[t] > mean4[high_at]:
            high_at, low_at = t, local_low(t)
        elif mean4[high_at] - mean4[t] >= size:
            out.append((low_at, high_at, t))
            rising, low_at, floor = True, t, t
    if not rising:
        out.append((low_at, high_at, len(mean4)))
    return out


def _same_beat(a: tuple, b: tuple, mean4: np.ndarray, th: Thresholds) -> bool:
    """Two closings of one beckoning: back to back, close in time and of a similar size."""
    size_a, size_b = mean4[a[1]] - mean4[a[0]], mean4[b[1]] - mean4[b[0]]
    similar = min(size_a, size_b) >= 0.5 * max(size_a, size_b)
    return b[0] - a[2] <= 10 and b[1] - a[1] <= th.cycle_frames and similar


def _drifts(path: np.ndarray, th: Thresholds) -> list[tuple[int, int]]:
    """``[start, end)`` spans in which ``path`` (palm lengths, per frame) travels one way, steadily:
    at least ``slow_swipe_distance`` within ``drift_frames``, the way taken at least ``drift_straightness``
    times as long as its curvy length (read every 3 frames, so jitter does not count)."""
    out, n = [], len(path)
    start = 0
    while start < n - 1:
        best = None
        for end in range(start + 4, min(n, start + th.drift_frames) + 1):
            net = float(np.linalg.norm(path[end - 1] - path[start]))
            if net < th.slow_swipe_distance:
                continue
            coarse = path[start:end:3]
            walked = float(np.linalg.norm(np.diff(np.vstack([coarse, path[end - 1 : end]]), axis=0), axis=1).sum())
            if net >= th.drift_straightness * walked:
                best = end
        if best is None:
            start += 3
            continue
        out.append((start, best))
        start = best
    return out


def any_frame_tracked(landmarks: np.ndarray) -> bool:
    """Whether the tracker saw any frame of the clip (not all NaN or all zeros); the readers refuse a clip it never saw."""
    return bool(_valid_frames(np.asarray(landmarks, dtype=np.float64)).any())


def tracked_share(landmarks: np.ndarray, gestures: list[dict]) -> list[float]:
    """For each gesture, the share of its frames the tracker saw (not dropped): how sure a reading of them can be."""
    valid = _valid_frames(np.asarray(landmarks, dtype=np.float64))
    return [float(valid[g["start"] : g["end"]].mean()) if g["end"] > g["start"] else 0.0 for g in gestures]


def _event(label: str, start: int, end: int, direction: float | None = None, sure: float = 1.0, change: str | None = None) -> dict:
    return {"label": label, "start": int(start), "end": int(end), "direction_deg": direction, "sure": float(sure), "change": change}


def hanging(m: HandMeasures, t, th: Thresholds) -> np.ndarray:
    """Whether the hand hangs at frame(s) ``t``: its axis within ``hanging_deg`` of the image's down, the palm seen at
    ``hanging_size`` of its length or more (else its direction is unsure)."""
    return (_angle_gap(m.axis_deg[t], 270.0) < th.hanging_deg) & (m.size[t] > th.hanging_size)


def transition(m: HandMeasures, mean4: np.ndarray, s: Stroke, th: Thresholds) -> str | None:
    """Whether a stroke looks like the hand coming from rest (``"arrives"``) or going back to it
    (``"leaves"``) rather than a stroke made on purpose (``None``).

    A swipe is an intentional stroke: the hand is opened first and keeps its shape while it moves.
    The hand rising from rest opens on the way up (the fingers' mean curl falls by ``posture_change``
    from over ``swipe_curl``) or sets off hanging (fingers within ``hanging_deg`` of straight down,
    the palm seen at ``hanging_size`` of its length or more, so its direction is measured); dropping
    back to rest it relaxes or ends hanging. Such a stroke is a transition when a held gesture or a
    steady stroke is next to it.
    """
    c0, c1 = float(mean4[s.start]), float(mean4[s.end - 1])
    if (c0 > th.swipe_curl and c0 - c1 >= th.posture_change) or hanging(m, s.start, th):
        return "arrives"
    if (c1 > th.swipe_curl and c1 - c0 >= th.posture_change) or hanging(m, s.end - 1, th):
        return "leaves"
    down = _angle_gap(s.angle_deg, 270.0) < 45.0
    if swung(m, s, th):  # the arm swinging up from rest or falling back to it
        return "leaves" if down else "arrives"
    if down and c1 > th.drop_curl and c1 - c0 >= th.posture_change:  # the fingers relaxing as the hand drops
        return "leaves"
    return None


def swung(m: HandMeasures, s: Stroke, th: Thresholds) -> bool:
    """The hand turned by ``swing_deg`` or more (seen at ``hanging_size`` of its length at both ends) over a stroke
    up or down."""
    vertical = _angle_gap(s.angle_deg % 180.0, 90.0) < 45.0
    seen = min(m.size[s.start], m.size[s.end - 1]) > th.hanging_size
    return bool(vertical and seen and _angle_gap(m.axis_deg[s.start], m.axis_deg[s.end - 1]) >= th.swing_deg)


def _overlap(a: dict, b: dict) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


class GeometricRecognizer:
    """Gestures from hand geometry (see the module's docstring); nothing is learned.

    Args:
        thresholds: The settings; the defaults are documented in docs/commands.md.
    """

    PRIORITY = ("come_here", "grab", "swipe", "point", "stop")

    def __init__(self, thresholds: Thresholds | None = None):
        self.th = thresholds or Thresholds()

    def events(self, landmarks) -> list[dict]:
        """Every candidate gesture found, before overlaps are resolved (for inspection)."""
        th = self.th
        m = hand_measures(landmarks)
        t_len = len(m.curl)
        pose = postures(m, th)
        mean4 = m.curl[:, 1:].mean(axis=1)
        # Speed for stillness over 5 frames, so tracker jitter does not read as motion.
        k = min(5, t_len)
        steady = np.stack(
            [np.convolve(np.pad(m.wrist[:, i], (k // 2, k - 1 - k // 2), mode="edge"), np.ones(k) / k, "valid") for i in (0, 1)], 1
        )
        speed = np.linalg.norm(np.gradient(steady, axis=0), axis=1) if t_len > 1 else np.zeros(t_len)
        events = []
        # A held pose or a drift must be seen: frames the tracker lost are filled in as a still copy of the
        # last seen one, which would otherwise read as a hand held still.
        in_view = _bridged(m.valid, th.short_gap)
        seen = lambda start, end: in_view[start:end].mean() >= th.seen_share  # noqa: E731

        # come_here: two or more quick closings back to back, of the four fingers or of the index
        # finger alone with the other three curled (the one-finger beckon); grab: one closing from
        # open to a fist.
        others_curled = m.curl[:, 2:].min(axis=1) > th.curled - 10.0
        # Smaller closings count too when repeated one more time: a beckon is a rhythm, noise is not. One deep
        # closing of the whole hand counts alone when the fingers are out straight before it and after it.
        half = th.cycle_frames // 2

        def one_beat(signal: np.ndarray, c: tuple[int, int, int]) -> bool:
            """A closing from and back to the fingers out straight, folded only for a moment, the wrist slow."""
            straight = np.flatnonzero(signal[c[2] : c[1] + half + 1] < th.swipe_curl)
            if c[2] >= len(signal) or signal[c[0]] >= th.swipe_curl or not len(straight):
                return False
            reopened = c[2] + int(straight[0])
            folded = int((signal[c[0] : reopened] > signal[c[1]] - _FOLDED_DEG).sum())
            return folded <= th.beat_dwell and bool((speed[c[0] : reopened + half // 2] < 3 * th.still_speed).all())

        for signal, beckoning, size, needed in (
            (mean4, None, th.cycle, th.cycles),
            (mean4, None, th.small_cycle, th.cycles + 1),
            (mean4, None, th.single_beat, 1),
            (m.curl[:, 1], others_curled, th.finger_cycle, th.cycles),
            (m.curl[:, 1], others_curled, th.small_cycle, th.cycles + 1),
        ):
            cycles = [
                c
                for c in _curl_cycles(signal, th, size)
                if c[1] - c[0] <= half
                and c[2] - c[1] <= half
                and (beckoning is None or beckoning[c[0] : c[2]].mean() > 0.8)
                and (needed > 1 or one_beat(signal, c))
            ]
            i = 0
            while i < len(cycles):
                j = i
                while j + 1 < len(cycles) and _same_beat(cycles[j], cycles[j + 1], signal, th):
                    j += 1
                found = _event("come_here", cycles[i][0], cycles[j][2])
                if j - i + 1 >= needed and not any(e["label"] == "come_here" and _overlap(e, found) > 0 for e in events):
                    events.append(found)  # (one beckoning found on two signals or at two sizes is kept once)
                i = j + 1
        for start, end in _runs(pose == "fist"):
            before = slice(max(0, start - th.grab_frames), start + 1)
            opened = np.flatnonzero(mean4[before] < th.open_mean + 15.0)
            if len(opened) and end - start >= 3:
                lead = before.start + int(opened[-1])
                if np.abs(np.diff(m.wrist[lead : start + 1], axis=0)).sum() > th.grab_travel:
                    continue  # the hand closing as it drops back to rest after a swipe, not a grab
                while lead > 0 and pose[lead - 1] == "open":
                    lead -= 1
                events.append(_event("grab", lead, end))

        # Swipes: in each motion episode, the strongest stroke (long, open-handed) is a swipe and the
        # opposite strokes right before and after it are its wind-up and return; repeat on the rest.
        episodes, current = [], []
        for s in strokes(m, th):
            if s.length < 0.3:
                continue
            if current and s.start - current[-1].end > th.episode_gap:
                episodes.append(current)
                current = []
            current.append(s)
        if current:
            episodes.append(current)
        openness = lambda s: float(np.mean(mean4[s.start : s.end] < th.open_mean + 10.0))  # noqa: E731
        # A stroke that sets off as the hand comes into view at the picture's border after the tracker lost
        # it, or ends at the border as it is lost, is the hand entering or leaving the picture: where it came
        # from or went to was not seen. (Lost frames away from the border are the tracker's drop-outs.)
        lost_before, lost_after = _lost_runs(m.valid)
        at_border = m.border < th.border
        entering = (lost_before >= th.lost_frames) & at_border
        leaving = (lost_after >= th.lost_frames) & at_border
        unseen = lambda s: bool(entering[s.start : s.start + 3].any() or leaving[max(s.start, s.end - 3) : s.end].any())  # noqa: E731
        for episode in episodes:
            score = [s.length * (0.5 + openness(s)) for s in episode]
            change = [transition(m, mean4, s, th) for s in episode]
            free = set(range(len(episode)))
            # Steady strokes (the hand keeping its shape) first: a longer stroke that opens or closes the
            # hand in the same episode is the hand arriving from rest or leaving to it.
            # A brisk stroke keeping the hand's shape may be swept with the fingers loose: sideways up to
            # ``loose_swipe_curl``, up and down only a little (the hand rising from rest or dropping back to it moves as
            # briskly, its fingers more relaxed).
            brisk = [c is None and s.peak_speed >= th.brisk_speed and s.length >= th.brisk_distance for s, c in zip(episode, change)]
            loose = [
                (th.loose_swipe_curl if _angle_gap(s.angle_deg % 180, 90) > 45 else th.loose_rise_curl) if b else th.swipe_curl
                for s, b in zip(episode, brisk)
            ]
            for k in sorted(range(len(episode)), key=lambda k: (change[k] is not None, -score[k])):
                if k not in free:
                    continue
                s = episode[k]
                free.discard(k)
                lazy = change[k] is None and openness(s) > 0.9 and s.length >= th.slow_swipe_distance
                if s.length < th.swipe_distance or s.peak_speed < (th.slow_swipe_speed if lazy else th.swipe_speed):
                    continue
                grabbed = [e for e in events if e["label"] == "grab" and e["start"] + th.hold <= s.start <= e["end"] + 3 * th.hold]
                if grabbed:  # the hand sets off from the fist and opens on the way (judged as it ends), or drags it along
                    dragged = change[k] is None and (pose[s.start : s.end] == "fist").mean() > 0.8
                    if np.median(mean4[(s.start + s.end) // 2 : s.end]) > th.swipe_curl + 10.0 and not dragged:
                        continue
                    for grab in grabbed:
                        grab["end"] = min(grab["end"], s.start)
                elif np.median(mean4[s.start : s.end]) > loose[k]:
                    continue
                if unseen(s):
                    continue
                for n, arriving in ((k - 1, "arrives"), (k + 1, "leaves")):
                    if n in free and (
                        _angle_gap(episode[n].angle_deg, s.angle_deg) > 120.0
                        or change[n] == arriving
                        or episode[n].peak_speed < th.recovery_speed * s.peak_speed
                    ):
                        free.discard(n)
                label = SWIPE_OF[int(((s.angle_deg + 45.0) % 360.0) // 90.0)]
                events.append(_event(label, s.start, s.end, sure=s.length, change=change[k]))
                # (a stroke over which the arm swings is kept until the stops are read, as the hand rising to show one
                # or dropping after it, and is never a swipe)
                events[-1]["swung"] = swung(m, s, th)

        # Lazy swipes: the open hand drifting one way, steadily, too slowly for its speed to rise above
        # ``move_speed`` all along (so no stroke holds it).
        for start, end in _runs((mean4 < th.open_mean + 10.0) & (m.curl[:, 1:].max(axis=1) < th.straight + 15.0)):
            for a, b in _drifts(steady[start:end], th):
                a, b = start + a, start + b
                # (next to a swipe, a slow drift is its wind-up, its follow-through or the hand brought back)
                around = {"start": a - th.arrive_frames, "end": b + th.arrive_frames}
                if any(e["label"].startswith("swipe") and _overlap(e, around) > 0 for e in events) or not seen(a, b):
                    continue
                drift = Stroke(a, b, steady[b - 1] - steady[a], float(speed[a:b].max()))
                if unseen(drift) or drift.peak_speed > th.swipe_speed:
                    continue
                events.append(_event(SWIPE_OF[int(((drift.angle_deg + 45.0) % 360.0) // 90.0)], a, b, sure=drift.length))

        # point: the pointing posture held with the wrist slow; the direction from the held frames.
        # A held pose must be seen (``seen``).
        for start, end in _runs(pose == "point"):
            if end - start < th.hold or not seen(start, end):
                continue
            slow = speed[start:end] < th.held_speed
            if slow.sum() < th.hold:
                continue
            held = np.arange(start, end)[slow]
            held = held[len(held) // 3 :]
            events.append(_event("point", start, end, round(_circular_mean_deg(m.index_deg[held]), 1)))
            events[-1].update(hang=float(hanging(m, held, th).mean()), at=m.wrist[held].mean(axis=0))

        # stop: the open hand held still, fingers up. A short stroke up into a long stop or down
        # out of it, or a stroke arriving into it from rest or leaving it for rest (then the stop may
        # be brief), is the hand rising to show it or dropping after; otherwise an open hand held
        # just before or after a grab or a swipe, or as beckoning ends, is part of that gesture, and
        # so is the open hand a gesture leaves behind (``left_by``).
        upright = _angle_gap(m.axis_deg, 90.0) < th.stop_tilt_deg
        near = lambda e, start, end: -th.hold <= start - e["end"] <= th.hold or -th.hold <= e["start"] - end <= th.hold  # noqa: E731

        def left_by(gesture: dict, start: int) -> bool:
            """The hand still open since ``gesture`` ended (within ``arrive_frames``) when a still spell
            begins at ``start``: a swipe's follow-through or its hand brought back open, the open hand a
            beckoning or a stop leaves, not a new stop. A stroke arriving from rest is not followed through."""
            if gesture["change"] == "arrives" or not 0 <= start - gesture["end"] <= th.arrive_frames:
                return False
            return bool((mean4[gesture["end"] - 1 : start + 1] < th.swipe_curl).all())

        for start, end in _runs((pose == "open") & upright & (speed < th.still_speed)):
            if end - start < th.hold + 2 or not seen(start, end):
                continue
            # The hand still open since a stop ended is that stop held on: a finger flickering out of the open
            # posture (the tracker's depth jitter) or the palm shifting a little interrupts the spell, not the stop.
            held_on = [
                e
                for e in events
                if e["label"] == "stop"
                and left_by(e, start)
                and not any(o is not e and e["end"] <= o["end"] and o["start"] < start for o in events)
            ]
            beside = [e for e in events if e["label"] != "point" and near(e, start, end) and not any(e is h for h in held_on)]
            rising_or_dropping = [
                (e["label"] == ("swipe_up" if e["start"] < start else "swipe_down") and e["sure"] < th.swipe_sure)
                or e["change"] == ("arrives" if e["start"] < start else "leaves")
                for e in beside
            ]
            if beside and all(rising_or_dropping) and (end - start >= 2 * th.hold or all(e["change"] for e in beside)):
                events = [e for e in events if not any(e is b for b in beside)]
            elif beside or (any(left_by(e, start) for e in events) and not held_on):
                continue
            if held_on:
                held_on[-1]["end"] = end
            else:
                events.append(_event("stop", start, end))
        return sorted(events, key=lambda e: e["start"])

    def recognize(self, landmarks) -> list[dict]:
        """The gestures of one clip ``(T, 21, 3)``: ``[{"label", "start", "end", "direction_deg"}]``
        in order, ``end`` exclusive, ``direction_deg`` (0 = right, 90 = up) for ``point``."""
        kept: list[dict] = []
        rank = lambda e: self.PRIORITY.index("swipe" if e["label"].startswith("swipe") else e["label"])  # noqa: E731
        for event in sorted((e for e in self.events(landmarks) if not e.get("swung")), key=lambda e: (rank(e), e["start"])):
            if event["label"] == "point":  # a held point that runs into a stronger gesture keeps its own part
                for k in kept:
                    if _overlap(event, k) > 0:
                        after, before = event["end"] - k["end"], k["start"] - event["start"]
                        event = {**event, "start": k["end"]} if after > before else {**event, "end": k["start"]}
                if event["end"] - event["start"] < self.th.hold:
                    continue
            if all(_overlap(event, k) <= 0 for k in kept):
                kept.append(event)
        kept.sort(key=lambda e: e["start"])
        beckons = [e for e in kept if e["label"] == "come_here"]
        hold = self.th.hold

        # A hand closing just before or after beckoning is the beckoning starting or settling to rest;
        # a finger held out for a moment next to a one-finger beckon is that beckon's first or last beat,
        # and one held out as the beckoning stops, however long, is the beckoning hand left as it was.
        def part_of_beckoning(e: dict, b: dict) -> bool:
            beside = -hold <= e["start"] - b["end"] <= hold or -hold <= b["start"] - e["end"] <= hold
            if e["label"] == "grab":
                return beside
            return e["label"] == "point" and ((beside and e["end"] - e["start"] < 3 * hold) or -hold <= e["start"] - b["end"] <= hold)

        kept = [e for e in kept if not any(part_of_beckoning(e, b) for b in beckons)]
        if self.th.transitions:
            held = [e for e in kept if e["label"] in ("point", "stop", "grab", "come_here")]
            swiped = [e for e in kept if e["label"].startswith("swipe") and e["change"] != "leaves"]
            steady = [e for e in swiped if e["change"] is None]
            before = lambda e, others, gap: any(0 <= o["start"] - e["end"] <= gap for o in others)  # noqa: E731
            after = lambda e, others, gap: any(0 <= e["start"] - o["end"] <= gap for o in others)  # noqa: E731

            def approach_or_departure(e: dict) -> bool:
                """The hand rising straight into a held gesture, or dropping right after a stop or beckoning,
                moves like a swipe up or down; a stroke that arrives from rest (``transition``) up to
                ``arrive_frames`` before a held gesture or a steady swipe, or leaves for rest as long
                after one, is the hand coming for that gesture or going back after it. Neither is a swipe."""
                if e["label"] == "swipe_up" and before(e, held, hold):
                    return True
                if e["label"] == "swipe_down" and after(e, [h for h in held if h["label"] in ("stop", "come_here")], hold):
                    return True
                if e["change"] == "arrives":
                    return before(e, held + steady, self.th.arrive_frames)
                # (after a swipe the hand goes back to rest even when the swipe itself set off from rest)
                return e["change"] == "leaves" and after(e, held + swiped, self.th.arrive_frames)

            kept = [e for e in kept if not approach_or_departure(e)]
            # The open hand paused briefly just before another gesture is the hand getting ready for it.
            others = [o for o in kept if o["label"] != "stop"]
            brief = lambda e: e["end"] - e["start"] < self.th.ready_frames  # noqa: E731
            ready = [e["label"] == "stop" and brief(e) and before(e, others, self.th.arrive_frames) for e in kept]
            kept = [e for e, getting_ready in zip(kept, ready) if not getting_ready]
        merged: list[dict] = []
        for event in kept:
            gap = event["start"] - merged[-1]["end"] if merged else None
            # A held stop or a beckoning interrupted for a moment is one; so is a swipe: the hand cannot swipe the
            # same way twice without being brought back in between.
            if merged and merged[-1]["label"] == event["label"] and event["label"] != "point" and gap <= self.th.hold:
                merged[-1]["end"] = event["end"]
                continue
            both_points = bool(merged) and merged[-1]["label"] == event["label"] == "point"
            # A point held with the hand hanging, lower than the point just before it, is that hand lowered to rest with
            # the finger still out.
            lowered = both_points and merged[-1]["at"][1] - event["at"][1] >= self.th.lowered_drop
            if lowered and gap <= self.th.arrive_frames and event["hang"] >= 0.5:
                continue
            # A finger twitching for longer than a glitch, the wrist held where it was, leaves one point.
            moved = np.linalg.norm(merged[-1]["at"] - event["at"]) if both_points else np.inf
            still = gap is not None and gap <= self.th.still_merge_frames and moved < self.th.still_merge_dist
            if (
                both_points
                and (gap <= 2 * self.th.hold or still)
                and _angle_gap(merged[-1]["direction_deg"], event["direction_deg"]) <= self.th.point_merge_deg
            ):
                # A tracker glitch or a finger twitch splits one held point; the longer part aims it.
                last = merged[-1]
                if event["end"] - event["start"] > last["end"] - last["start"]:
                    last["direction_deg"] = event["direction_deg"]
                last["end"] = event["end"]
                continue
            merged.append(event)
        return [{k: e[k] for k in ("label", "start", "end", "direction_deg")} for e in merged]

    recognise = recognize  # the name of robocue 0.1, kept for its callers

    def _one_clip(self, landmarks) -> np.ndarray:
        if isinstance(landmarks, torch.Tensor):
            landmarks = landmarks.detach().cpu().numpy()
        if not isinstance(landmarks, np.ndarray):
            raise ValueError(f"gesture landmarks must be a numpy array or a torch tensor, got {type(landmarks).__name__}")
        _check_landmarks(landmarks)
        if landmarks.ndim == 4:
            if landmarks.shape[0] != 1:
                raise ValueError(f"the gesture reader takes one clip (T, 21, 3), got a batch of shape {tuple(landmarks.shape)}")
            landmarks = landmarks[0]
        return landmarks

    def understand(self, landmarks) -> dict:
        """What one clip asks for: ``{"gestures": [...], "command": {...}}``, the command by
        :func:`command_from_gestures` (``task``, ``color``, ``shape``, ``destination``,
        ``direction_deg``: the first point's)."""
        gestures = self.recognize(self._one_clip(landmarks))
        return {"gestures": gestures, "command": command_from_gestures(gestures)}

    def interpret(self, landmarks) -> dict:
        """What one clip asks for, whether it was understood, and what to ask back when not.

        A field's confidence is the share of tracked (not dropped) frames in the gesture
        that set it: a gesture read mostly through frames the tracker lost is unsure. The
        verdict and question come from :func:`perception.clarify.clarify_gestures`, as for
        the learned encoder.

        Returns:
            ``{"gestures", "task", "color", "shape", "destination", "direction_deg",
            "understood", "confidence", "question"}``.
        """
        landmarks = self._one_clip(landmarks)
        gestures = self.recognize(landmarks)
        return interpret_gestures(gestures, tracked_share(landmarks, gestures))


GeometricRecogniser = GeometricRecognizer  # the name of robocue 0.1, kept for its callers
