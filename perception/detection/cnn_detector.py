"""The CNN detector: a heatmap per colour, presence logits and a shape classifier, and its training."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from robocue.envs.commands import COLORS, SHAPES
from robocue.files import atomic_path
from robocue.perception.detection.base import DETECTOR_FORMAT, DetectionError, Detections
from robocue.perception.detection.dataset import DetectionDataset
from robocue.perception.detection.metrics import evaluate_detections


# --- the CNN ---------------------------------------------------------------------------------------
@dataclass
class DetectorConfig:
    """Architecture and training settings of :class:`HeatmapDetector` (saved with its weights)."""

    image_size: int = 84
    width: int = 32
    """Channels at half resolution; the bottleneck (quarter resolution) has twice as many."""
    colors: tuple[str, ...] = COLORS
    shapes: tuple[str, ...] = SHAPES
    sigma: float = 1.0
    """Standard deviation of the target heatmap's Gaussian, heatmap cells (2 pixels each)."""
    window: int = 2
    """Positions: soft-argmax over the (2*window+1)^2 cells around each heatmap's peak."""
    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 2e-3
    seed: int = 0

    def to_dict(self) -> dict:
        return {**asdict(self), "colors": list(self.colors), "shapes": list(self.shapes)}

    @classmethod
    def from_dict(cls, data: dict) -> DetectorConfig:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DetectionError(f"detector config has unknown keys: {', '.join(unknown)}")
        data = dict(data)
        for key in ("colors", "shapes"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation), nn.GroupNorm(8, cout), nn.ReLU())


