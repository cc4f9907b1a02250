"""Policy pieces for Stable-Baselines3: the factory that turns a config into policy_kwargs."""

from policies.factory import policy_kwargs

__all__ = ["policy_kwargs"]
