"""A 4-joint table-top arm driven in Cartesian end-effector space.

Joints: base yaw, shoulder pitch, elbow pitch and a wrist pitch that keeps the tool
pointing straight down. An action is a displacement of the tool tip in metres (scaled
from [-1, 1]); analytic inverse kinematics turns the displaced tip into joint targets for
position servos. The kinematics are plain geometry, so every engine builds the same arm.

``Arm(gripper=True)`` replaces the tool with a parallel gripper: a wrist roll joint that
keeps the gripper's world orientation fixed (fingers close along world y, so cubes placed
square to the table are gripped face on), and two fingers on slide joints with force-limited
position servos. It adds a fourth action (finger opening: -1 closed, +1 open) and two
observation entries (the gap between the fingers and its rate of change). The tool-tip
site ``ee`` then lies between the finger pads, halfway up them, 2 cm above their lower ends.
"""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.scene import Actuator, Body, Camera, Geom, Joint, Site

_GRAY = (0.55, 0.57, 0.6, 1.0)
_DARK = (0.25, 0.25, 0.28, 1.0)


class Arm:
    """Geometry, actuation and observation of the arm.

    Args:
        gripper: Fit a parallel gripper instead of the plain tool (see the module notes).
        max_step: This arm's largest tool-tip displacement per env step, metres (None: the
            class's 0.05).
        plane_height: Keep the tool tip in a horizontal plane this high above the table, metres
            (None: free in 3-D). The action's z is then ignored, and the tip starts at
            ``plane_home`` (4 cm nearer the base than ``home``, so that no object spawns under
            it) unless a start is given, always at this height.
        servo_speed: How many times faster than the default the four arm joints' position servos
            respond (1: the default; gains kp times ``servo_speed`` squared and kv times
            ``servo_speed``, so the damping ratio stays). With the default the tool tip lags its
            target: under full steps it covers 2.5, 3.9, 4.2 cm of the first three 5 cm steps and
            coasts 2.2, 1.0, 0.4 cm after the action stops; at 4 it covers 4.9 cm, then 5.0, and
            coasts 0.1 cm.

    Attributes:
        max_step: Largest tool-tip displacement per env step, metres (action = +-1).
        workspace_low, workspace_high: Box the tool-tip target is clipped to, metres.
        finger_range: Travel of each finger's inner face from the centre line, metres
            (closed, open); the gap between the fingers is twice this.
    """

    joints = ("arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist")
    actuators = tuple(f"{joint}_servo" for joint in joints)
    ee_site = "ee"
    action_dim = 3
    observation_dim = 3 + 4 + 4 + 3

    base_height = 0.15
    upper_length = 0.35
    fore_length = 0.35
    tool_length = 0.10
    max_step = 0.05
    max_lead = 0.08  # the target may lead the actual tip by at most this much, metres
    workspace_low = np.array([0.05, -0.55, 0.02])
    workspace_high = np.array([0.70, 0.55, 0.45])
    min_radius, max_radius = 0.15, 0.66
    home = np.array([0.30, 0.0, 0.25])

    roll_joint = "arm_roll"
    finger_joints = ("arm_finger_left", "arm_finger_right")
    finger_actuators = tuple(f"{joint}_servo" for joint in finger_joints)
    finger_range = (0.004, 0.045)
    finger_force = 5.0  # newtons per finger: the grip force when closed on an object
    finger_friction = 1.5
    pad_half_width = 0.03  # finger pads are 6 cm wide: a grip is not rigid in MuJoCo, objects shift a little

    plane_home = np.array([0.26, 0.0])

    def __init__(self, gripper: bool = False, max_step: float | None = None, plane_height: float | None = None, servo_speed: float = 1.0):
        self.gripper = gripper
        if not 0.25 <= servo_speed <= 8.0:
            raise ValueError(f"servo_speed={servo_speed} must be between 0.25 and 8 (1: the default servos)")
        self.servo_speed = float(servo_speed)
        if max_step is not None:
            self.max_step = max_step
        if plane_height is not None and not self.workspace_low[2] <= plane_height <= self.workspace_high[2]:
            low, high = self.workspace_low[2], self.workspace_high[2]
            raise ValueError(f"plane_height={plane_height} must lie in the tool tip's workspace, {low} to {high} metres")
        self.plane_height = plane_height
        self._workspace = (tuple(self.workspace_low.tolist()), tuple(self.workspace_high.tolist()))
        self.target = self.home.copy()
        if gripper:
            self.action_dim = 4
            self.observation_dim = 3 + 4 + 4 + 3 + 2
            self._gripper_joints = (self.roll_joint, *self.finger_joints)
            self._gripper_actuators = (f"{self.roll_joint}_servo", *self.finger_actuators)

    # --- scene -------------------------------------------------------------------------
    def bodies(self) -> list[Body]:
        if self.gripper:
            hand_geoms = [Geom("capsule", (0.02,), _DARK, fromto=(0, 0, 0, 0, 0, -0.03), collides=False, mass=0.05)]
            hand_children = [self._gripper_body()]
        else:
            hand_geoms = [Geom("capsule", (0.02,), _DARK, fromto=(0, 0, 0, 0, 0, -self.tool_length + 0.02), mass=0.05)]
            hand_children = []
        hand = Body(
            "arm_hand",
            pos=(self.fore_length, 0.0, 0.0),
            joint=Joint("arm_wrist", axis=(0, 1, 0), range=(-np.pi, np.pi), damping=0.5, armature=0.01),
            geoms=hand_geoms,
            sites=[Site(self.ee_site, pos=(0.0, 0.0, -self.tool_length), rgba=(1, 1, 1, 0))],
            children=hand_children,
            # Wrist camera: behind the tool, looking down past the tip and ahead of it.
            cameras=[Camera("wrist", pos=(-0.06, 0.0, 0.02), lookat=(0.12, 0.0, -0.3), fovy=70)],
        )
        fore = Body(
            "arm_fore",
            pos=(self.upper_length, 0.0, 0.0),
            joint=Joint("arm_elbow", axis=(0, 1, 0), range=(-0.3, 2.9), damping=1.0, armature=0.02),
            geoms=[Geom("capsule", (0.025,), _GRAY, fromto=(0, 0, 0, self.fore_length, 0, 0), collides=False, mass=0.15)],
            children=[hand],
        )
        upper = Body(
            "arm_upper",
            pos=(0.0, 0.0, self.base_height),
            joint=Joint("arm_shoulder", axis=(0, 1, 0), range=(-2.7, 1.6), damping=1.0, armature=0.02),
            geoms=[Geom("capsule", (0.03,), _GRAY, fromto=(0, 0, 0, self.upper_length, 0, 0), collides=False, mass=0.2)],
            children=[fore],
        )
        column = Body(
            "arm_column",
            joint=Joint("arm_yaw", axis=(0, 0, 1), range=(-np.pi, np.pi), damping=1.0, armature=0.02),
            geoms=[Geom("capsule", (0.04,), _DARK, fromto=(0, 0, 0, 0, 0, self.base_height), collides=False, mass=0.5)],
            children=[upper],
        )
        base = Body(
            "arm_base",
            geoms=[Geom("cylinder", (0.08, 0.01), _DARK, pos=(0, 0, 0.01), collides=False)],
            children=[column],
        )
        return [base]

    def _gripper_body(self) -> Body:
        """Palm on a roll joint below the wrist, with two fingers sliding along its y axis.

        Each finger's lower half is two pads, one above the other: a pad touches a round
        object at one point, and two points per finger keep a gripped cylinder from
        swinging about the line between the fingers.
        """
        thickness = 0.006  # half-thickness of a finger, metres
        fingers = []
        for name, side in zip(self.finger_joints, (1, -1)):
            stem = Geom("box", (self.pad_half_width, thickness, 0.02), _GRAY, pos=(0.0, side * thickness, -0.02), collides=False, mass=0.01)
            pads = [
                Geom(
                    "box",
                    (self.pad_half_width, thickness, 0.01),
                    _GRAY,
                    pos=(0.0, side * thickness, z),
                    mass=0.01,
                    friction=self.finger_friction,
                )
                for z in (-0.05, -0.07)
            ]
            fingers.append(
                Body(
                    name,
                    joint=Joint(name, "slide", axis=(0, side, 0), range=self.finger_range, damping=2.0, armature=0.01),
                    geoms=[stem, *pads],
                )
            )
        return Body(
            "arm_gripper",
            pos=(0.0, 0.0, -0.04),
            joint=Joint(self.roll_joint, axis=(0, 0, 1), range=(-np.pi, np.pi), damping=0.2, armature=0.005),
            geoms=[Geom("box", (self.pad_half_width, self.finger_range[1] + 0.015, 0.008), _DARK, mass=0.05)],
            children=fingers,
        )

    def actuator_specs(self) -> list[Actuator]:
        gains = {"arm_yaw": (400, 20), "arm_shoulder": (600, 30), "arm_elbow": (400, 20), "arm_wrist": (100, 5)}
        speed = self.servo_speed
        specs = [
            Actuator(f"{joint}_servo", joint, kp=gains[joint][0] * speed**2, kv=gains[joint][1] * speed, ctrl_range=(-np.pi, np.pi))
            for joint in self.joints
        ]
        if self.gripper:
            specs.append(Actuator(f"{self.roll_joint}_servo", self.roll_joint, kp=50, kv=2, ctrl_range=(-np.pi, np.pi)))
            specs += [
                Actuator(
                    f"{joint}_servo",
                    joint,
                    kp=300,
                    kv=10,
                    ctrl_range=self.finger_range,
                    force_range=(-self.finger_force, self.finger_force),
                )
                for joint in self.finger_joints
            ]
        return specs

    # --- kinematics --------------------------------------------------------------------
    # Scalar math on Python floats: these run every env step, where numpy's per-call
    # overhead would cost more than the arithmetic. The array methods wrap them.
    def _clip(self, x: float, y: float, z: float) -> tuple[float, float, float]:
        # Clipping with conditional expressions: builtin min() and max() calls cost more.
        (x_low, y_low, z_low), (x_high, y_high, z_high) = self._workspace
        x = x_low if x < x_low else x_high if x > x_high else x
        y = y_low if y < y_low else y_high if y > y_high else y
        z = z_low if z < z_low else z_high if z > z_high else z
        radius = math.hypot(x, y)
        clipped = self.min_radius if radius < self.min_radius else self.max_radius if radius > self.max_radius else radius
        # The wrist (above the tip) must stay within the two links' reach of the shoulder.
        height = z + self.tool_length - self.base_height
        reach = math.hypot(clipped, height)
        max_reach = 0.99 * (self.upper_length + self.fore_length)
        if reach > max_reach:
            clipped *= max_reach / reach
            z = height * max_reach / reach - self.tool_length + self.base_height
        if radius > 1e-9:
            x *= clipped / radius
            y *= clipped / radius
        return x, y, z

    def _ik(self, x: float, y: float, z: float) -> tuple[float, float, float, float]:
        yaw = math.atan2(y, x)
        radius = math.hypot(x, y)
        height = z + self.tool_length - self.base_height  # wrist relative to the shoulder
        l1, l2 = self.upper_length, self.fore_length
        cos_bend = (radius**2 + height**2 - l1**2 - l2**2) / (2 * l1 * l2)
        bend = math.acos(-1.0 if not cos_bend >= -1.0 else 1.0 if cos_bend > 1.0 else cos_bend)
        elevation = math.atan2(height, radius) + math.atan2(l2 * math.sin(bend), l1 + l2 * math.cos(bend))
        shoulder = -elevation  # positive pitch about +y points the link down
        elbow = bend
        wrist = -(shoulder + elbow)
        return yaw, shoulder, elbow, wrist

    def clip_target(self, target) -> np.ndarray:
        """Clips a tool-tip target to the reachable workspace."""
        x, y, z = target.tolist() if isinstance(target, np.ndarray) else target
        return np.array(self._clip(float(x), float(y), float(z)))

    def inverse_kinematics(self, tip) -> np.ndarray:
        """Joint angles that put the tool tip at ``tip`` (elbow up, tool vertical)."""
        return np.array(self._ik(float(tip[0]), float(tip[1]), float(tip[2])))

    # --- control -----------------------------------------------------------------------
    def reset(self, engine, tip: np.ndarray | None = None) -> None:
        """Places the arm with its tool tip at ``tip`` (default: home), at rest; with ``plane_height``
        at that height (default: ``plane_home``)."""
        start = np.array(self.home if tip is None else tip, dtype=np.float64)
        if self.plane_height is not None:
            start = np.array([*(self.plane_home if tip is None else start[:2]), self.plane_height])
        self.target = self.clip_target(start)
        q = self.inverse_kinematics(self.target)
        engine.set_joint_positions(self.joints, q)
        engine.set_actuator_targets(self.actuators, q)
        if self.gripper:  # fingers open, gripper square to the world
            gripper_q = (-q[0], self.finger_range[1], self.finger_range[1])
            engine.set_joint_positions(self._gripper_joints, gripper_q)
            engine.set_actuator_targets(self._gripper_actuators, gripper_q)

    def apply_action(self, engine, action: np.ndarray) -> None:
        """Moves the tool-tip target by ``max_step * action`` and servos the joints to it."""
        action = action.tolist() if isinstance(action, np.ndarray) else [float(a) for a in action]
        step = self.max_step
        tip_x, tip_y, tip_z = engine.site_position(self.ee_site).tolist()
        x, y, z = self.target.tolist()
        dx, dy, dz = action[0], action[1], action[2]
        # Clipped to [-1, 1] as min(1, max(-1, a)) would, NaN to -1 included, without the calls.
        x += step * (-1.0 if not dx >= -1.0 else 1.0 if dx > 1.0 else dx)
        y += step * (-1.0 if not dy >= -1.0 else 1.0 if dy > 1.0 else dy)
        if self.plane_height is None:
            z += step * (-1.0 if not dz >= -1.0 else 1.0 if dz > 1.0 else dz)
        else:
            z = self.plane_height
        lead_x, lead_y, lead_z = x - tip_x, y - tip_y, z - tip_z
        distance = math.sqrt(lead_x * lead_x + lead_y * lead_y + lead_z * lead_z)
        if distance > self.max_lead:  # do not wind up when the arm is blocked or lagging
            scale = self.max_lead / distance
            x, y, z = tip_x + lead_x * scale, tip_y + lead_y * scale, tip_z + lead_z * scale
        x, y, z = self._clip(x, y, z)
        self.target = np.array((x, y, z))
        q = self._ik(x, y, z)
        engine.set_actuator_targets(self.actuators, q)
        if self.gripper:
            low, high = self.finger_range
            finger = low + 0.5 * (min(1.0, max(-1.0, action[3])) + 1.0) * (high - low)
            engine.set_actuator_targets(self._gripper_actuators, (-q[0], finger, finger))

    def tip_position(self, engine) -> np.ndarray:
        return engine.site_position(self.ee_site)

    def finger_gap(self, engine) -> float:
        """Distance between the fingers' inner faces, metres (gripper only)."""
        return float(engine.joint_positions(self.finger_joints).sum())

    def observation(self, engine) -> np.ndarray:
        """Tool-tip position (3), joint angles (4), joint velocities (4), the commanded
        tool-tip target's lead over the tip (3: target minus tip, the servos' set point, as
        a real arm's controller reports it); with the gripper also the finger gap (1) and
        its rate of change (1)."""
        tip = engine.site_position(self.ee_site)
        if not self.gripper:
            return np.concatenate((tip, engine.joint_positions(self.joints), engine.joint_velocities(self.joints), self.target - tip))
        fingers = (engine.joint_positions(self.finger_joints).sum(), engine.joint_velocities(self.finger_joints).sum())
        return np.concatenate((tip, engine.joint_positions(self.joints), engine.joint_velocities(self.joints), self.target - tip, fingers))
