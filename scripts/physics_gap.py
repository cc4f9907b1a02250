"""How the two engines' physics differ where the manipulation tasks touch it, measured with the scripted experts.

The same expert plays the same seeds of Push and PickAndPlace in MuJoCo, in PyBullet and in
MuJoCo with fixed physics variants (``envs.randomization.PhysicsVariant``), and each run
reports what a policy trained in one engine meets in the other:

- ``servo_lead_mm``: how far the tool tip trails the arm's commanded target while the target
  moves (the servos' response: stiffness, damping, the motor model);
- ``push_ratio``: object travel over tool-tip travel while the tip pushes the object (Push;
  more than 1 when the object slides on after the tip slows);
- ``grip_offset_mm``: how far a lifted object sits from where it sat when the lift started,
  relative to the tool tip (PickAndPlace; the object sliding along the fingers);
- ``expert_success`` and ``expert_steps``: the expert's success and its mean steps to success.

These are the differences ``env.domain_randomization``'s ranges are chosen to cover
(docs/transfer.md)::

    python -m robocue.scripts.physics_gap --episodes 30 [--out FILE.json]
"""

from __future__ import annotations

import argparse
import sys

import gymnasium as gym
import numpy as np

from robocue import envs  # noqa: F401  (registers the ids)
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE
from robocue.files import check_output_path, write_json

TASKS = ("Push", "PickAndPlace")
# The MuJoCo variants measured next to the twin engines: each lever at the edge of push_robust's ranges.
VARIANTS = {
    "MuJoCo": None,
    "PyBullet": None,
    "MuJoCo, servo stiffness x 0.7": {"gain": 0.7},
    "MuJoCo, servo stiffness x 1.3": {"gain": 1.3},
    "MuJoCo, friction x 0.5": {"friction": 0.5},
    "MuJoCo, object mass x 1.5": {"mass": 1.5},
}


def measure(task: str, setting: str, episodes: int, seed: int = 10_000) -> dict:
    """The expert's episodes of ``task`` in ``setting`` (a key of ``VARIANTS``), summarised."""
    engine = "PyBullet" if setting == "PyBullet" else "MuJoCo"
    env = gym.make(f"robocue/{task}-{engine}-v0", physics=VARIANTS[setting])
    u = env.unwrapped
    leads, pushed, tip_travel, offsets, steps, successes = [], 0.0, 0.0, [], [], []
    try:
        for episode in range(episodes):
            env.reset(seed=seed + episode)
            tip, target, obj = u.robot.tip_position(u.engine), u.robot.target.copy(), u.task.achieved_goal(u.engine, u.robot)
            lift_offset, done, t, first_success = None, False, 0, None
            while not done:
                action = u.task.expert_action(u.engine, u.robot)
                _, _, terminated, truncated, info = env.step(action)
                done, t = terminated or truncated, t + 1
                new_tip, new_target = u.robot.tip_position(u.engine), u.robot.target.copy()
                new_obj = u.task.achieved_goal(u.engine, u.robot)
                if np.linalg.norm(new_target - target) > 1e-3:  # the target moved this step
                    leads.append(float(np.linalg.norm(new_target - new_tip)))
                tip_step, obj_step = np.linalg.norm(new_tip[:2] - tip[:2]), np.linalg.norm(new_obj[:2] - obj[:2])
                if task == "Push" and np.linalg.norm(new_tip[:2] - new_obj[:2]) < 0.06 and tip_step > 1e-3:
                    pushed, tip_travel = pushed + obj_step, tip_travel + tip_step
                if task == "PickAndPlace":
                    lifted = new_obj[2] - OBJECT_HALF_SIZE > 0.02  # the object's centre 2 cm above resting
                    if lifted and lift_offset is None:
                        lift_offset = new_obj - new_tip
                    elif lifted:
                        offsets.append(float(np.linalg.norm((new_obj - new_tip) - lift_offset)))
                    else:
                        lift_offset = None
                if first_success is None and info.get("is_success"):
                    first_success = t
                tip, target, obj = new_tip, new_target, new_obj
            successes.append(bool(info.get("is_success")))
            if first_success is not None:
                steps.append(first_success)
    finally:
        env.close()
    result = {
        "setting": setting,
        "episodes": episodes,
        "expert_success": float(np.mean(successes)),
        "expert_steps": float(np.mean(steps)) if steps else None,
        "servo_lead_mm": 1000 * float(np.mean(leads)) if leads else None,
    }
    if task == "Push":
        result["push_ratio"] = pushed / tip_travel if tip_travel else None
    else:
        result["grip_offset_mm"] = 1000 * float(np.mean(offsets)) if offsets else None
    return result


def markdown(report: dict) -> str:
    lines = []
    for task, rows in report.items():
        if task == "Push":
            key, name = "push_ratio", "object / tip travel while pushing"
        else:
            key, name = "grip_offset_mm", "lifted object's drift, mm"
        lines += [f"| {task} | expert success | expert steps to success | servo lead, mm | {name} |", "|---|---|---|---|---|"]
        for row in rows:
            cells = [row["setting"], f"{row['expert_success']:.2f}", _num(row["expert_steps"], 1)]
            cells += [_num(row["servo_lead_mm"], 1), _num(row[key], 2)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _num(value, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m robocue.scripts.physics_gap", description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=30, help="expert episodes per task and setting (default 30, seeds 10000 on)")
    parser.add_argument("--out", help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if args.episodes < 1:
        print(f"physics_gap: error: --episodes must be at least 1, got {args.episodes}", file=sys.stderr)
        return 2
    out = check_output_path(args.out) if args.out else None
    report = {task: [measure(task, setting, args.episodes) for setting in VARIANTS] for task in TASKS}
    print(markdown(report))
    if out is not None:
        write_json(out, report)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
