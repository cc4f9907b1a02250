"""CNN encoders, the multimodal extractor, frame stacking and the replay-memory check."""

from __future__ import annotations

import functools

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3.common.preprocessing import preprocess_obs
from stable_baselines3.common.vec_env import DummyVecEnv, VecTransposeImage

from robocue import envs  # noqa: F401
from robocue.agents.training import replay_buffer_bytes, train
from robocue.configs import ConfigError, load_config
from robocue.envs.wrappers import FrameStack
from robocue.perception.encoders import (
    ARCHITECTURES,
    HEADS,
    MIN_IMAGE_SIZE,
    DrQEncoder,
    ImageEncoder,
    NatureCNNEncoder,
    RandomShift,
    ResidualEncoder,
)
from robocue.policies.multimodal import MultimodalExtractor

# (env id, env kwargs, frame stack): every kind of image observation the envs produce.
IMAGE_ENVS = [
    ("robocue/ReachPixels-MuJoCo-v0", {}, 1),
    ("robocue/ReachPixelsState-MuJoCo-v0", {}, 1),
    ("robocue/PushPixels-MuJoCo-v0", {"depth": True}, 1),
    ("robocue/GoToPixelsState-MuJoCo-v0", {"policy_camera": "ego", "image_size": 64}, 3),
    ("robocue/MazePixels-MuJoCo-v0", {"image_size": 128, "depth": True}, 2),
]


@functools.cache
def _cached_batch(env_id, kwargs_items, frame_stack, n):
    return _make_batch(env_id, dict(kwargs_items), frame_stack, n)


def _batch(env_id, kwargs, frame_stack, n=2):
    return _cached_batch(env_id, tuple(sorted(kwargs.items())), frame_stack, n)


def _make_batch(env_id, kwargs, frame_stack, n):
    """A preprocessed observation batch exactly as SB3 feeds an extractor (channel-first, in [0, 1])."""
    venv = DummyVecEnv([lambda: FrameStack(gym.make(env_id, **kwargs), frame_stack) if frame_stack > 1 else gym.make(env_id, **kwargs)] * n)
    venv = VecTransposeImage(venv)
    observations = venv.reset()
    space = venv.observation_space
    tensors = {key: torch.as_tensor(value) for key, value in observations.items()}
    batch = preprocess_obs(tensors, space)
    venv.close()
    return space, batch


@pytest.mark.parametrize("env_id, kwargs, frame_stack", IMAGE_ENVS)
@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("fusion", ["concat", "film"])
def test_every_encoder_reads_every_image_observation(env_id, kwargs, frame_stack, architecture, fusion):
    space, batch = _batch(env_id, kwargs, frame_stack)
    extractor = MultimodalExtractor(space, image_encoder=architecture, fusion=fusion)
    features = extractor(batch)
    assert features.shape == (2, extractor.features_dim)
    assert torch.isfinite(features).all()
    features.sum().backward()
    for name, parameter in extractor.encoder.named_parameters():
        assert parameter.grad is not None, f"no gradient reached {name}"


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("head", HEADS)
def test_image_encoder_shapes_and_gradients(architecture, head):
    space = gym.spaces.Box(0, 255, (3, 84, 84), dtype=np.uint8)
    encoder = ImageEncoder(space, architecture=architecture, head=head)
    images = torch.rand(4, 3, 84, 84, requires_grad=True)
    features = encoder(images)
    assert features.shape == (4, encoder.features_dim)
    features.sum().backward()
    assert images.grad.abs().sum() > 0


def test_named_encoders_are_features_extractors():
    space = gym.spaces.Box(0, 255, (3, 84, 84), dtype=np.uint8)
    assert NatureCNNEncoder(space).encoder.block_channels == [32, 64, 64]
    assert DrQEncoder(space).encoder.block_channels == [32] * 4
    assert isinstance(DrQEncoder(space).encoder.augment, RandomShift)
    assert ResidualEncoder(space).features_dim == 64


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_too_small_images_fail_with_the_smallest_size(architecture):
    smallest = MIN_IMAGE_SIZE[architecture]
    ImageEncoder(gym.spaces.Box(0, 255, (3, smallest, smallest), dtype=np.uint8), architecture=architecture)
    with pytest.raises(ValueError, match=f"too small for the '{architecture}' encoder.*{smallest}x{smallest}"):
        ImageEncoder(gym.spaces.Box(0, 255, (3, smallest - 1, smallest - 1), dtype=np.uint8), architecture=architecture)


