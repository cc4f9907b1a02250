"""Knowing when a command was not understood, and the one question a robot could ask back.

Both command encoders (words and gestures) end in the shared decoder's per-field
probabilities. :func:`clarify_words` and :func:`clarify_gestures` turn those probabilities,
and what the input itself says (which colours, shapes and destinations the words name; which
gestures were seen), into ``{"understood": bool, "confidence": {field: p}, "question": str or
None}``. A command is not understood when:

- nothing in it names an action, an object or a place ("flibber the quux zorp"): "Sorry,
  what should I do?";
- it names two different objects, colours, shapes or destinations ("the red ball and the
  blue cube"): "Which one: the red ball or the blue cube?";
- a field the task needs is missing (no object; an object named by its shape alone, "push
  the cube to the left", since colours are unique in a scene and shapes are not; a push or a
  pick-and-place whose words name no place, whatever the decoder guesses);
- the decoder is unsure of a field (its probability under :data:`CONFIDENT`).

No model is trained here: the rules read the grammar's word tables and the decoder's output.
"""

from __future__ import annotations

from robocue.perception.grammar import COLOR_WORDS, DESTINATION_SIDE, SHAPE_WORDS, TEMPLATES
from robocue.perception.words import everyday, read_words, split_sentences

CONFIDENT = 0.6  # a field whose decoder probability is under this is not understood
VERB = {"reach": "touch", "push": "push", "pick_and_place": "pick up", "go_to": "go to"}
SORRY = "Sorry, what should I do?"
NO_GESTURE = "Sorry, I did not see a gesture I know. Could you show it again?"

COLOR_OF = {word: color for color, words in COLOR_WORDS.items() for word in words}
SHAPE_OF = {word: shape for shape, words in SHAPE_WORDS.items() for word in words}
DESTINATION_OF = {word: destination for destination, phrases in DESTINATION_SIDE.items() for word in phrases if " " not in word}
DESTINATION_OF.update({"rear": "back", "forwards": "front", "backwards": "back"})
_PRONOUNS = {"you", "u", "ya", "i", "we", "they", "he", "she", "it"}
_DETERMINERS = {"the", "that", "this", "a", "an", "each", "my", "your"}
# Words that say what to do: every word of the grammar's task templates but the fillers.
_FILLERS = {"the", "a", "to", "it", "and", "your", "you", "is", "of", "on", "in", "with", "for", "one", "use", "so", "up", "at", "be"}
ACTION_WORDS = {
    word
    for templates in TEMPLATES.values()
    for task in templates.values()
    for template in task
    for word in template.replace(",", " ").replace(":", " ").replace(";", " ").replace("?", " ").split()
    if not word.startswith("{") and word not in _FILLERS
}


# Words of the grammar's templates that say what to do (not "please", "the table", "all the way").
VERBS = ACTION_WORDS - {
    "all", "i", "please", "that", "there", "want", "where", "see", "should", "table", "bit", "way", "over", "out", "down",
    "next", "onto", "along", "gently", "until", "ends", "goal", "goes", "base", "yourself",
}  # fmt: skip
NEGATED = "All right, I will not. What should I do instead?"
_NEGATIONS = {"dont", "never", "cancel", "forget", "nevermind", "avoid", "shouldnt", "mustnt", "wont", "refrain", "undo"}
_CANCELS = {("scratch", "that"), ("belay", "that"), ("ignore", "that"), ("forget", "that"), ("never", "mind")}
_NOT_AFTER = {"do", "please", "better", "should", "must", "will", "would", "could", "can", "to"}
_QUESTION_WORDS = set("is are was were how what why where who whose when which does did has have isnt arent".split())
_LEAD = {"um", "uh", "er", "erm", "so", "okay", "ok", "hey", "robot", "well", "like", "oh", "hmm", "alright", "and", "now", "hi"}
_MANY = {"every", "each", "both", "ones", "things", "objects", "everything", "them"}  # ("that's all", "by all means": not "all")
# Shapes and things no object on the table is: asked about, never guessed as the nearest shape.
NOT_OUR_SHAPES = frozenset(
    "pyramid cone star triangle donut doughnut ring torus disc disk heart prism cross hexagon pentagon octagon oval egg "
    "crescent spiral plate cup mug bowl bottle book pen pencil toy doll car phone key spoon banana apple orange lemon "
    "cherry grape pear strawberry tomato "
    "fork knife glass vase rectangle cuboctahedron diamond wedge arch sheet".split()
)


