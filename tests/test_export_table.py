"""scripts/export_table.py: rows from a run folder's evaluation and bench files."""

import json

from robocue.scripts.export_table import EXIT_USAGE, main, rows


def _evaluation(path, successes, wall=5.0):
    episodes = [{"seed": 10000 + i, "success": s} for i, s in enumerate(successes)]
    rate = sum(successes) / len(successes)
    body = {"success_rate": rate, "success_ci": [rate - 0.1, rate], "n_episodes": len(successes), "episodes": episodes, "wall_time_s": wall}
    path.write_text(json.dumps(body))


def _bench(path, size, p50):
    path.write_text(json.dumps({"size_kb": size, "parameters": 1234, "p50_ms": p50, "p99_ms": 2 * p50, "peak_memory_mb": 70.4}))


def test_rows_per_runtime_with_episodes_that_end_the_same(tmp_path):
    run = tmp_path / "run"
    (run / "export").mkdir(parents=True)
    (run / "export" / "manifest.json").write_text(json.dumps({"int8": {"method": "static"}}))
    _evaluation(run / "eval.json", [True, True, False, True])
    _evaluation(run / "eval200_onnx.json", [True, True, False, True])
    _evaluation(run / "eval200_onnx_int8.json", [True, False, False, False])
    _bench(run / "bench_torch.json", 500.0, 0.2)
    _bench(run / "bench_onnx.json", 40.0, 0.02)
    got = rows(run, "mine")
    assert len(got) == 3
    assert got[0].startswith("| mine (1,234 params) | PyTorch (SB3) float32 | 500.0 | 0.200 / 0.40 | 70 | 0.750 (0.65-0.75), 4 |  | 5 |")
    assert "| ONNX float32 | 40.0 | 0.020 / 0.04 | 70 |" in got[1] and "| 4/4 |" in got[1]
    assert "| ONNX int8 (static) |  |  |  |" in got[2] and "| 2/4 |" in got[2]  # no bench file: those cells empty


def test_a_folder_without_results_or_no_folder_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == EXIT_USAGE
    assert main([str(tmp_path / "missing")]) == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no eval200_" in err[0] and "not a folder" in err[1]
