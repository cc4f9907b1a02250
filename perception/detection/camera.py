"""Camera geometry: a pinhole model of a scene camera, as both engines render it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from robocue.envs.scene import Camera
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE
from robocue.perception.detection.base import PIXEL_OFFSET, DetectionError


# --- camera geometry --------------------------------------------------------------------------
@dataclass(frozen=True)
class CameraModel:
    """A pinhole camera at ``pos`` looking at ``lookat`` with vertical field of view ``fovy``
    (degrees), rendering ``width`` x ``height`` images, as MuJoCo and PyBullet build it: image
    right is ``forward x world-up``, image up completes the frame, square pixels.
    """

    pos: tuple[float, float, float]
    lookat: tuple[float, float, float]
    fovy: float
    width: int
    height: int
    offset: tuple[float, float] = (0.0, 0.0)
    """Where the engine's image puts a point, relative to the ideal pinhole's (u, v), pixels:
    ``PIXEL_OFFSET[engine]``."""

    @classmethod
    def from_camera(cls, camera: Camera, width: int, height: int, offset=(0.0, 0.0)) -> CameraModel:
        pos, lookat = tuple(map(float, camera.pos)), tuple(map(float, camera.lookat))
        return cls(pos, lookat, float(camera.fovy), int(width), int(height), tuple(map(float, offset)))

    def to_dict(self) -> dict:
        keys = ("pos", "lookat", "fovy", "width", "height", "offset")
        return {key: list(getattr(self, key)) if isinstance(getattr(self, key), tuple) else getattr(self, key) for key in keys}

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Right, up and forward unit vectors (world frame)."""
        forward = np.subtract(self.lookat, self.pos).astype(float)
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, (0.0, 0.0, 1.0))
        if np.linalg.norm(right) < 1e-6:  # straight down: +x is image up (as both engines do)
            right = np.cross(forward, (1.0, 0.0, 0.0))
        right /= np.linalg.norm(right)
        return right, np.cross(right, forward), forward

    @property
    def focal(self) -> float:
        """Focal length in pixels (the same horizontally: square pixels)."""
        return 0.5 * self.height / math.tan(math.radians(self.fovy) / 2)

    def intrinsics(self) -> np.ndarray:
        """3x3 K for pixel coordinates with pixel (i, j)'s centre at (u=j, v=i), v down."""
        f, (du, dv) = self.focal, self.offset
        return np.array([[f, 0.0, self.width / 2 - 0.5 + du], [0.0, f, self.height / 2 - 0.5 + dv], [0.0, 0.0, 1.0]])

    def extrinsics(self) -> np.ndarray:
        """4x4 world -> camera transform; camera axes x right, y down, z forward (OpenCV's)."""
        right, up, forward = self.axes()
        rotation = np.stack([right, -up, forward])
        transform = np.eye(4)
        transform[:3, :3] = rotation
        transform[:3, 3] = -rotation @ np.asarray(self.pos, float)
        return transform

    def project(self, points) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> pixel coordinates (..., 2) and depth along the axis (...)."""
        right, up, forward = self.axes()
        offset = np.asarray(points, float) - np.asarray(self.pos, float)
        depth = offset @ forward
        safe = np.where(np.abs(depth) < 1e-9, 1e-9, depth)
        f, (du, dv) = self.focal, self.offset
        u = self.width / 2 - 0.5 + du + f * (offset @ right) / safe
        v = self.height / 2 - 0.5 + dv - f * (offset @ up) / safe
        return np.stack([u, v], axis=-1), depth

    def rays(self, uv) -> np.ndarray:
        """Unit directions (..., 3), world frame, of the rays through pixel coordinates (..., 2)."""
        right, up, forward = self.axes()
        uv = np.asarray(uv, float)
        f, (du, dv) = self.focal, self.offset
        x = (uv[..., 0] - (self.width / 2 - 0.5 + du)) / f
        y = -(uv[..., 1] - (self.height / 2 - 0.5 + dv)) / f
        direction = forward + x[..., None] * right + y[..., None] * up
        return direction / np.linalg.norm(direction, axis=-1, keepdims=True)

    def lift(self, uv, height: float = OBJECT_HALF_SIZE) -> np.ndarray:
        """World points (..., 3) where the rays through ``uv`` meet the plane ``z = height``.

        Rays that never reach the plane (pointing up or along it) give NaN.
        """
        direction = self.rays(uv)
        pos = np.asarray(self.pos, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (height - pos[2]) / direction[..., 2]
        t = np.where(t > 0, t, np.nan)
        return pos + t[..., None] * direction

    def in_image(self, uv) -> np.ndarray:
        uv = np.asarray(uv, float)
        return (uv[..., 0] > -0.5) & (uv[..., 0] < self.width - 0.5) & (uv[..., 1] > -0.5) & (uv[..., 1] < self.height - 0.5)


def env_camera(env, width: int | None = None, height: int | None = None, name: str | None = None) -> CameraModel:
    """The :class:`CameraModel` of ``env``'s camera ``name`` (default: the policy camera) as
    it is now.

    Built from the scene's Camera spec; when domain randomisation moves cameras, the
    jittered pose is read back from the engine (``Engine.camera_pose``), since the spec keeps
    the nominal pose.
    """
    base = env.unwrapped
    name = name or base.policy_camera
    offset = PIXEL_OFFSET[base.engine.name]
    if name not in [c.name for c in base.scene.cameras]:
        fixed = [c.name for c in base.scene.cameras]
        raise DetectionError(f"camera {name!r} is not a fixed scene camera (the detector needs one); scene cameras: {fixed}")
    spec = next(c for c in base.scene.cameras if c.name == name)
    width = width or base.image_size
    height = height or base.image_size
    randomized = base.randomization is not None and base.randomization.camera > 0
    if not randomized:
        return CameraModel.from_camera(spec, width, height, offset)
    pos, lookat, fovy = base.engine.camera_pose(name)
    return CameraModel(tuple(map(float, pos)), tuple(map(float, lookat)), fovy, width, height, offset)
