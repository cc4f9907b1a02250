"""Measure command understanding outside robocue's own generators (the figures of docs/commands.md).

    python scripts/commands_report.py                      # words and gestures
    python scripts/commands_report.py --only language
    python scripts/commands_report.py --markdown           # the tables of docs/commands.md
    python scripts/commands_report.py --only gesture --gesture-clips 200 --weights perception/weights/gesture.pt
    python scripts/commands_report.py --end-to-end docs/results   # agents following commands, from run folders

Words: exact match on the out-of-grammar phrasings (tests/data/outside_phrasings.tsv, and the
sets written blind, outside_phrasings_blind*.tsv: perception.outside.PHRASING_FILES) with unknown
words mapped and without; how often the inputs of the matching not_understood*.txt files are answered
with a question; how often valid grammar commands are understood; the grammar's
splits. Gestures, for each reader (geometric, learned and hybrid): label accuracy (the recognised
sequence equals the performed one) and pointing error on clips of the independent generator
(tests/outside_gestures.py, seed 1), of the blind generators (tests/blind_gestures.py
to tests/blind20_gestures.py, seed 1, each written apart from the
geometric reader; docs/commands.md says which were read after their first run), and of the
training generator's performers, overall and per kind of clip. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.gestures import (
    GESTURE_READERS,
    PERSON_READER,
    GestureEncoder,
    evaluate_gesture_encoder,
    load_gesture_reader,
    sample_dataset,
)
from robocue.perception.gestures.encoder import DEFAULT_WEIGHTS
from robocue.perception.gestures.geometric import any_frame_tracked
from robocue.perception.gestures.hybrid import HybridRecognizer
from robocue.perception.gestures.training import warm_start
from robocue.perception.language import SPLITS, evaluate_all_splits, load_default_language_encoder, sample_utterances
from robocue.perception.outside import (
    BLIND2_GENERATOR,
    BLIND3_GENERATOR,
    BLIND4_GENERATOR,
    BLIND5_GENERATOR,
    BLIND6_GENERATOR,
    BLIND7_GENERATOR,
    BLIND8_GENERATOR,
    BLIND9_GENERATOR,
    BLIND10_GENERATOR,
    BLIND11_GENERATOR,
    BLIND12_GENERATOR,
    BLIND13_GENERATOR,
    BLIND14_GENERATOR,
    BLIND15_GENERATOR,
    BLIND16_GENERATOR,
    BLIND17_GENERATOR,
    BLIND18_GENERATOR,
    BLIND19_GENERATOR,
    BLIND20_GENERATOR,
    BLIND_GENERATOR,
    MEDIAPIPE_RENDERED,
    PHRASING_FILES,
    ROOT,
    load_test_module,
    mediapipe_rendered_clips,
    outside_gestures,
    outside_phrasings,
)

# report key -> (command split of perception.outside.PHRASING_FILES, not-understood file, name in the tables): hand-written
# without the grammar's templates; the blind sets by people who never saw the parser (the first seven then read for the
# everyday words and rules, the eighth not)
PHRASING_SETS = {
    "outside": ("outside", "not_understood.txt", "outside phrasings"),
    "blind": ("outside-blind", "not_understood_blind.txt", "blind (development)"),
    "blind2": ("outside-blind2", "not_understood_blind2.txt", "blind 2 (development)"),
    "blind3": ("outside-blind3", "not_understood_blind3.txt", "blind 3 (development)"),
    "blind4": ("outside-blind4", "not_understood_blind4.txt", "blind 4 (development)"),
    "blind5": ("outside-blind5", "not_understood_blind5.txt", "blind 5 (development)"),
    "blind6": ("outside-blind6", "not_understood_blind6.txt", "blind 6 (development)"),
    "blind7": ("outside-blind7", "not_understood_blind7.txt", "blind 7 (development)"),
    "blind8": ("outside-blind8", "not_understood_blind8.txt", "blind 8 (held out)"),
}


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def language_report(valid_n: int = 1000) -> dict:
    encoder = load_default_language_encoder()
    data = ROOT / "tests" / "data"
    report = {"phrasings": {}, "not_understood": {}}
    for key, (split, nonsense, _) in PHRASING_SETS.items():
        rows = outside_phrasings(PHRASING_FILES[split])
        entry = {"sentences": len(rows)}
        for mapped in (True, False):
            encoder.tokenizer.map_unknown = mapped
            results = [encoder.interpret(text) for text, _ in rows]
            exact = [all(r[f] == c[f] for f in DECODER_FIELDS) for r, (_, c) in zip(results, rows)]
            suffix = "" if mapped else "_unknown_words_not_mapped"
            entry["exact" + suffix] = round(float(np.mean(exact)), 4)
            entry["understood" + suffix] = round(float(np.mean([r["understood"] for r in results])), 4)
            entry["exact_and_understood" + suffix] = round(float(np.mean([e and r["understood"] for e, r in zip(exact, results)])), 4)
        encoder.tokenizer.map_unknown = True
        report["phrasings"][key] = entry
        inputs = _lines(data / nonsense)
        asked = [not r["understood"] and bool(r["question"]) for r in (encoder.interpret(t) for t in inputs)]
        report["not_understood"][key] = {"inputs": len(inputs), "asked_a_question": round(float(np.mean(asked)), 4)}
    report["valid_grammar_commands_understood"], report["grammar_shape_alone_asked"] = {}, {}
    for split in SPLITS:
        samples = sample_utterances(split, valid_n, np.random.default_rng([12345, SPLITS.index(split)]))
        understood = {t: encoder.interpret(t)["understood"] for t, _ in samples}
        # a command that names its object's shape alone is asked about (shapes repeat in a scene): counted apart
        report["valid_grammar_commands_understood"][split] = round(float(np.mean([understood[t] for t, c in samples if c["color"]])), 4)
        alone = [not understood[t] for t, c in samples if c["color"] is None]
        report["grammar_shape_alone_asked"][split] = round(float(np.mean(alone)), 4) if alone else None
    report["grammar_splits_exact"] = {split: r["exact"] for split, r in evaluate_all_splits(encoder, n=2000).items()}
    return report


def _training_clips_as_outside(clips) -> list:
    """Training-generator clips in the scorer's shape (``gestures`` tuples and a ``kind``)."""
    return [SimpleNamespace(landmarks=c.landmarks, gestures=c.segments, kind=f"{len(c.segments)} gestures") for c in clips]


