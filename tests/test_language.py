"""Language commands: grammar splits, tokenizer, encoder, save/load and the shipped default encoder."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from robocue.envs.commands import COLORS, DESTINATIONS, SHAPES, TASKS, TASKS_WITH_DESTINATION, Command
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.language import (
    HELD_OUT_COMBINATIONS,
    SPLITS,
    TEMPLATES,
    TRAIN_COMBINATIONS,
    LanguageEncoder,
    Tokenizer,
    grammar_vocabulary,
    load_default_language_encoder,
    sample_utterances,
    say,
)


@pytest.fixture(scope="module")
def default_encoder() -> LanguageEncoder:
    return load_default_language_encoder()


def _tiny_encoder(seed: int = 0) -> LanguageEncoder:
    torch.manual_seed(seed)
    return LanguageEncoder(Tokenizer(grammar_vocabulary()), embed_dim=8, hidden_dim=8, out_dim=8)


@pytest.mark.parametrize(
    "text", ["", "   ", "\U0001f916\U0001f44d", "123 4.5e6", "PUSH!!! the Red, cube?", "naïve café", "\x00\n\t", "word " * 1000]
)
def test_tokenizer_never_crashes(text):
    tokenizer = Tokenizer(grammar_vocabulary())
    ids = tokenizer.encode(text)
    assert all(0 < i < len(tokenizer) for i in ids)
    assert len(ids) <= tokenizer.max_len
    assert tokenizer.batch([text, "reach"]).shape[0] == 2


def test_tokenizer_lowercases_strips_punctuation_and_maps_unknown_words():
    tokenizer = Tokenizer(["push", "red", "cube"])
    assert tokenizer.split("Push the RED cube, now!") == ["push", "the", "red", "cube", "now"]
    assert tokenizer.encode("Push the RED cube!") == [
        tokenizer.stoi["push"],
        Tokenizer.unk_id,
        tokenizer.stoi["red"],
        tokenizer.stoi["cube"],
    ]
    assert tokenizer.encode("") == []
    batch = tokenizer.batch(["push", "", "red cube"])
    assert batch.tolist() == [[2, 0], [0, 0], [3, 4]]
    assert Tokenizer.from_dict(tokenizer.to_dict()).itos == tokenizer.itos


@pytest.mark.parametrize("split", SPLITS)
def test_samples_are_seeded_and_consistent_with_commands(split):
    samples = sample_utterances(split, 300, np.random.default_rng(3))
    assert samples == sample_utterances(split, 300, 3)
    for text, command in samples:
        assert set(command) == set(DECODER_FIELDS) and text.strip()
        assert command["task"] in TASKS
        assert command["color"] in COLORS + (None,) and command["shape"] in SHAPES + (None,)
        assert (command["destination"] in DESTINATIONS) == (command["task"] in TASKS_WITH_DESTINATION)
        # Filling the left-out field gives a valid environment command.
        Command(**{**command, "color": command["color"] or "red", "shape": command["shape"] or "cube"})
    if split == "composition":
        assert all(c["color"] and c["shape"] for _, c in samples)
    else:
        assert any(c["shape"] is None for _, c in samples) and any(c["color"] is None for _, c in samples)


def test_splits_are_disjoint():
    train_templates = {t for group in TEMPLATES["train"].values() for t in group}
    paraphrase_templates = {t for group in TEMPLATES["paraphrase"].values() for t in group}
    assert not train_templates & paraphrase_templates
    assert len(HELD_OUT_COMBINATIONS) == 12 and not set(HELD_OUT_COMBINATIONS) & set(TRAIN_COMBINATIONS)
    train = sample_utterances("train", 3000, 0)
    combos = {(c["task"], c["color"], c["shape"]) for _, c in train}
    assert not combos & set(HELD_OUT_COMBINATIONS)
    assert {(c["task"], c["color"], c["shape"]) for _, c in sample_utterances("composition", 500, 1)} <= set(HELD_OUT_COMBINATIONS)
    train_texts = {" ".join(Tokenizer.split(t)) for t, _ in train}
    assert not train_texts & {" ".join(Tokenizer.split(t)) for t, _ in sample_utterances("paraphrase", 1000, 2)}
    # Every pair of fields of a held-out triple is still seen in training.
    for task, color, shape in HELD_OUT_COMBINATIONS:
        assert any(t == task and c == color for t, c, _ in TRAIN_COMBINATIONS)
        assert any(t == task and s == shape for t, _, s in TRAIN_COMBINATIONS)
        assert any(c == color and s == shape for _, c, s in TRAIN_COMBINATIONS)


def test_vocabulary_covers_every_training_word():
    vocabulary = set(grammar_vocabulary())
    for text, _ in sample_utterances("train", 500, 4):
        assert set(Tokenizer.split(text)) <= vocabulary, text
    assert all(re.fullmatch(r"[0-9a-z]+", w) for w in vocabulary)


def test_encoder_forward_shape_and_gradients():
    encoder = _tiny_encoder()
    ids = encoder.tokenizer.batch(["push the red cube to the left", "reach", ""])
    features = encoder(ids)
    assert features.shape == (3, encoder.out_dim)
    logits = encoder.decoder(features)
    assert {f: v.shape for f, v in logits.items()} == {f: (3, len(c)) for f, c in DECODER_FIELDS.items()}
    sum(v.sum() for v in logits.values()).backward()
    for name, parameter in encoder.named_parameters():
        assert parameter.grad is not None and torch.isfinite(parameter.grad).all(), name
    assert encoder.embedding.weight.grad.abs().sum() > 0


def test_padding_does_not_change_features():
    encoder = _tiny_encoder().eval()
    alone = encoder.encode_texts(["slide the blue ball left"])
    padded = encoder.encode_texts(["slide the blue ball left", "could you please pick up the green cube and place it on the right"])
    torch.testing.assert_close(alone[0], padded[0])


def test_save_load_round_trip(tmp_path):
    encoder = _tiny_encoder(seed=1).eval()
    path = tmp_path / "language.pt"
    encoder.save(path)
    loaded = LanguageEncoder.load(path)
    assert loaded.tokenizer.itos == encoder.tokenizer.itos and loaded.config == encoder.config
    texts = ["push the red cube to the left", "Hey robot, go to the yellow ball!", "xyzzy"]
    torch.testing.assert_close(loaded.encode_texts(texts), encoder.encode_texts(texts), rtol=0, atol=0)
    assert loaded.understand("touch the red cube") == encoder.understand("touch the red cube")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("push the red cube to the left", ("push", "red", "cube", "left")),
        ("Could you slide the crimson block leftwards?", ("push", "red", "cube", "left")),
        ("red cube, left side please", ("push", "red", "cube", "left")),
        ("pick up the green ball and place it on the right", ("pick_and_place", "green", "ball", "right")),
        ("reach the blue cylinder", ("reach", "blue", "cylinder", None)),
        ("drive to the yellow sphere", ("go_to", "yellow", "ball", None)),
        ("touch the red one", ("reach", "red", None, None)),
        ("go to the cube", ("go_to", None, "cube", None)),
    ],
)
def test_default_encoder_understands_training_sentences(default_encoder, text, expected):
    assert default_encoder.understand(text) == dict(zip(DECODER_FIELDS, expected))


def test_default_encoder_understands_the_environment_templates(default_encoder):
    rng = np.random.default_rng(0)
    for task, color, shape in TRAIN_COMBINATIONS[::5]:
        destination = "front" if task in TASKS_WITH_DESTINATION else None
        command = Command(task, color, shape, destination)
        assert default_encoder.understand(say(command, rng)) == command.to_dict()


@pytest.mark.parametrize("text", ["", "  ?! ", "\U0001f916", "hello world 42"])
def test_understand_rejects_empty_or_unknown_input(default_encoder, text):
    with pytest.raises(ValueError, match="cannot understand") as error:
        default_encoder.understand(text)
    assert "\n" not in str(error.value)


def test_pretrained_encoder_is_optional():
    pytest.importorskip("wordllama")
    from robocue.perception.language import PretrainedLanguageEncoder

    encoder = PretrainedLanguageEncoder("wordllama")
    features = encoder.encode_texts(["push the red cube to the left", "go to the ball"])
    assert features.shape == (2, encoder.out_dim)
    with pytest.raises(ValueError, match="cannot understand"):
        encoder.understand("")
