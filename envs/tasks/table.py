"""The table-top workspace shared by the manipulation tasks."""

from __future__ import annotations

from envs.scene import Body, Camera, Geom


def table_bodies() -> list[Body]:
    """Floor and table top (top surface at z = 0), shared by the manipulation tasks."""
    return [
        Body("floor", pos=(0, 0, -0.75), geoms=[Geom("plane", (3, 3, 0.1), (0.32, 0.34, 0.38, 1))]),
        Body("table", pos=(0.35, 0, -0.02), geoms=[Geom("box", (0.45, 0.65, 0.02), (0.78, 0.72, 0.62, 1))]),
    ]


def table_cameras() -> list[Camera]:
    return [
        Camera("overview", pos=(1.05, -0.75, 0.7), lookat=(0.35, 0.0, 0.0), fovy=45),
        Camera("front", pos=(1.3, 0.0, 0.75), lookat=(0.35, 0.0, 0.0), fovy=45),
    ]
