"""The typed experiment config: YAML presets and dotted ``key=value`` overrides.

Loading never has side effects: it reads files, applies overrides and validates. Every
problem becomes a :class:`ConfigError` whose message is one line naming the key and what
is allowed. Field descriptions double as the config reference (docs/configs.md).
"""

from __future__ import annotations

import copy
import inspect
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PRESET_DIR = Path(__file__).resolve().parent
DEFAULT_PRESET = "reach_ppo"


class ConfigError(ValueError):
    """A config that cannot run; the message names the key and the allowed values."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CurriculumConfig(_Section):
    """``env.curriculum``: training aids for the table tasks that move an object (push, pick_and_place)
    learned by RL without demonstrations; agents/curriculum.py. Evaluation never sees them."""

    goal_range: float = Field(
        0.06,
        gt=0.0,
        le=1.0,
        description=(
            "Metres: training goals lie on the way from the commanded object's start to its region, beyond the success "
            "distance (0.06 m) by at most this (drawn uniformly from 0 to it), instead of at the region's centre."
        ),
    )
    widen_by: float = Field(0.04, gt=0.0, le=1.0, description="Metres the goal range grows by each time training succeeds often enough.")
    full_range: float = Field(
        0.45,
        gt=0.0,
        le=2.0,
        description="Once the goal range reaches this (metres), training goals are the regions' centres, as in evaluation.",
    )
    advance_at: float = Field(
        0.8, gt=0.0, le=1.0, description="Training success over the last `window` episodes at the current range that widens it."
    )
    window: int = Field(100, ge=10, le=100_000, description="Finished training episodes the success behind each widening is counted over.")
    near_start: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Share of training episodes that start with the tool tip next to the commanded object instead of at the "
            "arm's home (envs/tasks/manipulation.py)."
        ),
    )
    air_goals: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "pick_and_place only: share of training goals lifted above the table by up to 0.15 m (drawn uniformly), so "
            "that lifting the object is rewarded before placing it is."
        ),
    )


class EnvConfig(_Section):
    id: str = Field("robocue/Reach-MuJoCo-v0", description="Registered Gymnasium id (list them with `robocue envs`).")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments for gymnasium.make, e.g. reward_type, n_objects.")
    n_envs: int = Field(1, ge=1, le=256, description="Environment copies stepped together during training (at most 256).")
    vec_env: Literal["dummy", "subproc", "threaded"] = Field(
        "dummy",
        description=(
            "How training steps the copies: dummy (one process, in turn), subproc (one process per copy) or threaded "
            "(one process, every copy's physics on a thread pool; envs/vector.py)."
        ),
    )
    commands: Literal["onehot", "language", "gesture"] = Field(
        "onehot",
        description=(
            "How the policy gets the command: onehot (the structured command), language (the simulated human says it; "
            "what the shipped language encoder understood replaces the one-hot) or gesture (the human steps to where "
            "the target stands out, points at it and swipes to the destination; what the gesture encoder recognised, "
            "resolved against the scene, replaces it as the same belief features as words; perception/command_channels.py)."
        ),
    )
    command_features: Literal["decoded", "belief", "embedding"] = Field(
        "decoded",
        description=(
            "With commands=language or gesture, what the policy reads: decoded (what was understood, one-hot per field; "
            "for gestures the most likely object pointed at), belief (per-field probabilities: the language encoder's, or "
            "the pointing belief over the scene's objects) or embedding (language only: the encoder's raw 64-d features)."
        ),
    )
    omit_shape: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "With commands=language, the probability that the simulated human names the object by its colour alone "
            '("push the red one left") in TRAINING episodes (every colour appears once per scene); evaluation always '
            "names both."
        ),
    )
    token_noise: float = Field(
        0.0,
        ge=0.0,
        le=0.05,
        description=(
            "In TRAINING episodes of the table tasks' state mode, Gaussian noise (std, metres) on every object's "
            "position in the state, as an object detector's error would be, so the policy tolerates the modular "
            "path's estimates (docs/perception.md); evaluation sees the true state."
        ),
    )
    domain_randomization: dict[str, float] | None = Field(
        None,
        description=(
            "In TRAINING episodes, per-episode jitter of the physics (and looks): a dict of envs.randomization."
            "DomainRandomization fields, friction, mass, gain (servo stiffness), latency (control steps), action_noise "
            "(std), color, light, camera; fields left out are 0 (off). Evaluation sees the physics as built "
            "(docs/transfer.md)."
        ),
    )
    engines: list[Literal["mujoco", "pybullet"]] = Field(
        default_factory=list,
        description=(
            "TRAINING episodes take turns among env.id's twins in these physics engines, e.g. [mujoco, pybullet] "
            "(envs/wrappers.py EngineMix); empty: env.id's engine only. Evaluation uses env.id."
        ),
    )
    curriculum: CurriculumConfig | None = Field(
        None,
        description=(
            "TRAINING episodes of push and pick_and_place only: goals that start close to the object and move out to "
            "the regions as training succeeds, and starts next to the object (keys: goal_range, widen_by, full_range, "
            "advance_at, window, near_start; agents/curriculum.py). None: off. A run with it cannot --resume."
        ),
    )
    object_motion: bool = Field(
        False,
        description=(
            "Append to every object token of a table task's state (a goal env's observation entry too) the object's "
            "velocity (m/s, from its position's change since the previous step; envs/wrappers.py ObjectMotion), in "
            "training and evaluation, so the policy sees an object slide or slip (docs/transfer.md). Needs "
            "env.vec_env dummy or subproc."
        ),
    )
    frame_stack: int = Field(1, ge=1, le=16, description="Stack the last N images of pixel observations along channels (1: off).")
    normalize_reward: bool = Field(
        False,
        description=(
            "Scale training rewards by a running estimate of the return's spread (SB3 VecNormalize, rewards only; "
            "observations are untouched, so evaluation and replay need no saved statistics)."
        ),
    )


OFF_POLICY = ("sac", "tqc")  # algorithms with a replay buffer


class HerConfig(_Section):
    """``algo.her``: Hindsight Experience Replay (SB3's HerReplayBuffer) for sac and tqc on goal envs."""

    n_sampled_goal: int = Field(4, ge=1, le=64, description="Relabelled transitions per real one (4: 80% of a batch relabelled).")
    goal_selection_strategy: Literal["future", "final", "episode"] = Field(
        "future", description="Where relabelled goals come from: a later step of the same episode (future), its last step, or any step."
    )
    moved_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Share of each batch drawn from episodes whose achieved goal (Push, PickAndPlace: the commanded object) got "
            "farther than moved_distance from its start (agents/her_buffer.py); 0: uniform, SB3's HerReplayBuffer."
        ),
    )
    moved_distance: float = Field(0.02, gt=0.0, le=1.0, description="Metres the achieved goal must move for an episode to count as moved.")
    device_buffer: bool | None = Field(
        None,
        description=(
            "Keep the replay buffer's transitions in tensors on the training device, where batches are gathered and "
            "relabelled (agents/her_buffer.py, DeviceHerReplayBuffer; the same batches as SB3's); null: when training "
            "runs on CUDA. Not with moved_share."
        ),
    )

    @model_validator(mode="after")
    def _one_buffer(self):
        if self.device_buffer and self.moved_share > 0:
            raise ValueError(
                f"device_buffer=true cannot go with moved_share={self.moved_share}: the moved-episode buffer keeps its "
                "transitions in host memory; turn one of them off"
            )
        return self


