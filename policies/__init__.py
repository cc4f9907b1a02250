"""Policy pieces for Stable-Baselines3: features extractors and the config -> policy_kwargs factory."""

from robocue.policies.attention import CommandAttentionExtractor
from robocue.policies.factory import policy_kwargs

__all__ = ["CommandAttentionExtractor", "policy_kwargs"]
