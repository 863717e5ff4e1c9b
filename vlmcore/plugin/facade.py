"""The ``vlm`` fixture: what a benchmark case may ask of the run, and nothing else.

A case reads an engine's evaluation (``engine``, ``case_row``), a first-run aggregate
(``aggregate``), a flip search (``flip_search``) or a threshold, and reports through
``expect``: fail, or xfail with the measured value, by the check's level and the run's mode.
"""

from __future__ import annotations

import pytest

from vlmcore.plugin.session import VlmcoreRun


class Vlm:
    def __init__(self, run: VlmcoreRun):
        self._run = run
        self._aggregates: dict[str, dict] = {}
        self._unread: dict[str, str] = {}
        self._group_of: dict[str, str] | None = None

    @property
    def dataset(self):
        return self._run.configuration.dataset

    @property
    def thresholds(self):
        return self._run.configuration.thresholds

    def engine(self, model: str):
        """The model's engine (loaded once per worker; absent weights skip the case)."""
        return self._run.pool.engine(model)

    def case_row(self, model: str, case_id: str):
        """The evaluated row of one case (its whole group is evaluated in one batch)."""
        if self._group_of is None:
            self._group_of = {case.case_id: case.group_id for case in self.dataset.cases}
        return self.engine(model).group(self._group_of[case_id]).row(case_id)

    def aggregate(self, model: str, check: str, subject: str = ""):
        """One first-run aggregate check of a model, judged with its whole family (``verdict.first_run``);
        with a baseline, marked new or pre-existing against the baseline's rows of the same model."""
        from vlmcore.verdict.first_run import first_run_checks, mark_pre_existing

        if model not in self._aggregates:
            rows = [row for evaluation in self.engine(model).all_groups() for row in evaluation.rows + evaluation.probes]
            checks = first_run_checks(rows, self.thresholds, model)
            baseline = self._run.configuration.baseline
            before = [r for r in baseline.rows if r.model == model] if baseline is not None else []
            if before:
                checks = mark_pre_existing(checks, first_run_checks(before, self.thresholds, model))
            self._aggregates[model] = {(c.check, c.subject): c for c in checks}
        return self._aggregates[model][(check, subject)]

    def not_asked(self, check: str) -> str:
        """Why ``check`` has no rows because the run was told not to make them ('' when it was not)."""
        from vlmcore.grounding.plan import PROBE_KINDS

        probes = self._run.configuration.options.probes
        if check in PROBE_KINDS and probes is not None and check not in probes:
            return f"not judged: the {check} probe was not run (--vlm-probes {','.join(probes) or 'none'})"
        return ""

    def answers_not_read(self, model: str) -> str:
        """Why the model's answers cannot be judged (``verdict.unread_answers``), or ""."""
        from vlmcore.verdict.unread_answers import unread_answers

        if model not in self._unread:
            rows = [row for evaluation in self.engine(model).all_groups() for row in evaluation.rows]
            floor = float(self.thresholds.get("min_answer_mass"))
            self._unread[model] = unread_answers(rows, self.thresholds.answers, floor).get(model, "")
        return self._unread[model]

    def trials(self, model: str, group_id: str, kind: str):
        """One group's counterfactual trials of one probe (``vlmcore.grounding``), evaluated with the group."""
        return self.engine(model).group(group_id).probe_rows(kind)

    def flip_search(self, model: str, group_id: str):
        """The group's flip search (a ``FlipFinding``), run once; a group outside the run's
        ``--vlm-flip-search-groups`` sample skips, saying so."""
        why = self._run.flips.not_searched(group_id)
        if why:
            pytest.skip(why)
        return self._run.flips.result(model, group_id)

    def baseline_status(self, model: str, group_id: str) -> str:
        """For a group that fails a diagnostic: whether it flipped in the baseline too."""
        baseline = self._run.configuration.baseline
        if baseline is None:
            return ""
        old = [r for r in baseline.rows if r.group_id == group_id and r.relation == "invariant"]
        if not old:
            return "not in the baseline"
        return "known: flipped in the baseline too" if any(not r.consistent for r in old) else "NEW: consistent in the baseline"

    def expect(self, ok: bool, message: str, *, level: str) -> None:
        """Fail, or report as xfail with the measured value, by the check's level.

        ``level="case"``: per-group / per-case diagnostics, gating only with ``--vlm-case-checks gate``.
        ``level="aggregate"``: the first-run checks, gating with a baseline too (the candidate faces them).
        """
        if ok:
            return
        configuration = self._run.configuration
        gating = configuration.options.case_checks == "gate" if level == "case" else True
        if gating:
            pytest.fail(message, pytrace=False)
        why = "diagnostic, not gating (--vlm-case-checks gate makes it gating)"
        # pytrace=False: the message is the report; formatting a traceback per xfailed case was
        # ~20 ms each (pytest parses the test's source), a tenth of the smoke run
        raise pytest.xfail.Exception(f"{message} [{why}]", pytrace=False)