class HeatmapDetector(nn.Module):
    """Per-colour heatmaps at half resolution, with presence and shape heads.

    The image is folded into 2x2 blocks (pixel unshuffle: 12 channels at half resolution,
    nothing lost), two convs, a stride-2 stage with dilated convs for context, upsampled and
    added back: the heatmap logits, one channel per colour. Position: a soft-argmax over the
    cells around the heatmap's peak (trained with an L1 loss, so it is unbiased). Presence: a
    linear map of the pooled bottleneck plus a learned multiple of each heatmap's peak
    logit. Shape: the half-resolution features pooled with each colour's heatmap as weights,
    then a linear classifier shared by the colours.

    Input: uint8 images (B, H, W, 3) or floats (B, 3, H, W) in [0, 1].
    """

    def __init__(self, config: DetectorConfig | None = None):
        super().__init__()
        self.config = config = config or DetectorConfig()
        if config.image_size % 4:
            raise DetectionError(f"image_size={config.image_size} must be a multiple of 4")
        w, c = config.width, len(config.colors)
        self.stem = nn.Sequential(_conv(12, w), _conv(w, w))
        self.down = nn.Sequential(_conv(w, 2 * w, stride=2), _conv(2 * w, 2 * w, dilation=1), _conv(2 * w, 2 * w, dilation=2))
        self.lateral = nn.Conv2d(2 * w, w, 1)
        self.fuse = _conv(w, w)
        self.heat = nn.Conv2d(w, c, 1)
        self.presence_features = nn.Linear(2 * w, c)
        self.presence_peak = nn.Parameter(torch.ones(c))
        self.shape_head = nn.Linear(w, len(config.shapes))
        size = config.image_size // 2
        # Pixel coordinates of each heatmap cell's centre (a cell covers 2x2 pixels).
        centers = torch.arange(size, dtype=torch.float32) * 2 + 0.5
        self.register_buffer("cell_u", centers.repeat(size), persistent=False)
        self.register_buffer("cell_v", centers.repeat_interleave(size), persistent=False)

    def _prepare(self, images) -> torch.Tensor:
        if isinstance(images, np.ndarray):
            images = torch.as_tensor(images)
        images = images.to(self.heat.weight.device)
        if images.dtype == torch.uint8:
            images = images.permute(0, 3, 1, 2).float() / 255.0
        return images

    def forward(self, images) -> dict[str, torch.Tensor]:
        x = self._prepare(images)
        size = self.config.image_size
        if x.shape[-2:] != (size, size):
            raise DetectionError(f"the detector takes {size}x{size} images, got {tuple(x.shape[-2:])}")
        half = self.stem(F.pixel_unshuffle(x, 2))
        bottleneck = self.down(half)
        up = F.interpolate(self.lateral(bottleneck), size=half.shape[-2:], mode="bilinear", align_corners=False)
        features = self.fuse(half + up)
        heat = self.heat(features)  # (B, C, h, w)
        b, c = heat.shape[:2]
        logits = heat.flatten(2)
        weights = logits.softmax(-1)
        uv = self.peak_uv(logits)
        presence = self.presence_features(bottleneck.mean((2, 3))) + self.presence_peak * logits.amax(-1)
        pooled = torch.einsum("bcn,bfn->bcf", weights, features.flatten(2))
        return {"heat": logits, "uv": uv, "presence": presence, "shape": self.shape_head(pooled)}

    def peak_uv(self, logits: torch.Tensor) -> torch.Tensor:
        """Soft-argmax over the cells within ``window`` of each heatmap's peak: (B, C, 2)."""
        size = self.config.image_size // 2
        grid = logits.view(*logits.shape[:2], size, size)
        peak = logits.argmax(-1)
        row, col = peak // size, peak % size
        rows = torch.arange(size, device=logits.device).view(1, 1, size, 1)
        cols = torch.arange(size, device=logits.device).view(1, 1, 1, size)
        near = ((rows - row[..., None, None]).abs() <= self.config.window) & ((cols - col[..., None, None]).abs() <= self.config.window)
        local = grid.masked_fill(~near, float("-inf")).flatten(2).softmax(-1)
        return torch.stack([local @ self.cell_u, local @ self.cell_v], dim=-1)

    @torch.no_grad()
    def predict(self, images, batch_size: int = 256, threshold: float = 0.5) -> Detections:
        """Detections for uint8 RGB images (N, H, W, 3)."""
        was_training = self.training
        self.eval()
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[None]
        outputs = {"present": [], "uv": [], "score": [], "shape": []}
        for start in range(0, len(images), batch_size):
            out = self(images[start : start + batch_size])
            score = out["presence"].sigmoid()
            outputs["score"].append(score.cpu().numpy())
            outputs["present"].append((score >= threshold).cpu().numpy())
            outputs["uv"].append(out["uv"].cpu().numpy())
            outputs["shape"].append(out["shape"].argmax(-1).cpu().numpy())
        self.train(was_training)
        return Detections(**{key: np.concatenate(value) for key, value in outputs.items()})

    def save(self, path: str | Path) -> Path:
        """Writes ``{"format", "config", "state_dict"}`` atomically."""
        path = Path(path)
        with atomic_path(path) as tmp:
            torch.save({"format": DETECTOR_FORMAT, "config": self.config.to_dict(), "state_dict": self.state_dict()}, tmp)
        return path

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu") -> HeatmapDetector:
        path = Path(path)
        if not path.is_file():
            raise DetectionError(f"no detector file {str(path)!r} (train one with scripts/train_perception.py)")
        data = torch.load(path, map_location=device, weights_only=True)
        if not isinstance(data, dict) or data.get("format") != DETECTOR_FORMAT:
            raise DetectionError(f"{str(path)!r} is not a {DETECTOR_FORMAT} file")
        detector = cls(DetectorConfig.from_dict(data["config"]))
        detector.load_state_dict(data["state_dict"])
        return detector.to(device).eval()


