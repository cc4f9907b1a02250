"""CNN image encoders for pixel policies, as Stable-Baselines3 features extractors.

Three architectures share one shape: a conv trunk of ``blocks`` (so a command can modulate
every block with FiLM, see ``policies.multimodal``) and a head that turns the last feature
map into a vector:

- ``nature``: the DQN/NatureCNN trunk (8x8/4, 4x4/2, 3x3/1; 32-64-64 channels).
- ``drq``: DrQ's trunk, four 3x3 convs of 32 channels (the first with stride 2), then
  linear + LayerNorm + tanh.
- ``residual``: a small IMPALA-style trunk, conv + max-pool + two residual blocks per stage.
- ``small``: the NatureCNN trunk with 16-16-32 channels (about a tenth of its weights), for
  policies distilled to run on small computers (``agents.export_distill``).

Heads: ``linear`` (flatten, linear, ReLU; LayerNorm + tanh for drq) or ``keypoints``
(spatial soft-argmax per channel: where each feature is, as image coordinates), which
localises objects far better than a flatten when a policy must reach for them.

Images arrive channel-first and already scaled to [0, 1] (SB3 transposes uint8 ``(H, W, C)``
spaces and divides by 255), so buffers keep uint8 and normalisation happens here.
:class:`RandomShift` is DrQ's augmentation: pad by ``pad`` pixels (replicating the border)
and crop back at a random offset, per image, in training mode only.
"""

from __future__ import annotations

import gymnasium as gym
import torch
import torch.nn.functional as F
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

ARCHITECTURES = ("nature", "drq", "residual", "small")
HEADS = ("linear", "keypoints")


class RandomShift(nn.Module):
    """DrQ random shift: replicate-pad by ``pad`` and crop back at a random offset (training only)."""

    def __init__(self, pad: int = 4):
        super().__init__()
        self.pad = pad

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not self.training or self.pad == 0:
            return images
        n, _, h, w = images.shape
        padded = F.pad(images, (self.pad,) * 4, mode="replicate")
        # One affine grid per image, shifted by a whole number of pixels (as in DrQ's code).
        eps_h, eps_w = 1.0 / (h + 2 * self.pad), 1.0 / (w + 2 * self.pad)
        base_y = torch.linspace(-1.0 + eps_h, 1.0 - eps_h, h + 2 * self.pad, device=images.device, dtype=images.dtype)[:h]
        base_x = torch.linspace(-1.0 + eps_w, 1.0 - eps_w, w + 2 * self.pad, device=images.device, dtype=images.dtype)[:w]
        grid_y, grid_x = torch.meshgrid(base_y, base_x, indexing="ij")
        grid = torch.stack([grid_x, grid_y], dim=-1).unsqueeze(0).expand(n, h, w, 2)
        shift = torch.randint(0, 2 * self.pad + 1, (n, 1, 1, 2), device=images.device).to(images.dtype)
        shift = shift * torch.tensor([2.0 * eps_w, 2.0 * eps_h], device=images.device, dtype=images.dtype)
        return F.grid_sample(padded, grid + shift, padding_mode="zeros", align_corners=False)


