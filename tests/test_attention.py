"""The command-keyed attention extractor's key options."""

from __future__ import annotations

import gymnasium as gym
import pytest
import torch

import envs  # noqa: F401
from policies.attention import CommandAttentionExtractor


@pytest.mark.parametrize("key", ["linear", "mlp"])
def test_attention_weights_sum_to_one_over_present_objects(key):
    env = gym.make("robocue/Reach-MuJoCo-v0", n_objects=2)
    observation, _ = env.reset(seed=0)
    extractor = CommandAttentionExtractor(env.observation_space, env.unwrapped.observation_layout, key=key)
    batch = torch.as_tensor(observation)[None]
    weights = extractor.attention(batch)
    tokens = extractor._tokens(batch)
    assert torch.allclose(weights.sum(-1), torch.ones(1))
    assert torch.all(weights[tokens[..., 0] < 0.5] < 1e-6)  # absent objects get no weight
    features = extractor(batch)
    assert features.shape == (1, extractor.features_dim)
    features.sum().backward()
    assert all(p.grad is not None for p in extractor.key.parameters())


def test_unknown_attention_key_is_refused():
    env = gym.make("robocue/Reach-MuJoCo-v0")
    with pytest.raises(ValueError, match="attention key 'cubic'"):
        CommandAttentionExtractor(env.observation_space, env.unwrapped.observation_layout, key="cubic")


def test_all_tokens_passes_every_object_through():
    """With all_tokens the heads see every landmark (GoTo: the ones not commanded are
    obstacles), after the attended token and before the scene block."""
    env = gym.make("robocue/GoTo-MuJoCo-v0")
    observation, _ = env.reset(seed=0)
    layout = env.unwrapped.observation_layout
    n, dim = layout["objects"]
    torch.manual_seed(0)
    plain = CommandAttentionExtractor(env.observation_space, layout)
    torch.manual_seed(0)  # the same query and key weights
    every = CommandAttentionExtractor(env.observation_space, layout, all_tokens=True)
    assert every.features_dim == plain.features_dim + n * dim
    batch = torch.as_tensor(observation)[None]
    features = every(batch)
    robot = layout["robot"]
    start = robot + dim  # after [robot, attended]
    assert torch.equal(features[0, start : start + n * dim], batch[0, robot : robot + n * dim])
    assert torch.equal(torch.cat([features[0, :start], features[0, start + n * dim :]]), plain(batch)[0])
