"""Why a model asked for with ``--vlm-model`` ran nothing: ``-m`` deselected every one of its cases.

pytest alone reports "5495 deselected" and exits 5; the user asked for a model and gets no word of
why. Each case carries its model's marker (the family, ``smoke`` for a tiny build: ``ModelSpec.
marker``), so the line names the marker that selects it. Counted from ``pytest_deselected`` in the
process that collects; under xdist every worker collects the same items, so each ships its counts
through ``workeroutput`` and the controller keeps one worker's view (the largest count, not the sum).
"""

from __future__ import annotations

from collections import Counter

import pytest

_WORKER_KEY = "vlmcore_deselected"


class DeselectedModels:
    def __init__(self):
        self.deselected: Counter[str] = Counter()  # model key -> cases deselected
        self.kept: Counter[str] = Counter()  # model key -> cases left to run

    def pytest_deselected(self, items) -> None:
        self.deselected.update(key for key in map(_model_of, items) if key)

    def pytest_collection_finish(self, session) -> None:
        self.kept.update(key for key in map(_model_of, session.items) if key)

    def pytest_sessionfinish(self, session) -> None:
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller collects nothing itself
            workeroutput[_WORKER_KEY] = {"deselected": dict(self.deselected), "kept": dict(self.kept)}

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        counts = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
        if not counts:
            return
        for mine, theirs in ((self.deselected, counts["deselected"]), (self.kept, counts["kept"])):
            for key, count in theirs.items():
                mine[key] = max(mine[key], int(count))

    def lines(self, models, markexpr: str, keyword: str = "") -> list[str]:
        """One line per requested model whose every case was deselected while ``-m`` was given."""
        if not markexpr:
            return []
        by = f"-m {markexpr!r}" + (f" (with -k {keyword!r})" if keyword else "")
        return [f"vlmcore: {spec.key} was requested (--vlm-model) but {by} deselected all {self.deselected[spec.key]} of its cases: "
                f"they carry the marker '{spec.marker}' (select them with -m {spec.marker}, or -m '{markexpr} or {spec.marker}')"
                for spec in models if self.deselected[spec.key] and not self.kept[spec.key]]


def _model_of(item) -> str | None:
    return getattr(getattr(item, "callspec", None), "params", {}).get("vlm_model")
