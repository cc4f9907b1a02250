"""The PyBullet engine: parity with the MuJoCo twin of every task, and the adapter's own behaviour."""

from __future__ import annotations

import inspect

import gymnasium as gym
import numpy as np
import pybullet as p
import pytest

from robocue.envs import ENV_IDS, ENV_SPECS, TASK_IDS
from robocue.envs.engines import ENGINES, Engine
from robocue.envs.engines.bullet_engine import _UNLIMITED_FORCE, BulletEngine
from robocue.envs.engines.mujoco_engine import MuJoCoEngine
from robocue.envs.scene import Actuator, Body, Camera, Geom, Joint, Scene, Site

TASK_NAMES = [name for name, _ in TASK_IDS.values()]
BULLET_IDS = [env_id for env_id in ENV_IDS if ENV_SPECS[env_id]["engine"] == "pybullet"]


def twins(task_name: str, **kwargs):
    """The MuJoCo and PyBullet envs of one task (state observations)."""
    return gym.make(f"robocue/{task_name}-MuJoCo-v0", **kwargs), gym.make(f"robocue/{task_name}-PyBullet-v0", **kwargs)


# --- parity with MuJoCo --------------------------------------------------------------------
def test_every_mujoco_id_has_a_pybullet_twin():
    assert BULLET_IDS
    for env_id in BULLET_IDS:
        assert env_id.replace("-PyBullet-", "-MuJoCo-") in ENV_IDS


@pytest.mark.parametrize("env_id", BULLET_IDS)
def test_spaces_match_the_mujoco_twin(env_id):
    bullet = gym.make(env_id)
    mujoco = gym.make(env_id.replace("-PyBullet-", "-MuJoCo-"))
    assert bullet.observation_space == mujoco.observation_space
    assert bullet.action_space == mujoco.action_space
    assert bullet.spec.max_episode_steps == mujoco.spec.max_episode_steps
    bullet.close()
    mujoco.close()


@pytest.mark.parametrize("task_name", TASK_NAMES)
def test_same_seed_gives_the_same_scene_goal_and_command(task_name):
    mujoco, bullet = twins(task_name)
    for seed in range(3):
        obs_m, info_m = mujoco.reset(seed=seed)
        obs_b, info_b = bullet.reset(seed=seed)
        assert info_m["command"] == info_b["command"]
        # Object positions, goal tokens, the arm's tip and the range scan: one scene, two engines.
        np.testing.assert_allclose(obs_b, obs_m, atol=1e-3)
        um, ub = mujoco.unwrapped, bullet.unwrapped
        np.testing.assert_allclose(ub.task.desired_goal(ub.engine), um.task.desired_goal(um.engine), atol=1e-3)
        np.testing.assert_allclose(ub.task.achieved_goal(ub.engine, ub.robot), um.task.achieved_goal(um.engine, um.robot), atol=1e-3)
    mujoco.close()
    bullet.close()


def test_arm_kinematics_match_mujoco():
    """Joint angles -> tool-tip and body positions agree: both engines build the same arm."""
    mujoco, bullet = twins("PickAndPlace")
    um, ub = mujoco.unwrapped, bullet.unwrapped
    mujoco.reset(seed=0)
    bullet.reset(seed=0)
    joints = list(um.robot.joints) + [um.robot.roll_joint, *um.robot.finger_joints]
    rng = np.random.default_rng(0)
    for _ in range(5):
        q = np.concatenate([rng.uniform(-1.0, 1.0, 5), rng.uniform(0.005, 0.04, 2)])
        for engine in (um.engine, ub.engine):
            engine.set_joint_positions(joints, q)
            engine.forward()
        np.testing.assert_allclose(ub.engine.site_position("ee"), um.engine.site_position("ee"), atol=1e-6)
        for body in ("arm_hand", "arm_gripper", "arm_finger_left"):
            np.testing.assert_allclose(ub.engine.body_position(body), um.engine.body_position(body), atol=1e-6)
            np.testing.assert_allclose(np.abs(ub.engine.body_quaternion(body) @ um.engine.body_quaternion(body)), 1.0, atol=1e-6)
        np.testing.assert_allclose(ub.engine.joint_positions(joints), q)
    mujoco.close()
    bullet.close()