# The tasks whose grammar templates use a word ("touch": reach; "lift": pick-and-place).
TASKS_OF: dict[str, set[str]] = {}
for _templates in TEMPLATES.values():
    for _task, _sentences in _templates.items():
        for _sentence in _sentences:
            for _word in _sentence.replace(",", " ").replace(":", " ").split():
                if not _word.startswith("{") and _word not in _FILLERS:
                    TASKS_OF.setdefault(_word, set()).add(_task)


def tasks_of(word: str) -> set[str]:
    """The tasks whose templates use ``word``, its stem (``lifting``) or its everyday reading (``toss`` -> put)."""
    for stem in (word, everyday(word), word[:-3], word[:-3] + "e", word[:-2], word[:-1]):
        if stem and stem in TASKS_OF and stem not in ("i", "is", "that", "the"):
            return TASKS_OF[stem]
    return set()


_NOT_FORBIDDING = {"matter", "matters", "worry", "mind", "care", "rush", "bother", "panic", "be"}


def _named_elsewhere(written: list[str], i: int, task: str) -> bool:
    """A verb of ``task`` alone stands in ``written`` before the negation at ``i``."""
    return any(tasks_of(w) == {task} for w in written[:i])


def negated(written: list[str], task: str | None = None) -> bool:
    """The words cancel or forbid what they name: "don't touch the red ball", "never mind", "leave it alone". A negation
    of another task's verb is a contrast, not a cancel: "push it there, don't lift it" asks for a push."""
    for i, word in enumerate(written):
        negation = (word in _NEGATIONS and (word != "never" or any(tasks_of(w) for w in written[i + 1 : i + 4]))) or (
            word == "not" and i and written[i - 1] in _NOT_AFTER
        )  # ("I never know how to talk to these machines" forbids nothing)
        if word == "stop" and i + 1 < len(written) and written[i + 1].endswith("ing"):
            negation = True
        if negation and written[i + 1 : i + 2] and written[i + 1] in _NOT_FORBIDDING:
            negation = False  # "the others don't matter", "don't worry"
        if negation:
            verbs = [tasks_of(w) for w in written[i + 1 : i + 4] if tasks_of(w)]
            if not verbs or task is None:
                return True
            if task not in verbs[0]:
                continue  # another task's verb: a contrast ("push it there, don't lift it")
            if len(verbs[0]) > 1 and _named_elsewhere(written, i, task):
                continue  # a verb of every task after a verb of this one: "only touch, don't move it"
            return True
    cancels = [
        i
        for i, pair in enumerate(zip(written, written[1:]))
        if pair in _CANCELS and not (pair[1] == "that" and _restated(written[i + 2 : i + 6]))
    ]
    return ("alone" in written and "leave" in written) or bool(cancels) or "disregard" in written


def _restated(words: list[str]) -> bool:
    """A colour, shape or place follows: "push it left, scratch that, right" corrects the place, it cancels nothing
    (while "never mind the blue cube" does cancel)."""
    return any(w in COLOR_OF or w in SHAPE_OF or w in DESTINATION_OF for w in words)


_BODY = {"hand", "gripper", "arm", "fingers", "finger", "fingertip", "claw"}  # "place your gripper on it" is a reach


# Verbs of one task that also say other things ("make your way", "give it a push", "find", "roll" a ball or yourself),
# and words that take the verb after them back ("not sliding it", "no lifting", "without touching").
_LOOSE_VERBS = {"make", "give", "hand", "find", "roll", "wheels", "arm", "gripper"}
_UNDOING = {"not", "dont", "no", "without", "never", "instead", "nor"}
_NOUN_BEFORE = {"the", "this", "that", "its", "wrong", "same", "other", "their", "his", "her"}  # ("give it a push" is one)


