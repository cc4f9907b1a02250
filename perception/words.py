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


SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def split_sentences(text: str) -> list[str]:
    """``text`` cut after ``.``, ``!``, ``?`` or ``;`` followed by space; never empty."""
    return [part for part in SENTENCE_END.split(str(text)) if part.strip()] or [str(text)]


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

    def is_common(self, word: str) -> bool:
        """Whether wordllama's tokenizer has ``word`` as one piece (a common English word, not a misspelling);
        False without ``wordllama``."""
        model = self._load()
        return model is not None and len(model[0].encode(word, add_special_tokens=False).ids) == 1

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
        if not self.is_common(word) and len(word) >= 3:
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


# ---------------------------------------------------------------------------------------------
# Everyday words and phrases: read as the grammar's own before any word is mapped
# ---------------------------------------------------------------------------------------------

# Common names of the three shapes, the actions and the robot's parts that the grammar never
# uses, and texting forms. A table, not a guess by meaning: "brick" is also a colour name (brick
# red) and "tin" is nowhere near "can" by embedding, while both name a shape here.
EVERYDAY_WORDS = {
    # cube
    "brick": "block",
    "dice": "cube",
    "die": "cube",
    "square": "cube",
    "crate": "box",
    "cuboid": "cube",
    "cubic": "cube",
    "cubical": "cube",
    "cubey": "cube",
    "chunk": "block",
    # ball
    "marble": "ball",
    "globe": "ball",
    "bead": "ball",
    "spherical": "sphere",
    "round": "ball",
    "bauble": "ball",
    # cylinder
    "tin": "can",
    "barrel": "cylinder",
    "pipe": "tube",
    "column": "cylinder",
    "drum": "cylinder",
    "canister": "can",
    "rod": "tube",
    "pillar": "cylinder",
    "cylindrical": "cylinder",
    "cyl": "cylinder",
    "pole": "tube",
    "tubular": "tube",
    # push
    "scoot": "push",
    "bump": "push",
    "budge": "push",
    "propel": "push",
    # reach
    "poke": "touch",
    "prod": "touch",
    "jab": "touch",
    "boop": "touch",
    "bop": "tap",
    "contact": "touch",
    "feel": "touch",
    "pat": "tap",
    "extend": "reach",
    "outstretch": "stretch",
    # pick and place
    "toss": "put",
    "throw": "put",
    "plonk": "put",
    "plop": "put",
    "stick": "put",
    "deposit": "put",
    "stash": "put",
    "dump": "drop",
    "hoist": "lift",
    "raise": "lift",
    "fetch": "grab",
    "snatch": "grab",
    "nab": "grab",
    "seize": "grab",
    "collect": "grab",
    "relocate": "move",
    "transport": "carry",
    "haul": "carry",
    "lug": "carry",
    "position": "place",
    # go to
    "wander": "go",
    "cruise": "drive",
    "zip": "go",
    "walk": "go",
    "stroll": "go",
    "hurry": "go",
    "proceed": "go",
    "journey": "travel",
    "goto": "go",
    "park": "drive",
    "approach": "go",
    "visit": "go",
    "steer": "drive",
    "motor": "drive",
    "ride": "drive",
    "come": "go",
    "scurry": "go",
    "whizz": "go",
    "whiz": "go",
    "zoom": "go",
    "git": "go",
    "sweep": "push",
    "swipe": "push",
    "run": "go",
    "speed": "go",
    "speedrun": "go",
    "rush": "go",
    "dash": "go",
    "race": "go",
    "jog": "go",
    "tag": "touch",
    "trundle": "roll",
    "glide": "go",
    # the robot's parts
    "claw": "gripper",
    "pincer": "gripper",
    "pincers": "gripper",
    "grabber": "gripper",
    "effector": "gripper",
    "fingertip": "hand",
    "fingertips": "hand",
    "finger": "hand",
    "tool": "gripper",
    # texting ("u" and "ur": _TEXTING, read before the phrases)
    "plz": "please",
    "pls": "please",
    "plse": "please",
    "thx": "thanks",
    "ty": "thanks",
    "n": "and",
    "2": "to",
    "4": "for",
    "take": "grab",
    # what speech recognition writes for the words (homophones and near ones)
    "blew": "blue",
    "bawl": "ball",
    "rite": "right",
    "wright": "right",
    "rihgt": "right",
    "sfere": "sphere",
    # fillers that read as a place by spelling ("alright" is one edit from "right"): left out
    "alright": "",
    "allright": "",
    "aight": "",
    "alrighty": "",
}
# Words in front of a plain colour that only shade it ("sky blue", "olive green", "cherry red"): left out.
COLOR_MODIFIERS = frozenset(
    "light dark bright pale deep royal baby neon sky navy olive forest lime mint sea kelly hunter fire blood cherry "
    "brick lemon golden gold sunny electric powder midnight grass leaf jade ocean steel hot dull pastel vivid rich pure "
    "canary mustard tomato wine ruby emerald sapphire cobalt bluish reddish greenish yellowish dusty faded shiny "
    "metallic matte glossy true primary plain bottle apple pea moss lemony candy ice cool warm soft strong".split()
)
PLAIN_COLORS = frozenset(("red", "green", "blue", "yellow"))