def test_masses_match_mujoco():
    import mujoco as mj

    mujoco, bullet = twins("Push")
    um, ub = mujoco.unwrapped, bullet.unwrapped
    for body in ("arm_upper", "arm_fore", "arm_hand", "obj_red_cube", "obj_blue_ball", "obj_green_cylinder"):
        mb, link, *_ = ub.engine._masses[body]
        bullet_mass = p.getDynamicsInfo(mb, link, physicsClientId=ub.engine.client)[0]
        mujoco_mass = um.engine.model.body_mass[mj.mj_name2id(um.engine.model, mj.mjtObj.mjOBJ_BODY, body)]
        assert bullet_mass == pytest.approx(mujoco_mass, rel=1e-6)
    mujoco.close()
    bullet.close()


@pytest.mark.parametrize("task_name", ["GoTo", "Maze"])
def test_range_scans_match_mujoco_while_driving(task_name):
    mujoco, bullet = twins(task_name)
    um, ub = mujoco.unwrapped, bullet.unwrapped
    mujoco.reset(seed=4)
    bullet.reset(seed=4)
    for _ in range(10):
        # The same pose in both engines, then the same scan.
        pose = ub.robot.base_pose(ub.engine)
        um.engine.set_joint_positions(um.robot.joints, pose)
        um.engine.forward()
        # 5 mm: a beam that grazes a ball landmark magnifies the engines' sub-millimetre
        # differences in the sphere's surface (3.4 mm measured at seed 4).
        np.testing.assert_allclose(ub.robot.range_scan(ub.engine), um.robot.range_scan(um.engine), atol=5e-3)
        bullet.step(ub.task.expert_action(ub.engine, ub.robot).astype(np.float32))
    mujoco.close()
    bullet.close()


@pytest.mark.parametrize("task_name", ["Reach", "GoTo"])
def test_images_look_like_mujoco(task_name):
    """Same camera pose and field of view: the frames differ only in shading."""
    mujoco, bullet = twins(task_name, render_mode="rgb_array", render_width=96, render_height=72)
    mujoco.reset(seed=1)
    bullet.reset(seed=1)
    frame_m, frame_b = mujoco.render().astype(float), bullet.render().astype(float)
    assert frame_b.shape == frame_m.shape
    assert np.abs(frame_b - frame_m).mean() < 25.0
    # Where the scene is (not the background) agrees almost everywhere.
    assert np.mean((frame_m.sum(-1) > 0) == (frame_b.sum(-1) > 0)) > 0.97
    mujoco.close()
    bullet.close()


# --- the adapter on small scenes -------------------------------------------------------------
def pendulum_scene(kind: str = "position", force_range=None, axis=(0, 1, 0)) -> Scene:
    """A fixed box, a free ball, a mocap marker and a hinged rod with a tip site and a servo."""
    rod = Body(
        "rod",
        pos=(0.0, 0.0, 1.0),
        joint=Joint("hinge", axis=axis, damping=0.5),
        geoms=[Geom("capsule", (0.02,), fromto=(0, 0, 0, 0.5, 0, 0), mass=1.0)],
        sites=[Site("tip", pos=(0.5, 0.0, 0.0))],
    )
    return Scene(
        bodies=[
            Body("ground", geoms=[Geom("plane", (2, 2, 0.1))]),
            Body("ball", pos=(1.0, 1.0, 0.5), joint=Joint("ball_free", "free"), geoms=[Geom("sphere", (0.05,), mass=0.1)]),
            Body("marker", pos=(0.0, 2.0, 0.5), geoms=[Geom("box", (0.1, 0.1, 0.1))], mocap=True),
            rod,
        ],
        actuators=[Actuator("servo", "hinge", kp=100.0, kv=10.0, ctrl_range=(-1.0, 1.0), kind=kind, force_range=force_range)],
    )


