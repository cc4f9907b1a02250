"""The object detector's modular path: camera geometry, dataset labels, detectors, token substitution."""

from __future__ import annotations

import functools
import json

import gymnasium as gym
import numpy as np
import pytest
import torch

from robocue import envs  # noqa: F401
from robocue.agents.modular import DetectedObjects, object_tokens, substitute_object_tokens
from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE
from robocue.envs.tasks.table import table_cameras
from robocue.perception.detection import (
    CameraModel,
    DetectionDataset,
    DetectionError,
    Detections,
    DetectorConfig,
    HeatmapDetector,
    OpenCVDetector,
    env_camera,
    evaluate_detections,
    frame_labels,
    generate_dataset,
    make_scene_env,
    train_detector,
)

TABLE_ENVS = ["robocue/Reach-MuJoCo-v0", "robocue/Push-PyBullet-v0", "robocue/PickAndPlace-MuJoCo-v0"]


@functools.cache
def _dataset() -> DetectionDataset:
    return generate_dataset(TABLE_ENVS, n_scenes=6, seed=3, frames_per_scene=2, progress=False)


def _nearest_color(pixel) -> str | None:
    """The vocabulary colour whose RGB direction is closest to a rendered pixel's, or None
    for an unsaturated pixel (table, floor, arm, markers)."""
    rgb = np.asarray(pixel, float)
    if rgb.max() - rgb.min() < 40:
        return None
    rgb = rgb / np.linalg.norm(rgb)
    references = {c: np.asarray(COLOR_RGBA[c][:3]) / np.linalg.norm(COLOR_RGBA[c][:3]) for c in COLORS}
    return max(references, key=lambda c: float(references[c] @ rgb))


def test_camera_projection_and_lift_round_trip():
    camera = CameraModel.from_camera(table_cameras()[0], 84, 84)
    points = np.array([[0.3, -0.2, OBJECT_HALF_SIZE], [0.55, 0.25, OBJECT_HALF_SIZE], [0.35, 0.0, OBJECT_HALF_SIZE]])
    uv, depth = camera.project(points)
    assert np.all(depth > 0) and camera.in_image(uv).all()
    np.testing.assert_allclose(camera.lift(uv), points, atol=1e-9)
    # The look-at point is the image centre; K and [R|t] agree with project().
    center, _ = camera.project(np.array(camera.lookat))
    np.testing.assert_allclose(center, [41.5, 41.5], atol=1e-9)
    homogeneous = camera.intrinsics() @ (camera.extrinsics() @ np.append(points[0], 1.0))[:3]
    np.testing.assert_allclose(homogeneous[:2] / homogeneous[2], uv[0], atol=1e-9)


@pytest.mark.parametrize("env_id", TABLE_ENVS)
def test_labels_land_on_their_objects(env_id):
    """A visible object's projected centre falls on (or next to) pixels of its colour."""
    env = make_scene_env(env_id)
    try:
        for seed in (0, 1):
            env.reset(seed=seed)
            labels = frame_labels(env)
            image = labels["images"]
            assert labels["present"].sum() == 3
            for i in np.flatnonzero(labels["present"] & labels["in_view"]):
                if labels["visible_pixels"][i] < 0.5 * labels["footprint_pixels"][i]:
                    continue
                u, v = np.round(labels["uv"][i]).astype(int)
                patch = image[max(v - 1, 0) : v + 2, max(u - 1, 0) : u + 2].reshape(-1, 3)
                assert COLORS[i] in [_nearest_color(p) for p in patch], (env_id, seed, COLORS[i])
                assert abs(labels["world"][i][2] - OBJECT_HALF_SIZE) < 0.01
    finally:
        env.close()


