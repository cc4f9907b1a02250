"""Hindsight replay buffers beyond SB3's: one that keeps its transitions on the GPU, and one that
looks where something happened (episodes whose achieved goal moved).

:class:`DeviceHerReplayBuffer` is SB3's ``HerReplayBuffer`` with every transition in torch tensors
on the training device instead of numpy arrays in host memory: a batch is gathered and relabelled
where the networks are, so a CUDA run copies no batch from the host at each gradient step (only
each env step's new transitions go to the device). Which transitions and goals a batch takes is
drawn exactly as SB3 draws them (numpy's global generator, the same episode bookkeeping), and the
relabelled rewards are the env's own ``compute_reward`` (robocue's goal envs say what it computes,
``goal_reward_spec``; other envs are asked on the host). On the CPU device its batches equal SB3's
bit for bit (tests/test_her_buffer.py). ``algo.her.device_buffer`` picks it (by default, when
training runs on CUDA).

In Push or PickAndPlace the achieved goal is the commanded object's position, and in most early
episodes the policy never touches it: every relabelled goal is then the object's start, reached by
doing nothing, and teaches nothing about moving it. Over ``push_sac_her``'s first 4,000 steps
(random actions, half the episodes starting next to the object) 2 % of the transitions a plain
``HerReplayBuffer`` samples show the object moving at all (more than 1 mm).

:class:`MovedGoalHerReplayBuffer` is SB3's ``HerReplayBuffer`` (same storage, same relabelling)
that draws ``moved_share`` of each batch from the transitions of episodes whose achieved goal got
farther than ``moved_distance`` from where it started, and the rest uniformly, as before. It is a
coarse form of energy-based prioritisation (Zhao and Tresp, "Energy-Based Hindsight Experience
Prioritization", 2018): a trajectory is kept or not, with no weights and no importance correction.
Until some episode has moved, batches are drawn uniformly. ``algo.her.moved_share`` turns it on.
On ``push_sac_her`` it showed no lasting gain in an hour (docs/notes/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
import torch
from stable_baselines3 import HerReplayBuffer
from stable_baselines3.common.buffers import DictReplayBuffer
from stable_baselines3.common.type_aliases import DictReplayBufferSamples

_STORAGE = ("actions", "rewards", "dones", "timeouts")


class _DeviceStorage(DictReplayBuffer):
    """DictReplayBuffer's ``add`` writing into torch tensors on ``self.device`` (see below)."""

    def _store_on_device(self) -> None:
        """Replaces the numpy arrays the constructor made (never written, so never backed by memory)
        with zeroed tensors of the same shapes and dtypes on the device."""

        def like(array: np.ndarray) -> torch.Tensor:
            return torch.zeros(array.shape, dtype=torch.from_numpy(array[:0]).dtype, device=self.device)

        self.observations = {key: like(array) for key, array in self.observations.items()}
        self.next_observations = {key: like(array) for key, array in self.next_observations.items()}
        for name in _STORAGE:
            setattr(self, name, like(getattr(self, name)))

    @staticmethod
    def _put(row: torch.Tensor, value) -> None:
        row.copy_(torch.as_tensor(np.asarray(value)).reshape(row.shape))

    def add(self, obs, next_obs, action, reward, done, infos) -> None:
        for key in self.observations:
            self._put(self.observations[key][self.pos], obs[key])
            self._put(self.next_observations[key][self.pos], next_obs[key])
        self._put(self.actions[self.pos], action)
        self._put(self.rewards[self.pos], reward)
        self._put(self.dones[self.pos], done)
        if self.handle_timeout_termination:
            self._put(self.timeouts[self.pos], [info.get("TimeLimit.truncated", False) for info in infos])
        self.pos += 1
        if self.pos == self.buffer_size:
            self.full, self.pos = True, 0