# report key -> (the blind generator's file, its dataset function, its name in the tables); each written apart from robocue
BLIND_SETS = {
    "blind_generator": (BLIND_GENERATOR, "blind_dataset", "blind"),
    "blind2_generator": (BLIND2_GENERATOR, "blind2_dataset", "blind 2"),
    "blind3_generator": (BLIND3_GENERATOR, "blind3_dataset", "blind 3"),
    "blind4_generator": (BLIND4_GENERATOR, "blind4_dataset", "blind 4"),
    "blind5_generator": (BLIND5_GENERATOR, "blind5_dataset", "blind 5"),
    "blind6_generator": (BLIND6_GENERATOR, "blind6_dataset", "blind 6"),
    "blind7_generator": (BLIND7_GENERATOR, "blind7_dataset", "blind 7"),
    "blind8_generator": (BLIND8_GENERATOR, "blind8_dataset", "blind 8"),
    "blind9_generator": (BLIND9_GENERATOR, "blind9_dataset", "blind 9"),
    "blind10_generator": (BLIND10_GENERATOR, "blind10_dataset", "blind 10"),
    "blind11_generator": (BLIND11_GENERATOR, "blind11_dataset", "blind 11"),
    "blind12_generator": (BLIND12_GENERATOR, "blind12_dataset", "blind 12"),
    "blind13_generator": (BLIND13_GENERATOR, "blind13_dataset", "blind 13"),
    "blind14_generator": (BLIND14_GENERATOR, "blind14_dataset", "blind 14"),
    "blind15_generator": (BLIND15_GENERATOR, "blind15_dataset", "blind 15"),
    "blind16_generator": (BLIND16_GENERATOR, "blind16_dataset", "blind 16"),
    "blind17_generator": (BLIND17_GENERATOR, "blind17_dataset", "blind 17"),
    "blind18_generator": (BLIND18_GENERATOR, "blind18_dataset", "blind 18"),
    "blind19_generator": (BLIND19_GENERATOR, "blind19_dataset", "blind 19"),
    "blind20_generator": (BLIND20_GENERATOR, "blind20_dataset", "blind 20"),
}


def _reading(reader):
    """``reader.recognize``, reading nothing in a clip whose every frame is dropped (the readers refuse such a clip)."""

    def recognize(landmarks: np.ndarray) -> list[dict]:
        return reader.recognize(landmarks) if any_frame_tracked(landmarks) else []

    return recognize


