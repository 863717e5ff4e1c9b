"""A one-line progress display for long evaluations: variants done, variants/s, ETA.

Written to the terminal with pytest's capture suspended (evaluation happens inside test
calls). ``--progress auto`` shows it on an interactive terminal and never under CI.
"""

from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, config, label: str, total: int, mode: str):
        self.config, self.label, self.total = config, label, total
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0
        interactive = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = mode == "on" or (mode == "auto" and interactive)

    def __call__(self, variants: int) -> None:
        self.done += variants
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.5 and self.done < self.total):
            return
        self._last = now
        rate = self.done / max(now - self.started, 1e-9)
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        line = f"[vlmcore] {self.label}: {self.done}/{self.total} variants  {rate:.1f} variants/s  ETA {eta:.0f}s"
        capture = self.config.pluginmanager.getplugin("capturemanager")
        writer = self.config.get_terminal_writer()
        with capture.global_and_fixture_disabled():
            writer.write("\r" + line + ("\n" if self.done >= self.total else ""), flush=True)
