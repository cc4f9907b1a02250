"""The hybrid gesture reader: the learned sequence model over the geometric reader's reading."""

from __future__ import annotations

import numpy as np
import pytest

from robocue.perception.gestures import load_gesture_reader, sample_clip
from robocue.perception.gestures.hybrid import (
    FEATURES,
    MEASURES,
    MIRRORED_SIGNS,
    MIRRORED_SWAP,
    HybridRecognizer,
    hand_features,
    rule_channels,
    segments,
)
from robocue.perception.gestures.vocabulary import LABELS


@pytest.fixture(scope="module")
def reader():
    return HybridRecognizer()


def _probs(labels: list[int]) -> np.ndarray:
    out = np.full((len(labels), len(LABELS)), 0.01)
    out[np.arange(len(labels)), labels] = 0.9
    return out


def test_segments_are_runs_of_one_gesture_long_enough():
    point, grab = LABELS.index("point"), LABELS.index("grab")
    frames = [0] * 5 + [point] * 10 + [0] * 3 + [grab] * 4 + [0] * 5
    found = segments(_probs(frames))
    assert [(LABELS[g], s, e) for g, s, e, _ in found] == [("point", 5, 15)]  # the 4-frame grab is too short
    assert found[0][3] == pytest.approx(0.9)


def test_two_runs_of_one_swipe_close_together_are_one_but_two_points_stay_two():
    swipe, point = LABELS.index("swipe_left"), LABELS.index("point")
    found = segments(_probs([swipe] * 8 + [0] * 4 + [swipe] * 8))
    assert [(LABELS[g], s, e) for g, s, e, _ in found] == [("swipe_left", 0, 20)]
    assert len(segments(_probs([point] * 8 + [0] * 4 + [point] * 8))) == 2


def test_rule_channels_are_one_label_per_frame():
    out = rule_channels([{"label": "stop", "start": 2, "end": 5}], 8)
    assert out.shape == (8, len(LABELS)) and np.allclose(out.sum(1), 1.0)
    assert out[3, LABELS.index("stop")] == 1.0 and out[0, 0] == 1.0 and out[5, 0] == 1.0


def test_the_mirrored_columns_are_the_ones_that_flip_with_the_picture():
    clip = sample_clip(np.random.default_rng(4), 2, ["swipe_right"]).landmarks
    mirrored = clip.copy()
    mirrored[..., 0] = 1.0 - mirrored[..., 0]
    f, m = hand_features(clip)[0], hand_features(mirrored)[0]
    moving = np.abs(f[:, list(MIRRORED_SIGNS)]).max(0) > 1e-3
    assert moving.all()
    assert np.allclose(m[:, list(MIRRORED_SIGNS)], -f[:, list(MIRRORED_SIGNS)], atol=1e-4)
    others = [k for k in range(MEASURES) if k not in MIRRORED_SIGNS and k not in range(5)]  # curls can differ a little
    assert np.allclose(m[:, others], f[:, others], atol=1e-3)
    assert MIRRORED_SWAP == (MEASURES + LABELS.index("swipe_left"), MEASURES + LABELS.index("swipe_right"))


def test_the_shipped_weights_read_clips_of_robocues_generator(reader):
    rng = np.random.default_rng(11)
    for gestures in (["point", "swipe_left"], ["grab"], ["stop"], ["point", "come_here"]):
        clip = sample_clip(rng, 3, gestures)
        read = reader.recognize(clip.landmarks)
        assert [g["label"] for g in read] == gestures
        for g, truth in zip(read, clip.segments):
            if g["label"] == "point":
                gap = abs((g["direction_deg"] - truth[3] + 180.0) % 360.0 - 180.0)
                assert gap < 10.0
            else:
                assert g["direction_deg"] is None


