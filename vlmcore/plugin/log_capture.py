"""pytest's per-case log capture, left out of a run made only of benchmark cases.

pytest's logging plugin enters two capture handlers in each of a case's three phases, and each
entry attaches them to the root logger and to every non-propagating logger (torch registers
about fifty): in the smoke run that was 29,744 entries and 1.7 million ``addHandler`` /
``removeHandler`` calls, a tenth of its CPU, more than the tiny models' attention. A benchmark
case's outcome is its message and the report, not a captured log; a model's warnings still
reach stderr through Python's last-resort handler (and the library's own handlers), which
pytest's output capture keeps per case.

So when every collected case is a vlmcore case, none asks for ``caplog``, and no ``--log-...``
option or ``log_...`` ini setting asks for logs, the plugin unregisters pytest's logging plugin
for the run (closing the file handler it opened at start-up, as its own ``unconfigure`` would).
Any other run, a mixed one included, keeps pytest's behaviour untouched.
"""

from __future__ import annotations

#: name pytest registers its logging plugin under (``_pytest.logging.pytest_configure``)
LOGGING_PLUGIN = "logging-plugin"
#: settings that ask for logs: as options (``--log-level``...) and as ini keys of the same names
_ASKING = ("log_level", "log_cli_level", "log_file", "log_file_level")


def asks_for_logs(config) -> bool:
    if any(config.getoption(name, None) for name in _ASKING):
        return True
    return any(_ini(config, name) for name in (*_ASKING, "log_cli"))


def _ini(config, name: str):
    try:
        return config.getini(name)
    except ValueError:  # not declared (pytest without its logging plugin)
        return None


def drop_per_case_capture(config, items, is_benchmark_case) -> bool:
    """Unregister pytest's logging plugin when ``items`` are all benchmark cases and nobody asked for
    logs; True when it did."""
    plugin = config.pluginmanager.get_plugin(LOGGING_PLUGIN)
    if plugin is None or not items or asks_for_logs(config):
        return False
    if not all(is_benchmark_case(item) and "caplog" not in getattr(item, "fixturenames", ()) for item in items):
        return False
    config.pluginmanager.unregister(plugin, LOGGING_PLUGIN)
    handler = getattr(plugin, "log_file_handler", None)
    if handler is not None:
        handler.close()
    return True
