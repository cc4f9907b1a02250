"""A differential-drive mobile base driven as a unicycle.

The base is a round, colliding disc with two visual drive wheels and a caster. It moves in
the plane on a chain of three joints, slide x, slide y and hinge yaw, each driven by a
velocity servo. A differential drive can only roll along its heading and turn on the spot
(the wheels do not slip sideways), which is the unicycle model

    x' = v cos(yaw),  y' = v sin(yaw),  yaw' = omega.

An action in [-1, 1]^2 is (forward speed v, turn rate omega) scaled by ``max_speed`` and
``max_turn_rate``; every step it becomes the world-frame joint velocity targets above, with
the heading taken at the middle of the control period. Wheel speeds of a real base follow
as ``(v -+ omega * track / 2) / wheel_radius``. The servos have limited force, so walls
and obstacles stop the base. The kinematics are plain geometry, so every engine builds the
same robot.
"""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.scene import Actuator, Body, Camera, Geom, Joint

_BODY = (0.2, 0.22, 0.26, 1.0)
_TOP = (0.85, 0.86, 0.88, 1.0)
_WHEEL = (0.08, 0.08, 0.08, 1.0)
_NOSE = (1.0, 0.55, 0.0, 1.0)


class MobileBase:
    """Geometry, actuation and observation of the mobile base.

    Args:
        n_rays: Beams of the planar range scan in the observation (0: none), evenly spaced
            counter-clockwise from straight ahead, cast from the base centre at ``scan_height``.
        scan_range: Range of the scan, metres; beams that hit nothing read this.

    Attributes:
        max_speed: Forward speed at action[0] = +-1, m/s.
        max_turn_rate: Yaw rate at action[1] = +-1, rad/s (positive: counter-clockwise).
        radius: Radius of the colliding base disc, metres.
    """

    joints = ("base_x", "base_y", "base_yaw")
    actuators = tuple(f"{joint}_drive" for joint in joints)
    body_name = "mobile_base"
    action_dim = 2

    radius = 0.12
    height = 0.12  # top of the base disc above the floor
    clearance = 0.02  # gap between the disc and the floor (the wheels carry it)
    wheel_radius = 0.04
    track = 0.2  # distance between the wheels
    scan_height = 0.08
    max_speed = 0.6
    max_turn_rate = 2.5
    mass = 4.0

    def __init__(self, n_rays: int = 8, scan_range: float = 1.5):
        if n_rays < 0:
            raise ValueError(f"n_rays={n_rays} must be >= 0")
        self.n_rays = n_rays
        self.scan_range = scan_range
        self.observation_dim = 6 + n_rays
        angles = 2 * np.pi * np.arange(n_rays) / max(n_rays, 1)
        self.ray_angles = angles  # in the base frame, counter-clockwise from straight ahead
        # The beams as complex unit numbers: multiplying by e^(i yaw) turns them all into the
        # world frame in one call (the scan runs every step). The product is written straight
        # into the (n, 3) directions the engine casts, through a complex view of each row's
        # (x, y): one complex number every 3 floats (24 bytes); z stays 0.
        self._beams = np.exp(1j * angles)
        self._directions = np.zeros((n_rays, 3))  # the world-frame beams of the latest scan
        self._directions_xy = np.ndarray((n_rays,), dtype=np.complex128, buffer=self._directions, strides=(24,))
        self._half_dt = 0.0

    # --- scene -------------------------------------------------------------------------
    def bodies(self) -> list[Body]:
        half = (self.height - self.clearance) / 2
        r, w = self.radius, self.wheel_radius
        wheel_y = self.track / 2
        base = Body(
            self.body_name,
            joint=Joint("base_yaw", axis=(0, 0, 1), armature=0.01),
            geoms=[
                Geom("cylinder", (r, half), _BODY, pos=(0, 0, self.clearance + half), mass=self.mass, friction=0.3),
                Geom("cylinder", (r * 0.8, 0.004), _TOP, pos=(0, 0, self.height + 0.004), collides=False, mass=0.0),
                Geom("box", (0.025, 0.03, 0.006), _NOSE, pos=(r * 0.7, 0, self.height + 0.01), collides=False, mass=0.0),
                # Visual drive wheels (axles along y) and a rear caster.
                Geom("capsule", (w,), _WHEEL, fromto=(0, wheel_y - 0.01, w, 0, wheel_y + 0.01, w), collides=False, mass=0.0),
                Geom("capsule", (w,), _WHEEL, fromto=(0, -wheel_y - 0.01, w, 0, -wheel_y + 0.01, w), collides=False, mass=0.0),
                Geom("sphere", (0.02,), _WHEEL, pos=(-0.8 * r, 0, 0.02), collides=False, mass=0.0),
            ],
            # Ego camera on the nose, looking ahead and slightly down.
            cameras=[Camera("ego", pos=(r, 0.0, self.height + 0.03), lookat=(1.0, 0.0, 0.0), fovy=70)],
        )
        carriage_y = Body(
            "mobile_carriage_y",
            joint=Joint("base_y", type="slide", axis=(0, 1, 0), armature=0.01),
            geoms=[Geom("sphere", (0.01,), (0, 0, 0, 0), pos=(0, 0, 0.05), collides=False, mass=0.01)],
            children=[base],
        )
        carriage_x = Body(
            "mobile_carriage_x",
            joint=Joint("base_x", type="slide", axis=(1, 0, 0), armature=0.01),
            geoms=[Geom("sphere", (0.01,), (0, 0, 0, 0), pos=(0, 0, 0.05), collides=False, mass=0.01)],
            children=[carriage_y],
        )
        return [carriage_x]

    def actuator_specs(self) -> list[Actuator]:
        # Velocity servos: force = kv * (target - qdot), time constant about mass / kv = 20 ms.
        linear = dict(kv=200.0, ctrl_range=(-self.max_speed, self.max_speed), kind="velocity", force_range=(-60.0, 60.0))
        return [
            Actuator("base_x_drive", "base_x", kp=0.0, **linear),
            Actuator("base_y_drive", "base_y", kp=0.0, **linear),
            Actuator(
                "base_yaw_drive",
                "base_yaw",
                kp=0.0,
                kv=5.0,
                ctrl_range=(-self.max_turn_rate, self.max_turn_rate),
                kind="velocity",
                force_range=(-5.0, 5.0),
            ),
        ]

    # --- control -----------------------------------------------------------------------
    def reset(self, engine, pose=(0.0, 0.0, 0.0)) -> None:
        """Places the base at ``pose`` = (x, y, yaw), at rest."""
        engine.set_joint_positions(self.joints, pose)
        engine.set_actuator_targets(self.actuators, (0.0, 0.0, 0.0))
        self._half_dt = 0.5 * engine.control_dt

    def unicycle_targets(self, yaw: float, action) -> tuple[float, float, float]:
        """World-frame joint velocity targets (x', y', yaw') for ``action`` at heading ``yaw``."""
        # Clipped to [-1, 1] as min(1, max(-1, a)) would, NaN to -1 included, without the calls.
        speed, turn = float(action[0]), float(action[1])
        v = self.max_speed * (-1.0 if not speed >= -1.0 else 1.0 if speed > 1.0 else speed)
        omega = self.max_turn_rate * (-1.0 if not turn >= -1.0 else 1.0 if turn > 1.0 else turn)
        heading = yaw + omega * self._half_dt  # mid-period heading: a better unicycle step
        return v * math.cos(heading), v * math.sin(heading), omega

    def apply_action(self, engine, action: np.ndarray) -> None:
        """Sets the servo targets of (forward speed, turn rate) = action * (max_speed, max_turn_rate)."""
        yaw = float(engine.joint_positions(self.joints)[2])
        engine.set_actuator_targets(self.actuators, self.unicycle_targets(yaw, action))

    # --- state -------------------------------------------------------------------------
    def base_pose(self, engine) -> np.ndarray:
        """(x, y, yaw) of the base centre in the world."""
        return engine.joint_positions(self.joints).copy()

    def base_position(self, engine) -> np.ndarray:
        """(x, y) of the base centre in the world."""
        return engine.joint_positions(self.joints[:2])

    def range_scan(self, engine, pose=None) -> np.ndarray:
        """Distances (m) to the nearest geom along each beam, shape (n_rays,)."""
        x, y, yaw = self.base_pose(engine) if pose is None else pose
        np.multiply(self._beams, complex(math.cos(yaw), math.sin(yaw)), out=self._directions_xy)
        return engine.ray_distances(np.array((x, y, self.scan_height)), self._directions, self.scan_range, exclude_body=self.body_name)

    def observation(self, engine) -> np.ndarray:
        """x, y, cos yaw, sin yaw, forward speed, yaw rate, then the range scan (n_rays)."""
        x, y, yaw = engine.joint_positions(self.joints).tolist()
        vx, vy, omega = engine.joint_velocities(self.joints).tolist()
        c, s = math.cos(yaw), math.sin(yaw)
        head = (x, y, c, s, vx * c + vy * s, omega)
        if not self.n_rays:
            return np.array(head)
        return np.concatenate((head, self.range_scan(engine, (x, y, yaw))))
