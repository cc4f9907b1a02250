"""SAC whose update skips work Stable-Baselines3's does for nothing, and can multiply in bfloat16.

Stable-Baselines3's ``SAC.train`` backpropagates the actor's loss through both critics into their
weights as well as into the actions, and throws those weight gradients away (the critics'
optimizer zeroes them before it next steps). :class:`LeanSAC` makes the same update with the
critics' weights frozen during the actor's backward pass, so those products are never computed.
With ``matmul_dtype="float32"`` (the default) the weights it trains are bit for bit those of
``SAC.train`` (``tests/test_fast_sac.py``).

``matmul_dtype="bfloat16"`` trades that exactness for speed twice: the hidden layers of the actor
and the critics multiply in bfloat16 under ``torch.autocast`` (weights, optimizer state, the
networks' outputs, losses and targets stay float32), twice the matrix throughput on CPUs with
AVX512-BF16 or AMX and on recent GPUs at bfloat16's precision (8 significant bits) inside the
networks; and the three Adam optimizers step with PyTorch's fused kernel (one kernel per tensor
instead of about ten; its sums round differently in the last bit). Acting and evaluation are not
affected: only ``train`` changes.

On the 2-core CPU, ``push_sac_her``'s networks (two 256-unit layers, batch 256): figures in
docs/experiments.md ("Throughput"), ``python -m robocue.scripts.offpolicy_speed``.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch
import torch.nn.functional as F
from stable_baselines3 import SAC
from stable_baselines3.common.utils import polyak_update

MATMUL_DTYPES = ("float32", "bfloat16")


def use_fused_adam(model: SAC) -> None:
    """Steps the actor's, the critics' and the entropy coefficient's Adam with its fused kernel (one kernel per step
    instead of several; the last bits differ), as ``matmul_dtype="bfloat16"`` does."""
    for optimizer in (model.actor.optimizer, model.critic.optimizer, model.ent_coef_optimizer):
        if optimizer is not None:
            for group in optimizer.param_groups:
                group["foreach"], group["fused"] = False, True


class LeanSAC(SAC):
    """Stable-Baselines3's SAC with a cheaper ``train`` (same update; see the module docstring).

    Args:
        matmul_dtype: ``float32`` (the same weights as SAC) or ``bfloat16`` (the hidden layers'
            products in bfloat16, Adam's fused kernel).
        *args, **kwargs: ``SAC``'s.
    """

    def __init__(self, *args, matmul_dtype: str = "float32", **kwargs):
        if matmul_dtype not in MATMUL_DTYPES:
            raise ValueError(f"matmul_dtype={matmul_dtype!r} is not one of {', '.join(MATMUL_DTYPES)}")
        self.matmul_dtype = matmul_dtype
        super().__init__(*args, **kwargs)

    def _setup_model(self) -> None:
        super()._setup_model()
        if self.matmul_dtype == "bfloat16":
            use_fused_adam(self)

    def _autocast(self):
        if self.matmul_dtype == "float32":
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def _actor_log_prob(self, observations):
        """``actor.action_log_prob``; in bfloat16 with the hidden layers under autocast and the heads in float32."""
        actor = self.actor
        if self.matmul_dtype == "float32":
            return actor.action_log_prob(observations)
        with self._autocast():
            latent = actor.latent_pi(actor.extract_features(observations, actor.features_extractor))
        latent = latent.float()
        mean_actions = actor.mu(latent)
        log_std = torch.clamp(actor.log_std(latent), -20, 2)  # SB3's LOG_STD_MIN, LOG_STD_MAX
        return actor.action_dist.log_prob_from_params(mean_actions, log_std)

    def _q_values(self, critic, observations, actions) -> list[torch.Tensor]:
        """``critic(observations, actions)``; in bfloat16 with each network's hidden layers under
        autocast and its last layer in float32."""
        if self.matmul_dtype == "float32":
            return list(critic(observations, actions))
        with torch.set_grad_enabled(torch.is_grad_enabled() and not critic.share_features_extractor):
            features = critic.extract_features(observations, critic.features_extractor)
        inputs = torch.cat([features, actions], dim=1)
        values = []
        for q_net in critic.q_networks:
            with self._autocast():
                hidden = q_net[:-1](inputs)
            values.append(q_net[-1](hidden.float()))
        return values

    def _plain(self) -> bool:
        """Whether the networks are the layouts this update knows (else it runs SAC's own)."""
        actor, critic = self.actor, self.critic
        return (
            not self.use_sde
            and not actor.use_sde
            and not critic.share_features_extractor
            and all(isinstance(q, torch.nn.Sequential) and isinstance(q[-1], torch.nn.Linear) for q in critic.q_networks)
            and not self.batch_norm_stats
        )

    def train(self, gradient_steps: int, batch_size: int = 64) -> None:
        if not self._plain():
            return super().train(gradient_steps, batch_size)
        self.policy.set_training_mode(True)
        optimizers = [self.actor.optimizer, self.critic.optimizer]
        if self.ent_coef_optimizer is not None:
            optimizers += [self.ent_coef_optimizer]
        self._update_learning_rate(optimizers)

        ent_coef_losses, ent_coefs, actor_losses, critic_losses = [], [], [], []
        critic_parameters = list(self.critic.parameters())
        target_parameters = list(self.critic_target.parameters())
        for gradient_step in range(gradient_steps):
            replay_data = self.replay_buffer.sample(batch_size, env=self._vec_normalize_env)
            discounts = replay_data.discounts if replay_data.discounts is not None else self.gamma

            actions_pi, log_prob = self._actor_log_prob(replay_data.observations)
            log_prob = log_prob.reshape(-1, 1)

            ent_coef_loss = None
            if self.ent_coef_optimizer is not None and self.log_ent_coef is not None:
                ent_coef = torch.exp(self.log_ent_coef.detach())
                ent_coef_loss = -(self.log_ent_coef * (log_prob + self.target_entropy).detach()).mean()
                ent_coef_losses.append(ent_coef_loss.item())
            else:
                ent_coef = self.ent_coef_tensor
            ent_coefs.append(ent_coef.item())
            if ent_coef_loss is not None and self.ent_coef_optimizer is not None:
                self.ent_coef_optimizer.zero_grad()
                ent_coef_loss.backward()
                self.ent_coef_optimizer.step()

            with torch.no_grad():
                next_actions, next_log_prob = self._actor_log_prob(replay_data.next_observations)
                next_q_values = torch.cat(self._q_values(self.critic_target, replay_data.next_observations, next_actions), dim=1)
                next_q_values, _ = torch.min(next_q_values, dim=1, keepdim=True)
                next_q_values = next_q_values - ent_coef * next_log_prob.reshape(-1, 1)
                target_q_values = replay_data.rewards + (1 - replay_data.dones) * discounts * next_q_values

            current_q_values = self._q_values(self.critic, replay_data.observations, replay_data.actions)
            critic_loss = 0.5 * sum(F.mse_loss(current_q, target_q_values) for current_q in current_q_values)
            critic_losses.append(critic_loss.item())
            self.critic.optimizer.zero_grad()
            critic_loss.backward()
            self.critic.optimizer.step()

            # The actor's loss reaches the actor through the critics' inputs only: their weights are
            # frozen for this pass (SAC computes their gradients here and discards them).
            for parameter in critic_parameters:
                parameter.requires_grad_(False)
            try:
                q_values_pi = torch.cat(self._q_values(self.critic, replay_data.observations, actions_pi), dim=1)
                min_qf_pi, _ = torch.min(q_values_pi, dim=1, keepdim=True)
                actor_loss = (ent_coef * log_prob - min_qf_pi).mean()
                actor_losses.append(actor_loss.item())
                self.actor.optimizer.zero_grad()
                if actor_loss.requires_grad:  # not while the actor is frozen too (train.critic_warmup): SAC's step is then a no-op
                    actor_loss.backward()
                    self.actor.optimizer.step()
            finally:
                for parameter in critic_parameters:
                    parameter.requires_grad_(True)

            if gradient_step % self.target_update_interval == 0:
                polyak_update(critic_parameters, target_parameters, self.tau)

        self._n_updates += gradient_steps
        self.logger.record("train/n_updates", self._n_updates, exclude="tensorboard")
        self.logger.record("train/ent_coef", np.mean(ent_coefs))
        self.logger.record("train/actor_loss", np.mean(actor_losses))
        self.logger.record("train/critic_loss", np.mean(critic_losses))
        if len(ent_coef_losses) > 0:
            self.logger.record("train/ent_coef_loss", np.mean(ent_coef_losses))
