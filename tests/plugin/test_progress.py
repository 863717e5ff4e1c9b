"""The case progress lines: when they are written and what they say (a fake terminal and clock)."""

from types import SimpleNamespace

from vlmcore.plugin.progress import CASE_PROPERTY, GROUP_CHECK, CaseProgress


class Terminal:
    def __init__(self):
        self.lines = []

    def write_line(self, line):
        self.lines.append(line)


def _finish(progress, index, benchmark=True, check=GROUP_CHECK):
    nodeid = f"test_x[{index}]"
    properties = [(CASE_PROPERTY, check)] if benchmark else []
    progress.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, when="call", user_properties=properties))
    progress.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, when="teardown", user_properties=[]))


def test_one_line_per_tenth_of_the_run_with_rate_and_eta():
    now = [0.0]
    terminal = Terminal()
    progress = CaseProgress(terminal, clock=lambda: now[0])
    progress.pytest_xdist_node_collection_finished(None, [f"id{i}" for i in range(100)])
    for index in range(100):
        now[0] = index * 0.5
        _finish(progress, index, check=GROUP_CHECK if index % 2 == 0 else "test_group_accuracy")
    assert len(terminal.lines) == 10  # 10%, 20%, ... 100%
    assert terminal.lines[0].startswith("[vlmcore] 10/100 cases (10%), 5 groups judged (")
    assert terminal.lines[-1].startswith("[vlmcore] 100/100 cases (100%), 50 groups judged (1.01 groups/s), 50s elapsed, ETA 0s")
    middle = terminal.lines[4]  # 50 cases after 24.5 s: 50 more take about as long
    assert middle.startswith("[vlmcore] 50/100 cases (50%)") and middle.endswith("ETA 24s")


def test_a_slow_stretch_still_prints_every_interval():
    now = [0.0]
    terminal = Terminal()
    progress = CaseProgress(terminal, clock=lambda: now[0], interval=30.0)
    progress.pytest_xdist_node_collection_finished(None, [f"id{i}" for i in range(1000)])
    for index in range(5):
        now[0] = index * 40.0
        _finish(progress, index)
    assert len(terminal.lines) == 4  # each case 40 s after the previous line: every one after the first prints


def test_the_projects_own_tests_never_print_progress():
    terminal = Terminal()
    progress = CaseProgress(terminal)
    progress.pytest_xdist_node_collection_finished(None, ["a", "b"])
    _finish(progress, 0, benchmark=False)
    _finish(progress, 1, benchmark=False)
    assert terminal.lines == []


def test_the_eta_prices_each_check_at_its_own_speed():
    """A slow flip search first, cheap map checks after: a per-case rate would promise 20x too long."""
    now = [0.0]
    terminal = Terminal()
    progress = CaseProgress(terminal, clock=lambda: now[0])
    progress.pytest_xdist_node_collection_finished(None, [f"b.py::test_flip[{i}]" for i in range(10)]
                                                   + [f"b.py::test_map[{i}]" for i in range(990)])
    for index in range(5):  # half the flip search, 2 s a case
        now[0] += 2.0
        for when, duration in (("call", 2.0), ("teardown", 0.0)):
            progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_flip[{index}]", when=when, duration=duration,
                                                              user_properties=[(CASE_PROPERTY, "test_flip")]))
    assert progress.eta(10.0) == 5 * 2.0 + 990 * 2.0  # nothing cheaper seen yet: map checks priced like the flip search
    for index in range(10):  # the first map checks: a millisecond each
        progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_map[{index}]", when="call", duration=0.001,
                                                          user_properties=[(CASE_PROPERTY, "test_map")]))
        progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_map[{index}]", when="teardown", duration=0.0,
                                                          user_properties=[]))
    assert abs(progress.eta(10.0) - (5 * 2.0 + 980 * 0.001)) < 1e-9


def test_the_first_cases_one_off_cost_is_not_charged_to_every_case_left():
    """The run's first case loads the model (here 20 s); charged to the 990 cases left it would promise
    about 5 hours for a run of 16 minutes."""
    progress = CaseProgress(Terminal(), clock=lambda: 0.0)
    progress.pytest_xdist_node_collection_finished(None, [f"b.py::test_flip[{i}]" for i in range(1000)])
    for index, duration in enumerate([20.0] + [1.0] * 9):
        for when, seconds in (("call", duration), ("teardown", 0.0)):
            progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_flip[{index}]", when=when, duration=seconds,
                                                              user_properties=[(CASE_PROPERTY, "test_flip")]))
    assert progress.eta(29.0) == 990 * 1.0


def test_time_between_cases_is_priced_too():
    """Cases that report 0.1 s each but finish one every 0.3 s (pytest's bookkeeping, a loaded
    machine): the cases left take 0.3 s each."""
    now = [0.0]
    progress = CaseProgress(Terminal(), clock=lambda: now[0])
    progress.pytest_xdist_node_collection_finished(None, [f"b.py::test_map[{i}]" for i in range(100)])
    for index in range(10):
        now[0] += 0.3
        for when, seconds in (("call", 0.1), ("teardown", 0.0)):
            progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_map[{index}]", when=when, duration=seconds,
                                                              user_properties=[(CASE_PROPERTY, "test_map")]))
    # the first case began at 0.2 (0.3 less its 0.1): 2.8 s of wall time for 10 cases, 0.28 s a case, not the 0.1 reported
    assert abs(progress.eta(3.0) - 90 * 0.28) < 1e-6


def test_no_line_while_the_first_check_has_one_case():
    """The run's first case took 44 s (model loading): a line then would price every flip search at 44 s."""
    now = [0.0]
    terminal = Terminal()
    progress = CaseProgress(terminal, clock=lambda: now[0], interval=30.0)
    progress.started = 0.0  # pytest_sessionstart
    progress.pytest_xdist_node_collection_finished(None, [f"b.py::test_flip[{i}]" for i in range(100)])
    for index, duration in enumerate([44.0, 1.0, 1.0]):
        now[0] += duration
        for when, seconds in (("call", duration), ("teardown", 0.0)):
            progress.pytest_runtest_logreport(SimpleNamespace(nodeid=f"b.py::test_flip[{index}]", when=when, duration=seconds,
                                                              user_properties=[(CASE_PROPERTY, "test_flip")]))
        assert len(terminal.lines) == (0 if index == 0 else 1)
    assert terminal.lines[0].startswith("[vlmcore] 2/100 cases (2%), 45s elapsed, ETA 98s")


def test_the_one_off_in_a_check_that_is_not_the_first():
    """The first check skips cheaply without loading the model; the second pays the loading (35 s)."""
    now = [0.0]
    terminal = Terminal()
    progress = CaseProgress(terminal, clock=lambda: now[0], interval=30.0)
    progress.started = 0.0
    ids = [f"b.py::test_{check}[{g}]" for g in range(50) for check in ("flip", "consistency")]
    progress.pytest_xdist_node_collection_finished(None, ids)
    for nodeid, duration in zip(ids, [0.01, 35.0, 0.01, 1.0, 0.01, 1.0]):
        now[0] += duration
        check = nodeid.split("::test_")[1].split("[")[0]
        for when, seconds in (("call", duration), ("teardown", 0.0)):
            progress.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, when=when, duration=seconds,
                                                              user_properties=[(CASE_PROPERTY, check)]))
        if nodeid.endswith("consistency[0]"):
            assert terminal.lines == []  # consistency's only case is the loading: no line yet
    assert terminal.lines == ["[vlmcore] 4/100 cases (4%), 36s elapsed, ETA 48s"]  # 48 groups left at 1.01 s, not 35 s