def _phrase(pattern: str) -> tuple[frozenset, ...]:
    return tuple(frozenset(alternatives.split("|")) for alternatives in pattern.split())


# Phrases for the places the grammar names in other words, the longest match first: "closer to me" is the front
# (the person stands at the table's far side, facing the robot; docs/tasks.md), "away from me" the back.
_ME, _YOU = "me|us|myself|ourselves", "you|yourself|robot"
_NEAR, _FAR = "near|nearer|nearest|close|closer|closest|my|our", "far|farther|further|farthest|furthest|other|opposite|distant"
_SIDE = "side|edge|end|half|part|bit"
_PART = "gripper|hand|claw|fingers|fingertip|fingertips|tool"  # the robot's, which it puts on an object to touch it
EVERYDAY_PHRASES = tuple(
    (_phrase(pattern), tuple(replacement.split()))
    for pattern, replacement in (
        ("to|on|at|onto|towards|toward you left|lefthand", "to right"),  # "put it on you left": "your left" mistyped
        ("to|on|at|onto|towards|toward you right|righthand", "to left"),
        ("back down", "down"),  # "put it back down on my left": again, not a place
        # the robot's hand coming to rest on an object: "the end effector placed on", "your hand ended up resting on"
        (f"end? effector|{_PART} ended|ends|end? up? placed|resting|rested|lying|sitting|touching on|upon|against|onto", "touch"),
        (f"in|to the? direction of {_ME}", "front"),
        (f"in|to the? direction of the? {_YOU}", "back"),
        ("go|head|drive|travel|move in|into the? direction of", "go to"),
        ("in|into the? direction of", "towards"),
        (f"further|farther from {_ME}", "back"),
        ("in my|our|your|the way", ""),
        (f"far|farther|further away from {_ME}", "back"),
        (f"away from {_ME}", "back"),
        (f"away from the? {_YOU}", "front"),
        ("far|farther|further away", "back"),
        (f"closer|nearer|close|near|toward|towards|to|by|over in|to? {_ME}", "front"),
        (f"closer|nearer|toward|towards|to in|to? the? {_YOU}", "back"),
        (f"{_NEAR} {_SIDE}", "front side"),
        (f"{_FAR} {_SIDE}", "back side"),
        ("left hand side|corner", "left side"),
        ("right hand side|corner", "right side"),
        # the robot's own left is the person's right
        (f"the? robots {_SIDE}", "back side"),
        ("out of my|our|your|the way", ""),
        ("my|our way", "front"),
        ("your|robots left|lefthand", "right"),
        ("your|robots right|righthand", "left"),
        ("my left|lefthand", "left"),
        ("my right|righthand", "right"),
        ("in|to my|our direction", "front"),
        ("in your direction", "back"),
        (f"far from {_ME}", "back"),
        (f"far from the? {_YOU}", "front"),
        (f"near|by|beside|next to? the? {_YOU}", "back"),
        (f"your own? {_SIDE}", "back side"),
        ("right away|then|after|off", "now"),
        ("in front of it|them|him|her", ""),
        ("make|come|get into?|in? contact with", "touch"),
        ("point your|the? gripper|hand|finger|fingertip|arm|claw|tool at|to|toward|towards", "touch"),
        ("point at|to", "touch"),
        ("goto|approach|visit", "go to"),
        ("send|take|bring the? robot|yourself over|across? to", "go to"),
        # the robot taking its place beside an object ("stand by", "pull up beside", "position yourself next to")
        ("go|come? stand|sit|wait|stay|be|stop by|beside|near|alongside|nearby", "go to"),
        ("go|come? stand|sit|wait|stay|be|stop next|adjacent to", "go to"),
        (f"end|ended|ends up near|nearer|close|closer|by|beside|next to? {_ME}", "front"),  # the object, near the person
        ("end|ended|ends up by|beside|near|alongside|next|adjacent to?", "go to"),
        ("move|relocate|get next|adjacent to", "go to"),
        ("scoot|scooch over|across|along to?", "go to"),
        ("position|place|put|get|park|plant the? robot|yourself by|beside|near|alongside|next|adjacent to?", "go to"),
        ("pull|draw|rock|roll|swing up by|beside|near|alongside|next|to to?", "go to"),
        ("go|come|drive|head|travel near|beside|by|alongside|toward|towards", "go to"),
        ("brush|rest up? against|on", "touch"),
        (f"place|put|set|lay|rest|position the|your {_PART} on|onto|upon|against top? of?", "touch"),
        ("parked|stationed|positioned|standing|sitting|waiting beside|by|near|alongside|next to?", "go to"),
        ("press on|against|onto", "touch"),
        ("take|get|bring|move|reposition|drive|wheel|roll yourself", "go"),
        ("move|bring|take|drive|get your whole? chassis|body|base|self|wheels", "go"),
        ("set a course for|to|towards|toward", "go to"),
        ("pop|nip|hop over|across|along to", "go to"),
        ("bring|put|move|get the|your? end? effector|gripper|hand|arm|claw|tool into|in contact with", "touch"),
        ("end effector", "gripper"),
        ("go up|over|on|down to", "go to"),
        ("head for|to|toward|towards|over|on|straight|off", "go to"),
    )
)