def gesture_report(weights: Path, clips: int, eval_clips: int, readers: tuple[str, ...], hybrid_weights: Path | None = None) -> dict:
    module = outside_gestures()
    outside = module.outside_dataset(clips, seed=1)
    sets = {"independent_generator": (module.score_recognizer, outside)}
    for key, (path, dataset, _) in BLIND_SETS.items():
        if path.is_file():
            blind = load_test_module(f"robocue_{key}", path)
            sets[key] = (blind.score, getattr(blind, dataset)(clips, seed=1))
    if MEDIAPIPE_RENDERED.is_file():  # scored as the blind generators are, with blind 8's scorer
        sets["mediapipe_rendered"] = (load_test_module("robocue_blind8_generator", BLIND8_GENERATOR).score, mediapipe_rendered_clips())
    for split, seed in (("train", 10_000), ("heldout", 20_000)):
        sets[f"training_generator_{split}"] = (
            module.score_recognizer,
            _training_clips_as_outside(sample_dataset(split, eval_clips, seed=seed)),
        )
    report = {}
    for name in readers:
        if name == "learned":
            reader, entry = warm_start(GestureEncoder(), weights).eval(), {"weights": str(weights)}
        elif name == "hybrid" and hybrid_weights is not None:
            reader, entry = HybridRecognizer(hybrid_weights), {"weights": str(hybrid_weights)}
        else:
            reader, entry = load_gesture_reader(name), {}
        started = time.perf_counter()
        for set_name, (score, set_clips) in sets.items():
            entry[set_name] = score(_reading(reader), set_clips)
        single = [reader.interpret(c.landmarks)["understood"] for c in outside if len(c.gestures) == 1]
        entry["independent_generator"]["single_gesture_clips_understood"] = round(float(np.mean(single)), 4)
        if name == "learned":
            entry["training_generator_frames"] = {
                split: evaluate_gesture_encoder(reader, sample_dataset(split, eval_clips, seed=seed))
                for split, seed in (("train", 10_000), ("heldout", 20_000))
            }
        entry["seconds"] = round(time.perf_counter() - started, 1)
        report[name] = entry
    return report


