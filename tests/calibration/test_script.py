"""``python -m vlmcore.calibration`` runs its scenarios through the real decision functions
(the numbers themselves are in docs/verdict.md; this only checks the script works and judges)."""

from vlmcore.calibration.__main__ import main
from vlmcore.calibration.scenarios import all_scenarios, at_thresholds
from vlmcore.testing.study import FINDINGS
from vlmcore.verdict.thresholds import load_thresholds


def test_script_prints_each_selected_scenario_with_its_target(capsys):
    assert main(["--runs", "3", "--only", "gate null deterministic rerun"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "|" in line]
    assert len(lines) == 1 and "false alarms   0.0%" in lines[0] and "target <= 6% ok" in lines[0]


def test_the_at_threshold_model_really_sits_at_the_thresholds():
    thresholds = load_thresholds()
    model = at_thresholds(thresholds)
    assert abs(model.expected_consistency() - 0.9) < 1e-12
    for finding in FINDINGS:
        assert abs(model.expected_accuracy(finding) - thresholds.get("accuracy", finding)) < 1e-12
    kinds = {r.kind for s in all_scenarios() for r in s.readouts}
    assert {"first run", "gate null", "gate alternative", "coverage"} <= kinds


def test_parts_print_exactly_the_lines_of_one_run(capsys):
    """``--part K/N`` and ``--reverse`` split the scenarios between processes without changing a line (each keeps its seed)."""
    def lines(*extra):
        assert main(["--runs", "2", "--only", "fixed", *extra]) == 0
        return sorted(line.rsplit("|", 1)[0] for line in capsys.readouterr().out.splitlines() if line.count("|") >= 3)

    whole, first, second = lines(), lines("--part", "1/2"), lines("--part", "2/2")
    assert len(whole) >= 4 and first and second and sorted(first + second) == whole  # "fixed": scenarios of both parities
    assert lines("--reverse") == whole  # last to first: the same lines
