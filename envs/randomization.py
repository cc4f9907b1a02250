"""Domain randomisation: per-episode jitter of looks and physics, off by default.

Each field is the half-width of a uniform jitter around the scene as built (relative for
factors, metres for the camera), drawn again at every reset after the scene is sampled, so
``reset(seed=s)`` places the same objects with or without randomisation. Set a field to 0
to leave that aspect alone. The engine adapter applies the draws relative to the built
values, so nothing compounds across episodes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from robocue.envs.scene import Camera, Scene, walk_bodies


@dataclass(frozen=True)
class DomainRandomization:
    """How much to jitter, per episode.

    Attributes:
        color: Per-body, per-channel RGB factor in [1 - color, 1 + color] (shades of the
            same colour: red stays red at the default 0.15).
        light: Light intensity factor in [1 - light, 1 + light]; its direction tilts by up
            to ``light`` too.
        camera: Camera position and look-at point each move up to this far per axis, metres.
        friction: Sliding-friction factor in [1 - friction, 1 + friction], per body.
        mass: Mass factor in [1 - mass, 1 + mass] for every free-moving body (the objects).
    """

    color: float = 0.15
    light: float = 0.3
    camera: float = 0.02
    friction: float = 0.3
    mass: float = 0.3

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            limit = 0.1 if field.name == "camera" else 0.9
            if not 0.0 <= value <= limit:
                raise ValueError(f"domain_randomization.{field.name}={value} must be between 0 and {limit}")

    @classmethod
    def from_option(cls, option: bool | dict | DomainRandomization | None) -> DomainRandomization | None:
        """``None``/``False``: off; ``True``: the defaults; a dict: the defaults with those fields changed."""
        if option is None or option is False:
            return None
        if option is True:
            return cls()
        if isinstance(option, cls):
            return option
        if isinstance(option, dict):
            allowed = [f.name for f in fields(cls)]
            unknown = sorted(set(option) - set(allowed))
            if unknown:
                raise ValueError(f"domain_randomization has no field {unknown[0]!r}; fields: {', '.join(allowed)}")
            return cls(**option)
        raise ValueError(f"domain_randomization={option!r} must be true, false or a dict of fields")

    def to_dict(self) -> dict:
        return asdict(self)

    def apply(self, engine, scene: Scene, rng: np.random.Generator) -> None:
        """Draws this episode's looks and physics and sets them in ``engine``."""
        bodies = [body for body in walk_bodies(scene.bodies) if body.geoms]
        for body in bodies:
            if self.color:
                engine.scale_body_rgb(body.name, rng.uniform(1 - self.color, 1 + self.color, size=3))
            if self.friction:
                engine.scale_body_friction(body.name, rng.uniform(1 - self.friction, 1 + self.friction))
            if self.mass and body.joint is not None and body.joint.type == "free":
                engine.scale_body_mass(body.name, rng.uniform(1 - self.mass, 1 + self.mass))
        if self.light:
            engine.set_light(rng.uniform(1 - self.light, 1 + self.light), rng.uniform(-self.light, self.light, size=3))
        if self.camera:
            for camera in scene.all_cameras():
                self._jitter_camera(engine, camera, rng)

    def _jitter_camera(self, engine, camera: Camera, rng: np.random.Generator) -> None:
        pos = np.asarray(camera.pos) + rng.uniform(-self.camera, self.camera, size=3)
        lookat = np.asarray(camera.lookat) + rng.uniform(-self.camera, self.camera, size=3)
        engine.set_camera_pose(camera.name, pos, lookat)
