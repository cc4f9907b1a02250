"""Warm starts from the scripted experts: collect demonstrations, clone them into a policy.

Every robocue task has a scripted expert that acts from the simulator's true state. Its
episodes, observed exactly as the policy will observe them (same env, same wrappers), make
a supervised data set; :func:`behavior_clone` fits the policy's actor to it before
reinforcement learning starts (``train.imitation.episodes`` in a config). PPO's Gaussian policy is
fitted by maximum likelihood, so its exploration noise also shrinks to the expert's
spread; SAC's squashed policy by mean squared error on its deterministic action.

Every labelled step also records the task's goals (achieved and desired, for example the
tool tip and the commanded object). With ``aux_weight > 0`` (``train.imitation.aux_weight``, PPO
only) a linear head learns to predict them from the policy's features alongside the
actions: an auxiliary loss that tells a pixel encoder what to look at (where the commanded
object and the robot are) long before the action loss alone would. With ``aux_target=
"state"`` (``train.imitation.aux_target``) the head predicts the task's whole true state block
as well (every object token and the scene block: GoTo's obstacles, Maze's walls), so a
pixel encoder also learns to see what the policy must drive around. The goals and the
state block each count by their own mean squared error, so the few goal entries are not
diluted among the many state entries. The head is used only while fitting; the policy
still acts from its observation alone.

The labels need not come from the scripted expert: ``labeler`` (``train.imitation.teacher``) can be
a :class:`PolicyTeacher`, a trained state policy that sees the true state while the
student sees its own observation (pixels, say). A state policy fine-tuned by RL can act
better than the expert's clone, and a pixel student distilled from it by DAgger inherits
that (the privileged-teacher recipe of robot learning: "Learning by Cheating", Chen et al.
2019).

DAgger labels can be weighted by how wrong the policy was where it drove (``focus > 0``,
``train.imitation.dagger_focus``): a label where the policy's own action was off the expert's by
``d`` (mean absolute difference over the action's entries) counts ``1 + focus * d`` times
in every later fit. Where a smooth policy meets a steep expert (a turn that flips from
full left to full right next to an obstacle), the few states it gets badly wrong would
otherwise be outvoted by the many it already fits.
"""

from __future__ import annotations

import numpy as np
import torch
from stable_baselines3.common.policies import BaseModel
from stable_baselines3.common.utils import obs_as_tensor

AUX_TARGETS = ("goals", "state")


def expert_labels(env) -> np.ndarray:
    """The task's scripted expert's action in ``env``'s current state (the default labeller)."""
    u = env.unwrapped
    return u.task.expert_action(u.engine, u.robot)


class PolicyTeacher:
    """A trained state policy as the labeller: its deterministic action on the state-mode
    observation of ``env``'s current state, whatever the env's own observation mode.

    A policy fine-tuned by RL from the state can act better than the scripted expert it
    was cloned from (GoTo: 0.975 against the cloned 0.925), and its labels are a function a
    network has already fitted; a pixel policy learns from it by DAgger as from the expert
    (privileged teacher, pixel student).
    """

    def __init__(self, agent):
        self.agent = agent

    def __call__(self, env) -> np.ndarray:
        observation = env.unwrapped.state_observation()
        return self.agent.model.predict(observation, deterministic=True)[0]


