"""The flip search on scripted models."""

import re

from vlmcore.paraphrase.search import FlipStore, search_flip

PASSIVE = re.compile(r"\b(?:is|are|be|been|was)\s+(?:seen|shown|identified|demonstrated|noted|observed)\b")


def passive_flipper(text: str) -> float:
    """Says yes (+2) unless the question has a passive construction, then no (-2)."""
    return -2.0 if PASSIVE.search(text.lower()) else 2.0


def test_finds_and_shrinks_to_a_single_passive_transform():
    result = search_flip(passive_flipper, "is there pleural effusion?", budget=60)
    assert result.found
    assert PASSIVE.search(result.paraphrase.lower())
    assert result.transforms and len(result.transforms) == 1 and result.transforms[0].startswith("voice")
    assert result.examples <= 60


def test_never_flipping_model_reports_none():
    result = search_flip(lambda text: 3.0, "is there pleural effusion?", budget=40)
    assert not result.found and result.paraphrase is None
    assert 0 < result.examples <= 40


def test_flip_is_stored_and_replayed_next_run(tmp_path):
    store = FlipStore(tmp_path / "flips")
    calls = []

    def counting(text):
        calls.append(text)
        return passive_flipper(text)

    first = search_flip(counting, "is there pneumothorax?", budget=60, store=store, key="model-a/group-1")
    assert first.found and not first.replayed
    calls.clear()
    replay = search_flip(counting, "is there pneumothorax?", budget=60, store=store, key="model-a/group-1")
    assert replay.replayed and replay.paraphrase == first.paraphrase and replay.transforms == first.transforms
    assert len(calls) == 2  # the base question and the stored paraphrase, no search
    fresh = search_flip(counting, "is there pneumothorax?", budget=60, store=store, key="model-b/group-1")
    assert not fresh.replayed, "another model searches afresh"


def test_a_stored_flip_that_no_longer_flips_triggers_a_new_search(tmp_path):
    store = FlipStore(tmp_path / "flips")
    search_flip(passive_flipper, "is there pneumothorax?", budget=60, store=store, key="k")
    fixed = search_flip(lambda text: 2.0, "is there pneumothorax?", budget=30, store=store, key="k")
    assert not fixed.found and fixed.examples > 1


def test_search_is_deterministic_per_group():
    """A model that flips only on one rare frame: whether and what the search finds must not
    change from run to run."""
    rare = re.compile(r"\bhas\b.*\bbeen identified\b")

    def picky(text):
        return -1.0 if rare.search(text.lower()) else 1.0

    runs = [search_flip(picky, "is there pleural effusion?", budget=8, key="g7") for _ in range(3)]
    assert len({(r.found, r.paraphrase, r.examples) for r in runs}) == 1
