"""Replay: record seeded episodes as an MP4 with the command, step, reward and success overlaid."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from robocue.agents.agent import Agent, ExpertAgent
from robocue.agents.evaluation import Policy, run_episode
from robocue.files import atomic_path, check_output_path

VIDEO_DIR = "videos"
# mp4v (MPEG-4 Part 2) is what pip's OpenCV wheels can always write; VLC, mpv, ffmpeg,
# QuickTime and OpenCV play it. Browsers want H.264: `ffmpeg -i in.mp4 -c:v libx264 out.mp4`.
FOURCC = "mp4v"


def _put_text(frame: np.ndarray, text: str, origin: tuple[int, int], scale: float, color=(255, 255, 255)) -> None:
    cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, color, 1, cv2.LINE_AA)


def overlay(
    frame: np.ndarray, command_text: str, episode: int, step: int, reward: float, episode_return: float, success: bool
) -> np.ndarray:
    """Draws the HUD on an RGB frame and returns it as BGR for OpenCV."""
    bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
    height = bgr.shape[0]
    scale = max(0.35, height / 720)
    line = int(28 * scale / 0.5)
    _put_text(bgr, f'"{command_text}"', (8, line), scale * 1.1)
    _put_text(bgr, f"episode {episode}  step {step}  reward {reward:+.3f}  return {episode_return:+.2f}", (8, 2 * line), scale)
    status, color = ("SUCCESS", (80, 220, 80)) if success else ("not yet", (200, 200, 200))
    _put_text(bgr, status, (8, height - line // 2), scale * 1.2, color)
    return bgr


def record_episodes(env, policy: Policy, path: str | Path, seeds: list[int], fps: int | None = None) -> dict:
    """Plays one episode per seed in ``env`` (render_mode="rgb_array") into one MP4 at ``path``."""
    path = Path(path)
    fps = fps or env.metadata.get("render_fps", 25)
    writer = None
    frames, episodes = 0, []
    with atomic_path(path) as tmp:
        # OpenCV picks the container from the extension, so the temporary file keeps ".mp4".
        tmp_mp4 = tmp.with_suffix(".mp4")
        try:
            for episode, seed in enumerate(seeds):

                def on_step(env_, info, step, reward, episode_return, episode=episode):
                    nonlocal writer, frames
                    frame = env_.render()
                    if writer is None:
                        height, width = frame.shape[:2]
                        writer = cv2.VideoWriter(str(tmp_mp4), cv2.VideoWriter_fourcc(*FOURCC), fps, (width, height))
                        if not writer.isOpened():
                            raise RuntimeError(f"OpenCV cannot write {FOURCC} video to {path}")
                    text = (info.get("command") or {}).get("text", "")
                    writer.write(overlay(frame, text, episode, step, reward, episode_return, info.get("is_success", False)))
                    frames += 1

                episodes.append(run_episode(env, policy, seed, on_step=on_step))
        finally:
            if writer is not None:
                writer.release()
        if tmp_mp4.exists():
            tmp_mp4.replace(tmp)
    return {"path": str(path), "frames": frames, "fps": fps, "episodes": episodes}


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
