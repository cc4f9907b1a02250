"""Which gesture reader to use: :func:`load_gesture_reader` by name (``GESTURE_READERS``)."""

from __future__ import annotations

from robocue.perception.gestures.encoder import load_default_gesture_encoder
from robocue.perception.gestures.geometric import GeometricRecognizer
from robocue.perception.gestures.hybrid import HybridRecognizer

GESTURE_READERS = ("geometric", "learned", "hybrid")
# The reader of a person's own clip (robocue understand --gesture, robocue command --gesture): the one that has read
# the outside generators nobody tuned it on best (docs/commands.md). Agents' training channel keeps the geometric one.
PERSON_READER = "hybrid"


def load_gesture_reader(kind: str = "geometric"):
    """The gesture reader robocue uses: ``"geometric"`` (:class:`~perception.gestures.geometric.GeometricRecognizer`, the
    default), ``"learned"`` (the shipped :class:`~perception.gestures.encoder.GestureEncoder`) or
    ``"hybrid"`` (:class:`~perception.gestures.hybrid.HybridRecognizer`, a sequence model over the
    geometric reader's reading). All have ``recognize``, ``understand`` and ``interpret`` with the same outputs."""
    if kind == "geometric":
        return GeometricRecognizer()
    if kind == "learned":
        return load_default_gesture_encoder()
    if kind == "hybrid":
        return HybridRecognizer()
    raise ValueError(f"unknown gesture reader {kind!r}; known: {', '.join(GESTURE_READERS)}")