@pytest.mark.parametrize("engine", ["MuJoCo", "PyBullet"])
def test_datasets_from_several_cameras_label_each_view(engine):
    """With cameras=[overview, front] each frame becomes two rows, each labelled through its
    own camera: the projected centres land on their objects in both views."""
    dataset = generate_dataset([f"robocue/Push-{engine}-v0"], 2, seed=3, cameras=["overview", "front"], progress=False)
    assert len(dataset) == 4 and dataset.metadata["cameras"] == ["overview", "front"]
    for first in (0, 2):  # rows (overview, front) of one frame: same scene, another pose
        np.testing.assert_array_equal(dataset.world[first], dataset.world[first + 1])
        assert not np.allclose(dataset.camera_pos[first], dataset.camera_pos[first + 1])
    for row in range(len(dataset)):
        camera = dataset.camera(row)
        for i in np.flatnonzero(dataset.present[row] & dataset.in_view[row]):
            np.testing.assert_allclose(camera.project(dataset.world[row][i])[0], dataset.uv[row][i], atol=1e-4)
            if dataset.visible_pixels[row][i] >= 0.5 * dataset.footprint_pixels[row][i]:
                u, v = np.round(dataset.uv[row][i]).astype(int)
                patch = dataset.images[row][max(v - 1, 0) : v + 2, max(u - 1, 0) : u + 2].reshape(-1, 3)
                assert COLORS[i] in [_nearest_color(p) for p in patch], (row, COLORS[i])
    with pytest.raises(DetectionError, match="not fixed scene cameras"):
        generate_dataset(["robocue/Push-MuJoCo-v0"], 1, cameras=["wrist_cam"], progress=False)


def test_frame_is_the_pixels_observation():
    """The generator's frame is exactly what the Pixels env observes for the same seed."""
    pixels_env = gym.make("robocue/ReachPixels-MuJoCo-v0")
    env = make_scene_env("robocue/Reach-MuJoCo-v0")
    try:
        observation, _ = pixels_env.reset(seed=11)
        env.reset(seed=11)
        np.testing.assert_array_equal(frame_labels(env)["images"], observation["pixels"])
    finally:
        pixels_env.close()
        env.close()


@pytest.mark.parametrize("engine", ["MuJoCo", "PyBullet"])
def test_arm_over_an_object_hides_part_of_it(engine):
    """Visibility comes from the pixels an object changes: at reset nothing hides the
    objects; with the tool tip at the target the arm covers part of it."""
    env = make_scene_env(f"robocue/Reach-{engine}-v0")
    try:
        base = env.unwrapped
        base.reset(seed=0)
        labels = frame_labels(env)
        present = labels["present"]
        np.testing.assert_array_equal(labels["visible_pixels"][present], labels["footprint_pixels"][present])
        assert np.all(labels["footprint_pixels"][present] > 5)
        for _ in range(20):
            base.step(base.task.expert_action(base.engine, base.robot))
        labels = frame_labels(env)
        i = COLORS.index(base.task.command.color)
        assert 0 < labels["visible_pixels"][i] < labels["footprint_pixels"][i]
    finally:
        env.close()


def test_dataset_round_trip(tmp_path):
    dataset = _dataset()
    assert len(dataset) == 12 and dataset.images.shape == (12, 84, 84, 3) and dataset.images.dtype == np.uint8
    npz, meta = dataset.save(tmp_path / "data")
    assert npz.name == "data.npz" and meta.name == "data.json"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    loaded = DetectionDataset.load(tmp_path / "data.npz")
    for key, value in dataset.arrays.items():
        np.testing.assert_array_equal(loaded.arrays[key], value)
    assert loaded.metadata == json.loads(json.dumps(dataset.metadata))
    assert loaded.metadata["colors"] == list(COLORS) and loaded.metadata["env_ids"] == TABLE_ENVS
    assert set(np.unique(dataset.seed)) == set(range(3, 9))


