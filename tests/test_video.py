"""Replay videos: H.264 read back from the file's own codec, and the mp4v fallback when no encoder runs."""

from __future__ import annotations

import imageio_ffmpeg
import numpy as np
import pytest

from robocue.agents.replay import VideoWriter
from robocue.envs import ENV_IDS
from robocue.scripts.cli import main


def video_codec(path) -> tuple[str, tuple[int, int], int]:
    """The codec, size and frame count that ffmpeg reads from the file."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = sum(1 for _ in reader)
    return meta["codec"], tuple(meta["size"]), frames


def test_replay_video_is_h264(tmp_path, capsys):
    out = tmp_path / "expert.mp4"
    assert main(["replay", "--expert", ENV_IDS[0], "--episodes", "1", "--width", "64", "--height", "48", "--out", str(out)]) == 0
    codec, size, frames = video_codec(out)
    assert codec.startswith("h264"), codec
    assert size == (64, 48) and frames > 10
    assert "h264" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["expert.mp4"]  # no temporary file left behind


def test_odd_frame_sizes_are_padded_not_refused(tmp_path):
    writer = VideoWriter(tmp_path / "odd.mp4", fps=10)
    for value in range(3):
        writer.write(np.full((49, 65, 3), 40 * value, dtype=np.uint8))
    writer.close()
    codec, size, frames = video_codec(tmp_path / "odd.mp4")
    assert codec.startswith("h264") and size == (66, 50) and frames == 3


def test_falls_back_to_mp4v_with_a_warning(tmp_path, monkeypatch):
    def no_ffmpeg(*args, **kwargs):
        raise RuntimeError("No ffmpeg exe could be found")

    monkeypatch.setattr(imageio_ffmpeg, "write_frames", no_ffmpeg)
    writer = VideoWriter(tmp_path / "old.mp4", fps=10)
    with pytest.warns(UserWarning, match="no H.264 encoder"):
        writer.write(np.zeros((48, 64, 3), dtype=np.uint8))
    writer.write(np.zeros((48, 64, 3), dtype=np.uint8))
    writer.close()
    assert writer.codec == "mp4v"
    codec, size, frames = video_codec(tmp_path / "old.mp4")
    assert codec.startswith("mpeg4") and size == (64, 48) and frames == 2
