"""robocue's Push arm and physics with panda-gym PandaPush's task distribution, trained as push_sac_her.

Separates the task's distribution from the rest: one 5 cm cube (robocue's, 80 g, friction 0.4),
starting uniformly within 15 cm of the table's centre (0.42, 0) in x and y; the goal drawn the
same way, on the table, independently of the cube; success within 5 cm; 50 steps per episode; the
tool tip starting 20 cm above the table just past the centre, as PandaPush's fingers start (panda-gym 3.0.7:
0.038, 0, 0.197 from its table's centre). Everything else is robocue's Push: the 4-joint arm, its
capsule tool tip, the 86-number observation with the command, MuJoCo. The model is push_sac_her's
(SAC + HER, 4 threaded env copies, batch 256), without its curriculum. Prints training success
over the last 100 episodes every 10,000 steps and, at the end, the success of 50 deterministic
episodes on seeds 20000-20049 (docs/notes/benchmarks.md, "The same recipe on panda-gym's PandaPush"):

    MUJOCO_GL=egl python docs/notes/push_like_panda.py --seconds 2400
    MUJOCO_GL=egl python docs/notes/push_like_panda.py --seconds 2400 env.kwargs.shapes=[cube,ball,cylinder] env.kwargs.n_objects=3
    MUJOCO_GL=egl python docs/notes/push_like_panda.py --seconds 1200 --panda-observation full env.kwargs.tip_height=0.02

``--lag`` only measures how the tool tip follows its target in robocue's Push (MuJoCo, tip kept 5 cm
up): the tip's travel in each of five full steps along y and four with no action, for
``servo_speed`` 1, 2, 4 and 8 (docs/tasks.md):

    MUJOCO_GL=egl python docs/notes/push_like_panda.py --lag
    MUJOCO_GL=egl python docs/notes/push_like_panda.py --seconds 1200 env.kwargs.tip_height=0.02 env.kwargs.servo_speed=4

``--panda-observation full`` replaces the 86-number observation with PandaPush's kind of one: the tip's
position and velocity, the tip target's lead over the tip, the cube's position and velocity (15
numbers, velocities from the change since the previous step), on 4 env copies stepped in turn;
``--panda-observation positions`` leaves the two velocities out (9 numbers), ``--panda-observation
appended`` appends the 15 numbers to robocue's 86, and ``--panda-observation without-joints`` is
robocue's observation less the arm's joint angles and velocities (78 numbers).

``--object-motion`` keeps robocue's observation and adds each object's velocity to its token
(``env.object_motion``, envs/wrappers.py), on 4 env copies stepped in turn.

``--tip-relative`` moves the tool tip's target from where the tip is at each step, not from where
the last target was (panda-gym's arms: their target is the end effector plus the action), so the
arm keeps no memory of earlier actions; with the default servos a full action then moves the tip
about 2.6 cm a step.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import SAC, HerReplayBuffer
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import DummyVecEnv, VecMonitor

from robocue import envs
from robocue.agents.agent import sb3_model, training_env_kwargs
from robocue.configs.schema import load_config
from robocue.envs.robots.arm import Arm
from robocue.envs.tasks.base import place
from robocue.envs.tasks.manipulation import PushTask
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE
from robocue.envs.vector import ThreadedVecEnv
from robocue.envs.wrappers import wrap

sys.path.insert(0, str(Path(__file__).parent))
from push_probe import TrainingSuccess  # noqa: E402

CENTER = np.array([0.42, 0.0])
HALF_WIDTH = 0.15
TIP_START = np.array([0.46, 0.0, 0.20])


class PandaLikePush(PushTask):
    """Push with PandaPush's object, goal and tip starts (the module's docstring)."""

    name = "panda_like_push"
    id_name, max_episode_steps = "PandaLikePush", 50
    arm_class = Arm  # --tip-relative: TipRelativeArm

    def __init__(self, reward_type: str = "dense", n_objects: int = 1, distance_threshold: float = 0.05, shapes=("cube",), **kwargs):
        super().__init__(reward_type, n_objects=n_objects, distance_threshold=distance_threshold, shapes=shapes, **kwargs)

    def make_robot(self) -> Arm:
        return self.arm_class(max_step=self.max_step, plane_height=self.tip_height, servo_speed=self.servo_speed)

    def reset(self, engine, robot, rng):
        command = super().reset(engine, robot, rng)
        self._goal = np.array([*(CENTER + rng.uniform(-HALF_WIDTH, HALF_WIDTH, 2)), OBJECT_HALF_SIZE])
        positions = [CENTER + rng.uniform(-HALF_WIDTH, HALF_WIDTH, 2)]
        while len(positions) < len(self.placed):  # distractors, when asked for, 10 cm apart
            xy = CENTER + rng.uniform(-HALF_WIDTH, HALF_WIDTH, 2)
            if all(np.hypot(*(xy - p)) >= self.min_separation for p in positions):
                positions.append(xy)
        bodies = [self._target_body] + [b for b in self._bodies if b is not None and b != self._target_body]
        for body, xy in zip(bodies, positions):
            place(engine, body, (xy[0], xy[1], OBJECT_HALF_SIZE))
        robot.reset(engine, tip=TIP_START)
        return command


class CubeAheadPush(PandaLikePush):
    """The easiest push: the tip starts 2 cm up, the cube 7 cm ahead of it along x, the goal 5-15 cm
    beyond the cube along x (within 3 cm sideways). Learning here only needs pushing straight on."""

    name = "cube_ahead_push"
    id_name = "CubeAheadPush"

    def reset(self, engine, robot, rng):
        command = super().reset(engine, robot, rng)
        start = np.array([0.33 + rng.uniform(-0.03, 0.03), rng.uniform(-0.1, 0.1)])
        cube = start + (0.07, 0.0)
        place(engine, self._target_body, (cube[0], cube[1], OBJECT_HALF_SIZE))
        self._goal = np.array([cube[0] + rng.uniform(0.05, 0.15), cube[1] + rng.uniform(-0.03, 0.03), OBJECT_HALF_SIZE])
        robot.reset(engine, tip=np.array([start[0], start[1], 0.02]))
        return command


class CubeBehindPush(PandaLikePush):
    """CubeAheadPush in every direction: the cube within 10 cm of the table's centre, the tip 7 cm
    behind it and the goal 5-15 cm beyond it (within 3 cm sideways) along a direction drawn
    uniformly; the tip 2 cm up."""

    name = "cube_behind_push"
    id_name = "CubeBehindPush"

    def reset(self, engine, robot, rng):
        command = super().reset(engine, robot, rng)
        angle = rng.uniform(0.0, 2.0 * np.pi)
        ahead, side = np.array([np.cos(angle), np.sin(angle)]), np.array([-np.sin(angle), np.cos(angle)])
        cube = CENTER + rng.uniform(-0.1, 0.1, 2)
        place(engine, self._target_body, (cube[0], cube[1], OBJECT_HALF_SIZE))
        goal = cube + rng.uniform(0.05, 0.15) * ahead + rng.uniform(-0.03, 0.03) * side
        self._goal = np.array([goal[0], goal[1], OBJECT_HALF_SIZE])
        tip = cube - 0.07 * ahead
        robot.reset(engine, tip=np.array([tip[0], tip[1], 0.02]))
        return command


class LowArm(Arm):
    """An arm whose tool tip stays between 2 and 10 cm above the table: low enough to strike the
    5 cm objects anywhere it goes, high enough to pass over them."""

    workspace_high = np.array([0.70, 0.55, 0.10])


class LowTipPandaLikePush(PandaLikePush):
    """PandaLikePush with ``LowArm``, the tip starting 10 cm above the table."""

    name = "low_tip_panda_like_push"
    id_name = "LowTipPandaLikePush"

    def make_robot(self) -> Arm:
        return LowArm(max_step=self.max_step, servo_speed=self.servo_speed)


class TipRelativeArm(Arm):
    """An arm whose action moves the tool tip's target from where the tip is, not from where the
    last target was, as panda-gym's arms do (their target is the end effector plus the action)."""

    def apply_action(self, engine, action) -> None:
        tip = engine.site_position(self.ee_site).copy()
        if self.plane_height is not None:
            tip[2] = self.plane_height
        self.target = tip
        super().apply_action(engine, action)


