"""Domain randomisation and fixed physics variants, both off by default.

:class:`DomainRandomization` jitters looks and physics per episode. Each field is the
half-width of a uniform jitter around the scene as built (relative for factors, metres for
the camera, control steps for latency), drawn again at every reset after the scene is
sampled, so ``reset(seed=s)`` places the same objects with or without randomisation. Set a
field to 0 to leave that aspect alone. The engine adapter applies the draws relative to the
built values, so nothing compounds across episodes.

:class:`PhysicsVariant` sets fixed factors instead (the same in every episode): a physics
that neither engine's built scene has, for testing whether a policy is robust rather than
tuned to the engines it trained in (``robocue eval RUN --physics ...``; docs/transfer.md).
With both, the random draw multiplies the variant's factor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from robocue.envs.scene import Camera, Scene, walk_bodies


def _from_fields(cls, option: dict, name: str):
    """``cls(**option)``, naming an unknown field and the allowed ones in a one-line ValueError."""
    allowed = [f.name for f in fields(cls)]
    unknown = sorted(set(option) - set(allowed))
    if unknown:
        raise ValueError(f"{name} has no field {unknown[0]!r}; fields: {', '.join(allowed)}")
    return cls(**option)


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
        gain: Stiffness factor of every position servo in [1 - gain, 1 + gain] (one draw per
            episode for the whole robot: a slower or snappier arm).
        latency: The robot acts on the action of ``k`` control steps ago, ``k`` drawn per
            episode from 0..latency (a whole number of steps; 0.4 s at most).
        action_noise: Gaussian noise of this std (action units, actions are in [-1, 1]) added
            to every action before the robot applies it.
    """

    color: float = 0.15
    light: float = 0.3
    camera: float = 0.02
    friction: float = 0.3
    mass: float = 0.3
    gain: float = 0.0
    latency: int = 0
    action_noise: float = 0.0

    def __post_init__(self):
        limits = {"camera": 0.1, "latency": 10, "action_noise": 0.5}
        for field in fields(self):
            value = getattr(self, field.name)
            limit = limits.get(field.name, 0.9)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= limit:
                raise ValueError(f"domain_randomization.{field.name}={value!r} must be a number between 0 and {limit}")
            if field.name == "latency" and value != int(value):
                raise ValueError(f"domain_randomization.latency={value!r} must be a whole number of control steps (0 to {limit})")

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
            return _from_fields(cls, option, "domain_randomization")
        raise ValueError(f"domain_randomization={option!r} must be true, false or a dict of fields")

    def to_dict(self) -> dict:
        return asdict(self)

    def apply(self, engine, scene: Scene, rng: np.random.Generator, variant: PhysicsVariant | None = None) -> int:
        """Draws this episode's looks and physics and sets them in ``engine`` (the physics
        relative to ``variant``'s factors when there is one); returns this episode's latency
        in control steps."""
        base = variant or PhysicsVariant()
        bodies = [body for body in walk_bodies(scene.bodies) if body.geoms]
        for body in bodies:
            if self.color:
                engine.scale_body_rgb(body.name, rng.uniform(1 - self.color, 1 + self.color, size=3))
            if self.friction:
                engine.scale_body_friction(body.name, base.friction * rng.uniform(1 - self.friction, 1 + self.friction))
            if self.mass and body.joint is not None and body.joint.type == "free":
                engine.scale_body_mass(body.name, base.mass * rng.uniform(1 - self.mass, 1 + self.mass))
        if self.gain:
            engine.scale_servo_gains(base.gain * rng.uniform(1 - self.gain, 1 + self.gain))
        latency = base.latency + (int(rng.integers(0, self.latency + 1)) if self.latency else 0)
        if self.light:
            engine.set_light(rng.uniform(1 - self.light, 1 + self.light), rng.uniform(-self.light, self.light, size=3))
        if self.camera:
            for camera in scene.all_cameras():
                self._jitter_camera(engine, camera, rng)
        return latency

    def _jitter_camera(self, engine, camera: Camera, rng: np.random.Generator) -> None:
        pos = np.asarray(camera.pos) + rng.uniform(-self.camera, self.camera, size=3)
        lookat = np.asarray(camera.lookat) + rng.uniform(-self.camera, self.camera, size=3)
        engine.set_camera_pose(camera.name, pos, lookat)


@dataclass(frozen=True)
class PhysicsVariant:
    """Fixed physics factors relative to the scene as built, the same in every episode.

    Attributes:
        friction: Sliding-friction factor of every body.
        mass: Mass factor of every free-moving body (the objects).
        gain: Stiffness factor of every position servo.
        latency: The robot acts on the action of this many control steps ago.
    """

    friction: float = 1.0
    mass: float = 1.0
    gain: float = 1.0
    latency: int = 0

    def __post_init__(self):
        for name in ("friction", "mass", "gain"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 10.0:
                raise ValueError(f"physics.{name}={value!r} must be a factor between 0.1 and 10")
        if isinstance(self.latency, bool) or not isinstance(self.latency, (int, float)) or self.latency != int(self.latency):
            raise ValueError(f"physics.latency={self.latency!r} must be a whole number of control steps (0 to 10)")
        if not 0 <= self.latency <= 10:
            raise ValueError(f"physics.latency={self.latency!r} must be a whole number of control steps (0 to 10)")

    @classmethod
    def from_option(cls, option: dict | PhysicsVariant | None) -> PhysicsVariant | None:
        """``None``: the physics as built; a dict: these fields changed (the rest at 1, latency 0)."""
        if option is None or isinstance(option, cls):
            return option
        if isinstance(option, dict):
            return _from_fields(cls, option, "physics")
        raise ValueError(f"physics={option!r} must be a dict of fields ({', '.join(f.name for f in fields(cls))})")

    @classmethod
    def parse(cls, text: str) -> PhysicsVariant:
        """``"friction=0.4,mass=2"`` (or a name in ``PHYSICS_VARIANTS``) as a variant."""
        if text in PHYSICS_VARIANTS:
            return cls(**PHYSICS_VARIANTS[text])
        option = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep:
                names = ", ".join(PHYSICS_VARIANTS)
                raise ValueError(f"physics {part!r} is not KEY=VALUE; use e.g. friction=0.4,mass=2 or a name: {names}")
            try:
                option[key.strip()] = float(value) if key.strip() != "latency" else int(value)
            except ValueError:
                raise ValueError(f"physics.{key.strip()}={value!r} is not a number") from None
        return cls.from_option(option)

    def to_dict(self) -> dict:
        return asdict(self)

    def apply(self, engine, scene: Scene) -> int:
        """Sets the variant's physics in ``engine``; returns its latency in control steps."""
        for body in walk_bodies(scene.bodies):
            if not body.geoms:
                continue
            engine.scale_body_friction(body.name, self.friction)
            if body.joint is not None and body.joint.type == "free":
                engine.scale_body_mass(body.name, self.mass)
        engine.scale_servo_gains(self.gain)
        return int(self.latency)


# Physics neither engine's training uses, for ``robocue eval RUN --physics NAME`` (docs/transfer.md).
PHYSICS_VARIANTS = {
    # slippery, heavy objects on a slower arm that acts one step late: outside push_robust's ranges
    "held-out": {"friction": 0.45, "mass": 1.8, "gain": 0.6, "latency": 1},
}
