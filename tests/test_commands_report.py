"""scripts/commands_report.py turns its JSON report into the tables of docs/commands.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robocue.scripts.commands_report import main, markdown

REPORT = Path(__file__).resolve().parents[1] / "docs" / "results" / "commands_report.json"


def test_the_shipped_report_renders_the_tables_of_the_docs(capsys):
    assert main(["--from-json", str(REPORT), "--markdown"]) == 0
    tables = capsys.readouterr().out
    docs = (REPORT.parents[1] / "commands.md").read_text(encoding="utf-8")
    rows = [line for line in tables.splitlines() if line.startswith("| ") and not line.startswith("| reader") and "---" not in line]
    assert len(rows) >= 5
    for row in rows:  # the docs bold headline figures; compare without the bold
        assert row in docs.replace("**", ""), row


def test_a_report_without_a_blind_generator_leaves_its_cells_empty():
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    for entry in report["gesture"].values():
        entry.pop("blind_generator")
    tables = markdown({"gesture": report["gesture"]}).split("\n\n")
    readers = tables[0].splitlines()[2:]
    assert [row.split(" | ")[0] for row in readers] == ["| geometric", "| learned", "| hybrid (default)"]
    assert all(row.count("|  |") == 1 for row in readers)  # the blind column, blank
    assert all(" / " + " / " in row for row in readers)  # its pointing error, blank
    kinds = tables[1].splitlines()[2:]
    generators = ["independent"] + [f"blind {k}" for k in range(2, 21)] + ["MediaPipe, rendered hand"]
    assert [row.split(" | ")[1] for row in kinds] == generators * 3


def test_the_end_to_end_table_of_the_docs_is_rendered_from_the_run_folders(capsys):
    assert main(["--end-to-end", str(REPORT.parent)]) == 0
    table = capsys.readouterr().out.strip()
    assert table.count("\n") == 4 and "| Reach | 1.000" in table
    assert table in (REPORT.parents[1] / "commands.md").read_text(encoding="utf-8")


def test_end_to_end_leaves_a_missing_run_empty_and_refuses_a_missing_folder(tmp_path, capsys):
    from robocue.scripts.commands_report import end_to_end_markdown

    rows = end_to_end_markdown(tmp_path).splitlines()[2:]
    assert [row.count("|  |") for row in rows] == [4, 4, 4]
    with pytest.raises(SystemExit) as stop:
        main(["--end-to-end", str(tmp_path / "nowhere")])
    assert stop.value.code == 2 and "not a folder" in capsys.readouterr().err