def _undone(words: list[str], i: int) -> bool:
    """An :data:`_UNDOING` word stands in the three words before ``words[i]`` ("no need to grab it")."""
    return bool(_UNDOING & set(words[max(0, i - 3) : i]))


_VAGUE_PLACES = {"somewhere", "anywhere", "wherever", "someplace", "anyplace"}
# The robot's own parts and self: a verb before them moves the robot ("place your gripper on", "position yourself").
_SELF = _BODY | {"hands", "fingertips", "base", "wheels", "yourself", "chassis", "body"}


def named_task(read: list[tuple[str, str | None]]) -> str | None:
    """The task every verb of the sentence names, when they all name the same one; else None.

    ``read`` is the tokenizer's ``(written, known)`` pairs. A verb counts when its known word
    belongs to one task's templates only (``slide``: push, ``lift``: pick-and-place; not ``move``
    or :data:`_LOOSE_VERBS`), it was written as that word, an inflection, an everyday word or
    phrase for it (``poke``, ``lifting``; not a word read by meaning alone, ``love`` -> shove, nor
    an everyday word for push, ``scoot``), no :data:`_UNDOING` word stands in the three words before
    it ("not sliding it", "no need to grab it"), no part of the robot in the two after ("place
    your gripper on") and no determiner right before it ("in the wrong place": a noun). "Move the
    red cube to the right by lifting it" names pick-and-place; "touch it and push it left" names none.
    """
    tasks: set[str] = set()
    for i, (written, known) in enumerate(read):
        if known is None or known not in VERBS or known in _LOOSE_VERBS or len(TASKS_OF.get(known, ())) != 1:
            continue
        if not (" " in written or written.startswith(known[:-1]) or (everyday(written) == known and known != "push")):
            continue  # read by meaning alone, or an everyday word for push that is also said of moving ("scoot over")
        if _undone([w for w, _ in read], i) or _SELF & {w for w, _ in read[i + 1 : i + 3]}:
            continue  # "not sliding it"; "place your gripper on", "bump your fingers against": the robot moves itself
        if i and read[i - 1][0] in _NOUN_BEFORE:
            continue  # "in the wrong place": a noun
        tasks |= TASKS_OF[known]
    return next(iter(tasks)) if len(tasks) == 1 else None


def settled(read: list[tuple[str, str | None]], task: str | None) -> dict:
    """The fields the words settle by themselves, over what a decoder heard: ``{"task": ...}`` when the verbs name
    one (:func:`named_task`), and the colour, shape or place when the words name exactly one (a place only for a
    task that takes one; ``task``: the decoder's, where the verbs name none). Fields the words leave open are absent."""
    out = {}
    named = named_task(read)
    if named is not None:
        out["task"] = task = named
    said = mentions(rule_words(read))
    for field in ("color", "shape", "destination"):
        if len(said[field + "s"]) == 1 and (field != "destination" or task in ("push", "pick_and_place")):
            out[field] = said[field + "s"][0]
    return out


def scene_set(sentences: list[list[tuple[str, str | None]]]) -> int:
    """How many leading sentences only set the scene before a request, given each sentence's ``(written, known)``
    pairs: sentences naming objects of two or more colours and no action ("There's a red can, a blue marble and a
    yellow brick on the table. Put your gripper on the red can." -> 1; not "see the can which is red? reach for
    it"). 0 when no later sentence asks for anything."""
    first = 0
    while first < len(sentences) - 1:
        words = rule_words(sentences[first])
        if len(mentions(words)["colors"]) < 2 or any(w in VERBS for w in words):
            break
        first += 1
    return first if any(w in VERBS for part in sentences[first:] for w in rule_words(part)) else 0


def read_request(text: str, split, known, mapper) -> list[tuple[str, str | None]]:
    """``read_words`` of ``text`` with a scene set before the request left out (:func:`scene_set`); ``split`` cuts a
    sentence into words. The one reading of a whole text, for the PyTorch tokenizer and the ONNX encoder alike."""
    sentences = split_sentences(text)
    if len(sentences) > 1:
        sentences = sentences[scene_set([read_words(split(s), known, mapper) for s in sentences]) :]
    return read_words([w for sentence in sentences for w in split(sentence)], known, mapper)


