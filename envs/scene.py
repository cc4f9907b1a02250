"""An engine-neutral description of a scene: bodies, geoms, joints, actuators, cameras.

Robots and tasks describe what they need with these plain dataclasses; each engine
adapter (``envs/engines``) builds the description in its own engine. Units are SI,
positions are in the parent body's frame, sizes follow MuJoCo's conventions
(half-extents for boxes, radius for spheres, radius and half-length for cylinders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Vec3 = tuple[float, float, float]
RGBA = tuple[float, float, float, float]


@dataclass
class Geom:
    """A collision/visual primitive attached to a body.

    ``fromto`` (capsules only) gives the segment's two end points instead of pos/size[1].
    ``rolling_friction`` (torsional, rolling), in metres, makes contacts also resist
    spinning and rolling (MuJoCo condim 6), so that a pushed ball stops; None: sliding only.
    """

    shape: Literal["box", "sphere", "cylinder", "capsule", "plane"]
    size: tuple[float, ...]
    rgba: RGBA = (0.7, 0.7, 0.7, 1.0)
    pos: Vec3 = (0.0, 0.0, 0.0)
    fromto: tuple[float, float, float, float, float, float] | None = None
    collides: bool = True
    mass: float | None = None
    friction: float = 1.0
    rolling_friction: tuple[float, float] | None = None


@dataclass
class Joint:
    """A hinge (rotation about ``axis``), slide, or free joint between a body and its parent."""

    name: str
    type: Literal["hinge", "slide", "free"] = "hinge"
    axis: Vec3 = (0.0, 0.0, 1.0)
    range: tuple[float, float] | None = None
    damping: float = 0.0
    armature: float = 0.0


@dataclass
class Site:
    """A named reference point (end-effector tip, grasp point)."""

    name: str
    pos: Vec3 = (0.0, 0.0, 0.0)
    size: float = 0.01
    rgba: RGBA = (1.0, 1.0, 1.0, 0.0)


@dataclass
class Camera:
    """A camera looking from ``pos`` at ``lookat``, vertical field of view in degrees.

    Both points are in the frame of the body the camera belongs to: the world for a
    scene camera, the body for one in ``Body.cameras`` (a wrist or ego camera).
    """

    name: str
    pos: Vec3
    lookat: Vec3
    fovy: float = 45.0


@dataclass
class Body:
    """A rigid body with geoms, an optional joint to its parent and child bodies.

    A ``mocap`` body has no joint but can be moved by the engine between steps (targets
    and markers that must not be pushed around by physics). ``cameras`` ride along with
    the body.
    """

    name: str
    pos: Vec3 = (0.0, 0.0, 0.0)
    geoms: list[Geom] = field(default_factory=list)
    joint: Joint | None = None
    sites: list[Site] = field(default_factory=list)
    children: list[Body] = field(default_factory=list)
    mocap: bool = False
    cameras: list[Camera] = field(default_factory=list)


def walk_bodies(bodies: list[Body]):
    """Every body of a tree, parents before children."""
    for body in bodies:
        yield body
        yield from walk_bodies(body.children)


@dataclass
class Actuator:
    """A joint servo.

    ``kind="position"``: force = kp * (target - q) - kv * qdot.
    ``kind="velocity"``: force = kv * (target - qdot); ``kp`` is unused.
    ``force_range`` limits the force/torque (None: unlimited).
    """

    name: str
    joint: str
    kp: float
    kv: float
    ctrl_range: tuple[float, float]
    kind: Literal["position", "velocity"] = "position"
    force_range: tuple[float, float] | None = None


@dataclass
class Scene:
    """Everything an engine needs to build a world.

    ``timestep`` is the physics step; an env step runs ``substeps`` of them.
    """

    bodies: list[Body] = field(default_factory=list)
    actuators: list[Actuator] = field(default_factory=list)
    cameras: list[Camera] = field(default_factory=list)
    timestep: float = 0.005
    substeps: int = 8
    gravity: Vec3 = (0.0, 0.0, -9.81)

    def all_cameras(self) -> list[Camera]:
        """Scene cameras, then the cameras carried by bodies."""
        return self.cameras + [camera for body in walk_bodies(self.bodies) for camera in body.cameras]
