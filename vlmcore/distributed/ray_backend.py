"""Evaluate a dataset on a Ray cluster: one model replica per GPU, results into the run's store.

``--vlm-backend ray`` (a local cluster) or ``ray:ADDRESS`` (an existing one, e.g.
``ray:auto`` on a cluster node or ``ray://head:10001``) runs this before the first case of a
model. Each replica is an actor holding its own copy of the model and an ``Engine`` without a
store; chunks of groups are streamed to the pool, and each finished chunk's results (the
group's answers and maps, the blank film's answers, the flip search's candidate margins) come
back as store entries and are written to the driver's result store as they arrive. The
pytest cases then read the store as on any rerun: the driver never loads the weights.

A chunk whose actor dies is resubmitted to another live replica; entries are keyed by
content, so a chunk evaluated twice is stored once and nothing is counted twice. The
replicas read the dataset and films from the same paths as the driver (a shared file system
on a multi-node cluster). Models built by a ``pytest_vlmcore_make_adapter`` hook live in the
driver's process and cannot be shipped: those runs use the in-process backend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from vlmcore.errors import ConfigError
from vlmcore.models.capabilities import Capability


@dataclass(frozen=True)
class ReplicaRecipe:
    """What a replica needs to rebuild the model and the dataset on its own node."""

    family: str
    tiny: bool
    load: object | None  # vlmcore.models.loading.LoadSpec for a real checkpoint
    dataset: str
    image_root: str | None
    model_key: str
    flip_search: bool = True
    answers: object = None  # vlmcore.answers.settings.AnswerSettings (None: the defaults)
    mass_floor: float = 0.5
    probes: tuple[str, ...] = ()  # counterfactual probes (``vlmcore.grounding``), planned on the replica as on the driver
    lesion_boxes: str | None = None


class Replica:
    """One model copy (a Ray actor). ``evaluate(group_ids)`` returns the store entries of
    those groups and a description of the model the driver's keys need."""

    def __init__(self, recipe: ReplicaRecipe):
        from vlmcore.data import load_dataset
        from vlmcore.engine import Engine

        self.recipe = recipe
        if recipe.tiny:
            from vlmcore.models import tiny_adapter

            self.adapter = tiny_adapter(recipe.family)
        else:
            from vlmcore.models.loading import load_adapter

            self.adapter = load_adapter(recipe.load)
        self.dataset = load_dataset(recipe.dataset, recipe.image_root)
        from vlmcore.answers.settings import AnswerSettings
        from vlmcore.grounding import plan_for

        grounding = plan_for(self.dataset, recipe.lesion_boxes and Path(recipe.lesion_boxes), recipe.probes)
        self.engine = Engine(self.adapter, self.dataset, model_key=recipe.model_key, mass_floor=recipe.mass_floor,
                             answers=recipe.answers or AnswerSettings(), grounding=grounding)

    def evaluate(self, group_ids: list[str]) -> dict:
        from vlmcore.paraphrase.search import candidate_texts

        entries: dict[str, dict] = {}
        described = {"fingerprint": self.adapter.fingerprint, "dtype": str(self.adapter.dtype),
                     "device": f"Ray replicas ({getattr(self.adapter, 'device', 'unknown')})",
                     "name": getattr(self.adapter, "name", ""), "prompts": {}, "view_regions": {}, "blank_shapes": {},
                     "reasoning": list(_reasoning(self.engine.reasoning))}
        self.engine.store = _Recorder(entries)
        try:
            for evaluation in self.engine.evaluate_groups(group_ids):
                questions = [case.question for case in evaluation.group.cases] + [r.question for r in evaluation.probes]
                if self.engine.grounding is not None:
                    questions += [t.reference_question for t in self.engine.grounding.of(evaluation.group.group_id)]
                if self.recipe.flip_search:
                    base = evaluation.group.base.question
                    candidates = [base] + candidate_texts(base)
                    self.engine.margins(evaluation.image, evaluation.base.image_sha, candidates)
                    questions += candidates
                shape = str(tuple(evaluation.image.shape))
                described["view_regions"][shape] = list(self.engine.view_region(evaluation.image))
                described["blank_shapes"][shape] = list(self.engine.blank_film(evaluation.image).shape)
                described["prompts"].update({q: self.engine.prompt(q) for q in questions})
        finally:
            self.engine.store = None
        return {"entries": entries, "describe": described}


def _reasoning(found) -> tuple[str, str, bool]:
    return found.name, found.evidence, found.strict


class _Recorder:
    """A write-only stand-in for the result store: what the engine would store, collected."""

    def __init__(self, entries: dict):
        self.entries = entries

    def get_many(self, keys):
        return {key: self.entries[key] for key in keys if key in self.entries}

    def put_many(self, items: dict) -> None:
        self.entries.update(items)


def merge_descriptions(into: dict | None, more: dict) -> dict:
    if into is None:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in more.items()}
    for key in ("prompts", "view_regions", "blank_shapes"):
        into[key].update(more[key])
    return into