@pytest.fixture
def engine():
    engine = BulletEngine(pendulum_scene())
    yield engine
    engine.close()


def test_sites_and_bodies_follow_joints(engine):
    np.testing.assert_allclose(engine.site_position("tip"), (0.5, 0.0, 1.0), atol=1e-7)
    engine.set_joint_positions(["hinge"], [np.pi / 2])  # positive pitch about +y points the rod down
    np.testing.assert_allclose(engine.site_position("tip"), (0.0, 0.0, 0.5), atol=1e-7)
    np.testing.assert_allclose(engine.joint_velocities(["hinge"]), [0.0])
    np.testing.assert_allclose(engine.body_position("rod"), (0.0, 0.0, 1.0), atol=1e-9)


def test_position_servo_holds_its_target(engine):
    engine.set_actuator_targets(["servo"], [0.5])
    for _ in range(40):
        engine.step()
    assert engine.joint_positions(["hinge"])[0] == pytest.approx(0.5, abs=0.02)
    engine.set_actuator_targets(["servo"], [5.0])  # clipped to the control range, as in MuJoCo
    for _ in range(40):
        engine.step()
    assert engine.joint_positions(["hinge"])[0] == pytest.approx(1.0, abs=0.02)


def test_velocity_servo_reaches_its_target_speed():
    engine = BulletEngine(pendulum_scene(kind="velocity", force_range=(-50.0, 50.0), axis=(0, 0, 1)))  # gravity plays no part
    engine.set_actuator_targets(["servo"], [0.8])
    for _ in range(10):
        engine.step()
    assert engine.joint_velocities(["hinge"])[0] == pytest.approx(0.8, abs=0.02)
    engine.close()


def test_force_range_limits_the_servo():
    """A weak servo cannot hold the rod up against gravity (1 kg at 0.25 m needs ~2.5 N m)."""
    engine = BulletEngine(pendulum_scene(force_range=(-1.0, 1.0)))
    engine.set_actuator_targets(["servo"], [0.0])
    for _ in range(25):
        engine.step()
    assert engine.joint_positions(["hinge"])[0] > 0.5
    engine.close()


def _one_call_per_substep(engine: BulletEngine) -> None:
    """Turns ``engine`` into the plain stepping it replaces: one ``stepSimulation`` call per
    substep, each of ``timestep``, motor force caps passed whole (PyBullet turns them into
    impulse caps with the call's time step)."""
    p.setPhysicsEngineParameter(fixedTimeStep=engine.timestep, numSubSteps=0, physicsClientId=engine.client)
    limits = {a.name: max(map(abs, a.force_range)) if a.force_range is not None else _UNLIMITED_FORCE for a in engine._scene.actuators}
    engine._actuators = {name: (*entry[:4], limits[name], entry[5]) for name, entry in engine._actuators.items()}
    engine._joint_index_cache.clear()

    def step():
        for _ in range(engine.substeps):
            p.stepSimulation(physicsClientId=engine.client)
        engine._time += engine.control_dt
        engine._changed()
        engine._moved = False

    engine.step = step


@pytest.mark.parametrize("task_name", ["GoTo", "PickAndPlace"])
def test_one_call_with_internal_substeps_is_the_physics_of_one_call_per_substep(task_name):
    """The engine steps a control period in one call; the physics must be bit for bit that of
    one call per substep, with motors at their force limits too (GoTo's drive and the
    gripper saturate under random actions: without the per-substep force caps they differ)."""
    plain, fused = (gym.make(f"robocue/{task_name}-PyBullet-v0") for _ in range(2))
    _one_call_per_substep(plain.unwrapped.engine)
    rng = np.random.default_rng(0)
    plain.reset(seed=5)
    fused.reset(seed=5)
    for _ in range(60):
        action = rng.uniform(-1.0, 1.0, plain.action_space.shape).astype(np.float32)
        assert np.array_equal(plain.step(action)[0], fused.step(action)[0])
    plain.close()
    fused.close()


