"""pytest hooks, option declarations and fixtures for vlmcore (loaded via ``pytest11``).

Benchmark functions ask for ``vlm_model`` plus one subject fixture (``vlm_group``,
``vlm_case``, ``vlm_inverted``, ``vlm_finding``, ``vlm_strategy``); the plugin parametrizes
them over every configured model and subject, with readable ids (``tiny-medgemma-phantom02-
pleural_effusion``), the model's marker, and an ``xdist_group`` per model so
``--dist loadgroup`` keeps one model on one worker. The run itself is ``session.VlmcoreRun``.
"""

from __future__ import annotations

import pytest

from vlmcore.plugin.options import add_options, explicitly_configured

#: markers besides one per registered family (``FamilySpec.marker``)
MARKERS = {
    "smoke": "cases on the built-in tiny models (CPU, seconds)",
    "gpu": "needs CUDA; skipped with a reason elsewhere",
    "slow": "takes more than a few seconds on CPU",
    "vlm_threshold": "vlm_threshold(key=value, ...): override thresholds for the marked cases",
}
#: subject fixtures: groups, cases, inverted controls, findings, strategies; the groups each counterfactual probe
#: asks about (``vlm_<probe>``, e.g. ``vlm_label_swap``)
SUBJECTS = ("vlm_group", "vlm_case", "vlm_inverted", "vlm_finding", "vlm_strategy", "vlm_label_swap",
            "vlm_lesion_occlusion", "vlm_mirror_laterality", "vlm_marker_occlusion")
_RUN = pytest.StashKey()
_VLM = pytest.StashKey()
_LOST = pytest.StashKey[list]()
_HEAP = pytest.StashKey()


def pytest_addhooks(pluginmanager) -> None:
    from vlmcore.plugin import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser) -> None:
    add_options(parser)


def pytest_configure(config) -> None:
    from vlmcore.models.families import all_families

    for name, text in [(spec.name, spec.marker) for spec in all_families()] + list(MARKERS.items()):
        config.addinivalue_line("markers", f"{name}: {text}")
    if not config.pluginmanager.hasplugin("xdist"):  # the benchmark's cases carry xdist_group; -p no:xdist must not refuse them
        config.addinivalue_line("markers", "xdist_group(name): cases xdist keeps on one worker (registered by vlmcore without xdist)")
    if config.option.help or getattr(config.option, "version", False):
        return
    from vlmcore.plugin.deselection import DeselectedModels
    from vlmcore.plugin.long_lived_heap import LongLivedHeap

    config.pluginmanager.register(DeselectedModels(), "vlmcore-deselected-models")
    config.stash[_HEAP] = LongLivedHeap(config)  # made here so its cleanup runs after pytest's end-of-run collection
    if explicitly_configured(config):
        _run(config)  # options were given for vlmcore: check them now, before anything loads


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session) -> None:
    _register_progress(session.config)
    _register_verdict_line(session.config)


def _register_verdict_line(config) -> None:
    """The verdict as the terminal's last line (``plugin.terminal.VerdictLine``), controller only."""
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin("vlmcore-verdict-line"):
        return
    from vlmcore.plugin.terminal import VerdictLine

    config.pluginmanager.register(VerdictLine(lambda: config.stash[_RUN].end if _RUN in config.stash else None),
                                  "vlmcore-verdict-line")


def _register_progress(config) -> None:
    """The case progress lines, in the controlling process only (workers' output is not shown).
    Registered at session start: pytest's terminal reporter does not exist yet in ``pytest_configure``."""
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin("vlmcore-progress"):
        return
    from vlmcore.plugin.options import resolve

    mode = resolve(config, "progress")
    terminal = config.pluginmanager.getplugin("terminalreporter")
    if mode == "off" or terminal is None:
        return
    from vlmcore.plugin.progress import CaseProgress

    progress = CaseProgress(terminal)
    progress.started = progress.clock()
    config.pluginmanager.register(progress, "vlmcore-progress")


def _run(config):
    """The run session, created on first use: the plugin is active in every pytest run on a
    machine where vlmcore is installed, but reads options, thresholds, dataset and baseline
    only when benchmark cases are collected (still before any model loads)."""
    if _RUN not in config.stash:
        from vlmcore.plugin.session import VlmcoreRun

        heap = config.stash.get(_HEAP, None)
        config.stash[_RUN] = VlmcoreRun(config, after_load=heap.freeze if heap is not None else None)
    return config.stash[_RUN]


