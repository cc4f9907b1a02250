"""scripts/physics_gap.py: the engines' differences as the scripted experts meet them."""

from __future__ import annotations

import json
from pathlib import Path

from robocue.scripts.physics_gap import VARIANTS, main, markdown, measure

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_measure_reports_each_quantity_in_both_engines():
    for setting in ("MuJoCo", "PyBullet"):
        push = measure("Push", setting, episodes=1)
        assert push["expert_success"] == 1.0 and 0.3 < push["push_ratio"] < 1.5 and 1 < push["servo_lead_mm"] < 40
        pick = measure("PickAndPlace", setting, episodes=1)
        assert pick["expert_success"] == 1.0 and 0 < pick["grip_offset_mm"] < 50


def test_the_docs_table_is_the_scripts_output_of_the_committed_report():
    report = json.loads((DOCS / "results" / "physics_gap.json").read_text())
    assert [row["setting"] for row in report["Push"]] == list(VARIANTS)
    assert markdown(report) in (DOCS / "transfer.md").read_text(), "paste python -m robocue.scripts.physics_gap's tables"


def test_bad_episode_count_is_one_line_and_exit_2(capsys):
    assert main(["--episodes", "0"]) == 2
    assert capsys.readouterr().err.strip() == "physics_gap: error: --episodes must be at least 1, got 0"
