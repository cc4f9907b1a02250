"""Warm starts from the scripted experts: demonstrations, behaviour cloning, DAgger."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from robocue.agents.agent import make_env
from robocue.agents.demonstrations import behavior_clone, collect_demonstrations, merge
from robocue.agents.training import build_model, train
from robocue.configs import load_config


def _config(preset: str, env_id: str, extra=()):
    return load_config(preset, [f"env.id={env_id}", "env.n_envs=1", "policy.net_arch=[32,32]", *extra])


@pytest.mark.parametrize("env_id", ["robocue/Reach-MuJoCo-v0", "robocue/GoToPixels-MuJoCo-v0"])
def test_demonstrations_are_the_experts_episodes(env_id):
    config = _config("reach_ppo", env_id)
    data = collect_demonstrations(lambda: make_env(config), episodes=2, seed=0)
    steps = 2 * (50 if "Reach" in env_id else 200)
    assert len(data["actions"]) == steps and data["actions"].dtype == np.float32
    assert np.abs(data["actions"]).max() <= 1.0
    first = data["observations"]["pixels"] if isinstance(data["observations"], dict) else data["observations"]
    assert len(first) == steps
    assert data["success_rate"] == 1.0


@pytest.mark.parametrize("preset", ["reach_ppo", "reach_sac"])
def test_behavior_cloning_fits_the_expert(preset):
    config = _config(preset, "robocue/Reach-MuJoCo-v0")
    model = build_model(config, "cpu")
    data = collect_demonstrations(lambda: make_env(config), episodes=4, seed=0)
    first = behavior_clone(model, data, epochs=1)
    last = behavior_clone(model, data, epochs=15)
    assert last < first
    predicted = model.predict(data["observations"][:50], deterministic=True)[0]
    assert np.abs(predicted - data["actions"][:50]).mean() < 0.3


def test_behavior_cloning_reads_pixel_observations_channel_first():
    config = _config("reach_ppo", "robocue/ReachPixels-MuJoCo-v0", ["env.kwargs.image_size=36", "policy.features_extractor=combined"])
    model = build_model(config, "cpu")
    data = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0)
    assert data["observations"]["pixels"].shape[1:] == (36, 36, 3)
    assert np.isfinite(behavior_clone(model, data, epochs=1))


def test_demonstrations_record_the_true_goals():
    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    data = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0)
    goals = data["goals"]
    assert goals.shape == (50, 6) and goals.dtype == np.float32
    np.testing.assert_allclose(goals[:, 3:], np.broadcast_to(goals[0, 3:], (50, 3)))  # the commanded object stays put
    # The achieved goal (the tool tip) is in the state vector's first three entries.
    np.testing.assert_allclose(goals[:, :3], data["observations"][:, :3], atol=1e-6)


def test_auxiliary_goal_head_learns_to_locate_the_goals():
    from robocue.agents.demonstrations import make_aux_head

    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    model = build_model(config, "cpu")
    data = collect_demonstrations(lambda: make_env(config), episodes=4, seed=0)
    head = make_aux_head(model, data["goals"].shape[1])
    _, first_error = behavior_clone(model, data, epochs=1, aux_head=head, aux_weight=10.0)
    loss, last_error = behavior_clone(model, data, epochs=15, aux_head=head, aux_weight=10.0)
    assert np.isfinite(loss) and last_error < first_error


@pytest.mark.parametrize(
    "preset, overrides, message",
    [
        ("reach_sac", ["train.imitation.episodes=2"], "algo.name=sac"),
        ("reach_ppo", ["train.imitation.dataset=data/x"], r"train.imitation.aux_weight' acts on the expert episodes"),
        ("reach_ppo", [], r"train.imitation' needs train.imitation.episodes > 0"),
    ],
)
def test_auxiliary_loss_needs_cloning_with_ppo(preset, overrides, message):
    from robocue.configs import ConfigError

    with pytest.raises(ConfigError, match=message):
        load_config(preset, ["train.imitation.aux_weight=1.0", *overrides])


def test_demonstrations_can_cut_episodes_short():
    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    data = collect_demonstrations(lambda: make_env(config), episodes=3, seed=0, max_steps=7)
    assert len(data["actions"]) == 21 and len(data["goals"]) == 21
    # Each episode is a new scene: the commanded object's position changes every 7 steps.
    targets = data["goals"][::7, 3:]
    assert len({tuple(t) for t in targets.round(4)}) == 3


def test_demonstrations_can_end_soon_after_success():
    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    whole = collect_demonstrations(lambda: make_env(config), episodes=2, seed=0)
    cut = collect_demonstrations(lambda: make_env(config), episodes=2, seed=0, after_success=3)
    assert cut["success_rate"] == 1.0 and len(cut["actions"]) < len(whole["actions"]) == 100
    np.testing.assert_array_equal(cut["actions"][:5], whole["actions"][:5])  # the same episode, cut short


def test_an_imitation_key_turns_imitation_on():
    assert load_config("reach_ppo").train.imitation is None
    imitation = load_config("reach_ppo", ["train.imitation.episodes=3"]).train.imitation
    assert imitation is not None and imitation.episodes == 3 and imitation.epochs == 20  # the rest: the section's defaults
    assert load_config("push_dagger", ["train.imitation=null", "train.timesteps=10"]).train.imitation is None


@pytest.mark.parametrize("key", ["episode_steps", "dagger_episodes", "after_success"])
def test_expert_episode_options_need_expert_episodes(key):
    """With episodes=0 only the dataset is cloned, so a key that shapes the expert episodes is refused."""
    from robocue.configs import ConfigError

    with pytest.raises(ConfigError, match=f"train.imitation.{key}' acts on the expert episodes"):
        load_config("reach_ppo", [f"train.imitation.{key}=10", "train.imitation.dataset=data/x"])


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_cloning_learning_rate_schedule(schedule, monkeypatch):
    import torch

    rates = []
    step = torch.optim.Adam.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", recording_step)
    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    model = build_model(config, "cpu")
    data = collect_demonstrations(lambda: make_env(config), episodes=2, seed=0)  # 100 labels: 1 batch an epoch
    loss = behavior_clone(model, data, epochs=10, lr_schedule=schedule)
    assert np.isfinite(loss) and len(rates) == 10 and rates[0] == pytest.approx(1e-3)
    if schedule == "constant":
        assert rates == [rates[0]] * 10
    else:  # decays along a cosine: the last update is the smallest
        assert all(a > b for a, b in zip(rates, rates[1:])) and rates[-1] < 0.05 * rates[0]


def test_unknown_cloning_schedule_is_refused():
    from robocue.configs import ConfigError

    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    with pytest.raises(ValueError, match="lr_schedule"):
        behavior_clone(build_model(config, "cpu"), {"observations": np.zeros((1, 3)), "actions": np.zeros((1, 3))}, lr_schedule="step")
    with pytest.raises(ConfigError, match="train.imitation.lr_schedule"):
        load_config("reach_ppo", ["train.imitation.dataset=data/x", "train.imitation.lr_schedule=cosine"])  # no expert episodes


def test_dagger_records_how_far_the_policy_was_from_the_expert():
    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    model = build_model(config, "cpu")
    expert = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0)
    assert expert["disagreement"].shape == (50,) and not expert["disagreement"].any()
    visited = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0, learner=model)
    # Recompute the first step's distance by hand: the untrained policy's action vs the label.
    first = np.clip(model.predict(visited["observations"][:1], deterministic=True)[0][0], -1, 1)
    assert visited["disagreement"][0] == pytest.approx(np.mean(np.abs(first - visited["actions"][0])), abs=1e-5)
    assert visited["disagreement"].min() >= 0 and visited["disagreement"].max() <= 2


@pytest.mark.parametrize("preset", ["reach_ppo", "reach_sac"])
def test_label_weights_decide_which_labels_the_fit_follows(preset):
    """Two contradicting labels for the same observation: the fit follows the heavier one."""
    config = _config(preset, "robocue/Reach-MuJoCo-v0")
    env = make_env(config)
    observation, dim = env.reset(seed=0)[0], env.action_space.shape[0]
    env.close()
    n = 64
    observations = np.repeat(observation[None], 2 * n, axis=0)
    actions = np.concatenate([np.full((n, dim), 0.5), np.full((n, dim), -0.5)]).astype(np.float32)
    for heavy, sign in ((np.r_[np.full(n, 9.0), np.ones(n)], 1), (np.r_[np.ones(n), np.full(n, 9.0)], -1)):
        model = build_model(config, "cpu")
        data = {"observations": observations, "actions": actions, "weights": heavy.astype(np.float32)}
        behavior_clone(model, data, epochs=30, batch_size=32)
        predicted = model.predict(observation, deterministic=True)[0]
        assert np.all(sign * predicted > 0.2), predicted


def test_dagger_focus_needs_dagger_rounds():
    from robocue.configs import ConfigError

    with pytest.raises(ConfigError, match="train.imitation.dagger_focus"):
        load_config("reach_ppo", ["train.imitation.episodes=2", "train.imitation.dagger_focus=1"])
    assert (
        load_config(
            "reach_ppo", ["train.imitation.episodes=2", "train.imitation.dagger_iterations=1", "train.imitation.dagger_focus=1"]
        ).train.imitation.dagger_focus
        == 1
    )


def test_state_aux_target_adds_the_task_state_to_the_goals():
    config = _config("reach_ppo", "robocue/GoToPixelsState-MuJoCo-v0")
    goals = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0, max_steps=3)["goals"]
    data = collect_demonstrations(lambda: make_env(config), episodes=1, seed=0, max_steps=3, aux_target="state")
    env = make_env(config)
    env.reset(seed=0)
    task = env.unwrapped.task
    state = task.observation(env.unwrapped.engine, env.unwrapped.robot)
    env.close()
    assert data["goals"].shape == (3, goals.shape[1] + task.observation_dim)
    assert np.allclose(data["goals"][:, : goals.shape[1]], goals)
    assert np.allclose(data["goals"][0, goals.shape[1] :], state)  # the first step's true state block
    with pytest.raises(ValueError, match="aux_target"):
        collect_demonstrations(lambda: make_env(config), episodes=1, seed=0, aux_target="pixels")


def test_the_state_block_does_not_dilute_the_goal_loss():
    """With goal_entries the goals and the state block each count by their own mean, and the
    reported error is the goals' alone."""
    from robocue.agents.demonstrations import make_aux_head

    config = _config("reach_ppo", "robocue/Reach-MuJoCo-v0")
    env = make_env(config)
    observation = env.reset(seed=0)[0]
    env.close()
    n = 64
    goals = np.concatenate([np.zeros((n, 6)), np.full((n, 10), 100.0)], axis=1).astype(np.float32)
    data = {"observations": np.repeat(observation[None], n, axis=0), "actions": np.zeros((n, 3), np.float32), "goals": goals}
    errors = {}
    for entries in (16, 6):
        model = build_model(config, "cpu")
        torch.manual_seed(0)
        head = make_aux_head(model, 16)
        _, errors[entries] = behavior_clone(model, {**data, "goal_entries": entries}, epochs=1, aux_head=head, aux_weight=1.0)
    assert errors[16] > 50 and errors[6] < 5, errors