def stated(written: list[str]) -> bool:
    """The words say where something is ("the blue cube is on the left side") rather than where it should go."""
    return any(
        w in ("is", "are", "sits", "lies", "stands") and i and written[i - 1] not in ("that", "which", "who") for i, w in enumerate(written)
    )


_PAST = {"yesterday", "earlier", "already", "ago", "previously"}


def reported(written: list[str]) -> bool:
    """The words report what happened ("yesterday the green ball rolled off the table", "I already pushed the blue
    cylinder"): a word of time past and a verb in the past tense."""
    return bool(_PAST & set(written)) and any(w.endswith("ed") and tasks_of(w) for w in written)


def asks_a_question(written: list[str]) -> bool:
    """The words ask about the scene ("is the yellow cylinder heavy", "how many red things are there") rather than
    request something ("can you", "could you" and "would you" are requests)."""
    i = next((i for i, w in enumerate(written) if w not in _LEAD), len(written))
    first, after = (written[i] if i < len(written) else ""), (written[i + 1] if i + 1 < len(written) else "")
    if first in _AUXILIARIES:  # "is the ball heavy", "were you there"; not "we're testing" (written "were testing")
        if written[i + 1 : i + 3] == ["it", "possible"]:
            return False  # "is it possible for you to touch ...": a request
        return after in _ASKED_ABOUT or after in COLOR_OF
    if first == "what" and after in _WISHERS:  # "what I'd like you to do is ...", "what you need to do is ...": a request
        return False
    return first in _QUESTION_WORDS


_WISHERS = {"i", "id", "ive", "im", "we", "wed", "you", "youll", "ill"}
_AUXILIARIES = {"is", "are", "was", "were", "does", "did", "has", "have", "isnt", "arent"}
_ASKED_ABOUT = _PRONOUNS | _DETERMINERS | set("there these those any all both its their our".split())


_SHADE = {"coloured", "colored", "color", "colour", "tinted", "ish", "toned", "hued"}
_POSSESSED = {"location", "position", "spot", "place", "side", "direction", "way", "area"}


def missing_shape(written: list[str]) -> str | None:
    """The first shape or thing named that no object on the table is ("the red pyramid", "the red banana"), else None;
    a word that shades the colour or names the shape after it ("lemon yellow", "the lemon tin") is not one."""
    for i, word in enumerate(written):
        after = written[i + 1] if i + 1 < len(written) else ""
        if after in COLOR_OF or after in SHAPE_OF or everyday(after) in SHAPE_OF or after in _SHADE:
            continue
        if "like" in written[max(0, i - 3) : i]:
            continue  # a likeness: "pull up next to it, like parking a car"
        for stem in (word, word[:-1] if word.endswith("s") else ""):
            if stem in NOT_OUR_SHAPES:
                return stem
    return None


def several(written: list[str]) -> bool:
    """The words ask for more than one object: "every cube", "all the balls", "the red ones" ("all the way" is a place)."""
    for i, word in enumerate(written):
        if word in _MANY or (word == "all" and written[i + 1 : i + 2] == ["of"]):
            return True
        after = written[i + 1] if i + 1 < len(written) else ""
        plural = word[:-1] in SHAPE_OF or (word.endswith("es") and word[:-2] in SHAPE_OF) or (len(word) > 3 and everyday(word) in SHAPE_OF)
        if word.endswith("s") and plural and after not in _POSSESSED:  # "the yellow ball's location" is one ball
            return True
    return False


