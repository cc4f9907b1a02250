"""Knowing when a command was not understood: the rules, the JSON fields, unknown words, and the outside sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from robocue.perception.clarify import SORRY, clarify_gestures, clarify_words, mentions
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.language import SPLITS, WordMapper, evaluate_all_splits, load_default_language_encoder, sample_utterances
from robocue.perception.outside import outside_phrasings

DATA = Path(__file__).parent / "data"
SURE = dict.fromkeys(DECODER_FIELDS, 0.99)


def _not_understood_inputs(name: str = "not_understood.txt") -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def encoder():
    torch.set_num_threads(1)
    return load_default_language_encoder()


def test_mentions_pair_colors_with_shapes_and_tell_can_the_verb_from_can_the_shape():
    said = mentions("pick the red ball and the blue cube".split())
    assert said["objects"] == [("red", "ball"), ("blue", "cube")] and said["content"]
    assert mentions("can you touch the red can".split())["shapes"] == ["cylinder"]
    assert mentions("touch the red ball if you can".split())["shapes"] == ["ball"]
    assert mentions("can the front please".split())["shapes"] == ["cylinder"]
    assert not mentions("the weather is nice".split())["content"]


@pytest.mark.parametrize(
    "words, command, question",
    [
        ("flibber the quux zorp", {"task": "reach", "color": None, "shape": None, "destination": None}, SORRY),
        ("pick the red ball and the blue cube", {"task": "pick_and_place", "color": "blue", "shape": "cube", "destination": "left"},
         "Which one: the red ball or the blue cube?"),
        ("push the red cube to the left and to the right", {"task": "push", "color": "red", "shape": "cube", "destination": "left"},
         "Where to: left or right?"),
        ("push the red cube", {"task": "push", "color": "red", "shape": "cube", "destination": "front"},
         "Where should I push the red cube: left, right, front or back?"),
        ("touch it", {"task": "reach", "color": "red", "shape": None, "destination": None}, "Which object should I touch?"),
        ("push the ball to the left", {"task": "push", "color": None, "shape": "ball", "destination": "left"},
         "Which colour is the ball?"),
    ],
)  # fmt: skip
def test_clarify_words_asks_the_right_question(words, command, question):
    verdict = clarify_words(words.split(), command, SURE)
    assert verdict["understood"] is False and verdict["question"] == question


def test_clarify_words_understands_a_plain_command_and_doubts_an_unsure_field():
    command = {"task": "push", "color": "red", "shape": "cube", "destination": "left"}
    verdict = clarify_words("push the red cube to the left".split(), command, SURE)
    assert verdict == {"understood": True, "confidence": SURE, "question": None}
    unsure = clarify_words("shove the red cube to the left".split(), command, {**SURE, "task": 0.3})
    assert not unsure["understood"] and unsure["question"] == "What should I do with the red cube?"
    contradicted = clarify_words("touch the red ball and the blue ball".split(), command, SURE)
    assert contradicted["confidence"]["color"] == 0.5


def test_clarify_gestures():
    reach = {"task": "reach", "color": None, "shape": None, "destination": None}
    assert clarify_gestures(["point"], reach, SURE)["understood"]
    assert clarify_gestures([], dict.fromkeys(DECODER_FIELDS), dict.fromkeys(DECODER_FIELDS, 0.0))["question"].startswith("Sorry")
    swipe = clarify_gestures(["swipe_left"], {**reach, "task": None, "destination": "left"}, SURE)
    assert not swipe["understood"] and "Point at" in swipe["question"]
    assert not clarify_gestures(["point"], reach, {**SURE, "task": 0.2})["understood"]
    assert clarify_gestures(["stop"], dict.fromkeys(DECODER_FIELDS), SURE)["understood"]


def test_interpret_keeps_the_fields_and_adds_understood_confidence_question(encoder):
    result = encoder.interpret("please push the red cube to the left")
    assert {f: result[f] for f in DECODER_FIELDS} == {"task": "push", "color": "red", "shape": "cube", "destination": "left"}
    assert result["understood"] is True and result["question"] is None
    assert set(result["confidence"]) == set(DECODER_FIELDS) and all(0.0 <= p <= 1.0 for p in result["confidence"].values())
    two = encoder.interpret("pick the red ball and the blue cube")
    assert two["understood"] is False and two["question"] == "Which one: the red ball or the blue cube?"
    assert encoder.interpret("!!! ???")["question"] == SORRY
    with pytest.raises(ValueError, match="it is empty"):
        encoder.interpret("   ")


@pytest.mark.slow
def test_unknown_words_are_read_by_inflection_spelling_and_meaning(encoder):
    mapper = WordMapper(encoder.tokenizer.itos[2:])
    assert mapper("pushing") == "push" and mapper("slides") == "slide"
    assert mapper("yelow") == "yellow" and mapper("rigth") == "right" and mapper("teh") == "the"
    assert mapper("sit") is None  # a common word is not a misspelling of "set"
    assert mapper("ruby") == "red" and mapper("orange") is None  # colour names by hue (perception/color_names.py)
    assert mapper("scarlett") == "scarlet"  # a misspelt colour word the grammar has
    assert mapper("transfer") == "move"
    result = encoder.interpret("shove teh yelow box to the rigth")
    assert result["read_as"] == {"teh": "the", "yelow": "yellow", "rigth": "right"}
    assert (result["task"], result["color"], result["shape"], result["destination"]) == ("push", "yellow", "cube", "right")


@pytest.mark.slow
def test_nonsense_and_contradictions_are_not_understood(encoder):
    inputs = _not_understood_inputs()
    assert len(inputs) >= 50
    asked = [not (r := encoder.interpret(text))["understood"] and bool(r["question"]) for text in inputs]
    assert np.mean(asked) >= 0.95, [text for text, ok in zip(inputs, asked) if not ok]


@pytest.mark.slow
def test_valid_commands_are_understood_and_a_shape_alone_is_asked_about(encoder):
    for split in SPLITS:
        samples = sample_utterances(split, 300, np.random.default_rng([99, SPLITS.index(split)]))
        understood = np.mean([encoder.interpret(text)["understood"] for text, command in samples if command["color"]])
        assert understood >= 0.99, (split, understood)
        for text, command in samples:
            if command["color"] is None:  # "slide the block left": two of three objects share a shape in 5 scenes of 9
                assert encoder.interpret(text)["question"].startswith("Which colour is the"), text


def test_outside_phrasings_are_at_least_200_valid_commands_none_from_the_grammar():
    rows = outside_phrasings()
    assert len(rows) >= 200 and len({text for text, _ in rows}) == len(rows)
    grammar = {text.lower().strip(".!?") for split in SPLITS for text, _ in sample_utterances(split, 3000, np.random.default_rng(0))}
    for text, command in rows:
        assert set(command) == set(DECODER_FIELDS) and command["task"] in DECODER_FIELDS["task"]
        assert (command["destination"] is not None) == (command["task"] in ("push", "pick_and_place")), text
        assert text.lower() not in grammar, text


@pytest.mark.slow
def test_outside_phrasings_exact_match_and_the_grammar_splits_stay(encoder):
    rows = outside_phrasings()
    exact = np.mean([all(encoder.interpret(text)[f] == command[f] for f in DECODER_FIELDS) for text, command in rows])
    assert exact >= 0.9, exact
    accuracy = evaluate_all_splits(encoder, n=1000)
    assert all(accuracy[split]["exact"] >= 0.99 for split in SPLITS), accuracy


def test_the_outside_splits_say_the_episodes_command():
    import gymnasium as gym

    import robocue.envs  # noqa: F401  (registers the envs)
    from robocue.perception.command_channels import GestureCommands, SpokenCommands
    from robocue.perception.outside import PHRASING_FILES

    for split, path in PHRASING_FILES.items():
        texts = {text: command for text, command in outside_phrasings(path)}
        spoken = SpokenCommands(gym.make("robocue/Push-MuJoCo-v0"), split=split)
        for seed in range(3):
            info = spoken.reset(seed=10_000 + seed)[1]["command"]
            said = texts[info["utterance"]]
            assert info["split"] == split and (said["task"], said["color"], said["destination"]) == (
                info["task"],
                info["color"],
                info["destination"],
            )
            assert said["shape"] in (info["shape"], None)
    gestured = GestureCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="gesture-outside")
    info = gestured.reset(seed=10_000)[1]["command"]
    assert info["split"] == "gesture-outside" and info["performer"] == "outside" and info["shown"] == ["point"]


def test_a_clip_with_no_gesture_is_not_understood_and_a_point_is():
    from robocue.perception.gestures import load_default_gesture_encoder, sample_clip

    encoder = load_default_gesture_encoder()
    idle = encoder.interpret(sample_clip(np.random.default_rng(0), 3, (), idle_frames=60).landmarks)
    assert idle["gestures"] == [] and idle["understood"] is False and idle["question"].startswith("Sorry, I did not see")
    assert idle["task"] is None  # not read as reach
    point = encoder.interpret(sample_clip(np.random.default_rng(1), 5, ["point"]).landmarks)
    assert point["understood"] is True and point["task"] == "reach" and point["direction_deg"] is not None
    assert set(point["confidence"]) == set(DECODER_FIELDS) and all(0.0 <= p <= 1.0 for p in point["confidence"].values())


class _SpellingOnly:
    """A word mapper that maps nothing and calls every word uncommon (no wordllama needed)."""

    def __call__(self, word):
        return None

    def is_common(self, word):
        return False


KNOWN = {
    "you",
    "your",
    "left",
    "push",
    "touch",
    "the",
    "can",
    "cylinder",
    "front",
    "back",
    "side",
    "blue",
    "red",
    "to",
    "right",
    "now",
    "go",
    "and",
    "put",
    "cube",
    "yellow",
}


@pytest.mark.parametrize(
    "text, read",
    [
        ("push the tin closer to me", [("push", "push"), ("the", "the"), ("tin", "can"), ("closer to me", "front")]),
        ("push the tins away from me", [("push", "push"), ("the", "the"), ("tins", "can"), ("away from me", "back")]),
        ("push it away from you", [("push", "push"), ("it", None), ("away from you", "front")]),
        ("push it to the far side", [("push", "push"), ("it", None), ("to", "to"), ("the", "the"), ("far side", "back"),
                                     ("far side", "side")]),
        ("touch the sky blue barrell", [("touch", "touch"), ("the", "the"), ("blue", "blue"), ("barrell", "cylinder")]),
        ("alright touch the red dice", [("touch", "touch"), ("the", "the"), ("red", "red"), ("dice", "cube")]),
        ("push the red can to the right now", [("push", "push"), ("the", "the"), ("red", "red"), ("can", "can"), ("to", "to"),
                                               ("the", "the"), ("right", "right"), ("now", "now")]),
        ("goto the red can", [("goto", "go"), ("goto", "to"), ("the", "the"), ("red", "red"), ("can", "can")]),
        # speech recognition's homophones where the meant word fits; the robot's own left is the person's right
        ("push the read can two your left", [("push", "push"), ("the", "the"), ("read", "red"), ("can", "can"), ("two", "to"),
                                             ("your left", "right")]),
        ("push the can towrd me", [("push", "push"), ("the", "the"), ("can", "can"), ("towrd me", "front")]),
        ("go to the red can right now", [("go", "go"), ("to", "to"), ("the", "the"), ("red", "red"), ("can", "can"),
                                         ("now", "now")]),
        ("push the can to ur right", [("push", "push"), ("the", "the"), ("can", "can"), ("to", "to"), ("ur right", "left")]),
        ("push the can to your own side", [("push", "push"), ("the", "the"), ("can", "can"), ("to", "to"),
                                           ("your own side", "back"), ("your own side", "side")]),
        ("set a course for the red can", [("set a course for", "go"), ("set a course for", "to"), ("the", "the"),
                                          ("red", "red"), ("can", "can")]),
        # the robot taking its place beside an object; "your left" mistyped; the robot's side; texting sides
        ("stand by the red can", [("stand by", "go"), ("stand by", "to"), ("the", "the"), ("red", "red"), ("can", "can")]),
        ("pull up next to the red can", [("pull up next to", "go"), ("pull up next to", "to"), ("the", "the"), ("red", "red"),
                                         ("can", "can")]),
        ("push the can to you left", [("push", "push"), ("the", "the"), ("can", "can"), ("to you left", "to"),
                                      ("to you left", "right")]),
        ("push the can to the robots side", [("push", "push"), ("the", "the"), ("can", "can"), ("to", "to"),
                                             ("the robots side", "back"), ("the robots side", "side")]),
        ("push the can out of my way to the left", [("push", "push"), ("the", "the"), ("can", "can"), ("to", "to"), ("the", "the"),
                                                    ("left", "left")]),
        ("push the can on r", [("push", "push"), ("the", "the"), ("can", "can"), ("on", None), ("r", "right")]),
        # a short misspelling of a colour right before a shape
        ("touch the rd can", [("touch", "touch"), ("the", "the"), ("rd", "red"), ("can", "can")]),
        # a person correcting themselves: what they took back is left out (a colour with its object's shape)
        ("push the red can to the left no the right", [("push", "push"), ("the", "the"), ("red", "red"), ("can", "can"), ("to", "to"),
                                                       ("the", "the"), ("no", None), ("the", "the"), ("right", "right")]),
        ("touch the red sorry the blue can", [("touch", "touch"), ("the", "the"), ("sorry", None), ("the", "the"), ("blue", "blue"),
                                              ("can", "can")]),
        ("go to the red can actually the blue one", [("go", "go"), ("to", "to"), ("the", "the"), ("actually", None), ("the", "the"),
                                                     ("blue", "blue"), ("one", None)]),
        # "right" that only says how close, or opens the sentence; two edits from a long colour before a shape
        ("wait right by the red can", [("wait right by", "go"), ("wait right by", "to"), ("the", "the"), ("red", "red"), ("can", "can")]),
        ("right so touch the red can", [("so", None), ("touch", "touch"), ("the", "the"), ("red", "red"), ("can", "can")]),
        ("touch the yella can", [("touch", "touch"), ("the", "the"), ("yella", "yellow"), ("can", "can")]),
        ("place your gripper on top of the red can", [("place your gripper on top of", "touch"), ("the", "the"), ("red", "red"),
                                                      ("can", "can")]),
        # the hand coming to rest; a direction; what is in the way; taking a place beside
        ("your hand ended up resting on the red can", [("your", "your"), ("hand ended up resting on", "touch"), ("the", "the"),
                                                       ("red", "red"), ("can", "can")]),
        ("push the can in the direction of me", [("push", "push"), ("the", "the"), ("can", "can"), ("in the direction of me", "front")]),
        ("push the can further from me", [("push", "push"), ("the", "the"), ("can", "can"), ("further from me", "back")]),
        ("push the can left its in my way", [("push", "push"), ("the", "the"), ("can", "can"), ("left", "left"), ("its", None)]),
        ("stop next to the red can", [("stop next to", "go"), ("stop next to", "to"), ("the", "the"), ("red", "red"), ("can", "can")]),
        ("scooch over to the red can", [("scooch over to", "go"), ("scooch over to", "to"), ("the", "the"), ("red", "red"),
                                        ("can", "can")]),
    ],
)  # fmt: skip
def test_everyday_words_and_phrases_are_read_as_the_grammars(text, read):
    from robocue.perception.words import read_words

    assert [(w, k) for w, k in read_words(text.split(), KNOWN, _SpellingOnly()) if k != ""] == read
    # "alright" is left out, not read as "right" by its spelling; "sky" only shades "blue"
    assert ("alright", "") in read_words(["alright", "go"], KNOWN, _SpellingOnly())


def _read(text: str) -> list[tuple[str, str | None]]:
    """Words read as themselves, with the inflections and everyday words the tests need."""
    readings = {"lifting": "lift", "sliding": "slide", "poke": "touch", "scoot": "push", "love": "shove"}
    return [(w, readings.get(w, w)) for w in text.split()]


@pytest.mark.parametrize(
    "text, task",
    [
        ("move the red cube to the right by lifting it", "pick_and_place"),
        ("relocate the red cube to the back by lifting it not sliding it", "pick_and_place"),
        ("push the red cube to the back dont lift it", "push"),
        ("give the red cube a little poke", "reach"),
        ("reach the red cube just touch it no lifting", "reach"),
        ("place your gripper on the red cube", None),  # the robot moves itself: "place" says nothing of the task
        ("scoot over to the red cube", None),  # an everyday word for push is also said of moving
        ("id love it if you could touch the red ball", "reach"),  # "love" -> shove is read by meaning alone
        ("touch the red cube and push it to the left", None),  # two tasks: the decoder decides
        ("move the red cube to the left", None),
    ],
)
def test_the_verbs_name_the_task_when_they_agree(text, task):
    from robocue.perception.clarify import named_task

    assert named_task(_read(text)) == task


@pytest.mark.parametrize(
    "text, task, settled",
    [
        ("rightwards push the red ball", "push", {"task": "push", "color": "red", "shape": "ball", "destination": "right"}),
        ("touch the red ball on the left", "reach", {"task": "reach", "color": "red", "shape": "ball"}),  # a reach takes no place
        ("shift the red ball and the blue cube", "push", {}),  # two objects: the decoder's, and a question
        ("shift the red one", None, {"color": "red"}),
    ],
)
def test_the_words_settle_what_they_name_once(text, task, settled):
    from robocue.perception.clarify import settled as settled_by

    assert settled_by(_read(text), task) == settled


def test_scratch_that_before_a_new_place_corrects_and_alone_cancels(encoder):
    corrected = encoder.interpret("push the red cube to the right, scratch that, left")
    assert (corrected["destination"], corrected["understood"]) == ("left", True)
    assert encoder.interpret("touch the red cube, no wait, scratch that")["question"].startswith("All right, I will not")
    assert encoder.interpret("never mind the blue cube")["understood"] is False


def test_a_scene_set_before_the_request_is_left_out(encoder):
    from robocue.perception.clarify import scene_set

    scene = [("theres", "there"), ("a", None), ("red", "red"), ("can", "can"), ("a", None), ("blue", "blue"), ("ball", "ball")]
    request = [("touch", "touch"), ("the", "the"), ("red", "red"), ("can", "can")]
    assert scene_set([scene, request]) == 1
    assert scene_set([scene, scene]) == 0  # nothing asked: kept whole
    assert scene_set([[("see", None), ("the", "the"), ("can", "can"), ("which", None), ("is", "is"), ("red", "red")],
                      [("reach", "reach"), ("for", "for"), ("it", "it")]]) == 0  # one object: not a scene  # fmt: skip
    read = encoder.interpret("There's a red can, a blue marble and a yellow brick on the table. Put your gripper on the red can.")
    assert (read["task"], read["color"], read["shape"], read["understood"]) == ("reach", "red", "cylinder", True)


@pytest.mark.parametrize(
    "text, question",
    [
        ("don't touch the red ball", "All right, I will not. What should I do instead?"),
        ("do not push the yellow cube to the right", "All right, I will not. What should I do instead?"),
        ("never mind the blue cube", "All right, I will not. What should I do instead?"),
        ("leave the red cube alone", "All right, I will not. What should I do instead?"),
        ("is the yellow cylinder heavy", SORRY),
        ("um, how many red things are on the table", SORRY),
        ("touch the red pyramid", "I see no pyramid. Which shape: cube, ball or cylinder?"),
        ("grab the blue stars and put them on the left", "I see no star. Which shape: cube, ball or cylinder?"),
        ("touch all the balls", "Which one should I touch?"),
        ("push every cube to the left", "Which one should I push?"),
        ("the red cube is pretty", "What should I do with the red cube?"),
        ("the red cube is on the left side", "What should I do with the red cube?"),
        ("touch the red banana", "I see no banana. Which shape: cube, ball or cylinder?"),
        ("lift the red cube", "Where should I put the red cube: left, right, front or back?"),
        ("touch the red cube, no wait, scratch that", "All right, I will not. What should I do instead?"),
        ("put the red cube somewhere", "Where should I put the red cube: left, right, front or back?"),
        ("yesterday the red cube rolled off the table", "What should I do with the red cube?"),
        ("i already pushed the red cube to the left", "What should I do with the red cube?"),
        ("dont move the red cube", "All right, I will not. What should I do instead?"),
    ],
)  # fmt: skip
def test_negations_questions_other_shapes_several_objects_and_statements_are_asked_about(text, question):
    command = {
        "task": "push" if "push" in text else "reach",
        "color": "red",
        "shape": "cube",
        "destination": "left" if "push" in text else None,
    }
    words = text.replace(",", "").replace("'", "").split()
    verdict = clarify_words(words, command, SURE)
    assert verdict["understood"] is False and verdict["question"] == question


@pytest.mark.parametrize(
    "text",
    [
        "push the red cube all the way to the back",
        "push the green cube to the back without picking it up",
        "could you push the red cube to the left?",
        "the red cube goes on the left",
        "red cube, left side please",
        "push the red cube to the back, don't lift it",
        "touch the lemon yellow cube",
        "place your gripper on the red cube",
        "go to the red cube's location",
        "just reach out to the red cube and touch it, that's all",
        "by all means, go touch the red cube",
        "okay so were testing the sensors, touch the red cube",  # "we're" written "were": not a question
        "what i need is for you to touch the red cube",
        "put the red cube somewhere on the left",
        "touch the red cube the others dont matter",
        "only touch dont move it the red cube",  # a verb of every task, negated after this task's own
        "is it possible for you to touch the red cube",
        "go to the red cube like parking a car",  # a likeness, not a car on the table
    ],
)
def test_requests_that_look_like_those_stay_understood(text):
    words = text.replace(",", "").replace("?", "").split()
    said = mentions(words)
    task = "go_to" if "go" in words else "reach" if not said["destinations"] else "push"
    command = {"task": task, "color": said["colors"][0], "shape": "cube", "destination": (said["destinations"] or [None])[0]}
    assert clarify_words(words, command, SURE)["understood"], text


def _rows_and_inputs(phrasings: str, nonsense: str):
    return outside_phrasings(DATA / phrasings), _not_understood_inputs(nonsense)


@pytest.mark.slow
@pytest.mark.parametrize("phrasings, nonsense", [("outside_phrasings_blind.tsv", "not_understood_blind.txt"),
                                                 ("outside_phrasings_blind2.tsv", "not_understood_blind2.txt"),
                                                 ("outside_phrasings_blind3.tsv", "not_understood_blind3.txt"),
                                                 ("outside_phrasings_blind4.tsv", "not_understood_blind4.txt"),
                                                 ("outside_phrasings_blind5.tsv", "not_understood_blind5.txt"),
                                                 ("outside_phrasings_blind6.tsv", "not_understood_blind6.txt"),
                                                 ("outside_phrasings_blind7.tsv", "not_understood_blind7.txt"),
                                                 ("outside_phrasings_blind8.tsv", "not_understood_blind8.txt")])  # fmt: skip
def test_phrasings_written_blind_are_understood_and_their_nonsense_is_asked_about(encoder, phrasings, nonsense):
    """Sets written by people who never saw the parser: the first seven were then read for the everyday words and
    rules (development sets), the eighth was not (docs/commands.md)."""
    rows, inputs = _rows_and_inputs(phrasings, nonsense)
    assert len(rows) >= 200 and len(inputs) >= 50
    results = [encoder.interpret(text) for text, _ in rows]
    exact = np.mean([all(r[f] == command[f] for f in DECODER_FIELDS) for r, (_, command) in zip(results, rows)])
    assert exact >= 0.9, exact
    asked = [not (r := encoder.interpret(text))["understood"] and bool(r["question"]) for text in inputs]
    assert np.mean(asked) >= 0.95, [text for text, ok in zip(inputs, asked) if not ok]
