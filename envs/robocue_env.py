"""One Gymnasium env class that glues an engine, a robot, a task and a command together."""

from __future__ import annotations

from collections import deque

import gymnasium as gym
import numpy as np

from robocue.envs.commands import COMMAND_DIM, COMMAND_FIELDS, encode_command, num_templates
from robocue.envs.engines import ENGINES, make_engine
from robocue.envs.randomization import DomainRandomization, PhysicsVariant
from robocue.envs.scene import Scene
from robocue.envs.tasks import TASKS

OBS_MODES = ("state", "pixels", "pixels+state", "goal")


class RobocueEnv(gym.Env):
    """A robot following a command in a physics engine.

    Args:
        task: Task name, one of ``envs.tasks.TASKS``.
        engine: Physics engine, one of ``envs.engines.ENGINES``.
        obs_mode: Observation mode, one of ``OBS_MODES``:
            ``state``: a flat float32 vector ``[robot (proprioception) | object tokens |
            scene (obstacles, walls; navigation only) | command (one-hot)]`` whose block
            sizes are in ``observation_layout``;
            ``pixels``: Dict ``pixels`` (uint8 RGB from ``policy_camera``) and ``command``;
            ``pixels+state``: ``pixels``, ``state`` (the robot block only) and ``command``;
            ``goal``: Dict ``observation`` (the state vector), ``achieved_goal`` and
            ``desired_goal``, with a vectorised ``compute_reward`` for HER.
        reward_type: ``dense`` (negative distance), ``sparse`` (-1 until success, then 0)
            or ``shaped`` (dense plus the task's shaping terms; not in ``goal`` mode).
        render_mode: ``None`` or ``"rgb_array"`` (headless).
        render_width, render_height: Frame size of :meth:`render`, pixels.
        camera: Camera used by :meth:`render`; defaults to the task's first camera. The
            robot carries one too: ``wrist`` (arm) or ``ego`` (mobile base).
        policy_camera: Camera of pixel observations; defaults to the task's first camera.
        image_size: Width and height of pixel observations (rendered without shadows,
            reflections, skybox, fog or haze, which dominate the cost on a CPU).
        depth: Pixel modes only: add ``depth``, uint8 (image_size, image_size, 1), the
            distance along the policy camera's axis scaled so 255 is ``depth_range`` metres.
        depth_range: Distance (m) that depth 255 stands for; anything farther reads 255.
        domain_randomization: ``None``/``False`` (default), ``True`` or a dict of
            :class:`envs.randomization.DomainRandomization` fields: per-episode jitter of
            colour shades, lighting, camera poses, friction, object masses, servo stiffness,
            action latency and action noise.
        physics: ``None`` (default: the scene as built) or a dict of
            :class:`envs.randomization.PhysicsVariant` fields: fixed friction, mass and servo
            stiffness factors and an action latency, the same in every episode.
        terminate_on_success: End the episode (``terminated``) at the first step that
            succeeds, as panda-gym's tasks do; success then means the goal was reached once,
            not that it still holds at the episode's end. Default False: episodes run to the
            time limit and success is read at their last step.
        physics_substeps: Physics steps per control period of 0.04 s (default 8, of 5 ms each);
            more make contacts stiffer and more exact: at 40 an 80 g cube struck by the default
            arm's tool tip leaves at under 1.5 times the tip's speed and stops with it, where at
            8 it leaves at up to twice that speed and slides on (docs/tasks.md).
        **task_kwargs: Passed to the task (for example ``n_objects``, ``distance_threshold``).

    ``info`` carries every reward term, ``is_success``, and ``command`` (the structured
    command plus its ``text``). See docs/tasks.md for the full tables.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 25}

    def __init__(
        self,
        task: str = "reach",
        engine: str = "mujoco",
        obs_mode: str = "state",
        reward_type: str = "dense",
        render_mode: str | None = None,
        render_width: int = 480,
        render_height: int = 360,
        camera: str | None = None,
        policy_camera: str | None = None,
        image_size: int = 84,
        depth: bool = False,
        depth_range: float = 3.0,
        domain_randomization: bool | dict | None = None,
        physics: dict | None = None,
        terminate_on_success: bool = False,
        physics_substeps: int | None = None,
        **task_kwargs,
    ):
        if task not in TASKS:
            raise ValueError(f"task={task!r} is not one of: {', '.join(TASKS)}")
        if engine not in ENGINES:
            raise ValueError(f"engine={engine!r} is not one of: {', '.join(ENGINES)}")
        if obs_mode not in OBS_MODES:
            raise ValueError(f"obs_mode={obs_mode!r} is not one of: {', '.join(OBS_MODES)}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode={render_mode!r} is not one of: None, rgb_array")
        if obs_mode == "goal" and reward_type == "shaped":
            raise ValueError("reward_type='shaped' reads the whole state, so goal envs (HER) cannot use it: use dense or sparse")
        self.task = TASKS[task](reward_type=reward_type, **task_kwargs)
        if getattr(self.task, "commanded_first", False) and obs_mode not in ("state", "goal"):
            raise ValueError(f"commanded_first=True orders the state's object tokens: obs_mode must be state or goal, not {obs_mode!r}")
        self.robot = self.task.make_robot()
        substeps = Scene.substeps if physics_substeps is None else physics_substeps
        if not isinstance(substeps, int) or isinstance(substeps, bool) or not 1 <= substeps <= 200:
            raise ValueError(f"physics_substeps={physics_substeps!r} must be a whole number from 1 to 200 (default {Scene.substeps})")
        self.scene = Scene(
            bodies=self.task.scene_bodies() + self.robot.bodies(),
            actuators=self.robot.actuator_specs(),
            cameras=self.task.cameras(),
            timestep=Scene.timestep * Scene.substeps / substeps,  # the control period stays 0.04 s
            substeps=substeps,
        )
        camera_names = [c.name for c in self.scene.all_cameras()]
        for key, value in (("camera", camera), ("policy_camera", policy_camera)):
            if value is not None and value not in camera_names:
                raise ValueError(f"{key}={value!r} is not one of: {', '.join(camera_names)}")
        if not 8 <= image_size <= 512:
            raise ValueError(f"image_size={image_size} must be between 8 and 512")
        if depth and obs_mode not in ("pixels", "pixels+state"):
            raise ValueError(f"depth=True adds a depth image to pixel observations; obs_mode={obs_mode!r} has none")
        if depth_range <= 0:
            raise ValueError(f"depth_range={depth_range} must be positive (metres)")
        self.terminate_on_success = bool(terminate_on_success)
        self.randomization = DomainRandomization.from_option(domain_randomization)
        self.physics = PhysicsVariant.from_option(physics)
        self._pending: deque = deque()  # actions the robot has not acted on yet (latency)
        self._latency = 0
        self.camera = camera or camera_names[0]
        self.policy_camera = policy_camera or camera_names[0]
        self.image_size = image_size
        self.depth, self.depth_range = depth, depth_range
        self.engine = make_engine(engine, self.scene)
        self.obs_mode = obs_mode
        self.render_mode = render_mode
        self.render_size = (render_width, render_height)
        self.metadata = {**self.metadata, "render_fps": int(round(1.0 / self.engine.control_dt))}

        self.action_space = gym.spaces.Box(-1.0, 1.0, (self.robot.action_dim,), dtype=np.float32)
        # The state vector is [robot | object tokens | scene | command]; policies read this layout.
        self.observation_layout = {
            "robot": self.robot.observation_dim,
            "objects": (self.task.n_tokens, self.task.token_dim),
            "scene": self.task.scene_dim,
            "command": COMMAND_DIM,
            # where the tokens and the command name an object (colour, shape), for policies
            # that match the two field by field
            "token_fields": dict(self.task.token_fields),
            "command_fields": dict(COMMAND_FIELDS),
        }
        if getattr(self.task, "grid", None):  # Maze: the grid its scene block describes (policies/planner.py)
            self.observation_layout["grid"] = dict(self.task.grid)
        obs_dim = self.robot.observation_dim + self.task.observation_dim + COMMAND_DIM
        state_space = gym.spaces.Box(-np.inf, np.inf, (obs_dim,), dtype=np.float32)
        pixels = gym.spaces.Box(0, 255, (image_size, image_size, 3), dtype=np.uint8)
        depth_image = gym.spaces.Box(0, 255, (image_size, image_size, 1), dtype=np.uint8)
        command = gym.spaces.Box(0.0, 1.0, (COMMAND_DIM,), dtype=np.float32)
        goal = gym.spaces.Box(-np.inf, np.inf, (self.task.goal_dim,), dtype=np.float32)
        robot = gym.spaces.Box(-np.inf, np.inf, (self.robot.observation_dim,), dtype=np.float32)
        self.observation_space = {
            "state": state_space,
            "pixels": gym.spaces.Dict({"pixels": pixels, "command": command}),
            "pixels+state": gym.spaces.Dict({"pixels": pixels, "state": robot, "command": command}),
            "goal": gym.spaces.Dict({"observation": state_space, "achieved_goal": goal, "desired_goal": goal}),
        }[obs_mode]
        if depth:
            self.observation_space = gym.spaces.Dict({**self.observation_space.spaces, "depth": depth_image})
        if obs_mode == "goal":  # only goal envs offer compute_reward (SB3 and HER look for it)
            self.compute_reward = self.task.compute_reward
            self.goal_reward_spec = self._goal_reward_spec
        self.command = None
        self._closed = False
        self._command_info: dict = {}

    # --- Gymnasium API -----------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if self._closed:
            raise gym.error.ClosedEnvironmentError(f"{self.spec.id if self.spec else 'this env'} was closed; make a new one with gym.make")
        super().reset(seed=seed)
        self.engine.reset()
        self.command = self.task.reset(self.engine, self.robot, self.np_random)
        self.engine.forward()
        template = int(self.np_random.integers(num_templates(self.command.task)))
        self._command_info = {**self.command.to_dict(), "text": self.command.text(template)}
        self._command_vector = encode_command(self.command)
        self._latency = self.physics.apply(self.engine, self.scene) if self.physics is not None else 0
        if self.randomization is not None:
            self._latency = self.randomization.apply(self.engine, self.scene, self.np_random, self.physics)
        self._pending.clear()
        return self._observation(), self._info()

    def step(self, action):
        if self.command is None:
            raise gym.error.ResetNeeded("Cannot call env.step() before calling env.reset()")
        self.act(action)
        self.engine.step()
        return self.outcome()

    # step() in its three phases, so that a vectorised env can run every copy's physics
    # (the middle phase, ``engine.step()``) together on a thread pool.
    def act(self, action) -> None:
        """Sends an action to the robot (phase 1 of a step). Values outside [-1, 1], inf and NaN
        are clipped by the robot; a wrong shape or a non-numeric action is a one-line ValueError."""
        array = np.asarray(action)
        if array.shape != self.action_space.shape or array.dtype.kind not in "biuf":
            raise ValueError(f"action must be numbers of shape {self.action_space.shape}, got {array.dtype} of shape {array.shape}")
        if self.randomization is not None and self.randomization.action_noise:
            array = array + self.np_random.normal(0.0, self.randomization.action_noise, size=array.shape)
        if self._latency:  # the robot acts on the action of ``latency`` steps ago; before that it holds still
            self._pending.append(array)
            if len(self._pending) <= self._latency:
                return
            array = self._pending.popleft()
        self.robot.apply_action(self.engine, array)

    def outcome(self):
        """Observation, reward, terminated, truncated and info of the state reached (phase 3)."""
        info = self._info()  # computes the reward terms of the new state
        return self._observation(), self._reward, self.terminate_on_success and bool(info["is_success"]), False, info

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        if self.command is None:
            raise gym.error.ResetNeeded("Cannot call env.render() before calling env.reset()")
        width, height = self.render_size
        return self.engine.render(self.camera, width, height, fast=False)

    def close(self):
        self._closed = True
        self.engine.close()

    def _goal_reward_spec(self) -> dict:
        """What ``compute_reward`` computes, as plain values, so that a replay buffer on a GPU can
        relabel rewards where its goals are (agents/her_buffer.py): ``reward_type`` (dense: minus the
        goals' distance; sparse: -1 unless it is under ``distance_threshold``, then 0)."""
        return {"reward_type": self.task.reward_type, "distance_threshold": float(self.task.distance_threshold)}

    def set_goal_range(self, goal_range: float | None) -> None:
        """The curriculum's hook (agents/curriculum.py): how far from the commanded object's start the
        goals of the next episodes lie, metres (None: the task's own goals). Table tasks with objects
        to move (push, pick_and_place) have it; the others refuse in one line."""
        if not hasattr(self.task, "set_goal_range"):
            raise ValueError(f"task {self.task.name!r} has no goal range to set (push and pick_and_place have)")
        self.task.set_goal_range(goal_range)

    # --- helpers -----------------------------------------------------------------------
    def _observation(self):
        robot = self.robot.observation(self.engine)
        if self.obs_mode in ("pixels", "pixels+state"):
            observation = {"pixels": self._pixels(), "command": self._command_vector.copy()}
            if self.depth:
                depth = self.engine.render_depth(self.policy_camera, self.image_size, self.image_size)
                observation["depth"] = np.minimum(depth * (255.0 / self.depth_range), 255.0).astype(np.uint8)[..., None]
            if self.obs_mode == "pixels+state":
                observation["state"] = robot.astype(np.float32)
            return observation
        state = self.state_observation(robot)
        if self.obs_mode == "goal":
            return {
                "observation": state,
                "achieved_goal": self.task.achieved_goal(self.engine, self.robot).astype(np.float32),
                "desired_goal": self.task.desired_goal(self.engine).astype(np.float32),
            }
        return state

    def state_observation(self, robot: np.ndarray | None = None) -> np.ndarray:
        """The state-mode observation of the current state, whatever this env's ``obs_mode``
        (for example for a state policy that teaches a pixel one, agents/demonstrations.py)."""
        if robot is None:
            robot = self.robot.observation(self.engine)
        return np.concatenate([robot, self.task.observation(self.engine, self.robot), self._command_vector], dtype=np.float32)

    def _pixels(self) -> np.ndarray:
        return self.engine.render(self.policy_camera, self.image_size, self.image_size, fast=True)

    def _info(self) -> dict:
        # float32, as in goal observations, so compute_reward on stored goals matches exactly.
        achieved = self.task.achieved_goal(self.engine, self.robot).astype(np.float32)
        desired = self.task.desired_goal(self.engine).astype(np.float32)
        info = self.task.step_reward_terms(self.engine, self.robot, achieved, desired)  # a fresh dict of Python floats
        self._reward = float(info.pop("reward"))
        info["command"] = dict(self._command_info)
        return info
