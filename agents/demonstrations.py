"""Warm starts from the scripted experts: collect demonstrations, clone them into a policy.

Every robocue task has a scripted expert that acts from the simulator's true state. Its
episodes, observed exactly as the policy will observe them (same env, same wrappers), make
a supervised data set; :func:`behaviour_clone` fits the policy's actor to it before
reinforcement learning starts (``train.bc_episodes`` in a config). PPO's Gaussian policy is
fitted by maximum likelihood, so its exploration noise also shrinks to the expert's
spread; SAC's squashed policy by mean squared error on its deterministic action.
"""

from __future__ import annotations

import numpy as np
import torch
from stable_baselines3.common.utils import obs_as_tensor


def collect_demonstrations(make_env, episodes: int, seed: int, learner=None) -> dict:
    """Runs ``episodes`` episodes (seeds ``seed``, ``seed+1``, ...) labelled by the env's expert.

    Args:
        make_env: Builds one env exactly as training observes it (wrappers included).
        learner: None: the expert acts. An SB3 model: it acts (deterministically) while the
            expert, asked at every step, labels the states the learner visits (DAgger).

    Returns:
        ``{"observations": array or dict of arrays, "actions": (N, action_dim), "success_rate": float}``,
        the success rate being the acting policy's.
    """
    env = make_env()
    task, engine, robot = env.unwrapped.task, env.unwrapped.engine, env.unwrapped.robot
    observations, actions, successes = [], [], []
    try:
        for episode in range(episodes):
            observation, info = env.reset(seed=seed + episode)
            done = False
            while not done:
                action = np.clip(task.expert_action(engine, robot), -1.0, 1.0).astype(np.float32)
                observations.append(observation)
                actions.append(action)
                if learner is not None:
                    action = learner.predict(observation, deterministic=True)[0]
                observation, _, terminated, truncated, info = env.step(action)
                done = terminated or truncated
            successes.append(bool(info.get("is_success", False)))
    finally:
        env.close()
    if isinstance(observations[0], dict):
        stacked = {key: np.stack([o[key] for o in observations]) for key in observations[0]}
    else:
        stacked = np.stack(observations)
    return {"observations": stacked, "actions": np.stack(actions), "success_rate": float(np.mean(successes))}


def merge(first: dict, second: dict) -> dict:
    """Two demonstration sets as one (DAgger's aggregated data set)."""
    if isinstance(first["observations"], dict):
        observations = {key: np.concatenate([first["observations"][key], second["observations"][key]]) for key in first["observations"]}
    else:
        observations = np.concatenate([first["observations"], second["observations"]])
    return {"observations": observations, "actions": np.concatenate([first["actions"], second["actions"]])}


def warm_start(model, make_env, episodes: int, epochs: int, dagger_iterations: int = 0, seed: int = 0, log=print) -> None:
    """Behaviour cloning from ``episodes`` expert episodes, then ``dagger_iterations`` rounds of
    DAgger: the policy drives ``episodes`` more episodes, the expert labels every state it
    visits, and the policy is refitted on everything gathered so far."""
    data = collect_demonstrations(make_env, episodes, seed)
    loss = behaviour_clone(model, data, epochs=epochs, seed=seed)
    log(
        f"behaviour cloning: {len(data['actions'])} expert steps from {episodes} episodes "
        f"(expert success {data['success_rate']:.2f}), loss {loss:.3f}"
    )
    for iteration in range(1, dagger_iterations + 1):
        visited = collect_demonstrations(make_env, episodes, seed + iteration * episodes, learner=model)
        data = merge(data, visited)
        loss = behaviour_clone(model, data, epochs=epochs, seed=seed + iteration)
        log(
            f"DAgger round {iteration}: the policy succeeded in {visited['success_rate']:.2f} of its {episodes} episodes; "
            f"refitted on {len(data['actions'])} labelled steps, loss {loss:.3f}"
        )


def _batch(observations, indices):
    if isinstance(observations, dict):
        return {key: value[indices] for key, value in observations.items()}
    return observations[indices]


def _as_policy_sees(observations, space):
    """Transposes channel-last images to the channel-first layout SB3 feeds its policy."""
    if not isinstance(observations, dict):
        return observations
    result = {}
    for key, value in observations.items():
        expected = space[key].shape
        if value.ndim == 4 and value.shape[1:] != expected and value.shape[1:] == (expected[1], expected[2], expected[0]):
            value = np.ascontiguousarray(value.transpose(0, 3, 1, 2))
        result[key] = value
    return result


def behaviour_clone(
    model, demonstrations: dict, epochs: int = 20, batch_size: int = 256, learning_rate: float = 1e-3, seed: int = 0
) -> float:
    """Fits ``model``'s actor (SB3 PPO or SAC) to the demonstrations; returns the last epoch's mean loss."""
    policy = model.policy
    is_ppo = hasattr(policy, "get_distribution")
    parameters = list(policy.parameters()) if is_ppo else list(model.actor.parameters())
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    actions = torch.as_tensor(demonstrations["actions"], device=model.device)
    observations = _as_policy_sees(demonstrations["observations"], model.observation_space)
    n = len(actions)
    rng = np.random.default_rng(seed)
    policy.set_training_mode(True)
    loss_value = float("nan")
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, batch_size):
            indices = order[start : start + batch_size]
            observation = obs_as_tensor(_batch(observations, indices), model.device)
            target = actions[indices]
            if is_ppo:
                distribution = policy.get_distribution(observation)
                loss = -distribution.log_prob(target).mean()
            else:
                loss = torch.nn.functional.mse_loss(model.actor(observation, deterministic=True), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        loss_value = float(np.mean(losses))
    policy.set_training_mode(False)
    return loss_value