def mentions(words: list[str]) -> dict:
    """The objects, colours, shapes and destinations named in ``words`` (known, lower-case).

    A colour followed by a shape within two words is one object; ``can`` is a shape after a
    colour or a determiner ("the red can", "this can") or first with no pronoun after it
    ("can, the front please"; not "can you ..." nor "... if you can"). Returns ``{"objects":
    [(color or None, shape or None)], "colors": [...], "shapes": [...], "destinations":
    [...], "content": bool}``, each list in order of first mention without repeats.
    """
    objects, colors, shapes, destinations = [], [], [], []
    pending = None  # a colour waiting for its shape
    content = False
    for i, word in enumerate(words):
        if word in COLOR_OF:
            if pending is not None:
                objects.append((pending[0], None))
            pending = (COLOR_OF[word], i)
            _add(colors, COLOR_OF[word])
            content = True
        elif word in SHAPE_OF and (word != "can" or _can_is_a_shape(words, i)):
            shape = SHAPE_OF[word]
            color = pending[0] if pending is not None and i - pending[1] <= 2 else None
            if pending is not None and color is None:
                objects.append((pending[0], None))
            pending = None
            objects.append((color, shape))
            _add(shapes, shape)
            content = True
        elif word in DESTINATION_OF:
            _add(destinations, DESTINATION_OF[word])
            content = True
        elif word in ACTION_WORDS:
            content = True
    if pending is not None:
        objects.append((pending[0], None))
    unique = []
    for obj in objects:
        if obj not in unique:
            unique.append(obj)
    return {"objects": unique, "colors": colors, "shapes": shapes, "destinations": destinations, "content": content}


def _can_is_a_shape(words: list[str], i: int) -> bool:
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return before in COLOR_OF or before in _DETERMINERS or (i == 0 and after not in _PRONOUNS and after not in ("your", "ur"))


def _add(seq: list, value) -> None:
    if value not in seq:
        seq.append(value)


def _name(color: str | None, shape: str | None) -> str:
    return "the " + (f"{color} {shape}" if color and shape else f"{color} one" if color else shape or "object")


