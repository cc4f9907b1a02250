"""Config loading and validation, and how `robocue train` reports bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from conftest import PPO_PRESET, SAC_PRESET, flat_schema_config

from robocue import envs
from robocue.configs import DEFAULT_PRESET, Config, ConfigError, list_presets, load_config
from robocue.configs.schema import LEGACY_KEYS, PRESET_DIR, config_reference_markdown, hyperparameter_defaults, section_class
from robocue.scripts.cli import main


def assert_one_line_error(error: pytest.ExceptionInfo, *needles: str) -> None:
    message = str(error.value)
    assert "\n" not in message, message
    for needle in needles:
        assert needle in message, message


# --- loading ---------------------------------------------------------------------------------


def test_default_preset_loads():
    config = load_config()
    assert isinstance(config, Config)
    assert config == load_config(DEFAULT_PRESET)
    assert config.env.id in envs.ENV_IDS


def test_there_are_presets_for_both_algorithms():
    names = {load_config(preset).algo.name for preset in list_presets()}
    assert {"sac", "ppo"} <= names
    assert DEFAULT_PRESET in list_presets()


@pytest.mark.parametrize("preset", list_presets())
def test_every_preset_loads_and_validates(preset):
    """Each shipped preset validates, names a registered env, and sets only real hyperparameters."""
    config = load_config(preset)
    assert config.env.id in envs.ENV_IDS
    assert set(config.algo.hyperparameters) <= set(hyperparameter_defaults(config.algo.name))
    # The dumped config validates again to the same thing (what run folders store).
    assert Config.model_validate(config.to_dict()) == config


# Every preset's fully resolved config, recorded from the self-contained presets with the flat
# schema's keys; rewriting the YAML files (say with `base:` inheritance, or the optional sections
# train.imitation, policy.attention and policy.multimodal) must leave each one resolving to exactly this.
RESOLVED_PRESETS = Path(__file__).resolve().parent / "data" / "resolved_presets.json"


def test_the_snapshot_covers_every_preset():
    assert sorted(json.loads(RESOLVED_PRESETS.read_text())) == list_presets()


def _flat(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict) and key != "kwargs":
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _flat_schema_keys(tree: dict) -> dict:
    """A resolved config flattened and named as the flat schema named it (conftest.flat_schema_config,
    through the one table LEGACY_KEYS: old key -> new key)."""
    return _flat(flat_schema_config(tree))


def test_the_flat_key_table_names_every_key_of_the_optional_sections():
    """LEGACY_KEYS maps onto every key of train.imitation, policy.attention and policy.multimodal, once each."""
    sections = {"train.imitation", "policy.attention", "policy.multimodal"}
    keys = {f"{section}.{name}" for section in sections for name in _section_keys(section)}
    assert sorted(LEGACY_KEYS.values()) == sorted(keys)


def _section_keys(section: str) -> list[str]:
    model = Config
    for part in section.split("."):
        model = section_class(model.model_fields[part].annotation)
    return list(model.model_fields)


@pytest.mark.parametrize("preset", list_presets())
def test_every_preset_resolves_as_recorded(preset):
    """Compared as canonical JSON, so an int that turned into a float (100 vs 100.0) also fails.
    Keys added to the schema after the recording must hold their defaults (no preset sets them)."""
    expected = _flat(json.loads(RESOLVED_PRESETS.read_text())[preset])
    resolved = _flat_schema_keys(load_config(preset).model_dump(mode="json"))
    defaults = _flat_schema_keys(Config().model_dump(mode="json"))
    recorded = {key: resolved.get(key, "<missing>") for key in expected}
    assert json.dumps(recorded, sort_keys=True, indent=1) == json.dumps(expected, sort_keys=True, indent=1)
    added = {key: value for key, value in resolved.items() if key not in expected and not key.startswith("algo.")}
    assert added == {key: defaults[key] for key in added}


def test_preset_by_yaml_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("algo:\n  name: ppo\n  n_steps: 32\nseed: 7\n")
    config = load_config(str(path))
    assert config.algo.name == "ppo"
    assert config.algo.hyperparameters == {"n_steps": 32}
    assert config.seed == 7


def test_dotted_overrides_are_parsed_and_applied():
    config = load_config(SAC_PRESET, ["algo.learning_rate=3e-4", "train.timesteps=20000", "seed=3", "env.kwargs.n_objects=4"])
    learning_rate = config.algo.hyperparameters["learning_rate"]
    assert isinstance(learning_rate, float) and learning_rate == pytest.approx(0.0003)
    assert config.train.timesteps == 20000 and isinstance(config.train.timesteps, int)
    assert config.seed == 3
    assert config.env.kwargs == {"n_objects": 4}


def test_later_overrides_win_and_lists_parse():
    config = load_config(SAC_PRESET, ["seed=1", "seed=2", "policy.net_arch=[64, 32]", "train.progress_bar=false"])
    assert config.seed == 2
    assert config.policy.net_arch == [64, 32]
    assert config.train.progress_bar is False


def test_tiny_overrides_are_valid_config_keys(tiny_overrides, tiny_ppo_overrides):
    """The suite's own tiny-run overrides name keys that exist in the schema."""
    sac = load_config(SAC_PRESET, tiny_overrides)
    assert sac.train.timesteps == 300 and sac.logging.wandb == "disabled"
    ppo = load_config(PPO_PRESET, tiny_ppo_overrides)
    assert ppo.algo.name == "ppo" and ppo.env.n_envs == 2 and ppo.algo.hyperparameters["n_steps"] == 64


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, needle",
    [
        (["bogus=1"], "'bogus'"),
        (["train.bogus=1"], "'train.bogus'"),
        (["train.timesteps=abc"], "'train.timesteps'"),
        (["seed=-1"], "'seed'"),
        (["policy.activation=sigmoid"], "'policy.activation'"),
        (["algo.name=dqn"], "'algo.name'"),
        (["algo.not_a_hyperparameter=1"], "'algo.not_a_hyperparameter'"),
        (["algo.learning_rate=fast"], "'algo.learning_rate'"),
        (["algo.policy=CnnPolicy"], "'algo.policy'"),  # robocue sets this itself
        (["device=tpu"], "'device'"),
        (["logging.wandb=maybe"], "'logging.wandb'"),
        (["train.timesteps"], "train.timesteps"),  # no '='
        (["train.timesteps.x=1"], "train.timesteps"),  # a value, not a section
        (["algo.her.n_sampled_goal=0"], "'algo.her.n_sampled_goal'"),
        (["algo.her.goal_selection_strategy=random"], "'algo.her.goal_selection_strategy'"),
        (["algo.her.bogus=1"], "'algo.her.bogus'"),
    ],
)
def test_bad_overrides_raise_one_line_config_error(overrides, needle):
    with pytest.raises(ConfigError) as error:
        load_config(SAC_PRESET, overrides)
    assert_one_line_error(error, needle)


