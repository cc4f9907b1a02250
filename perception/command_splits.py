"""The command splits an agent can hear, and the checks on them, with no torch.

``robocue eval RUN --commands SPLIT`` chooses what the simulated person says (a spoken-command
agent) or performs (a gesture agent). Both the PyTorch evaluation (``agents.evaluation``) and
the ONNX acting path (``agents.onnx_runtime``, which must not import torch) check the split
here and fall back on the same default.
"""

from __future__ import annotations

from robocue.configs import ConfigError

# What a spoken-command agent's simulated human says (perception.command_channels.SpokenCommands).
# "outside*": sentences written without the grammar (perception.outside.PHRASING_FILES), evaluation only.
COMMAND_SPLITS = (
    "train",
    "paraphrase",
    "composition",
    "outside",
    "outside-blind",
    "outside-blind2",
    "outside-blind3",
    "outside-blind4",
    "outside-blind5",
    "outside-blind6",
    "outside-blind7",
    "outside-blind8",
)
# command split -> performers ("outside": the independent generator of tests/outside_gestures.py)
GESTURE_SPLITS = {"gesture": "train", "gesture-heldout": "heldout", "gesture-outside": "outside"}


def default_split(commands: str) -> str | None:
    """The split an agent trained with ``env.commands=commands`` hears when none is asked for:
    a gesture agent's training performers (``gesture``), a spoken-command agent's training
    templates (``train``), nothing for one-hot commands."""
    return {"language": "train", "gesture": "gesture"}.get(commands)


def check_command_split(commands: str, split: str | None) -> None:
    """Fails in one line when ``--commands split`` cannot apply to an agent trained with
    ``env.commands=commands``; ``split=None`` always applies."""
    if split is None:
        return
    allowed = {"language": COMMAND_SPLITS, "gesture": tuple(GESTURE_SPLITS)}.get(commands)
    if allowed is None:
        raise ConfigError(f"--commands {split}: this agent was trained on one-hot commands; train with env.commands=language or gesture")
    if split not in allowed:
        raise ConfigError(f"--commands {split!r}: this agent hears {commands} commands; splits: {', '.join(allowed)}")