# HerReplayBuffer.add does HER's episode bookkeeping and then calls super().add: with _DeviceStorage
# after HerReplayBuffer in the bases, that call stores into the device tensors.
class DeviceHerReplayBuffer(HerReplayBuffer, _DeviceStorage):
    """``HerReplayBuffer`` whose transitions live in tensors on the training device.

    Args: ``HerReplayBuffer``'s (``device`` is where the transitions are kept).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._store_on_device()
        self._reward_spec: dict | None = None

    def _samples(self, rows, obs: dict, next_obs: dict, rewards: torch.Tensor, env) -> DictReplayBufferSamples:
        if env is not None:  # VecNormalize normalises numpy arrays on the host
            obs, next_obs = (self._normalized(observations, env) for observations in (obs, next_obs))
            rewards = torch.as_tensor(self._normalize_reward(rewards.cpu().numpy(), env), device=self.device)
        return DictReplayBufferSamples(
            observations=obs,
            actions=self.actions[rows],
            next_observations=next_obs,
            # Only dones that are not timeouts (timeouts stay 0 unless handle_timeout_termination)
            dones=(self.dones[rows] * (1 - self.timeouts[rows])).reshape(-1, 1),
            rewards=rewards.reshape(-1, 1),
        )

    def _normalized(self, observations: dict, env) -> dict:
        host = self._normalize_obs({key: value.cpu().numpy() for key, value in observations.items()}, env)
        return {key: torch.as_tensor(value, device=self.device) for key, value in host.items()}

    def _gather(self, batch_indices: np.ndarray, env_indices: np.ndarray) -> tuple[tuple[torch.Tensor, torch.Tensor], dict, dict]:
        """The rows on the device, and their observations and next observations."""
        rows = torch.as_tensor(batch_indices, device=self.device), torch.as_tensor(env_indices, device=self.device)
        obs = {key: value[rows] for key, value in self.observations.items()}
        return rows, obs, {key: value[rows] for key, value in self.next_observations.items()}

    def _get_real_samples(self, batch_indices, env_indices, env=None) -> DictReplayBufferSamples:
        rows, obs, next_obs = self._gather(batch_indices, env_indices)
        return self._samples(rows, obs, next_obs, self.rewards[rows], env)

    def _get_virtual_samples(self, batch_indices, env_indices, env=None) -> DictReplayBufferSamples:
        rows, obs, next_obs = self._gather(batch_indices, env_indices)
        goals = self._sample_goals(batch_indices, env_indices)  # SB3's: numpy's draws, indexing our tensors
        obs["desired_goal"], next_obs["desired_goal"] = goals, goals
        # r_t = reward(s_{t+1}'s achieved goal, the new desired goal), as SB3 computes it
        return self._samples(rows, obs, next_obs, self._relabeled_rewards(next_obs["achieved_goal"], goals), env)

    def _relabeled_rewards(self, achieved: torch.Tensor, desired: torch.Tensor) -> torch.Tensor:
        if self._reward_spec is None:
            try:
                self._reward_spec = self.env.env_method("goal_reward_spec", indices=[0])[0]
            except AttributeError:
                self._reward_spec = {}
        kind = self._reward_spec.get("reward_type")
        if kind not in ("dense", "sparse"):  # an env that does not say: its compute_reward, on the host
            rewards = self.env.env_method(
                "compute_reward", achieved.cpu().numpy(), desired.cpu().numpy(), [{} for _ in range(len(achieved))], indices=[0]
            )[0]
            return torch.as_tensor(np.asarray(rewards, dtype=np.float32), device=self.device)
        offset = achieved.double() - desired.double()  # float64, as the task's goal_distance
        distance = (offset * offset).sum(dim=-1).sqrt()
        if kind == "dense":
            return (-distance).float()
        return torch.where(distance >= self._reward_spec["distance_threshold"], -1.0, 0.0).float()


class MovedGoalHerReplayBuffer(HerReplayBuffer):
    """``HerReplayBuffer`` that oversamples episodes whose achieved goal moved.

    Args:
        moved_share: Share of each batch drawn from transitions of episodes in which the achieved
            goal got farther than ``moved_distance`` from its start (0 to 1).
        moved_distance: Metres (goal units) the achieved goal must get from its start.
        *args, **kwargs: ``HerReplayBuffer``'s.
    """

    def __init__(self, *args, moved_share: float = 0.5, moved_distance: float = 0.02, **kwargs):
        if not 0.0 <= moved_share <= 1.0:
            raise ValueError(f"moved_share={moved_share} must be between 0 and 1")
        if not moved_distance > 0.0:
            raise ValueError(f"moved_distance={moved_distance} must be positive")
        super().__init__(*args, **kwargs)
        self.moved_share, self.moved_distance = moved_share, moved_distance
        # Per transition: the farthest its episode's achieved goal got from the episode's start.
        self.ep_moved = np.zeros((self.buffer_size, self.n_envs), dtype=np.float32)

    def _compute_episode_length(self, env_idx: int) -> None:
        super()._compute_episode_length(env_idx)
        last = (self.pos - 1) % self.buffer_size  # the episode just stored ends here
        start, length = self.ep_start[last, env_idx], self.ep_length[last, env_idx]
        indices = np.arange(start, start + length) % self.buffer_size
        first = self.observations["achieved_goal"][indices[0], env_idx]
        reached = self.next_observations["achieved_goal"][indices, env_idx]
        self.ep_moved[indices, env_idx] = float(np.sqrt(((reached - first) ** 2).sum(axis=-1)).max())

    def sample(self, batch_size: int, env=None):
        valid = self.ep_length > 0
        moved = np.flatnonzero(valid & (self.ep_moved > self.moved_distance))
        n_moved = int(round(self.moved_share * batch_size)) if len(moved) else 0
        if n_moved == 0:
            return super().sample(batch_size, env)
        indices = np.concatenate([np.random.choice(moved, n_moved), np.random.choice(np.flatnonzero(valid), batch_size - n_moved)])
        np.random.shuffle(indices)  # real and relabelled parts both get moved episodes
        return self._sample_at(indices, env)

    def _sample_at(self, sampled_indices: np.ndarray, env):
        """HerReplayBuffer.sample from here on, for the given flat indices."""
        batch_indices, env_indices = np.unravel_index(sampled_indices, self.ep_length.shape)
        nb_virtual = int(self.her_ratio * len(sampled_indices))
        virtual_batch, real_batch = np.split(batch_indices, [nb_virtual])
        virtual_env, real_env = np.split(env_indices, [nb_virtual])
        real = self._get_real_samples(real_batch, real_env, env)
        virtual = self._get_virtual_samples(virtual_batch, virtual_env, env)
        observations, next_observations = (
            {key: torch.cat((r[key], v[key])) for key in v}
            for r, v in ((real.observations, virtual.observations), (real.next_observations, virtual.next_observations))
        )
        return type(real)(
            observations=observations,
            actions=torch.cat((real.actions, virtual.actions)),
            next_observations=next_observations,
            dones=torch.cat((real.dones, virtual.dones)),
            rewards=torch.cat((real.rewards, virtual.rewards)),
        )
