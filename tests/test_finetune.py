"""Fine-tuning: ``train.init_from`` starts from a run's weights, ``train.critic_warmup`` freezes the actor."""

from __future__ import annotations

import pytest
import torch
from conftest import PPO_PRESET, SAC_PRESET, TINY_OVERRIDES, TINY_PPO_OVERRIDES

from robocue.agents.training import CriticWarmup, build_model, check_runnable, init_source
from robocue.configs import ConfigError, load_config
from robocue.scripts.cli import main

NO_EXTRAS = ["train.evaluate=false", "train.video=false", "train.checkpoint_every=0"]


@pytest.fixture(scope="module")
def ppo_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("source") / "ppo"
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"run.dir={run_dir}"]) == 0
    return run_dir


@pytest.fixture(scope="module")
def sac_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("source") / "sac"
    assert main(["train", SAC_PRESET, *TINY_OVERRIDES, *NO_EXTRAS, f"run.dir={run_dir}"]) == 0
    return run_dir


def state(model) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.policy.state_dict().items()}


def test_init_from_loads_the_runs_weights(ppo_run, tmp_path, capsys):
    run_dir = tmp_path / "tuned"
    code = main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"train.init_from={ppo_run}",
                 "train.max_seconds=1e-9", f"run.dir={run_dir}"])  # fmt: skip
    assert code == 0
    assert f"policy weights from {ppo_run}" in capsys.readouterr().out
    from stable_baselines3 import PPO

    source, tuned = PPO.load(ppo_run / "model.zip"), PPO.load(run_dir / "model.zip")
    for key, value in state(source).items():  # stopped before the first update: the weights are the source's
        assert torch.equal(value, state(tuned)[key]), key


def test_critic_warmup_trains_only_the_critic(ppo_run):
    config = load_config(PPO_PRESET, [*TINY_PPO_OVERRIDES, *NO_EXTRAS, f"train.init_from={ppo_run}"])
    model = build_model(config, check_runnable(config))
    from stable_baselines3.common.save_util import load_from_zip_file

    model.policy.load_state_dict(load_from_zip_file(init_source(config))[1]["policy"])
    before = state(model)
    warmup = CriticWarmup(10**9, log=lambda *a, **k: None)  # never released while learning
    model.learn(256, callback=warmup)
    after = state(model)
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed, "the critic did not learn"
    assert all(k.startswith(("value_net", "mlp_extractor.value_net")) for k in changed), sorted(changed)
    assert all(p.requires_grad for p in model.policy.parameters()), "training end releases the actor"


def test_critic_warmup_freezes_the_sac_actor(sac_run):
    config = load_config(SAC_PRESET, [*TINY_OVERRIDES, *NO_EXTRAS])
    model = build_model(config, check_runnable(config))
    actor = {k: v.detach().clone() for k, v in model.actor.state_dict().items()}
    critic = {k: v.detach().clone() for k, v in model.critic.state_dict().items()}
    model.learn(300, callback=CriticWarmup(10**9, log=lambda *a, **k: None))
    assert all(torch.equal(v, model.actor.state_dict()[k]) for k, v in actor.items())
    assert any(not torch.equal(v, model.critic.state_dict()[k]) for k, v in critic.items())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["train.init_from=/nonexistent/run"], "is not a run folder"),
        (["policy.net_arch=[16,16]"], "policy.net_arch ([32, 32] there, [16, 16] here)"),
        (["env.id=robocue/GoTo-MuJoCo-v0"], "observation space"),
    ],
)
def test_bad_init_from_is_refused_before_the_run_folder(ppo_run, tmp_path, overrides, message, capsys):
    run_dir = tmp_path / "never"
    code = main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"train.init_from={ppo_run}", *overrides, f"run.dir={run_dir}"])
    assert code == 2
    err = capsys.readouterr().err
    assert "train.init_from" in err and message in err
    assert not run_dir.exists()


def test_init_from_another_algorithm_is_refused(sac_run, capsys):
    with pytest.raises(ConfigError, match="trained sac, this config trains ppo"):
        check_runnable(load_config(PPO_PRESET, [*TINY_PPO_OVERRIDES, "policy.net_arch=[32,32]", f"train.init_from={sac_run}"]))


def test_init_from_the_twin_engine_is_allowed(ppo_run):
    config = load_config(PPO_PRESET, [*TINY_PPO_OVERRIDES, "env.id=robocue/Reach-PyBullet-v0", f"train.init_from={ppo_run}"])
    check_runnable(config)  # twins share spaces


def test_critic_warmup_must_leave_the_actor_some_steps():
    with pytest.raises(ConfigError, match="train.critic_warmup"):
        load_config(PPO_PRESET, ["train.timesteps=1000", "train.critic_warmup=1000"])


