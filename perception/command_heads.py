"""The decoding head every command encoder shares: which command did it understand?

Language and gesture encoders both map their input to command features ``(B, d)``. A
:class:`CommandDecoder` on top of those features predicts each command field (task,
colour, shape, destination), each with an extra ``None`` class for "not said", so a person
can ask the robot what it understood and a missing field comes back as ``null``.
"""

from __future__ import annotations

import torch
from torch import nn

from robocue.envs.commands import COLORS, DESTINATIONS, SHAPES, TASKS

# field -> classes; the last class of every field is None ("absent from the input").
DECODER_FIELDS: dict[str, tuple] = {
    "task": TASKS + (None,),
    "color": COLORS + (None,),
    "shape": SHAPES + (None,),
    "destination": DESTINATIONS + (None,),
}


def command_targets(commands: list[dict]) -> dict[str, torch.Tensor]:
    """Class indices per field for a batch of (possibly partial) command dicts.

    A field missing from a dict, or None, maps to the field's None class.
    """
    targets = {}
    for field, classes in DECODER_FIELDS.items():
        indices = []
        for command in commands:
            value = command.get(field)
            if value not in classes:
                allowed = ", ".join(str(c) for c in classes)
                raise ValueError(f"command {field}={value!r} is not one of: {allowed}")
            indices.append(classes.index(value))
        targets[field] = torch.tensor(indices, dtype=torch.long)
    return targets


class CommandDecoder(nn.Module):
    """Linear per-field classifiers over command features.

    Args:
        in_dim: Size of the command features it reads.
    """

    def __init__(self, in_dim: int):
        super().__init__()
        self.heads = nn.ModuleDict({field: nn.Linear(in_dim, len(classes)) for field, classes in DECODER_FIELDS.items()})

    def forward(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        """Logits per field, each ``(B, n_classes)``."""
        return {field: head(features) for field, head in self.heads.items()}

    def loss(self, features: torch.Tensor, targets: dict[str, torch.Tensor]) -> torch.Tensor:
        """Sum over fields of the cross-entropy against :func:`command_targets`."""
        logits = self(features)
        return sum(nn.functional.cross_entropy(logits[field], targets[field]) for field in DECODER_FIELDS)

    @torch.no_grad()
    def decode(self, features: torch.Tensor) -> list[dict]:
        """The most likely value of every field, ``None`` where the input did not say."""
        logits = self(features)
        best = {field: logits[field].argmax(dim=-1).tolist() for field in DECODER_FIELDS}
        return [{field: DECODER_FIELDS[field][best[field][i]] for field in DECODER_FIELDS} for i in range(features.shape[0])]

    @torch.no_grad()
    def decode_with_confidence(self, features: torch.Tensor) -> list[tuple[dict, dict]]:
        """:meth:`decode` and, per field, the probability of the value decoded (softmax over the field's classes)."""
        logits = self(features)
        probs = {field: logits[field].softmax(dim=-1) for field in DECODER_FIELDS}
        best = {field: probs[field].max(dim=-1) for field in DECODER_FIELDS}
        out = []
        for i in range(features.shape[0]):
            command = {field: DECODER_FIELDS[field][int(best[field].indices[i])] for field in DECODER_FIELDS}
            confidence = {field: float(best[field].values[i]) for field in DECODER_FIELDS}
            out.append((command, confidence))
        return out