class StoredModel:
    """The driver's stand-in for a model evaluated on the cluster: it forms the same store keys
    and regions; asking it for a result the cluster did not store is an error, never a guess."""

    capabilities = frozenset({Capability.PROMPT, Capability.VIEW_REGION, Capability.BLANK_SHAPE, Capability.GENERATE,
                              Capability.REASONING, Capability.CONTINUATION})

    def __init__(self, described: dict, model_key: str):
        self.described, self.model_key = described, model_key
        self.fingerprint, self.dtype, self.name, self.device = (described[k] for k in ("fingerprint", "dtype", "name", "device"))

    def prompt(self, question: str) -> str:
        try:
            return self.described["prompts"][question]
        except KeyError:
            raise ConfigError(f"{self.model_key}: question {question!r} was not evaluated on the Ray cluster") from None

    def view_region(self, image_shape) -> tuple:
        return tuple(self.described["view_regions"][str(tuple(image_shape))])

    def blank_shape(self, image_shape) -> tuple:
        return tuple(self.described["blank_shapes"][str(tuple(image_shape))])

    def evaluate(self, requests, **kwargs):
        raise ConfigError(f"{self.model_key}: {len(requests)} result(s) missing from the store after the Ray pass "
                          f"(first: {requests[0].question!r}); the cluster did not evaluate them")

    def generate(self, requests, max_new_tokens: int = 16):
        raise ConfigError(f"{self.model_key}: {len(requests)} generation(s) missing from the store after the Ray pass "
                          f"(first: {requests[0].question!r}); the cluster did not generate them")

    def reasoning_format(self):
        from vlmcore.models.reasoning import ReasoningFormat

        name, evidence, strict = self.described["reasoning"]
        return ReasoningFormat(name, evidence, bool(strict))


def parse_backend(value: str) -> tuple[str, str | None]:
    """``local`` | ``ray`` | ``ray:ADDRESS`` -> (backend, address)."""
    if value in ("", "local"):
        return "local", None
    if value == "ray":
        return "ray", None
    if value.startswith("ray:") and len(value) > 4:
        return "ray", value[4:]
    raise ConfigError(f"--vlm-backend {value!r}: expected 'local', 'ray' or 'ray:ADDRESS'")


def evaluate_on_ray(recipe: ReplicaRecipe, chunks: list[list[str]], store, *, address: str | None = None, actors: int | None = None,
                    on_result: Callable[[int, list], None] | None = None, events: list | None = None) -> dict:
    """Stream ``chunks`` of group ids (``engine.plan_chunks``: the serial run's chunks) to a pool
    of replicas and write each result to ``store``.

    Returns the model description (for ``StoredModel``). ``actors``: replicas to start (default:
    one per GPU in the cluster, else 2). ``on_result(done, pool)`` is called after each chunk is
    stored (tests use it to kill a replica mid-run). A dead replica's chunk goes to another one;
    with no replica left the error is raised."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--vlm-backend ray needs Ray: pip install -e '.[distributed]'") from None
    events = events if events is not None else []
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                 **({} if address else {"num_cpus": actors or 2}))
    gpus = int(ray.cluster_resources().get("GPU", 0))
    count = actors or (gpus if gpus else 2)
    options = {"num_gpus": 1} if gpus else {"num_cpus": 1}
    remote = ray.remote(Replica).options(max_restarts=0, **options)
    pool = [remote.remote(recipe) for _ in range(count)]
    idle, pending, described, done = list(pool), {}, None, 0
    queue = list(range(len(chunks)))
    started = time.perf_counter()
    while queue or pending:
        while queue and idle:
            actor = idle.pop(0)
            index = queue.pop(0)
            pending[actor.evaluate.remote(chunks[index])] = (index, actor)
        if not pending:
            raise ConfigError(f"{recipe.model_key}: every Ray replica was lost; {len(queue)} chunk(s) not evaluated")
        ready, _ = ray.wait(list(pending), num_returns=1)
        index, actor = pending.pop(ready[0])
        try:
            result = ray.get(ready[0])
        except ray.exceptions.RayActorError as error:
            pool.remove(actor)
            queue.insert(0, index)
            events.append(f"{recipe.model_key}: Ray replica lost ({type(error).__name__}); its chunk of {len(chunks[index])} "
                          f"group(s) was resubmitted to another replica")
            continue
        store.put_many(result["entries"])
        described = merge_descriptions(described, result["describe"])
        done += 1
        idle.append(actor)
        if on_result is not None:
            on_result(done, pool)
    for actor in pool:
        ray.kill(actor)
    events.append(f"{recipe.model_key}: evaluated on Ray by {count} replica(s) in {time.perf_counter() - started:.1f} s "
                  f"({len(chunks)} chunk(s) of groups)")
    if started_here and address is None:
        ray.shutdown()
    if described is None:
        raise ConfigError(f"{recipe.model_key}: the Ray pass evaluated nothing")
    return described