@pytest.mark.parametrize(
    ("finetune", "source"),
    [("goto_finetune", "goto_dagger")],
)
def test_finetune_presets_start_from_their_imitation_presets(finetune, source):
    """`robocue train SOURCE run.dir=runs/SOURCE`, then `robocue train FINETUNE`, must fit together."""
    tuned, cloned = load_config(finetune), load_config(source)
    assert tuned.train.init_from == f"runs/{source}"
    assert tuned.env.id == cloned.env.id and tuned.algo.name == cloned.algo.name
    ours, theirs = tuned.policy.model_dump(), cloned.policy.model_dump()
    assert {k for k in ours if ours[k] != theirs[k]} <= {"share_features_extractor"}
    assert 0 < tuned.train.critic_warmup < tuned.train.timesteps


# --- a trained state policy as the teacher (train.imitation.teacher) ------------------------------------
def test_state_observation_is_the_state_modes_whatever_the_obs_mode():
    import gymnasium as gym
    import numpy as np

    state = gym.make("robocue/Reach-MuJoCo-v0")
    pixels = gym.make("robocue/ReachPixelsState-MuJoCo-v0")
    expected, _ = state.reset(seed=3)
    pixels.reset(seed=3)
    np.testing.assert_array_equal(pixels.unwrapped.state_observation(), expected)
    action = state.action_space.sample()
    np.testing.assert_array_equal(pixels.step(action) and pixels.unwrapped.state_observation(), state.step(action)[0])
    state.close()
    pixels.close()


def test_a_policy_teacher_labels_what_its_policy_does_on_the_state(ppo_run):
    import gymnasium as gym
    import numpy as np

    from robocue.agents.agent import Agent
    from robocue.agents.demonstrations import PolicyTeacher, collect_demonstrations

    agent = Agent.load(ppo_run)
    seen = []

    def recording(env):
        seen.append(env.unwrapped.state_observation())
        return PolicyTeacher(agent)(env)

    data = collect_demonstrations(lambda: gym.make("robocue/ReachPixelsState-MuJoCo-v0"), 2, seed=0, max_steps=5, labeler=recording)
    assert data["observations"]["pixels"].shape == (10, 84, 84, 3)
    expected = np.clip(np.stack([agent.act(o) for o in seen]), -1, 1)
    np.testing.assert_allclose(data["actions"], expected, atol=1e-6)


def test_train_with_a_teacher_runs_end_to_end(ppo_run, tmp_path, capsys):
    run_dir = tmp_path / "student"
    overrides = ["env.id=robocue/ReachPixelsState-MuJoCo-v0", "policy.features_extractor=multimodal", "train.timesteps=0",
                 "train.imitation.episodes=2", "train.imitation.episode_steps=5", "train.imitation.epochs=1",
                 "train.imitation.dagger_iterations=1", "train.imitation.dagger_episodes=1",
                 f"train.imitation.teacher={ppo_run}"]  # fmt: skip
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, *overrides, f"run.dir={run_dir}"]) == 0
    out = capsys.readouterr().out
    assert f"labels from the teacher in {ppo_run}" in out and "DAgger round 1" in out
    assert (run_dir / "model.zip").is_file()


def test_a_teacher_needs_expert_episodes():
    with pytest.raises(ConfigError, match="train.imitation' needs train.imitation.episodes > 0"):
        load_config(PPO_PRESET, ["train.imitation.teacher=runs/x"])
    with pytest.raises(ConfigError, match="train.imitation.teacher' acts on the expert episodes"):
        load_config(PPO_PRESET, ["train.imitation.teacher=runs/x", "train.imitation.dataset=data/x"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["env.id=robocue/GoTo-MuJoCo-v0"], "state-mode run of the go_to task"),
        (
            ["policy.features_extractor=multimodal", "env.id=robocue/ReachPixels-MuJoCo-v0", "train.imitation.teacher=/no/run"],
            "not a run folder",
        ),
    ],
)
def test_bad_teachers_are_refused_before_the_run_folder(ppo_run, tmp_path, overrides, message, capsys):
    run_dir = tmp_path / "never"
    args = ["train.timesteps=0", "train.imitation.episodes=1", f"train.imitation.teacher={ppo_run}", *overrides, f"run.dir={run_dir}"]
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, *args]) == 2
    err = capsys.readouterr().err
    assert "train.imitation.teacher" in err and message in err
    assert not run_dir.exists()


def test_a_teacher_that_sees_another_state_size_is_refused(ppo_run):
    from robocue.agents.training import check_teacher

    config = load_config(PPO_PRESET, ["train.timesteps=0", "train.imitation.episodes=1", f"train.imitation.teacher={ppo_run}"])
    check_teacher(config, 86)  # the Reach state the tiny run saw
    with pytest.raises(ConfigError, match="this env's state has 87"):
        check_teacher(config, 87)
