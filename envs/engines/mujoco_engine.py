"""MuJoCo engine adapter: builds a :class:`envs.scene.Scene` and answers named queries.

The only module in robocue that imports ``mujoco``. Modelled on dm_control's ``Physics``:
tasks and robots ask for things by name and never touch ``MjModel``/``MjData`` directly.
"""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET

# Headless by default; a user's own MUJOCO_GL (osmesa, glfw) wins.
os.environ.setdefault("MUJOCO_GL", "egl")

import mujoco  # noqa: E402
import numpy as np  # noqa: E402

from robocue.envs.engines import PhysicsError  # noqa: E402
from robocue.envs.scene import Body, Camera, Scene  # noqa: E402

_MAX_RENDER_SIZE = (1280, 960)
_BADQACC = int(mujoco.mjtWarning.mjWARN_BADQACC)
_COARSE_SLICES_STACKS = (12, 6)  # MuJoCo's defaults are 28 and 16
_FAST_FLAGS_OFF = (
    mujoco.mjtRndFlag.mjRND_SHADOW,
    mujoco.mjtRndFlag.mjRND_REFLECTION,
    mujoco.mjtRndFlag.mjRND_SKYBOX,
    mujoco.mjtRndFlag.mjRND_FOG,
    mujoco.mjtRndFlag.mjRND_HAZE,
)


def _fmt(values) -> str:
    return " ".join(f"{float(v):.6g}" for v in values)


def _camera_xyaxes(camera: Camera) -> np.ndarray:
    forward = np.subtract(camera.lookat, camera.pos).astype(float)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    if np.linalg.norm(right) < 1e-6:  # looking straight down: pick +x as "up" in the image
        right = np.cross(forward, (1.0, 0.0, 0.0))
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return np.concatenate([right, up])


def _camera_quaternion(pos, lookat) -> np.ndarray:
    """Orientation (w, x, y, z) of a camera at ``pos`` looking at ``lookat`` (MuJoCo looks along -z)."""
    axes = _camera_xyaxes(Camera("", tuple(pos), tuple(lookat)))
    x, y = axes[:3], axes[3:]
    matrix = np.column_stack([x, y, np.cross(x, y)])
    quaternion = np.empty(4)
    mujoco.mju_mat2Quat(quaternion, matrix.ravel())
    return quaternion


def _add_camera(parent: ET.Element, camera: Camera) -> None:
    attrs = {"name": camera.name, "pos": _fmt(camera.pos), "xyaxes": _fmt(_camera_xyaxes(camera)), "fovy": f"{camera.fovy:g}"}
    ET.SubElement(parent, "camera", attrs)


def _add_body(parent: ET.Element, body: Body) -> None:
    attrs = {"name": body.name, "pos": _fmt(body.pos)}
    if body.mocap:
        attrs["mocap"] = "true"
    element = ET.SubElement(parent, "body", attrs)
    if body.joint is not None:
        joint = body.joint
        if joint.type == "free":
            ET.SubElement(element, "freejoint", {"name": joint.name})
        else:
            jattrs = {
                "name": joint.name,
                "type": joint.type,
                "axis": _fmt(joint.axis),
                "damping": f"{joint.damping:g}",
                "armature": f"{joint.armature:g}",
            }
            if joint.range is not None:
                jattrs.update(limited="true", range=_fmt(joint.range))
            ET.SubElement(element, "joint", jattrs)
    for geom in body.geoms:
        gattrs = {"type": geom.shape, "rgba": _fmt(geom.rgba), "friction": f"{geom.friction:g} 0.005 0.0001"}
        if geom.rolling_friction is not None:
            gattrs.update(friction=_fmt((geom.friction, *geom.rolling_friction)), condim="6")
        if geom.fromto is not None:
            gattrs.update(fromto=_fmt(geom.fromto), size=_fmt(geom.size[:1]))
        else:
            gattrs.update(pos=_fmt(geom.pos), size=_fmt(geom.size))
        if not geom.collides:
            gattrs.update(contype="0", conaffinity="0")
        if geom.mass is not None:
            gattrs["mass"] = f"{geom.mass:g}"
        ET.SubElement(element, "geom", gattrs)
    for site in body.sites:
        ET.SubElement(
            element,
            "site",
            {"name": site.name, "pos": _fmt(site.pos), "size": f"{site.size:g}", "rgba": _fmt(site.rgba)},
        )
    for camera in body.cameras:
        _add_camera(element, camera)
    for child in body.children:
        _add_body(element, child)