def _match(words: Sequence[str], i: int, pattern: tuple[frozenset, ...]) -> int:
    """How many words of ``words`` from ``i`` match ``pattern`` (an element ending in ``?`` is optional); 0 if none.
    A word read as nothing inside the phrase is passed over ("parked right beside": ``right`` only says how close)."""
    j = i
    for n, alternatives in enumerate(pattern):
        optional = any(a.endswith("?") for a in alternatives)
        options = {a.rstrip("?") for a in alternatives}
        k = j
        while n and k < len(words) and words[k] == "":
            k += 1
        if k < len(words) and words[k] in options:
            j = k + 1
        elif not optional:
            return 0
    return j - i


_SHAPE_NOUNS = frozenset(w for words in SHAPE_WORDS.values() for w in words) | {
    w for w, k in EVERYDAY_WORDS.items() if k in ("cube", "block", "box", "ball", "sphere", "can", "cylinder", "tube")
}
_PLACES = frozenset(("the", "my", "your", "me", "you", "left", "right", "front", "back", "that", "this", "it"))
_STARTS = frozenset(("please", "pls", "plz", "you", "to", "and", "can", "could", "would", "now", "robot"))
# Words speech recognition writes for others that are words themselves: read as meant only where the meant word fits.
_SOUNDS_LIKE = {
    "read": ("red", lambda before, after: after in _SHAPE_NOUNS or after == "one"),
    "two": ("to", lambda before, after: after in _PLACES),
    "too": ("to", lambda before, after: after in _PLACES),
    "write": ("right", lambda before, after: before in ("the", "to", "on", "far", "your", "my") or after in ("side", "hand")),
    "rich": ("reach", lambda before, after: before in _STARTS or before == ""),
    "bush": ("push", lambda before, after: before in _STARTS or before == ""),
    "cue": ("cube", lambda before, after: before in PLAIN_COLORS),
    # texting: a side by its letter after a word that leads to a place ("put on R pls")
    "r": ("right", lambda before, after: before in ("on", "to", "the", "my", "at", "onto")),
    "l": ("left", lambda before, after: before in ("on", "to", "the", "my", "at", "onto")),
}
_TOWARD = frozenset(("the", "to", "towards", "toward", "over", "at", "on", "in", "your", "my", "it", "move", "push", "slide", "and"))
_NO_PLACE = frozenset(("go", "goto", "drive", "navigate", "travel", "head", "touch", "reach", "tap", "poke", "approach", "wander"))
# texting and dialect, read before the phrases ("ur right")
_TEXTING = {"u": "you", "ur": "your", "yr": "your", "ya": "you", "yourr": "your", "ye": "you", "tae": "to", "youre": "you"}
_RIGHT_BESIDE = frozenset(("next", "beside", "by", "behind", "alongside", "against", "up", "near"))
_AFTER_OPENING_RIGHT = frozenset(("so", "then", "ok", "okay", "well", "lets", "robot", "listen", "i", "we", "um", "erm", "now"))
_PHRASE_WORDS = frozenset(a.rstrip("?") for pattern, _ in EVERYDAY_PHRASES for alternatives in pattern for a in alternatives)