class PandaObservation(gym.ObservationWrapper):
    """PandaPush's kind of observation: tip position, tip velocity, target lead, cube position, cube
    velocity (``kind="full"``); without the two velocities (``"positions"``); the full one appended
    to robocue's own (``"appended"``); or robocue's own without the arm's four joint angles and four
    joint velocities (``"without-joints"``)."""

    kinds = ("full", "positions", "appended", "without-joints")

    def __init__(self, env: gym.Env, kind: str = "full"):
        super().__init__(env)
        if kind not in self.kinds:
            raise ValueError(f"panda observation kind {kind!r}: one of {', '.join(self.kinds)}")
        self.kind = kind
        own = env.observation_space["observation"].shape[0]
        size = {"full": 15, "positions": 9, "appended": 15 + own, "without-joints": own - 8}[kind]
        box = gym.spaces.Box(-np.inf, np.inf, (size,), dtype=np.float32)
        self.observation_space = gym.spaces.Dict({**env.observation_space.spaces, "observation": box})
        self._previous = None

    def reset(self, **kwargs):
        self._previous = None
        return super().reset(**kwargs)

    def observation(self, observation):
        base = self.env.unwrapped
        tip = base.robot.tip_position(base.engine)
        cube = base.task.object_position(base.engine)
        now = np.concatenate([tip, cube])
        velocity = np.zeros(6) if self._previous is None else (now - self._previous) / base.engine.control_dt
        self._previous = now
        if self.kind == "without-joints":  # the arm's observation starts tip (3), joint angles (4), joint velocities (4)
            state = np.delete(observation["observation"], np.s_[3:11])
        elif self.kind == "positions":
            state = np.concatenate([tip, base.robot.target - tip, cube])
        else:
            state = np.concatenate([tip, velocity[:3], base.robot.target - tip, cube, velocity[3:]])
        if self.kind == "appended":
            state = np.concatenate([observation["observation"], state])
        return {**observation, "observation": state.astype(np.float32)}


