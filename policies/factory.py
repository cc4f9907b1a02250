"""Turns the ``policy`` section of a config into Stable-Baselines3 ``policy_kwargs``."""

from __future__ import annotations

import torch.nn as nn
from stable_baselines3.common.torch_layers import FlattenExtractor

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "elu": nn.ELU}
FEATURES_EXTRACTORS = {"flatten": FlattenExtractor}


def policy_kwargs(policy_config, algo_name: str) -> dict:
    """SB3 ``policy_kwargs`` for ``algo_name`` (sac or ppo) from a :class:`configs.schema.PolicyConfig`."""
    layers = list(policy_config.net_arch)
    # SAC: one list serves actor and critics. PPO: separate policy and value networks.
    net_arch = layers if algo_name == "sac" else {"pi": layers, "vf": layers}
    return {
        "net_arch": net_arch,
        "activation_fn": ACTIVATIONS[policy_config.activation],
        "features_extractor_class": FEATURES_EXTRACTORS[policy_config.features_extractor],
    }