def scene_to_mjcf(scene: Scene) -> str:
    """Translates an engine-neutral scene into an MJCF XML string."""
    root = ET.Element("mujoco", {"model": "robocue"})
    ET.SubElement(root, "compiler", {"angle": "radian"})
    ET.SubElement(
        root,
        "option",
        {"timestep": f"{scene.timestep:g}", "gravity": _fmt(scene.gravity), "integrator": "implicitfast"},
    )
    visual = ET.SubElement(root, "visual")
    ET.SubElement(visual, "global", {"offwidth": str(_MAX_RENDER_SIZE[0]), "offheight": str(_MAX_RENDER_SIZE[1])})
    ET.SubElement(visual, "quality", {"shadowsize": "2048"})
    worldbody = ET.SubElement(root, "worldbody")
    ET.SubElement(
        worldbody,
        "light",
        {"pos": "0.3 -0.6 2.0", "dir": "-0.1 0.3 -1", "directional": "true", "diffuse": "0.6 0.6 0.6"},
    )
    for camera in scene.cameras:
        _add_camera(worldbody, camera)
    for body in scene.bodies:
        _add_body(worldbody, body)
    actuators = ET.SubElement(root, "actuator")
    for actuator in scene.actuators:
        attrs = {
            "name": actuator.name,
            "joint": actuator.joint,
            "kv": f"{actuator.kv:g}",
            "ctrlrange": _fmt(actuator.ctrl_range),
            "ctrllimited": "true",
        }
        if actuator.kind == "position":
            attrs["kp"] = f"{actuator.kp:g}"
        if actuator.force_range is not None:
            attrs.update(forcelimited="true", forcerange=_fmt(actuator.force_range))
        ET.SubElement(actuators, actuator.kind, attrs)
    return ET.tostring(root, encoding="unicode")