def test_dataset_load_errors(tmp_path):
    with pytest.raises(DetectionError, match="no dataset file"):
        DetectionDataset.load(tmp_path / "missing")
    _dataset().save(tmp_path / "data")
    (tmp_path / "data.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(DetectionError, match="is not a robocue-detection-v1 dataset"):
        DetectionDataset.load(tmp_path / "data")


def test_generator_rejects_unknown_and_non_table_envs():
    with pytest.raises(DetectionError, match="unknown env id"):
        generate_dataset(["robocue/Nope-v0"], 1, progress=False)
    with pytest.raises(DetectionError, match="table tasks"):
        generate_dataset(["robocue/GoTo-MuJoCo-v0"], 1, progress=False)


def test_perfect_detections_score_perfectly():
    dataset = _dataset()
    # Positions are lifted to the table plane: frames with an object held up in the air are left out.
    on_table = np.all(~dataset.present | (np.abs(dataset.world[..., 2] - OBJECT_HALF_SIZE) < 0.005), axis=1)
    assert on_table.sum() >= 6
    dataset = dataset.subset(on_table)
    detections = Detections(present=dataset.detectable & dataset.in_view, uv=dataset.uv.copy(), score=np.ones(dataset.present.shape))
    metrics = evaluate_detections(dataset, detections)
    assert metrics["recall_visible"] == 1.0 and metrics["precision"] == 1.0
    assert metrics["error_cm"]["p90"] < 0.5
    assert metrics["false_positive_rate_absent"] == 0.0


@pytest.mark.parametrize("env_id", ["robocue/Reach-MuJoCo-v0", "robocue/Push-PyBullet-v0"])
def test_opencv_baseline_finds_objects_within_two_cm(env_id):
    env = make_scene_env(env_id)
    try:
        env.reset(seed=5)
        labels = frame_labels(env)
        detections = OpenCVDetector().predict(labels["images"])
        lifted = env_camera(env).lift(detections.uv[0])
        for i in range(len(COLORS)):
            assert detections.present[0, i] == labels["present"][i]
            if labels["present"][i]:
                assert np.linalg.norm(lifted[i] - labels["world"][i]) < 0.02
                # The label is where the engine draws the centre (PyBullet's half-pixel shift included).
                assert np.abs(detections.uv[0, i] - labels["uv"][i]).max() < 0.5
    finally:
        env.close()


def test_detector_shapes_and_save_load_round_trip(tmp_path):
    torch.manual_seed(0)
    detector = HeatmapDetector(DetectorConfig(width=8))
    images = _dataset().images[:3]
    out = detector(images)
    c = len(COLORS)
    assert out["heat"].shape == (3, c, 42 * 42) and out["uv"].shape == (3, c, 2)
    assert out["presence"].shape == (3, c) and out["shape"].shape == (3, c, len(SHAPES))
    detections = detector.predict(images)
    assert detections.present.shape == (3, c) and detections.uv.shape == (3, c, 2) and detections.shape.shape == (3, c)
    assert np.all((detections.uv >= 0) & (detections.uv <= 84))
    path = detector.save(tmp_path / "detector.pt")
    loaded = HeatmapDetector.load(path)
    assert loaded.config == detector.config
    again = loaded.predict(images)
    np.testing.assert_allclose(again.uv, detections.uv)
    np.testing.assert_allclose(again.score, detections.score)
    with pytest.raises(DetectionError, match="no detector file"):
        HeatmapDetector.load(tmp_path / "missing.pt")
    with pytest.raises(DetectionError, match="takes 84x84"):
        detector(np.zeros((1, 64, 64, 3), np.uint8))


def test_training_lowers_the_loss():
    dataset = _dataset()
    config = DetectorConfig(width=8, epochs=3, batch_size=6, learning_rate=3e-3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny convs: one thread is ten times faster on a busy 2-core machine
    try:
        _, history = train_detector(dataset, config, progress=False)
    finally:
        torch.set_num_threads(threads)
    assert len(history) == 3 and history[-1]["total"] < history[0]["total"]


def test_substitution_writes_the_right_token_slots():
    env = gym.make("robocue/Reach-MuJoCo-v0")
    try:
        state, _ = env.reset(seed=2)
        layout = env.unwrapped.observation_layout
        tip = state[:3]
        present = np.array([True, False, True, False])
        positions = np.arange(12, dtype=float).reshape(4, 3)
        shapes = np.array([2, 0, 1, 0])
        out = substitute_object_tokens(state, layout, tip, present, positions, shapes)
        tokens = object_tokens(out, layout)
        c = len(COLORS)
        np.testing.assert_allclose(tokens[0, :7], [1, 0, 1, 2, *(positions[0] - tip)], rtol=1e-6)
        np.testing.assert_allclose(tokens[2, 1:4], positions[2])
        assert tokens[0, 7] == 1 and tokens[2, 7 + 2] == 1 and tokens[0, 7 + c + 2] == 1 and tokens[2, 7 + c + 1] == 1
        assert not tokens[1].any() and not tokens[3].any()
        # The robot block and the command are untouched.
        robot, size = layout["robot"], tokens.size
        np.testing.assert_array_equal(out[:robot], state[:robot])
        np.testing.assert_array_equal(out[robot + size :], state[robot + size :])
    finally:
        env.close()


class _OracleDetector:
    """Reports every placed object at its true projected centre (and its true shape)."""

    def __init__(self, env):
        self.env = env

    def predict(self, images):
        labels = frame_labels(self.env)
        return Detections(labels["present"][None], labels["uv"][None], labels["present"][None].astype(float), labels["shape"][None])


def test_detected_objects_with_an_oracle_reproduces_the_state():
    """A detector that sees the true centres gives back the true state vector."""
    truth = gym.make("robocue/Reach-MuJoCo-v0")
    env = gym.make("robocue/Reach-MuJoCo-v0")
    env = DetectedObjects(env, None, cameras=["overview"])
    env.detector = _OracleDetector(env)
    try:
        expected, _ = truth.reset(seed=4)
        observation, _ = env.reset(seed=4)
        np.testing.assert_allclose(observation, expected, atol=1e-5)
        action = np.array([0.3, -0.2, 0.1], np.float32)
        expected, *_ = truth.step(action)
        observation, *_ = env.step(action)
        np.testing.assert_allclose(observation, expected, atol=1e-5)
        assert env.stats["missing"] == 0 and max(env.stats["errors_cm"]) < 1e-3
    finally:
        truth.close()
        env.close()


def test_scripts_fail_cleanly(tmp_path, capsys):
    from robocue.scripts import make_perception_data, train_perception

    assert make_perception_data.main(["--out", str(tmp_path / "d"), "--env-ids", "robocue/Nope-v0"]) == 2
    assert "unknown env id" in capsys.readouterr().err
    code = train_perception.main(["--train", str(tmp_path / "none"), "--test", str(tmp_path / "none"), "--out", str(tmp_path / "d.pt")])
    assert code == 2 and "no dataset file" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


class _ScriptedDetector:
    """Sees only the first colour slot, at the given (uv, score, shape) per call."""

    def __init__(self, script):
        self.script = list(script)

    def predict(self, images):
        uv, score, shape = self.script.pop(0)
        c = len(COLORS)
        present = np.zeros((1, c), bool)
        present[0, 0] = score is not None
        uvs = np.full((1, c, 2), np.nan)
        uvs[0, 0] = uv
        return Detections(present, uvs, np.array([[score or 0.0] + [0.0] * (c - 1)]), np.array([[shape] + [0] * (c - 1)]))


def test_tracking_keeps_the_best_view():
    """The single-camera tracker with update_fraction=0.8: a missed object keeps its estimate,
    a low-score (half-hidden) detection does not move it, and the shape is the one first seen."""
    env = DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), None, cameras=["overview"], update_fraction=0.8)
    script = [((40, 40), 0.9, 2), ((44, 44), 0.5, 0), (None, None, 0), ((42, 42), 0.99, 1)]
    env.detector = _ScriptedDetector(script)
    layout = env.unwrapped.observation_layout
    try:
        observation, _ = env.reset(seed=0)
        camera = env.camera
        first = object_tokens(observation, layout)[0].copy()
        np.testing.assert_allclose(first[1:4], camera.lift(np.array([40.0, 40.0])), atol=1e-6)
        assert first[7 + len(COLORS) + 2] == 1
        zero = np.zeros(3, np.float32)
        for _ in range(2):  # a half-hidden view (score 0.5 < 0.8 x 0.9), then a miss: the estimate stays
            observation, *_ = env.step(zero)
            np.testing.assert_allclose(object_tokens(observation, layout)[0, :4], first[:4], atol=1e-6)
        observation, *_ = env.step(zero)  # a good view again: a new position, the first shape
        token = object_tokens(observation, layout)[0]
        np.testing.assert_allclose(token[1:4], camera.lift(np.array([42.0, 42.0])), atol=1e-6)
        assert token[7 + len(COLORS) + 2] == 1 and token[7 + len(COLORS) + 1] == 0
    finally:
        env.close()


