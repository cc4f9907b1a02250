"""Words the language encoder's vocabulary lacks, read as words it has (:class:`WordMapper`:
inflection, colour names, spelling, meaning), and how text is cut into words. numpy only (and
the ``wordllama`` wheel's own files, read offline), so the ONNX acting path reads words as the
PyTorch one does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from robocue.perception.color_names import color_of_name, is_color_name
from robocue.perception.grammar import COLOR_WORDS, DESTINATION_SIDE, SHAPE_WORDS

PAD, UNK = "<pad>", "<unk>"
APOSTROPHES = re.compile(r"['\u2019`]")
NON_WORD = re.compile(r"[^0-9a-z\u00c0-\u024f]+")


def split_words(text: str) -> list[str]:
    """Lower-cased words of ``text``; anything that is not a letter or digit separates words."""
    text = APOSTROPHES.sub("", str(text).lower())
    return [w for w in NON_WORD.split(text) if w]


def content_words() -> set[str]:
    """Words that name a colour, a shape or a destination (never dropped in training)."""
    words = set()
    for table in (COLOR_WORDS, SHAPE_WORDS, DESTINATION_SIDE):
        words |= {w for phrases in table.values() for p in phrases for w in split_words(p)}
    return words - {"the", "side"}


WORD_MAP_THRESHOLD = 0.35  # cosine similarity a meaning match needs (wordllama, 256-d) ...
CONTENT_MAP_THRESHOLD = 0.5  # ... and onto a word that names a colour, shape or destination
_SUFFIXES = (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""), ("es", ""), ("s", ""), ("ly", ""))


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)


class WordMapper:
    """Maps a word the vocabulary lacks onto a word it has, or None: inflection, spelling, meaning.

    1. **Inflection**: ``pushing``, ``pushed``, ``slides`` -> the known stem (``push``,
       ``slide``).
    2. **Colour names**: a colour name people use, read by its hue
       (:func:`perception.color_names.color_of_name`: ``cobalt`` -> ``blue``, ``ruby`` ->
       ``red``); a colour no object has (``orange``, ``grey``) maps to nothing.
    3. **Spelling**: a word that the pretrained tokenizer splits into pieces (so not a common
       English word: ``yelow``, ``rigth``, ``teh``) within one edit of a known word (two
       from 7 letters), the same first letter for words of up to 4 letters; the closest wins,
       ties to the longer known word.
    4. **Meaning**: the known word whose wordllama embedding (static token embeddings that
       ship inside the ``wordllama`` wheel, read offline) is nearest by cosine, when it
       reaches :data:`WORD_MAP_THRESHOLD` (:data:`CONTENT_MAP_THRESHOLD` when the known word
       names a colour, a shape or a destination, where a wrong match changes the command:
       ``transfer`` -> ``move``, but ``okay`` does not become ``right``).

    Without ``wordllama`` installed, steps 3 and 4 fall back to spelling alone for every
    word. Results are cached per word.
    """

    def __init__(self, vocabulary: Sequence[str], threshold: float = WORD_MAP_THRESHOLD, content_threshold: float = CONTENT_MAP_THRESHOLD):
        self.vocabulary = sorted(w for w in vocabulary if w not in (PAD, UNK))
        self.known = set(self.vocabulary)
        content = content_words()
        self.thresholds = np.array([content_threshold if w in content else threshold for w in self.vocabulary], dtype=np.float32)
        self._cache: dict[str, str | None] = {}
        self._model = None  # (tokenizer, embedding table, vocabulary vectors), loaded on the first unknown word

    def _load(self):
        if self._model is None:
            self._model = _wordllama_words(tuple(self.vocabulary))
        return self._model

    def __call__(self, word: str) -> str | None:
        if word in self.known:
            return word
        if word not in self._cache:
            self._cache[word] = self._map(word)
        return self._cache[word]

    def _map(self, word: str) -> str | None:
        for suffix, add in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word[: -len(suffix)] + add in self.known:
                return word[: -len(suffix)] + add
        color = color_of_name(word)
        if color is not None and color in self.known:
            return color
        if is_color_name(word):
            return None  # orange, purple, grey: a colour no object has; not a near word by meaning
        model = self._load()
        common = model is not None and len(model[0].encode(word, add_special_tokens=False).ids) == 1
        if not common and len(word) >= 3:
            limit = 2 if len(word) >= 7 else 1
            best, best_distance = None, limit + 1
            for known in self.vocabulary:
                if len(known) < 3 or (len(word) <= 4 and known[0] != word[0]):
                    continue
                distance = _edit_distance(word, known, limit)
                if distance < best_distance or (distance == best_distance and best is not None and len(known) > len(best)):
                    best, best_distance = known, distance
            if best is not None:
                return best
        if model is None:
            return None
        tokenizer, table, vectors = model
        vector = _embed_word(tokenizer, table, word)
        if vector is None:
            return None
        similarity = vectors @ vector
        index = int(np.argmax(similarity))
        return self.vocabulary[index] if similarity[index] >= self.thresholds[index] else None


@cache
def _wordllama_words(vocabulary: tuple[str, ...]):
    """(tokenizer, token embedding table, unit vectors of ``vocabulary``) from the wordllama wheel, or None."""
    loaded = _wordllama_table()
    if loaded is None:
        return None
    tokenizer, table = loaded
    vectors = np.stack([_embed_word(tokenizer, table, w) for w in vocabulary])
    return tokenizer, table, vectors


@cache
def _wordllama_table():
    # lazy import: importing wordllama and reading its table takes 1-5 s
    # (measured: `python -X importtime -c "import wordllama"` 1.0 s, the load 4.7 s on the
    # shared machine), which every `robocue` command would otherwise pay.
    try:
        import wordllama
        from safetensors import safe_open
        from wordllama import WordLlama
    except ImportError:
        return None
    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json", hf_model_id=None)
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        table = f.get_tensor("embedding.weight").astype(np.float32)
    return tokenizer, table


def _embed_word(tokenizer, table: np.ndarray, word: str) -> np.ndarray | None:
    ids = tokenizer.encode(word, add_special_tokens=False).ids
    if not ids:
        return None
    vector = table[ids].mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


@cache
def word_mapper(vocabulary: tuple[str, ...]) -> WordMapper:
    """The :class:`WordMapper` of a vocabulary, one per vocabulary."""
    return WordMapper(vocabulary)