def test_timing_the_physics_limit_leaves_the_episode_as_it_was():
    """``raw_step_rate`` (the bench's physics limit) times one-substep calls from a copy of
    the state; afterwards the env steps on exactly as if it had not been called."""
    timed, untouched = (gym.make("robocue/GoTo-PyBullet-v0") for _ in range(2))
    rng = np.random.default_rng(1)
    timed.reset(seed=2)
    untouched.reset(seed=2)
    for t in range(30):
        if t == 10:
            assert timed.unwrapped.engine.raw_step_rate(50) > 0
        action = rng.uniform(-1.0, 1.0, timed.action_space.shape).astype(np.float32)
        assert np.array_equal(timed.step(action)[0], untouched.step(action)[0])
    timed.close()
    untouched.close()


def test_free_bodies_fall_and_rest_and_can_be_moved(engine):
    for _ in range(30):
        engine.step()
    assert engine.body_position("ball")[2] == pytest.approx(0.05, abs=2e-3)  # resting on the plane
    engine.set_body_position("ball", (0.3, -0.4, 0.2))
    np.testing.assert_allclose(engine.body_position("ball"), (0.3, -0.4, 0.2))
    np.testing.assert_allclose(engine.body_velocity("ball"), np.zeros(6))
    np.testing.assert_allclose(engine.body_quaternion("ball"), (1.0, 0.0, 0.0, 0.0))
    engine.step()
    assert engine.body_velocity("ball")[2] < 0  # falling again


def test_mocap_bodies_move_but_physics_does_not_push_them(engine):
    engine.set_body_position("marker", (0.5, 0.5, 0.3))
    for _ in range(5):
        engine.step()
    np.testing.assert_allclose(engine.body_position("marker"), (0.5, 0.5, 0.3))
    with pytest.raises(KeyError, match="cannot be moved"):
        engine.set_body_position("ground", (0, 0, 1))
    with pytest.raises(KeyError, match="no body"):
        engine.body_position("nothing")
    with pytest.raises(KeyError, match="no site"):
        engine.site_position("nothing")


def test_state_round_trip_replays_exactly(engine):
    engine.set_actuator_targets(["servo"], [0.7])
    for _ in range(3):
        engine.step()
    state = engine.get_state()
    trajectory = []
    for _ in range(5):
        engine.step()
        trajectory.append(engine.get_state())
    engine.set_state(state)
    np.testing.assert_array_equal(engine.get_state(), state)
    for expected in trajectory:
        engine.step()
        np.testing.assert_allclose(engine.get_state(), expected, atol=1e-9)


def test_reset_returns_to_the_built_world(engine):
    built = engine.get_state()
    engine.set_actuator_targets(["servo"], [0.7])
    for _ in range(10):
        engine.step()
    engine.reset()
    np.testing.assert_array_equal(engine.get_state(), built)


