"""Command-line front ends. ``robocue`` (``scripts.cli:main``) and the scripts beside it."""