def test_aux_target_needs_the_aux_loss():
    from robocue.configs import ConfigError

    with pytest.raises(ConfigError, match="train.imitation.aux_target"):
        load_config("reach_pixels_dagger", ["train.imitation.aux_weight=0", "train.imitation.aux_target=state"])


def test_merge_concatenates():
    a = {"observations": np.zeros((2, 3)), "actions": np.zeros((2, 1))}
    b = {"observations": np.ones((3, 3)), "actions": np.ones((3, 1))}
    merged = merge(a, b)
    assert merged["observations"].shape == (5, 3) and merged["actions"][-1, 0] == 1.0


def test_training_with_a_dagger_warm_start_logs_each_round(tmp_path, tiny_ppo_overrides):
    lines = []
    config = load_config(
        "reach_ppo",
        tiny_ppo_overrides
        + [
            "train.imitation.episodes=2",
            "train.imitation.epochs=2",
            "train.imitation.dagger_iterations=2",
            "train.video=false",
            f"run.dir={tmp_path / 'r'}",
        ],
    )
    train(config, log=lambda *a, **k: lines.append(" ".join(map(str, a))))
    assert any(line.startswith("behaviour cloning: 100 expert steps from 2 episodes") for line in lines)
    assert sum(line.startswith("DAgger round") for line in lines) == 2


