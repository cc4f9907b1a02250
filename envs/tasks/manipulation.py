"""Push and pick-and-place: move the commanded object into the commanded destination region.

Objects are physical here (free-jointed, colliding, with wood-like masses), unlike Reach's
markers. The scene holds one object per colour and shape; each episode places
``n_objects`` of them (every colour at most once) in the spawn box between the four
destination regions (``envs.tasks.table``), and the rest wait parked in free fall, 0.5 m
apart, far below the floor slab: they touch nothing, so they cost no contacts (their free
joints still take about a third of the physics time).

Goals are positions: ``achieved_goal`` is the commanded object's centre, ``desired_goal``
the region's centre at the height an object rests at (``OBJECT_HALF_SIZE``). Success: the
3-D distance between them is below ``distance_threshold`` (default 0.06 m, the regions'
radius). For an object standing on the table that is its centre within 6 cm of the
region's centre; an object held more than 6 cm above the table never counts.

Two training aids for reinforcement learning without demonstrations (``env.curriculum``,
agents/curriculum.py), both off by default and never on in evaluation:

- ``goal_range`` (metres): the goal lies on the way from the commanded object's start to its
  region's centre, beyond the success distance by an amount drawn uniformly from 0 to
  ``goal_range`` (never past the centre), instead of at the centre, so that every training goal
  asks for the object to move (a goal within ``distance_threshold`` of the object's start would
  be reached by doing nothing); a curriculum widens it as the policy succeeds.
- ``near_start`` (a probability): an episode starts with the tool tip next to the commanded
  object (Push: 5-10 cm behind it, seen from the goal, 2-6 cm above the table; PickAndPlace:
  3-10 cm above it, fingers open) instead of at the arm's home, so that exploration touches
  the object at all: with uniform random actions from home the commanded object moves more
  than 1 cm in 7 of 100 Push episodes.
- ``air_goals`` (a probability, PickAndPlace only): that share of the training goals is lifted
  above the table by up to ``AIR_HEIGHT`` (drawn uniformly), the standard trick of hindsight
  relabelling's pick-and-place (Andrychowicz et al. 2017; panda-gym's PandaPickAndPlace): a goal
  in the air is reached only by lifting the object, so grasping is rewarded before placing is.

``shapes`` (default all of ``SHAPES``) limits the shapes objects are drawn from, for example
``("cube",)`` for objects that slide and never roll; the command still names each object by
colour and shape, and the default draws exactly as before.

``tip_height`` (metres, Push only; default None: the tip moves in 3-D) keeps the tool tip in a
horizontal plane that high above the table, the action's z ignored, starting 4 cm nearer the base
than the arm's home (``Arm.plane_home``) or, with ``near_start``, behind the object, at that
height. With uniform random actions a free tip rarely comes down to the objects (from 20 cm above the
table it passes a median 17 cm from a cube in 50 steps); one kept at 2 cm explores the plane the
objects lie in. The scripted expert plans for a free tip: it is not meant for ``tip_height``.

``servo_speed`` (default 1) makes the arm's joint servos that many times faster (``Arm``'s
argument of that name): with the default the tool tip lags its target by about a step and coasts
on for two more after the action stops; at 4 it follows within a millimetre or two, and needs
finer physics steps where it strikes objects (``RobocueEnv(physics_substeps=...)``: at the default
5 ms MuJoCo throws a struck cube off at metres per second).

``max_step`` (metres, default the arm's 0.05) caps how far the tool tip's target moves in one
env step. At 5 cm per 0.04 s step the tip hits at up to 1.25 m/s, and these light objects
(45-80 g) fly: with uniform random actions from next to the object, a tenth of Push episodes
send it more than 20 cm and some off the table; a slower tip (0.02: 0.5 m/s) sends 2 in 100
that far and none off it (docs/notes/benchmarks.md, "Objects that fly"). The scripted experts
keep to the cap: at 1 cm the Push expert solves 20 of 20 seeds, the PickAndPlace one 18 of 20,
at 2 cm both 20 of 20.
"""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS, DESTINATIONS, SHAPES, Command
from robocue.envs.robots.arm import Arm
from robocue.envs.scene import Body, Camera, Geom, Joint
from robocue.envs.tasks.base import Task, place
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE, object_name
from robocue.envs.tasks.table import (
    DESTINATION_REGIONS,
    MANIPULATION_SPAWN_HIGH,
    MANIPULATION_SPAWN_LOW,
    REGION_RADIUS,
    TABLE_PERSON,
    TABLE_STANCES,
    manipulation_table_bodies,
    table_cameras,
)