def test_the_hybrid_reader_answers_like_the_others(reader):
    clip = sample_clip(np.random.default_rng(2), 1, ["point", "swipe_up"]).landmarks
    assert reader.features(clip)[0].shape == (len(clip), FEATURES)
    understood = reader.understand(clip)
    assert understood["command"]["destination"] == "back"
    answer = reader.interpret(clip)
    assert answer["understood"] is True and set(answer["confidence"]) >= {"task", "destination"}
    assert all(0.0 <= v <= 1.0 for v in answer["confidence"].values())
    assert isinstance(load_gesture_reader("hybrid"), HybridRecognizer)


def test_a_clip_of_no_gesture_is_not_understood(reader):
    still = np.tile(sample_clip(np.random.default_rng(0), 1, ["grab"]).landmarks[-1:], (40, 1, 1))  # a fist held still
    still[..., :2] += np.random.default_rng(1).normal(0, 1e-4, still[..., :2].shape)
    answer = reader.interpret(still.astype(np.float32))
    assert answer["gestures"] == [] and answer["understood"] is False and answer["question"]


def test_missing_weights_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="hybrid gesture weights not found"):
        HybridRecognizer(tmp_path / "none.pt")


def test_an_unsure_network_leaves_the_clip_to_the_geometric_reader():
    from robocue.perception.gestures import GeometricRecognizer

    clip = sample_clip(np.random.default_rng(5), 2, ["point", "grab"]).landmarks
    assert HybridRecognizer(fallback_below=1.0).recognize(clip) == GeometricRecognizer().recognize(clip)
    sure = HybridRecognizer(fallback_below=0.0)._read(clip)
    assert [g["label"] for g in sure] == ["point", "grab"] and all(0.0 < g["sure"] <= 1.0 for g in sure)


def test_mirrored_input_flips_x_and_swaps_the_readings_swipes():
    from robocue.perception.gestures.hybrid import mirrored

    x = np.random.default_rng(0).normal(size=(12, FEATURES)).astype(np.float32)
    m = mirrored(x)
    assert np.array_equal(mirrored(m), x)  # a mirror of a mirror is the clip
    assert np.array_equal(m[:, list(MIRRORED_SIGNS)], -x[:, list(MIRRORED_SIGNS)])
    assert np.array_equal(m[:, list(MIRRORED_SWAP)], x[:, list(MIRRORED_SWAP[::-1])])
    others = [c for c in range(FEATURES) if c not in MIRRORED_SIGNS + MIRRORED_SWAP]
    assert np.array_equal(m[:, others], x[:, others])
    measures_only = x[:, :MEASURES]
    assert np.array_equal(mirrored(measures_only)[:, list(MIRRORED_SIGNS)], -measures_only[:, list(MIRRORED_SIGNS)])


def test_several_networks_and_the_mirror_average_their_probabilities(reader):
    from robocue.perception.gestures.hybrid import DEFAULT_HYBRID_WEIGHTS, mirrored

    clip = sample_clip(np.random.default_rng(4), 2, ["point", "swipe_left"]).landmarks
    x = reader.features(clip)[0]
    plain = HybridRecognizer(mirror=False)
    one = plain.probabilities(x)
    assert one.shape == (len(x), len(LABELS)) and np.allclose(one.sum(1), 1.0, atol=1e-5)
    twice = HybridRecognizer([DEFAULT_HYBRID_WEIGHTS, DEFAULT_HYBRID_WEIGHTS], mirror=False)
    assert np.allclose(twice.probabilities(x), one, atol=1e-6)  # two copies of one network read as it does
    both = reader  # the shipped reader reads the mirror too
    assert reader.mirror
    left, right = LABELS.index("swipe_left"), LABELS.index("swipe_right")
    swap = list(range(len(LABELS)))
    swap[left], swap[right] = right, left
    # reading with the mirror is the same whichever way round the clip comes: mirrored input, swipes swapped back
    assert np.allclose(both.probabilities(mirrored(x))[:, swap], both.probabilities(x), atol=1e-6)
    assert not np.allclose(both.probabilities(x), one, atol=1e-3)  # and it is not the plain reading
    with pytest.raises(FileNotFoundError, match="hybrid gesture weights not found"):
        HybridRecognizer(["/nonexistent.pt"])
