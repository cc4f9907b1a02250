"""The multimodal features extractor: images, proprioception and the command, joined.

For Dict observations (``pixels``, ``pixels+state``, ``goal`` modes; frame-stacked or not):

- images (``pixels``, plus ``depth`` when the env has it, stacked as channels) -> a CNN
  from ``perception.encoders``;
- the command (``command``) -> a small MLP: the command features;
- every other key (``state``; ``observation``, ``achieved_goal``, ``desired_goal``) ->
  flattened, then an MLP.

``fusion="concat"`` concatenates the three feature vectors. ``fusion="film"`` also
modulates every conv block with the command, ``h * (1 + gamma(c)) + beta(c)`` (RT-1;
BabyAI conditions each block too), with gamma and beta zero-initialised so training starts
from the unconditioned CNN. FiLM lets the CNN look for the commanded object's colour
instead of describing the whole scene.
"""

from __future__ import annotations

import gymnasium as gym
import torch
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from robocue.perception.encoders import ConvEncoder, image_shape

IMAGE_KEYS = ("pixels", "depth")
COMMAND_KEY = "command"
FUSIONS = ("concat", "film")


class MultimodalExtractor(BaseFeaturesExtractor):
    """Images -> CNN, command -> command features, the rest -> MLP; concatenated, optionally FiLM.

    Args:
        observation_space: A Dict space with ``pixels`` (and optionally ``depth``,
            ``command`` and vector keys).
        image_encoder: CNN architecture, one of ``perception.encoders.ARCHITECTURES``.
        image_head: ``linear`` or ``keypoints`` (spatial soft-argmax).
        image_features_dim: Output size of the linear image head.
        augment: DrQ random shift in training mode.
        fusion: ``concat`` or ``film``.
        command_dim: Size of the command features.
        state_dim: Size of the vector-features MLP's output.
        amp: Run the CNN in bfloat16 autocast on CUDA (ignored on the CPU).
    """

    def __init__(
        self,
        observation_space: gym.spaces.Dict,
        image_encoder: str = "drq",
        image_head: str = "linear",
        image_features_dim: int = 64,
        augment: bool = True,
        fusion: str = "film",
        command_dim: int = 32,
        state_dim: int = 64,
        amp: bool = False,
    ):
        if fusion not in FUSIONS:
            raise ValueError(f"fusion={fusion!r} is not one of: {', '.join(FUSIONS)}")
        spaces = observation_space.spaces
        image_keys = [key for key in IMAGE_KEYS if key in spaces]
        if "pixels" not in image_keys:
            raise ValueError(f"the multimodal extractor needs a 'pixels' observation; this env has: {', '.join(spaces)}")
        if fusion == "film" and COMMAND_KEY not in spaces:
            raise ValueError("fusion='film' needs a 'command' observation; use fusion='concat'")
        shapes = [image_shape(spaces[key]) for key in image_keys]
        if len({shape[1:] for shape in shapes}) != 1:
            raise ValueError(f"images {image_keys} must share height and width, got {[s[1:] for s in shapes]}")
        channels = sum(shape[0] for shape in shapes)
        _, height, width = shapes[0]
        encoder = ConvEncoder(channels, height, width, image_encoder, image_features_dim, image_head, augment)
        vector_keys = [key for key in spaces if key not in image_keys and key != COMMAND_KEY]
        vector_size = sum(int(torch.tensor(spaces[key].shape).prod()) for key in vector_keys)
        has_command = COMMAND_KEY in spaces
        features_dim = encoder.features_dim + (command_dim if has_command else 0) + (state_dim if vector_keys else 0)
        super().__init__(observation_space, features_dim)

        self.image_keys, self.vector_keys, self.has_command = image_keys, vector_keys, has_command
        self.image_channel_first = [image_shape(spaces[key]) == spaces[key].shape for key in image_keys]
        self.encoder = encoder
        self.amp = amp
        if has_command:
            command_size = int(torch.tensor(spaces[COMMAND_KEY].shape).prod())
            self.command_net = nn.Sequential(nn.Linear(command_size, command_dim), nn.ReLU())
        if vector_keys:
            self.vector_net = nn.Sequential(nn.Linear(vector_size, state_dim), nn.ReLU())
        self.film = None
        if fusion == "film":
            self.film = nn.ModuleList(nn.Linear(command_dim, 2 * c) for c in encoder.block_channels)
            for layer in self.film:  # start as the unconditioned CNN
                nn.init.zeros_(layer.weight)
                nn.init.zeros_(layer.bias)

    def _images(self, observations: dict) -> torch.Tensor:
        images = []
        for key, channel_first in zip(self.image_keys, self.image_channel_first):
            image = observations[key]
            images.append(image if channel_first else image.permute(0, 3, 1, 2))
        return torch.cat(images, dim=1) if len(images) > 1 else images[0]

    def forward(self, observations: dict) -> torch.Tensor:
        features = []
        film = None
        if self.has_command:
            command = self.command_net(observations[COMMAND_KEY].flatten(1))
            if self.film is not None:
                film = [layer(command).chunk(2, dim=-1) for layer in self.film]
        images = self._images(observations)
        if self.amp and images.is_cuda:
            with torch.autocast("cuda", dtype=torch.bfloat16):
                image_features = self.encoder(images, film)
            image_features = image_features.float()
        else:
            image_features = self.encoder(images, film)
        features.append(image_features)
        if self.has_command:
            features.append(command)
        if self.vector_keys:
            vectors = torch.cat([observations[key].flatten(1) for key in self.vector_keys], dim=1)
            features.append(self.vector_net(vectors))
        return torch.cat(features, dim=1)