def test_random_shift_only_in_training_mode():
    shift = RandomShift(pad=4)
    images = torch.rand(8, 3, 84, 84)
    shift.eval()
    assert torch.equal(shift(images), images)
    shift.train()
    torch.manual_seed(0)
    shifted = shift(images)
    assert shifted.shape == images.shape
    assert not torch.equal(shifted, images)
    # A whole-pixel shift: the centre of every shifted image is a translated copy of the original's.
    for i in range(8):
        crop = shifted[i, :, 8:-8, 8:-8]
        matches = [
            torch.allclose(crop, images[i, :, 8 + dy : 84 - 8 + dy, 8 + dx : 84 - 8 + dx], atol=1e-4)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
        ]
        assert any(matches)


def test_film_starts_as_the_unconditioned_cnn():
    space, batch = _batch("robocue/ReachPixels-MuJoCo-v0", {}, 1)
    film = MultimodalExtractor(space, fusion="film", augment=False)
    concat = MultimodalExtractor(space, fusion="concat", augment=False)
    concat.load_state_dict({k: v for k, v in film.state_dict().items() if not k.startswith("film.")})
    torch.testing.assert_close(film(batch), concat(batch))
    other = {**batch, "command": torch.roll(batch["command"], 1, dims=1)}
    # Changing the command changes only the command features at initialisation...
    image_dim = film.encoder.features_dim
    torch.testing.assert_close(film(other)[:, :image_dim], film(batch)[:, :image_dim])
    # ...and, once FiLM has weights, the image features too.
    with torch.no_grad():
        for layer in film.film:
            layer.weight.normal_()
    assert not torch.allclose(film(other)[:, :image_dim], film(batch)[:, :image_dim])


def test_multimodal_needs_pixels_and_a_command_for_film():
    space = gym.make("robocue/ReachGoal-MuJoCo-v0").observation_space
    with pytest.raises(ValueError, match="needs a 'pixels' observation"):
        MultimodalExtractor(space)


def test_frame_stack_stacks_images_only():
    env = FrameStack(gym.make("robocue/ReachPixelsState-MuJoCo-v0", depth=True), 3)
    observation, _ = env.reset(seed=0)
    assert observation["pixels"].shape == (84, 84, 9) and observation["depth"].shape == (84, 84, 3)
    assert observation["command"].shape == (16,)
    np.testing.assert_array_equal(observation["pixels"][..., :3], observation["pixels"][..., 6:])
    for _ in range(3):
        observation = env.step(np.ones(env.action_space.shape, dtype=np.float32))[0]
    assert observation in env.observation_space
    assert not np.array_equal(observation["pixels"][..., :3], observation["pixels"][..., 6:])
    with pytest.raises(ValueError, match="needs a pixel observation mode"):
        FrameStack(gym.make("robocue/Reach-MuJoCo-v0"), 2)


def test_replay_memory_estimate_counts_uint8_images_twice():
    config = load_config("reach_sac", ["env.id=robocue/ReachPixels-MuJoCo-v0", "algo.buffer_size=1000"])
    space = gym.make("robocue/ReachPixels-MuJoCo-v0").observation_space
    expected = 1000 * (2 * (84 * 84 * 3 + 16 * 4) + 64)
    assert replay_buffer_bytes(config, space) == expected
    assert replay_buffer_bytes(load_config("reach_ppo", []), space) == 0


def test_a_replay_buffer_larger_than_memory_stops_before_the_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    config = load_config(
        "reach_sac",
        [
            "env.id=robocue/ReachPixels-MuJoCo-v0",
            "policy.features_extractor=multimodal",
            "algo.buffer_size=100000000",
            f"run.dir={run_dir}",
        ],
    )
    with pytest.raises(ConfigError, match="algo.buffer_size.*GiB"):
        train(config, log=lambda *a, **k: None)
    assert not run_dir.exists()


@pytest.mark.parametrize(
    "preset, overrides",
    [
        ("reach_ppo", ["env.id=robocue/ReachPixelsState-MuJoCo-v0", "policy.multimodal.image_head=keypoints", "env.frame_stack=2"]),
        ("reach_sac", ["env.id=robocue/ReachPixels-MuJoCo-v0", "env.kwargs.depth=true", "policy.multimodal.image_encoder=nature"]),
    ],
)
def test_multimodal_policies_train_a_few_steps(preset, overrides, tmp_path, tiny_overrides, tiny_ppo_overrides):
    tiny = tiny_ppo_overrides if preset == "reach_ppo" else tiny_overrides
    config = load_config(
        preset,
        tiny
        + overrides
        + ["policy.features_extractor=multimodal", "env.kwargs.image_size=48", "train.video=false", f"run.dir={tmp_path / 'run'}"],
    )
    result = train(config, log=lambda *a, **k: None)
    assert result.timesteps >= 256
    assert result.eval["n_episodes"] == 2