def _canonical(words: Sequence[str], known, mapper: WordMapper | None) -> list[str]:
    """``words`` with the words speech recognition confuses read as meant where they fit (``read`` before a shape
    -> ``red``), and misspelt words of the everyday phrases spelt right (``towrd`` -> ``toward``, ``aproach``)."""
    out = [_TEXTING.get(w, w) for w in words]
    words = list(out)
    for i, word in enumerate(words):
        before, after = (words[i - 1] if i else ""), (words[i + 1] if i + 1 < len(words) else "")
        if word in _SOUNDS_LIKE and _SOUNDS_LIKE[word][1](before, after):
            out[i] = _SOUNDS_LIKE[word][0]
        elif word == "right" and after in ("now", "away", "then") and before not in _TOWARD and _NO_PLACE & set(words):
            out[i] = ""  # "go to the red block right now": at once, not a place (a push or a put may end "... right now")
        elif word == "right" and after in _RIGHT_BESIDE and before not in _TOWARD:
            out[i] = ""  # "so you are right next to it", "parked right beside": close, not a place
        elif word == "right" and i == 0 and after in _AFTER_OPENING_RIGHT:
            out[i] = ""  # "Right, so, ...": a way of beginning
        elif (meant := _misspelt_in_place(word, before, after, known)) is not None:
            out[i] = meant
        elif mapper is not None and word not in known and word not in _PHRASE_WORDS and word not in EVERYDAY_WORDS and len(word) >= 4:
            near = [p for p in _PHRASE_WORDS if len(p) >= 4 and p[0] == word[0] and _edit_distance(word, p, 1) <= 1]
            if len(near) == 1 and not mapper.is_common(word):
                out[i] = near[0]
    return out


_PLAIN_SHAPES = ("cube", "ball", "cylinder", "block", "box", "sphere", "tube")


def _misspelt_in_place(word: str, before: str, after: str, known) -> str | None:
    """A short unknown word one edit from a plain colour right before a shape ("the rd cylinder", "geen cube") or
    from a plain shape right after a colour ("the yellow bal"), with the same first letter (two edits from one of
    six letters or more with the same first two: "yella ball"); else None. Short words
    are too often words of their own to be read as a colour or shape anywhere else."""
    if word in known or word in EVERYDAY_WORDS or word in _PHRASE_WORDS or not 2 <= len(word) <= 6 or is_color_name(word):
        return None
    if after in _SHAPE_NOUNS:
        candidates = PLAIN_COLORS
    elif before in PLAIN_COLORS or color_of_name(before) is not None:
        candidates = _PLAIN_SHAPES
    else:
        return None
    near = [c for c in candidates if c[0] == word[0] and _edit_distance(word, c, 1) <= 1]
    if not near and len(word) >= 5:  # "yella ball": two edits from a word of six letters or more, the first two kept
        near = [c for c in candidates if len(c) >= 6 and c[:2] == word[:2] and _edit_distance(word, c, 2) <= 2]
    return near[0] if len(near) == 1 else None


# Words with which a person takes back what they just said ("the red... no, sorry, the blue cube").
CORRECTIONS = frozenset(("no", "nope", "sorry", "actually", "wait", "oops", "correction", "rather", "mean", "scratch"))
_FIELD_OF = {
    **{w: ("color", c) for c, words in COLOR_WORDS.items() for w in words},
    **{w: ("shape", c) for c, words in SHAPE_WORDS.items() for w in words},
    **{w: ("destination", c) for c, words in DESTINATION_SIDE.items() for w in words if " " not in w},
}


