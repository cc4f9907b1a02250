"""Drawing a clip as a video, and reading hand landmarks from a real video (optional mediapipe)."""

from __future__ import annotations

from pathlib import Path

import cv2
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


HAND_LANDMARKER_URL = "https://storage.googleapis.com/mediapipe-models/hand_landmarker/hand_landmarker/float16/latest/hand_landmarker.task"


def _video_frames(path):
    """``(RGB frame, timestamp in ms)`` of a video file, timestamps strictly increasing (the file's frame rate, else 30 fps)."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"cannot read video {path}")
    fps = capture.get(cv2.CAP_PROP_FPS) or FPS
    try:
        index = 0
        while True:
            ok, image = capture.read()
            if not ok:
                break
            yield cv2.cvtColor(image, cv2.COLOR_BGR2RGB), int(round(index * 1000.0 / fps))
            index += 1
    finally:
        capture.release()


def landmarks_from_video(path, model_path=None) -> np.ndarray:
    """Hand landmarks ``(T, 21, 3)`` float32 from a real video with MediaPipe (optional package).

    With ``model_path``, MediaPipe's Tasks API reads it (``HandLandmarker`` in video mode), with the
    hand landmarker model at that path: robocue downloads nothing, so fetch ``hand_landmarker.task``
    once (:data:`HAND_LANDMARKER_URL`). Without it, the legacy ``mediapipe.solutions.hands`` of
    mediapipe 0.10 and older, whose models ship in its wheel. Frames with no hand found are all-NaN;
    only the first detected hand is kept.

    Raises:
        RuntimeError: mediapipe is missing, or lacks the API asked for.
        FileNotFoundError: ``model_path`` is not a file.
        ValueError: the video cannot be read or has no frames.
    """
    try:
        # lazy import: mediapipe is optional (landmarks from a video file only) and not a dependency.
        import mediapipe as mp
    except ImportError as error:
        raise RuntimeError("landmarks_from_video needs the optional 'mediapipe' package: pip install mediapipe") from error
    if model_path is not None and not Path(model_path).is_file():
        raise FileNotFoundError(f"hand landmarker model not found: {model_path} (robocue downloads nothing: fetch {HAND_LANDMARKER_URL})")
    frames = []

    def frame_of(hand) -> np.ndarray:
        frame = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
        if hand:
            frame[:] = [(p.x, p.y, p.z) for p in hand]
        return frame

    if model_path is not None:
        vision = mp.tasks.vision
        options = vision.HandLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(model_path)), running_mode=vision.RunningMode.VIDEO, num_hands=1
        )
        with vision.HandLandmarker.create_from_options(options) as landmarker:
            for rgb, timestamp in _video_frames(path):
                result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), timestamp)
                frames.append(frame_of(result.hand_landmarks[0] if result.hand_landmarks else None))
    else:
        hands_api = getattr(getattr(mp, "solutions", None), "hands", None)
        if hands_api is None:
            raise RuntimeError(
                f"mediapipe {getattr(mp, '__version__', '?')} has no mediapipe.solutions.hands: pass model_path, a hand "
                f"landmarker model (hand_landmarker.task, {HAND_LANDMARKER_URL}), to read with its Tasks API"
            )
        with hands_api.Hands(static_image_mode=False, max_num_hands=1) as hands:
            for rgb, _ in _video_frames(path):
                result = hands.process(rgb)
                frames.append(frame_of(result.multi_hand_landmarks[0].landmark if result.multi_hand_landmarks else None))
    if not frames:
        raise ValueError(f"no frames in video {path}")
    return np.stack(frames)