class AlgoConfig(BaseModel):
    """``name`` picks the algorithm; ``her`` adds hindsight relabelling; every other key is one of its
    SB3 constructor arguments."""

    model_config = ConfigDict(extra="allow")
    name: Literal["sac", "tqc", "ppo"] = Field(
        "sac", description="Algorithm: sac or ppo (Stable-Baselines3), or tqc (SAC with truncated quantile critics, sb3-contrib)."
    )
    her: HerConfig | None = Field(
        None,
        description=(
            "Hindsight Experience Replay for sac and tqc (needs a goal env, env.id robocue/<Task>Goal-...): "
            "{n_sampled_goal, goal_selection_strategy, moved_share, moved_distance, device_buffer}; None: a plain replay buffer."
        ),
    )
    matmul_dtype: Literal["float32", "bfloat16"] = Field(
        "float32",
        description=(
            "sac only: the precision of the hidden layers' products in the update (agents/fast_sac.py); float32 trains the "
            "same weights as Stable-Baselines3's SAC, bfloat16 multiplies faster where the CPU or GPU has bfloat16 units (and "
            "steps Adam with its fused kernel)."
        ),
    )

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class AttentionConfig(_Section):
    """``policy.attention``: the keys of the attention extractor (policies/attention.py)."""

    dim: int = Field(32, ge=1, description="Query/key size of the attention extractor.")
    key: Literal["linear", "mlp", "fields"] = Field(
        "linear",
        description=(
            "How the attention extractor scores an object against the command: its token's key (linear, or an MLP with "
            "one hidden layer) against a query from the whole command, or fields (the object's colour against the "
            "command's colour plus its shape against the command's shape; no cross terms, so unheard colour-shape "
            "pairs score as their parts do)."
        ),
    )
    object_fields_to_heads: bool = Field(
        True,
        description=(
            "Pass the command's colour and shape features to the actor and critic heads too; false: the heads "
            "get only the task and destination, and the object named reaches them through the attention alone."
        ),
    )
    all_tokens: bool = Field(
        False,
        description=(
            "Also pass every object token to the heads, not only the attended one (GoTo: the landmarks "
            "not commanded are obstacles to drive around)."
        ),
    )
    planner_iterations: int = Field(
        0,
        ge=0,
        description=(
            "Maze only: rounds of a value-iteration network over the maze's wall grid "
            "(policies/planner.py); its move values at the robot's place join the features (0: no planner)."
        ),
    )
    route_planner: bool = Field(
        False,
        description=(
            "Maze only (with its cell one-hots): value iteration over the maze's cell graph, passages read "
            "from the wall bits (policies/planner.py CellGraphPlanner; only its discount is learned); which moves out "
            "of the robot's cell shorten the way, and every cell's value, join the features."
        ),
    )


class MultimodalConfig(_Section):
    """``policy.multimodal``: the keys of robocue's pixel extractor (policies/multimodal.py)."""

    image_encoder: Literal["nature", "drq", "residual", "small"] = Field("drq", description="CNN architecture (perception/encoders.py).")
    image_head: Literal["linear", "keypoints"] = Field(
        "linear", description="CNN head, flatten+linear or spatial soft-argmax keypoints (x, y per channel)."
    )
    image_features_dim: int = Field(64, ge=1, description="Output size of the linear image head.")
    augment: bool = Field(True, description="DrQ random-shift augmentation of images in training updates.")
    fusion: Literal["concat", "film"] = Field(
        "film", description="Join command and image by concatenation only, or also FiLM on every conv block."
    )
    amp: bool = Field(False, description="bfloat16 autocast for the CNN on CUDA (ignored on the CPU).")


