"""The command-split checks shared by the PyTorch and the ONNX evaluation."""

import subprocess
import sys

import pytest

from robocue.configs import ConfigError
from robocue.perception.command_splits import COMMAND_SPLITS, GESTURE_SPLITS, check_command_split, default_split


def test_default_split_per_command_mode():
    assert default_split("language") == "train"
    assert default_split("gesture") == "gesture"
    assert default_split("onehot") is None


ALLOWED = [("language", s) for s in COMMAND_SPLITS] + [("gesture", s) for s in GESTURE_SPLITS] + [("onehot", None)]


@pytest.mark.parametrize("mode, split", ALLOWED)
def test_allowed_splits_pass(mode, split):
    check_command_split(mode, split)


@pytest.mark.parametrize(
    "mode, split, says",
    [
        ("onehot", "train", "one-hot commands"),
        ("language", "gesture", "splits: train, paraphrase, composition, outside"),
        ("gesture", "paraphrase", "splits: gesture, gesture-heldout, gesture-outside"),
    ],
)
def test_wrong_split_is_one_line(mode, split, says):
    with pytest.raises(ConfigError) as error:
        check_command_split(mode, split)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_imports_no_torch():
    code = "import sys, robocue.perception.command_splits; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
