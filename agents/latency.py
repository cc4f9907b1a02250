"""Latency of one action (or one command encoding) and the peak memory of the process that acts.

:func:`bench_policy` records observations by playing the agent in its env, then starts a fresh
Python process that loads only what acting needs (onnxruntime and the exported file, or torch
and the SB3 model), answers every recorded observation one at a time on ``threads`` CPU
threads after a warm-up, and reports p50 and p99 milliseconds per action and its own peak
resident memory (``VmHWM``). A separate process keeps the env, the recorder and the other
runtime out of the memory figure. :func:`bench_encoder` does the same for the language
encoder (utterances of the training grammar -> belief features).

Run as ``python -m robocue.agents.latency SPEC.json`` the module is that child process.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RUNTIMES = ("torch", "onnx")
WARMUP = 20


def _percentiles(times_s: list[float]) -> dict:
    ms = np.asarray(times_s) * 1000.0
    return {"p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)), "mean_ms": float(ms.mean()), "n": len(ms)}


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM (Linux; unlike ru_maxrss it does not carry the
    parent's peak across exec), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time_calls(call, inputs: list) -> list[float]:
    for item in inputs[:WARMUP]:
        call(item)
    times = []
    for item in inputs:
        started = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - started)
    return times


def _child(spec: dict) -> dict:
    """Loads the model named by ``spec`` and times it (runs in the child process)."""
    threads = spec["threads"]
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    data = None
    if spec.get("data"):
        with np.load(spec["data"], allow_pickle=False) as archive:  # each archive[name] reads the file again: read once
            data = {name: archive[name] for name in archive.files}
    baseline = _peak_mb()
    if spec["runtime"] == "onnx":
        # Imported per branch, not at the top: this process's peak memory is the figure measured,
        # and each runtime must bring only its own (python + numpy + onnxruntime: 54 MB peak;
        # robocue.agents.agent with torch and SB3: 250 MB, measured with ru_maxrss on import).
        from robocue.agents.onnx_policy import OnnxGestureEncoder, OnnxLanguageEncoder, OnnxPolicy, load_manifest

        if spec["what"] == "policy":
            policy = OnnxPolicy(spec["export_dir"], int8=spec["int8"], threads=threads)
            names = [name for name, _ in policy.inputs]
            rows = [{name: data[name][i : i + 1] for name in names} for i in range(len(data[names[0]]))]
            call = policy.act_batch
        elif spec["what"] == "gesture":
            encoder = OnnxGestureEncoder(spec["export_dir"], load_manifest(spec["export_dir"]), threads=threads)
            rows, call = [data[name] for name in sorted(data)], encoder.encode
        else:
            encoder = OnnxLanguageEncoder(spec["export_dir"], load_manifest(spec["export_dir"]), threads=threads)
            rows, call = spec["texts"], encoder.belief
    else:
        import torch

        torch.set_num_threads(threads)
        if spec["what"] == "policy":
            from robocue.agents.agent import Agent

            agent = Agent.load(spec["run_dir"], device="cpu")
            names = list(data)
            if names == ["observation"]:
                rows = [data["observation"][i] for i in range(len(data["observation"]))]
            else:
                rows = [{name: data[name][i] for name in names} for i in range(len(data[names[0]]))]

            def call(observation):
                return agent.act(observation, deterministic=True)
        elif spec["what"] == "gesture":
            from robocue.perception.gestures import load_default_gesture_encoder

            gesture_encoder = load_default_gesture_encoder()
            rows = [data[name] for name in sorted(data)]

            def call(clip):
                with torch.no_grad():
                    return gesture_encoder.encode(clip)
        else:
            from robocue.perception.command_channels import load_language_encoder
            from robocue.perception.command_heads import DECODER_FIELDS

            encoder = load_language_encoder(spec.get("encoder_path"))
            rows = spec["texts"]

            def call(text):
                with torch.no_grad():
                    logits = encoder.decoder(encoder.encode_texts([text]))
                    return torch.cat([torch.softmax(logits[field], dim=-1) for field in DECODER_FIELDS], dim=-1).numpy()

    loaded = _peak_mb()
    times = _time_calls(call, rows)
    return {**_percentiles(times), "peak_memory_mb": _peak_mb(), "memory_before_load_mb": baseline, "memory_after_load_mb": loaded}


def _run_child(spec: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        env = {**os.environ, "OMP_NUM_THREADS": str(spec["threads"]), "MKL_NUM_THREADS": str(spec["threads"])}
        done = subprocess.run([sys.executable, "-m", "robocue.agents.latency", str(spec_path)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the benchmark process failed: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_policy(
    run_dir: str | Path,
    runtime: str = "onnx",
    threads: int = 1,
    int8: bool = False,
    episodes: int = 20,
    seed: int = 20_000,
    max_actions: int = 1000,
    export_dir: str | Path | None = None,
) -> dict:
    """p50/p99 ms per action and peak memory of the acting process for the agent in ``run_dir``.

    Observations come from ``episodes`` episodes (seeds ``seed, seed+1, ...``) of the ONNX
    export acting (``runtime="onnx"``) or of the PyTorch agent (``runtime="torch"``); at most
    ``max_actions`` of them are timed.
    """
    # Imported here: at the top they would load the simulators into the child process too (54 MB
    # peak with onnx_policy alone, 77 MB with robocue.envs; ru_maxrss on import).
    from robocue.agents.onnx_runtime import EXPORT_DIR, OnnxPolicy, load_manifest, make_env
    from robocue.configs import ConfigError

    if runtime not in RUNTIMES:
        raise ConfigError(f"--runtime {runtime!r} is not one of: {', '.join(RUNTIMES)}")
    run_dir = Path(run_dir)
    export_dir = Path(export_dir) if export_dir else run_dir / EXPORT_DIR
    manifest = load_manifest(export_dir)  # the ONNX export records the observations for either runtime
    if int8 and runtime != "onnx":
        raise ConfigError("--int8 times the int8 ONNX policy; use --runtime onnx")
    policy = OnnxPolicy(export_dir, int8=int8)
    env = make_env(manifest, export_dir)
    recorded: dict[str, list] = {name: [] for name, _ in policy.inputs}
    try:
        for index in range(episodes):
            observation, _ = env.reset(seed=seed + index)
            done = False
            while not done:
                for name in recorded:
                    recorded[name].append(np.asarray(observation[name] if policy.is_dict else observation))
                observation, _, terminated, truncated, _ = env.step(policy.act(observation))
                done = terminated or truncated
    finally:
        env.close()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "observations.npz"
        np.savez(data, **{name: np.stack(values)[:max_actions] for name, values in recorded.items()})
        spec = {
            "what": "policy",
            "runtime": runtime,
            "threads": threads,
            "int8": int8,
            "run_dir": str(run_dir),
            "export_dir": str(export_dir),
        }
        result = _run_child({**spec, "data": str(data)})
    model_file = export_dir / manifest["files"]["policy_int8" if int8 else "policy"] if runtime == "onnx" else run_dir / "model.zip"
    return {
        "model": str(run_dir),
        "runtime": runtime,
        "format": ("onnx int8" if int8 else "onnx float32") if runtime == "onnx" else "torch float32 (SB3 predict)",
        "threads": threads,
        "size_kb": round(model_file.stat().st_size / 1024, 1),
        "parameters": manifest.get("parameters"),
        **result,
    }


def bench_gesture_encoder(runtime: str = "onnx", threads: int = 1, n: int = 200, seed: int = 0) -> dict:
    """p50/p99 ms per clip (hand landmarks -> command features, per-frame classes and directions)
    and peak memory for the shipped gesture encoder, on ``n`` synthetic clips of training performers."""
    # Imported here, as in bench_policy: the child process imports this module and must stay light.
    from robocue.agents.export import export_gesture_encoder
    from robocue.configs import ConfigError
    from robocue.perception import gestures

    if runtime not in RUNTIMES:
        raise ConfigError(f"--runtime {runtime!r} is not one of: {', '.join(RUNTIMES)}")
    clips = gestures.sample_dataset("train", n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "clips.npz"
        np.savez(data, **{f"clip{i:05d}": clip.landmarks for i, clip in enumerate(clips)})
        if runtime == "onnx":
            manifest = export_gesture_encoder(gestures.load_default_gesture_encoder(), Path(tmp))
            (Path(tmp) / "manifest.json").write_text(json.dumps(manifest))
            size_kb = round((Path(tmp) / manifest["gesture_encoder"]["file"]).stat().st_size / 1024, 1)
        else:
            size_kb = round(gestures.DEFAULT_WEIGHTS.stat().st_size / 1024, 1)
        spec = {"what": "gesture", "runtime": runtime, "threads": threads, "int8": False, "export_dir": tmp, "data": str(data)}
        result = _run_child(spec)
    frames = [len(clip.landmarks) for clip in clips]
    kind = {"model": "gesture encoder", "runtime": runtime, "format": f"{runtime} float32", "mean_frames": float(np.mean(frames))}
    return {**kind, "threads": threads, "size_kb": size_kb, **result}


def bench_encoder(runtime: str = "onnx", threads: int = 1, n: int = 1000, seed: int = 0, encoder_path: str | Path | None = None) -> dict:
    """p50/p99 ms per utterance (words -> belief features) and peak memory for the language encoder
    (the shipped one, or the one saved at ``encoder_path``)."""
    # Imported here, as in bench_policy: the child process imports this module and must stay light.
    from robocue.agents.export import export_language_encoder
    from robocue.configs import ConfigError
    from robocue.perception import language
    from robocue.perception.command_channels import load_language_encoder

    if runtime not in RUNTIMES:
        raise ConfigError(f"--runtime {runtime!r} is not one of: {', '.join(RUNTIMES)}")
    texts = [text for text, _ in language.sample_utterances("train", n, seed)]
    with tempfile.TemporaryDirectory() as tmp:
        size_kb = None
        if runtime == "onnx":
            manifest = export_language_encoder(load_language_encoder(encoder_path), Path(tmp))
            (Path(tmp) / "manifest.json").write_text(json.dumps(manifest))
            size_kb = round((Path(tmp) / manifest["language_encoder"]["file"]).stat().st_size / 1024, 1)
        else:
            size_kb = round(Path(encoder_path or language.DEFAULT_WEIGHTS).stat().st_size / 1024, 1)
        spec = {"what": "language", "runtime": runtime, "threads": threads, "int8": False, "export_dir": tmp, "texts": texts}
        if encoder_path is not None:
            spec["encoder_path"] = str(encoder_path)
        result = _run_child(spec)
    return {
        "model": "language encoder",
        "runtime": runtime,
        "format": f"{runtime} float32",
        "threads": threads,
        "size_kb": size_kb,
        **result,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text())
    print(json.dumps(_child(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