# The features extractors with a section of their own under ``policy`` (named as the extractor).
EXTRACTOR_SECTIONS = {"attention": AttentionConfig, "multimodal": MultimodalConfig}


class PolicyConfig(_Section):
    net_arch: list[Annotated[int, Field(ge=1, le=8192)]] = Field(
        default_factory=lambda: [256, 256],
        max_length=16,
        description="Hidden layer sizes of the actor and critic heads (after the features extractor; 1-8192 each, at most 16 layers).",
    )
    activation: Literal["relu", "tanh", "elu"] = Field("relu", description="Activation between hidden layers.")
    features_extractor: Literal["attention", "flatten", "combined", "multimodal"] = Field(
        "attention",
        description=(
            "How observations become features: attention (command-keyed attention over object tokens; state envs), "
            "flatten (the raw state vector), combined (SB3's NatureCNN per image + flattened rest; pixel and goal envs) "
            "or multimodal (robocue's CNN + command features + proprioception MLP, concatenated or FiLM; pixel envs)."
        ),
    )
    attention: AttentionConfig | None = Field(
        None,
        description=(
            "The attention extractor's keys (below). With features_extractor=attention an absent section takes its "
            "defaults; with any other extractor it must be absent."
        ),
    )
    multimodal: MultimodalConfig | None = Field(
        None,
        description=(
            "The multimodal extractor's keys (below). With features_extractor=multimodal an absent section takes its "
            "defaults; with any other extractor it must be absent."
        ),
    )
    share_features_extractor: bool | None = Field(
        None, description="Actor and critic share one features extractor (None: SB3's default, PPO shares, SAC does not)."
    )

    @model_validator(mode="after")
    def _chosen_extractor_section(self) -> PolicyConfig:
        """The chosen extractor's section takes its defaults when the config gives none."""
        section = EXTRACTOR_SECTIONS.get(self.features_extractor)
        if section is not None and getattr(self, self.features_extractor) is None:
            setattr(self, self.features_extractor, section())
        return self


class ImitationConfig(_Section):
    """``train.imitation``: behaviour cloning and DAgger before any RL. The section's presence
    turns imitation on (setting any key under it creates it); absent (null), there is none."""

    episodes: int = Field(
        0,
        ge=0,
        description=(
            "Clone this many episodes of the task's scripted expert (or of the teacher) into the policy before "
            "learning; 0 clones only the dataset (which must then be set)."
        ),
    )
    epochs: int = Field(20, ge=1, description="Passes over the demonstrations in every fit (the expert episodes and the dataset).")
    dataset: str | None = Field(
        None,
        description=(
            "Clone the demonstrations of this Minari dataset folder (written by `robocue collect`) into the policy "
            "before any expert episodes, DAgger or RL (None: none)."
        ),
    )
    dagger_iterations: int = Field(
        0,
        ge=0,
        description=(
            "After cloning, rounds of DAgger: the policy drives dagger_episodes episodes, the expert labels the states it "
            "visits, the policy is refitted on all labels so far. The policy after every fit (cloning and each round) "
            "is saved to model.zip, so a run stopped between rounds can still be evaluated."
        ),
    )
    episode_steps: int = Field(
        0,
        ge=0,
        description=(
            "Keep the first N steps of each expert episode cloned (0: whole episodes); many short episodes cover many "
            "more scenes (mazes) for the same number of labels."
        ),
    )
    dagger_episodes: int = Field(0, ge=0, description="Whole episodes the policy drives per DAgger round (0: episodes).")
    after_success: int = Field(
        0,
        ge=0,
        description=(
            "End each cloning and DAgger episode this many steps after it first succeeds (0: at its end), so labels "
            "of the robot resting at the goal do not swamp the rest."
        ),
    )
    aux_weight: float = Field(
        0.0,
        ge=0,
        description=(
            "PPO only: weight of an auxiliary loss in every fit, a linear head predicting the task's achieved and "
            "desired goals (true state) from the policy's features; helps pixel encoders localise (0: off)."
        ),
    )
    aux_target: Literal["goals", "state"] = Field(
        "goals",
        description=(
            "With aux_weight > 0: what the auxiliary head predicts, the achieved and desired goals, or those and the "
            "task's whole true state block (every object token and the scene block: obstacles, walls), each part "
            "by its own mean squared error."
        ),
    )
    lr_schedule: Literal["constant", "cosine"] = Field(
        "constant",
        description=(
            "The learning rate (1e-3) of every fit stays constant, or decays to zero along a cosine over that fit's "
            "epochs, so each fit ends at a minimum rather than wherever the last noisy step left it."
        ),
    )
    dagger_focus: float = Field(
        0.0,
        ge=0,
        description=(
            "A DAgger label where the policy's own action was off the expert's by d (mean absolute difference) weighs "
            "1 + dagger_focus * d in every later fit, so the few states the policy gets badly wrong are not outvoted "
            "(0: all labels weigh 1)."
        ),
    )
    teacher: str | None = Field(
        None,
        description=(
            "A run folder of a state-mode policy of the same task (any engine) that acts in the cloning episodes and "
            "labels every state instead of the scripted expert, seeing the state while this policy sees its own "
            "observation (for example pixels); e.g. a policy fine-tuned by RL that outdoes the expert's clone."
        ),
    )


