"""The command-keyed attention extractor's key options."""

from __future__ import annotations

import gymnasium as gym
import pytest
import torch

from robocue import envs  # noqa: F401
from robocue.policies.attention import CommandAttentionExtractor


@pytest.mark.parametrize("key", ["linear", "mlp"])
def test_attention_weights_sum_to_one_over_present_objects(key):
    env = gym.make("robocue/Reach-MuJoCo-v0", n_objects=2)
    observation, _ = env.reset(seed=0)
    extractor = CommandAttentionExtractor(env.observation_space, env.unwrapped.observation_layout, key=key)
    batch = torch.as_tensor(observation)[None]
    weights = extractor.attention(batch)
    tokens = extractor._tokens(batch)
    assert torch.allclose(weights.sum(-1), torch.ones(1))
    assert torch.all(weights[tokens[..., 0] < 0.5] < 1e-6)  # absent objects get no weight
    features = extractor(batch)
    assert features.shape == (1, extractor.features_dim)
    features.sum().backward()
    assert all(p.grad is not None for p in extractor.key.parameters())


def test_unknown_attention_key_is_refused():
    env = gym.make("robocue/Reach-MuJoCo-v0")
    with pytest.raises(ValueError, match="attention key 'cubic'"):
        CommandAttentionExtractor(env.observation_space, env.unwrapped.observation_layout, key="cubic")


def test_all_tokens_passes_every_object_through():
    """With all_tokens the heads see every landmark (GoTo: the ones not commanded are
    obstacles), after the attended token and before the scene block."""
    env = gym.make("robocue/GoTo-MuJoCo-v0")
    observation, _ = env.reset(seed=0)
    layout = env.unwrapped.observation_layout
    n, dim = layout["objects"]
    torch.manual_seed(0)
    plain = CommandAttentionExtractor(env.observation_space, layout)
    torch.manual_seed(0)  # the same query and key weights
    every = CommandAttentionExtractor(env.observation_space, layout, all_tokens=True)
    assert every.features_dim == plain.features_dim + n * dim
    batch = torch.as_tensor(observation)[None]
    features = every(batch)
    robot = layout["robot"]
    start = robot + dim  # after [robot, attended]
    assert torch.equal(features[0, start : start + n * dim], batch[0, robot : robot + n * dim])
    assert torch.equal(torch.cat([features[0, :start], features[0, start + n * dim :]]), plain(batch)[0])


def _push_with_words(features="belief"):
    from robocue.perception.command_channels import SpokenCommands

    return SpokenCommands(gym.make("robocue/Push-MuJoCo-v0"), features=features)


def test_fields_key_scores_color_and_shape_apart():
    """``key="fields"``: an object's score is its colour's match plus its shape's, with no
    term pairing one field with the other, so a pair never heard scores as its parts do.
    With the colour weighted above the shape, the object of the said colour wins even when
    another has the said shape."""
    from robocue.envs.commands import COLORS, SHAPES
    from robocue.perception.command_channels import BELIEF_FIELDS

    env = _push_with_words()
    observation, _ = env.reset(seed=0)
    layout = env.observation_layout
    assert layout["command_fields"] == BELIEF_FIELDS
    assert layout["token_fields"] == {"color": (7, len(COLORS)), "shape": (7 + len(COLORS), len(SHAPES))}
    extractor = CommandAttentionExtractor(env.observation_space, layout, key="fields")
    with torch.no_grad():
        extractor.match["color"].copy_(torch.eye(len(COLORS), BELIEF_FIELDS["color"][1]) * 8.0)
        extractor.match["shape"].copy_(torch.eye(len(SHAPES), BELIEF_FIELDS["shape"][1]) * 3.0)
    batch = torch.as_tensor(observation)[None].repeat(2, 1)
    tokens = extractor._tokens(batch)[0]
    present = [i for i in range(tokens.shape[0]) if tokens[i, 0] > 0.5]
    target = present[0]
    other_shape = int(tokens[present[1], 11:14].argmax())  # another object's shape
    command = batch[:, -layout["command"] :]
    command.zero_()
    color_start, shape_start = BELIEF_FIELDS["color"][0], BELIEF_FIELDS["shape"][0]
    command[:, color_start + int(tokens[target, 7:11].argmax())] = 1.0  # the target's colour
    command[0, shape_start + int(tokens[target, 11:14].argmax())] = 1.0  # heard: its shape
    command[1, shape_start + other_shape] = 1.0  # heard: the other object's shape
    weights = extractor.attention(batch)
    assert int(weights[0].argmax()) == target and int(weights[1].argmax()) == target
    features = extractor(batch)
    features.sum().backward()
    assert all(p.grad is not None for p in extractor.match.values())


def test_heads_can_be_kept_from_the_object_fields():
    env = _push_with_words()
    observation, _ = env.reset(seed=0)
    layout = env.observation_layout
    full = CommandAttentionExtractor(env.observation_space, layout)
    task_only = CommandAttentionExtractor(env.observation_space, layout, object_fields_to_heads=False)
    (_, colors), (_, shapes) = layout["command_fields"]["color"], layout["command_fields"]["shape"]
    assert task_only.features_dim == full.features_dim - colors - shapes
    batch = torch.as_tensor(observation)[None]
    command = batch[0, -layout["command"] :]
    fields = layout["command_fields"]
    kept = torch.cat([command[slice(fields[name][0], sum(fields[name]))] for name in ("task", "destination")])
    assert torch.equal(task_only(batch)[0, -kept.shape[0] :], kept)


def test_fields_need_features_that_say_where_the_fields_are():
    env = _push_with_words(features="embedding")
    assert "command_fields" not in env.observation_layout
    for kwargs in ({"key": "fields"}, {"object_fields_to_heads": False}):
        with pytest.raises(ValueError, match="do not say where the colour and shape are"):
            CommandAttentionExtractor(env.observation_space, env.observation_layout, **kwargs)