class _Residual(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return x + self.conv2(F.relu(self.conv1(F.relu(x))))


def _trunk(architecture: str, in_channels: int) -> tuple[nn.ModuleList, list[int]]:
    """Conv blocks and the channels each outputs."""
    if architecture in ("nature", "small"):
        spec = [(32, 8, 4), (64, 4, 2), (64, 3, 1)] if architecture == "nature" else [(16, 8, 4), (16, 4, 2), (32, 3, 1)]
        blocks, channels = [], in_channels
        for out, kernel, stride in spec:
            blocks.append(nn.Sequential(nn.Conv2d(channels, out, kernel, stride), nn.ReLU()))
            channels = out
        return nn.ModuleList(blocks), [s[0] for s in spec]
    if architecture == "drq":
        blocks = [nn.Sequential(nn.Conv2d(in_channels, 32, 3, stride=2), nn.ReLU())]
        blocks += [nn.Sequential(nn.Conv2d(32, 32, 3, stride=1), nn.ReLU()) for _ in range(3)]
        return nn.ModuleList(blocks), [32] * 4
    if architecture == "residual":
        blocks, channels, sizes = [], in_channels, [16, 32, 32]
        for out in sizes:
            blocks.append(
                nn.Sequential(nn.Conv2d(channels, out, 3, padding=1), nn.MaxPool2d(3, stride=2, padding=1), _Residual(out), _Residual(out))
            )
            channels = out
        blocks[-1].append(nn.ReLU())
        return nn.ModuleList(blocks), sizes
    raise ValueError(f"image encoder {architecture!r} is not one of: {', '.join(ARCHITECTURES)}")


# Smallest square image each trunk accepts (its feature map must keep at least 1x1).
MIN_IMAGE_SIZE = {"nature": 36, "drq": 16, "residual": 8, "small": 36}


class SpatialSoftArgmax(nn.Module):
    """Per channel, the expected (x, y) image coordinate in [-1, 1] under a softmax over pixels."""

    def __init__(self, channels: int):
        super().__init__()
        self.log_temperature = nn.Parameter(torch.zeros(1))
        self.channels = channels

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        n, c, h, w = features.shape
        weights = torch.softmax(features.flatten(2) / self.log_temperature.exp(), dim=-1)
        ys = torch.linspace(-1.0, 1.0, h, device=features.device, dtype=features.dtype)
        xs = torch.linspace(-1.0, 1.0, w, device=features.device, dtype=features.dtype)
        grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
        x = (weights * grid_x.reshape(1, 1, -1)).sum(-1)
        y = (weights * grid_y.reshape(1, 1, -1)).sum(-1)
        return torch.cat([x, y], dim=1)  # (n, 2c)


class ConvEncoder(nn.Module):
    """A conv trunk plus a head: ``(B, C, H, W)`` in [0, 1] -> ``(B, features_dim)``.

    Args:
        in_channels, height, width: The image the encoder reads (channel-first).
        architecture: One of ``ARCHITECTURES``.
        features_dim: Size of the output (the keypoints head outputs 2 per channel and
            ignores it).
        head: ``linear`` or ``keypoints``.
        augment: DrQ random shift (pad 4 at 84 pixels, scaled with the image) in training mode.

    ``forward(images, film)`` takes an optional list of ``(gamma, beta)`` pairs, one per
    block, each ``(B, channels)``: the block's output ``h`` becomes ``h * (1 + gamma) + beta``.
    """

    def __init__(
        self,
        in_channels: int,
        height: int,
        width: int,
        architecture: str = "drq",
        features_dim: int = 64,
        head: str = "linear",
        augment: bool = False,
    ):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"image encoder head {head!r} is not one of: {', '.join(HEADS)}")
        self.blocks, self.block_channels = _trunk(architecture, in_channels)
        smallest = MIN_IMAGE_SIZE[architecture]
        if min(height, width) < smallest:
            raise ValueError(
                f"a {height}x{width} image is too small for the {architecture!r} encoder (it needs at least "
                f"{smallest}x{smallest}); use a larger image_size or another encoder ({', '.join(ARCHITECTURES)})"
            )
        self.augment = RandomShift(pad=max(1, round(4 * min(height, width) / 84))) if augment else nn.Identity()
        with torch.no_grad():  # one dry pass for the feature map's size, as SB3's NatureCNN does
            sample = torch.zeros(1, in_channels, height, width)
            for block in self.blocks:
                sample = block(sample)
        channels, flat = sample.shape[1], sample[0].numel()
        if head == "keypoints":
            self.head = SpatialSoftArgmax(channels)
            self.features_dim = 2 * channels
        else:
            layers = [nn.Flatten(), nn.Linear(flat, features_dim)]
            layers += [nn.LayerNorm(features_dim), nn.Tanh()] if architecture == "drq" else [nn.ReLU()]
            self.head = nn.Sequential(*layers)
            self.features_dim = features_dim

    def forward(self, images: torch.Tensor, film: list[tuple[torch.Tensor, torch.Tensor]] | None = None) -> torch.Tensor:
        h = self.augment(images)
        for i, block in enumerate(self.blocks):
            h = block(h)
            if film is not None:
                gamma, beta = film[i]
                h = h * (1.0 + gamma[:, :, None, None]) + beta[:, :, None, None]
        return self.head(h)


def image_shape(space: gym.spaces.Box) -> tuple[int, int, int]:
    """(channels, height, width) of an image space SB3 will feed channel-first."""
    shape = space.shape
    if len(shape) != 3:
        raise ValueError(f"an image space needs 3 dimensions, got shape {shape}")
    if shape[0] in (1, 3, 4) or shape[0] < shape[-1]:
        return shape[0], shape[1], shape[2]
    return shape[2], shape[0], shape[1]


class ImageEncoder(BaseFeaturesExtractor):
    """A CNN over one image observation (a Box space), for pixels-only policies.

    Dict observations (an image with a command, proprioception, depth) go through
    ``policies.multimodal.MultimodalExtractor``, which uses the same :class:`ConvEncoder`.
    """

    def __init__(
        self,
        observation_space: gym.spaces.Box,
        architecture: str = "drq",
        features_dim: int = 64,
        head: str = "linear",
        augment: bool = False,
    ):
        channels, height, width = image_shape(observation_space)
        encoder = ConvEncoder(channels, height, width, architecture, features_dim, head, augment)
        super().__init__(observation_space, encoder.features_dim)
        self.encoder = encoder

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.encoder(observations)


class NatureCNNEncoder(ImageEncoder):
    """The NatureCNN-style :class:`ImageEncoder`."""

    def __init__(self, observation_space: gym.spaces.Box, **kwargs):
        super().__init__(observation_space, architecture="nature", **kwargs)


class DrQEncoder(ImageEncoder):
    """The DrQ-style :class:`ImageEncoder`, with random-shift augmentation unless ``augment=False``."""

    def __init__(self, observation_space: gym.spaces.Box, **kwargs):
        kwargs.setdefault("augment", True)
        super().__init__(observation_space, architecture="drq", **kwargs)


class ResidualEncoder(ImageEncoder):
    """The residual (IMPALA-style) :class:`ImageEncoder`."""

    def __init__(self, observation_space: gym.spaces.Box, **kwargs):
        super().__init__(observation_space, architecture="residual", **kwargs)