def test_ray_distances_see_colliding_geoms_and_skip_the_excluded_body(engine):
    directions = np.array([[0.0, 0.0, -1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])
    distances = engine.ray_distances((0.0, 1.0, 0.5), directions, 3.0)
    np.testing.assert_allclose(distances, [0.5, 0.9, 3.0], atol=1e-6)  # ground, marker's face, nothing
    inside = engine.ray_distances((0.0, 2.0, 0.5), directions[1:2], 3.0, exclude_body="marker")
    np.testing.assert_allclose(inside, [3.0])


def test_render_and_depth():
    scene = pendulum_scene()
    scene.cameras = [Camera("down", pos=(0.0, 0.0, 3.0), lookat=(0.0, 0.0, 0.0), fovy=60)]
    engine = BulletEngine(scene)
    frame = engine.render("down", 64, 48)
    assert frame.shape == (48, 64, 3) and frame.dtype == np.uint8
    depth = engine.render_depth("down", 64, 48)
    assert depth.shape == (48, 64) and depth.dtype == np.float32
    # As in MuJoCo, a camera looking straight down has +x up in the image (and +y to the left):
    # the rod (x from 0 to 0.5, top at z = 1.02) lies above the centre, the ball (y = 1, top at
    # z = 0.55) on the left.
    rod = np.unravel_index(np.argmin(depth), depth.shape)
    assert depth[rod] == pytest.approx(1.98, abs=0.02) and rod[0] < 24 and abs(rod[1] - 32) <= 1
    assert depth[24, :8].min() == pytest.approx(2.45, abs=0.03)
    assert depth[40, 40] == pytest.approx(3.0, abs=0.05)  # the ground plane
    engine.set_body_visible("rod", False)
    assert engine.render_depth("down", 64, 48)[rod] == pytest.approx(3.0, abs=0.05)
    with pytest.raises(ValueError, match="exceeds"):
        engine.render("down", 5000, 10)
    with pytest.raises(KeyError, match="no camera"):
        engine.render("nothing", 8, 8)
    engine.close()
    engine.close()  # closing twice is harmless


def test_public_methods_match_the_mujoco_engine():
    def public(cls):
        return {name: str(inspect.signature(f)) for name, f in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}

    assert public(BulletEngine) == public(MuJoCoEngine)


def test_domain_randomisation_runs_and_keeps_the_scene():
    plain = gym.make("robocue/Push-PyBullet-v0")
    randomised = gym.make("robocue/PushPixels-PyBullet-v0", domain_randomization=True, image_size=32)
    obs_plain, info_plain = plain.reset(seed=3)
    obs, info = randomised.reset(seed=3)
    assert info["command"] == info_plain["command"]
    assert obs["pixels"].shape == (32, 32, 3)
    for _ in range(3):
        randomised.step(randomised.action_space.sample())
    plain.close()
    randomised.close()


@pytest.mark.parametrize("engine_name", ENGINES)
def test_every_engine_adapter_offers_the_whole_engine_protocol(engine_name):
    env = gym.make(f"robocue/Reach-{'MuJoCo' if engine_name == 'mujoco' else 'PyBullet'}-v0")
    engine = env.unwrapped.engine
    try:
        missing = [name for name in dir(Engine) if not name.startswith("_") and not hasattr(engine, name)]
        missing += [name for name in Engine.__annotations__ if not hasattr(engine, name)]
        assert not missing, f"{type(engine).__name__} lacks {missing}"
        assert engine.name == engine_name
        pos, lookat, fovy = engine.camera_pose(env.unwrapped.policy_camera)
        assert np.asarray(pos).shape == np.asarray(lookat).shape == (3,) and fovy > 0
    finally:
        env.close()


@pytest.mark.parametrize("engine_name", ENGINES)
def test_camera_pose_reads_back_a_moved_camera(engine_name):
    env = gym.make(f"robocue/Reach-{'MuJoCo' if engine_name == 'mujoco' else 'PyBullet'}-v0")
    engine, camera = env.unwrapped.engine, env.unwrapped.policy_camera
    try:
        env.reset(seed=0)
        engine.set_camera_pose(camera, (1.2, 0.3, 0.9), (0.3, -0.1, 0.0))
        pos, lookat, _ = engine.camera_pose(camera)
        np.testing.assert_allclose(pos, (1.2, 0.3, 0.9), atol=1e-9)
        wanted = np.subtract((0.3, -0.1, 0.0), (1.2, 0.3, 0.9))
        looking = np.subtract(lookat, pos)
        np.testing.assert_allclose(looking / np.linalg.norm(looking), wanted / np.linalg.norm(wanted), atol=1e-6)
    finally:
        env.close()
