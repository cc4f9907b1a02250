"""Gesture commands: the clip generator, the renderer, and the gesture encoder."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch

from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.gestures import (
    GESTURE_DESTINATION,
    GESTURES,
    LABELS,
    Clip,
    GestureEncoder,
    Performer,
    command_from_gestures,
    hand_shape,
    landmarks_from_video,
    load_default_gesture_encoder,
    normalize_landmarks,
    performer_split,
    performers,
    render_clip,
    sample_clip,
    sample_dataset,
)
from robocue.perception.gestures.training import _collate, _loss


def _clips(n: int = 12, seed: int = 0) -> list[Clip]:
    rng = np.random.default_rng(seed)
    return [sample_clip(rng, performer) for performer in range(1, n + 1)]


def _clean(performer: int, **changes) -> Performer:
    return dataclasses.replace(Performer.from_seed(performer), noise=0.0, drop_rate=0.0, **changes)


def _mirror(landmarks: np.ndarray) -> np.ndarray:
    mirrored = landmarks.copy()
    mirrored[..., 0] = 1.0 - mirrored[..., 0]
    return mirrored


@pytest.fixture(scope="module")
def default_encoder() -> GestureEncoder:
    torch.set_num_threads(1)
    return load_default_gesture_encoder()


def test_clip_shapes_dtypes_and_ranges():
    for clip in _clips():
        t = len(clip.labels)
        assert clip.landmarks.shape == (t, 21, 3) and clip.landmarks.dtype == np.float32
        assert clip.labels.shape == (t,) and clip.labels.dtype == np.int64
        assert clip.labels.min() >= 0 and clip.labels.max() < len(LABELS)
        finite = np.isfinite(clip.landmarks).all(axis=(1, 2))
        dropped = np.isnan(clip.landmarks).all(axis=(1, 2))
        assert np.all(finite | dropped), "a frame is either whole or dropped (all-NaN)"
        assert finite.sum() > t // 2
        valid = clip.landmarks[finite]
        xy = valid[..., :2]
        # x, y stay in the image except where a swipe or a point reaches slightly out of it.
        assert ((xy >= 0) & (xy <= 1)).mean() > 0.98
        assert xy.min() > -0.3 and xy.max() < 1.3
        assert np.all(valid[:, 0, 2] == 0.0), "depth is relative to the wrist"
        assert np.abs(valid[..., 2]).max() < 0.5


def test_labels_agree_with_segments():
    for clip in _clips():
        expected = np.zeros_like(clip.labels)
        previous_end = 0
        for label, start, end, direction in clip.segments:
            assert label in GESTURES and previous_end <= start < end <= len(clip.labels)
            expected[start:end] = LABELS.index(label)
            assert (direction is not None) == (label == "point")
            if direction is not None:
                assert 0.0 <= direction < 360.0
            previous_end = end
        np.testing.assert_array_equal(clip.labels, expected)
        assert clip.labels[0] == 0 and clip.labels[-1] == 0, "idle frames around the gestures"
        assert 1 <= len(clip.segments) <= 2


def test_requested_gestures_are_performed():
    rng = np.random.default_rng(3)
    clip = sample_clip(rng, 7, ["point", "swipe_left"])
    assert clip.gestures == ["point", "swipe_left"]
    assert clip.command["task"] == "push" and clip.command["destination"] == "left"
    with pytest.raises(ValueError, match="unknown gesture"):
        sample_clip(rng, 7, ["wave"])


def test_point_label_is_where_the_index_finger_points():
    rng = np.random.default_rng(0)
    for performer in (1, 2, 3, 4):
        clip = sample_clip(rng, _clean(performer), ["point"])
        _, start, end, direction = clip.segments[0]
        tip = clip.landmarks[end - 3, 8, :2] - clip.landmarks[end - 3, 5, :2]
        measured = np.rad2deg(np.arctan2(-tip[1], tip[0])) % 360.0
        assert abs((measured - direction + 180.0) % 360.0 - 180.0) < 5.0


@pytest.mark.parametrize("gesture", list(GESTURE_DESTINATION))
def test_swipes_move_the_hand_their_way(gesture):
    rng = np.random.default_rng(1)
    clip = sample_clip(rng, _clean(2), [gesture])
    _, start, end, _ = clip.segments[0]
    move = clip.landmarks[end - 1, 0, :2] - clip.landmarks[start, 0, :2]
    want = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, -1), "swipe_down": (0, 1)}[gesture]  # y down
    assert float(np.dot(move, want)) > 0.1


def test_left_hands_mirror_right_hands():
    rng = np.random.default_rng(0)
    flex, spread = rng.uniform(0, 1, (6, 5)), rng.uniform(0, 1, 6)
    right = hand_shape(flex, spread, _clean(1, hand="right"))
    left = hand_shape(flex, spread, _clean(1, hand="left"))
    np.testing.assert_allclose(left, right * np.array([-1.0, 1.0, 1.0]))
    # In the image the thumb side flips: the palm's winding (index MCP, pinky MCP around the
    # wrist) has opposite signs, and the encoder's normaliser detects the hand.
    for hand, sign in (("right", 1.0), ("left", -1.0)):
        clip = sample_clip(np.random.default_rng(5), _clean(3, hand=hand), ["stop"])
        a = clip.landmarks[:, 5, :2] - clip.landmarks[:, 0, :2]
        b = clip.landmarks[:, 17, :2] - clip.landmarks[:, 0, :2]
        winding = np.sign(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
        assert (winding == winding[0]).mean() > 0.95
        assert normalize_landmarks(torch.from_numpy(clip.landmarks[None]))["mirror"].item() == sign
    assert {Performer.from_seed(p).hand for p in range(20)} == {"left", "right"}


def test_normalized_hand_shape_ignores_the_mirror_but_motion_does_not():
    clip = sample_clip(np.random.default_rng(2), 4, ["swipe_right"])
    both = torch.from_numpy(np.stack([clip.landmarks, _mirror(clip.landmarks)]))
    norm = normalize_landmarks(both)
    assert norm["mirror"][0] == -norm["mirror"][1]
    features = norm["features"]
    torch.testing.assert_close(features[0, :, :60], features[1, :, :60], atol=1e-4, rtol=0)
    torch.testing.assert_close(features[0, :, 62], -features[1, :, 62], atol=1e-4, rtol=0)  # x velocity
    torch.testing.assert_close(features[0, :, 63], features[1, :, 63], atol=1e-4, rtol=0)  # y velocity
    torch.testing.assert_close(features[0, :, 66:], features[1, :, 66:], atol=1e-4, rtol=0)  # joint angles, extension


def test_features_read_a_repeated_frame_as_dropped_and_do_not_depend_on_the_clip_around():
    landmarks = sample_clip(np.random.default_rng(4), 6, ["point"]).landmarks.copy()
    landmarks = landmarks[np.isfinite(landmarks).all(axis=(1, 2))]
    repeated, nan = landmarks.copy(), landmarks.copy()
    repeated[[10, 11, 30]] = repeated[[9, 9, 29]]
    nan[[10, 11, 30]] = np.nan
    a = normalize_landmarks(torch.from_numpy(repeated[None]))
    b = normalize_landmarks(torch.from_numpy(nan[None]))
    assert not a["valid"][0, [10, 11, 30]].any()
    torch.testing.assert_close(a["features"], b["features"])
    # A frame's features do not change when idle frames are cut from the clip's ends (the
    # palm's median length aside, which scales the hand coordinates only).
    whole = normalize_landmarks(torch.from_numpy(landmarks[None]))["features"][0, 20:40, 60:]
    cut = normalize_landmarks(torch.from_numpy(landmarks[None, 15:45]))["features"][0, 5:25, 60:]
    torch.testing.assert_close(whole, cut, atol=1e-4, rtol=1e-4)


def test_command_from_gestures():
    def command(*labels, direction=30.0):
        return command_from_gestures([(label, 0, 1, direction if label == "point" else None) for label in labels])

    assert command("point") == {"task": "reach", "color": None, "shape": None, "destination": None, "direction_deg": 30.0}
    assert command("point", "swipe_left")["task"] == "push"
    assert command("point", "swipe_left")["destination"] == "left"
    assert command("grab", "swipe_up")["task"] == "pick_and_place"
    assert command("grab", "swipe_up")["destination"] == "back"
    assert command("swipe_down") == {"task": None, "color": None, "shape": None, "destination": "front", "direction_deg": None}
    assert command("come_here")["task"] == "go_to"
    assert command("point", "come_here")["direction_deg"] == 30.0
    assert all(value is None for value in command("point", "stop").values())
    assert all(value is None for value in command_from_gestures([]).values())
    with pytest.raises(ValueError, match="unknown gesture"):
        command("wave")


def test_performer_split_is_disjoint_and_deterministic():
    train, heldout = set(performers("train")), set(performers("heldout"))
    assert train.isdisjoint(heldout) and train | heldout == set(range(1000))
    assert 150 <= len(heldout) <= 250
    assert all(performer_split(p) == "heldout" for p in heldout)
    assert Performer.from_seed(17) == Performer.from_seed(17) and Performer.from_seed(17) != Performer.from_seed(18)
    a, b = sample_dataset("heldout", 4, seed=9), sample_dataset("heldout", 4, seed=9)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.landmarks, y.landmarks)
        assert x.segments == y.segments and performer_split(x.performer) == "heldout"
    assert all(performer_split(clip.performer) == "train" for clip in sample_dataset("train", 4, seed=9))
    with pytest.raises(ValueError, match="split"):
        performers("test")


def test_render_clip_writes_a_readable_video(tmp_path):
    cv2 = pytest.importorskip("cv2")
    clip = sample_clip(np.random.default_rng(0), 1, ["grab"])
    path = render_clip(clip, tmp_path / "clip.mp4", size=96)
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == len(clip.labels)
    assert frames[0].shape == (96, 96, 3) and max(f.max() for f in frames) > 100


def test_encoder_forward_shapes_and_gradients():
    torch.manual_seed(0)
    encoder = GestureEncoder(hidden=16, out_dim=8, dilations=(1, 2))
    clips = _clips(3)
    batch = _collate(clips)
    t = batch["landmarks"].shape[1]
    assert encoder(batch["landmarks"]).shape == (3, 8) and encoder.out_dim == 8
    out = encoder.encode(batch["landmarks"])
    assert out["frame_logits"].shape == (3, t, len(LABELS)) and out["direction"].shape == (3, t, 2)
    assert set(encoder.decoder(out["features"])) == set(DECODER_FIELDS)
    loss, _ = _loss(encoder, batch)
    loss.backward()
    for name, parameter in encoder.named_parameters():
        assert parameter.grad is not None and torch.isfinite(parameter.grad).all(), name
        assert parameter.grad.abs().sum() > 0, name


def test_dropped_frames_as_zeros_or_nan_read_the_same():
    encoder = GestureEncoder(hidden=16, out_dim=8, dilations=(1,)).eval()
    landmarks = sample_clip(np.random.default_rng(4), 6, ["stop"]).landmarks.copy()
    landmarks[[0, 5, 6, 20]] = np.nan
    zeros = np.nan_to_num(landmarks, nan=0.0)
    with torch.no_grad():
        torch.testing.assert_close(encoder(torch.from_numpy(landmarks[None])), encoder(torch.from_numpy(zeros[None])))


def test_save_load_round_trip(tmp_path):
    torch.manual_seed(1)
    encoder = GestureEncoder(hidden=16, out_dim=8, dilations=(1, 2)).eval()
    landmarks = _collate(_clips(2))["landmarks"]
    loaded = GestureEncoder.load(encoder.save(tmp_path / "gesture.pt"))
    with torch.no_grad():
        assert torch.equal(encoder(landmarks), loaded(landmarks))
        assert torch.equal(encoder.encode(landmarks)["frame_logits"], loaded.encode(landmarks)["frame_logits"])
    (tmp_path / "other.pt").write_bytes(b"not a model")
    with pytest.raises(Exception):  # noqa: B017 - torch's unpickling error type varies by version
        GestureEncoder.load(tmp_path / "other.pt")


@pytest.mark.parametrize(
    "gestures",
    [("point",), ("point", "swipe_left"), ("grab", "swipe_down"), ("come_here",), ("stop",), ("swipe_up",)],
)
def test_default_encoder_understands_heldout_performers(default_encoder, gestures):
    performer = performers("heldout")[len(gestures) + len(gestures[0])]
    clip = sample_clip(np.random.default_rng(11), performer, gestures)
    result = default_encoder.understand(clip.landmarks)
    assert [g["label"] for g in result["gestures"]] == list(gestures)
    for found, (label, start, end, direction) in zip(result["gestures"], clip.segments):
        assert abs(found["start"] - start) <= 4 and abs(found["end"] - end) <= 4
        if label == "point":
            assert abs((found["direction_deg"] - direction + 180.0) % 360.0 - 180.0) < 10.0
        else:
            assert found["direction_deg"] is None
    truth = clip.command
    assert {f: result["command"][f] for f in DECODER_FIELDS} == {f: truth[f] for f in DECODER_FIELDS}


def test_default_encoder_reads_a_mirrored_clip_as_the_mirrored_gesture(default_encoder):
    clip = sample_clip(np.random.default_rng(12), performers("heldout")[3], ["point", "swipe_left"])
    found = default_encoder.recognize(_mirror(clip.landmarks))
    assert [g["label"] for g in found] == ["point", "swipe_right"]
    expected = (180.0 - clip.segments[0][3]) % 360.0
    assert abs((found[0]["direction_deg"] - expected + 180.0) % 360.0 - 180.0) < 10.0


@pytest.mark.parametrize(
    "landmarks, message",
    [
        (np.zeros((10, 21, 2), dtype=np.float32), "shape"),
        (np.zeros((21, 3), dtype=np.float32), "shape"),
        (np.zeros((0, 21, 3), dtype=np.float32), "empty"),
        (np.full((10, 21, 3), np.nan, dtype=np.float32), "no valid frame"),
        (np.zeros((10, 21, 3), dtype=np.float32), "no valid frame"),
        ([[0.5] * 3] * 21, "numpy array"),
    ],
)
def test_bad_input_raises_value_error(landmarks, message):
    encoder = GestureEncoder(hidden=8, out_dim=4, dilations=(1,))
    with pytest.raises(ValueError, match=message):
        encoder.understand(landmarks)


def test_render_clip_rejects_bad_landmarks(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        render_clip(np.zeros((5, 21, 2), dtype=np.float32), tmp_path / "bad.mp4")
    assert not (tmp_path / "bad.mp4").exists()


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is not None, reason="mediapipe is installed")
def test_landmarks_from_video_says_mediapipe_is_missing(tmp_path):
    with pytest.raises(RuntimeError, match="pip install mediapipe"):
        landmarks_from_video(tmp_path / "video.mp4")


def _fake_mediapipe(calls: list) -> SimpleNamespace:
    """MediaPipe's Tasks API as landmarks_from_video calls it, finding a hand in bright frames only: it checks
    robocue's side (frames in order, timestamps, one hand, NaN where none), not MediaPipe's detection."""

    class Landmarker:
        @classmethod
        def create_from_options(cls, options):
            calls.append(("options", options))
            return cls()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def detect_for_video(self, image, timestamp_ms):
            calls.append(("frame", timestamp_ms))
            hand = [SimpleNamespace(x=i / 21, y=0.5, z=-0.01 * i) for i in range(21)]
            return SimpleNamespace(hand_landmarks=[hand, hand] if image.data.mean() > 128 else [])

    vision = SimpleNamespace(HandLandmarker=Landmarker, HandLandmarkerOptions=lambda **kw: kw, RunningMode=SimpleNamespace(VIDEO="video"))
    return SimpleNamespace(
        tasks=SimpleNamespace(vision=vision, BaseOptions=lambda **kw: kw),
        Image=lambda image_format, data: SimpleNamespace(data=data),
        ImageFormat=SimpleNamespace(SRGB="srgb"),
        __version__="1.2.3",
    )


def test_landmarks_from_video_reads_with_the_tasks_api(tmp_path, monkeypatch):
    video, model = tmp_path / "hand.mp4", tmp_path / "hand_landmarker.task"
    model.write_bytes(b"model")
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 64))
    for bright in (True, False, True, True, False, True):
        writer.write(np.full((64, 64, 3), 255 if bright else 0, np.uint8))
    writer.release()
    calls: list = []
    monkeypatch.setitem(sys.modules, "mediapipe", _fake_mediapipe(calls))
    landmarks = landmarks_from_video(video, model_path=model)
    assert landmarks.shape == (6, 21, 3) and landmarks.dtype == np.float32
    assert np.isnan(landmarks[[1, 4]]).all() and not np.isnan(landmarks[[0, 2, 3, 5]]).any()
    np.testing.assert_allclose(landmarks[0, :, 0], np.arange(21) / 21, atol=1e-6)
    options = calls[0][1]
    assert options["base_options"]["model_asset_path"] == str(model) and options["running_mode"] == "video" and options["num_hands"] == 1
    assert [t for kind, t in calls if kind == "frame"] == [0, 33, 67, 100, 133, 167]
    with pytest.raises(FileNotFoundError, match="hand_landmarker.task"):
        landmarks_from_video(video, model_path=tmp_path / "missing.task")
    with pytest.raises(RuntimeError, match="has no mediapipe.solutions.hands: pass model_path"):
        landmarks_from_video(video)
