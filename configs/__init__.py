"""Experiment configs: YAML presets in this folder and the typed schema they load into."""

from robocue.configs.schema import (
    DEFAULT_PRESET,
    OFF_POLICY,
    Config,
    ConfigError,
    algorithm_class,
    hyperparameter_defaults,
    list_presets,
    load_config,
)

__all__ = [
    "DEFAULT_PRESET",
    "OFF_POLICY",
    "Config",
    "ConfigError",
    "algorithm_class",
    "hyperparameter_defaults",
    "list_presets",
    "load_config",
]
