"""The table-top workspace shared by the manipulation tasks.

The arm's base stands at the world origin on the table, facing +x; the table top is the
plane z = 0, spanning x in [-0.1, 0.8] and y in [-0.65, 0.65].

Destination regions (push, pick_and_place) are named as seen by the person giving the
command, who stands at the far side of the table (+x) facing the robot, where the scene
cameras are: ``left`` is -y (the left of camera images), ``right`` is +y, ``front`` is
the near edge for that person (+x, far from the robot) and ``back`` is next to the
robot (-x). Front and back mean the same from the robot's own view; left and right are
swapped. Each region is a disc on the table: a centre and a radius.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from robocue.envs.commands import DESTINATIONS
from robocue.envs.scene import Body, Camera, Geom
from robocue.envs.tasks.base import stances_on_arc

TABLE_CENTER = (0.35, 0.0)
TABLE_HALF_SIZE = (0.45, 0.65)
_TABLE_RGBA = (0.78, 0.72, 0.62, 1)
_FLOOR_RGBA = (0.32, 0.34, 0.38, 1)
FLOOR_Z = -0.75

# The person giving a command stands across the table from the arm, facing it. Before
# pointing they may walk round the far half of the table: eleven places 0.6 m from the
# middle of the objects' spawn area (from one side of the arm to the other; the first is
# across the table) and seven 0.4 m from it (at the table's edge).
TABLE_PERSON = ((1.0, 0.0), (-1.0, 0.0))
TABLE_STANCES = stances_on_arc((0.4, 0.0), 0.6, (0, -20, 20, -40, 40, -60, 60, -80, 80, -100, 100))
TABLE_STANCES += stances_on_arc((0.42, 0.0), 0.4, (0, -30, 30, -60, 60, -90, 90))


@dataclass(frozen=True)
class Region:
    """A destination disc on the table top."""

    name: str
    center: tuple[float, float]
    radius: float

    def target(self, height: float) -> np.ndarray:
        """The region's centre lifted to ``height`` (an object's resting centre height)."""
        return np.array([self.center[0], self.center[1], height])


# Radius = the success threshold of the tasks that use them (object centre within it).
REGION_RADIUS = 0.06
DESTINATION_REGIONS: dict[str, Region] = {
    "left": Region("left", (0.42, -0.30), REGION_RADIUS),
    "right": Region("right", (0.42, 0.30), REGION_RADIUS),
    "front": Region("front", (0.62, 0.0), REGION_RADIUS),
    "back": Region("back", (0.22, 0.0), REGION_RADIUS),
}
assert tuple(DESTINATION_REGIONS) == DESTINATIONS
# Objects start in this box (x, y), between the regions and at least 0.1 m from every
# region's centre, so no object starts inside a region.
MANIPULATION_SPAWN_LOW = np.array([0.34, -0.12])
MANIPULATION_SPAWN_HIGH = np.array([0.50, 0.12])


def table_bodies() -> list[Body]:
    """Floor and table top (top surface at z = 0), shared by the manipulation tasks."""
    return [
        Body("floor", pos=(0, 0, FLOOR_Z), geoms=[Geom("plane", (3, 3, 0.1), _FLOOR_RGBA)]),
        Body("table", pos=(TABLE_CENTER[0], TABLE_CENTER[1], -0.02), geoms=[Geom("box", (*TABLE_HALF_SIZE, 0.02), _TABLE_RGBA)]),
    ]


def manipulation_table_bodies(table_friction: float = 0.4) -> list[Body]:
    """The table for tasks whose objects are physical, with the destination regions drawn on it.

    Differences from :func:`table_bodies`: the floor is a solid slab rather than a plane (a
    plane collides with everything below it, and unused objects are parked below the floor),
    and the table has ``table_friction``: with friction 1 a pushed 5 cm cube or cylinder
    tips over instead of sliding.
    """
    markers = [
        Geom("cylinder", (region.radius, 0.0005), (0.95, 0.95, 0.92, 1), pos=(*region.center, 0.0005), collides=False)
        for region in DESTINATION_REGIONS.values()
    ]
    return [
        Body("floor", pos=(0, 0, FLOOR_Z - 0.05), geoms=[Geom("box", (3, 3, 0.05), _FLOOR_RGBA)]),
        Body(
            "table",
            pos=(TABLE_CENTER[0], TABLE_CENTER[1], -0.02),
            geoms=[Geom("box", (*TABLE_HALF_SIZE, 0.02), _TABLE_RGBA, friction=table_friction)],
        ),
        Body("destination_regions", geoms=markers),
    ]


def on_table(xy, margin: float = 0.0) -> bool:
    """Whether the point ``xy`` lies on the table top, at least ``margin`` from its edges."""
    offset = np.abs(np.asarray(xy, dtype=float)[:2] - TABLE_CENTER)
    return bool(np.all(offset <= np.asarray(TABLE_HALF_SIZE) - margin))


def table_cameras() -> list[Camera]:
    return [
        Camera("overview", pos=(1.05, -0.75, 0.7), lookat=(0.35, 0.0, 0.0), fovy=45),
        Camera("front", pos=(1.3, 0.0, 0.75), lookat=(0.35, 0.0, 0.0), fovy=45),
    ]
