"""``-p vlmcore.plugin.gpu_pinning``: each pytest-xdist worker sees exactly one GPU.

Worker ``gwN`` takes the N-th of the GPUs this job may use: those an inherited
``CUDA_VISIBLE_DEVICES`` lists (a runner that hands the job GPUs 2 and 3 sets "2,3"; worker gw1
then sees "3"), or GPU N when nothing is inherited. The variable is *overwritten*, never
``setdefault``: an inherited list left in place would give every worker every GPU, each loading its
model on the first. Set when this plugin is imported, before any model loads (CUDA reads it at
its first call). A worker without a GPU of its own is a usage error naming both counts.
"""

from __future__ import annotations

import os

import pytest

INHERITED = "VLMCORE_INHERITED_CUDA_VISIBLE_DEVICES"  # the job's list, kept for the report and for workers


def visible_devices(environ) -> list[str] | None:
    """The job's GPUs (an inherited ``CUDA_VISIBLE_DEVICES``), or None when nothing was inherited."""
    listed = environ.get(INHERITED, environ.get("CUDA_VISIBLE_DEVICES"))
    if listed is None:
        return None
    return [device.strip() for device in listed.split(",") if device.strip()]


def pin(environ=os.environ) -> str | None:
    """Pin this process to its worker's GPU; returns the device it now sees (None outside xdist)."""
    worker = environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    index = int(worker.removeprefix("gw"))
    devices = visible_devices(environ)
    if devices is not None:
        environ.setdefault(INHERITED, ",".join(devices))
        if index >= len(devices):
            raise pytest.UsageError(f"gpu_pinning: xdist worker {worker} has no GPU of its own: the job may use {len(devices)} "
                                    f"({','.join(devices) or 'none'}); run at most that many workers (-n {len(devices)})")
        chosen = devices[index]
    else:
        chosen = str(index)
    environ["CUDA_VISIBLE_DEVICES"] = chosen
    return chosen


def pytest_configure(config) -> None:
    pin()


pin()