def _subjects(configuration, name: str) -> list[str]:
    dataset, plan = configuration.dataset, configuration.grounding
    if name.startswith("vlm_") and name[len("vlm_"):] in _probe_kinds():
        return plan.groups_with(name[len("vlm_"):]) if plan else []
    if name == "vlm_group":
        return [g.group_id for g in dataset.groups]
    if name == "vlm_case":
        return [c.case_id for c in dataset.cases]
    if name == "vlm_inverted":
        return [c.case_id for c in dataset.cases if c.relation == "inverted"]
    if name == "vlm_finding":
        return sorted({g.finding for g in dataset.groups})
    return sorted({c.strategy for c in dataset.cases if c.relation == "invariant"})


def _why_no_subjects(configuration, name: str) -> str:
    kind = name[len("vlm_"):]
    if kind in _probe_kinds():
        asked = configuration.options.probes
        if asked is not None and kind not in asked:
            return f"the {kind} probe is not run (--vlm-probes leaves it out)"
        return f"no group of the dataset allows a {kind} trial (docs/grounding.md says what each probe needs)"
    return f"the dataset has no {kind.replace('_', ' ')} subjects"


def _probe_kinds() -> tuple[str, ...]:
    from vlmcore.grounding.plan import PROBE_KINDS

    return PROBE_KINDS


def pytest_generate_tests(metafunc) -> None:
    if "vlm_model" not in metafunc.fixturenames:
        return
    configuration = _run(metafunc.config).configuration
    subject = next((name for name in SUBJECTS if name in metafunc.fixturenames), None)
    params = []
    for spec in configuration.models:
        marks = [getattr(pytest.mark, spec.marker), pytest.mark.xdist_group(spec.key)]
        if subject is None:
            params.append(pytest.param(spec.key, marks=marks, id=spec.key))
            continue
        subjects = _subjects(configuration, subject)
        for item in subjects:
            params.append(pytest.param(spec.key, item, marks=marks, id=f"{spec.key}-{item}"))
        if not subjects:  # pytest's own empty-parameter case carries no model (NOTSET): one named skip per model instead
            params.append(pytest.param(spec.key, None, id=f"{spec.key}-none", marks=[
                *marks, pytest.mark.skip(reason=_why_no_subjects(configuration, subject))]))
    names = ["vlm_model"] + ([subject] if subject else [])
    metafunc.parametrize(names, params)


def _is_benchmark_case(item) -> bool:
    return "vlm_model" in getattr(getattr(item, "callspec", None), "params", {})


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: the cases that will run
def pytest_collection_modifyitems(session, config, items) -> None:
    """Benchmark cases group by group (``plugin.ordering``): the ETA is honest from its first line; a run of
    benchmark cases only leaves out pytest's per-case log capture (``plugin.log_capture`` says why); the heap
    collected so far is frozen (``plugin.long_lived_heap``)."""
    if _RUN not in config.stash or not any(_is_benchmark_case(i) for i in items):
        return
    from vlmcore.plugin.log_capture import drop_per_case_capture
    from vlmcore.plugin.ordering import group_major

    drop_per_case_capture(config, items, _is_benchmark_case)
    if _HEAP in config.stash:
        config.stash[_HEAP].hold()  # the collected run is long-lived: out of the garbage collector's full passes

    configuration = config.stash[_RUN].configuration
    dataset = configuration.dataset
    items[:] = group_major(items, [spec.key for spec in configuration.models], {c.case_id: c.group_id for c in dataset.cases},
                           [g.group_id for g in dataset.groups])


@pytest.fixture(scope="session")
def vlm(request):
    """What a case may ask of the run (``plugin.facade.Vlm``): engines, aggregates, flip
    searches, thresholds, dataset, and ``expect`` to report."""
    config = request.config
    if _VLM not in config.stash:
        from vlmcore.plugin.facade import Vlm

        config.stash[_VLM] = Vlm(_run(config))
    return config.stash[_VLM]