def test_her_needs_an_off_policy_algorithm():
    with pytest.raises(ConfigError) as error:
        load_config(PPO_PRESET, ["algo.her.n_sampled_goal=4"])
    assert_one_line_error(error, "config key 'algo.her' needs a replay buffer: algo.name sac or tqc (got ppo)")


def test_tqc_takes_its_own_hyperparameters():
    config = load_config(SAC_PRESET, ["algo.name=tqc", "algo.top_quantiles_to_drop_per_net=3", "algo.her.n_sampled_goal=2"])
    assert config.algo.hyperparameters["top_quantiles_to_drop_per_net"] == 3
    assert config.algo.her.n_sampled_goal == 2 and config.algo.her.goal_selection_strategy == "future"
    assert "her" not in config.algo.hyperparameters  # a section of its own, not a constructor argument
    with pytest.raises(ConfigError) as error:
        load_config(SAC_PRESET, ["algo.top_quantiles_to_drop_per_net=3"])  # SAC has no such argument
    assert_one_line_error(error, "'algo.top_quantiles_to_drop_per_net' is not a SAC hyperparameter")


def test_unknown_key_error_lists_the_valid_keys():
    with pytest.raises(ConfigError) as error:
        load_config(SAC_PRESET, ["train.bogus=1"])
    assert_one_line_error(error, "timesteps", "checkpoint_every")