class TrainConfig(_Section):
    timesteps: int = Field(
        30_000,
        ge=0,
        description=(
            "Environment steps of reinforcement learning (over all env copies); 0 with a train.imitation section trains "
            "by imitation only (cloning and DAgger rounds, no RL)."
        ),
    )
    checkpoint_every: int = Field(10_000, ge=0, description="Save checkpoints/step_<N>.zip every N steps; 0 disables.")
    checkpoint_every_seconds: float = Field(
        120,
        ge=0,
        allow_inf_nan=False,
        description=(
            "Also save checkpoints/step_<N>.zip every this many seconds of wall time, so a run killed with SIGKILL loses "
            "little; 0 disables. eval, replay, init_from and imitation.teacher use the newest checkpoint of a run without model.zip."
        ),
    )
    resume_replay_buffer: bool = Field(
        True,
        description=(
            "SAC: save the replay buffer with every exact-resume state (checkpoints/resume_<N>.npz), so that "
            "`robocue train --resume` continues bit for bit; false saves memory and disk, and a resumed run refills it."
        ),
    )
    imitation: ImitationConfig | None = Field(
        None,
        description=(
            "Imitation before any RL: behaviour cloning of expert episodes or a dataset, then DAgger rounds (the keys "
            "below; None: none). Setting any key under it turns it on."
        ),
    )
    init_from: str | None = Field(
        None,
        description=(
            "Fine-tuning: a run folder whose model.zip gives the policy's starting weights (same algo, policy section "
            "and observation and action spaces; the env may differ where those match, e.g. the other engine's twin). "
            "Any warm start and RL steps continue from there."
        ),
    )
    trust_pickle: bool = Field(
        False,
        description=(
            "Let init_from and imitation.teacher name a Stable-Baselines3 zip made elsewhere (a .zip, or a folder with model.zip "
            "and no robocue config.yaml), loaded with SB3's loader, which UNPICKLES it and so runs any code inside: only "
            "for zips from someone you trust. robocue run folders never need it (they load as weights only)."
        ),
    )
    critic_warmup: int = Field(
        0,
        ge=0,
        description=(
            "RL steps at the start of learning in which only the critic (value function) learns; the actor, with any "
            "features extractor it shares, is frozen, so a cloned or init_from policy is not pushed around by "
            "advantages from an untrained critic (0: off)."
        ),
    )
    max_seconds: float = Field(
        0, ge=0, description="Stop learning after this much wall time (then save, evaluate and record as usual); 0: no limit."
    )
    target_success: float | None = Field(
        None,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description=(
            "Time to success: the success rate (0 < x <= 1) the periodic evaluation waits for; the first evaluation "
            "that reaches it sets steps_to_target and seconds_to_target in train.json (None: off)."
        ),
    )
    eval_every: int = Field(
        0,
        ge=0,
        description=(
            "Periodic evaluation every this many RL environment steps (> 0 when target_success is set and "
            "timesteps > 0): eval_episodes fixed-seed episodes with deterministic actions in a separate env, without "
            "drawing from training's random streams; imitation evaluates after every fit instead (0: off)."
        ),
    )
    eval_episodes: int = Field(20, ge=1, description="Episodes of each periodic evaluation (seeds 20000, 20001, ...).")
    stop_at_target: bool = Field(False, description="Stop training at the first periodic evaluation that reaches target_success.")
    progress_bar: bool = Field(True, description="Show a progress bar with the running success rate.")
    torch_threads: int = Field(1, ge=0, description="torch.set_num_threads for training; 0 keeps torch's default.")
    evaluate: bool = Field(True, description="Evaluate the final model and write eval.json when training ends.")
    video: bool = Field(True, description="Record a replay video into videos/ when training ends.")


class EvalConfig(_Section):
    episodes: int = Field(50, ge=1, description="Evaluation episodes.")
    seed: int = Field(
        10_000, ge=0, le=2**32 - 2**20, description="Seed of the first evaluation episode; episode i uses seed + i (below 2**32)."
    )
    deterministic: bool = Field(True, description="Use the policy's deterministic action.")


class VideoConfig(_Section):
    episodes: int = Field(2, ge=1, description="Episodes in the replay video written after training.")
    width: int = Field(480, ge=16, le=1280, description="Frame width, pixels.")
    height: int = Field(360, ge=16, le=960, description="Frame height, pixels.")
    fps: int | None = Field(None, ge=1, description="Frames per second; default: the env's control rate.")


class LoggingConfig(_Section):
    wandb: Literal["offline", "online", "disabled"] = Field("offline", description="wandb mode; offline never touches the network.")
    wandb_project: str = Field("robocue", description="wandb project name.")
    tensorboard: bool = Field(True, description="Write TensorBoard events under metrics/.")


class RunConfig(_Section):
    dir: str | None = Field(None, description="Run folder; default <root>/<env>__<algo>__<seed>__<time>.")
    root: str = Field("runs", description="Parent folder of default-named runs.")


