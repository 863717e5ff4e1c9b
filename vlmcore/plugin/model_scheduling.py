"""One model's cases on one xdist worker, when ``--dist loadgroup`` is asked for.

Every benchmark case carries ``xdist_group(<model key>)`` so that a worker loads one model and
evaluates its groups once. With pytest 9.2 and pytest-xdist 3.8 that mark does not group cases
made by ``pytest.param(..., marks=...)``: a model's cases were spread over every worker (checked
with ``-v``: one model's 22 cases ran on both workers of ``-n 2``), so each worker loaded every
model and the workers raced to evaluate the same groups. xdist lets a plugin supply the scheduler
(``pytest_xdist_make_scheduler``); this one is xdist's own scope scheduling (whole work units to a
worker, in collection order) whose scope is the model a case's parameter id starts with. Cases of
no model (another project's tests in the same run) keep xdist's own loadgroup scope.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling


class ModelScopeScheduling(LoadGroupScheduling):
    def __init__(self, config, log=None, models: list[str] = ()):
        super().__init__(config, log)
        self.models = sorted(models, key=len, reverse=True)  # "robust-seed1" before its prefix "robust"

    def _split_scope(self, nodeid: str) -> str:
        return model_scope(nodeid, self.models) or super()._split_scope(nodeid)


def model_scope(nodeid: str, models: list[str]) -> str | None:
    """The model whose cases ``nodeid`` is one of (its parameter id is ``<model>`` or ``<model>-<subject>``)."""
    if not nodeid.endswith("]") or "[" not in nodeid:
        return None
    params = nodeid[nodeid.index("[") + 1:-1]
    return next((key for key in sorted(models, key=len, reverse=True) if params == key or params.startswith(key + "-")), None)
