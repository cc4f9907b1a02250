"""robocue sweep --address ray://...: a Ray Client address that does not connect is one line with the fix."""

from __future__ import annotations

import pytest

from robocue.agents import sweep


def test_a_ray_client_address_that_does_not_connect_is_one_line(monkeypatch):
    def refuse(**kwargs):
        import warnings

        warnings.warn("Ray Client connection timed out. Ensure that the Ray Client port ...", UserWarning, stacklevel=1)
        raise ConnectionError("ray client connection timeout")

    monkeypatch.setattr(sweep.ray, "init", refuse)
    with pytest.raises(sweep.SpecError) as caught:
        sweep.connect_ray("ray://127.0.0.1:10001", {})
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    needles = ("--address ray://127.0.0.1:10001", "ray client connection timeout", "--ray-client-server-port", "RAY_AUTH_MODE=disabled")
    assert all(needle in message for needle in needles), message


def test_other_addresses_keep_rays_own_error(monkeypatch):
    def refuse(**kwargs):
        raise ConnectionError("could not find any running Ray instance")

    monkeypatch.setattr(sweep.ray, "init", refuse)
    with pytest.raises(ConnectionError, match="running Ray instance"):
        sweep.connect_ray("auto", {})
