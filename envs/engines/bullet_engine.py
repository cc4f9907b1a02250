"""PyBullet engine adapter: builds a :class:`envs.scene.Scene` and answers named queries.

The only module in robocue that imports ``pybullet``. It offers the same methods, with the
same meaning, as :class:`envs.engines.mujoco_engine.MuJoCoEngine`, so one task serves both.

How the scene maps onto PyBullet (one physics client per engine, DIRECT mode):

- Every top-level :class:`Body` becomes one multibody. A free-jointed body is a free base;
  a body without a joint is a fixed base (static, or moved between steps if ``mocap``); a
  body whose joint attaches it to the world becomes link 0 of a massless fixed base.
  Children are links: hinge -> revolute, slide -> prismatic, no joint -> fixed.
- Geoms are primitives (box, sphere, cylinder, capsule; a plane collides as a plane and is
  drawn as a thin box of its size), so both engines build the same kinematics. Only
  colliding geoms get collision shapes; every geom is drawn (fully transparent ones aside).
- Masses and inertias are computed from the geoms as MuJoCo does (given mass, else density
  1000), so bodies weigh the same in both engines.
- Friction: PyBullet multiplies the two coefficients of a contact where MuJoCo takes the
  larger one; each geom gets the square root of its coefficient, so pairs of equal friction
  (the objects on the table) match exactly and mixed pairs land between the two.
- Servos are PyBullet joint motors, which are velocity constraints solved implicitly with
  the contacts. A MuJoCo position servo (``kp``, ``kv`` plus joint damping) is overdamped
  in every scene here, so it behaves as a first-order lag with time constant
  ``(kv + damping) / kp``; the motor reproduces that lag with ``positionGain = dt * kp /
  (kv + damping)``. A velocity servo ``kv`` on a joint of effective inertia ``I`` has the
  time constant ``I / kv``: ``velocityGain = dt * kv / (I + dt * kv)``, the fraction of the
  velocity error MuJoCo's implicit integrator removes per step. Force ranges cap the motors.
- An env step is one ``stepSimulation`` call that runs the scene's substeps inside Bullet
  (``numSubSteps``): bit for bit the physics of one call per substep, a microsecond a
  substep cheaper.
- Rendering uses TinyRenderer (CPU) without shadows or a segmentation mask, with the
  MuJoCo camera's pose and vertical field of view and a light from the same direction.
"""

from __future__ import annotations

import atexit
import functools
import math
import os
import shutil
import tempfile
import time

import numpy as np
import pybullet as p

from robocue.envs.engines import PhysicsError
from robocue.envs.scene import Body, Geom, Scene

_DENSITY = 1000.0  # MuJoCo's default geom density, kg/m^3
_UNLIMITED_FORCE = 1e4  # cap of servos without a force range, N or N m
_NEAR, _FAR = 0.01, 30.0  # camera clipping planes, metres
_MAX_RENDER_SIZE = (1280, 960)
_LIGHT_DIR = np.array([-0.1, 0.3, -1.0])  # MuJoCo's scene light: the direction it shines in
_RAY_EXCLUDED = 1 << 6  # collision group bit of bodies a range scan passes through
_STATIC_GROUP, _DYNAMIC_GROUP = 2, 1  # Bullet's default collision groups
_ALL = -1
_GEOM_TYPES = {"box": p.GEOM_BOX, "sphere": p.GEOM_SPHERE, "cylinder": p.GEOM_CYLINDER, "capsule": p.GEOM_CAPSULE, "plane": p.GEOM_PLANE}
_JOINT_TYPES = {None: p.JOINT_FIXED, "hinge": p.JOINT_REVOLUTE, "slide": p.JOINT_PRISMATIC}