class Config(_Section):
    env: EnvConfig = Field(default_factory=EnvConfig)
    algo: AlgoConfig = Field(default_factory=AlgoConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    video: VideoConfig = Field(default_factory=VideoConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    run: RunConfig = Field(default_factory=RunConfig)
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of training (env resets, network init, exploration); 0 to 2**32-1.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="Torch device; auto picks CUDA when available.")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# --- flat keys of older configs ----------------------------------------------------------------
# Keys that apply to one recipe or one features extractor live in optional sections. Configs
# written with the flat schema (run folders' config.yaml) name them as below: old key -> new key.
LEGACY_KEYS = {
    "train.bc_episodes": "train.imitation.episodes",
    "train.bc_epochs": "train.imitation.epochs",
    "train.bc_dataset": "train.imitation.dataset",
    "train.dagger_iterations": "train.imitation.dagger_iterations",
    "train.bc_episode_steps": "train.imitation.episode_steps",
    "train.dagger_episodes": "train.imitation.dagger_episodes",
    "train.bc_after_success": "train.imitation.after_success",
    "train.bc_aux_weight": "train.imitation.aux_weight",
    "train.bc_aux_target": "train.imitation.aux_target",
    "train.bc_lr_schedule": "train.imitation.lr_schedule",
    "train.dagger_focus": "train.imitation.dagger_focus",
    "train.teacher": "train.imitation.teacher",
    "policy.attention_dim": "policy.attention.dim",
    "policy.attention_key": "policy.attention.key",
    "policy.object_fields_to_heads": "policy.attention.object_fields_to_heads",
    "policy.attention_all_tokens": "policy.attention.all_tokens",
    "policy.planner_iterations": "policy.attention.planner_iterations",
    "policy.route_planner": "policy.attention.route_planner",
    "policy.image_encoder": "policy.multimodal.image_encoder",
    "policy.image_head": "policy.multimodal.image_head",
    "policy.image_features_dim": "policy.multimodal.image_features_dim",
    "policy.augment": "policy.multimodal.augment",
    "policy.fusion": "policy.multimodal.fusion",
    "policy.amp": "policy.multimodal.amp",
}


def _legacy_section_in_effect(data: dict, section: str, values: dict) -> bool:
    """Whether a flat config used the keys that move into ``section`` (train.imitation, policy.<extractor>)."""
    if section == "train.imitation":
        return bool(values.get("episodes") or values.get("dataset"))
    extractor = (data.get("policy") or {}).get("features_extractor", PolicyConfig.model_fields["features_extractor"].default)
    return section == f"policy.{extractor}"


def upgrade_legacy_keys(data: dict) -> dict:
    """A copy of ``data`` (a run folder's config) with the flat keys of :data:`LEGACY_KEYS` moved into their sections.

    A flat config holds every key, used or not: the keys of a section move when the config used
    it (imitation: bc_episodes > 0 or a bc_dataset; policy.attention or policy.multimodal: the
    chosen features_extractor), and are dropped otherwise, since they changed nothing. A config
    without flat keys comes back unchanged.
    """
    if not isinstance(data, dict):
        return data
    data = copy.deepcopy(data)
    moved: dict[str, dict] = {}
    for old, new in LEGACY_KEYS.items():
        parent, _, key = old.partition(".")
        node = data.get(parent)
        if isinstance(node, dict) and key in node:
            section, _, field = new.rpartition(".")
            moved.setdefault(section, {})[field] = node.pop(key)
    for section, values in moved.items():
        if _legacy_section_in_effect(data, section, values):
            parent, _, name = section.partition(".")
            data[parent][name] = {**values, **(data[parent].get(name) or {})}
    return data


# --- algorithm hyperparameters -----------------------------------------------------------
# Constructor arguments that robocue sets itself and a config may not.
_RESERVED = {
    "self",
    "policy",
    "env",
    "seed",
    "device",
    "verbose",
    "tensorboard_log",
    "policy_kwargs",
    "_init_setup_model",
}
_UNSUPPORTED = {
    "action_noise",
    "replay_buffer_class",
    "replay_buffer_kwargs",
    "rollout_buffer_class",
    "rollout_buffer_kwargs",
}


def algorithm_class(name: str):
    """The Stable-Baselines3 (or sb3-contrib) class for ``name`` (sac, tqc or ppo)."""
    # lazy import: configs is the lowest floor and loads in 1.0 s; Stable-Baselines3 (with torch)
    # takes 9.1 s more (`python -X importtime`, 2-core machine under load), which `robocue train
    # --help` and config checks must not pay.
    from stable_baselines3 import PPO, SAC

    if name == "tqc":
        from sb3_contrib import TQC

        return TQC
    return {"sac": SAC, "ppo": PPO}[name]


def hyperparameter_defaults(name: str) -> dict[str, Any]:
    """Configurable constructor arguments of algorithm ``name`` with their defaults."""
    signature = inspect.signature(algorithm_class(name).__init__)
    return {key: param.default for key, param in signature.parameters.items() if key not in _RESERVED | _UNSUPPORTED}


# Ranges SB3 needs (or that make sense) for numeric hyperparameters: key -> (low, high, low inclusive).
_RANGES = {
    "learning_rate": (0, 1, False),
    "gamma": (0, 1, False),
    "gae_lambda": (0, 1, True),
    "tau": (0, 1, False),
    "clip_range": (0, math.inf, False),
    "clip_range_vf": (0, math.inf, False),
    "target_kl": (0, math.inf, False),
    "vf_coef": (0, math.inf, True),
    "ent_coef": (0, math.inf, True),
    "max_grad_norm": (0, math.inf, False),
    "batch_size": (2, 2**20, True),
    "n_epochs": (1, 10_000, True),
    "buffer_size": (1, 10**8, True),
    "learning_starts": (0, 10**9, True),
    "target_update_interval": (1, 10**9, True),
    "gradient_steps": (-1, 10**6, True),
    "sde_sample_freq": (-1, 10**9, True),
    "stats_window_size": (1, 10**6, True),
}
_N_STEPS_RANGE = {"ppo": (2, 2**20), "sac": (1, 1000), "tqc": (1, 1000)}  # PPO: rollout length per env copy; SAC: n-step returns


def _check_ranges(algo: AlgoConfig) -> None:
    for key, value in algo.hyperparameters.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"config key 'algo.{key}' must be a finite number, got {value!r}")
        if key == "n_steps":
            low, high = _N_STEPS_RANGE[algo.name]
            if not low <= value <= high:
                raise ConfigError(f"config key 'algo.n_steps' must be from {low} to {high} for {algo.name.upper()}, got {value!r}")
        if key == "train_freq":
            count = value[0] if isinstance(value, list) else value
            if not isinstance(count, int) or count < 1:
                raise ConfigError(f"config key 'algo.train_freq' must be at least 1, got {value!r}")
        if key not in _RANGES or value is None or isinstance(value, (str, bool)):
            continue
        low, high, inclusive = _RANGES[key]
        if not ((low <= value) if inclusive else (low < value)) or value > high:
            allowed = f"{'at least' if inclusive else 'above'} {low}" + ("" if high == math.inf else f" and at most {high}")
            raise ConfigError(f"config key 'algo.{key}' must be {allowed}, got {value!r}")