def corrected(read: list[tuple[str, str | None]], reach: int = 6) -> list[tuple[str, str | None]]:
    """``read`` with a colour, shape or place the person took back left out (read as ``""``): one named before a
    correction word (:data:`CORRECTIONS`) when a different one of the same kind follows within ``reach`` words
    ("push it to the right, no, the left" -> left; "touch the red... sorry, the blue cube" -> blue). A colour taken
    back takes its object's shape with it unless the correction names one ("the yellow ball, actually the red one")."""
    out = list(read)
    kinds = [_FIELD_OF.get(known) if known else None for _, known in read]

    def where(field: str, start: int, stop: int) -> list[int]:  # positions in [start, stop) of the field's words
        return [i for i in range(start, min(stop, len(read))) if kinds[i] is not None and kinds[i][0] == field]

    for m, (word, _) in enumerate(read):
        if word not in CORRECTIONS:
            continue
        for field in ("color", "shape", "destination"):
            before, after = [i for i in where(field, 0, m) if out[i][1] != ""], where(field, m + 1, m + 1 + reach)
            if before and after and kinds[before[-1]][1] != kinds[after[0]][1]:
                if field == "color" and not where("shape", m + 1, m + 1 + reach):
                    before += where("shape", 0, m)  # another object: its shape goes too, unless the correction names one
                for i in before:
                    out[i] = (out[i][0], "")
    return out


def read_words(words: Sequence[str], known, mapper: WordMapper | None) -> list[tuple[str, str | None]]:
    """Each word with the known word it is read as (None: ``<unk>``; ``""``: left out, a shade of a colour).

    Everyday phrases (:data:`EVERYDAY_PHRASES`: "closer to me" -> ``front``) and words
    (:data:`EVERYDAY_WORDS`: ``tin`` -> ``can``) are read as the grammar's words first, where
    ``known`` has them; a word that shades the plain colour after it ("sky blue") is left out;
    every other unknown word goes through ``mapper`` (None: no mapping); a colour, shape or place
    the person took back is left out (:func:`corrected`).
    """
    written, words = list(words), _canonical(words, known, mapper)
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "":  # (read as nothing by _canonical)
            out.append((written[i], ""))
            i += 1
            continue
        if i + 1 < len(words) and words[i + 1] in PLAIN_COLORS and word not in PLAIN_COLORS:
            if word in COLOR_MODIFIERS or is_color_name(word) or color_of_name(word) is not None:
                out.append((written[i], ""))
                i += 1
                continue
        for pattern, replacement in EVERYDAY_PHRASES:
            n = _match(words, i, pattern)
            if n and all(r in known for r in replacement):
                phrase = " ".join(written[i : i + n])
                out += [(phrase, r) for r in replacement] or [(phrase, "")]
                i += n
                break
        else:
            if word in known:
                out.append((written[i], word))
            elif (reading := everyday(word)) is not None and (reading in known or reading == ""):
                out.append((written[i], reading))
            else:
                near = _misspelt_everyday(word) if mapper is not None else None
                out.append((written[i], near if near in known else mapper(word) if mapper is not None else None))
            i += 1
    return corrected(out)


def everyday(word: str) -> str | None:
    """:data:`EVERYDAY_WORDS`' reading of ``word`` or of its singular ("tins" -> ``can``), else None."""
    for stem in (word, word[:-1] if word.endswith("s") else None, word[:-2] if word.endswith("es") else None):
        if stem and stem in EVERYDAY_WORDS:
            return EVERYDAY_WORDS[stem]
    return None


def _misspelt_everyday(word: str) -> str | None:
    """:data:`EVERYDAY_WORDS`' reading of a word of five letters or more one edit from one of its words ("barrell")."""
    if len(word) < 5 or color_of_name(word) is not None or is_color_name(word):
        return None
    for stem in (word, word[:-1] if word.endswith("s") else ""):
        for entry, known in EVERYDAY_WORDS.items():
            if len(entry) >= 5 and known and _edit_distance(stem, entry, 1) <= 1:
                return known
    return None
