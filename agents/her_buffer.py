"""Hindsight relabelling that looks where something happened: episodes whose achieved goal moved.

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
