"""Replay: record seeded episodes as an MP4 with the command, step, reward and success overlaid."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from robocue.agents.agent import Agent, ExpertAgent
from robocue.agents.evaluation import Policy, run_episode
from robocue.files import atomic_path, check_output_path

VIDEO_DIR = "videos"
# H.264 (yuv420p, faststart) through the ffmpeg that imageio-ffmpeg bundles: browsers, GitHub,
# VLC and QuickTime play it. Only where no H.264 encoder can run does the video fall back to
# OpenCV's mp4v (MPEG-4 Part 2), which browsers do not play, with a warning.
CODEC = "libx264"
FALLBACK_FOURCC = "mp4v"


class VideoWriter:
    """Writes RGB frames to an MP4: H.264 through imageio-ffmpeg, else mp4v through OpenCV with a warning.

    The size is fixed by the first frame. ``codec`` says which one was used ("h264" or "mp4v").
    """

    def __init__(self, path: str | Path, fps: float):
        self.path, self.fps = Path(path), fps
        self.codec: str | None = None
        self._h264 = None
        self._opencv = None

    def _open(self, width: int, height: int) -> None:
        try:
            # macro_block_size=2: yuv420p needs even sides; odd ones are padded by one pixel, not rescaled to 16.
            self._h264 = imageio_ffmpeg.write_frames(
                str(self.path),
                (width, height),
                fps=self.fps,
                codec=CODEC,
                pix_fmt_out="yuv420p",
                macro_block_size=2,
                output_params=["-movflags", "+faststart"],
                ffmpeg_log_level="error",
            )
            self._h264.send(None)  # starts ffmpeg; fails here when it cannot run
            self.codec = "h264"
        except (OSError, RuntimeError) as error:
            self._h264 = None
            warnings.warn(f"no H.264 encoder ({error}); writing {FALLBACK_FOURCC}, which browsers do not play", stacklevel=3)
            self._opencv = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*FALLBACK_FOURCC), self.fps, (width, height))
            if not self._opencv.isOpened():
                raise RuntimeError(f"neither ffmpeg (H.264) nor OpenCV ({FALLBACK_FOURCC}) can write video to {self.path}") from error
            self.codec = FALLBACK_FOURCC

    def write(self, rgb: np.ndarray) -> None:
        if self.codec is None:
            self._open(rgb.shape[1], rgb.shape[0])
        if self._h264 is not None:
            self._h264.send(np.ascontiguousarray(rgb, dtype=np.uint8))
        else:
            self._opencv.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    def close(self) -> None:
        if self._h264 is not None:
            self._h264.close()
        if self._opencv is not None:
            self._opencv.release()


def _put_text(frame: np.ndarray, text: str, origin: tuple[int, int], scale: float, color=(255, 255, 255)) -> None:
    cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, color, 1, cv2.LINE_AA)


def overlay(
    frame: np.ndarray, command_text: str, episode: int, step: int, reward: float, episode_return: float, success: bool
) -> np.ndarray:
    """Draws the HUD on a copy of an RGB frame and returns it (RGB)."""
    image = np.ascontiguousarray(frame, dtype=np.uint8).copy()  # drawn on in place
    height = image.shape[0]
    scale = max(0.35, height / 720)
    line = int(28 * scale / 0.5)
    _put_text(image, f'"{command_text}"', (8, line), scale * 1.1)
    _put_text(image, f"episode {episode}  step {step}  reward {reward:+.3f}  return {episode_return:+.2f}", (8, 2 * line), scale)
    status, color = ("SUCCESS", (80, 220, 80)) if success else ("not yet", (200, 200, 200))
    _put_text(image, status, (8, height - line // 2), scale * 1.2, color)
    return image


def record_episodes(env, policy: Policy, path: str | Path, seeds: list[int], fps: int | None = None) -> dict:
    """Plays one episode per seed in ``env`` (render_mode="rgb_array") into one MP4 at ``path``."""
    path = Path(path)
    fps = fps or env.metadata.get("render_fps", 25)
    frames, episodes = 0, []
    with atomic_path(path) as tmp:
        # ffmpeg and OpenCV pick the container from the extension, so the temporary file keeps ".mp4".
        tmp_mp4 = tmp.with_suffix(".mp4")
        writer = VideoWriter(tmp_mp4, fps)
        try:
            for episode, seed in enumerate(seeds):

                def on_step(env_, info, step, reward, episode_return, episode=episode):
                    nonlocal frames
                    text = (info.get("command") or {}).get("text", "")
                    writer.write(overlay(env_.render(), text, episode, step, reward, episode_return, info.get("is_success", False)))
                    frames += 1

                episodes.append(run_episode(env, policy, seed, on_step=on_step))
        finally:
            writer.close()
        if tmp_mp4.exists():
            tmp_mp4.replace(tmp)
    return {"path": str(path), "frames": frames, "fps": fps, "codec": writer.codec, "episodes": episodes}


def replay_agent(agent, episodes: int, seed: int, path: str | Path, width: int, height: int, fps: int | None = None) -> dict:
    """Records an :class:`Agent` or :class:`ExpertAgent` on seeds ``seed, seed+1, ...`` into ``path``."""
    check_output_path(path)  # a folder, FIFO, symlink or device is refused before any episode
    env = agent.make_env(render_mode="rgb_array", render_width=width, render_height=height)
    try:
        return record_episodes(env, agent.policy_for(env), path, [seed + i for i in range(episodes)], fps)
    finally:
        env.close()


def _video_name(seed: int, episodes: int) -> str:
    return f"replay_seed{seed}_x{episodes}.mp4"


def replay_run(
    run_dir: str | Path,
    episodes: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    width: int | None = None,
    height: int | None = None,
    fps: int | None = None,
) -> dict:
    """Records the agent in ``run_dir``; writes ``videos/replay_seed<S>_x<N>.mp4`` unless ``out`` is given."""
    agent = Agent.load(run_dir)
    config = agent.config
    episodes = config.video.episodes if episodes is None else episodes
    seed = config.eval.seed if seed is None else seed
    path = Path(out) if out else Path(run_dir) / VIDEO_DIR / _video_name(seed, episodes)
    return replay_agent(agent, episodes, seed, path, width or config.video.width, height or config.video.height, fps or config.video.fps)


def replay_expert(
    env_id: str,
    episodes: int = 2,
    seed: int = 10_000,
    out: str | Path | None = None,
    width: int = 480,
    height: int = 360,
    fps: int | None = None,
) -> dict:
    """Records the scripted expert of ``env_id``; writes under runs/expert__<env>/videos/ unless ``out`` is given."""
    agent = ExpertAgent(env_id)
    path = Path(out) if out else agent.run_dir / VIDEO_DIR / _video_name(seed, episodes)
    return replay_agent(agent, episodes, seed, path, width, height, fps)
