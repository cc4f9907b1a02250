"""Robots: bodies in a scene plus a mapping from actions in [-1, 1] to engine commands."""

from robocue.envs.robots.arm import Arm

__all__ = ["Arm"]
