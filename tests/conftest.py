"""Shared test settings: headless rendering, quiet offline-safe wandb, tiny training runs."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Set before anything imports mujoco or wandb. A user's own MUJOCO_GL (osmesa) wins.
os.environ.setdefault("MUJOCO_GL", "egl")
os.environ.setdefault("WANDB_MODE", "disabled")  # only a fallback: configs pass their mode explicitly
os.environ.setdefault("WANDB_SILENT", "true")
os.environ.setdefault("WANDB_DISABLE_GIT", "true")
os.environ.setdefault("WANDB_DISABLE_CODE", "true")
# Keep wandb's caches and settings out of the user's home folder.
_WANDB_HOME = tempfile.mkdtemp(prefix="robocue-tests-wandb-")
atexit.register(shutil.rmtree, _WANDB_HOME, ignore_errors=True)
for _var in ("WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR", "WANDB_ARTIFACT_DIR"):
    os.environ.setdefault(_var, os.path.join(_WANDB_HOME, _var.lower()))

import pytest  # noqa: E402

# The preset the tiny SAC overrides are written for (they hold SAC-only algo.* keys).
SAC_PRESET = "reach_sac"
PPO_PRESET = "reach_ppo"

# Every key here exists in configs/schema.py (algo.* keys are SAC constructor arguments).
TINY_OVERRIDES = [
    "train.timesteps=300",
    "train.checkpoint_every=200",
    "train.progress_bar=false",
    "algo.learning_starts=100",
    "algo.buffer_size=1000",
    "algo.batch_size=64",
    "policy.net_arch=[32,32]",
    "eval.episodes=2",
    "video.episodes=1",
    "video.width=96",
    "video.height=72",
    "logging.wandb=disabled",
]
# The same run for PPO: no SAC-only keys, a tiny rollout on two env copies (use with reach_ppo).
TINY_PPO_OVERRIDES = [o for o in TINY_OVERRIDES if not o.startswith("algo.")] + [
    "env.n_envs=2",
    "algo.n_steps=64",
    "algo.batch_size=64",
    "train.timesteps=256",
]

# Turn the tiny SAC run into TQC with hindsight relabelling on the goal twin of reach_sac's env.
HER_OVERRIDES = [
    "env.id=robocue/ReachGoal-MuJoCo-v0",
    "env.kwargs.reward_type=sparse",
    "policy.features_extractor=combined",
    "algo.name=tqc",
    "algo.her.n_sampled_goal=2",
]


@pytest.fixture
def tiny_overrides() -> list[str]:
    """Override strings for a very small SAC training run (use with the reach_sac preset)."""
    return list(TINY_OVERRIDES)


@pytest.fixture
def tiny_ppo_overrides() -> list[str]:
    """The tiny overrides without SAC-only keys, plus a tiny PPO rollout (use with reach_ppo)."""
    return list(TINY_PPO_OVERRIDES)


def flat_schema_config(tree: dict) -> dict:
    """A config dict (``Config.to_dict()``) as the flat schema wrote it, without the optional
    sections train.imitation, policy.attention and policy.multimodal: each of their keys back at
    its flat name through LEGACY_KEYS (old key -> new key), a key of an absent section at its
    default (the flat schema held every key, used or not). What older run folders' config.yaml holds."""
    import copy

    from robocue.configs.schema import LEGACY_KEYS, Config, section_class

    def section_defaults(parent: str, name: str) -> dict:
        section = section_class(section_class(Config.model_fields[parent].annotation).model_fields[name].annotation)
        return section().model_dump(mode="json")

    data = copy.deepcopy(tree)
    for old, new in LEGACY_KEYS.items():
        parent, name, key = new.split(".")
        data[parent][old.partition(".")[2]] = (data[parent].get(name) or section_defaults(parent, name))[key]
    for new in LEGACY_KEYS.values():
        parent, name, _ = new.split(".")
        data[parent].pop(name, None)
    return data


@pytest.fixture
def scorer_reads():
    """Checks a blind generator module's ``score`` (the project's scorer, copied in): a reader that says each clip's own
    gestures scores 1 with no pointing error, and one that says nothing scores 0."""

    def check(module, clips):
        truth = {c.landmarks.tobytes(): c for c in clips}

        def oracle(landmarks):
            return [{"label": lab, "start": s, "end": e, "direction_deg": d} for lab, s, e, d in truth[landmarks.tobytes()].gestures]

        perfect = module.score(oracle, clips)
        assert perfect["accuracy"] == 1.0 and perfect["n"] == len(clips)
        assert set(perfect["by_kind"]) == set(module.KINDS) and perfect["pointing_error_deg"]["median"] == 0.0
        assert module.score(lambda landmarks: [], clips)["accuracy"] == 0.0

    return check