class MuJoCoEngine:
    """A MuJoCo world built from a :class:`Scene`, queried and driven by name."""

    name = "mujoco"

    def __init__(self, scene: Scene):
        self.model = mujoco.MjModel.from_xml_string(scene_to_mjcf(scene))
        self.data = mujoco.MjData(self.model)
        self.substeps = scene.substeps
        self.control_dt = scene.timestep * scene.substeps
        self._renderers: dict[tuple, mujoco.Renderer] = {}
        self._ids: dict[tuple, int] = {}  # name lookups are cached: they sit on the step path
        self._joint_index_cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._ray_buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # Views into MjData read on every step: each attribute access builds a new array
        # object, which costs as much as the read itself (MjData's buffers never move).
        self._warnings = self.data.warning.number
        d = self.data
        self._qpos, self._qvel, self._ctrl, self._site_xpos, self._xpos = d.qpos, d.qvel, d.ctrl, d.site_xpos, d.xpos
        self._site_rows: dict[str, int] = {}
        self._body_rows: dict[str, int] = {}
        self._actuator_rows: dict[tuple, np.ndarray] = {}
        self._geoms_of: dict[str, np.ndarray] = {}
        self._masses_changed, self._scratch = False, None
        # As built: domain randomisation scales these, never compounding across episodes.
        m = self.model
        self._nominal = {
            "geom_rgba": m.geom_rgba.copy(),
            "geom_friction": m.geom_friction.copy(),
            "body_mass": m.body_mass.copy(),
            "body_inertia": m.body_inertia.copy(),
            "actuator_gainprm": m.actuator_gainprm.copy(),
            "actuator_biasprm": m.actuator_biasprm.copy(),
            "light_diffuse": m.light_diffuse.copy(),
            "light_dir": m.light_dir.copy(),
        }
        mujoco.mj_forward(self.model, self.data)

    # --- ids -------------------------------------------------------------------------
    def _id(self, kind: mujoco.mjtObj, name: str) -> int:
        index = self._ids.get((kind, name))
        if index is None:
            index = mujoco.mj_name2id(self.model, kind, name)
            if index < 0:
                raise KeyError(f"no {kind.name[6:].lower()} named {name!r} in this scene")
            self._ids[(kind, name)] = index
        return index

    def _joint_indices(self, joints) -> tuple[np.ndarray, np.ndarray]:
        """qpos and qvel indices of a sequence of single-dof joints (cached per sequence)."""
        key = tuple(joints)
        indices = self._joint_index_cache.get(key)
        if indices is None:
            indices = (np.array([self._qpos_adr(j) for j in key]), np.array([self._dof_adr(j) for j in key]))
            self._joint_index_cache[key] = indices
        return indices

    def _qpos_adr(self, joint: str) -> int:
        return int(self.model.jnt_qposadr[self._id(mujoco.mjtObj.mjOBJ_JOINT, joint)])

    def _dof_adr(self, joint: str) -> int:
        return int(self.model.jnt_dofadr[self._id(mujoco.mjtObj.mjOBJ_JOINT, joint)])

    # --- stepping ----------------------------------------------------------------------
    def reset(self) -> None:
        """Returns the world to the state it was built in."""
        mujoco.mj_resetData(self.model, self.data)
        mujoco.mj_forward(self.model, self.data)

    def forward(self) -> None:
        """Recomputes derived quantities (positions of sites and bodies) after edits."""
        mujoco.mj_forward(self.model, self.data)

    def step(self) -> None:
        """Advances the physics by one control period (``substeps`` physics steps)."""
        if self._masses_changed:
            self._set_constants()
        mujoco.mj_step(self.model, self.data, nstep=self.substeps)
        # MuJoCo flags (and resets) NaN/inf or huge accelerations with this warning.
        if self._warnings[_BADQACC] > 0:
            raise PhysicsError(f"MuJoCo simulation diverged at t={self.data.time:.3f}s")

    def raw_step_rate(self, steps: int = 20_000) -> float:
        """Plain ``mj_step`` calls per second on a copy of the current state: the physics limit."""
        data = mujoco.MjData(self.model)
        mujoco.mj_setState(self.model, data, self.get_state(), mujoco.mjtState.mjSTATE_INTEGRATION)
        data.ctrl[:] = self.data.ctrl
        step, model = mujoco.mj_step, self.model
        started = time.perf_counter()
        for _ in range(steps):
            step(model, data)
        return steps / (time.perf_counter() - started)

    # --- queries -------------------------------------------------------------------------
    def site_position(self, name: str) -> np.ndarray:
        row = self._site_rows.get(name)
        if row is None:
            row = self._site_rows[name] = self._id(mujoco.mjtObj.mjOBJ_SITE, name)
        return self._site_xpos[row].copy()

    def body_position(self, name: str) -> np.ndarray:
        row = self._body_rows.get(name)
        if row is None:
            row = self._body_rows[name] = self._id(mujoco.mjtObj.mjOBJ_BODY, name)
        return self._xpos[row].copy()

    def body_quaternion(self, name: str) -> np.ndarray:
        """World orientation of a body as a unit quaternion (w, x, y, z)."""
        return self.data.xquat[self._id(mujoco.mjtObj.mjOBJ_BODY, name)].copy()

    def body_velocity(self, name: str) -> np.ndarray:
        """World-frame (linear xyz, angular xyz) velocity of a body's frame, shape (6,)."""
        velocity = np.zeros(6)
        body = self._id(mujoco.mjtObj.mjOBJ_BODY, name)
        mujoco.mj_objectVelocity(self.model, self.data, mujoco.mjtObj.mjOBJ_BODY, body, velocity, 0)
        return np.concatenate([velocity[3:], velocity[:3]])  # MuJoCo returns (angular, linear)

    def joint_positions(self, joints: list[str]) -> np.ndarray:
        return self._qpos[self._joint_indices(joints)[0]]

    def joint_velocities(self, joints: list[str]) -> np.ndarray:
        return self._qvel[self._joint_indices(joints)[1]]

    # --- commands -----------------------------------------------------------------------
    def set_joint_positions(self, joints: list[str], values) -> None:
        """Teleports hinge/slide joints to ``values`` with zero velocity (for resets)."""
        qpos, qvel = self._joint_indices(joints)
        self._qpos[qpos] = values
        self._qvel[qvel] = 0.0

    def set_actuator_targets(self, actuators: list[str], values) -> None:
        key = actuators if type(actuators) is tuple else tuple(actuators)
        indices = self._actuator_rows.get(key)
        if indices is None:
            indices = self._actuator_rows[key] = np.array([self._id(mujoco.mjtObj.mjOBJ_ACTUATOR, a) for a in key])
        self._ctrl[indices] = values

    def set_body_position(self, name: str, position) -> None:
        """Moves a mocap body or a free-jointed body (resetting its velocity)."""
        body = self._id(mujoco.mjtObj.mjOBJ_BODY, name)
        mocap = self.model.body_mocapid[body]
        if mocap >= 0:
            self.data.mocap_pos[mocap] = position
            return
        joint = self.model.body_jntadr[body]
        if joint < 0 or self.model.jnt_type[joint] != mujoco.mjtJoint.mjJNT_FREE:
            raise KeyError(f"body {name!r} is neither mocap nor free-jointed; it cannot be moved")
        qpos, dof = self.model.jnt_qposadr[joint], self.model.jnt_dofadr[joint]
        self.data.qpos[qpos : qpos + 3] = position
        self.data.qpos[qpos + 3 : qpos + 7] = (1.0, 0.0, 0.0, 0.0)
        self.data.qvel[dof : dof + 6] = 0.0

    # --- domain randomisation: changes relative to the scene as built -------------------------
    def _body_geoms(self, name: str) -> np.ndarray:
        geoms = self._geoms_of.get(name)
        if geoms is None:  # cached: resets show and hide bodies every episode
            geoms = self._geoms_of[name] = np.flatnonzero(self.model.geom_bodyid == self._id(mujoco.mjtObj.mjOBJ_BODY, name))
        return geoms

    def scale_body_rgb(self, name: str, factors) -> None:
        """Multiplies the built RGB of every geom of a body by ``factors`` (3,), clipped to [0, 1]."""
        geoms = self._body_geoms(name)
        rgb = self._nominal["geom_rgba"][geoms, :3] * np.asarray(factors)
        self.model.geom_rgba[geoms, :3] = np.clip(rgb, 0.0, 1.0)

    def scale_body_friction(self, name: str, factor: float) -> None:
        """Multiplies the built sliding friction of every geom of a body by ``factor``."""
        geoms = self._body_geoms(name)
        self.model.geom_friction[geoms, 0] = self._nominal["geom_friction"][geoms, 0] * factor

    def scale_servo_gains(self, factor: float) -> None:
        """Multiplies the built stiffness ``kp`` of every position servo by ``factor``."""
        gain, bias = self._nominal["actuator_gainprm"], self._nominal["actuator_biasprm"]
        position = bias[:, 1] != 0  # a position servo's force is kp (ctrl - q) - kv qdot: bias [0, -kp, -kv]
        self.model.actuator_gainprm[position, 0] = gain[position, 0] * factor
        self.model.actuator_biasprm[position, 1] = bias[position, 1] * factor

    def scale_body_mass(self, name: str, factor: float) -> None:
        """Multiplies a body's built mass (and inertia) by ``factor``."""
        body = self._id(mujoco.mjtObj.mjOBJ_BODY, name)
        self.model.body_mass[body] = self._nominal["body_mass"][body] * factor
        self.model.body_inertia[body] = self._nominal["body_inertia"][body] * factor
        self._masses_changed = True  # the solver's constants follow before the next step

    def _set_constants(self) -> None:
        """Recomputes the model's mass-derived constants (``body_invweight0``, ...). Without it a
        heavier object keeps the contact softness of its built mass and the push blows up."""
        if self._scratch is None:
            self._scratch = mujoco.MjData(self.model)  # mj_setConst writes into its data argument
        mujoco.mj_setConst(self.model, self._scratch)
        self._masses_changed = False

    def set_light(self, intensity: float, direction_offset) -> None:
        """Scales the built light's diffuse intensity and tilts its direction by ``direction_offset`` (3,)."""
        self.model.light_diffuse[:] = np.clip(self._nominal["light_diffuse"] * intensity, 0.0, 1.0)
        direction = self._nominal["light_dir"] + np.asarray(direction_offset)
        self.model.light_dir[:] = direction / np.linalg.norm(direction, axis=-1, keepdims=True)

    def set_camera_pose(self, name: str, pos, lookat) -> None:
        """Moves a camera to ``pos`` looking at ``lookat``, both in its body's frame."""
        camera = self._id(mujoco.mjtObj.mjOBJ_CAMERA, name)
        self.model.cam_pos[camera] = pos
        self.model.cam_quat[camera] = _camera_quaternion(pos, lookat)

    def camera_pose(self, name: str) -> tuple[np.ndarray, np.ndarray, float]:
        """A camera's current ``(pos, lookat, fovy)`` in its body's frame (lookat one metre
        along its view)."""
        camera = self._id(mujoco.mjtObj.mjOBJ_CAMERA, name)
        w, x, y, z = np.asarray(self.model.cam_quat[camera], float)
        # The camera looks along its local -z axis.
        forward = -np.array([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)])
        pos = np.asarray(self.model.cam_pos[camera], float)
        return pos, pos + forward, float(self.model.cam_fovy[camera])

    # --- state -------------------------------------------------------------------------
    def get_state(self) -> np.ndarray:
        spec = mujoco.mjtState.mjSTATE_INTEGRATION
        state = np.empty(mujoco.mj_stateSize(self.model, spec))
        mujoco.mj_getState(self.model, self.data, state, spec)
        return state

    def set_state(self, state: np.ndarray) -> None:
        mujoco.mj_setState(self.model, self.data, state, mujoco.mjtState.mjSTATE_INTEGRATION)
        mujoco.mj_forward(self.model, self.data)

    # --- rendering -------------------------------------------------------------------------
    def render(self, camera: str, width: int, height: int, fast: bool = True) -> np.ndarray:
        """Renders ``camera`` as a uint8 RGB array of shape (height, width, 3).

        ``fast`` turns off shadows, reflections, skybox, fog, haze and multisampling: on
        a CPU (Mesa's llvmpipe) these dominate the cost of a frame (84x84: about 0.6 ms
        instead of 14 ms). Videos use ``fast=False``.
        """
        if width > _MAX_RENDER_SIZE[0] or height > _MAX_RENDER_SIZE[1]:
            raise ValueError(f"render size {width}x{height} exceeds the maximum {_MAX_RENDER_SIZE[0]}x{_MAX_RENDER_SIZE[1]}")
        renderer = self._renderers.get((width, height, fast))
        if renderer is None:
            renderer = self._make_renderer(width, height, samples=0 if fast else 4, coarse=fast)
            self._renderers[(width, height, fast)] = renderer
        renderer.update_scene(self.data, camera=camera)
        for flag in _FAST_FLAGS_OFF:
            renderer.scene.flags[flag] = 0 if fast else 1
        return renderer.render()

    def render_depth(self, camera: str, width: int, height: int) -> np.ndarray:
        """Distance along the optical axis to the nearest surface, metres, float32 (height, width)."""
        key = (width, height, "depth")
        renderer = self._renderers.get(key)
        if renderer is None:
            renderer = self._make_renderer(width, height, samples=0, coarse=True)
            renderer.enable_depth_rendering()
            self._renderers[key] = renderer
        renderer.update_scene(self.data, camera=camera)
        return renderer.render().astype(np.float32)

    def _make_renderer(self, width: int, height: int, samples: int, coarse: bool = False) -> mujoco.Renderer:
        """A renderer; ``coarse`` tessellates spheres, cylinders and capsules more coarsely
        (read when the GL context is made), which a 84x84 frame cannot tell apart."""
        quality = self.model.vis.quality
        defaults = (quality.offsamples, quality.numslices, quality.numstacks)
        quality.offsamples = samples
        if coarse:
            quality.numslices, quality.numstacks = _COARSE_SLICES_STACKS
        try:
            return mujoco.Renderer(self.model, height=height, width=width)
        except mujoco.FatalError as error:
            raise RuntimeError(
                f"MuJoCo could not create an OpenGL context ({error}). Set MUJOCO_GL=egl (or osmesa) "
                "before anything imports mujoco; see the README's headless-rendering notes."
            ) from error
        finally:
            quality.offsamples, quality.numslices, quality.numstacks = defaults

    def set_body_visible(self, name: str, visible: bool) -> None:
        """Shows or hides every geom of a body in renders (parked bodies cost draw time)."""
        geoms = self._body_geoms(name)
        self.model.geom_rgba[geoms, 3] = self._nominal["geom_rgba"][geoms, 3] if visible else 0.0

    def close(self) -> None:
        for renderer in self._renderers.values():
            renderer.close()
        self._renderers.clear()

    def ray_distances(self, origin, directions, max_distance: float, exclude_body: str | None = None) -> np.ndarray:
        """Distances from ``origin`` along unit ``directions`` to the nearest visible geom: a range scan.

        Args:
            origin: World point all rays start from, shape (3,).
            directions: Unit ray directions in the world frame, shape (n, 3).
            max_distance: Range of the scan, metres; rays that hit nothing closer read this.
            exclude_body: Name of a body whose geoms the rays pass through (the sensor's own body).

        Returns:
            float64 array of shape (n,), each in [0, max_distance]. Every visible geom counts,
            colliding or not (as in ``mj_ray``), so purely visual geoms a scan should not see
            must lie outside the scan plane.
        """
        # This runs every step of the navigation tasks: its buffers and ids are cached.
        directions = np.ascontiguousarray(directions, dtype=np.float64)
        n = directions.shape[0]
        body = -1
        if exclude_body is not None:
            body = self._body_rows.get(exclude_body)
            if body is None:
                body = self._body_rows[exclude_body] = self._id(mujoco.mjtObj.mjOBJ_BODY, exclude_body)
        buffers = self._ray_buffers.get(n)
        if buffers is None:
            buffers = self._ray_buffers[n] = (np.empty(n), np.empty(n, dtype=np.int32))
        distances, geoms = buffers
        if type(origin) is not np.ndarray or origin.dtype != np.float64:
            origin = np.asarray(origin, dtype=np.float64)
        mujoco.mj_multiRay(self.model, self.data, origin, directions.ravel(), None, True, body, geoms, distances, None, n, max_distance)
        # A ray that hits nothing reads -1, and hits past the cutoff can still be reported (it
        # only culls geoms by their bounding spheres): -1 modulo 1e9 is 1e9 - 1, every real
        # distance is its own remainder, so one minimum then clamps both to max_distance.
        return np.minimum(np.remainder(distances, 1e9), max_distance)
