"""docs/results.md is generated from run folders by scripts/results_table.py: check the generator
on synthetic run folders, and that the committed results.md is what it makes of docs/results/."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from robocue.configs import load_config
from robocue.scripts import results_table
from robocue.scripts.results_table import README_END, README_START, add_run, build, collect_rows, main, results_markdown, transfer_table
from robocue.stats import wilson_interval


def make_run(folder, preset, overrides=(), evals=None, train=None, files=()):
    """A run folder as robocue train leaves it, with made-up evaluations and no training."""
    folder.mkdir(parents=True)
    config = load_config(preset, list(overrides))
    (folder / "config.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
    trained = "pybullet" if "PyBullet" in config.env.id else "mujoco"
    default_split = "gesture" if config.env.commands == "gesture" else "train"
    for name, spec in (evals or {"eval.json": {"successes": 45}}).items():
        n = spec.get("episodes", config.eval.episodes)
        low, high = wilson_interval(spec["successes"], n)
        body = {
            "agent": str(folder),
            "model_file": spec.get("model_file", "model.zip"),
            "deterministic": spec.get("deterministic", True),
            "commands": spec.get("commands", default_split),
            "trained_engine": trained,
            "eval_engine": spec.get("engine", trained),
            "physics": spec.get("physics"),
            "n_episodes": n,
            "success_rate": spec["successes"] / n,
            "success_ci": [low, high],
            "seeds": list(range(config.eval.seed, config.eval.seed + n)),
        }
        (folder / name).write_text(json.dumps(body))
    if train is not None:
        (folder / "train.json").write_text(json.dumps(train))
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\0" * 64)
    return folder


TRAIN = {"timesteps": 0, "train_seconds": 1234.0, "device": "cpu", "machine": {"description": "AMD EPYC, 16 CPUs, no GPU"}}


def table_rows(markdown: str, section: int = 0) -> list[list[str]]:
    tables = [part for part in markdown.split("\n## ") if "| --- " in part or "|---|" in part]
    lines = [line for line in tables[section].splitlines() if line.startswith("| [")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_one_row_per_run_with_ci_transfer_held_out_episodes_time_machine_and_command(tmp_path):
    results = tmp_path / "results"
    held_out = {"friction": 0.45, "mass": 1.8, "gain": 0.6, "latency": 1}
    make_run(
        results / "push_dagger",
        "push_dagger",
        ["seed=3"],
        evals={
            "eval.json": {"successes": 48},
            "eval_pybullet.json": {"successes": 30, "engine": "pybullet"},
            "eval_held-out.json": {"successes": 20, "physics": held_out},
        },
        train=TRAIN,
    )
    make_run(results / "reach_ppo", "reach_ppo", train={**TRAIN, "train_seconds": 61.0})
    markdown = results_markdown(collect_rows(results))
    rows = table_rows(markdown)
    assert [row[:2] for row in rows] == [["[push_dagger](results/push_dagger/)", "MuJoCo"], ["[reach_ppo](results/reach_ppo/)", "MuJoCo"]]
    low, high = wilson_interval(48, 50)
    pybullet, held = wilson_interval(30, 50), wilson_interval(20, 50)
    assert rows[0][2:8] == [
        f"0.96 ({low:.2f}-{high:.2f})",
        f"PyBullet 0.60 ({pybullet[0]:.2f}-{pybullet[1]:.2f}), gap +0.36",
        f"0.40 ({held[0]:.2f}-{held[1]:.2f})",
        "50",
        "21 min",
        "AMD EPYC, 16 CPUs, no GPU",
    ]
    assert rows[0][8] == "`robocue train push_dagger seed=3 run.dir=runs/push_dagger`"
    assert rows[1][3:5] == ["not measured", "not measured"]
    assert rows[1][6] == "61 s" and rows[1][8] == "`robocue train reach_ppo run.dir=runs/reach_ppo`"
    more = table_rows(markdown, 1)
    assert [row[2] for row in more] == ["physics held-out", "in PyBullet (trained in MuJoCo)"]
    assert more[0][-1].endswith("robocue eval runs/push_dagger --physics held-out`")
    assert more[1][-1].endswith("robocue eval runs/push_dagger --engine pybullet`")
    transfer = [line for line in transfer_table(collect_rows(results)).splitlines() if line.startswith("| [")]
    assert len(transfer) == 1 and transfer[0].startswith("| [push_dagger](results/push_dagger/) | `seed=3` | MuJoCo | 0.96 ")
    assert "gap +0.36" in transfer[0]


def test_held_out_splits_and_checkpoints_go_to_more_evaluations(tmp_path):
    results = tmp_path / "results"
    evals = {
        "eval.json": {"successes": 40},
        "eval_paraphrase.json": {"successes": 35, "commands": "paraphrase"},
        "eval_step_100.json": {"successes": 10, "model_file": "checkpoints/step_100.zip", "episodes": 20},
    }
    make_run(results / "push_language_dagger", "push_language_dagger", evals=evals, train=TRAIN)
    markdown = results_markdown(collect_rows(results))
    assert len(table_rows(markdown, 0)) == 1
    more = table_rows(markdown, 1)
    assert [row[2] for row in more] == ["checkpoints/step_100.zip", "commands paraphrase"]
    assert more[0][3].startswith("0.50 ") and more[0][4] == "20"
    assert more[0][-1].endswith("robocue eval runs/push_language_dagger --model checkpoints/step_100.zip --episodes 20`")
    assert more[1][-1].endswith("robocue eval runs/push_language_dagger --commands paraphrase`")


def test_the_preset_is_found_from_the_config_when_the_folder_does_not_name_one(tmp_path):
    results = tmp_path / "results"
    make_run(results / "a_pick_run", "pick_and_place_dagger", ["train.imitation.epochs=5"], train=TRAIN)
    (row,) = table_rows(results_markdown(collect_rows(results)))
    assert row[0] == "[pick_and_place_dagger](results/a_pick_run/) (a_pick_run)"
    assert row[-1] == "`robocue train pick_and_place_dagger train.imitation.epochs=5 run.dir=runs/a_pick_run`"


@pytest.mark.parametrize(
    "preset, overrides",
    [
        ("push_dagger", ["train.imitation=null", "train.timesteps=1000"]),  # the run has no imitation, the preset has
        ("reach_ppo", ["train.imitation.episodes=5"]),  # the run has imitation, the preset has none
        ("reach_ppo", ["env.id=robocue/ReachPixelsState-MuJoCo-v0", "policy.features_extractor=multimodal"]),  # other extractor
    ],
)
def test_the_overrides_add_and_remove_optional_sections(preset, overrides):
    """The reproduce command's overrides turn the preset into the run's config, a section one of them lacks included."""
    import shlex

    config = load_config(preset, overrides)
    found = results_table.preset_overrides(config, preset)
    assert found is not None
    assert load_config(preset, [shlex.split(override)[0] for override in found]) == config


def test_a_run_that_starts_from_another_says_so_and_unknown_time_is_unknown(tmp_path):
    results = tmp_path / "results"
    make_run(results / "goto_finetune", "goto_finetune")  # no train.json
    (row,) = table_rows(results_markdown(collect_rows(results)))
    assert row[6:8] == ["unknown", "unknown"]
    assert "(after the runs it starts from: runs/goto_dagger)" in row[-1]


def test_add_copies_only_the_small_files_and_times_a_run_without_train_json(tmp_path):
    run = make_run(tmp_path / "pool" / "push_dagger", "push_dagger", files=["model.zip", "videos/replay.mp4", "checkpoints/step_1.zip"])
    os.utime(run / "config.yaml", (1000, 1000))
    os.utime(run / "model.zip", (1000 + 3600, 1000 + 3600))
    target = add_run(run, tmp_path / "results", machine="a big box")
    assert sorted(p.name for p in target.iterdir()) == ["config.yaml", "eval.json", "train.json"]
    summary = json.loads((target / "train.json").read_text())
    assert summary["train_seconds"] == 3600 and summary["machine"]["description"] == "a big box"
    (row,) = table_rows(results_markdown(collect_rows(tmp_path / "results")))
    assert row[6:8] == ["60 min (file times)", "a big box"]


def test_add_reads_the_wall_time_from_robocue_trains_output(tmp_path):
    run = make_run(tmp_path / "pool" / "reach_ppo", "reach_ppo", files=["model.zip"])
    log = tmp_path / "train.log"
    log.write_text("run folder: x\ntrained 600064 steps in 228s (2635 steps/s)\nsuccess rate 1.00\n")
    target = add_run(run, tmp_path / "results", machine="16 cores", train_log=log)
    summary = json.loads((target / "train.json").read_text())
    assert summary["train_seconds"] == 228 and summary["timesteps"] == 600064 and summary["wall_time_source"] == "training log"
    (row,) = table_rows(results_markdown(collect_rows(tmp_path / "results")))
    assert row[6:8] == ["4 min", "16 cores"]
    log.write_text("nothing useful\n")
    with pytest.raises(results_table.ResultsError, match="trained 600064 steps"):
        add_run(run, tmp_path / "results2", train_log=log)


def test_add_keeps_a_runs_own_train_json(tmp_path):
    run = make_run(tmp_path / "pool" / "reach_ppo", "reach_ppo", train=TRAIN)
    target = add_run(run, tmp_path / "results")
    assert json.loads((target / "train.json").read_text()) == TRAIN


@pytest.mark.parametrize(
    "break_it, needle",
    [
        (lambda run: (run / "config.yaml").unlink(), "not a run folder"),
        (lambda run: (run / "eval.json").unlink(), "no eval*.json"),
        (lambda run: (run / "eval.json").write_text("{not json"), "not valid JSON"),
        (lambda run: (run / "config.yaml").write_text("train:\n  timestep: 1\n"), "train.timestep"),
        (lambda run: (run / "eval.json").write_text("{}"), "success_rate"),
    ],
    ids=["no-config", "no-eval", "bad-json", "bad-config", "not-an-eval"],
)
def test_add_on_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, break_it, needle):
    run = make_run(tmp_path / "pool" / "reach_ppo", "reach_ppo", train=TRAIN)
    break_it(run)
    results = tmp_path / "results"
    results.mkdir()
    code = main(["add", str(run), "--results", str(results)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("results_table add: error:") and needle in err[0], err
    assert list(results.iterdir()) == []


def test_build_writes_results_md_and_the_readme_block_and_check_finds_stale_files(tmp_path):
    results = tmp_path / "results"
    for preset in ("reach_ppo", "reach_sac", "push_dagger", "maze_dagger"):
        make_run(results / preset, preset, train=TRAIN)
    out, readme = tmp_path / "results.md", tmp_path / "README.md"
    readme.write_text(f"# x\n\n{README_START}\nold\n{README_END}\n\nmore\n")
    args = ["build", "--results", str(results), "--out", str(out), "--readme", str(readme), "--no-transfer"]
    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    text = readme.read_text()
    assert text.startswith("# x\n\n") and text.endswith("\n\nmore\n") and "old" not in text
    block = [line for line in text.splitlines() if line.startswith("| [")]
    assert [line.split("]")[0] for line in block] == ["| [reach_ppo", "| [reach_sac", "| [push_dagger", "| [maze_dagger"]
    assert len(block) <= 10


def test_a_readme_without_the_block_is_an_error(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n")
    assert main(["build", "--results", str(tmp_path), "--out", str(tmp_path / "r.md"), "--readme", str(readme), "--no-transfer"]) == 2
    assert README_START in capsys.readouterr().err


def test_the_committed_results_are_what_the_generator_makes():
    """docs/results.md and README.md's table are generated from docs/results/; regenerate with
    `python -m robocue.scripts.results_table build`."""
    assert build(check=True) == [], "regenerate: python -m robocue.scripts.results_table build"


def test_the_committed_results_hold_only_small_files():
    for path in results_table.RESULTS_DIR.rglob("*"):
        if path.is_file():
            assert path.name == "config.yaml" or path.suffix == ".json", path
            assert path.stat().st_size < 1_000_000, path
