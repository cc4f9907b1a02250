"""Physics engine adapters. Each module here is the only one that imports its engine."""

from __future__ import annotations

ENGINES = ("mujoco", "pybullet")


class PhysicsError(RuntimeError):
    """The simulation diverged (NaN/inf state or unstable accelerations)."""


def make_engine(name: str, scene):
    """Builds ``scene`` in the engine called ``name`` (one of ``ENGINES``)."""
    if name == "mujoco":
        from robocue.envs.engines.mujoco_engine import MuJoCoEngine

        return MuJoCoEngine(scene)
    if name == "pybullet":
        from robocue.envs.engines.bullet_engine import BulletEngine

        return BulletEngine(scene)
    raise ValueError(f"engine={name!r} is not one of: {', '.join(ENGINES)}")