@pytest.fixture
def vlm_threshold(request, vlm):
    """``vlm_threshold(key, finding=None)``: the threshold this case must meet. A
    ``@pytest.mark.vlm_threshold(consistency=0.8)`` on the case, its class or module wins over
    the TOML file (closest marker first); unknown keys are errors."""
    from vlmcore.errors import ConfigError
    from vlmcore.verdict.thresholds import defaults

    overrides: dict = {}
    for marker in reversed(list(request.node.iter_markers("vlm_threshold"))):  # farthest first, closest wins
        overrides.update(marker.kwargs)
    unknown = sorted(set(overrides) - set(defaults())) if overrides else []  # most cases carry no marker
    if unknown:
        from vlmcore.verdict.gate_settings import RETIRED

        retired = "".join(f"; {key} is retired: {RETIRED[key]}" for key in unknown if key in RETIRED)
        raise ConfigError(f"vlm_threshold marker on {request.node.nodeid}: unknown keys {unknown}; known: {sorted(defaults())}"
                          + retired)

    def lookup(key: str, finding: str | None = None):
        return overrides[key] if key in overrides else vlm.thresholds.get(key, finding)

    return lookup


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    _stop_on_fatal(item, call)
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "vlm_model" in params and (report.when == "call" or (report.when == "setup" and not report.passed)):
        from vlmcore.plugin.progress import CASE_PROPERTY
        from vlmcore.report.outcomes import CaseOutcome, Outcome

        subject = next((str(params[name]) for name in SUBJECTS if name in params), params["vlm_model"])
        message = ""
        xfailed = report.skipped and hasattr(report, "wasxfail")
        if report.failed:
            message = str(getattr(call.excinfo, "value", "") or report.longreprtext.splitlines()[-1:])
        elif xfailed:
            message = str(report.wasxfail)
        elif report.skipped:
            message = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else "skipped"
        outcome = (Outcome.FAILED if report.failed else Outcome.XFAILED if xfailed else Outcome.SKIPPED if report.skipped
                   else Outcome.PASSED)
        report.user_properties.append((CASE_PROPERTY, item.originalname))
        _run(item.config).collector.add_case(CaseOutcome(item.nodeid, item.originalname, params["vlm_model"], subject, outcome,
                                                         message.splitlines()[0] if message else ""))
    return report


