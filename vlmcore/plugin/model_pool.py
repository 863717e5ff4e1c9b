"""The run's models: each loaded once per process (per xdist worker), on first use.

An adapter comes from a ``pytest_vlmcore_make_adapter`` hook, the family's tiny build, a
checkpoint (``models.loading``) or, with ``--vlm-backend ray``, a stand-in that reads what the
Ray replicas stored. Weights that are absent skip every case of the model with the reason; a
model that fails to load is tried once and fails every case with that one cause.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pytest

from vlmcore.errors import ConfigError
from vlmcore.plugin.configuration import RunConfiguration
from vlmcore.plugin.model_specs import ModelSpec
from vlmcore.report.formatting import RANDOM_WEIGHTS, SERVED_BY_HOOK


class ModelPool:
    def __init__(self, configuration: RunConfiguration, hook, on_group: Callable, session=None,
                 after_load: Callable[[], None] | None = None):
        self.configuration = configuration
        self.after_load = after_load  # called once a model is loaded (``plugin.long_lived_heap`` freezes it)
        self.hook = hook  # pytest's hook relay (``config.hook``)
        self.on_group = on_group  # each evaluated group goes to the result collector
        self.session = session  # handed to ``pytest_vlmcore_make_adapter`` as ``run``
        self.environment: dict[str, str] = {}  # model key -> what was loaded (name, fingerprint, dtype, device)
        self.events: list[str] = []  # degradations: a corrupt result cache moved aside, a model that failed to load
        self._engines: dict[str, object] = {}
        self._unavailable: dict[str, str] = {}
        self._broken: dict[str, str] = {}  # models whose load failed: not retried by every case
        self._result_store = None

    def engine(self, key: str):
        """The model's engine, loaded once; absent weights skip, a broken model fails its cases."""
        if key in self._unavailable:
            pytest.skip(self._unavailable[key])
        if key in self._broken:
            pytest.fail(self._broken[key], pytrace=False)
        if key in self._engines and self._engines[key].stopped:  # non-finite scores: NOT EVALUATED, one cause
            pytest.fail(self._engines[key].stopped, pytrace=False)
        if key not in self._engines:
            self._engines[key] = self._load(self.configuration.spec(key))
            if self.after_load is not None:
                self.after_load()
        return self._engines[key]

    def engines(self) -> list:
        return list(self._engines.values())

    def _load(self, spec: ModelSpec):
        from vlmcore.engine import Engine
        from vlmcore.models.loading import WeightsUnavailable

        try:
            adapter, served = self._adapter(spec) if self.configuration.options.backend == "local" else (self._on_ray(spec), False)
        except WeightsUnavailable as error:
            self._unavailable[spec.key] = f"{spec.key}: {error}"
            pytest.skip(self._unavailable[spec.key])
        except (pytest.UsageError, KeyboardInterrupt):
            raise
        except Exception as error:  # a corrupt checkpoint, a broken tokenizer: one cause, reported once per case
            self._broken[spec.key] = (f"{spec.key} failed to load (tried once; every case of this model reports this error): "
                                      f"{type(error).__name__}: {error}")
            self.events.append(self._broken[spec.key])
            pytest.fail(self._broken[spec.key], pytrace=False)
        random_build = spec.tiny and not served  # a hook's adapter is the hook's model, whatever key it serves
        answers = self._answers(random_build)
        engine = Engine(adapter, self.configuration.dataset, model_key=spec.key, boxes=self.configuration.boxes,
                        on_group=self.on_group, store=self.result_store(),
                        mass_floor=float(self.configuration.thresholds.get("min_answer_mass")), answers=answers,
                        grounding=self.configuration.grounding)
        # a hook's adapter is the hook's model, whatever key it serves: never labelled random weights
        kind = f" ({SERVED_BY_HOOK})" if served else f" {RANDOM_WEIGHTS} (tiny build: plumbing only)" if spec.tiny else ""
        self.environment[spec.key] = (f"{adapter.name} fingerprint={adapter.fingerprint} dtype={adapter.dtype} device={adapter.device} "
                                      f"adapter={type(adapter).__name__} answers={answers.mode} "
                                      f"reasoning={engine.reasoning.name} ({engine.reasoning.evidence}){kind}")
        return engine

    def _adapter(self, spec: ModelSpec) -> tuple[object, bool]:
        """The model's adapter, and whether a ``pytest_vlmcore_make_adapter`` hook served it."""
        provided = self.hook.pytest_vlmcore_make_adapter(spec=spec, run=self.session)
        if provided is not None:
            from vlmcore.models.protocol import check_adapter

            return check_adapter(provided, f"pytest_vlmcore_make_adapter for {spec.key}"), True
        if spec.tiny:
            from vlmcore.models import tiny_adapter

            return tiny_adapter(spec.family), False
        from vlmcore.models.loading import WeightsUnavailable, load_adapter

        try:
            return load_adapter(spec.load), False
        except WeightsUnavailable:
            raise  # the caller turns it into a skip with the reason
        except ConfigError as error:
            raise pytest.UsageError(f"vlmcore: {error}") from None

    def _on_ray(self, spec: ModelSpec):
        """Evaluate every group of ``spec`` on the Ray cluster into the result store; the cases
        then read the store through a stand-in that forms the same keys (no weights here)."""
        from vlmcore.distributed.ray_backend import ReplicaRecipe, StoredModel, evaluate_on_ray
        from vlmcore.engine.engine import plan_chunks

        if self.hook.pytest_vlmcore_make_adapter.get_hookimpls():  # asked, not called: calling it builds the model here
            raise pytest.UsageError(f"vlmcore: a pytest_vlmcore_make_adapter hook builds models in this process; {spec.key} "
                                    "cannot be shipped to Ray replicas (use --vlm-backend local)")
        options = self.configuration.options
        from vlmcore.grounding import PROBE_KINDS

        answers = self._answers(spec.tiny)  # a hook's model cannot reach Ray: a tiny spec here is the random build
        recipe = ReplicaRecipe(spec.family, spec.tiny, spec.load, str(options.dataset),
                               str(options.image_root) if options.image_root else None, spec.key, answers=answers,
                               mass_floor=float(self.configuration.thresholds.get("min_answer_mass")),
                               probes=PROBE_KINDS if options.probes is None else options.probes,
                               lesion_boxes=str(options.lesion_boxes) if options.lesion_boxes else None)
        described = evaluate_on_ray(recipe, plan_chunks(self.configuration.dataset.groups), self.result_store(),
                                    address=options.backend_address, events=self.events)
        return StoredModel(described, spec.key)

    def _answers(self, random_build: bool):
        """The run's answer settings; a random-weight tiny build says nothing worth generating
        (p(yes) + p(no) ~ 0.005), so its plumbing is checked at the first token unless
        ``--vlm-answer-mode`` asks otherwise (its verdict then says its answers were not read)."""
        answers = self.configuration.thresholds.answers
        if random_build and not self.configuration.options.answer_mode:
            return replace(answers, mode="score")
        return answers

    def result_store(self):
        """The SQLite result cache shared by workers and runs (None with ``--vlm-result-cache off``)."""
        path = self.configuration.options.result_cache
        if path is None:
            return None
        if self._result_store is None:
            from vlmcore.engine.result_store import ResultStore

            self._result_store = ResultStore(path)
            if self._result_store.moved_aside:
                self.events.append(f"result cache {path} was corrupt: moved aside to {self._result_store.moved_aside} and rebuilt "
                                   "(results are recomputed)")
        return self._result_store

    def stopped(self) -> dict[str, str]:
        """Models this process stopped mid-run (non-finite scores), with the reason."""
        return {key: engine.stopped for key, engine in self._engines.items() if engine.stopped}

    def all_events(self) -> list[str]:
        return self.events + [event for engine in self._engines.values() for event in engine.events]

    def timings(self, flip_search_seconds: float) -> dict:
        """Where this process's time went: model work for the groups and for the flip search, the
        search itself, the collector's work on each evaluated group (journal, overlays), and model
        calls made (a warm rerun makes none)."""
        engines = self._engines.values()
        return {"engine_s": sum(e.seconds["groups"] for e in engines), "flip_model_s": sum(e.seconds["flip_search"] for e in engines),
                "flip_search_s": flip_search_seconds, "collector_s": sum(e.seconds.get("on_group", 0.0) for e in engines),
                "model_calls_groups": sum(e.model_calls["groups"] for e in engines),
                "model_calls_flip_search": sum(e.model_calls["flip_search"] for e in engines)}