def detector_loss(out: dict[str, torch.Tensor], batch: dict[str, torch.Tensor], config: DetectorConfig) -> dict[str, torch.Tensor]:
    """Heatmap cross-entropy against a Gaussian at each detectable object, soft-argmax L1
    (pixels), presence BCE and shape cross-entropy; position and shape terms only where the
    object is detectable."""
    size = config.image_size // 2
    target_uv = batch["uv"]  # (B, C, 2) pixels
    cells = (target_uv - 0.5) / 2  # in cell coordinates
    coords = torch.arange(size, dtype=torch.float32, device=target_uv.device)
    gx = torch.exp(-0.5 * ((coords.view(1, 1, size) - cells[..., 0:1]) / config.sigma) ** 2)
    gy = torch.exp(-0.5 * ((coords.view(1, 1, size) - cells[..., 1:2]) / config.sigma) ** 2)
    target = (gy[..., :, None] * gx[..., None, :]).flatten(2)
    target = target / target.sum(-1, keepdim=True).clamp_min(1e-12)
    mask = batch["detectable"].float()
    count = mask.sum().clamp_min(1.0)
    heat = -(target * out["heat"].log_softmax(-1)).sum(-1)
    terms = {
        "heat": (heat * mask).sum() / count,
        "uv": ((out["uv"] - target_uv).abs().sum(-1) * mask).sum() / count,
        "presence": F.binary_cross_entropy_with_logits(out["presence"], mask),
        "shape": (
            F.cross_entropy(out["shape"].flatten(0, 1), batch["shape"].clamp_min(0).flatten(), reduction="none") * mask.flatten()
        ).sum()
        / count,
    }
    terms["total"] = terms["heat"] + 0.2 * terms["uv"] + terms["presence"] + 0.5 * terms["shape"]
    return terms


def _tensors(dataset: DetectionDataset, index=slice(None)) -> dict[str, torch.Tensor]:
    uv = np.nan_to_num(dataset.uv[index], nan=0.0)
    return {
        "images": torch.as_tensor(dataset.images[index]),
        "uv": torch.as_tensor(uv, dtype=torch.float32),
        "detectable": torch.as_tensor(dataset.detectable[index] & dataset.in_view[index]),
        "shape": torch.as_tensor(dataset.shape[index].astype(np.int64)),
    }


def train_detector(
    dataset: DetectionDataset,
    config: DetectorConfig | None = None,
    validation: DetectionDataset | None = None,
    device: str = "cpu",
    progress: bool = True,
) -> tuple[HeatmapDetector, list[dict]]:
    """Trains a :class:`HeatmapDetector` with Adam and a cosine schedule; returns it and the
    per-epoch losses (and validation metrics when ``validation`` is given)."""
    config = config or DetectorConfig(image_size=int(dataset.images.shape[1]))
    if dataset.images.shape[1] != config.image_size:
        raise DetectionError(f"the dataset's images are {dataset.images.shape[1]} pixels; config.image_size={config.image_size}")
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    detector = HeatmapDetector(config).to(device)
    optimizer = torch.optim.Adam(detector.parameters(), lr=config.learning_rate)
    steps_per_epoch = math.ceil(len(dataset) / config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.learning_rate, total_steps=config.epochs * steps_per_epoch, pct_start=0.15
    )
    history = []
    bar = tqdm(total=config.epochs * steps_per_epoch, desc="training detector", unit="batch", disable=not progress)
    for epoch in range(config.epochs):
        detector.train()
        order = rng.permutation(len(dataset))
        sums: dict[str, float] = {}
        for start in range(0, len(order), config.batch_size):
            batch = {k: v.to(device) for k, v in _tensors(dataset, np.sort(order[start : start + config.batch_size])).items()}
            terms = detector_loss(detector(batch["images"]), batch, config)
            optimizer.zero_grad()
            terms["total"].backward()
            optimizer.step()
            scheduler.step()
            for key, value in terms.items():
                sums[key] = sums.get(key, 0.0) + float(value.detach())
            bar.update(1)
            bar.set_postfix(loss=f"{float(terms['total'].detach()):.3f}")
        record = {"epoch": epoch + 1, **{key: value / steps_per_epoch for key, value in sums.items()}}
        if validation is not None:
            metrics = evaluate_detections(validation, detector.predict(validation.images))
            record.update(val_recall_visible=metrics["recall_visible"], val_median_cm=metrics["error_cm"]["median"])
        history.append(record)
    bar.close()
    return detector.eval(), history