def _check_hyperparameters(algo: AlgoConfig) -> None:
    defaults = hyperparameter_defaults(algo.name)
    for key, value in algo.hyperparameters.items():
        if key not in defaults:
            raise ConfigError(f"config key 'algo.{key}' is not a {algo.name.upper()} hyperparameter; valid: {', '.join(sorted(defaults))}")
        default = defaults[key]
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = (isinstance(value, int) and not isinstance(value, bool)) or (
                key == "train_freq" and isinstance(value, list) and len(value) == 2
            )
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif isinstance(default, str):  # e.g. ent_coef="auto" also accepts a number
            ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        else:  # None defaults (clip_range_vf, target_kl): a number or null
            ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
        if not ok:
            raise ConfigError(f"config key 'algo.{key}' must be like its default {default!r} ({type(default).__name__}), got {value!r}")
    _check_ranges(algo)


# --- loading ---------------------------------------------------------------------------------
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def parse_value(text: str) -> Any:
    """Parses an override value as YAML, reading ``3e-4`` as a float (YAML 1.1 would not)."""
    if _FLOAT.match(text.strip()) and not re.match(r"^[-+]?\d+$", text.strip()):
        return float(text)
    try:
        return yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        return text


def apply_override(data: dict, override: str) -> None:
    """Applies one ``dotted.key=value`` override to a nested dict in place."""
    if "=" not in override:
        raise ConfigError(f"override {override!r} must look like key=value, e.g. train.timesteps=20000")
    key, _, text = override.partition("=")
    parts = key.strip().split(".")
    if not all(parts):
        raise ConfigError(f"override key {key!r} is not a dotted key like algo.learning_rate")
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ConfigError(f"config key '{'.'.join(parts[: depth + 1])}' is a value, not a section; cannot set {key!r}")
        node = child
    node[parts[-1]] = parse_value(text)


def list_presets() -> list[str]:
    """Names of the YAML presets shipped in configs/."""
    return sorted(path.stem for path in PRESET_DIR.glob("*.yaml"))


def resolve_source(source: str | None) -> Path:
    """A preset name or a YAML path -> the file to read."""
    if source is None:
        source = DEFAULT_PRESET
    path = Path(source)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if path.is_dir():
            raise ConfigError(f"config file {source!r} is a folder; give a .yaml file or a preset name")
        if not path.is_file():
            raise ConfigError(f"config file {source!r} does not exist")
        return path
    preset = PRESET_DIR / f"{source}.yaml"
    if not preset.is_file():
        raise ConfigError(f"unknown preset {source!r}; presets: {', '.join(list_presets())} (or give a path to a .yaml file)")
    return preset


