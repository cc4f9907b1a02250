"""Drawing a clip as a video, and reading hand landmarks from a real video (optional mediapipe)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from robocue.perception.gestures.generator import (
    Clip,
)
from robocue.perception.gestures.vocabulary import (
    FPS,
    HAND_CONNECTIONS,
    LABELS,
    NUM_LANDMARKS,
    _check_landmarks,
    _frame_valid_np,
)

# ---------------------------------------------------------------------------------------
# Rendering and (optional) real video
# ---------------------------------------------------------------------------------------

_FINGER_COLORS = ((200, 200, 200), (0, 140, 255), (0, 200, 0), (255, 160, 0), (200, 0, 200), (0, 0, 230))  # BGR


def render_clip(clip_or_landmarks, path, size: int = 256, labels=None, fps: int = FPS) -> Path:
    """Draws a clip's skeleton as an mp4 video (OpenCV, ``mp4v``) with frame number and label.

    Args:
        clip_or_landmarks: A :class:`Clip` or a ``(T, 21, 3)`` array.
        path: Output file (``.mp4``).
        size: Frame width and height in pixels.
        labels: Optional per-frame label names or ids (a Clip supplies its own).
        fps: Frames per second of the video.

    Returns:
        The path written.
    """
    import cv2

    if isinstance(clip_or_landmarks, Clip):
        landmarks = clip_or_landmarks.landmarks
        labels = clip_or_landmarks.labels if labels is None else labels
    else:
        landmarks = np.asarray(clip_or_landmarks, dtype=np.float32)
    landmarks = _check_landmarks(landmarks)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), float(fps), (size, size))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV could not open a video writer for {path}")
    try:
        for t, frame_landmarks in enumerate(landmarks):
            image = np.full((size, size, 3), 30, dtype=np.uint8)
            radius = max(1, size // 128)
            if _frame_valid_np(frame_landmarks):
                pts = np.round(frame_landmarks[:, :2] * size).astype(int)
                for a, b in HAND_CONNECTIONS:
                    color = _FINGER_COLORS[0 if b <= 0 else (b - 1) // 4 + 1]
                    cv2.line(image, tuple(map(int, pts[a])), tuple(map(int, pts[b])), color, 2, cv2.LINE_AA)
                for i, p in enumerate(pts):
                    cv2.circle(image, tuple(map(int, p)), radius if i else radius + 1, (255, 255, 255), -1, cv2.LINE_AA)
            else:
                cv2.putText(image, "dropped", (size // 2 - 40, size // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 255), 1, cv2.LINE_AA)
            text = f"{t}"
            if labels is not None:
                label = labels[t]
                text += f"  {LABELS[int(label)] if not isinstance(label, str) else label}"
            cv2.putText(image, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
            writer.write(image)
    finally:
        writer.release()
    return path


def landmarks_from_video(path) -> np.ndarray:
    """Hand landmarks ``(T, 21, 3)`` from a real video with MediaPipe Hands (optional).

    Needs the ``mediapipe`` package (legacy ``mediapipe.solutions.hands`` API); frames with
    no hand found are all-NaN. Only the first detected hand is kept.
    """
    try:
        import mediapipe as mp
    except ImportError as error:
        raise RuntimeError("landmarks_from_video needs the optional 'mediapipe' package: pip install mediapipe") from error
    import cv2

    hands_api = getattr(getattr(mp, "solutions", None), "hands", None)
    if hands_api is None:
        raise RuntimeError("this mediapipe version has no mediapipe.solutions.hands; install a version that does (e.g. 0.10.14)")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"cannot read video {path}")
    frames = []
    with hands_api.Hands(static_image_mode=False, max_num_hands=1) as hands:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            result = hands.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            frame = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
            if result.multi_hand_landmarks:
                frame[:] = [(p.x, p.y, p.z) for p in result.multi_hand_landmarks[0].landmark]
            frames.append(frame)
    capture.release()
    if not frames:
        raise ValueError(f"no frames in video {path}")
    return np.stack(frames)
