"""The arm's analytic kinematics, checked against each engine's forward kinematics."""

from __future__ import annotations

import numpy as np
import pytest

from robocue.envs.engines import ENGINES, make_engine
from robocue.envs.robots.arm import Arm
from robocue.envs.scene import Scene

ARM = Arm()
REACH = ARM.upper_length + ARM.fore_length  # longest shoulder-to-wrist distance


@pytest.fixture(params=ENGINES)
def engine(request):
    engine = make_engine(request.param, Scene(bodies=ARM.bodies(), actuators=ARM.actuator_specs()))
    yield engine
    engine.close()


def joint_ranges() -> dict[str, tuple[float, float]]:
    ranges, stack = {}, list(ARM.bodies())
    while stack:
        body = stack.pop()
        if body.joint is not None and body.joint.range is not None:
            ranges[body.joint.name] = body.joint.range
        stack.extend(body.children)
    return ranges


def wrist_distance(tip) -> float:
    """Shoulder-to-wrist distance the IK needs for tool-tip ``tip`` (tool hanging straight down)."""
    return float(np.hypot(np.hypot(tip[0], tip[1]), tip[2] + ARM.tool_length - ARM.base_height))


def forward_kinematics(engine, q) -> np.ndarray:
    engine.set_joint_positions(ARM.joints, q)
    engine.forward()
    return ARM.tip_position(engine)


def reachable_targets(n: int, seed: int = 0) -> np.ndarray:
    """Targets inside the workspace box and radius limits that the links are long enough to reach."""
    rng = np.random.default_rng(seed)
    targets = []
    while len(targets) < n:
        tip = rng.uniform(ARM.workspace_low, ARM.workspace_high)
        if ARM.min_radius <= np.hypot(tip[0], tip[1]) <= ARM.max_radius and wrist_distance(tip) <= 0.99 * REACH:
            targets.append(tip)
    return np.array(targets)


def test_ik_then_fk_lands_on_sampled_targets(engine):
    for target in reachable_targets(300):
        tip = forward_kinematics(engine, ARM.inverse_kinematics(target))
        assert np.linalg.norm(tip - target) < 1e-3, (target, tip)


def test_ik_then_fk_on_home_and_table_level_targets(engine):
    table = [(0.3, 0.0, 0.02), (0.6, 0.3, 0.025), (0.2, -0.4, 0.05), (ARM.min_radius, 0.0, 0.02)]
    for target in [ARM.home, *map(np.array, table)]:
        tip = forward_kinematics(engine, ARM.inverse_kinematics(target))
        assert np.linalg.norm(tip - target) < 1e-3, (target, tip)


def test_ik_keeps_the_tool_vertical(engine):
    """The wrist cancels shoulder and elbow pitch, so the tool hangs straight down."""
    for target in reachable_targets(20, seed=1):
        q = ARM.inverse_kinematics(target)
        assert q[1] + q[2] + q[3] == pytest.approx(0.0, abs=1e-9)


def test_arm_reset_puts_the_tip_at_home(engine):
    ARM.reset(engine)
    engine.forward()
    np.testing.assert_allclose(ARM.tip_position(engine), ARM.home, atol=1e-3)


def test_clip_target_stays_in_box_and_radius_limits():
    rng = np.random.default_rng(0)
    span = ARM.workspace_high - ARM.workspace_low
    for _ in range(2000):
        target = rng.uniform(ARM.workspace_low - span, ARM.workspace_high + span)
        original = target.copy()
        clipped = ARM.clip_target(target)
        np.testing.assert_array_equal(target, original)  # the input is not modified
        assert np.all(clipped >= ARM.workspace_low - 1e-9) and np.all(clipped <= ARM.workspace_high + 1e-9), clipped
        assert ARM.min_radius - 1e-9 <= np.hypot(clipped[0], clipped[1]) <= ARM.max_radius + 1e-9, clipped


def test_clip_target_leaves_inside_targets_alone():
    for target in reachable_targets(200, seed=2):
        np.testing.assert_allclose(ARM.clip_target(target.copy()), target)


def test_clip_target_clips_out_of_range_points():
    far = ARM.clip_target(np.array([5.0, 0.0, 5.0]))
    wrist = np.array([np.hypot(far[0], far[1]), far[2] + ARM.tool_length - ARM.base_height])
    # Pulled back onto the edge of the links' reach, below the workspace ceiling.
    assert np.linalg.norm(wrist) == pytest.approx(0.99 * (ARM.upper_length + ARM.fore_length))
    assert far[2] <= ARM.workspace_high[2] + 1e-9 and far[1] == pytest.approx(0.0)
    low = ARM.clip_target(np.array([0.06, 0.0, -1.0]))
    assert np.hypot(low[0], low[1]) == pytest.approx(ARM.min_radius)
    assert low[2] == pytest.approx(ARM.workspace_low[2])


def test_every_clipped_target_is_reachable(engine):
    """Targets from clip_target have IK solutions within the joint ranges that FK confirms."""
    ranges = joint_ranges()
    rng = np.random.default_rng(3)
    for _ in range(500):
        target = ARM.clip_target(rng.uniform(ARM.workspace_low, ARM.workspace_high))
        q = ARM.inverse_kinematics(target)
        for joint, angle in zip(ARM.joints, q):
            low, high = ranges[joint]
            assert low <= angle <= high, (target, joint, angle)
        assert np.linalg.norm(forward_kinematics(engine, q) - target) < 1e-3, target