def section_class(annotation) -> type[BaseModel] | None:
    """The section model a field holds (``ImitationConfig | None`` -> ImitationConfig), or None for a value."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _format_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        if loc in LEGACY_KEYS:
            return f"config key '{loc}' is now '{LEGACY_KEYS[loc]}'"
        section = Config
        for part in first["loc"][:-1]:
            section = section_class(section.model_fields[str(part)].annotation)
        valid = ", ".join(section.model_fields)
        return f"config key '{loc}' is unknown; valid keys{' under ' + repr(loc.rsplit('.', 1)[0]) if '.' in loc else ''}: {valid}"
    return f"config key '{loc}': {first['msg']} (got {first['input']!r})"


# Imitation keys that act on the expert episodes; with episodes=0 (the dataset alone) they keep their defaults.
_EXPERT_EPISODE_KEYS = ("episode_steps", "dagger_episodes", "after_success", "aux_weight", "lr_schedule", "teacher")


def validate_config(data: dict) -> Config:
    """Validates a nested dict into a :class:`Config`, raising :class:`ConfigError`."""
    if not isinstance(data, dict):
        raise ConfigError(f"a config must be a mapping of keys to values, got {type(data).__name__}")
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error)) from None
    _check_hyperparameters(config.algo)
    if config.algo.matmul_dtype != "float32" and config.algo.name != "sac":
        raise ConfigError(f"config key 'algo.matmul_dtype': {config.algo.matmul_dtype} needs algo.name sac (got {config.algo.name})")
    if config.algo.her is not None and config.algo.name not in OFF_POLICY:
        raise ConfigError(f"config key 'algo.her' needs a replay buffer: algo.name {' or '.join(OFF_POLICY)} (got {config.algo.name})")
    if config.env.command_features == "embedding" and config.env.commands != "language":
        raise ConfigError(
            f"config key 'env.command_features=embedding' applies to env.commands=language only (got commands={config.env.commands}); "
            "gestures give decoded or belief features"
        )
    policy = config.policy
    for name in EXTRACTOR_SECTIONS:
        if getattr(policy, name) is not None and policy.features_extractor != name:
            raise ConfigError(
                f"config key 'policy.{name}' applies to policy.features_extractor={name} only "
                f"(got features_extractor={policy.features_extractor})"
            )
    attention = policy.attention
    if config.env.command_features == "embedding" and attention is not None:
        fields = attention.key == "fields"
        if fields or not attention.object_fields_to_heads:
            key = "attention.key=fields" if fields else "attention.object_fields_to_heads=false"
            raise ConfigError(
                f"config key 'policy.{key}' needs command features that say where the colour and shape are, and "
                "env.command_features=embedding does not: use env.command_features=decoded or belief, or policy.attention.key=linear "
                "policy.attention.object_fields_to_heads=true"
            )
    if config.env.omit_shape > 0 and config.env.commands != "language":
        raise ConfigError(f"config key 'env.omit_shape' applies to env.commands=language only (got commands={config.env.commands})")
    if config.env.token_noise > 0 and config.env.vec_env == "threaded":
        raise ConfigError("config key 'env.token_noise' needs env.vec_env=dummy or subproc (the threaded env applies no wrappers)")
    imitation = config.train.imitation
    if imitation is not None:
        if not imitation.episodes and not imitation.dataset:
            raise ConfigError(
                "config key 'train.imitation' needs train.imitation.episodes > 0 (expert episodes to clone) or "
                "train.imitation.dataset; for no imitation leave the section out (train.imitation=null)"
            )
        defaults = ImitationConfig()
        for key in _EXPERT_EPISODE_KEYS:
            if not imitation.episodes and getattr(imitation, key) != getattr(defaults, key):
                raise ConfigError(
                    f"config key 'train.imitation.{key}' acts on the expert episodes, so it needs train.imitation.episodes > 0 "
                    "(with episodes=0 only the dataset is cloned)"
                )
        if imitation.aux_target != "goals" and not imitation.aux_weight:
            raise ConfigError(
                "config key 'train.imitation.aux_target' chooses what the auxiliary head predicts, "
                "so it needs train.imitation.aux_weight > 0"
            )
        if imitation.dagger_focus and not imitation.dagger_iterations:
            raise ConfigError(
                "config key 'train.imitation.dagger_focus' weighs DAgger labels, so it needs train.imitation.dagger_iterations > 0"
            )
        if imitation.aux_weight > 0 and config.algo.name != "ppo":
            raise ConfigError(
                f"config key 'train.imitation.aux_weight' applies with PPO only (needs algo.name=ppo; got algo.name={config.algo.name})"
            )
    if config.train.critic_warmup and config.train.critic_warmup >= config.train.timesteps:
        raise ConfigError(
            f"config key 'train.critic_warmup' ({config.train.critic_warmup}) must be below train.timesteps "
            f"({config.train.timesteps}), or the actor never learns"
        )
    if config.train.target_success is not None and config.train.timesteps and not config.train.eval_every:
        raise ConfigError(
            f"config key 'train.eval_every' must be > 0 (environment steps between evaluations) when train.target_success is set "
            f"(got target_success={config.train.target_success:g}, eval_every=0)"
        )
    if config.train.stop_at_target and config.train.target_success is None:
        raise ConfigError("config key 'train.stop_at_target' needs train.target_success, a success rate in (0, 1]")
    if config.train.timesteps == 0 and imitation is None:
        raise ConfigError(
            "train.timesteps=0 trains by imitation only, so it needs a train.imitation section (train.imitation.episodes > 0 "
            "or train.imitation.dataset); or set train.timesteps >= 1"
        )
    return config


BASE_KEY = "base"


def _read_mapping(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {str(path)!r} is not valid YAML: {str(error).splitlines()[0]}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {str(path)!r} is not text (UTF-8 YAML)") from None
    except OSError as error:
        raise ConfigError(f"config file {str(path)!r} cannot be read: {error.strerror or error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {str(path)!r} must hold a mapping of keys to values")
    return data


def _base_path(base: Any, path: Path) -> Path:
    """The file a ``base:`` value names: a preset name, or a .yaml path relative to the file that names it."""
    if not isinstance(base, str) or not base.strip():
        raise ConfigError(f"config key 'base' in {str(path)!r} must name a preset or a .yaml file, got {base!r}")
    if Path(base).suffix in (".yaml", ".yml"):
        base_path = path.parent / base
        if not base_path.is_file():
            raise ConfigError(f"config key 'base' in {str(path)!r}: file {str(base_path)!r} does not exist")
        return base_path
    base_path = PRESET_DIR / f"{base}.yaml"
    if not base_path.is_file():
        raise ConfigError(f"config key 'base' in {str(path)!r}: unknown preset {base!r}; presets: {', '.join(list_presets())}")
    return base_path


def merge_config(base: dict, child: dict) -> dict:
    """``child`` laid over ``base``: sections merge key by key, any other value (a list too) replaces.

    An ``algo`` section that names a different algorithm replaces the base's whole ``algo``
    section, since the base's hyperparameters belong to the base's algorithm.
    """
    merged = dict(base)
    for key, value in child.items():
        if key == "algo" and isinstance(value, dict) and isinstance(base.get(key), dict):
            if value.get("name", base[key].get("name", "sac")) != base[key].get("name", "sac"):
                merged[key] = value
                continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_config_file(path: Path, _chain: tuple[Path, ...] = ()) -> dict:
    """A YAML config file as a nested dict, with its ``base:`` chain (if any) resolved and merged."""
    data = _read_mapping(path)
    if BASE_KEY not in data:
        return data
    chain = (*_chain, path.resolve())
    base_path = _base_path(data.pop(BASE_KEY), path)
    if base_path.resolve() in chain:
        names = " -> ".join(p.stem for p in (*chain, base_path.resolve()))
        raise ConfigError(f"config key 'base' in {str(path)!r} makes a cycle: {names}")
    return merge_config(read_config_file(base_path, chain), data)


def load_config(source: str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Loads a preset name or YAML path (with its ``base:`` chain), applies ``key=value`` overrides and validates.

    Raises:
        ConfigError: with a one-line message naming the bad key and the allowed values.
    """
    data = read_config_file(resolve_source(source))
    for override in overrides:
        if override.partition("=")[0].strip() == BASE_KEY:
            raise ConfigError(f"config key '{BASE_KEY}' belongs in a YAML file, not an override; name the preset to start from instead")
        apply_override(data, override)
    return validate_config(data)