def test_fusion_weights_views_by_how_much_of_the_object_they_show():
    """Two views (the default: the scene's fixed cameras), each with its own camera: positions
    are averaged with weights (score / best score in that view)^4, a view that misses the
    object does not count, and by default every detection moves the estimate."""
    env = DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), None)
    assert env.camera_names == ("overview", "front") and env.update_fraction == 0.0
    # Calls alternate overview, front; each view's first score is its best.
    script = [((40, 40), 1.0, 2), ((30, 50), 0.8, 1), ((44, 44), 0.5, 0), ((32, 52), 0.8, 0), ((46, 46), 1.0, 0), (None, None, 0)]
    env.detector = _ScriptedDetector(script)
    layout = env.unwrapped.observation_layout
    try:
        observation, _ = env.reset(seed=0)
        overview, front = env.cameras["overview"], env.cameras["front"]
        assert overview.pos != front.pos
        a, b = overview.lift(np.array([40.0, 40.0])), front.lift(np.array([30.0, 50.0]))
        token = object_tokens(observation, layout)[0]
        np.testing.assert_allclose(token[1:4], (a + b) / 2, atol=1e-5)  # both at their best: equal weights
        assert token[7 + len(COLORS) + 2] == 1  # the shape of the better view (quality 1 vs 1: the first)
        zero = np.zeros(3, np.float32)
        observation, *_ = env.step(zero)  # overview half hidden (0.5 of its best): weight 1/16
        a, b = overview.lift(np.array([44.0, 44.0])), front.lift(np.array([32.0, 52.0]))
        np.testing.assert_allclose(object_tokens(observation, layout)[0, 1:4], (a / 16 + b) / (1 + 1 / 16), atol=1e-5)
        observation, *_ = env.step(zero)  # the front view misses it: the overview alone
        token = object_tokens(observation, layout)[0]
        np.testing.assert_allclose(token[1:4], overview.lift(np.array([46.0, 46.0])), atol=1e-5)
        assert token[7 + len(COLORS) + 2] == 1  # the first shape stays
    finally:
        env.close()
    with pytest.raises(DetectionError, match="not fixed scene cameras"):
        DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), None, cameras=["wrist"])