def test_warm_start_reports_every_fit_in_order(tiny_ppo_overrides):
    """on_fit hears 0 (cloning) then every DAgger round, so training can save the policy so far."""
    from robocue.agents.demonstrations import warm_start

    config = load_config("reach_ppo", tiny_ppo_overrides)
    model = build_model(config, "cpu")
    fits = []
    warm_start(model, lambda: make_env(config), episodes=1, epochs=1, dagger_iterations=2, log=lambda *a: None, on_fit=fits.append)
    assert fits == [0, 1, 2]


def test_a_run_stopped_during_dagger_keeps_the_policy_of_its_last_round(tmp_path, tiny_ppo_overrides, monkeypatch):
    """A long imitation run stopped between rounds still has an evaluable model.zip."""
    import robocue.agents.demonstrations as demonstrations

    real_clone, calls = demonstrations.behavior_clone, []

    def clone_then_stop(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the second DAgger round's fit
            raise KeyboardInterrupt
        return real_clone(*args, **kwargs)

    monkeypatch.setattr(demonstrations, "behavior_clone", clone_then_stop)
    config = load_config(
        "reach_ppo",
        tiny_ppo_overrides
        + [
            "train.timesteps=0",
            "train.imitation.episodes=1",
            "train.imitation.epochs=1",
            "train.imitation.dagger_iterations=3",
            f"run.dir={tmp_path / 'r'}",
        ],
    )
    with pytest.raises(KeyboardInterrupt):
        train(config, log=lambda *a, **k: None)
    assert (tmp_path / "r" / "model.zip").is_file()
    assert not list((tmp_path / "r").glob("*.tmp*"))


def test_imitation_only_training_takes_no_rl_step(tmp_path, tiny_ppo_overrides):
    """train.timesteps=0: the warm start is the whole training; the saved model is the cloned one."""
    lines = []
    config = load_config(
        "reach_ppo",
        tiny_ppo_overrides
        + ["train.timesteps=0", "train.imitation.episodes=2", "train.imitation.epochs=2", "train.video=false", f"run.dir={tmp_path / 'r'}"],
    )
    result = train(config, log=lambda *a, **k: lines.append(" ".join(map(str, a))))
    assert result.timesteps == 0 and result.model_path.exists()
    assert any(line.startswith("trained by imitation only") for line in lines)
    assert (tmp_path / "r" / "eval.json").exists()


def test_zero_timesteps_without_a_warm_start_is_a_config_error():
    from robocue.configs import ConfigError

    with pytest.raises(ConfigError, match="imitation only"):
        load_config("reach_ppo", ["train.timesteps=0"])
