"""The flip search of each (model, group), run once per process and kept by the collector.

Every candidate paraphrase is scored up front through the engine (batched on the group's film,
read from the result store on a rerun); the derandomized search (``paraphrase.search``) then
reads that table and makes no model call of its own.

``--vlm-flip-search-groups N`` bounds the work: each model searches the same N groups (``sample``),
the others are not searched and their cases say so."""

from __future__ import annotations

import hashlib
import time

from vlmcore.plugin.collector import ResultCollector
from vlmcore.plugin.configuration import RunConfiguration
from vlmcore.plugin.model_pool import ModelPool
from vlmcore.report.outcomes import FlipFinding


class FlipSearches:
    def __init__(self, configuration: RunConfiguration, pool: ModelPool, collector: ResultCollector):
        self.configuration, self.pool, self.collector = configuration, pool, collector
        self.seconds = 0.0  # the search's own time, without the engine's model time (counted there)
        budget = configuration.options.flip_search_groups
        self.searched = None if budget is None else sample([(g.group_id, g.finding) for g in configuration.dataset.groups], budget)

    def not_searched(self, group_id: str) -> str:
        """Why this group is not searched (``--vlm-flip-search-groups``), or "" when it is."""
        if self.searched is None or group_id in self.searched:
            return ""
        return (f"not flip-searched: --vlm-flip-search-groups {len(self.searched)} searches that many groups per model "
                f"(a fixed sample over the findings); 'all' searches every group")

    def result(self, key: str, group_id: str) -> FlipFinding:
        found = self.collector.flip(key, group_id)
        if found is None:
            engine = self.pool.engine(key)
            counted_before = _counted_elsewhere(engine)
            started = time.perf_counter()
            found = self._search(key, group_id)
            self.collector.add_flip(found)
            counted = _counted_elsewhere(engine) - counted_before
            self.seconds += time.perf_counter() - started - counted
        return found

    def _search(self, key: str, group_id: str) -> FlipFinding:
        from vlmcore.paraphrase.search import FlipStore, candidate_texts, search_flip

        engine = self.pool.engine(key)
        evaluation = engine.group(group_id)
        question = evaluation.group.base.question
        margins = engine.margins(evaluation.image, evaluation.base.image_sha, [question] + candidate_texts(question))

        def margin_of(text: str) -> float:
            if text not in margins:
                margins.update(engine.margins(evaluation.image, evaluation.base.image_sha, [text]))
            return margins[text]

        result = search_flip(margin_of, question, budget=int(self.configuration.thresholds.get("flip_search_budget")),
                             store=FlipStore(self.configuration.options.report_dir / "flip-store"),
                             key=f"{engine.adapter.fingerprint}/{group_id}", all_scored=True)
        return FlipFinding(key, group_id, result.question, result.found, result.paraphrase, tuple(result.transforms), result.margin,
                           result.base_margin, result.examples, result.replayed, result.unverified)


def _counted_elsewhere(engine) -> float:
    """Seconds another part of the breakdown holds: the candidates' scoring (the engine's
    ``flip_search`` time) and, when the search is a group's first case, the group's evaluation
    (``groups``) and what the collector does with it (``on_group``: journal and overlays)."""
    return engine.seconds["groups"] + engine.seconds["flip_search"] + engine.seconds.get("on_group", 0.0)


def sample(groups: list[tuple[str, str]], size: int) -> frozenset[str]:
    """``size`` group ids spread over the findings: each finding's groups in a fixed pseudo-random
    order (a hash of the id: the same on every machine and run, independent of file order), then
    taken round-robin across findings, so a finding with few groups is still searched."""
    def rank(group_id: str) -> str:
        return hashlib.sha256(group_id.encode()).hexdigest()

    by_finding: dict[str, list[str]] = {}
    for group_id, finding in groups:
        by_finding.setdefault(finding, []).append(group_id)
    queues = [sorted(ids, key=rank) for _, ids in sorted(by_finding.items())]
    chosen: list[str] = []
    depth = 0
    while len(chosen) < size and any(depth < len(q) for q in queues):
        chosen += [q[depth] for q in queues if depth < len(q)][: size - len(chosen)]
        depth += 1
    return frozenset(chosen)