def _preset_base(name: str) -> str:
    """The ``base:`` a shipped preset names, as Markdown ("-" for none)."""
    base = _read_mapping(PRESET_DIR / f"{name}.yaml").get(BASE_KEY)
    return f"`{base}`" if base else "-"


def config_reference_markdown() -> str:
    """The config reference (docs/configs.md), generated from the schema's field descriptions."""
    lines = [
        "# Config reference",
        "",
        "Generated from `configs/schema.py` by `python -m robocue.configs.reference > docs/configs.md`;",
        "a test fails when this file and the schema disagree.",
        "",
        "A config is a YAML file (or a preset name from `configs/`) plus dotted `key=value`",
        "overrides on the command line, e.g. `robocue train reach_sac algo.learning_rate=3e-4 seed=3`.",
        "Values are parsed as YAML (`3e-4` is read as a float). Unknown keys, wrong types and",
        "unknown choices stop with a one-line error naming the key and the allowed values (exit code 2).",
        "",
        "## Presets that build on others (`base:`)",
        "",
        "A YAML file may start from another with a top-level `base:` key naming a preset (`base: push_dagger`)",
        "or a `.yaml` file (a relative path is read from the folder of the file that names it), and then states",
        "only what differs. The base is resolved first (its own `base:` too), then the file is laid over it:",
        "sections merge key by key, and any other value, a list included, replaces the base's. An `algo` section",
        "that names another algorithm replaces the base's whole `algo` section. A cycle or an unknown base stops",
        "with a one-line error. `base` is not an override key, and run folders store the resolved config, with",
        "no `base:`. Each shipped preset states only values that differ from its base or, without one, from the",
        "defaults below (a test checks it):",
        "",
        "| preset | base |",
        "|---|---|",
        *(f"| `{name}` | {_preset_base(name)} |" for name in list_presets()),
        "",
        "## Optional sections",
        "",
        "Keys that apply to one recipe or one features extractor live in sections of their own:",
        "",
        "- `train.imitation`: behaviour cloning and DAgger before any RL. Absent (`null`, the default), there",
        "  is none; stating the section, or any key under it (`train.imitation.episodes=50`), turns it on. It",
        "  needs `episodes > 0` (expert episodes to clone) or a `dataset`; with `episodes: 0` only the dataset is",
        "  cloned, so the keys that act on expert episodes keep their defaults. `train.imitation=null` turns a",
        "  preset's imitation off.",
        "- `policy.attention` and `policy.multimodal`: the keys of the extractor of that name. The section of the",
        "  chosen `policy.features_extractor` takes its defaults when absent; the section of an extractor not chosen",
        "  stops with a one-line error (a preset on another extractor's base sets it to `null`).",
        "",
        "A flat key of the schema without these sections (run folders written with it hold them all) stops",
        "`robocue train` with a one-line error naming its new key. A run folder's own config.yaml with flat",
        "keys still loads (`robocue eval`, `--resume`, `train.init_from`, `robocue distill`, the results",
        "table): `upgrade_legacy_keys` moves the keys of each section the run used into it and drops the",
        "others, which had no effect. The table:",
        "",
        "| flat key | key |",
        "|---|---|",
        *(f"| `{old}` | `{new}` |" for old, new in LEGACY_KEYS.items()),
        "",
        "## Keys",
        "",
        "| key | type | default | description |",
        "|---|---|---|---|",
    ]

    def type_name(annotation) -> str:
        return str(annotation).replace("typing.", "").replace("<class '", "").replace("'>", "")

    def walk(model, prefix: str):
        for name, field in model.model_fields.items():
            annotation = field.annotation
            section = section_class(annotation)
            if section is not None and field.default is None:  # an optional section: its own row, then its keys
                description = (field.description or "").replace("|", "\\|")
                lines.append(f"| `{prefix}{name}` | section or `None` | `None` | {description} |")
            if section is not None:
                walk(section, f"{prefix}{name}.")
                continue
            default = field.get_default(call_default_factory=True)
            description = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{prefix}{name}` | `{type_name(annotation)}` | `{default!r}` | {description} |")

    walk(Config, "")
    lines += [
        "",
        "## Algorithm hyperparameters (`algo.<name>`)",
        "",
        "Every key under `algo` other than `name` is passed to the Stable-Baselines3 constructor",
        "and checked against its signature; its type must match the SB3 default's type.",
        "",
    ]
    for algo in ("sac", "ppo"):
        defaults = hyperparameter_defaults(algo)
        lines.append(f"- **{algo}**: " + ", ".join(f"`{key}` ({value!r})" for key, value in sorted(defaults.items())))
    lines += [
        "",
        "Set by robocue, not configurable here: policy, env, seed (`seed`), device (`device`),",
        "verbose, tensorboard_log (`logging.tensorboard`), policy_kwargs (the `policy` section).",
        "",
    ]
    return "\n".join(lines)