def test_unknown_ppo_hyperparameter_is_named_for_ppo():
    with pytest.raises(ConfigError) as error:
        load_config(PPO_PRESET, ["algo.learning_starts=100"])  # a SAC-only argument
    assert_one_line_error(error, "'algo.learning_starts'", "PPO")


def test_unknown_preset():
    with pytest.raises(ConfigError) as error:
        load_config("no_such_preset")
    assert_one_line_error(error, "no_such_preset", *list_presets())


def test_missing_yaml_file(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ConfigError) as error:
        load_config(str(missing))
    assert_one_line_error(error, str(missing))


@pytest.mark.parametrize("text", ["- 1\n- 2\n", "just a string\n", "42\n"])
def test_yaml_that_is_not_a_mapping(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert_one_line_error(error, str(path), "mapping")


def test_invalid_yaml_syntax(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("algo: {name: sac\nseed: [\n")
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert_one_line_error(error, str(path))


def test_unknown_key_inside_a_yaml_file(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("train:\n  timestep: 100\n")
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert_one_line_error(error, "'train.timestep'")


# --- optional sections: train.imitation, policy.attention, policy.multimodal ---------------------


def test_dotted_overrides_reach_into_the_optional_sections():
    config = load_config(PPO_PRESET, ["train.imitation.episodes=50", "policy.attention.key=fields", "policy.attention.dim=16"])
    assert config.train.imitation.episodes == 50 and config.train.imitation.epochs == 20
    assert config.policy.attention.key == "fields" and config.policy.attention.dim == 16
    film = load_config("reach_pixels_film_ppo", ["policy.multimodal.fusion=concat"]).policy.multimodal
    assert film.fusion == "concat" and film.image_head == "keypoints"  # the rest of the preset's section stays


def test_the_chosen_extractors_section_takes_its_defaults_and_the_others_are_absent():
    from robocue.configs.schema import AttentionConfig, MultimodalConfig

    default = load_config(PPO_PRESET).policy
    assert default.attention == AttentionConfig() and default.multimodal is None
    pixels = load_config(PPO_PRESET, ["env.id=robocue/ReachPixelsState-MuJoCo-v0", "policy.features_extractor=multimodal"]).policy
    assert pixels.multimodal == MultimodalConfig() and pixels.attention is None
    flat = load_config(PPO_PRESET, ["policy.features_extractor=flatten"]).policy
    assert flat.attention is None and flat.multimodal is None


@pytest.mark.parametrize(
    "preset, overrides, needle",
    [
        (PPO_PRESET, ["policy.multimodal.augment=false"], "'policy.multimodal' applies to policy.features_extractor=multimodal only"),
        ("reach_pixels_film_ppo", ["policy.attention.dim=8"], "'policy.attention' applies to policy.features_extractor=attention only"),
        ("maze_dagger", ["policy.features_extractor=flatten"], "(got features_extractor=flatten)"),
    ],
)
def test_the_section_of_an_extractor_not_chosen_is_refused(preset, overrides, needle):
    with pytest.raises(ConfigError) as error:
        load_config(preset, overrides)
    assert_one_line_error(error, needle)


@pytest.mark.parametrize(
    "override, section, valid",
    [
        ("train.imitation.bc_episodes=3", "train.imitation", "episodes, epochs, dataset"),
        ("policy.attention.attention_key=fields", "policy.attention", "dim, key, object_fields_to_heads"),
        ("policy.multimodal.cnn=nature", "policy.multimodal", "image_encoder, image_head"),
    ],
)
def test_an_unknown_key_in_a_section_lists_the_sections_keys(override, section, valid):
    preset = "reach_pixels_film_ppo" if section == "policy.multimodal" else PPO_PRESET
    with pytest.raises(ConfigError) as error:
        load_config(preset, [override])
    assert_one_line_error(error, f"'{override.partition('=')[0]}' is unknown", f"valid keys under '{section}': {valid}")


@pytest.mark.parametrize("old, new", sorted(LEGACY_KEYS.items()))
def test_a_flat_key_in_an_override_names_its_new_key(old, new):
    with pytest.raises(ConfigError) as error:
        load_config(PPO_PRESET, [f"{old}=1"])
    assert_one_line_error(error, f"config key '{old}' is now '{new}'")


def test_a_flat_key_in_a_yaml_file_names_its_new_key(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("base: push_dagger\ntrain:\n  bc_epochs: 5\n")
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert_one_line_error(error, "config key 'train.bc_epochs' is now 'train.imitation.epochs'")
    path.write_text("policy:\n  attention_key: fields\n")
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert_one_line_error(error, "config key 'policy.attention_key' is now 'policy.attention.key'")


@pytest.mark.parametrize("preset", list_presets())
def test_a_run_folders_flat_config_upgrades_to_the_same_config(preset, tmp_path):
    """config.yaml as the flat schema wrote it loads (agents.runs.load_run_config) into the config it was."""
    from robocue.agents.runs import load_run_config

    config = load_config(preset)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(flat_schema_config(config.to_dict())))
    assert load_run_config(tmp_path) == config


RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results"


@pytest.mark.parametrize("run", sorted(p.name for p in RESULTS.iterdir() if (p / "config.yaml").is_file()))
def test_the_committed_run_configs_load_with_every_value(run):
    """docs/results/ holds run folders' config.yaml, older ones with the flat keys: each loads, and every
    value it states survives."""
    from robocue.agents.runs import load_run_config

    stated = yaml.safe_load((RESULTS / run / "config.yaml").read_text())
    config = load_run_config(RESULTS / run).to_dict()
    loaded = _flat_schema_keys(config) if set(_flat(stated)) & set(LEGACY_KEYS) else _flat(config)
    assert {key: loaded.get(key, "<missing>") for key in _flat(stated)} == _flat(stated)


def test_the_upgrade_moves_only_the_keys_a_flat_config_used():
    from robocue.configs.schema import upgrade_legacy_keys

    flat = {
        "train": {"bc_episodes": 0, "bc_epochs": 20, "bc_dataset": None, "dagger_iterations": 0, "timesteps": 100},
        "policy": {"features_extractor": "multimodal", "attention_key": "linear", "image_head": "keypoints", "augment": False},
    }
    upgraded = upgrade_legacy_keys(flat)
    assert upgraded["train"] == {"timesteps": 100}  # no cloning: no imitation section
    assert upgraded["policy"] == {"features_extractor": "multimodal", "multimodal": {"image_head": "keypoints", "augment": False}}
    assert flat["train"]["bc_epochs"] == 20  # the argument is left as it was
    dataset = upgrade_legacy_keys({"train": {"bc_episodes": 0, "bc_dataset": "data/x", "bc_epochs": 5}})
    assert dataset == {"train": {"imitation": {"episodes": 0, "dataset": "data/x", "epochs": 5}}}
    nested = {"train": {"imitation": {"episodes": 3}}, "policy": {"attention": {"key": "fields"}}}
    assert upgrade_legacy_keys(nested) == nested


# --- presets that inherit (base:) ---------------------------------------------------------------


def _leaves(data: dict, prefix: tuple[str, ...] = ()):
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value


@pytest.mark.parametrize("preset", list_presets())
def test_every_preset_states_only_what_differs_from_its_base(preset):
    """A preset restates nothing it inherits: each value it sets differs from its base's
    resolved value, or from the schema default when it has no base."""
    stated = yaml.safe_load((PRESET_DIR / f"{preset}.yaml").read_text())
    base = stated.pop("base", None)
    inherited = (load_config(base) if base else Config()).model_dump(mode="json")
    for path, value in _leaves(stated):
        node = inherited
        for part in path:
            node = node.get(part, KeyError) if isinstance(node, dict) else KeyError
        assert node != value, f"{preset}.yaml restates {'.'.join(path)}={value!r}, which it inherits from {base or 'the schema defaults'}"


def test_presets_build_on_each_other():
    """The language and gesture variants start from their onehot preset."""
    for child, parent in [("push_language_dagger", "push_dagger"), ("push_gesture_dagger", "push_dagger"), ("maze_ppo", "goto_ppo")]:
        assert yaml.safe_load((PRESET_DIR / f"{child}.yaml").read_text())["base"] == parent


def test_a_user_file_builds_on_a_preset(tmp_path):
    """Sections merge key by key; a list or value replaces the base's; overrides apply last."""
    path = tmp_path / "mine.yaml"
    path.write_text("base: push_dagger\nenv:\n  commands: language\npolicy:\n  net_arch: [64]\nalgo:\n  n_epochs: 3\n")
    config = load_config(str(path), ["train.imitation.episodes=20"])
    push = load_config("push_dagger")
    assert config.env.id == push.env.id and config.env.n_envs == push.env.n_envs
    assert config.env.commands == "language"
    assert config.policy.net_arch == [64] and config.policy.activation == push.policy.activation
    assert config.algo.hyperparameters == {**push.algo.hyperparameters, "n_epochs": 3}
    assert config.train.imitation.episodes == 20 and config.train.imitation.dagger_iterations == push.train.imitation.dagger_iterations


def test_a_base_file_is_found_next_to_the_file_naming_it(tmp_path):
    (tmp_path / "common.yaml").write_text("base: reach_ppo\nseed: 5\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.yaml").write_text("base: ../common.yaml\ntrain:\n  timesteps: 1000\n")
    config = load_config(str(tmp_path / "sub" / "mine.yaml"))
    assert config.seed == 5 and config.train.timesteps == 1000
    assert config.algo.hyperparameters == load_config("reach_ppo").algo.hyperparameters


def test_another_algorithm_replaces_the_base_algo_section(tmp_path):
    """SAC on top of a PPO preset does not inherit PPO's n_steps or n_epochs."""
    path = tmp_path / "sac.yaml"
    path.write_text("base: reach_ppo\nalgo:\n  name: sac\n  learning_starts: 10\n")
    config = load_config(str(path))
    assert config.algo.name == "sac" and config.algo.hyperparameters == {"learning_starts": 10}
    assert config.policy.net_arch == load_config("reach_ppo").policy.net_arch


@pytest.mark.parametrize(
    "files, needles",
    [
        ({"a.yaml": "base: b.yaml\n", "b.yaml": "base: a.yaml\n"}, ["cycle", "a -> b -> a"]),
        ({"a.yaml": "base: a.yaml\n"}, ["cycle", "a -> a"]),
        ({"a.yaml": "base: no_such_preset\n"}, ["'base'", "no_such_preset", "reach_ppo"]),
        ({"a.yaml": "base: missing.yaml\n"}, ["'base'", "missing.yaml", "does not exist"]),
        ({"a.yaml": "base: [reach_ppo]\n"}, ["'base'", "must name a preset"]),
        ({"a.yaml": "base: b.yaml\n", "b.yaml": "seed: [\n"}, ["b.yaml", "not valid YAML"]),
        ({"a.yaml": "base: b.yaml\n", "b.yaml": "train:\n  timestep: 1\n"}, ["'train.timestep'"]),
    ],
    ids=["cycle", "self", "unknown-preset", "missing-file", "not-a-name", "base-not-yaml", "base-bad-key"],
)
def test_bad_bases_raise_one_line_config_error(tmp_path, files, needles):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(str(tmp_path / "a.yaml"))
    assert_one_line_error(error, *needles)


def test_base_is_not_an_override():
    with pytest.raises(ConfigError) as error:
        load_config(PPO_PRESET, ["base=push_dagger"])
    assert_one_line_error(error, "'base'", "YAML file")


# --- the CLI on bad input ---------------------------------------------------------------------


def _train_cli_case(overrides, needle):
    return pytest.param(overrides, needle, id=overrides[0])


CLI_BAD_INPUTS = [
    _train_cli_case(["bogus=1"], "'bogus'"),
    _train_cli_case(["train.bogus=1"], "'train.bogus'"),
    _train_cli_case(["train.timesteps=abc"], "'train.timesteps'"),
    _train_cli_case(["env.id=robocue/Nope-v0"], "robocue/Nope-v0"),
    _train_cli_case(["algo.name=dqn"], "'algo.name'"),
    _train_cli_case(["env.kwargs.n_objects=99"], "n_objects"),
    _train_cli_case(["env.kwargs.no_such_kwarg=1"], "env.kwargs"),
    _train_cli_case(["train.timesteps"], "key=value"),
    _train_cli_case(["env.id=robocue/ReachPixels-MuJoCo-v0"], "'policy.features_extractor'"),
    _train_cli_case(["policy.features_extractor=combined"], "'policy.features_extractor'"),
    _train_cli_case(["env.kwargs.render_mode=rgb_array"], "render_mode"),
    _train_cli_case(["train.bc_episodes=5"], "config key 'train.bc_episodes' is now 'train.imitation.episodes'"),
    _train_cli_case(["policy.multimodal.augment=false"], "config key 'policy.multimodal' applies to policy.features_extractor=multimodal"),
    # hindsight relabelling needs a goal env, and names the goal twin of the env it was given
    _train_cli_case(["algo.her.n_sampled_goal=4"], "use env.id=robocue/ReachGoal-MuJoCo-v0"),
    pytest.param(
        ["device=cuda"],
        "cuda",
        id="device=cuda",
        marks=pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here"),
    ),
]


@pytest.mark.parametrize("bad, needle", CLI_BAD_INPUTS)
def test_train_cli_bad_input_exits_2_with_one_line_and_no_run_folder(bad, needle, tiny_overrides, tmp_path, capsys):
    run_dir, root = tmp_path / "run", tmp_path / "root"
    code = main(["train", SAC_PRESET, *tiny_overrides, f"run.dir={run_dir}", f"run.root={root}", *bad])
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("robocue train: error:"), err
    assert needle in lines[0]
    assert not run_dir.exists()
    assert not root.exists()
    assert list(tmp_path.iterdir()) == []


def test_train_cli_unknown_preset_exits_2(tmp_path, capsys):
    code = main(["train", "no_such_preset", f"run.root={tmp_path / 'root'}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("robocue train: error:") and "no_such_preset" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["eval", "replay"])
def test_eval_and_replay_on_a_folder_that_is_not_a_run(command, tmp_path, capsys):
    code = main([command, str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"robocue {command}: error:")
    assert "not a run folder" in lines[0] and str(tmp_path) in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_config_reference_doc_matches_the_schema():
    """docs/configs.md is generated from the schema (`python -m robocue.configs.reference`); keep them in sync."""
    doc = Path(__file__).resolve().parents[1] / "docs" / "configs.md"
    assert doc.read_text() == config_reference_markdown(), "regenerate: python -m robocue.configs.reference > docs/configs.md"


def test_field_matching_needs_command_features_with_fields():
    """The language presets match colour and shape field by field; a raw embedding has no
    fields, so asking for it with them is refused at load time, naming the key."""
    config = load_config("reach_language_ppo")
    assert config.policy.attention.key == "fields" and not config.policy.attention.object_fields_to_heads
    with pytest.raises(ConfigError, match="policy.attention.key=fields.*env.command_features=embedding"):
        load_config("reach_language_ppo", ["env.command_features=embedding"])
    with pytest.raises(ConfigError, match="policy.attention.object_fields_to_heads=false"):
        load_config("reach_language_ppo", ["env.command_features=embedding", "policy.attention.key=linear"])
    plain = load_config(
        "reach_language_ppo",
        ["env.command_features=embedding", "policy.attention.key=linear", "policy.attention.object_fields_to_heads=true"],
    )
    assert plain.env.command_features == "embedding"