def test_presence_threshold_decides_what_the_cnn_reports(tmp_path, capsys):
    """A higher presence threshold reports fewer objects; it applies to the CNN only, and
    eval_modular refuses it for OpenCV or outside (0, 1) before doing any work."""
    from robocue.scripts import eval_modular

    torch.manual_seed(0)
    detector = HeatmapDetector(DetectorConfig(width=8))
    env = DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), detector, cameras=["overview"], presence_threshold=0.99)
    env.reset(seed=0)
    strict = env.detect()["overview"]
    scores = strict.score[0]
    np.testing.assert_array_equal(strict.present[0], scores >= 0.99)
    np.testing.assert_array_equal(detector.predict(env.unwrapped.engine.render("overview", 84, 84)[None]).present[0], scores >= 0.5)
    env.close()
    with pytest.raises(DetectionError, match="applies to the CNN"):
        DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), OpenCVDetector(), presence_threshold=0.9)
    with pytest.raises(DetectionError, match="between 0 and 1"):
        DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), detector, presence_threshold=1.5)
    assert eval_modular.main([str(tmp_path), "--detector", "opencv", "--presence-threshold", "0.9"]) == 2
    assert "applies to the CNN" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


class _TwoSlotDetector:
    """Reports the first two colour slots at fixed pixels with per-call scores."""

    def __init__(self, scores):
        self.scores = list(scores)

    def predict(self, images):
        first, second = self.scores.pop(0)
        c = len(COLORS)
        present = np.zeros((1, c), bool)
        present[0, :2] = (first is not None, second is not None)
        uv = np.full((1, c, 2), np.nan)
        uv[0, 0], uv[0, 1] = (40, 40), (50, 30)
        score = np.zeros((1, c))
        score[0, :2] = (first or 0.0, second or 0.0)
        return Detections(present, uv, score, np.zeros((1, c), int))


def test_max_objects_drops_the_lowest_scoring_track():
    """With max_objects=1 a second object (a false detection, scoring less than the real one
    ever did) is never reported; without the limit both are."""
    for limit, expected in ((1, [True, False]), (0, [True, True])):
        env = DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), None, cameras=["overview"], max_objects=limit)
        env.detector = _TwoSlotDetector([(0.95, None), (0.9, 0.6), (0.9, 0.7)])
        layout = env.unwrapped.observation_layout
        try:
            env.reset(seed=0)  # the real object alone
            for _ in range(2):  # then a weaker second one appears
                observation, *_ = env.step(np.zeros(3, np.float32))
                assert list(object_tokens(observation, layout)[:2, 0] == 1) == expected
        finally:
            env.close()
    with pytest.raises(DetectionError, match="max_objects"):
        DetectedObjects(gym.make("robocue/Reach-MuJoCo-v0"), None, max_objects=-1)
