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