def _or(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


def clarify_words(words: list[str], command: dict, confidence: dict, written: list[str] | None = None) -> dict:
    """Whether a command in words was understood, and the question to ask when it was not.

    Args:
        words: The input's words as the encoder read them (unknown words already mapped or
            left out).
        command: The decoder's ``{"task", "color", "shape", "destination"}``.
        confidence: The decoder's probability of each field's value.
        written: The words as written (lower case), for what the mapped words no longer show:
            a negation, a question, several objects, a shape no object has.

    Returns:
        ``{"understood", "confidence", "question"}``; confidences of contradicted fields are
        capped at 0.5.
    """
    said = mentions(words)
    confidence = {field: round(float(p), 3) for field, p in confidence.items()}
    written = list(words) if written is None else [w for phrase in written for w in phrase.split()]
    question = None
    if not said["content"]:
        question = SORRY
    elif negated(written, command.get("task")):
        question = NEGATED
    elif asks_a_question(written):
        question = SORRY
    elif reported(written):
        question = f"What should I do with {_name(command['color'], command['shape'])}?"
    elif len(said["colors"]) > 1 or len(said["shapes"]) > 1:
        objects = [o for o in said["objects"] if o != (None, None)]
        if len(objects) < 2:
            objects = [(c, None) for c in said["colors"]] if len(said["colors"]) > 1 else [(None, s) for s in said["shapes"]]
        question = f"Which one: {_or([_name(c, s) for c, s in objects])}?"
        for field in ("color", "shape"):
            if len(said[field + "s"]) > 1:
                confidence[field] = min(confidence[field], 0.5)
    elif len(said["destinations"]) > 1:
        question = f"Where to: {_or(said['destinations'])}?"
        confidence["destination"] = min(confidence["destination"], 0.5)
    elif (missing := missing_shape(written)) is not None:
        question = f"I see no {missing}. Which shape: cube, ball or cylinder?"
        confidence["shape"] = min(confidence["shape"], 0.5)
    elif _VAGUE_PLACES & set(written) and not said["destinations"]:  # "put the green ball somewhere"
        verb = "push" if command.get("task") == "push" else "put"
        question = f"Where should I {verb} {_name(command['color'], command['shape'])}: left, right, front or back?"
        confidence["destination"] = min(confidence["destination"], 0.5)
    elif several(written):
        question = f"Which one should I {VERB.get(command['task'], 'use')}?"
    elif not any(w in VERBS for w in words) and (not said["destinations"] or stated(written)):
        question = f"What should I do with {_name(command['color'], command['shape'])}?"
        confidence["task"] = min(confidence["task"], 0.5)
    elif (
        command.get("task") == "reach"
        and any(w in VERBS and tasks_of(w) == {"pick_and_place"} and not _undone(words, i) for i, w in enumerate(words))
        and not _BODY & set(words)
    ):
        # "lift the yellow cube": the words ask to pick it up, the decoder heard a reach; where to put it is unsaid
        question = f"Where should I put {_name(command['color'], command['shape'])}: left, right, front or back?"
        confidence["task"] = min(confidence["task"], 0.5)
    else:
        question = _missing_or_unsure(command, confidence, said)
    return {"understood": question is None, "confidence": confidence, "question": question}


def which_color(shape: str | None) -> str:
    """The question for an object named by its shape alone ("the ball")."""
    return f"Which colour is {_name(None, shape)}?"


def no_such_color(word: str) -> str:
    """The question for a colour name no object has ("orange")."""
    return f"I see no {word} object. Which colour: {_or(list(COLOR_WORDS))}?"


def _missing_or_unsure(command: dict, confidence: dict, said: dict) -> str | None:
    """The question for a missing field or one the decoder is unsure of; a field the words
    name once, with the value decoded, is sure whatever its probability."""
    named = {"color": said["colors"], "shape": said["shapes"], "destination": said["destinations"]}
    confidence = {f: 1.0 if named.get(f) == [command[f]] else p for f, p in confidence.items()}
    task, color, shape, destination = (command[f] for f in ("task", "color", "shape", "destination"))
    obj = _name(color, shape)
    if task is None or confidence["task"] < CONFIDENT:
        return f"What should I do with {obj}?" if (color or shape) else SORRY
    verb = VERB[task]
    if (color is None and shape is None) or not (said["colors"] or said["shapes"]):
        return f"Which object should I {verb}?"
    if color is None or not said["colors"]:  # a shape alone: two of the three objects share one in 5 scenes of 9
        return which_color(shape)
    if confidence["color"] < CONFIDENT:
        return which_color(shape) if shape else f"Which object should I {verb}?"
    if confidence["shape"] < CONFIDENT:
        return f"Which object should I {verb}: {_or([_name(color, s) for s in ('cube', 'ball', 'cylinder')])}?"
    if task in ("push", "pick_and_place") and (destination is None or not said["destinations"] or confidence["destination"] < CONFIDENT):
        return f"Where should I {'push' if task == 'push' else 'put'} {obj}: left, right, front or back?"
    return None


def clarify_gestures(labels: list[str], command: dict, confidence: dict) -> dict:
    """Whether a gesture clip was understood, and the question to ask when it was not.

    ``labels`` are the recognised gestures in order, ``command`` the fields they imply
    (``command_from_gestures``), ``confidence`` the probability of each field's value. No
    gesture, gestures that imply no action (a swipe alone), or an unsure recognition is not
    understood; ``stop`` is understood (it asks for nothing).
    """
    confidence = {field: round(float(p), 3) for field, p in confidence.items()}
    if not labels:
        question = NO_GESTURE
    elif "stop" in labels:
        question = None
    elif command.get("task") is None:
        question = "What should I do there? Point at the object first, then swipe."
    elif any(p < CONFIDENT for p in confidence.values()):
        question = NO_GESTURE
    elif "point" not in labels:
        question = f"Which one should I {VERB[command['task']]}? Point at it."
    else:
        question = None
    return {"understood": question is None, "confidence": confidence, "question": question}


LEXICON = set(COLOR_OF) | set(SHAPE_OF) | set(DESTINATION_OF) | _PRONOUNS | _DETERMINERS  # words the rules read as written


def rule_words(read: list[tuple[str, str | None]]) -> list[str]:
    """The words the rules read from ``(word, known word or None)`` pairs: a word of
    :data:`LEXICON` as written, else the known word it was mapped to, else as written."""
    return [word if word in LEXICON or known is None else known for word, known in read]