def collect_demonstrations(
    make_env,
    episodes: int,
    seed: int,
    learner=None,
    max_steps: int = 0,
    after_success: int = 0,
    aux_target: str = "goals",
    labeler=expert_labels,
) -> dict:
    """Runs ``episodes`` episodes (seeds ``seed``, ``seed+1``, ...) labelled by the env's expert
    (or by ``labeler(env)``, for example a :class:`PolicyTeacher`).

    Args:
        make_env: Builds one env exactly as training observes it (wrappers included).
        learner: None: the expert acts. An SB3 model: it acts (deterministically) while the
            expert, asked at every step, labels the states the learner visits (DAgger).
        max_steps: Stop each episode after this many steps (0: run it to its end). Many
            short episodes cover many more scenes (for example mazes) per label.
        after_success: Stop each episode this many steps after it first succeeds (0: run
            it to its end). The robot then rests at the goal, and a long tail of those
            "stand still" labels can teach a policy that standing still is right wherever
            it stops (for example stuck in front of an obstacle).
        aux_target: ``goals``: each step's ``goals`` are the achieved and desired goal;
            ``state``: those, then the task's true state block (``task.observation``).

    Returns:
        ``{"observations": array or dict of arrays, "actions": (N, action_dim), "goals": (N, 2 *
        goal_dim) or more, "goal_entries": int, "disagreement": (N,), "success_rate": float}``:
        ``goals`` holds each step's achieved and desired goal (true state, for the auxiliary
        loss; their ``goal_entries`` entries come first, then any state block); ``disagreement`` the
        mean absolute difference between the acting policy's action and the expert's label
        (zeros when the expert acts); the success rate is the acting policy's.
    """
    if aux_target not in AUX_TARGETS:
        raise ValueError(f"aux_target must be one of {', '.join(AUX_TARGETS)}, got {aux_target!r}")
    env = make_env()
    observations, actions, goals, successes, disagreement = [], [], [], [], []
    try:
        for episode in range(episodes):
            observation, info = env.reset(seed=seed + episode)
            # after the reset: an EngineMix env (env.engines) acts in another engine each episode
            task, engine, robot = env.unwrapped.task, env.unwrapped.engine, env.unwrapped.robot
            done, steps, succeeded_at = False, 0, None
            while not done:
                action = np.clip(labeler(env), -1.0, 1.0).astype(np.float32)
                observations.append(observation)
                actions.append(action)
                goal = [task.achieved_goal(engine, robot), task.desired_goal(engine)]
                if aux_target == "state":
                    goal.append(task.observation(engine, robot))
                goals.append(np.concatenate(goal))
                if learner is not None:
                    label = action
                    action = learner.predict(observation, deterministic=True)[0]
                    disagreement.append(float(np.mean(np.abs(np.clip(action, -1.0, 1.0) - label))))
                else:
                    disagreement.append(0.0)
                observation, _, terminated, truncated, info = env.step(action)
                steps += 1
                if succeeded_at is None and info.get("is_success", False):
                    succeeded_at = steps
                late = after_success and succeeded_at is not None and steps - succeeded_at >= after_success
                done = terminated or truncated or steps == max_steps or late
            successes.append(bool(info.get("is_success", False)))
    finally:
        env.close()
    if isinstance(observations[0], dict):
        stacked = {key: np.stack([o[key] for o in observations]) for key in observations[0]}
    else:
        stacked = np.stack(observations)
    return {
        "observations": stacked,
        "actions": np.stack(actions),
        "goals": np.stack(goals).astype(np.float32),
        "goal_entries": 2 * len(task.desired_goal(engine)),  # the goals' entries, before any state block
        "disagreement": np.asarray(disagreement, dtype=np.float32),
        "success_rate": float(np.mean(successes)),
    }


def merge(first: dict, second: dict) -> dict:
    """Two demonstration sets as one (DAgger's aggregated data set)."""
    if isinstance(first["observations"], dict):
        observations = {key: np.concatenate([first["observations"][key], second["observations"][key]]) for key in first["observations"]}
    else:
        observations = np.concatenate([first["observations"], second["observations"]])
    merged = {"observations": observations}
    if "goal_entries" in first:
        merged["goal_entries"] = first["goal_entries"]
    for key in ("actions", "goals", "weights"):
        if key in first and key in second:
            merged[key] = np.concatenate([first[key], second[key]])
    return merged


def imitation_recipe(imitation) -> dict:
    """``warm_start``'s keyword arguments from a config's ``train.imitation`` section: the
    imitation recipe, shared by training and distillation so that both read every key."""
    return dict(
        episodes=imitation.episodes,
        epochs=imitation.epochs,
        dagger_iterations=imitation.dagger_iterations,
        aux_weight=imitation.aux_weight,
        episode_steps=imitation.episode_steps,
        dagger_episodes=imitation.dagger_episodes,
        after_success=imitation.after_success,
        lr_schedule=imitation.lr_schedule,
        focus=imitation.dagger_focus,
        aux_target=imitation.aux_target,
    )


