"""A 4-joint table-top arm driven in Cartesian end-effector space.

Joints: base yaw, shoulder pitch, elbow pitch and a wrist pitch that keeps the tool
pointing straight down. An action is a displacement of the tool tip in metres (scaled
from [-1, 1]); analytic inverse kinematics turns the displaced tip into joint targets for
position servos. The kinematics are plain geometry, so every engine builds the same arm.
"""

from __future__ import annotations

import math

import numpy as np

from envs.scene import Actuator, Body, Geom, Joint, Site

_GREY = (0.55, 0.57, 0.6, 1.0)
_DARK = (0.25, 0.25, 0.28, 1.0)


class Arm:
    """Geometry, actuation and observation of the arm.

    Attributes:
        max_step: Largest tool-tip displacement per env step, metres (action = +-1).
        workspace_low, workspace_high: Box the tool-tip target is clipped to, metres.
    """

    joints = ("arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist")
    actuators = tuple(f"{joint}_servo" for joint in joints)
    ee_site = "ee"
    action_dim = 3
    observation_dim = 3 + 4 + 4

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

    def __init__(self):
        self.target = self.home.copy()

    # --- scene -------------------------------------------------------------------------
    def bodies(self) -> list[Body]:
        hand = Body(
            "arm_hand",
            pos=(self.fore_length, 0.0, 0.0),
            joint=Joint("arm_wrist", axis=(0, 1, 0), range=(-np.pi, np.pi), damping=0.5, armature=0.01),
            geoms=[Geom("capsule", (0.02,), _DARK, fromto=(0, 0, 0, 0, 0, -self.tool_length + 0.02), mass=0.05)],
            sites=[Site(self.ee_site, pos=(0.0, 0.0, -self.tool_length), rgba=(1, 1, 1, 0))],
        )
        fore = Body(
            "arm_fore",
            pos=(self.upper_length, 0.0, 0.0),
            joint=Joint("arm_elbow", axis=(0, 1, 0), range=(-0.3, 2.9), damping=1.0, armature=0.02),
            geoms=[Geom("capsule", (0.025,), _GREY, fromto=(0, 0, 0, self.fore_length, 0, 0), collides=False, mass=0.15)],
            children=[hand],
        )
        upper = Body(
            "arm_upper",
            pos=(0.0, 0.0, self.base_height),
            joint=Joint("arm_shoulder", axis=(0, 1, 0), range=(-2.7, 1.6), damping=1.0, armature=0.02),
            geoms=[Geom("capsule", (0.03,), _GREY, fromto=(0, 0, 0, self.upper_length, 0, 0), collides=False, mass=0.2)],
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

    def actuator_specs(self) -> list[Actuator]:
        gains = {"arm_yaw": (400, 20), "arm_shoulder": (600, 30), "arm_elbow": (400, 20), "arm_wrist": (100, 5)}
        return [
            Actuator(f"{joint}_servo", joint, kp=gains[joint][0], kv=gains[joint][1], ctrl_range=(-np.pi, np.pi)) for joint in self.joints
        ]

    # --- kinematics --------------------------------------------------------------------
    def clip_target(self, target: np.ndarray) -> np.ndarray:
        """Clips a tool-tip target to the reachable workspace."""
        target = np.clip(target, self.workspace_low, self.workspace_high)
        radius = np.hypot(target[0], target[1])
        clipped = np.clip(radius, self.min_radius, self.max_radius)
        # The wrist (above the tip) must stay within the two links' reach of the shoulder.
        height = target[2] + self.tool_length - self.base_height
        reach = np.hypot(clipped, height)
        max_reach = 0.99 * (self.upper_length + self.fore_length)
        if reach > max_reach:
            clipped *= max_reach / reach
            target[2] = height * max_reach / reach - self.tool_length + self.base_height
        if radius > 1e-9:
            target[:2] *= clipped / radius
        return target

    def inverse_kinematics(self, tip: np.ndarray) -> np.ndarray:
        """Joint angles that put the tool tip at ``tip`` (elbow up, tool vertical)."""
        # Scalar math: this runs every env step, where numpy's per-call overhead dominates.
        x, y, z = float(tip[0]), float(tip[1]), float(tip[2])
        yaw = math.atan2(y, x)
        radius = math.hypot(x, y)
        height = z + self.tool_length - self.base_height  # wrist relative to the shoulder
        l1, l2 = self.upper_length, self.fore_length
        cos_bend = (radius**2 + height**2 - l1**2 - l2**2) / (2 * l1 * l2)
        bend = math.acos(min(1.0, max(-1.0, cos_bend)))
        elevation = math.atan2(height, radius) + math.atan2(l2 * math.sin(bend), l1 + l2 * math.cos(bend))
        shoulder = -elevation  # positive pitch about +y points the link down
        elbow = bend
        wrist = -(shoulder + elbow)
        return np.array([yaw, shoulder, elbow, wrist])

    # --- control -----------------------------------------------------------------------
    def reset(self, engine, tip: np.ndarray | None = None) -> None:
        """Places the arm with its tool tip at ``tip`` (default: home), at rest."""
        self.target = self.clip_target(np.array(self.home if tip is None else tip, dtype=np.float64))
        q = self.inverse_kinematics(self.target)
        engine.set_joint_positions(self.joints, q)
        engine.set_actuator_targets(self.actuators, q)

    def apply_action(self, engine, action: np.ndarray) -> None:
        """Moves the tool-tip target by ``max_step * action`` and servos the joints to it."""
        action = np.clip(np.asarray(action, dtype=np.float64), -1.0, 1.0)
        tip = engine.site_position(self.ee_site)
        target = self.target + self.max_step * action
        lead = target - tip
        distance = math.sqrt(lead @ lead)
        if distance > self.max_lead:  # do not wind up when the arm is blocked or lagging
            target = tip + lead * (self.max_lead / distance)
        self.target = self.clip_target(target)
        engine.set_actuator_targets(self.actuators, self.inverse_kinematics(self.target))

    def tip_position(self, engine) -> np.ndarray:
        return engine.site_position(self.ee_site)

    def observation(self, engine) -> np.ndarray:
        """Tool-tip position (3), joint angles (4), joint velocities (4)."""
        return np.concatenate(
            [
                engine.site_position(self.ee_site),
                engine.joint_positions(self.joints),
                engine.joint_velocities(self.joints),
            ]
        )