# --- small geometry helpers ----------------------------------------------------------------
def _quat_between(a, b) -> tuple[float, float, float, float]:
    """Quaternion (x, y, z, w) rotating unit vector ``a`` onto unit vector ``b``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    cross, dot = np.cross(a, b), float(a @ b)
    if dot < -1 + 1e-9:  # opposite: half a turn about any axis perpendicular to a
        axis = np.cross(a, (1.0, 0.0, 0.0))
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, (0.0, 1.0, 0.0))
        axis /= np.linalg.norm(axis)
        return (*axis, 0.0)
    q = np.array([*cross, 1.0 + dot])
    q /= np.linalg.norm(q)
    return tuple(float(v) for v in q)


def _rotate(quat, vector) -> np.ndarray:
    """Rotates ``vector`` by the unit quaternion ``quat`` (x, y, z, w)."""
    # Scalar math: this runs on the step path, where numpy's per-call overhead dominates.
    x, y, z, w = quat
    vx, vy, vz = float(vector[0]), float(vector[1]), float(vector[2])
    tx, ty, tz = 2.0 * (y * vz - z * vy), 2.0 * (z * vx - x * vz), 2.0 * (x * vy - y * vx)
    return np.array(
        [
            vx + w * tx + (y * tz - z * ty),
            vy + w * ty + (z * tx - x * tz),
            vz + w * tz + (x * ty - y * tx),
        ]
    )


def _matrix_to_quat(m: np.ndarray) -> tuple[float, float, float, float]:
    """Rotation matrix -> quaternion (x, y, z, w)."""
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 0.5 / math.sqrt(trace + 1.0)
        q = (0.25 / s, (m[2, 1] - m[1, 2]) * s, (m[0, 2] - m[2, 0]) * s, (m[1, 0] - m[0, 1]) * s)
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = ((m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s)
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s)
    else:
        s = 2.0 * math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s)
    w, x, y, z = q
    return (x, y, z, w)


def camera_axes(pos, lookat) -> tuple[np.ndarray, np.ndarray]:
    """Forward and up unit vectors of a camera at ``pos`` looking at ``lookat`` (as MuJoCo's xyaxes)."""
    forward = np.subtract(lookat, pos).astype(float)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    if np.linalg.norm(right) < 1e-6:  # looking straight down: +x is "up" in the image
        right = np.cross(forward, (1.0, 0.0, 0.0))
    right /= np.linalg.norm(right)
    return forward, np.cross(right, forward)


@functools.lru_cache(maxsize=1)
def _cylinder_mesh() -> str:
    """Path of a unit cylinder mesh (radius 1, height 1, flat caps) written once per process.

    PyBullet's own cylinder visual smooths the normals across the rim, so a flat disc looks
    like a dish; this mesh has separate cap and side normals, as MuJoCo draws cylinders.
    """
    n = 24
    angles = [2 * math.pi * i / n for i in range(n)]
    lines = [f"v {math.cos(a):.6f} {math.sin(a):.6f} {z}" for z in (-0.5, 0.5) for a in angles]
    lines += ["v 0 0 -0.5", "v 0 0 0.5"]
    lines += [f"vn {math.cos(a):.6f} {math.sin(a):.6f} 0" for a in angles] + ["vn 0 0 -1", "vn 0 0 1"]
    bottom, top = 2 * n + 1, 2 * n + 2
    for i in range(n):
        j = (i + 1) % n
        b0, b1, t0, t1 = i + 1, j + 1, n + i + 1, n + j + 1
        lines += [
            f"f {b0}//{i + 1} {b1}//{j + 1} {t1}//{j + 1}",
            f"f {b0}//{i + 1} {t1}//{j + 1} {t0}//{i + 1}",
            f"f {bottom}//{n + 1} {b1}//{n + 1} {b0}//{n + 1}",
            f"f {top}//{n + 2} {t0}//{n + 2} {t1}//{n + 2}",
        ]
    folder = tempfile.mkdtemp(prefix="robocue-bullet-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = os.path.join(folder, "cylinder.obj")
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


class _Shape:
    """A geom resolved to its Bullet description: type, sizes and frame in the body."""

    def __init__(self, geom: Geom):
        self.geom = geom
        self.pos = np.asarray(geom.pos, float)
        self.quat = (0.0, 0.0, 0.0, 1.0)
        size = geom.size
        if geom.shape == "capsule" and geom.fromto is not None:
            start, end = np.asarray(geom.fromto[:3], float), np.asarray(geom.fromto[3:], float)
            axis = end - start
            length = float(np.linalg.norm(axis))
            self.pos = 0.5 * (start + end)
            if length > 1e-12:
                self.quat = _quat_between((0, 0, 1), axis / length)
            self.radius, self.length = float(size[0]), length
        elif geom.shape in ("capsule", "cylinder"):
            self.radius, self.length = float(size[0]), 2.0 * float(size[1])
        elif geom.shape == "sphere":
            self.radius = float(size[0])
        elif geom.shape == "box":
            self.half = [float(s) for s in size[:3]]
        elif geom.shape == "plane":
            self.half = [float(size[0]), float(size[1]), 0.0005]
        else:
            raise ValueError(f"geom shape {geom.shape!r} is not supported by the PyBullet engine")

    def mass_and_inertia(self) -> tuple[float, np.ndarray]:
        """Mass and inertia tensor about the geom's centre in the body frame (MuJoCo's rules)."""
        shape = self.geom.shape
        if shape == "plane":
            return 0.0, np.zeros((3, 3))
        if shape == "box":
            a, b, c = self.half
            volume = 8 * a * b * c
        elif shape == "sphere":
            volume = 4 / 3 * math.pi * self.radius**3
        elif shape == "cylinder":
            volume = math.pi * self.radius**2 * self.length
        else:  # capsule
            volume = math.pi * self.radius**2 * (self.length + 4 / 3 * self.radius)
        mass = float(self.geom.mass) if self.geom.mass is not None else _DENSITY * volume
        if mass <= 0:
            return 0.0, np.zeros((3, 3))
        r = getattr(self, "radius", 0.0)
        if shape == "box":
            a, b, c = (2 * h for h in self.half)
            diag = mass / 12 * np.array([b * b + c * c, a * a + c * c, a * a + b * b])
        elif shape == "sphere":
            diag = np.full(3, 0.4 * mass * r * r)
        elif shape == "cylinder":
            h = self.length
            side = mass * (3 * r * r + h * h) / 12
            diag = np.array([side, side, 0.5 * mass * r * r])
        else:  # capsule: cylinder plus two hemispheres (MuJoCo's formula)
            h = self.length
            cyl = math.pi * r * r * h
            sph = 4 / 3 * math.pi * r**3
            m_cyl, m_sph = mass * cyl / (cyl + sph), mass * sph / (cyl + sph)
            axial = 0.5 * m_cyl * r * r + 0.4 * m_sph * r * r
            side = m_cyl * (3 * r * r + h * h) / 12 + m_sph * (0.4 * r * r + 0.25 * h * h + 3 / 8 * r * h)
            diag = np.array([side, side, axial])
        rotation = np.array(p.getMatrixFromQuaternion(self.quat)).reshape(3, 3)
        return mass, rotation @ np.diag(diag) @ rotation.T


def _inertial(shapes: list[_Shape]) -> tuple[float, np.ndarray, np.ndarray, tuple]:
    """Mass, centre of mass, principal inertia and principal-axes quaternion of a body."""
    parts = [(shape, *shape.mass_and_inertia()) for shape in shapes]
    mass = sum(m for _, m, _ in parts)
    if mass <= 0:
        return 0.0, np.zeros(3), np.zeros(3), (0.0, 0.0, 0.0, 1.0)
    com = sum(m * s.pos for s, m, _ in parts) / mass
    inertia = np.zeros((3, 3))
    for shape, m, tensor in parts:
        d = shape.pos - com
        inertia += tensor + m * (float(d @ d) * np.eye(3) - np.outer(d, d))
    values, vectors = np.linalg.eigh(inertia)
    if np.linalg.det(vectors) < 0:
        vectors[:, 0] *= -1
    return mass, com, np.maximum(values, 1e-7), _matrix_to_quat(vectors)


class _Frame:
    """Where a named body lives: its multibody, link (-1: the base) and inertial offset."""

    __slots__ = ("mb", "link", "com", "com_quat", "dynamic", "movable", "has_offset")

    def __init__(self, mb: int, link: int, com, com_quat, dynamic: bool, movable: bool):
        self.mb, self.link = mb, link
        self.com, self.com_quat = np.asarray(com, float), tuple(com_quat)
        self.dynamic, self.movable = dynamic, movable
        self.has_offset = bool(np.any(self.com))


class BulletEngine:
    """A PyBullet world built from a :class:`Scene`, queried and driven by name."""

    name = "pybullet"

    def __init__(self, scene: Scene):
        self.client = p.connect(p.DIRECT)
        self.substeps = scene.substeps
        self.timestep = scene.timestep
        self.control_dt = scene.timestep * scene.substeps
        self._scene = scene
        cid = self.client
        p.setGravity(*scene.gravity, physicsClientId=cid)
        # One stepSimulation call runs a control period's substeps inside Bullet (each of
        # ``timestep``): the same physics as ``substeps`` calls, bit for bit, without the
        # per-call overhead (about 1 us each). PyBullet turns a motor's force cap into an
        # impulse cap with the call's time step, so motor forces are passed per substep
        # (see ``_build_actuators``).
        p.setPhysicsEngineParameter(
            fixedTimeStep=self.control_dt,
            numSubSteps=self.substeps,
            deterministicOverlappingPairs=1,
            # Solve every island in one batch: with per-island solves, an episode's result
            # depended (by ~1e-5) on earlier episodes, breaking seeded replays after reset.
            minimumSolverIslandSize=1024,
            # Pyramid friction: with Bullet's friction cone, closing fingers squeezed round
            # objects out of the grip now and then (pick-and-place expert 95% instead of 100%).
            enableConeFriction=0,
            physicsClientId=cid,
        )
        self._frames: dict[str, _Frame] = {}
        self._sites: dict[str, tuple[str, np.ndarray]] = {}  # site -> (body, position in the body)
        self._joints: dict[str, tuple[int, int, str]] = {}  # joint -> (multibody, joint index, type)
        self._joint_specs: dict[str, object] = {}
        self._body_joint: dict[str, str] = {}  # body -> name of its joint
        self._visuals: dict[str, list[tuple[int, int, int, np.ndarray]]] = {}  # body -> (mb, link, shape index, rgba)
        self._frictions: dict[str, list[tuple[int, int, float]]] = {}  # body -> (mb, link, friction)
        self._masses: dict[str, tuple[int, int, float, np.ndarray]] = {}  # body -> (mb, link, mass, inertia)
        self._looks: dict[str, tuple[np.ndarray, bool]] = {}  # body -> (RGB factors, visible)
        self._multibodies: list[int] = []
        self._mb_joints: dict[int, list[int]] = {}  # multibody -> its movable joint indices
        for body in scene.bodies:
            self._build(body)
        self._build_actuators(scene)
        self._cameras: dict[str, list] = {}
        for camera in scene.cameras:
            self._cameras[camera.name] = [None, np.array(camera.pos, float), np.array(camera.lookat, float), camera.fovy]
        for body, camera in ((b, c) for b in self._walk(scene.bodies) for c in b.cameras):
            self._cameras[camera.name] = [body.name, np.array(camera.pos, float), np.array(camera.lookat, float), camera.fovy]
        self._nominal_cameras = {name: (pos.copy(), lookat.copy()) for name, (_, pos, lookat, _) in self._cameras.items()}
        self._light_dir = -_LIGHT_DIR / np.linalg.norm(_LIGHT_DIR)  # TinyRenderer wants the way to the light
        self._light_intensity = 1.0
        self._cache: dict = {}
        self._joint_index_cache: dict[tuple, list] = {}
        self._ray_excluded: set[str] = set()
        self._moved = False
        self._time = 0.0
        self._initial_state = p.saveState(physicsClientId=cid)

    @staticmethod
    def _walk(bodies):
        for body in bodies:
            yield body
            yield from BulletEngine._walk(body.children)

    # --- building ------------------------------------------------------------------------
    def _shapes(self, body: Body) -> tuple[list[_Shape], int, int, list[int]]:
        """Collision and visual shape ids of a body (-1: none) and the geoms behind each visual."""
        cid = self.client
        shapes = [_Shape(geom) for geom in body.geoms]
        colliding = [s for s in shapes if s.geom.collides]
        visible = [s for s in shapes if s.geom.rgba[3] > 0]
        collision = -1
        if colliding:
            kwargs = dict(
                shapeTypes=[],
                radii=[],
                halfExtents=[],
                lengths=[],
                planeNormals=[],
                collisionFramePositions=[],
                collisionFrameOrientations=[],
            )
            for s in colliding:
                kwargs["shapeTypes"].append(_GEOM_TYPES[s.geom.shape])
                kwargs["radii"].append(getattr(s, "radius", 0.0))
                kwargs["halfExtents"].append(getattr(s, "half", [0.0, 0.0, 0.0]))
                kwargs["lengths"].append(getattr(s, "length", 0.0))
                kwargs["planeNormals"].append([0.0, 0.0, 1.0])
                kwargs["collisionFramePositions"].append(list(s.pos))
                kwargs["collisionFrameOrientations"].append(list(s.quat))
            if len(colliding) == 1 and not np.any(colliding[0].pos) and colliding[0].quat[3] == 1.0:  # no compound needed
                collision = p.createCollisionShape(
                    kwargs["shapeTypes"][0],
                    radius=kwargs["radii"][0],
                    halfExtents=kwargs["halfExtents"][0],
                    height=kwargs["lengths"][0],
                    planeNormal=[0, 0, 1],
                    physicsClientId=cid,
                )
            else:
                collision = p.createCollisionShapeArray(physicsClientId=cid, **kwargs)
        visual = -1
        if visible:
            # Planes are drawn as thin boxes and cylinders as a mesh with flat caps.
            kinds = {**_GEOM_TYPES, "plane": p.GEOM_BOX, "cylinder": p.GEOM_MESH}
            positions = []
            for s in visible:
                position = list(s.pos)
                if s.geom.shape == "plane":
                    position[2] -= s.half[2]  # the drawn slab's top is the plane
                positions.append(position)
            cylinder = [s.geom.shape == "cylinder" for s in visible]
            visual = p.createVisualShapeArray(
                shapeTypes=[kinds[s.geom.shape] for s in visible],
                radii=[getattr(s, "radius", 0.0) for s in visible],
                halfExtents=[getattr(s, "half", [0.0, 0.0, 0.0]) for s in visible],
                lengths=[getattr(s, "length", 0.0) for s in visible],
                fileNames=[_cylinder_mesh() if c else "" for c in cylinder],
                meshScales=[[s.radius, s.radius, s.length] if c else [1.0, 1.0, 1.0] for s, c in zip(visible, cylinder)],
                rgbaColors=[list(s.geom.rgba) for s in visible],
                visualFramePositions=positions,
                visualFrameOrientations=[list(s.quat) for s in visible],
                physicsClientId=cid,
            )
        return shapes, collision, visual, visible

    def _build(self, body: Body) -> None:
        cid = self.client
        joint = body.joint
        free = joint is not None and joint.type == "free"
        if body.mocap and (joint is not None or body.children):
            raise ValueError(f"mocap body {body.name!r} cannot have a joint or children in the PyBullet engine")
        links: list[tuple[Body, int]] = []  # (body, parent link index + 1; 0: the base)
        if joint is None or free:
            base = body
        else:  # jointed to the world: link 0 of a massless, fixed base at the origin
            base = None
            links.append((body, 0))
        # Children follow their parent; a link's parent index is 0 for the base, i + 1 for link i.
        pending = [(child, len(links)) for child in body.children]
        while pending:
            child, parent = pending.pop(0)
            if child.joint is not None and child.joint.type == "free":
                raise ValueError(f"body {child.name!r}: a free joint must belong to a top-level body")
            links.append((child, parent))
            pending += [(grandchild, len(links)) for grandchild in child.children]

        built = {}
        if base is not None:
            shapes, collision, visual, visible = self._shapes(base)
            mass, com, inertia, com_quat = _inertial(shapes)
            base_mass = mass if free else 0.0
            if not free:
                com, com_quat = np.zeros(3), (0.0, 0.0, 0.0, 1.0)
            built[base.name] = (shapes, visible, -1, inertia, base_mass)
            base_args = dict(
                baseMass=base_mass,
                baseCollisionShapeIndex=collision,
                baseVisualShapeIndex=visual,
                basePosition=list(base.pos),
                baseOrientation=[0, 0, 0, 1],
                baseInertialFramePosition=list(com),
                baseInertialFrameOrientation=list(com_quat),
            )
            base_frame = (com, com_quat, free, body.mocap)
        else:
            base_args = dict(baseMass=0.0, baseCollisionShapeIndex=-1, baseVisualShapeIndex=-1, basePosition=[0, 0, 0])
            base_frame = None
        link_args = {
            key: []
            for key in (
                "linkMasses",
                "linkCollisionShapeIndices",
                "linkVisualShapeIndices",
                "linkPositions",
                "linkOrientations",
                "linkInertialFramePositions",
                "linkInertialFrameOrientations",
                "linkParentIndices",
                "linkJointTypes",
                "linkJointAxis",
            )
        }
        link_frames = []
        for index, (link, parent) in enumerate(links):
            shapes, collision, visual, visible = self._shapes(link)
            mass, com, inertia, com_quat = _inertial(shapes)
            if mass <= 0:
                mass, inertia = 1e-4, np.full(3, 1e-8)
            kind = _JOINT_TYPES[None if link.joint is None else link.joint.type]
            link_args["linkMasses"].append(mass)
            link_args["linkCollisionShapeIndices"].append(collision)
            link_args["linkVisualShapeIndices"].append(visual)
            link_args["linkPositions"].append(list(link.pos))
            link_args["linkOrientations"].append([0, 0, 0, 1])
            link_args["linkInertialFramePositions"].append(list(com))
            link_args["linkInertialFrameOrientations"].append(list(com_quat))
            link_args["linkParentIndices"].append(parent)
            link_args["linkJointTypes"].append(kind)
            link_args["linkJointAxis"].append(list(link.joint.axis) if link.joint is not None else [0, 0, 1])
            built[link.name] = (shapes, visible, index, inertia, mass)
            link_frames.append((link, index, com, com_quat))
        mb = p.createMultiBody(**base_args, **link_args, physicsClientId=cid)
        if mb < 0:
            raise RuntimeError(f"PyBullet could not build body {body.name!r}")
        self._multibodies.append(mb)
        if base_frame is not None:
            com, com_quat, dynamic, mocap = base_frame
            self._frames[base.name] = _Frame(mb, -1, com, com_quat, dynamic, dynamic or mocap)
            if free:
                self._joints[joint.name] = (mb, -1, "free")
                self._body_joint[base.name] = joint.name
        for link, index, com, com_quat in link_frames:
            self._frames[link.name] = _Frame(mb, index, com, com_quat, True, False)
            if link.joint is not None:
                self._joints[link.joint.name] = (mb, index, link.joint.type)
                self._joint_specs[link.joint.name] = link.joint
                self._body_joint[link.name] = link.joint.name
                self._mb_joints.setdefault(mb, []).append(index)
        # Dynamics: MuJoCo has no velocity damping of bodies; joints get their damping and limits.
        for name, (shapes, visible, link, inertia, mass) in built.items():
            friction = [s.geom.friction for s in shapes if s.geom.collides]
            rolling = [s.geom.rolling_friction for s in shapes if s.geom.collides and s.geom.rolling_friction]
            mu = math.sqrt(max(friction)) if friction else 0.5
            kwargs = dict(linearDamping=0.0, angularDamping=0.0, lateralFriction=mu, activationState=p.ACTIVATION_STATE_DISABLE_SLEEPING)
            if rolling:
                # Bullet's rolling resistance is (rolling of one side) x (friction of the other).
                kwargs.update(spinningFriction=rolling[0][0] / mu, rollingFriction=rolling[0][1] / mu)
            if mass > 0:
                kwargs["localInertiaDiagonal"] = list(inertia)
            if link >= 0:
                spec = links[link][0].joint
                if spec is not None:
                    kwargs.update(jointDamping=spec.damping)
                    if spec.range is not None:
                        kwargs.update(jointLowerLimit=spec.range[0], jointUpperLimit=spec.range[1])
            p.changeDynamics(mb, link, physicsClientId=cid, **kwargs)
            self._frictions[name] = [(mb, link, mu)] if friction else []
            self._visuals[name] = [(mb, link, i, np.array(s.geom.rgba, float)) for i, s in enumerate(visible)]
            self._masses[name] = (mb, link, mass, np.array(inertia))
            for site in (links[link][0] if link >= 0 else base).sites:
                self._sites[site.name] = (name, np.array(site.pos, float))
        for index in self._mb_joints.get(mb, []):  # joint motors are velocity motors by default: free them
            p.setJointMotorControl2(mb, index, p.VELOCITY_CONTROL, force=0.0, physicsClientId=cid)

    def _subtree_inertia(self, joint: str) -> float:
        """Effective inertia (or mass) a joint drives, at the built pose, plus its armature."""
        mb, link, kind = self._joints[joint]
        cid = self.client
        axis = np.array(self._joint_specs[joint].axis, float)
        joint_frame = p.getLinkState(mb, link, computeForwardKinematics=1, physicsClientId=cid)
        world_axis = _rotate(joint_frame[5], axis)
        origin = np.array(joint_frame[4])
        children = {link}
        total = 0.0
        for index in range(link, p.getNumJoints(mb, physicsClientId=cid)):
            parent = p.getJointInfo(mb, index, physicsClientId=cid)[16]
            if index != link and parent not in children:
                continue
            children.add(index)
            dynamics = p.getDynamicsInfo(mb, index, physicsClientId=cid)
            mass = dynamics[0]
            state = p.getLinkState(mb, index, computeForwardKinematics=1, physicsClientId=cid)
            if kind == "slide":
                total += mass
            else:
                rotation = np.array(p.getMatrixFromQuaternion(state[1])).reshape(3, 3)
                tensor = rotation @ np.diag(dynamics[2]) @ rotation.T
                offset = np.array(state[0]) - origin
                radial = offset - (offset @ world_axis) * world_axis
                total += float(world_axis @ tensor @ world_axis) + mass * float(radial @ radial)
        return total + self._joint_specs[joint].armature

    def _build_actuators(self, scene: Scene) -> None:
        self._actuators: dict[str, tuple] = {}
        dt = scene.timestep
        for actuator in scene.actuators:
            mb, index, _ = self._joints[actuator.joint]
            damping = self._joint_specs[actuator.joint].damping
            force = max(abs(f) for f in actuator.force_range) if actuator.force_range is not None else _UNLIMITED_FORCE
            if actuator.kind == "position":
                gains = (min(1.0, dt * actuator.kp / max(actuator.kv + damping, 1e-9)), 1.0)
            else:
                # MuJoCo integrates the servo's damping implicitly: per step the velocity error
                # shrinks by dt kv / (I + dt kv); the motor's velocity gain is that fraction.
                gains = (0.0, dt * actuator.kv / (self._subtree_inertia(actuator.joint) + dt * actuator.kv))
            # PyBullet caps a motor's impulse per internal substep at force x the call's time
            # step (the control period): force / substeps caps it at force x ``timestep``.
            self._actuators[actuator.name] = (mb, index, actuator.kind, gains, force / self.substeps, actuator.ctrl_range)
        self._nominal_actuators = dict(self._actuators)
        self._targets = {name: 0.0 for name in self._actuators}

    # --- cache ---------------------------------------------------------------------------
    def _changed(self) -> None:
        self._cache.clear()

    def _joint_states(self, mb: int) -> tuple[np.ndarray, np.ndarray]:
        key = ("joints", mb)
        states = self._cache.get(key)
        if states is None:
            indices = self._mb_joints[mb]
            raw = p.getJointStates(mb, indices, physicsClientId=self.client)
            states = (np.array([s[0] for s in raw]), np.array([s[1] for s in raw]))
            self._cache[key] = states
        return states

    def _frame_pose(self, name: str) -> tuple[np.ndarray, tuple]:
        """World position and orientation (x, y, z, w) of a body's own frame."""
        key = ("pose", name)
        pose = self._cache.get(key)
        if pose is None:
            frame = self._frames.get(name)
            if frame is None:
                raise KeyError(f"no body named {name!r} in this scene")
            if frame.link < 0:
                com, quat = p.getBasePositionAndOrientation(frame.mb, physicsClientId=self.client)
                position = np.array(com)
                if frame.has_offset:  # the base's reported frame is its centre of mass
                    position -= _rotate(quat, frame.com)
                pose = (position, quat)
            else:
                state = p.getLinkState(frame.mb, frame.link, computeForwardKinematics=1, physicsClientId=self.client)
                pose = (np.array(state[4]), state[5])
            self._cache[key] = pose
        return pose

    # --- stepping ------------------------------------------------------------------------
    def reset(self) -> None:
        """Returns the world to the state it was built in, contacts included.

        ``restoreState`` keeps contact points the saved state did not have, so an episode
        would start with the last one's contacts (warm-started impulses): first every body
        moves far from every other and the contacts are recomputed, which drops them all.
        """
        cid = self.client
        for i, mb in enumerate(self._multibodies):
            p.resetBasePositionAndOrientation(mb, [1000.0 + 10.0 * i, 0.0, 1000.0], [0.0, 0.0, 0.0, 1.0], physicsClientId=cid)
        p.performCollisionDetection(physicsClientId=cid)
        p.restoreState(self._initial_state, physicsClientId=cid)
        self._moved = True
        self._time = 0.0
        self.set_actuator_targets(list(self._actuators), [0.0] * len(self._actuators))
        self._changed()

    def forward(self) -> None:
        """Recomputes derived quantities (PyBullet does it on every query)."""
        self._changed()

    def step(self) -> None:
        """Advances the physics by one control period (``substeps`` physics steps, one call)."""
        p.stepSimulation(physicsClientId=self.client)
        self._time += self.control_dt
        self._changed()
        self._moved = False
        if self._diverged():
            raise PhysicsError(f"PyBullet simulation diverged at t={self._time:.3f}s")

    def _diverged(self) -> bool:
        for mb in self._mb_joints:
            positions, velocities = self._joint_states(mb)
            # One sum for both checks: any NaN or infinite entry (or inf - inf) makes it non-finite.
            # Python's sum over a few floats is cheaper than two numpy reductions.
            if not math.isfinite(sum(positions.tolist()) + sum(velocities.tolist())):
                return True
        return False

    def raw_step_rate(self, steps: int = 20_000) -> float:
        """Plain ``stepSimulation`` calls per second from the current state: the physics limit.

        Each call advances one ``timestep`` (not a control period): the engine switches to
        single-step calls while it times them. Motors keep their impulse caps, which hold
        per physics step either way.
        """
        cid = self.client
        saved = p.saveState(physicsClientId=cid)
        p.setPhysicsEngineParameter(fixedTimeStep=self.timestep, numSubSteps=0, physicsClientId=cid)
        try:
            step = p.stepSimulation
            started = time.perf_counter()
            for _ in range(steps):
                step(physicsClientId=cid)
            rate = steps / (time.perf_counter() - started)
        finally:
            p.setPhysicsEngineParameter(fixedTimeStep=self.control_dt, numSubSteps=self.substeps, physicsClientId=cid)
            p.restoreState(saved, physicsClientId=cid)
            p.removeState(saved, physicsClientId=cid)
            self._changed()
        return rate

    # --- queries -------------------------------------------------------------------------
    def site_position(self, name: str) -> np.ndarray:
        key = ("site", name)
        position = self._cache.get(key)
        if position is None:
            site = self._sites.get(name)
            if site is None:
                raise KeyError(f"no site named {name!r} in this scene")
            origin, quat = self._frame_pose(site[0])
            position = origin + _rotate(quat, site[1])
            self._cache[key] = position
        return position.copy()

    def body_position(self, name: str) -> np.ndarray:
        return self._frame_pose(name)[0].copy()

    def body_quaternion(self, name: str) -> np.ndarray:
        """World orientation of a body as a unit quaternion (w, x, y, z)."""
        x, y, z, w = self._frame_pose(name)[1]
        return np.array([w, x, y, z])

    def body_velocity(self, name: str) -> np.ndarray:
        """World-frame (linear xyz, angular xyz) velocity of a body's centre of mass, shape (6,)."""
        frame = self._frames.get(name)
        if frame is None:
            raise KeyError(f"no body named {name!r} in this scene")
        if frame.link < 0:
            linear, angular = p.getBaseVelocity(frame.mb, physicsClientId=self.client)
        else:
            state = p.getLinkState(frame.mb, frame.link, computeLinkVelocity=1, computeForwardKinematics=1, physicsClientId=self.client)
            linear, angular = state[6], state[7]
        return np.array([*linear, *angular])

    def _joint_plan(self, joints) -> list:
        key = tuple(joints)
        plan = self._joint_index_cache.get(key)
        if plan is None:
            plan = []
            for joint in key:
                entry = self._joints.get(joint)
                if entry is None or entry[2] == "free":
                    raise KeyError(f"no hinge or slide joint named {joint!r} in this scene")
                mb, index, _ = entry
                plan.append((mb, self._mb_joints[mb].index(index)))
            mbs = {mb for mb, _ in plan}
            if len(mbs) == 1:  # the usual case: one robot
                plan = (plan[0][0], np.array([i for _, i in plan]))
            self._joint_index_cache[key] = plan
        return plan

    def joint_positions(self, joints: list[str]) -> np.ndarray:
        plan = self._joint_plan(joints)
        if isinstance(plan, tuple):
            return self._joint_states(plan[0])[0][plan[1]]
        return np.array([self._joint_states(mb)[0][i] for mb, i in plan])

    def joint_velocities(self, joints: list[str]) -> np.ndarray:
        plan = self._joint_plan(joints)
        if isinstance(plan, tuple):
            return self._joint_states(plan[0])[1][plan[1]]
        return np.array([self._joint_states(mb)[1][i] for mb, i in plan])

    # --- commands ------------------------------------------------------------------------
    def set_joint_positions(self, joints: list[str], values) -> None:
        """Teleports hinge/slide joints to ``values`` with zero velocity (for resets)."""
        for joint, value in zip(joints, values):
            entry = self._joints.get(joint)
            if entry is None or entry[2] == "free":
                raise KeyError(f"no hinge or slide joint named {joint!r} in this scene")
            p.resetJointState(entry[0], entry[1], float(value), 0.0, physicsClientId=self.client)
        self._changed()
        self._moved = True

    def set_actuator_targets(self, actuators: list[str], values) -> None:
        key = ("actuators", tuple(actuators))
        groups = self._joint_index_cache.get(key)
        if groups is None:
            grouped: dict[tuple, list] = {}
            for position, name in enumerate(actuators):
                if name not in self._actuators:
                    raise KeyError(f"no actuator named {name!r} in this scene")
                mb, index, kind, gains, force, ctrl_range = self._actuators[name]
                grouped.setdefault((mb, kind), []).append((position, index, gains, force, ctrl_range))
            groups = []
            for (mb, kind), members in grouped.items():
                groups.append(
                    (
                        mb,
                        kind,
                        [m[0] for m in members],
                        [m[1] for m in members],
                        [m[2][0] for m in members],
                        [m[2][1] for m in members],
                        [m[3] for m in members],
                        [m[4] for m in members],
                    )
                )
            self._joint_index_cache[key] = groups
        cid = self.client
        for mb, kind, positions, indices, kp, kd, forces, ranges in groups:
            # MuJoCo clips controls to their range; scalar math is cheaper than numpy here.
            # min(high, max(low, v)) without the calls (NaN to low, as before)
            targets = [float(values[i]) for i in positions]
            targets = [low if not v >= low else high if v > high else v for v, (low, high) in zip(targets, ranges)]
            if kind == "position":
                p.setJointMotorControlArray(
                    mb,
                    indices,
                    p.POSITION_CONTROL,
                    targetPositions=targets,
                    forces=forces,
                    positionGains=kp,
                    velocityGains=kd,
                    physicsClientId=cid,
                )
            else:
                p.setJointMotorControlArray(
                    mb, indices, p.VELOCITY_CONTROL, targetVelocities=targets, forces=forces, velocityGains=kd, physicsClientId=cid
                )
            for position, target in zip(positions, targets):
                self._targets[actuators[position]] = target

    def set_body_position(self, name: str, position) -> None:
        """Moves a mocap body or a free-jointed body (resetting its velocity)."""
        frame = self._frames.get(name)
        if frame is None:
            raise KeyError(f"no body named {name!r} in this scene")
        if not frame.movable:
            raise KeyError(f"body {name!r} is neither mocap nor free-jointed; it cannot be moved")
        com = np.asarray(position, float) + frame.com  # identity orientation: the offset is unrotated
        cid = self.client
        p.resetBasePositionAndOrientation(frame.mb, com.tolist(), [0.0, 0.0, 0.0, 1.0], physicsClientId=cid)
        if frame.dynamic:
            p.resetBaseVelocity(frame.mb, [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], physicsClientId=cid)
        self._changed()
        self._moved = True  # broadphase bounds are stale until the next step or collision pass

    # --- domain randomisation: changes relative to the scene as built ------------------------
    def _paint(self, name: str) -> None:
        """Applies a body's current colour factors and visibility to its visual shapes."""
        factors, visible = self._looks.get(name, (np.ones(3), True))
        for mb, link, index, rgba in self._visuals[name]:
            color = [*np.clip(rgba[:3] * factors, 0.0, 1.0), rgba[3] if visible else 0.0]
            p.changeVisualShape(mb, link, shapeIndex=index, rgbaColor=color, physicsClientId=self.client)

    def scale_body_rgb(self, name: str, factors) -> None:
        """Multiplies the built RGB of every geom of a body by ``factors`` (3,), clipped to [0, 1]."""
        if name not in self._visuals:
            raise KeyError(f"no body named {name!r} in this scene")
        self._looks[name] = (np.asarray(factors, dtype=float), self._looks.get(name, (None, True))[1])
        self._paint(name)

    def set_body_visible(self, name: str, visible: bool) -> None:
        """Shows or hides every geom of a body in renders (TinyRenderer skips hidden shapes).

        Unlike MuJoCo's scan, a hidden body still stops rays: tasks park hidden bodies out of
        every scan anyway.
        """
        if name not in self._visuals:
            raise KeyError(f"no body named {name!r} in this scene")
        factors, shown = self._looks.get(name, (np.ones(3), True))
        if shown != bool(visible):  # a call costs a round trip: only on changes
            self._looks[name] = (factors, bool(visible))
            self._paint(name)

    def scale_body_friction(self, name: str, factor: float) -> None:
        """Multiplies the built sliding friction of every geom of a body by ``factor``."""
        if name not in self._frictions:
            raise KeyError(f"no body named {name!r} in this scene")
        for mb, link, mu in self._frictions[name]:
            # The contact's coefficient is the product of both sides' square roots: scale by sqrt.
            p.changeDynamics(mb, link, lateralFriction=mu * math.sqrt(factor), physicsClientId=self.client)

    def scale_servo_gains(self, factor: float) -> None:
        """Multiplies the built stiffness ``kp`` of every position servo by ``factor``."""
        for name, (mb, index, kind, gains, force, ctrl_range) in self._nominal_actuators.items():
            if kind == "position":  # the motor's position gain is dt kp / (kv + damping)
                self._actuators[name] = (mb, index, kind, (min(1.0, gains[0] * factor), gains[1]), force, ctrl_range)
        self._joint_index_cache = {key: plan for key, plan in self._joint_index_cache.items() if key[0] != "actuators"}

    def scale_body_mass(self, name: str, factor: float) -> None:
        """Multiplies a body's built mass (and inertia) by ``factor``."""
        if name not in self._masses:
            raise KeyError(f"no body named {name!r} in this scene")
        mb, link, mass, inertia = self._masses[name]
        if mass > 0:
            p.changeDynamics(mb, link, mass=mass * factor, localInertiaDiagonal=list(inertia * factor), physicsClientId=self.client)

    def set_light(self, intensity: float, direction_offset) -> None:
        """Scales the built light's intensity and tilts its direction by ``direction_offset`` (3,)."""
        self._light_intensity = float(intensity)
        direction = _LIGHT_DIR / np.linalg.norm(_LIGHT_DIR) + np.asarray(direction_offset)
        self._light_dir = -direction / np.linalg.norm(direction)

    def set_camera_pose(self, name: str, pos, lookat) -> None:
        """Moves a camera to ``pos`` looking at ``lookat``, both in its body's frame."""
        if name not in self._cameras:
            raise KeyError(f"no camera named {name!r} in this scene")
        self._cameras[name][1] = np.array(pos, float)
        self._cameras[name][2] = np.array(lookat, float)

    def camera_pose(self, name: str) -> tuple[np.ndarray, np.ndarray, float]:
        """A camera's current ``(pos, lookat, fovy)`` in its body's frame."""
        if name not in self._cameras:
            raise KeyError(f"no camera named {name!r} in this scene")
        _, pos, lookat, fovy = self._cameras[name]
        return pos.copy(), lookat.copy(), float(fovy)

    # --- state ---------------------------------------------------------------------------
    def get_state(self) -> np.ndarray:
        """Time, every multibody's base pose and velocity and joint states, and the servo targets."""
        cid = self.client
        parts = [np.array([self._time])]
        for mb in self._multibodies:
            position, quat = p.getBasePositionAndOrientation(mb, physicsClientId=cid)
            linear, angular = p.getBaseVelocity(mb, physicsClientId=cid)
            parts.append(np.array([*position, *quat, *linear, *angular]))
            if mb in self._mb_joints:
                parts.extend(self._joint_states(mb))
        parts.append(np.array([self._targets[name] for name in self._actuators]))
        return np.concatenate(parts)

    def set_state(self, state: np.ndarray) -> None:
        cid = self.client
        state = np.asarray(state, dtype=float)
        self._time = float(state[0])
        offset = 1
        for mb in self._multibodies:
            base = state[offset : offset + 13]
            offset += 13
            p.resetBasePositionAndOrientation(mb, base[:3].tolist(), base[3:7].tolist(), physicsClientId=cid)
            p.resetBaseVelocity(mb, base[7:10].tolist(), base[10:13].tolist(), physicsClientId=cid)
            indices = self._mb_joints.get(mb, [])
            n = len(indices)
            if n:
                positions, velocities = state[offset : offset + n], state[offset + n : offset + 2 * n]
                offset += 2 * n
                for index, q, qd in zip(indices, positions, velocities):
                    p.resetJointState(mb, index, float(q), float(qd), physicsClientId=cid)
        self.set_actuator_targets(list(self._actuators), state[offset : offset + len(self._actuators)])
        self._changed()
        self._moved = True

    # --- rendering -----------------------------------------------------------------------
    def _camera_matrices(self, camera: str, width: int, height: int) -> tuple[list, list]:
        entry = self._cameras.get(camera)
        if entry is None:
            raise KeyError(f"no camera named {camera!r} in this scene")
        body, pos, lookat, fovy = entry
        forward, up = camera_axes(pos, lookat)
        if body is not None:  # carried by a body: its pose in the world
            origin, quat = self._frame_pose(body)
            pos = origin + _rotate(quat, pos)
            forward, up = _rotate(quat, forward), _rotate(quat, up)
        view = p.computeViewMatrix(pos.tolist(), (pos + forward).tolist(), up.tolist(), physicsClientId=self.client)
        projection = p.computeProjectionMatrixFOV(fovy, width / height, _NEAR, _FAR, physicsClientId=self.client)
        return view, projection

    def _image(self, camera: str, width: int, height: int):
        if width > _MAX_RENDER_SIZE[0] or height > _MAX_RENDER_SIZE[1]:
            raise ValueError(f"render size {width}x{height} exceeds the maximum {_MAX_RENDER_SIZE[0]}x{_MAX_RENDER_SIZE[1]}")
        view, projection = self._camera_matrices(camera, width, height)
        intensity = self._light_intensity
        return p.getCameraImage(
            width,
            height,
            viewMatrix=view,
            projectionMatrix=projection,
            shadow=0,
            lightDirection=self._light_dir.tolist(),
            lightColor=[1.0, 1.0, 1.0],
            lightAmbientCoeff=0.55,
            lightDiffuseCoeff=0.45 * intensity,
            lightSpecularCoeff=0.05 * intensity,
            renderer=p.ER_TINY_RENDERER,
            flags=p.ER_NO_SEGMENTATION_MASK,
            physicsClientId=self.client,
        )

    def render(self, camera: str, width: int, height: int, fast: bool = True) -> np.ndarray:
        """Renders ``camera`` as a uint8 RGB array of shape (height, width, 3).

        TinyRenderer on the CPU, without shadows, whatever ``fast`` says (kept for the
        MuJoCo engine's signature, where it turns off costly effects).
        """
        _, _, rgba, depth, _ = self._image(camera, width, height)
        rgb = np.asarray(rgba, dtype=np.uint8).reshape(height, width, 4)[:, :, :3].copy()
        rgb[np.asarray(depth).reshape(height, width) >= 1.0] = 0  # TinyRenderer's background is white, MuJoCo's black
        return rgb

    def render_depth(self, camera: str, width: int, height: int) -> np.ndarray:
        """Distance along the optical axis to the nearest surface, metres, float32 (height, width)."""
        buffer = np.asarray(self._image(camera, width, height)[3], dtype=np.float64).reshape(height, width)
        depth = _FAR * _NEAR / (_FAR - (_FAR - _NEAR) * buffer)
        return depth.astype(np.float32)

    def close(self) -> None:
        if self.client is not None and p.isConnected(physicsClientId=self.client):
            p.disconnect(physicsClientId=self.client)
        self.client = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: pybullet may already be gone
            pass

    def ray_distances(self, origin, directions, max_distance: float, exclude_body: str | None = None) -> np.ndarray:
        """Distances from ``origin`` along unit ``directions`` to the nearest colliding geom: a range scan.

        Args:
            origin: World point all rays start from, shape (3,).
            directions: Unit ray directions in the world frame, shape (n, 3).
            max_distance: Range of the scan, metres; rays that hit nothing closer read this.
            exclude_body: Name of a body whose geoms the rays pass through (the sensor's own body).

        Returns:
            float64 array of shape (n,), each in [0, max_distance]. Unlike MuJoCo's scan,
            only colliding geoms are seen (keep purely visual geoms out of the scan plane,
            as the MuJoCo engine asks anyway).
        """
        cid = self.client
        if exclude_body is not None and exclude_body not in self._ray_excluded:
            frame = self._frames.get(exclude_body)
            if frame is None:
                raise KeyError(f"no body named {exclude_body!r} in this scene")
            group = _RAY_EXCLUDED
            mask = _ALL if frame.dynamic else _ALL ^ _STATIC_GROUP
            p.setCollisionFilterGroupMask(frame.mb, frame.link, group, mask, physicsClientId=cid)
            self._ray_excluded.add(exclude_body)
        if self._moved:  # rays search the broadphase: bring moved bodies' bounds up to date
            p.performCollisionDetection(physicsClientId=cid)
            self._moved = False
        start = [float(v) for v in origin]
        ends = np.multiply(directions, max_distance)
        ends += start
        mask = _ALL ^ _RAY_EXCLUDED if exclude_body is not None else _ALL
        hits = p.rayTestBatch([start] * len(ends), ends.tolist(), collisionFilterMask=mask, physicsClientId=cid)
        # A miss reads fraction 1.0, so the range for it.
        return np.array([max_distance * min(hit[2], 1.0) for hit in hits])


__all__ = ["BulletEngine", "camera_axes"]