# 5 cm objects of wood-like density (about 600 kg/m^3). Balls (and cylinders on their side)
# get rolling resistance so that a push does not send them rolling off the table.
_ROLLING = (0.005, 0.005)
_SHAPE_GEOMS = {
    "cube": lambda rgba: Geom("box", (OBJECT_HALF_SIZE,) * 3, rgba, mass=0.08, friction=0.4),
    "ball": lambda rgba: Geom("sphere", (OBJECT_HALF_SIZE,), rgba, mass=0.045, friction=0.4, rolling_friction=_ROLLING),
    "cylinder": lambda rgba: Geom(
        "cylinder", (OBJECT_HALF_SIZE, OBJECT_HALF_SIZE), rgba, mass=0.06, friction=0.4, rolling_friction=_ROLLING
    ),
}
AIR_HEIGHT = 0.15  # metres above resting height: the highest training goal of ``air_goals``
_POOL = [(color, shape) for color in COLORS for shape in SHAPES]
# Parking spots: 0.5 m apart, 2.25 m below the floor; parked objects fall freely from there.
_PARKING = {pair: np.array([-1.0 + 0.5 * (i % 4), -1.0 + 0.5 * (i // 4), -3.0]) for i, pair in enumerate(_POOL)}


def _unit(vector: np.ndarray) -> tuple[np.ndarray, float]:
    length = math.hypot(float(vector[0]), float(vector[1]))
    return (vector / length if length > 1e-9 else np.array([1.0, 0.0])), length


class _TableObjectsTask(Task):
    """Shared scene, tokens and goals of the tasks that move an object to a region.

    Observation (task part): one token per colour in ``COLORS`` order, each ``[present,
    x, y, z, dx, dy, dz, one-hot colour (4), one-hot shape (3)]`` with ``(x, y, z)`` the
    object's current centre and ``d*`` its offset from the tool tip; absent colours are zeros.
    With ``commanded_first=True`` the commanded object's token comes first and the other colours
    follow in ``COLORS`` order: the slot then tells which object is commanded, so a policy that
    reads the state need not find it among the tokens (structured commands only: a policy
    that must read the command from words or a gesture would learn to ignore them).
    """

    goal_dim = 3
    token_dim = 7 + len(COLORS) + len(SHAPES)
    n_tokens = len(COLORS)
    verb: str
    on_table = True
    person, person_stances = TABLE_PERSON, TABLE_STANCES
    min_separation = 0.10  # between object centres at spawn, metres

    def __init__(
        self,
        reward_type: str = "dense",
        n_objects: int = 3,
        distance_threshold: float = REGION_RADIUS,
        goal_range: float | None = None,
        near_start: float = 0.0,
        max_step: float | None = None,
        air_goals: float = 0.0,
        shapes: tuple[str, ...] | list[str] = SHAPES,
        tip_height: float | None = None,
        servo_speed: float = 1.0,
        commanded_first: bool = False,
    ):
        super().__init__(reward_type)
        shapes = tuple(shapes) if isinstance(shapes, (list, tuple)) else (shapes,)
        unknown = [shape for shape in shapes if shape not in SHAPES]
        if not shapes or unknown or len(set(shapes)) != len(shapes):
            raise ValueError(f"shapes={list(shapes)} must be distinct shapes from {', '.join(SHAPES)} (at least one)")
        if not 1 <= n_objects <= len(COLORS):
            raise ValueError(f"n_objects={n_objects} must be between 1 and {len(COLORS)}")
        if distance_threshold <= 0:
            raise ValueError(f"distance_threshold={distance_threshold} must be positive")
        if not 0.0 <= near_start <= 1.0:
            raise ValueError(f"near_start={near_start} must be a probability, between 0 and 1")
        if not 0.0 <= air_goals <= 1.0:
            raise ValueError(f"air_goals={air_goals} must be a probability, between 0 and 1")
        if air_goals > 0 and not self.gripper:
            raise ValueError(f"air_goals={air_goals}: goals in the air are for pick_and_place (an arm with a gripper), not {self.name}")
        if max_step is not None and not 0.0 < max_step <= 0.1:
            raise ValueError(f"max_step={max_step} must be between 0 and 0.1 metres per step (None: the arm's {Arm.max_step})")
        if tip_height is not None and self.gripper:
            raise ValueError(f"tip_height={tip_height}: a tool tip kept at one height is for push, not {self.name} (it must lift)")
        Arm(max_step=max_step, plane_height=tip_height, servo_speed=servo_speed)  # refuses values outside their ranges
        self.max_step = max_step
        self.tip_height = tip_height
        self.servo_speed = servo_speed
        self.commanded_first = bool(commanded_first)
        self.n_objects = n_objects
        self.distance_threshold = distance_threshold
        self.near_start = near_start
        self.air_goals = air_goals
        self.shapes = shapes
        self.set_goal_range(goal_range)
        self.placed: dict[str, str] = {}  # colour -> shape of the objects in the scene
        self.command: Command | None = None
        self._target_body = ""
        self._goal = np.zeros(3)

    def set_goal_range(self, goal_range: float | None) -> None:
        """The farthest a goal lies from the commanded object's start, metres (None: at its region's
        centre, as in evaluation); takes effect at the next reset."""
        if goal_range is not None and not goal_range > 0:
            raise ValueError(f"goal_range={goal_range} must be positive (metres) or None (the region's centre)")
        self.goal_range = goal_range

    gripper = False  # PickAndPlace's arm carries one

    def make_robot(self) -> Arm:
        return Arm(gripper=self.gripper, max_step=self.max_step, plane_height=self.tip_height, servo_speed=self.servo_speed)

    # --- scene -------------------------------------------------------------------------
    def scene_bodies(self) -> list[Body]:
        objects = [
            Body(
                object_name(color, shape),
                pos=tuple(_PARKING[(color, shape)]),
                joint=Joint(f"{object_name(color, shape)}_free", "free"),
                geoms=[_SHAPE_GEOMS[shape](COLOR_RGBA[color])],
            )
            for color, shape in _POOL
        ]
        return manipulation_table_bodies() + objects

    def cameras(self) -> list[Camera]:
        return table_cameras()

    def _spawn_ok(self, xy: np.ndarray, placed: list[np.ndarray], goal_xy: np.ndarray) -> bool:
        """Whether a distractor may start at ``xy``, given the objects ``placed`` so far (the
        commanded one first) and the region's centre ``goal_xy``."""
        return all(math.hypot(*(xy - p)) >= self.min_separation for p in placed)

    def _sample_positions(self, rng: np.random.Generator, goal_xy: np.ndarray) -> list[np.ndarray]:
        """The commanded object's position first, then the distractors', by rejection."""
        while True:
            positions = [rng.uniform(MANIPULATION_SPAWN_LOW, MANIPULATION_SPAWN_HIGH)]
            for _ in range(200):
                if len(positions) == self.n_objects:
                    return positions
                xy = rng.uniform(MANIPULATION_SPAWN_LOW, MANIPULATION_SPAWN_HIGH)
                if self._spawn_ok(xy, positions, goal_xy):
                    positions.append(xy)

    def reset(self, engine, robot, rng: np.random.Generator) -> Command:
        for pair, position in _PARKING.items():
            place(engine, object_name(*pair), position, visible=False)
        colors = [COLORS[i] for i in sorted(rng.choice(len(COLORS), self.n_objects, replace=False))]
        shapes = [self.shapes[i] for i in rng.integers(len(self.shapes), size=self.n_objects)]
        target = int(rng.integers(self.n_objects))
        destination = DESTINATIONS[int(rng.integers(len(DESTINATIONS)))]
        self._goal = DESTINATION_REGIONS[destination].target(OBJECT_HALF_SIZE)
        positions = self._sample_positions(rng, self._goal[:2])
        if self.goal_range is not None:  # curriculum: part of the way to the region
            direction, length = _unit(self._goal[:2] - positions[0])
            beyond = rng.uniform(0.0, self.goal_range)  # past the success distance: the object must move
            self._goal[:2] = positions[0] + min(self.distance_threshold + beyond, length) * direction
        if self.air_goals > 0 and rng.random() < self.air_goals:  # drawn only when on: streams stay as they were
            self._goal[2] += rng.uniform(0.0, AIR_HEIGHT)
        order = [target] + [i for i in range(self.n_objects) if i != target]  # commanded object first
        self.placed = {}
        for index, xy in zip(order, positions):
            color, shape = colors[index], shapes[index]
            place(engine, object_name(color, shape), (xy[0], xy[1], OBJECT_HALF_SIZE))
            self.placed[color] = shape
        self.command = Command(self.verb, colors[target], shapes[target], destination)
        self._target_body = object_name(colors[target], shapes[target])
        self._bodies = [object_name(color, self.placed[color]) if color in self.placed else None for color in COLORS]
        self._tokens = np.zeros((self.n_tokens, self.token_dim))
        for i, color in enumerate(COLORS):
            if color in self.placed:
                self._tokens[i, 0] = 1.0
                self._tokens[i, 7 + i] = 1.0
                self._tokens[i, 7 + len(COLORS) + SHAPES.index(self.placed[color])] = 1.0
        if self.commanded_first:
            first = COLORS.index(colors[target])
            slots = [first] + [i for i in range(len(COLORS)) if i != first]
            self._bodies = [self._bodies[i] for i in slots]
            self._tokens = self._tokens[slots]
        near = self.near_start > 0 and rng.random() < self.near_start  # drawn only when on: streams stay as they were
        robot.reset(engine, tip=self._near_tip(positions[0], rng) if near else None)
        self._reset_expert()
        return self.command

    def _near_tip(self, object_xy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Where the tool tip starts in a ``near_start`` episode (each task says)."""
        raise NotImplementedError

    def _reset_expert(self) -> None:
        pass

    # --- observation and goals ----------------------------------------------------------
    def observation(self, engine, robot) -> np.ndarray:
        tokens = self._tokens.copy()
        tip = robot.tip_position(engine)
        for i, body in enumerate(self._bodies):
            if body is not None:
                position = engine.body_position(body)
                tokens[i, 1:4] = position
                tokens[i, 4:7] = position - tip
        return tokens.ravel()

    def object_position(self, engine) -> np.ndarray:
        """Centre of the commanded object."""
        return engine.body_position(self._target_body)

    def achieved_goal(self, engine, robot) -> np.ndarray:
        return engine.body_position(self._target_body)

    approach_weight = 0.5

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """``approach``: minus ``approach_weight`` times the tool tip's distance to the object
        (Push measures it to the pose behind the object instead)."""
        offset = robot.tip_position(engine) - engine.body_position(self._target_body)
        return {"approach": -self.approach_weight * math.sqrt(float(offset @ offset))}

    def desired_goal(self, engine) -> np.ndarray:
        return self._goal.copy()


def _move_action(robot, desired: np.ndarray, speed: float) -> np.ndarray:
    """Action that moves the arm's tool-tip target towards ``desired`` by at most ``speed`` m."""
    offset = np.asarray(desired, dtype=float) - robot.target
    length = math.sqrt(float(offset @ offset))
    if length > speed:
        offset *= speed / length
    return np.clip(offset / robot.max_step, -1.0, 1.0)


class PushTask(_TableObjectsTask):
    """Push the commanded object into the commanded destination region with the tool tip.

    The arm has no gripper (``Arm()``); its tool-tip capsule collides with the objects.
    Distractors start off the commanded object's path: at least ``path_clearance`` from the
    segment that runs from just behind the object to the region's centre.
    """

    name = "push"
    id_name, max_episode_steps = "Push", 100
    verb = "push"
    robot_class = Arm
    path_clearance = 0.09
    # Expert geometry, metres: the tip's travel height, its pushing height, and how far
    # behind the object's centre it lines up before it pushes.
    travel_height = 0.09
    push_height = 0.02
    standoff = 0.075
    contact = 0.045  # tip-to-centre distance when pushing (tip radius 0.02 + object 0.025)
    press = 0.005
    push_speed = 0.018  # metres per env step: slow enough that the object stops when the tip does
    push_gain = 0.2
    backoff = 1.0
    lateral_tolerance = 0.02

    def _near_tip(self, object_xy, rng):
        """5-10 cm behind the object as seen from the goal, up to 2 cm to either side, 2-6 cm up."""
        direction, _ = _unit(self._goal[:2] - object_xy)
        side = np.array([-direction[1], direction[0]])
        xy = object_xy - rng.uniform(0.05, 0.10) * direction + rng.uniform(-0.02, 0.02) * side
        return np.array([xy[0], xy[1], rng.uniform(0.02, 0.06)])

    def _spawn_ok(self, xy, placed, goal_xy) -> bool:
        if not super()._spawn_ok(xy, placed, goal_xy):
            return False
        direction, _ = _unit(goal_xy - placed[0])
        start = placed[0] - 0.1 * direction
        segment = goal_xy - start
        t = float(np.clip((xy - start) @ segment / (segment @ segment), 0.0, 1.0))
        return math.hypot(*(xy - start - t * segment)) >= self.path_clearance

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """``approach``: minus ``approach_weight`` times the tip's distance to the pushing
        pose, ``contact`` behind the object's centre as seen from the region, at push height:
        the pose from which moving towards the region pushes the object there."""
        obj = self.object_position(engine)
        direction, _ = _unit(self._goal[:2] - obj[:2])
        pose = np.array([*(obj[:2] - self.contact * direction), self.push_height])
        offset = robot.tip_position(engine) - pose
        return {"approach": -self.approach_weight * math.sqrt(float(offset @ offset))}

    def expert_action(self, engine, robot) -> np.ndarray:
        """Lines the tip up behind the object (seen from the region), lowers it and pushes
        the object along the line to the region's centre, slowing down near it; it lifts
        and lines up again whenever the tip ends up beside the object.

        The expert keeps no memory: its action is a function of what the policy observes
        (object and tip positions, the target's lead over the tip), so a policy can
        imitate it exactly and DAgger's labels on the policy's own states are consistent.
        """
        obj = self.object_position(engine)[:2]
        goal = self._goal[:2]
        tip = robot.tip_position(engine)
        direction, remaining = _unit(goal - obj)
        relative = tip[:2] - obj
        behind = -float(relative @ direction)  # how far the tip is behind the object
        lateral = abs(float(relative[0] * direction[1] - relative[1] * direction[0]))
        lineup = obj - self.standoff * direction
        pushing = behind >= 0.01 and lateral <= 0.035 and tip[2] <= self.push_height + 0.01
        if not pushing:
            if math.hypot(*(tip[:2] - lineup)) > 0.015:
                # Travel high, unless the tip is already low and behind the object.
                low_ok = behind > 0.03 and lateral < 0.03
                if tip[2] < self.travel_height - 0.01 and not low_ok:
                    return _move_action(robot, (tip[0], tip[1], self.travel_height), robot.max_step)
                height = min(tip[2], self.travel_height) if low_ok else self.travel_height
                return _move_action(robot, (*lineup, height), robot.max_step)
            return _move_action(robot, (*lineup, self.push_height), robot.max_step)
        if remaining < 0.008:  # there: back off a little so that nothing moves any more
            return _move_action(robot, (*(obj - self.standoff * direction), self.push_height), 0.01)
        # Press against the object's far side from the region and advance along the line;
        # when the tip is off the line, back off from the object and advance less.
        distance = self.contact - self.press + self.backoff * lateral
        advance = float(np.clip(self.push_gain * remaining, 0.003, self.push_speed))
        advance *= max(0.0, 1.0 - lateral / self.lateral_tolerance)
        desired = obj + (min(advance, remaining) - distance) * direction
        return _move_action(robot, (*desired, self.push_height), self.push_speed + 0.005)


class PickAndPlaceTask(_TableObjectsTask):
    """Pick up the commanded object and place it in the commanded destination region.

    The arm carries a parallel gripper (``Arm(gripper=True)``, action ``[dx, dy, dz,
    fingers]``). Success is goal-based like every task: the object's centre within
    ``distance_threshold`` of the region's centre at resting height, so the object must be
    down on (or just above) the table, inside the region.
    """

    name = "pick_and_place"
    id_name, max_episode_steps = "PickAndPlace", 80
    verb = "pick_and_place"
    robot_class = Arm
    carry_height = 0.12  # tool-tip height while carrying, metres (object bottom ~7 cm up)
    carry_speed = 0.025  # metres per env step with the object in the hand
    carry_accel = 0.006  # metres per env step, per env step

    gripper = True

    def _near_tip(self, object_xy, rng):
        """Up to 2 cm off the object's centre line, 3-10 cm above its centre (fingers open)."""
        xy = object_xy + rng.uniform(-0.02, 0.02, size=2)
        return np.array([xy[0], xy[1], OBJECT_HALF_SIZE + rng.uniform(0.03, 0.10)])

    def expert_action(self, engine, robot) -> np.ndarray:
        """Above the object, descend, close, lift, carry, lower, open, withdraw.

        Like the push expert it keeps no memory: which of these it does follows from what
        the policy observes (object, tip and region positions, the finger gap and its rate,
        the target's lead over the tip). It starts over from the object whenever the
        object is neither in the hand nor placed.
        """
        obj = self.object_position(engine)
        tip = robot.tip_position(engine)
        goal = self._goal
        gap = robot.finger_gap(engine)
        gap_rate = float(engine.joint_velocities(robot.finger_joints).sum())
        size = 2 * OBJECT_HALF_SIZE
        drop = float(obj[2] - tip[2])
        reach = math.hypot(*(obj[:2] - tip[:2]))
        closed, opened = -1.0, 1.0
        fingers_open = gap > 2 * robot.finger_range[1] - 0.01
        # Closed on the object: near the tool tip, between fingers that have stopped short of it.
        held = abs(drop) < 0.04 and reach < 0.04 and size - 0.02 < gap < size + 0.015 and abs(gap_rate) < 0.05
        placed = math.hypot(*(obj[:2] - goal[:2])) < 0.5 * self.distance_threshold and obj[2] < goal[2] + 0.008
        if placed:
            if not fingers_open:  # let go, then withdraw upwards
                return np.array([0.0, 0.0, 0.0, opened])
            return np.append(_move_action(robot, (tip[0], tip[1], self.carry_height), robot.max_step), opened)
        if held:
            # Carry the object (not the tip) over the region's centre at carry height, then
            # lower it there; accelerate gently (the grip is not rigid): the target's lead
            # over the tip grows with the arm's speed.
            offset = math.hypot(*(obj[:2] - goal[:2]))
            high = tip[2] > self.carry_height - 0.02
            over_goal = goal[:2] + tip[:2] - obj[:2]
            if offset < 0.03 or (not high and offset < 0.045):  # over the region: lower, still centring
                desired = np.array([*over_goal, goal[2] + tip[2] - obj[2] + 0.003])
            elif high:
                desired = np.array([*over_goal, self.carry_height])
            else:  # low and away from the region: lift first
                desired = np.array([tip[0], tip[1], self.carry_height])
            lead = robot.target - tip
            speed = min(self.carry_speed, self.carry_accel + math.sqrt(float(lead @ lead)))
            return np.append(_move_action(robot, desired, speed), closed)
        at_object = abs(drop) < 0.006 and reach < 0.008
        around_object = abs(drop) < 0.02 and reach < 0.02 and gap > size - 0.02
        if (at_object and fingers_open) or (around_object and not fingers_open):
            return np.array([0.0, 0.0, 0.0, closed])  # close on it and wait for a firm grip
        # Above the object with the fingers open, then down to it.
        if reach < 0.008 or (reach < 0.015 and tip[2] < self.carry_height - 0.01):
            desired = obj.copy()
        else:
            desired = np.array([obj[0], obj[1], self.carry_height])
            if reach > 0.03 and tip[2] < self.carry_height - 0.04:
                desired[:2] = tip[:2]  # low and away from it (after a drop): rise first
        return np.append(_move_action(robot, desired, robot.max_step), opened)