def warm_start(
    model,
    make_env,
    episodes: int,
    epochs: int,
    dagger_iterations: int = 0,
    seed: int = 0,
    log=print,
    aux_weight: float = 0.0,
    episode_steps: int = 0,
    dagger_episodes: int = 0,
    after_success: int = 0,
    lr_schedule: str = "constant",
    on_fit=None,
    focus: float = 0.0,
    aux_target: str = "goals",
    labeler=expert_labels,
    on_state=None,
    start: dict | None = None,
    evaluate=None,
) -> None:
    """Behaviour cloning from ``episodes`` expert episodes (the first ``episode_steps`` steps
    of each; 0: all), then ``dagger_iterations`` rounds of DAgger: the policy drives
    ``dagger_episodes`` (0: ``episodes``) whole episodes, the expert labels every state it
    visits, and the policy is refitted on everything gathered so far. ``aux_weight``: weight
    of the auxiliary goal-prediction loss (module docstring; 0: none). ``after_success``:
    every episode ends this many steps after it first succeeds (0: at its end).
    ``lr_schedule``: "constant" or "cosine" (each fit's learning rate decays to zero).
    ``on_fit``: called with the round number (0: the cloning fit) after every fit, for
    example to save the policy so far. ``focus``: DAgger labels weigh ``1 + focus * d``
    where the policy's action was off the expert's by ``d`` (module docstring; 0: all
    labels weigh 1). ``aux_target``: what the auxiliary head predicts, ``goals`` or
    ``state`` (module docstring). ``labeler``: who acts in the cloning episodes and labels
    every state (default the scripted expert; a :class:`PolicyTeacher` for a trained one).
    ``on_state``: called with ``(round, data, aux_head)`` after every fit, to save what a
    stopped run continues from. ``start``: continue after round ``start["round"]`` with its
    aggregated ``data`` (the policy already holds that round's weights), ``aux_head`` weights
    and ``restore_rngs`` (agents/resume.py ``load_dagger_state``). ``evaluate``: called after
    every fit (after ``on_fit`` and ``on_state``) with the environment steps the episodes so
    far took (every step is labelled); returning True ends the DAgger rounds (training's
    periodic evaluation and stop at a target success)."""
    if focus < 0:
        raise ValueError(f"focus must be >= 0, got {focus}")
    if start is None:
        data = collect_demonstrations(
            make_env, episodes, seed, max_steps=episode_steps, after_success=after_success, aux_target=aux_target, labeler=labeler
        )
        data["weights"] = np.ones(len(data["actions"]), dtype=np.float32)
        aux_head = make_aux_head(model, data["goals"].shape[1]) if aux_weight > 0 else None
    else:
        data = start["data"]
        aux_head = make_aux_head(model, data["goals"].shape[1]) if aux_weight > 0 else None
        if aux_head is not None and start.get("aux_head"):
            aux_head.load_state_dict(start["aux_head"])
        start["restore_rngs"]()  # after the head's initialisation drew from torch's RNG, as the stopped run's had
    fit = dict(epochs=epochs, aux_head=aux_head, aux_weight=aux_weight, lr_schedule=lr_schedule)
    if start is None:
        loss = behavior_clone(model, data, seed=seed, **fit)
        log(
            f"behaviour cloning: {len(data['actions'])} expert steps from {episodes} episodes "
            f"(expert success {data['success_rate']:.2f}{' when cut short' if episode_steps else ''}), loss {_describe(loss)}"
        )
        if on_fit is not None:
            on_fit(0)
        if on_state is not None:
            on_state(0, data, aux_head)
        if evaluate is not None and evaluate(len(data["actions"])):
            return
    else:
        log(f"DAgger resumed after round {start['round']} of {dagger_iterations}, with {len(data['actions'])} labelled steps")
    rollouts = dagger_episodes or episodes
    for iteration in range(1 if start is None else start["round"] + 1, dagger_iterations + 1):
        # Seeds past the cloning episodes' and every earlier round's: new scenes each round.
        visited = collect_demonstrations(
            make_env,
            rollouts,
            seed + episodes + (iteration - 1) * rollouts,
            learner=model,
            after_success=after_success,
            aux_target=aux_target,
            labeler=labeler,
        )
        visited["weights"] = 1.0 + focus * visited["disagreement"]
        data = merge(data, visited)
        loss = behavior_clone(model, data, seed=seed + iteration, **fit)
        log(
            f"DAgger round {iteration}: the policy succeeded in {visited['success_rate']:.2f} of its {rollouts} episodes, "
            f"off the expert by {visited['disagreement'].mean():.3f} on average; "
            f"refitted on {len(data['actions'])} labelled steps, loss {_describe(loss)}"
        )
        if on_fit is not None:
            on_fit(iteration)
        if on_state is not None:
            on_state(iteration, data, aux_head)
        if evaluate is not None and evaluate(len(data["actions"])):
            return


