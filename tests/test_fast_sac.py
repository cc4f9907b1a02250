"""LeanSAC (agents/fast_sac.py): the same weights as Stable-Baselines3's SAC in float32, bfloat16 on request."""

from __future__ import annotations

import pytest
import torch
from stable_baselines3 import SAC

from robocue.agents.fast_sac import LeanSAC
from robocue.agents.training import build_model
from robocue.configs import ConfigError, load_config

# Two env copies of 50-step episodes: HER samples once the first episodes ended (100 steps)
GOAL = [
    "env.id=robocue/ReachGoal-MuJoCo-v0",
    "env.n_envs=2",
    "env.vec_env=dummy",
    "policy.features_extractor=combined",
    "algo.her={}",
    "algo.learning_starts=120",
]
SMALL = ["algo.learning_starts=64", "algo.batch_size=32", "algo.gradient_steps=2", "policy.net_arch=[32,32]"]


def _trained(overrides: list[str], algorithm=None, steps: int = 200):
    """A reach_sac model built as robocue train builds it, optionally run as ``algorithm``, after ``steps`` steps."""
    model = build_model(load_config("reach_sac", [*SMALL, *overrides]), "cpu")
    if algorithm is not None:
        model.__class__ = algorithm
    model.learn(steps)
    return model


def _weights(model) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.policy.state_dict().items()}


@pytest.mark.parametrize("overrides", [[], GOAL], ids=["box", "goal_her"])
def test_lean_update_trains_the_weights_sac_trains(overrides):
    """Critics frozen for the actor's backward pass change no weight: bit for bit SAC's, entropy coefficient too."""
    lean = _trained(overrides)
    assert type(lean) is LeanSAC and lean._plain()
    plain = _trained(overrides, algorithm=SAC)
    assert lean._n_updates == plain._n_updates > 0
    first, second = _weights(lean), _weights(plain)
    for key in first:
        assert torch.equal(first[key], second[key]), key
    assert torch.equal(lean.log_ent_coef, plain.log_ent_coef)


def test_the_critics_learn_again_after_the_actor_step():
    """The critics' weights are frozen only for the actor's pass: they still get gradients and move."""
    model = _trained([], steps=100)
    before = {k: v.clone() for k, v in model.critic.state_dict().items()}
    model.train(gradient_steps=3, batch_size=32)
    assert all(p.requires_grad for p in model.critic.parameters())
    assert any(not torch.equal(before[k], v) for k, v in model.critic.state_dict().items())


def test_bfloat16_products_train_close_to_float32():
    """bfloat16 products change the update a little, not its course; acting stays float32."""
    exact = _trained(GOAL)
    fast = _trained([*GOAL, "algo.matmul_dtype=bfloat16"])
    assert fast.matmul_dtype == "bfloat16"
    first, second = _weights(exact), _weights(fast)
    differences = [float((first[k] - second[k]).abs().max()) for k in first]
    assert max(differences) > 0.0  # the products really were bfloat16
    assert max(differences) < 0.05
    assert all(torch.isfinite(v).all() for v in second.values())
    assert all(v.dtype == torch.float32 for v in second.values())
    observation = fast.observation_space.sample()
    assert fast.predict(observation, deterministic=True)[0].dtype.name == "float32"


def test_unknown_layouts_fall_back_to_sac_update():
    """gSDE is a layout LeanSAC does not rewrite: SAC's own update runs, and still trains."""
    model = _trained(["algo.use_sde=true"], steps=100)
    assert not model._plain()
    before = _weights(model)
    model.train(gradient_steps=2, batch_size=32)
    assert any(not torch.equal(before[k], v) for k, v in _weights(model).items())


def test_matmul_dtype_is_refused_where_it_has_no_meaning():
    with pytest.raises(ConfigError, match=r"algo.matmul_dtype.*needs algo.name sac"):
        load_config("reach_sac", ["algo.name=tqc", "algo.matmul_dtype=bfloat16"])
    with pytest.raises(ConfigError, match="matmul_dtype"):
        load_config("reach_sac", ["algo.matmul_dtype=float16"])
    with pytest.raises(ValueError, match="matmul_dtype='float16' is not one of float32, bfloat16"):
        LeanSAC("MlpPolicy", "Pendulum-v1", matmul_dtype="float16")