def _fmt(value, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def markdown(report: dict) -> str:
    """The report as the Markdown tables of docs/commands.md."""
    out = []
    if "language" in report:
        lang = report["language"]
        out += [
            "| phrasings | sentences | exact match | understood | exact and understood | exact, words as `<unk>` "
            "| nonsense asked a question |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for key, (_, _, name) in PHRASING_SETS.items():
            row, asked = lang["phrasings"][key], lang["not_understood"][key]
            out.append(
                f"| {name} | {row['sentences']} | {_fmt(row['exact'])} | {_fmt(row['understood'])} | {_fmt(row['exact_and_understood'])} "
                f"| {_fmt(row['exact_unknown_words_not_mapped'])} | {_fmt(asked['asked_a_question'])} ({asked['inputs']} inputs) |"
            )
        valid, alone = lang["valid_grammar_commands_understood"], lang["grammar_shape_alone_asked"]
        out += [
            "",
            f"| grammar commands naming the colour, understood ({', '.join(valid)}) "
            f"| naming a shape alone, asked ({', '.join(k for k, v in alone.items() if v is not None)}) "
            f"| grammar splits exact ({', '.join(lang['grammar_splits_exact'])}) |",
            "|---:|---:|---:|",
            "| "
            + " / ".join(_fmt(v) for v in valid.values())
            + " | "
            + " / ".join(_fmt(v) for v in alone.values() if v is not None)
            + " | "
            + " / ".join(_fmt(v, 4) for v in lang["grammar_splits_exact"].values())
            + " |",
            "",
        ]
    if "gesture" in report:
        blinds = [(key, name) for key, (_, _, name) in BLIND_SETS.items()] + [("mediapipe_rendered", "MediaPipe, rendered hand")]
        out += [
            "| reader | independent | " + " | ".join(name for _, name in blinds) + " | training performers | held-out performers "
            "| pointing error, median (°): independent / " + " / ".join(name for _, name in blinds) + " |",
            "|---|" + "---:|" * (len(blinds) + 4),
        ]
        for name, entry in report["gesture"].items():
            ind = entry["independent_generator"]
            cells = [_fmt(ind["label_accuracy"])]
            cells += [_fmt(entry[key]["accuracy"]) if key in entry else "" for key, _ in blinds]
            cells += [_fmt(entry[f"training_generator_{split}"]["label_accuracy"]) for split in ("train", "heldout")]
            errors = [_fmt(ind["pointing_error_deg_median"], 1)]
            errors += [_fmt(entry[key]["pointing_error_deg"]["median"], 1) if key in entry else "" for key, _ in blinds]
            cells.append(" / ".join(errors))
            label = f"{name} (default)" if name == PERSON_READER else name  # the reader of a person's clip
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        kinds = [("tight", "tight"), ("margin", "idle around"), ("pair", "pairs"), ("recording", "recordings")]
        out += [
            "",
            "| reader | generator | " + " | ".join(name for _, name in kinds) + " |",
            "|---|---|" + "---:|" * len(kinds),
        ]
        for name, entry in report["gesture"].items():
            for key, generator in [("independent_generator", "independent"), *blinds]:
                if key in entry:
                    cells = [_fmt(entry[key]["by_kind"].get(kind)) for kind, _ in kinds]
                    out.append(f"| {name} | {generator} | " + " | ".join(cells) + " |")
    return "\n".join(out)


# task, then the presets that follow its structured command, words and gestures
END_TO_END = (
    ("Reach", "reach_ppo_large", "reach_language_ppo", "reach_gesture_ppo"),
    ("Push", "push_dagger", "push_language_dagger", "push_gesture_dagger"),
    ("GoTo", "goto_dagger", "goto_language_dagger", "goto_gesture_dagger"),
)


def _success_cell(path: Path) -> str:
    if not path.is_file():
        return ""
    result = json.loads(path.read_text(encoding="utf-8"))
    low, high = result["success_ci"]
    return f"{result['success_rate']:.3f} ({low:.2f}-{high:.2f}), {result['n_episodes']}"


def end_to_end_markdown(results_dir: Path) -> str:
    """Command-following success from the run folders in ``results_dir`` (docs/results/), one
    row per task: the structured command, words (the grammar's, outside phrasings, the held-out blind set) and gestures
    (training performers, held-out performers, the independent generator)."""
    out = [
        "| task | structured command | words: grammar | words: outside phrasings | words: blind 8 (held out) "
        "| gestures: training performers | gestures: held-out performers | gestures: independent generator |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for task, structured, words, gestures in END_TO_END:
        cells = [
            _success_cell(results_dir / structured / "eval.json"),
            _success_cell(results_dir / words / "eval.json"),
            _success_cell(results_dir / words / "eval_outside.json"),
            _success_cell(results_dir / words / "eval_outside-blind8.json"),
            _success_cell(results_dir / gestures / "eval.json"),
            _success_cell(results_dir / gestures / "eval_gesture-heldout.json"),
            _success_cell(results_dir / gestures / "eval_gesture-outside.json"),
        ]
        out.append(f"| {task} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("language", "gesture"), help="measure just this (default: both)")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="learned gesture encoder weights (default: the shipped ones)")
    parser.add_argument(
        "--readers", nargs="+", choices=GESTURE_READERS, default=list(GESTURE_READERS), help="gesture readers to measure (default: all)"
    )
    parser.add_argument("--hybrid-weights", type=Path, default=None, help="hybrid reader weights (default: the shipped ones)")
    parser.add_argument("--gesture-clips", type=int, default=200, help="clips of the independent generator (default: 200)")
    parser.add_argument("--eval-clips", type=int, default=300, help="clips per training-generator split (default: 300)")
    parser.add_argument("--markdown", action="store_true", help="print the tables of docs/commands.md instead of JSON")
    parser.add_argument("--from-json", type=Path, metavar="REPORT.json", help="read a report this script printed instead of measuring")
    parser.add_argument(
        "--end-to-end",
        type=Path,
        metavar="RESULTS_DIR",
        help="print the command-following table of docs/commands.md from the run folders in RESULTS_DIR (docs/results)",
    )
    args = parser.parse_args(argv)
    if args.end_to_end is not None:
        if not args.end_to_end.is_dir():
            parser.error(f"--end-to-end {args.end_to_end}: not a folder")
        print(end_to_end_markdown(args.end_to_end))
        return 0
    if args.from_json is not None:
        report = json.loads(args.from_json.read_text(encoding="utf-8"))
        print(markdown(report) if args.markdown else json.dumps(report, indent=1))
        return 0
    torch.set_num_threads(1)
    report = {}
    if args.only in (None, "language"):
        report["language"] = language_report()
    if args.only in (None, "gesture"):
        report["gesture"] = gesture_report(args.weights, args.gesture_clips, args.eval_clips, tuple(args.readers), args.hybrid_weights)
    print(markdown(report) if args.markdown else json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
