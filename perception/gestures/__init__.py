"""Hand-gesture commands: a synthetic clip generator, a renderer, and the gesture encoder.

Clips follow MediaPipe's 21-landmark hand format: float32 ``(T, 21, 3)`` at 30 frames per
second. Landmark 0 is the wrist, 1-4 the thumb (CMC, MCP, IP, tip), 5-8 the index finger
(MCP, PIP, DIP, tip), 9-12 middle, 13-16 ring, 17-20 pinky. ``x`` and ``y`` are normalised
image coordinates (x to the right, y down); ``z`` is depth relative to the wrist on roughly
the scale of ``x``, smaller is closer to the camera. The camera faces the person (not a
mirrored selfie view), and the palm faces the camera, so a right hand shows its thumb on
the image's right. ``x`` and ``y`` lie in [0, 1] while the hand is in view; a swipe or a
far-reaching point can carry some landmarks slightly out of frame, and those keep their
values outside [0, 1], as MediaPipe reports them.

A **dropped frame** (the hand tracker lost the hand) is all-NaN in generated clips. The
encoder treats a frame as dropped when any of its values is not finite, when all are
exactly zero (zero-filled exports) or when it repeats the frame before exactly (trackers
that hold the last frame).

Vocabulary (``GESTURES``): ``point`` (index finger extended; ``direction_deg`` is where it
points in the image, 0 = right, 90 = up), ``swipe_left``/``swipe_right``/``swipe_up``/
``swipe_down`` (destinations left, right, back, front), ``grab`` (open hand closing to a
fist: pick up), ``come_here`` (beckoning: drive to the person), ``stop`` (open palm held
still: no command). :func:`command_from_gestures` maps a gesture sequence to the command
fields it implies.

Performers are integer seeds; each seed fixes a hand (left or right), bone lengths, speed,
pause lengths, camera roll and distance, noise and drop rate. :func:`performer_split` puts
every fifth performer in the **held-out** split, never used for training.

:class:`GestureEncoder` normalises landmarks (wrist-centred, scaled by palm length,
rotated so the hand points up, left hands mirrored onto right hands), runs a dilated
temporal CNN, and has three heads: per-frame gesture classes, per-frame index-finger
direction (cos, sin), and pooled command features read by the shared
:class:`~perception.command_heads.CommandDecoder`. Reproduce the shipped weights with
``python scripts/train_commands.py --only gesture --gesture-init V1`` (V1: the first shipped
weights, ``git show 2b61d07:perception/weights/gesture.pt``).

The package: :mod:`.vocabulary` (gestures, clip format, gestures -> command fields),
:mod:`.performers` (performers and the training hand model), :mod:`.generator` (clips, and
the widened training clips), :mod:`.rendering` (video out, optional mediapipe video in),
:mod:`.encoder` (features and the temporal CNN), :mod:`.geometric` (the default reader:
gestures from finger angles and wrist strokes, nothing learned), :mod:`.hybrid` (a recurrent
model over the geometric reading, trained on many clip generators), :mod:`.readers` (a reader by name), :mod:`.training`, :mod:`.cli`
(``python -m robocue.perception.gestures train|eval|render``). The independent test
generator is ``tests/outside_gestures.py`` (never trained on).
"""

from __future__ import annotations

from robocue.perception.gestures.cli import (  # noqa: F401
    main,
)
from robocue.perception.gestures.encoder import (  # noqa: F401
    DEFAULT_WEIGHTS,
    FEATURES_VERSION,
    GestureEncoder,
    load_default_gesture_encoder,
    normalize_landmarks,
)
from robocue.perception.gestures.generator import (  # noqa: F401
    Clip,
    sample_clip,
    sample_dataset,
    sample_training_clip,
    wide_performer,
)
from robocue.perception.gestures.geometric import (  # noqa: F401
    GeometricRecogniser,
    GeometricRecognizer,
    Thresholds,
    hand_measures,
)
from robocue.perception.gestures.performers import (  # noqa: F401
    Performer,
    hand_shape,
    performer_split,
    performers,
    pose_landmarks,
)
from robocue.perception.gestures.readers import (  # noqa: F401
    GESTURE_READERS,
    PERSON_READER,
    load_gesture_reader,
)
from robocue.perception.gestures.rendering import (  # noqa: F401
    landmarks_from_video,
    render_clip,
)
from robocue.perception.gestures.training import (  # noqa: F401
    evaluate_gesture_encoder,
    train_gesture_encoder,
)
from robocue.perception.gestures.vocabulary import (  # noqa: F401
    BACKGROUND,
    FPS,
    GESTURE_DESTINATION,
    GESTURE_PAIRS,
    GESTURES,
    HAND_CONNECTIONS,
    LABELS,
    NUM_LANDMARKS,
    PERFORMER_POOL,
    SPLITS,
    SWIPE_DIRECTION_DEG,
    command_from_gestures,
)
