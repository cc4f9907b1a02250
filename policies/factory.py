"""Turns the ``policy`` section of a config into Stable-Baselines3 ``policy_kwargs``."""

from __future__ import annotations

import torch.nn as nn
from stable_baselines3.common.torch_layers import CombinedExtractor, FlattenExtractor

from robocue.policies.attention import CommandAttentionExtractor
from robocue.policies.multimodal import MultimodalExtractor

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "elu": nn.ELU}


# extractor -> does it take Dict observations (pixels, pixels+state, goal)?
EXTRACTOR_TAKES_DICT = {"attention": False, "flatten": False, "combined": True, "multimodal": True}


def check_extractor(name: str, observation_is_dict: bool) -> None:
    """Fails clearly when an extractor cannot read the env's observations."""
    if EXTRACTOR_TAKES_DICT[name] != observation_is_dict:
        fitting = [n for n, takes_dict in EXTRACTOR_TAKES_DICT.items() if takes_dict == observation_is_dict]
        kind = "Dict (pixels, pixels+state, goal)" if observation_is_dict else "flat state"
        raise ValueError(f"{name!r} cannot read this env's {kind} observations; use one of: {', '.join(fitting)}")


def policy_class(observation_is_dict: bool) -> str:
    """SB3's policy name for the observation type."""
    return "MultiInputPolicy" if observation_is_dict else "MlpPolicy"


def policy_kwargs(policy_config, algo_name: str, observation_layout: dict | None = None) -> dict:
    """SB3 ``policy_kwargs`` for ``algo_name`` (sac, tqc or ppo).

    Args:
        policy_config: A :class:`configs.schema.PolicyConfig`.
        algo_name: ``sac`` or ``tqc`` (one ``net_arch`` for actor and critics) or ``ppo`` (separate
            policy and value networks of that shape).
        observation_layout: The env's ``observation_layout``; the attention extractor needs it.
    """
    check_extractor(policy_config.features_extractor, observation_is_dict=observation_layout is None)
    layers = list(policy_config.net_arch)
    net_arch = {"pi": layers, "vf": layers} if algo_name == "ppo" else layers  # sac, tqc: actor and critics alike
    kwargs = {"net_arch": net_arch, "activation_fn": ACTIVATIONS[policy_config.activation]}
    if policy_config.share_features_extractor is not None:
        kwargs["share_features_extractor"] = policy_config.share_features_extractor
    if policy_config.features_extractor == "multimodal":
        kwargs["features_extractor_class"] = MultimodalExtractor
        kwargs["features_extractor_kwargs"] = policy_config.multimodal.model_dump()  # its keys are the extractor's arguments
    elif policy_config.features_extractor == "combined":
        kwargs["features_extractor_class"] = CombinedExtractor  # NatureCNN per image, flatten the rest
    elif policy_config.features_extractor == "attention":
        if observation_layout is None:
            raise ValueError("policy.features_extractor=attention needs an env with an observation_layout; use flatten")
        kwargs["features_extractor_class"] = CommandAttentionExtractor
        attention = policy_config.attention
        kwargs["features_extractor_kwargs"] = {
            "layout": observation_layout,
            "embed_dim": attention.dim,
            "key": attention.key,
            "all_tokens": attention.all_tokens,
            "object_fields_to_heads": attention.object_fields_to_heads,
            "planner_iterations": attention.planner_iterations,
            "route_planner": attention.route_planner,
        }
    else:
        kwargs["features_extractor_class"] = FlattenExtractor
    return kwargs