def _describe(loss) -> str:
    if isinstance(loss, tuple):
        return f"{loss[0]:.3f} (goal prediction error {loss[1] * 100:.1f} cm rms)"
    return f"{loss:.3f}"


def make_aux_head(model, goal_dim: int) -> torch.nn.Module:
    """The auxiliary head: a linear map from the actor's features to the goals (PPO only)."""
    policy = model.policy
    if not hasattr(policy, "get_distribution"):
        raise ValueError("train.imitation.aux_weight > 0 needs PPO (its actor's features feed the goal-prediction head); use 0 with SAC")
    return torch.nn.Linear(policy.pi_features_extractor.features_dim, goal_dim).to(model.device)


def _weighted_mean(values: torch.Tensor, weights: torch.Tensor | None, indices) -> torch.Tensor:
    if weights is None:
        return values.mean()
    w = weights[indices]
    return (values * w).sum() / w.sum()


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


def behavior_clone(
    model,
    demonstrations: dict,
    epochs: int = 20,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    seed: int = 0,
    aux_head: torch.nn.Module | None = None,
    aux_weight: float = 0.0,
    lr_schedule: str = "constant",
):
    """Fits ``model``'s actor (SB3 PPO or SAC) to the demonstrations; returns the last epoch's
    mean loss, with ``aux_head`` the pair (action loss, root mean squared goal error in metres).
    ``lr_schedule="cosine"`` decays the learning rate to zero along a cosine over the fit.
    ``demonstrations["weights"]`` (optional, one per label) weighs each label's action loss."""
    if lr_schedule not in ("constant", "cosine"):
        raise ValueError(f"lr_schedule must be 'constant' or 'cosine', got {lr_schedule!r}")
    policy = model.policy
    is_ppo = hasattr(policy, "get_distribution")
    parameters = list(policy.parameters()) if is_ppo else list(model.actor.parameters())
    if aux_head is not None:
        parameters += list(aux_head.parameters())
        goals = torch.as_tensor(demonstrations["goals"], device=model.device)
        goal_entries = int(demonstrations.get("goal_entries", goals.shape[1]))
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    actions = torch.as_tensor(demonstrations["actions"], device=model.device)
    weights = None
    if "weights" in demonstrations and not np.all(demonstrations["weights"] == 1.0):
        weights = torch.as_tensor(demonstrations["weights"], dtype=torch.float32, device=model.device)
    observations = _as_policy_sees(demonstrations["observations"], model.observation_space)
    n = len(actions)
    total_updates = epochs * -(-n // batch_size)
    schedule = None
    if lr_schedule == "cosine":
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_updates)
    rng = np.random.default_rng(seed)
    policy.set_training_mode(True)
    loss_value = float("nan")
    for _ in range(epochs):
        order = rng.permutation(n)
        losses, goal_errors = [], []
        for start in range(0, n, batch_size):
            indices = order[start : start + batch_size]
            observation = obs_as_tensor(_batch(observations, indices), model.device)
            target = actions[indices]
            if is_ppo:
                # The distribution from the features, as get_distribution does, keeping the
                # features for the auxiliary head.
                features = BaseModel.extract_features(policy, observation, policy.pi_features_extractor)
                distribution = policy._get_action_dist_from_latent(policy.mlp_extractor.forward_actor(features))
                loss = -_weighted_mean(distribution.log_prob(target), weights, indices)
                if aux_head is not None:
                    predicted, true = aux_head(features), goals[indices]
                    goal_error = torch.nn.functional.mse_loss(predicted[:, :goal_entries], true[:, :goal_entries])
                    goal_errors.append(goal_error.item())
                    aux_loss = goal_error
                    if goal_entries < true.shape[1]:  # the state block: its own mean, so it does not dilute the goals'
                        aux_loss = aux_loss + torch.nn.functional.mse_loss(predicted[:, goal_entries:], true[:, goal_entries:])
                    loss_total = loss + aux_weight * aux_loss
                else:
                    loss_total = loss
            else:
                squared = (model.actor(observation, deterministic=True) - target) ** 2
                loss = loss_total = _weighted_mean(squared.mean(dim=1), weights, indices)
            optimizer.zero_grad()
            loss_total.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            losses.append(loss.item())
        loss_value = float(np.mean(losses))
    policy.set_training_mode(False)
    if aux_head is not None:
        return loss_value, float(np.sqrt(np.mean(goal_errors)))
    return loss_value
