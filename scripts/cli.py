"""The ``robocue`` command: train, eval, replay, envs, bench. Parses arguments and calls agents/."""

from __future__ import annotations

# lazy imports in this module: arguments are parsed (and --help answered) before the heavy
# imports; torch with Stable-Baselines3 takes 9.1 s to import on this 2-core machine under load
# (`python -X importtime -c "import stable_baselines3"`), which --help and bad arguments must not pay.
import argparse
import pickle
import sys
import textwrap

from robocue import __version__

# perception.gestures' GESTURE_READERS and PERSON_READER, written out so that --help does not import torch
# (tests/test_cli.py checks they agree)
GESTURE_READER_CHOICES = ("geometric", "learned", "hybrid")
PERSON_READER_NAME = "hybrid"

EXIT_USAGE = 2


def _int_at_least(minimum: int, name: str):
    """An argparse type for integers >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"must be a {name} integer, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "positive")
_seed = _int_at_least(0, "non-negative")


def _train_epilog() -> str:
    from robocue.configs import DEFAULT_PRESET, list_presets

    return textwrap.dedent(
        f"""\
        presets: {", ".join(list_presets())} (default: {DEFAULT_PRESET})

        examples:
          robocue train                                  # the default preset
          robocue train reach_ppo seed=3
          robocue train my_experiment.yaml algo.learning_rate=3e-4 train.timesteps=20000
          robocue train run.dir=runs/mine logging.wandb=disabled
          robocue train --resume runs/mine               # continue a stopped run exactly
          robocue train reach_ppo --seeds 0-4            # five seeds in one group folder, then compared
          robocue train reach_ppo --seeds 0-4 --parallel 2 run.dir=runs/reach5

        Config keys are documented in docs/configs.md. A bad key or value stops before any
        work with a one-line error and exit code 2."""
    )


def _add_trust_pickle(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trust-pickle",
        action="store_true",
        help="RUN_DIR is a Stable-Baselines3 zip made elsewhere (no robocue config.yaml): load it with SB3's loader, which "
        "UNPICKLES it and so runs any code inside; only for zips from someone you trust. Needs --env-id. Run folders of "
        "robocue never need it: they load as weights only",
    )
    parser.add_argument("--env-id", metavar="ENV_ID", help="with --trust-pickle: the robocue env the zip's policy acts in")


def _trusted_agent(args):
    """The agent of a foreign zip (``--trust-pickle``), or None when RUN_DIR is a run folder."""
    if not args.trust_pickle:
        if args.env_id:
            raise ValueError("--env-id goes with --trust-pickle (a zip without a robocue config)")
        return None
    if args.run_dir is None or not args.env_id:
        raise ValueError("--trust-pickle needs RUN_DIR (the zip) and --env-id ENV_ID")
    from robocue.agents.agent import Agent

    return Agent.load_trusted_zip(args.run_dir, args.env_id)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="robocue",
        description="Train robots that follow commands, evaluate them and replay them as videos.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  robocue train\n  robocue eval runs/<run>\n  robocue replay runs/<run>\n  robocue envs\n  robocue bench",
    )
    parser.add_argument("--version", action="version", version=f"robocue {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train",
        help="train an agent from a preset or YAML config",
        description="Train an agent, then evaluate it (eval.json) and record a replay video, all in one run folder.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_train_epilog(),
    )
    train.add_argument(
        "args",
        nargs="*",
        metavar="[PRESET|path.yaml] [key=value ...]",
        help="a preset name or YAML file (optional), then dotted overrides",
    )
    train.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="continue the run in RUN_DIR in place from its newest exact-resume state (checkpoints/resume_<N>.*), as its "
        "config.yaml says; on the CPU it ends with the weights the run would have had without the stop",
    )
    train.add_argument(
        "--seeds",
        metavar="SEEDS",
        help="train once per seed, e.g. 0-4 or 0,3,7: one run folder per seed (seed_<S>/) inside a group folder "
        "(run.dir, default runs/<env>__<algo>__seeds<SEEDS>__<time>), then `robocue compare` on the group",
    )
    train.add_argument(
        "--parallel",
        type=_positive_int,
        default=1,
        metavar="N",
        help="with --seeds: seeds trained at once, in child processes (default: 1)",
    )

    evaluate = commands.add_parser(
        "eval",
        help="evaluate a trained agent on seeded episodes",
        description=(
            "Evaluate the agent in RUN_DIR on seeds S, S+1, ... with its mean action (or as its eval.deterministic says;\n"
            "--sample samples); write eval.json.\n"
            "With --expert ENV_ID, evaluate that task's scripted expert instead (same eval.json)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue eval runs/Reach-MuJoCo-v0__ppo__0__20261128-120000\n"
            "  robocue eval RUN_DIR --episodes 100 --seed 5000 --out results/eval.json\n"
            "  robocue eval --expert robocue/Reach-MuJoCo-v0 --episodes 100\n"
            "  robocue eval RUN_DIR --engine pybullet          # the same agent in the other engine\n"
            "  robocue eval RUN_DIR --engine both              # both engines and the gap -> transfer.json\n"
            "  robocue eval RUN_DIR --physics held-out         # physics neither engine trains in\n"
            "  robocue eval RUN_DIR --model checkpoints/step_100000.zip   # a checkpoint -> eval_step_100000.json\n"
            "  robocue eval RUN_DIR --sample                   # sampled actions -> eval_sampled.json\n"
            "  robocue eval RUN_DIR --runtime onnx --episodes 200   # the ONNX export, no torch -> eval_onnx.json"
        ),
    )
    evaluate.add_argument("run_dir", metavar="RUN_DIR", nargs="?", help="a run folder made by `robocue train`")
    evaluate.add_argument(
        "--expert", metavar="ENV_ID", help="evaluate the scripted expert of ENV_ID (default out: runs/expert__<env>/eval.json)"
    )
    evaluate.add_argument("--episodes", type=_positive_int, help="number of episodes (default: the run's eval.episodes; 100 for --expert)")
    evaluate.add_argument("--seed", type=_seed, help="seed of the first episode (default: the run's eval.seed)")
    evaluate.add_argument("--out", metavar="FILE", help="where to write the JSON (default: RUN_DIR/eval.json)")
    evaluate.add_argument(
        "--model",
        metavar="FILE",
        help="a model in the run folder other than model.zip, e.g. checkpoints/step_100000.zip (default out: RUN_DIR/eval_<name>.json)",
    )
    evaluate.add_argument(
        "--engine",
        metavar="ENGINE",
        help="evaluate on the twin of the agent's env in this physics engine, mujoco or pybullet (default out: "
        "RUN_DIR/eval_<ENGINE>.json), or both: each engine's file plus RUN_DIR/transfer.json with the gap",
    )
    evaluate.add_argument(
        "--physics",
        metavar="VARIANT",
        help="evaluate in a fixed physics variant: held-out (slippery heavy objects, slower servos, one step of "
        "latency; docs/transfer.md) or KEY=VALUE,... of friction, mass, gain (factors) and latency (steps) "
        "(default out: RUN_DIR/eval_<VARIANT>.json, eval_physics.json for KEY=VALUE)",
    )
    evaluate.add_argument(
        "--sample",
        action="store_true",
        help="sample the policy's actions (seeded per episode) instead of taking their mean, whatever the run's "
        "eval.deterministic says (default out: RUN_DIR/eval_sampled.json)",
    )
    _add_trust_pickle(evaluate)
    evaluate.add_argument(
        "--runtime",
        choices=("torch", "onnx"),
        default="torch",
        help="torch (default): the SB3 model; onnx: the export in RUN_DIR/export (`robocue export RUN_DIR`), acted by "
        "onnxruntime without torch (default out: RUN_DIR/eval_onnx.json)",
    )
    evaluate.add_argument(
        "--int8", action="store_true", help="with --runtime onnx: the int8 policy (default out: RUN_DIR/eval_onnx_int8.json)"
    )
    evaluate.add_argument(
        "--commands",
        metavar="SPLIT",
        help="for agents trained with env.commands=language: what the simulated human says, train, paraphrase, "
        "composition, outside (hand-written out-of-grammar phrasings, tests/data/outside_phrasings.tsv), outside-blind, "
        "outside-blind2 ... outside-blind8 (sentences written by people who never saw the parser, "
        "outside_phrasings_blind*.tsv); with "
        "env.commands=gesture: who gestures, gesture (training performers), gesture-heldout or gesture-outside (the "
        "independent clip generator of tests/outside_gestures.py) (default out: RUN_DIR/eval_<SPLIT>.json)",
    )

    replay = commands.add_parser(
        "replay",
        help="record a trained agent as an MP4 video",
        description=(
            "Record the agent in RUN_DIR on seeded episodes into one MP4, with the command, step, reward and success overlaid.\n"
            "With --expert ENV_ID, record that task's scripted expert instead."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue replay runs/Reach-MuJoCo-v0__ppo__0__20261128-120000\n"
            "  robocue replay RUN_DIR --episodes 3 --seed 7 --width 640 --height 480 --out reach.mp4\n"
            "  robocue replay --expert robocue/Reach-MuJoCo-v0"
        ),
    )
    replay.add_argument("run_dir", metavar="RUN_DIR", nargs="?", help="a run folder made by `robocue train`")
    replay.add_argument("--expert", metavar="ENV_ID", help="record the scripted expert of ENV_ID (default out: runs/expert__<env>/videos/)")
    replay.add_argument("--episodes", type=_positive_int, help="number of episodes (default: the run's video.episodes)")
    replay.add_argument("--seed", type=_seed, help="seed of the first episode (default: the run's eval.seed)")
    replay.add_argument("--out", metavar="FILE.mp4", help="output file (default: RUN_DIR/videos/replay_seed<S>_x<N>.mp4)")
    replay.add_argument("--width", type=_positive_int, help="frame width in pixels (default: the run's video.width)")
    replay.add_argument("--height", type=_positive_int, help="frame height in pixels (default: the run's video.height)")
    replay.add_argument("--fps", type=_positive_int, help="frames per second (default: the env's control rate)")
    replay.add_argument(
        "--runtime",
        choices=("torch", "onnx"),
        default="torch",
        help="torch (default): the SB3 model; onnx: RUN_DIR/export acted by onnxruntime (default out: videos/replay_onnx_seed<S>_x<N>.mp4)",
    )
    replay.add_argument("--int8", action="store_true", help="with --runtime onnx: the int8 policy")
    _add_trust_pickle(replay)

    compare = commands.add_parser(
        "compare",
        help="compare runs and groups of seeds: IQM with bootstrap intervals, a table and plots",
        description=(
            "Compare groups of runs. Each argument is one group: a group folder made by `robocue train --seeds`, a folder of\n"
            "run folders, or one run folder. Per group, the final success rate and return (from each run's eval.json) as\n"
            "mean, median and IQM, each with a 95% stratified bootstrap interval (rliable). Writes summary.json, summary.md\n"
            "(the table, also printed), curves_steps.png and curves_time.png (learning curves, mean over seeds with a band\n"
            "from the lowest to the highest seed) and final.png (the intervals)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue compare runs/Reach-MuJoCo-v0__ppo__seeds0-4__20261204-160000\n"
            "  robocue compare runs/reach5 runs/reach5_lr1e-3 --out results/lr"
        ),
    )
    compare.add_argument("paths", nargs="+", metavar="RUN_OR_GROUP", help="run folders or group folders")
    compare.add_argument("--out", metavar="DIR", help="where the summary and plots go (default: FIRST/compare)")

    sweep = commands.add_parser(
        "sweep",
        help="sweep hyperparameters and seeds on Ray Tune; each trial is a run folder",
        description=(
            "Run the sweep that SPEC.yaml describes on Ray Tune: a preset, the config keys to vary (grid, choice, uniform,\n"
            "loguniform), the seeds, optional ASHA early stopping. Each trial trains a normal run folder under\n"
            "<out>/trials/; at the end <out>/summary.csv (one row per trial with its keys and final success and 95% CI) and\n"
            "<out>/best.yaml (the best keys, averaged over seeds, as a preset file). Running the same spec again resumes:\n"
            "finished trials are not trained again. Without --address, Ray runs on this machine; with it, on that cluster\n"
            "(the sweep folder must then be on storage every node shares). The spec format is in docs/experiments.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue sweep sweep.yaml\n  robocue sweep sweep.yaml --max-concurrent 2\n"
            "  robocue sweep sweep.yaml --address ray://head-node:10001\n  robocue compare runs/sweeps/sweep/trials"
        ),
    )
    sweep.add_argument("spec", metavar="SPEC.yaml", help="the sweep spec")
    sweep.add_argument("--address", metavar="ADDR", help="an existing Ray cluster, e.g. ray://head:10001 or auto (default: local Ray)")
    sweep.add_argument("--max-concurrent", type=_positive_int, metavar="N", help="trials at once (default: as many as Ray has CPUs)")

    collect = commands.add_parser(
        "collect",
        help="record a task's scripted expert as a Minari dataset",
        description=(
            "Play the scripted expert of ENV_ID on seeds --seed, --seed+1, ... and write the episodes as a Minari dataset\n"
            "(Minari's HDF5 layout) into the new folder DIR. Read it with minari.MinariDataset('DIR/data'), or clone it into\n"
            "a policy with the config key train.imitation.dataset=DIR."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue collect --expert robocue/Push-MuJoCo-v0 --episodes 200 --out data/push_expert\n"
            "  robocue train push_dagger train.imitation.dataset=data/push_expert train.imitation.episodes=0 "
            "train.imitation.dagger_iterations=0"
        ),
    )
    collect.add_argument("--expert", metavar="ENV_ID", required=True, help="the env whose scripted expert plays (robocue envs lists them)")
    collect.add_argument("--episodes", type=_positive_int, required=True, metavar="N", help="episodes to record")
    collect.add_argument("--out", metavar="DIR", required=True, help="a new (or empty) folder for the dataset")
    collect.add_argument("--seed", type=_seed, default=0, help="seed of the first episode (default: 0)")

    doctor = commands.add_parser(
        "doctor",
        help="check that training and rendering work here, and say how to fix what does not",
        description=(
            "Check this machine: package versions (MuJoCo, PyBullet, SB3, Gymnasium, torch, Ray, ...), the torch build and\n"
            "CUDA, each MuJoCo rendering backend (EGL, OSMesa, GLFW) actually tried in a child process with a timeout, the\n"
            "backend robocue will use (MUJOCO_GL, default egl), PyBullet's renderer, a tiny training step, wandb's mode and\n"
            "whether its server answers (3 s timeout), and write access to the runs folder. Each failure comes with its fix.\n"
            "Exit code 0 when training and rendering will work, 1 when something they need is broken."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  robocue doctor\n  robocue doctor --json\n  MUJOCO_GL=osmesa robocue doctor --runs-dir /scratch/runs",
    )
    doctor.add_argument("--runs-dir", metavar="DIR", default="runs", help="the runs folder to check for write access (default: runs)")
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON instead of a table")
    doctor.add_argument(
        "--timeout", type=_positive_int, default=60, metavar="S", help="seconds each rendering probe may take (default: 60)"
    )

    understand = commands.add_parser(
        "understand",
        help="say which command the robot understood from words or gestures",
        description=(
            "Print, as JSON, the command robocue's language encoder understood from TEXT: task, color, shape and\n"
            'destination (null where the words do not say), "understood" (true or false), "confidence" per field in\n'
            "[0, 1] and, when not understood (nonsense, two objects or places named, a field missing or unsure), a\n"
            '"question" to ask back; "read_as" shows how words the grammar lacks were read (spelling, wordllama\n'
            'meaning) and "unknown" the words ignored. Uses the shipped encoder, or a run\'s own with --run.\n'
            "With --gesture CLIP.npy (MediaPipe hand landmarks, float32 (T, 21, 3)), print the recognised gestures\n"
            "(label, start and end frames, direction_deg for point: 0 = right, 90 = up in the image), the\n"
            "command fields they imply, and the same understood, confidence and question. Gestures are read by the\n"
            "hybrid reader (the default: a recurrent model over the geometric reading, trained on many clip\n"
            "generators), from finger angles and wrist strokes alone (--reader geometric) or by the shipped temporal\n"
            "CNN (--reader learned).\n"
            "With --make-gesture LABEL [LABEL] --out CLIP.npy, write a synthetic clip of those gestures (a point aimed\n"
            "at --direction degrees, the camera held level) to try `robocue command RUN_DIR --gesture CLIP.npy` with,\n"
            "and print what the encoder understands of it."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            'examples:\n  robocue understand "push the red cube to the left"\n  robocue understand "red ball" --run RUN_DIR\n'
            "  robocue understand --gesture clip.npy\n"
            "  robocue understand --make-gesture point --direction 100 --out clip.npy\n"
            "  robocue understand --make-gesture point swipe_left --direction 80 --performer 7 --out push.npy\n"
            "  python -m robocue.perception.gestures render clip --gestures point swipe_left   # writes clip.npy and clip.mp4"
        ),
    )
    understand.add_argument("text", metavar="TEXT", nargs="?", help="what the person says")
    understand.add_argument("--gesture", metavar="CLIP.npy", help="a hand-landmark clip to understand instead of words")
    understand.add_argument("--run", metavar="RUN_DIR", help="use the language encoder saved in this run folder")
    understand.add_argument(
        "--reader",
        choices=GESTURE_READER_CHOICES,
        default=PERSON_READER_NAME,
        help="how gestures are read: hybrid (a recurrent model over the geometric reading, trained on many clip generators; "
        "the default), geometric (finger angles and wrist strokes alone) or learned (the shipped temporal CNN)",
    )
    understand.add_argument(
        "--make-gesture",
        metavar="LABEL",
        nargs="+",
        help="write a synthetic clip of one or two gestures (point, swipe_left, swipe_right, swipe_up, swipe_down, grab, "
        "come_here, stop) to --out",
    )
    understand.add_argument("--out", metavar="CLIP.npy", help="where --make-gesture writes the clip")
    understand.add_argument(
        "--direction", metavar="DEG", type=float, help="where the point aims in the image, 0 = right, 90 = up (default: 90)"
    )
    understand.add_argument("--performer", metavar="N", type=_seed, help="who performs --make-gesture (default: 1)")
    understand.add_argument("--seed", metavar="S", type=_seed, help="seed of --make-gesture's clip (default: 0)")

    command = commands.add_parser(
        "command",
        help="tell a trained agent what to do in words or gestures and watch it",
        description=(
            "Run one seeded episode of the agent in RUN_DIR following a person's command: print, as JSON, what it understood\n"
            "and whether it succeeded, and write a video with the command overlaid. A command that was not understood\n"
            "(see `robocue understand`) is refused: --say and --gesture exit with the robot's question as the error;\n"
            'reading standard input, it prints {"said", "understood": false, "question"} and goes on to the next line.\n'
            "--say TEXT (agents trained with env.commands=language): the scene is the first seed from --seed on whose command\n"
            "fits the words. Without --say or --gesture, read commands in words from standard input, one per line: one\n"
            "episode and one video each.\n"
            "--gesture CLIP.npy (agents trained with env.commands=gesture; MediaPipe hand landmarks, float32 (T, 21, 3)): the\n"
            "scene is the first seed from --seed on whose command has the task and destination the gestures imply and whose\n"
            "target is the object the point picks (the nearest bearing from the person, within 10 degrees)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            'examples:\n  robocue command RUN_DIR --say "could you touch the blue block"\n'
            '  printf "reach the red ball\\ntouch the green cube\\n" | robocue command RUN_DIR\n'
            "  robocue understand --make-gesture point --direction 100 --out clip.npy\n"
            "  robocue command RUN_DIR --gesture clip.npy"
        ),
    )
    command.add_argument("run_dir", metavar="RUN_DIR", help="a run trained with env.commands=language or env.commands=gesture")
    command.add_argument("--say", metavar="TEXT", help="the command in words")
    command.add_argument("--gesture", metavar="CLIP.npy", help="the command as a hand-gesture clip (.npy, float32 (T, 21, 3))")
    command.add_argument("--seed", type=_seed, default=10_000, help="first scene seed to try (default: 10000)")
    command.add_argument("--out-dir", metavar="DIR", help="where the videos go (default: RUN_DIR/videos/)")
    command.add_argument(
        "--reader",
        choices=GESTURE_READER_CHOICES,
        default=PERSON_READER_NAME,
        help="how a --gesture clip is read (as robocue understand --reader; default: hybrid)",
    )
    command.add_argument(
        "--runtime", choices=("torch", "onnx"), default="torch", help="onnx: the export in RUN_DIR/export hears and acts (--say only)"
    )
    _add_trust_pickle(command)

    export = commands.add_parser(
        "export",
        help="export an agent's acting path to ONNX (or TorchScript), optionally int8",
        description=(
            "Export the acting path of the agent in RUN_DIR (observation preprocessing, features extractor, policy head,\n"
            "deterministic action) and, for an agent that hears words, its language encoder's path from token ids to the\n"
            "belief features, with manifest.json (input names, shapes, dtypes, observation layout, vocabulary).\n"
            "--int8 adds policy_int8.onnx: dynamic int8 for MLP policies, static int8 calibrated on recorded observations\n"
            "for CNN policies. The ONNX files run with onnxruntime alone: robocue eval RUN_DIR --runtime onnx."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue export runs/reach_ppo\n  robocue export runs/reach_ppo --int8\n"
            "  robocue export RUN_DIR --format torchscript --out RUN_DIR/ts"
        ),
    )
    export.add_argument("run_dir", metavar="RUN_DIR", help="a run folder made by `robocue train`")
    export.add_argument("--format", default="onnx", metavar="FORMAT", help="onnx (default) or torchscript")
    export.add_argument("--int8", action="store_true", help="also write an int8 ONNX policy (policy_int8.onnx)")
    export.add_argument("--out", metavar="DIR", help="the folder to write (default: RUN_DIR/export)")

    distill = commands.add_parser(
        "distill",
        help="distil a pixel agent into a small CNN (a quarter of its parameters) by DAgger from it",
        description=(
            "Train a small student of the pixel agent in TEACHER_RUN: the teacher's env and recipe (cloning its episodes, then\n"
            "DAgger rounds labelled by the teacher from the pixels the student sees), with the small CNN trunk and a 64-64 MLP,\n"
            "at most a quarter of the teacher's parameters, then evaluate it (eval.json) next to the teacher's eval.json.\n"
            "The student is a run folder: eval, export --int8 and bench take it."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue distill runs/reach_pixels --out runs/reach_pixels_small\n"
            "  robocue distill runs/reach_pixels --out runs/small train.imitation.dagger_iterations=6"
        ),
    )
    distill.add_argument(
        "args",
        nargs="+",
        metavar="TEACHER_RUN [key=value ...]",
        help="a pixel run folder (policy.features_extractor=multimodal), then dotted overrides on top of its config",
    )
    distill.add_argument("--out", metavar="DIR", required=True, help="the student's run folder (must not hold a run)")

    commands.add_parser(
        "envs",
        help="list the registered environment ids",
        description="List robocue's registered Gymnasium environment ids with their task, engine and episode length.",
        epilog="example:\n  robocue envs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench = commands.add_parser(
        "bench",
        help="measure environment steps per second, or a policy's latency per action",
        description=(
            "Step each environment with random actions and report steps per second, with and without rendering.\n"
            "With --policy RUN_DIR (or --encoder language): p50 and p99 milliseconds per action (per utterance) on\n"
            "--threads CPU threads and the peak memory of the process that acts, measured in a fresh process on\n"
            "observations recorded from the agent's ONNX export (robocue export RUN_DIR first)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n  robocue bench\n  robocue bench --env robocue/Reach-MuJoCo-v0 --steps 50000 --out bench.json\n"
            "  robocue bench --vec --env robocue/Reach-MuJoCo-v0 --steps 20000\n"
            "  robocue bench --policy runs/reach_ppo --runtime onnx --threads 1\n"
            "  robocue bench --policy runs/reach_ppo --runtime onnx --int8\n"
            "  robocue bench --encoder language --runtime torch\n"
            "  robocue bench --encoder gesture --runtime onnx"
        ),
    )
    bench.add_argument("--env", action="append", metavar="ENV_ID", help="env id to measure (repeatable; default: all)")
    bench.add_argument("--steps", type=_positive_int, default=20_000, help="steps per measurement (default: 20000)")
    bench.add_argument("--render-steps", type=int, default=500, help="steps of the step+render measurement; 0 skips it (default: 500)")
    bench.add_argument("--out", metavar="FILE.json", help="also write the results as JSON")
    bench.add_argument(
        "--vec",
        action="store_true",
        help="instead, compare vectorised envs (dummy, subproc, threaded) at 1, 2, 4 and 8 copies (default env: Reach state)",
    )
    bench.add_argument("--policy", metavar="RUN_DIR", help="instead, time the agent in RUN_DIR per action (needs RUN_DIR/export)")
    bench.add_argument(
        "--encoder", metavar="NAME", help="instead, time a command encoder: language (per utterance) or gesture (per clip, at most 200)"
    )
    bench.add_argument("--runtime", default="onnx", metavar="RUNTIME", help="with --policy or --encoder: onnx (default) or torch")
    bench.add_argument("--threads", type=_positive_int, default=1, help="with --policy or --encoder: CPU threads (default: 1)")
    bench.add_argument("--int8", action="store_true", help="with --policy --runtime onnx: the int8 policy")
    bench.add_argument("--actions", type=_positive_int, default=1000, help="with --policy or --encoder: calls timed (default: 1000)")
    return parser


def _split_train_args(args: list[str]) -> tuple[str | None, list[str]]:
    if args and "=" not in args[0]:
        return args[0], args[1:]
    return None, args


def cmd_train(args) -> int:
    from robocue.agents.training import train
    from robocue.configs import load_config

    if args.resume is not None:
        if args.args:
            raise ValueError("--resume RUN_DIR continues a run as its config.yaml says; give no preset or overrides with it")
        if args.seeds is not None or args.parallel != 1:
            raise ValueError("--resume RUN_DIR continues one run; --seeds and --parallel start a group of runs: give one or the other")
        from robocue.agents.runs import load_run_config

        result = train(load_run_config(args.resume), resume=args.resume)
    else:
        source, overrides = _split_train_args(args.args)
        if args.seeds is not None:
            return _train_seeds(source, overrides, args)
        if args.parallel != 1:
            raise ValueError("--parallel goes with --seeds")
        result = train(load_config(source, overrides))
    print("\ndone:")
    print(f"  run folder   {result.run_dir}")
    print(f"  model        {result.model_path}")
    print(f"  metrics      {result.run_dir / 'metrics'} (tensorboard --logdir {result.run_dir / 'metrics'})")
    if result.eval_path:
        print(f"  evaluation   {result.eval_path} (success rate {result.eval['success_rate']:.2f})")
    for video in result.videos:
        print(f"  video        {video}")
    return 0


def _train_seeds(source, overrides, args) -> int:
    from robocue.agents.compare import compare
    from robocue.agents.seeds import parse_seeds, train_seeds

    group, outcomes = train_seeds(source, overrides, parse_seeds(args.seeds), args.parallel)
    print("\ndone:")
    print(f"  group folder {group}")
    for seed, outcome in outcomes.items():
        print(f"  seed {seed:<6} {group / f'seed_{seed}'} ({outcome})")
    if any(outcome == "ok" for outcome in outcomes.values()):
        report = compare([group], group / "compare")
        print(f"  comparison   {report['out']} (summary.json, summary.md, PNG plots)")
        print(report["table"])
    return 0 if all(outcome == "ok" for outcome in outcomes.values()) else 1


def _run_dir_or_expert(args) -> None:
    if (args.run_dir is None) == (args.expert is None):
        raise ValueError("give either RUN_DIR or --expert ENV_ID (one of them)")


def cmd_eval(args) -> int:
    _run_dir_or_expert(args)
    if args.runtime == "onnx":
        return _eval_onnx(args)
    if args.int8:
        raise ValueError("--int8 evaluates the int8 ONNX policy; add --runtime onnx")
    from robocue.agents.evaluation import evaluate_expert, evaluate_run

    if args.expert and args.model:
        raise ValueError("--model picks a model file of RUN_DIR; an --expert has none")
    if args.expert and args.sample:
        raise ValueError("--sample samples a trained policy's actions; an --expert has no distribution to sample")
    if args.expert and args.engine:
        raise ValueError("--engine picks the twin of RUN_DIR's env; for an --expert name the env id of that engine")
    trusted = _trusted_agent(args)
    if trusted is not None:
        from pathlib import Path

        from robocue.agents.evaluation import evaluate_agent

        zip_path = Path(trusted.model_file)
        out = args.out or zip_path.parent / f"eval_{zip_path.stem}.json"
        seed = 10_000 if args.seed is None else args.seed
        result, path = evaluate_agent(trusted, args.episodes or trusted.config.eval.episodes, seed, out)
    elif args.expert:
        result, path = evaluate_expert(
            args.expert, episodes=args.episodes or 100, seed=10_000 if args.seed is None else args.seed, out=args.out, physics=args.physics
        )
    elif args.engine not in (None, "both", "mujoco", "pybullet"):
        raise ValueError(f"--engine {args.engine!r} is not one of: mujoco, pybullet, both")
    elif args.engine == "both":
        from robocue.agents.evaluation import evaluate_both_engines

        if args.out:
            raise ValueError("--out names one file; --engine both writes each engine's eval file and transfer.json in RUN_DIR")
        summary, path = evaluate_both_engines(
            args.run_dir, args.episodes, args.seed, commands=args.commands, model_file=args.model, sample=args.sample, physics=args.physics
        )
        for engine, rate in summary["success"].items():
            low, high = summary["success_ci"][engine]
            print(f"{engine}: success rate {rate:.2f} (95% CI {low:.2f}-{high:.2f}) over {summary['n_episodes']} episodes")
        print(f"gap (trained in {summary['trained_engine']} minus the other): {summary['gap']:+.3f}")
        print(f"wrote {path}")
        return 0
    else:
        result, path = evaluate_run(
            args.run_dir,
            episodes=args.episodes,
            seed=args.seed,
            out=args.out,
            commands=args.commands,
            engine=args.engine,
            model_file=args.model,
            sample=args.sample,
            physics=args.physics,
        )
    _print_eval(result, path)
    return 0


def _eval_onnx(args) -> int:
    # onnx_runtime imports no torch; agents.evaluation does, so the ONNX path never imports it.
    from robocue.agents.onnx_runtime import evaluate_export

    if args.expert or args.model or args.sample or args.engine or args.physics:
        raise ValueError(
            "--runtime onnx evaluates RUN_DIR's export with its mean action; --expert, --model, --sample, --engine and --physics "
            "do not apply"
        )
    result, path = evaluate_export(args.run_dir, args.episodes, args.seed, args.out, int8=args.int8, commands=args.commands)
    _print_eval(result, path)
    return 0


def _print_eval(result: dict, path) -> None:
    low, high = result["success_ci"]
    print(
        f"{result['env_id']}: success rate {result['success_rate']:.2f} (95% CI {low:.2f}-{high:.2f}) over "
        f"{result['n_episodes']} episodes, mean return {result['mean_return']:.2f} +- {result['std_return']:.2f}"
    )
    print(f"wrote {path}")


def cmd_replay(args) -> int:
    from robocue.agents.replay import replay_expert, replay_run

    _run_dir_or_expert(args)
    if args.out and not args.out.lower().endswith(".mp4"):
        raise ValueError(f"--out must name an .mp4 file, got {args.out!r}")
    trusted = _trusted_agent(args)
    if trusted is not None:
        from pathlib import Path

        from robocue.agents.replay import replay_agent

        zip_path, episodes, seed = Path(trusted.model_file), args.episodes or 2, 10_000 if args.seed is None else args.seed
        out = args.out or zip_path.parent / "videos" / f"replay_{zip_path.stem}_seed{seed}_x{episodes}.mp4"
        video = replay_agent(trusted, episodes, seed, out, args.width or 480, args.height or 360, args.fps)
    elif args.runtime == "onnx" or args.int8:
        from robocue.agents.onnx_runtime import replay_export

        if args.runtime != "onnx" or args.expert or args.fps:
            raise ValueError("--int8 needs --runtime onnx; --runtime onnx replays RUN_DIR's export (no --expert, no --fps)")
        size = {"width": args.width or 480, "height": args.height or 360}
        video = replay_export(args.run_dir, args.episodes or 2, args.seed, args.out, int8=args.int8, **size)
    elif args.expert:
        video = replay_expert(
            args.expert,
            episodes=args.episodes or 2,
            seed=10_000 if args.seed is None else args.seed,
            out=args.out,
            width=args.width or 480,
            height=args.height or 360,
            fps=args.fps,
        )
    else:
        video = replay_run(
            args.run_dir, episodes=args.episodes, seed=args.seed, out=args.out, width=args.width, height=args.height, fps=args.fps
        )
    successes = sum(e["success"] for e in video["episodes"])
    print(
        f"wrote {video['path']} ({video['frames']} frames at {video['fps']} fps, {video['codec']}; "
        f"{successes}/{len(video['episodes'])} episodes succeeded)"
    )
    return 0


def cmd_envs(args) -> int:
    from robocue import envs

    rows = [(env_id, spec["task"], spec["engine"], str(spec["max_episode_steps"])) for env_id, spec in envs.ENV_SPECS.items()]
    header = ("id", "task", "engine", "steps")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def cmd_export(args) -> int:
    from robocue.agents.export import export_run

    manifest = export_run(args.run_dir, args.format, int8=args.int8, out=args.out)
    for key, name in manifest["files"].items():
        print(f"  {key:<17} {manifest['out_dir']}/{name} ({manifest['sizes_kb'][key]:.1f} KB)")
    print(f"wrote {manifest['out_dir']}/manifest.json")
    return 0


def cmd_distill(args) -> int:
    from robocue.agents.export_distill import distill

    teacher, overrides = args.args[0], args.args[1:]
    bad = [item for item in overrides if "=" not in item]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a key=value override (give TEACHER_RUN first, then key=value ...)")
    result = distill(teacher, args.out, overrides)
    print(f"student in {result['run_dir']} ({result['student_parameters']:,} parameters, {result['parameter_share']:.1%} of the teacher's)")
    teacher_success = "" if result["teacher_success"] is None else f"; the teacher's on the same episodes {result['teacher_success']:.3f}"
    print(f"  success {result['success']:.3f} on its evaluation episodes (eval.json){teacher_success}")
    return 0


def _bench_latency(args) -> int:
    import json
    from pathlib import Path

    from robocue.agents.latency import bench_encoder, bench_gesture_encoder, bench_policy
    from robocue.files import write_json

    if args.policy and args.encoder:
        raise ValueError("give either --policy RUN_DIR or --encoder NAME, not both")
    if args.env or args.vec:
        raise ValueError("--env and --vec measure environments; --policy and --encoder measure latency, one or the other")
    if args.encoder:
        if args.encoder not in ("language", "gesture"):
            raise ValueError(f"--encoder {args.encoder!r} is not one of: language, gesture")
        if args.int8:
            raise ValueError("--int8 applies to --policy")
        if args.encoder == "gesture":
            result = bench_gesture_encoder(args.runtime, args.threads, n=min(args.actions, 200))
        else:
            result = bench_encoder(args.runtime, args.threads, n=args.actions)
    else:
        result = bench_policy(args.policy, args.runtime, args.threads, int8=args.int8, max_actions=args.actions)
    print(
        f"{result['model']} ({result['format']}, {result['threads']} thread(s)): p50 {result['p50_ms']:.3f} ms, "
        f"p99 {result['p99_ms']:.3f} ms per call over {result['n']}; peak memory {result['peak_memory_mb']:.0f} MB"
    )
    print(json.dumps(result))
    if args.out:
        write_json(Path(args.out), result)
        print(f"wrote {args.out}")
    return 0


def cmd_bench(args) -> int:
    if args.policy or args.encoder:
        return _bench_latency(args)
    from robocue import envs
    from robocue.agents.benchmark import markdown_table, run_benchmarks
    from robocue.files import check_output_path, write_json

    if args.out:
        check_output_path(args.out)  # before the measurements, not after
    env_ids = args.env or envs.ENV_IDS
    unknown = [env_id for env_id in env_ids if env_id not in envs.ENV_IDS]
    if unknown:
        raise ValueError(f"--env {unknown[0]!r} is not a robocue env; registered: {', '.join(envs.ENV_IDS)}")
    if args.vec:
        from robocue.agents.benchmark import VEC_ENV_KINDS, vec_env_steps_per_second, vec_env_table

        ids = args.env or ["robocue/Reach-MuJoCo-v0"]
        results = [vec_env_steps_per_second(kind, env_id, n, args.steps) for env_id in ids for kind in VEC_ENV_KINDS for n in (1, 2, 4, 8)]
        print(vec_env_table(results))
    else:
        results = run_benchmarks(env_ids, args.steps, max(0, args.render_steps))
        print(markdown_table(results))
    if args.out:
        from pathlib import Path

        write_json(Path(args.out), results)
        print(f"wrote {args.out}")
    return 0


def _load_clip(path: str):
    """A gesture clip, checked by ``load_gesture_clip`` (which reads the ``.npy`` header first, so a
    file claiming a huge array or more than ``MAX_CLIP_FRAMES`` frames is refused before anything is allocated)."""
    from robocue.agents.follow import load_gesture_clip

    return load_gesture_clip(path)


def cmd_compare(args) -> int:
    from robocue.agents.compare import compare

    report = compare(args.paths, args.out)
    print(report["table"])
    print(f"wrote {report['out']}/summary.json, summary.md, " + ", ".join(p.rsplit("/", 1)[-1] for p in report["plots"]))
    return 0


def cmd_sweep(args) -> int:
    from robocue.agents.sweep import run_sweep

    result = run_sweep(args.spec, address=args.address, max_concurrent=args.max_concurrent)
    print(f"\nsweep folder {result['out']}")
    for row in result["rows"]:
        success = f"{row['success_rate']:.2f} [{row['success_ci_low']:.2f}, {row['success_ci_high']:.2f}]" if "success_rate" in row else "-"
        print(f"  {row['trial']}  {row['status']}  success {success}")
    print(f"wrote {result['out']}/summary.csv")
    if result["best"]:
        best = result["best"]
        low, high = best["success_ci"]
        print(f"best: {best['params']} success {best['success_rate']:.2f} [{low:.2f}, {high:.2f}] over seeds {best['seeds']}")
        print(f"wrote {result['out']}/best.yaml (robocue train {result['out']}/best.yaml)")
    return 0 if not result["errors"] else 1


def cmd_collect(args) -> int:
    from robocue.agents.collect import collect

    collect(args.expert, args.episodes, args.out, seed=args.seed)
    return 0


def cmd_doctor(args) -> int:
    from robocue.agents.doctor import as_json, diagnose, healthy, report

    checks = diagnose(args.runs_dir, probe_timeout=args.timeout)
    print(as_json(checks) if args.json else report(checks))
    return 0 if healthy(checks) else 1


def _make_gesture(args) -> dict:
    import numpy as np

    from robocue.agents.follow import make_gesture_clip
    from robocue.files import atomic_path
    from robocue.perception.gestures import load_gesture_reader

    if args.out is None or not args.out.lower().endswith(".npy"):
        raise ValueError(f"--make-gesture needs --out CLIP.npy (a .npy file), got {args.out!r}")
    if len(args.make_gesture) > 2:
        raise ValueError(f"--make-gesture takes one or two gestures, got {len(args.make_gesture)}")
    performer = 1 if args.performer is None else args.performer
    direction = 90.0 if args.direction is None else args.direction
    clip = make_gesture_clip(args.make_gesture, direction, performer, 0 if args.seed is None else args.seed)
    with atomic_path(args.out) as tmp, open(tmp, "wb") as handle:  # refuses a folder, FIFO, symlink or device
        np.save(handle, clip.landmarks)
    performed = [{"label": label, "start": start, "end": end, "direction_deg": d} for label, start, end, d in clip.segments]
    understood = load_gesture_reader(args.reader).interpret(clip.landmarks)
    return {"wrote": args.out, "frames": len(clip.landmarks), "performer": performer, "performed": performed, "understood": understood}


def cmd_understand(args) -> int:
    import json
    from pathlib import Path

    from robocue.perception.command_channels import ENCODER_FILE, load_language_encoder

    if args.make_gesture is not None:
        if args.text is not None or args.gesture is not None:
            raise ValueError("--make-gesture writes a clip; give it without TEXT or --gesture")
        print(json.dumps(_make_gesture(args)))
        return 0
    if any(value is not None for value in (args.out, args.direction, args.performer, args.seed)):
        raise ValueError("--out, --direction, --performer and --seed go with --make-gesture LABEL")
    if args.gesture is not None:
        if args.text is not None:
            raise ValueError("give either TEXT or --gesture CLIP.npy, not both")
        from robocue.perception.gestures import load_gesture_reader

        print(json.dumps(load_gesture_reader(args.reader).interpret(_load_clip(args.gesture))))
        return 0
    if args.text is None:
        raise ValueError('give the TEXT to understand, e.g. robocue understand "push the red cube to the left"')
    path = None
    if args.run:
        path = Path(args.run) / ENCODER_FILE
        if not path.is_file():
            raise ValueError(f"--run {args.run!r} has no {ENCODER_FILE}: it was not trained with env.commands=language")
        from robocue.agents.agent import check_weights_file

        check_weights_file(path)  # a crafted file: one line, and nothing of it runs
    print(json.dumps(load_language_encoder(path).interpret(args.text)))
    return 0


def cmd_command(args) -> int:
    import json
    from pathlib import Path

    from robocue.agents.agent import Agent
    from robocue.agents.follow import check_follows, follow_command, follow_gesture
    from robocue.perception.command_channels import ENCODER_FILE, load_language_encoder

    if args.say is not None and args.gesture is not None:
        raise ValueError("give either --say TEXT or --gesture CLIP.npy, not both")
    if args.runtime == "onnx" and args.trust_pickle:
        raise ValueError("--trust-pickle loads a zip with torch; --runtime onnx plays a run folder's export")
    if args.runtime == "onnx":
        from robocue.agents.onnx_runtime import follow_command_export

        if args.say is None:
            raise ValueError("--runtime onnx follows words given with --say TEXT")
        out_dir = Path(args.out_dir) if args.out_dir else Path(args.run_dir) / "videos"
        print(json.dumps(follow_command_export(args.run_dir, args.say, args.seed, out_dir / f"command_onnx_{args.seed}.mp4")))
        return 0
    trusted = _trusted_agent(args)
    agent = trusted if trusted is not None else Agent.load(args.run_dir)
    home = Path(args.run_dir).parent if trusted is not None and Path(args.run_dir).is_file() else Path(args.run_dir)
    out_dir = Path(args.out_dir) if args.out_dir else home / "videos"
    if args.gesture is not None:
        from robocue.perception.gestures import load_gesture_reader

        check_follows(agent, "gesture")
        landmarks = _load_clip(args.gesture)
        reader = load_gesture_reader(args.reader)
        understood = reader.interpret(landmarks)
        if not understood["understood"]:
            raise ValueError(understood["question"])  # the robot does not act on a guess
        out = out_dir / f"command_{args.seed}_{Path(args.gesture).stem}.mp4"
        result = follow_gesture(agent, landmarks, args.seed, out, reader=reader)
        print(json.dumps({"clip": args.gesture, **result}))
        return 0
    check_follows(agent, "language")
    own = Path(args.run_dir) / ENCODER_FILE
    encoder = load_language_encoder(own if trusted is None and own.is_file() else None)
    texts = [args.say] if args.say is not None else (line.strip() for line in sys.stdin)
    seed = args.seed
    for index, text in enumerate(texts):
        if not text:
            continue
        try:
            understood = encoder.interpret(text)
            if not understood["understood"]:
                if args.say is not None:
                    raise ValueError(understood["question"])  # the robot does not act on a guess
                print(json.dumps({"said": text, "understood": False, "question": understood["question"]}), flush=True)
                continue  # it asks, and goes on to the next line
            result = follow_command(agent, text, seed, out_dir / f"command_{seed}_{index}.mp4")
        except ValueError as error:
            if args.say is not None:
                raise
            print(f"robocue command: {error}", file=sys.stderr)  # one bad line does not end the session
            continue
        print(json.dumps(result))
        seed = result["seed"] + 1
    return 0


COMMANDS = {
    "train": cmd_train,
    "eval": cmd_eval,
    "replay": cmd_replay,
    "compare": cmd_compare,
    "doctor": cmd_doctor,
    "sweep": cmd_sweep,
    "collect": cmd_collect,
    "understand": cmd_understand,
    "command": cmd_command,
    "envs": cmd_envs,
    "bench": cmd_bench,
    "export": cmd_export,
    "distill": cmd_distill,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``robocue`` console command; returns the exit code."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "train" and all("=" in item and not item.startswith("-") for item in extra):
        args.args += extra  # overrides after an option: robocue train reach_ppo --seeds 0-4 train.timesteps=1000
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from robocue.configs import ConfigError

    try:
        return COMMANDS[args.command](args)
    except (ConfigError, ValueError, OSError, MemoryError, pickle.UnpicklingError) as error:
        print(f"robocue {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as stop:  # Ctrl-C: 130; SIGTERM during training (agents.training.Terminated): 143
        return getattr(stop, "exit_code", 130)


def _one_line(error: BaseException) -> str:
    """An exception as one line: its first line, with the type named where the message alone would be unclear."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    if isinstance(error, MemoryError):
        return f"out of memory{': ' + text if text else ''}"
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or text}: {str(error.filename)!r}"
    if isinstance(error, (OSError, pickle.UnpicklingError)):
        return f"{type(error).__name__}: {text}"
    return text or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