def make_env(env_id: str, kwargs: dict, panda_observation: str | None, object_motion: bool = False) -> gym.Env:
    env = gym.make(env_id, **kwargs)
    if object_motion:
        env = wrap(env, object_motion=True)
    return PandaObservation(env, panda_observation) if panda_observation else env


def evaluate(model, env_id: str, kwargs: dict, panda_observation: str | None, object_motion: bool = False, episodes: int = 50) -> float:
    env = make_env(env_id, kwargs, panda_observation, object_motion)
    successes = 0
    for seed in range(20_000, 20_000 + episodes):
        observation, _ = env.reset(seed=seed)
        done, info = False, {}
        while not done:
            action, _ = model.predict(observation, deterministic=True)
            observation, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        successes += bool(info.get("is_success"))
    env.close()
    return successes / episodes


def plain_sb3_model(config, env_id: str, kwargs: dict, panda_observation: str | None) -> SAC:
    """SB3's own SAC with its HerReplayBuffer on SB3's make_vec_env, exactly as panda_push_anchor.py builds them."""
    wrapper = (lambda env: PandaObservation(env, panda_observation)) if panda_observation else None
    vec_env = make_vec_env(env_id, n_envs=config.env.n_envs, seed=config.seed, env_kwargs=kwargs, wrapper_class=wrapper)
    algo = config.algo
    return SAC(
        "MultiInputPolicy",
        vec_env,
        buffer_size=algo.buffer_size,
        ent_coef=algo.ent_coef,
        batch_size=algo.batch_size,
        gamma=algo.gamma,
        tau=algo.tau,
        learning_rate=algo.learning_rate,
        learning_starts=algo.learning_starts,
        train_freq=algo.train_freq,
        gradient_steps=algo.gradient_steps,
        replay_buffer_class=HerReplayBuffer,
        replay_buffer_kwargs={"goal_selection_strategy": "future", "n_sampled_goal": 4},
        policy_kwargs={"net_arch": list(config.policy.net_arch)},
        seed=config.seed,
        device="cpu",
    )


