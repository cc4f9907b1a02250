"""Property-based fuzzing (hypothesis): config overrides, words, gesture clips and env actions.

Whatever the input, robocue either works or refuses with its one-line error; it never
crashes with another exception, hangs, or lets NaN into what it returns. Examples are
derandomised so that the suite is deterministic.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydantic import BaseModel

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.configs import ConfigError, load_config
from robocue.configs.schema import Config

FUZZ = settings(derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _keys(model, prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


KEYS = _keys(Config) + [f"algo.{k}" for k in ("learning_rate", "batch_size", "n_steps", "gamma", "gae_lambda", "clip_range", "ent_coef")]
VALUES = st.one_of(
    st.sampled_from(["nan", ".nan", "inf", "-inf", "1e9", "1e400", "-1", "0", "4294967296", "[-4]", "[]", "[1e9]", "{}", "null", "~"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=20),
)


@FUZZ
@given(key=st.one_of(st.sampled_from(KEYS), st.text(max_size=20)), value=VALUES)
def test_any_override_loads_or_gives_one_line(key, value):
    try:
        config = load_config("reach_ppo", [f"{key}={value}"])
    except ConfigError as error:
        text = str(error)
        assert text and "\n" not in text
        return
    assert _all_finite(config.to_dict()), config.to_dict()  # what config.yaml gets: no NaN or inf (saved as null)


def _all_finite(value) -> bool:
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    return not isinstance(value, float) or np.isfinite(value)


@pytest.fixture(scope="module")
def language_encoder():
    from robocue.perception.language import load_default_language_encoder

    return load_default_language_encoder()


@FUZZ
@given(text=st.text(max_size=200))
def test_understand_any_text(language_encoder, text):
    try:
        understood = language_encoder.understand(text)
    except ValueError as error:
        assert "\n" not in str(error)
        return
    assert {"task", "color", "shape", "destination"} <= set(understood)


CLIP_DTYPES = st.sampled_from([np.float32, np.float64, np.float16, np.int32, np.uint8, np.complex64, np.bool_])


@FUZZ
@given(
    clip=st.one_of(
        hnp.arrays(
            CLIP_DTYPES, st.tuples(st.integers(0, 40), st.just(21), st.just(3)), elements={"allow_nan": True, "allow_infinity": True}
        ),
        hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=4, max_side=8)),
        hnp.arrays(np.float32, st.tuples(st.integers(6, 40), st.just(21), st.just(3)), elements=st.floats(0, 1, width=32)),
    )
)
def test_gesture_clips_load_or_give_one_line(tmp_path_factory, clip):
    from robocue.agents.follow import load_gesture_clip

    path = tmp_path_factory.mktemp("clip") / "clip.npy"
    np.save(path, clip)
    try:
        landmarks = load_gesture_clip(path)
    except ValueError as error:
        assert "\n" not in str(error)
        return
    assert landmarks.dtype == np.float32 and landmarks.shape[1:] == (21, 3)
    dropped = ~np.isfinite(landmarks).all(axis=(1, 2)) | (landmarks == 0).all(axis=(1, 2))
    assert np.isfinite(landmarks[~dropped]).all()


@pytest.fixture(scope="module", params=["robocue/Reach-MuJoCo-v0", "robocue/Reach-PyBullet-v0", "robocue/GoTo-MuJoCo-v0"])
def stepped_env(request):
    env = gym.make(request.param)
    env.reset(seed=0)
    yield env
    env.close()


ACTIONS = st.one_of(
    hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.float16]), hnp.array_shapes(min_dims=0, max_dims=2, max_side=8)),
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(allow_nan=True, allow_infinity=True)),
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-1e308, 1e308)),
    st.lists(st.text(max_size=3), max_size=4).map(np.array),
    st.none(),
)


@FUZZ
@given(action=ACTIONS)
def test_env_steps_any_action_or_refuses_it(stepped_env, action):
    env = stepped_env
    try:
        observation, reward, terminated, truncated, info = env.step(action)
    except ValueError as error:
        assert "action must be numbers of shape" in str(error)
        assert np.asarray(action).shape != env.action_space.shape or np.asarray(action).dtype.kind not in "biuf"
        return
    assert np.asarray(action).shape == env.action_space.shape
    assert env.observation_space.contains(observation) or np.isfinite(observation).all()
    assert np.isfinite(reward)
    if terminated or truncated:
        env.reset(seed=1)


@pytest.mark.parametrize("env_id", ["robocue/Reach-MuJoCo-v0", "robocue/Reach-PyBullet-v0"])
def test_reset_after_close_is_a_clear_error(env_id):
    env = gym.make(env_id)
    env.reset(seed=0)
    env.close()
    with pytest.raises(gym.error.ClosedEnvironmentError, match="was closed; make a new one"):
        env.reset(seed=0)
