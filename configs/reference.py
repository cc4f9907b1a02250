"""Prints the config reference: ``python -m robocue.configs.reference > docs/configs.md``."""

from robocue.configs.schema import config_reference_markdown

if __name__ == "__main__":
    print(config_reference_markdown(), end="")