def measure_lag() -> None:
    for speed in (1, 2, 4, 8):
        env = gym.make("robocue/PushGoal-MuJoCo-v0", tip_height=0.05, servo_speed=speed).unwrapped
        env.reset(seed=0)
        tips = [env.robot.tip_position(env.engine).copy()]
        for action in [1.0] * 5 + [0.0] * 4:
            env.step(np.array([0.0, action, 0.0], dtype=np.float32))
            tips.append(env.robot.tip_position(env.engine).copy())
        env.close()
        travel = np.linalg.norm(np.diff(tips, axis=0), axis=1) * 100
        print(f"servo_speed {speed}: cm per step, five full steps then four with no action: {np.round(travel, 1).tolist()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2400.0)
    parser.add_argument(
        "--panda-observation",
        choices=PandaObservation.kinds,
        help="PandaPush's kind of observation: full (15 numbers), positions (9), appended or without-joints",
    )
    parser.add_argument("--object-motion", action="store_true", help="robocue's observation with object velocities")
    parser.add_argument("--plain-sb3", action="store_true", help="Stable-Baselines3's SAC and HER as panda_push_anchor.py builds them")
    parser.add_argument("--tip-relative", action="store_true", help="actions move the tip's target from the tip")
    parser.add_argument("--lag", action="store_true", help="only measure how the tool tip follows its target, by servo_speed")
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. env.kwargs.n_objects=3")
    args = parser.parse_args()
    if args.lag:
        measure_lag()
        return
    torch.set_num_threads(1)
    if args.tip_relative:
        PandaLikePush.arm_class = TipRelativeArm
    envs.register_task(PandaLikePush)
    envs.register_task(CubeAheadPush)  # env.id=robocue/CubeAheadPushGoal-MuJoCo-v0
    envs.register_task(LowTipPandaLikePush)  # env.id=robocue/LowTipPandaLikePushGoal-MuJoCo-v0
    envs.register_task(CubeBehindPush)  # env.id=robocue/CubeBehindPushGoal-MuJoCo-v0
    env_id = "robocue/PandaLikePushGoal-MuJoCo-v0"
    config = load_config("push_sac_her", [f"env.id={env_id}", "env.curriculum=null", *args.overrides])
    env_id = config.env.id  # env.id=robocue/PandaLikePushGoal-PyBullet-v0: the same in PyBullet
    kwargs = training_env_kwargs(config)
    if args.panda_observation or args.object_motion:
        copies = [lambda: make_env(env_id, kwargs, args.panda_observation, args.object_motion) for _ in range(config.env.n_envs)]
        vec_env = VecMonitor(DummyVecEnv(copies))
    else:
        vec_env = VecMonitor(ThreadedVecEnv(env_id, config.env.n_envs, env_kwargs=kwargs))
    vec_env.seed(config.seed)
    model = plain_sb3_model(config, env_id, kwargs, args.panda_observation) if args.plain_sb3 else sb3_model(config, vec_env, "cpu", None)
    start = time.time()
    model.learn(100_000_000, callback=TrainingSuccess(args.seconds, _NoCurriculum()))
    print(f"trained {model.num_timesteps} steps in {time.time() - start:.0f} s", flush=True)
    success = evaluate(model, env_id, config.env.kwargs, args.panda_observation, args.object_motion)
    print(f"evaluation, 50 episodes (seeds 20000-20049): {success:.2f}", flush=True)


class _NoCurriculum:
    goal_range = None


if __name__ == "__main__":
    main()