def _stop_on_fatal(item, call) -> None:
    """An error no later case can survive (a full disk) stops the run here, with its one message."""
    if call.excinfo is not None and not item.session.shouldstop:
        from vlmcore.errors import StopRun

        if call.excinfo.errisinstance(StopRun):
            item.session.shouldstop = str(call.excinfo.value)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist: every worker uses the controller's run id (one report, one partial-results folder)."""
    from vlmcore.plugin.configuration import shared_run_id

    node.workerinput["vlmcore_run_id"] = shared_run_id(node.config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` on a benchmark run: one model per worker (``plugin.model_scheduling`` says why
    xdist's own grouping is not used); any other run keeps xdist's scheduler."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from vlmcore.errors import VlmcoreError

    try:
        models = [spec.key for spec in _run(config).configuration.models]
    except (pytest.UsageError, VlmcoreError):  # not a benchmark run of ours (its options do not resolve): xdist decides
        return None
    from vlmcore.plugin.model_scheduling import ModelScopeScheduling

    return ModelScopeScheduling(config, log, models)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a run with -p no:xdist (or without xdist) must still load the plugin
def pytest_testnodedown(node, error) -> None:
    payload = getattr(node, "workeroutput", {}).get("vlmcore")
    if payload:  # the controller collects nothing itself: its session starts with the first payload
        _run(node.config).collector.merge(payload)
    elif error is not None:  # the worker died: its results never arrive; handled at session end
        node.config.stash.setdefault(_LOST, []).append((node.gateway.id, error))


def _apply_lost_workers(config) -> None:
    """Lost workers count only for a vlmcore run: one that merged results, or left partial ones."""
    lost = config.stash.get(_LOST, [])
    if not lost:
        return
    if _RUN not in config.stash:
        from vlmcore.plugin.configuration import shared_run_id
        from vlmcore.plugin.options import read_options

        try:
            partial = read_options(config).report_dir / ".partial" / shared_run_id(config)
        except pytest.UsageError:  # not a vlmcore run (an unrelated project's crashed worker): not ours to report
            return
        if not any((partial / f"{worker}.jsonl").is_file() for worker, _ in lost):
            return
    collector = _run(config).collector
    for worker, error in lost:
        collector.worker_lost(worker, error)


def pytest_sessionfinish(session, exitstatus) -> None:
    _finish_session(session, exitstatus)
    if _HEAP in session.config.stash:
        session.config.stash[_HEAP].freeze()  # the report's objects too: pytest's end-of-run collections skip them


def _finish_session(session, exitstatus) -> None:
    config = session.config
    if not hasattr(config, "workerinput"):
        _apply_lost_workers(config)
    if _RUN not in config.stash:
        return
    run = _run(config)
    collector = run.collector
    collector.collected_cases = max(collector.collected_cases, sum(
        "vlm_model" in getattr(getattr(item, "callspec", None), "params", {}) for item in session.items))
    if hasattr(config, "workerinput"):  # an xdist worker: ship results to the controller
        config.workeroutput["vlmcore"] = run.payload()
        return
    save = run.configuration.options.save_baseline
    if not run.evaluated_anything():
        if save:
            from vlmcore.plugin.report_builder import RunEnd

            run.end = RunEnd(baseline_refused=f"baseline {save!r} not saved: this run evaluated nothing; the previous baseline, "
                                              "if any, is kept")
            _say_now_if_no_summary(config, run.end.baseline_refused, int(exitstatus))
        return
    collector.stopped_early = _stopped_early(session, collector, int(exitstatus))
    end = run.finish(int(exitstatus))
    if end.write_error:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    if end.baseline_refused:
        _say_now_if_no_summary(config, end.baseline_refused, int(exitstatus))
    session.exitstatus = verdict_exit_status(int(session.exitstatus), end.report.decision.exit_code)
    if end.save_failed:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def _say_now_if_no_summary(config, line: str, exitstatus: int) -> None:
    """After an internal error pytest shows no terminal summary: say it here instead."""
    terminal = config.pluginmanager.getplugin("terminalreporter")
    if exitstatus == pytest.ExitCode.INTERNAL_ERROR and terminal is not None:
        terminal.write_line(line, red=True)


def _stopped_early(session, collector, exitstatus: int) -> list[str]:
    """Why this run did not finish what it collected: interrupted, stopped by ``-x`` /
    ``--maxfail``, or benchmark cases that reported no outcome. Such a run cannot PASS."""
    reasons = []
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        reasons.append("the run was interrupted")
    stop = session.shouldstop or session.shouldfail
    if stop:
        reasons.append(f"pytest stopped early ({stop})")
    finished = len({case.nodeid for case in collector.cases})
    if collector.collected_cases > finished:
        reasons.append(f"{collector.collected_cases - finished} of {collector.collected_cases} benchmark cases did not run")
    return reasons


def verdict_exit_status(pytest_status: int, verdict_code: int) -> int:
    """The run's exit status: pytest's own errors (interrupted, internal, usage, nothing
    collected) win; otherwise the verdict's code, and a failed gating case is never a pass."""
    if pytest_status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return pytest_status
    return verdict_code if verdict_code != 0 else pytest_status


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    deselected = config.pluginmanager.get_plugin("vlmcore-deselected-models")
    if deselected is not None and _RUN in config.stash:
        for line in deselected.lines(config.stash[_RUN].configuration.models, config.option.markexpr, config.option.keyword):
            terminalreporter.write_line(line, yellow=True)
    end = config.stash[_RUN].end if _RUN in config.stash else None
    if end is None:
        return
    terminalreporter.section("vlmcore")
    if end.write_error:
        terminalreporter.write_line(f"vlmcore: the report could not be written: {end.write_error}", red=True)
        return
    if end.report is None:  # nothing evaluated: only why no baseline was saved
        terminalreporter.write_line(end.baseline_refused or "")
        return
    from vlmcore.data.text import visible
    from vlmcore.plugin.terminal import summary_lines

    for line in summary_lines(end, config.stash[_RUN].configuration.thresholds):
        terminalreporter.write_line(visible(line))  # a question's right-to-left override is shown, never obeyed
