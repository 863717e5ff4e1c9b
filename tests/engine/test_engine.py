"""The engine: one batch per group, the result store, OOM splitting."""

import pytest

from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.engine.cache_key import result_key
from vlmcore.engine.result_store import ResultStore
from vlmcore.errors import ConfigError
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT
from vlmcore.testing import ScriptedAdapter


class OutOfMemoryError(RuntimeError):
    """Named like torch.OutOfMemoryError, which the engine matches by name."""


class SmallMemoryAdapter(ScriptedAdapter):
    """Runs out of memory on batches larger than two."""

    def __init__(self):
        super().__init__(lambda q, image: 1.0 if "no" in q.lower().split() else -1.0, name="small-memory")
        self.batches = []

    def evaluate(self, requests, **kwargs):
        self.batches.append(len(requests))
        if len(requests) > 2:
            raise OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return super().evaluate(requests, **kwargs)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)


def test_out_of_memory_splits_the_batch_lowers_the_budget_and_reports_it(dataset):
    adapter = SmallMemoryAdapter()
    engine = Engine(adapter, dataset, model_key="m")
    first = dataset.groups[0]
    evaluation = engine.group(first.group_id)
    assert len(evaluation.rows) == len(first.cases)
    assert adapter.batches[0] > len(first.cases) > 2  # the whole chunk (several groups) was tried first
    assert engine.events and "out of memory" in engine.events[0] and "split into" in engine.events[0]
    assert engine.batch_size == 2  # the budget adapted: later forwards start at the size that fitted
    tried = len(adapter.batches)
    rows = [row for group in dataset.groups[1:] for row in engine.group(group.group_id).rows]
    assert len(rows) == sum(len(g.cases) for g in dataset.groups[1:])
    assert all(size <= 2 for size in adapter.batches[tried:])  # no further out-of-memory retries
    assert len(engine.events) == len([b for b in adapter.batches if b > 2])


def test_other_errors_are_not_swallowed(dataset):
    class Broken(ScriptedAdapter):
        def evaluate(self, requests, **kwargs):
            raise ValueError("broken model")

    engine = Engine(Broken(lambda q, i: 0.0), dataset, model_key="m")
    with pytest.raises(ValueError, match="broken model"):
        engine.group(dataset.groups[0].group_id)


def test_store_makes_a_rerun_skip_the_model(dataset, tmp_path):
    calls = []

    class Counting(ScriptedAdapter):
        def evaluate(self, requests, **kwargs):
            calls.append(len(requests))
            return super().evaluate(requests, **kwargs)

    adapter = Counting(lambda q, i: 0.5, name="counting")
    first = Engine(adapter, dataset, model_key="m", store=ResultStore(tmp_path / "r.sqlite")).group(dataset.groups[1].group_id)
    made = len(calls)
    second = Engine(adapter, dataset, model_key="m", store=ResultStore(tmp_path / "r.sqlite")).group(dataset.groups[1].group_id)
    assert len(calls) == made, "the rerun came from the store"
    assert [r.to_json() for r in first.rows] == [r.to_json() for r in second.rows]


def test_cache_key_changes_with_everything_that_changes_an_answer():
    base = dict(fingerprint="f1", prompt="USER: q", image_hash="abc", question="q", with_map=True, dtype="torch.float32")
    key = result_key(**base)
    for field, other in [("fingerprint", "f2"), ("prompt", "USER: q2"), ("image_hash", "abd"), ("question", "q2"), ("with_map", False),
                         ("dtype", "torch.bfloat16")]:
        assert result_key(**dict(base, **{field: other})) != key
    assert result_key(**base) == key


def test_store_refuses_empty_values(tmp_path):
    store = ResultStore(tmp_path / "r.sqlite")
    with pytest.raises(ConfigError, match="empty"):
        store.put_many({"k": {}})
    store.put_many({"k": {"p_yes": 0.5}})
    assert store.get_many(["k", "missing"]) == {"k": {"p_yes": 0.5}} and len(store) == 1


def test_low_yes_no_mass_marks_answers_unreliable_in_rows_and_summary():
    """A model that puts little probability on yes/no is not answering the question: flagged, never silently counted."""
    import math

    from vlmcore.metrics.summary import summarise_run
    from vlmcore.models.requests import YesNoScore
    from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT
    from vlmcore.data import load_dataset
    from vlmcore.engine import Engine
    from vlmcore.testing import ScriptedAdapter

    class Mumbling(ScriptedAdapter):
        def _score(self, request):
            margin = 1.0 if "effusion" in request.question else -1.0
            mass = 0.1 if "present" in request.question else 0.9
            return YesNoScore(p_yes=1 / (1 + math.exp(-margin)), margin=margin, mass=mass, top_token="maybe")

    dataset = load_dataset(DEFAULT_OUT / "dataset.csv")
    engine = Engine(Mumbling(lambda q, i: 0.0, name="mumbling"), dataset, model_key="m", mass_floor=0.5)
    rows = [row for evaluation in engine.all_groups() for row in evaluation.rows]
    flagged = [r for r in rows if r.low_mass]
    assert flagged and all("present" in r.question for r in flagged)
    assert not any(r.low_mass for r in rows if "present" not in r.question)
    summary = summarise_run(rows)["m"]
    assert summary.low_mass_share == round(len(flagged) / len(rows), 6)


def test_flips_on_unverified_dataset_paraphrases_are_reported_not_counted(tmp_path):
    """A user's "paraphrase" that check_paraphrase cannot verify is a different question until shown
    otherwise: its flip is listed, and consistency is measured on verified paraphrases only."""
    import shutil

    from vlmcore.data import load_dataset
    from vlmcore.engine import Engine
    from vlmcore.metrics.summary import summarise_run
    from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT
    from vlmcore.testing import ScriptedAdapter

    shutil.copy(DEFAULT_OUT / "images" / "phantom00.png", tmp_path / "film.png")
    (tmp_path / "d.csv").write_text(
        "group_id,image,question,answer\n"
        "g,film.png,Is there a pleural effusion?,yes\n"
        "g,film.png,Is a pleural effusion present?,yes\n"
        "g,film.png,Is there a loculated pleural effusion?,yes\n")
    model = ScriptedAdapter(lambda question, image: -2.0 if "loculated" in question else 2.0, name="loculated-flipper")
    rows = Engine(model, load_dataset(tmp_path / "d.csv"), model_key="m").group("g").rows
    checks = {r.question: r.paraphrase_check for r in rows if r.relation == "invariant"}
    assert checks == {"Is a pleural effusion present?": "valid", "Is there a loculated pleural effusion?": "unverified"}
    summary = summarise_run(rows)["m"]
    assert summary.estimate("consistency").value == 1.0  # the flip on the unverified question is not counted...
    assert summary.unverified_paraphrases == 1 and summary.unverified_flips == 1  # ...but it is reported
