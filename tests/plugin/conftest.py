"""Helpers to run the benchmark suite in a subprocess, as users do."""

import json
import shutil
import textwrap
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
PHANTOM = REPO / "fixtures" / "phantom"

# Scripted models answer from a table keyed by the question, not by the film: every counterfactual
# grounding probe (issue 27) would rightly fail them. These runs test the gate / answer reading, so
# the probes are off (`--vlm-probes none`); grounding end to end: tests/grounding.
NO_PROBES = ("--vlm-probes", "none")


SCRIPTED_PLUGIN = '''
import re
import numpy as np
from vlmcore.testing import ScriptedAdapter

PASSIVE = re.compile(r"\\b(?:is|are|be|been|can|has)\\b.*\\b(?:seen|shown|identified|demonstrated)\\b")
NEGATED = re.compile(r"\\bis there no\\b")  # the negation controls: an honest reader answers them the other way
BEHAVIOUR = {behaviour!r}


def margin(question, image):
    text = question.lower()
    if BEHAVIOUR == "slow":
        import time
        time.sleep(0.02)  # slow enough that a SIGKILL lands mid-run
    if BEHAVIOUR == "yes-always":
        return 3.0
    image_says = 2.0 if float(np.mean(image)) < 120 else -2.0  # phantoms are darker than the blank film
    if NEGATED.search(text):
        image_says = -image_says
    if BEHAVIOUR == "passive-flipper" and PASSIVE.search(text):
        return -image_says
    if BEHAVIOUR == "degraded" and ("present" in text or "seen" in text or "?" == text[-1:] and text.startswith("in ")):
        return -image_says
    return image_says


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return ScriptedAdapter(margin, name=BEHAVIOUR)
'''


#: a plugin serving each model key its own answer table: ``RELEASE_ANSWERS`` = {"key": "path/answers.json"}
ANSWERS_PLUGIN = '''
import json
import os

from vlmcore.testing.study import study_adapter

ANSWERS = json.loads(os.environ["RELEASE_ANSWERS"])


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key in ANSWERS:
        return study_adapter(ANSWERS[spec.key], name="scripted-" + os.path.basename(os.path.dirname(ANSWERS[spec.key])))
'''


def scripted_plugin(pytester, behaviour: str) -> str:
    name = f"scripted_{behaviour.replace('-', '_')}"
    pytester.makepyfile(**{name: textwrap.dedent(SCRIPTED_PLUGIN.format(behaviour=behaviour))})
    return name


def run_suite(pytester, *args, plugin: str | None = None):
    extra = ["-p", plugin] if plugin else []
    return pytester.runpytest_subprocess(str(BENCHMARKS), "-p", "no:cacheprovider", "-q", *extra, *args)


def latest_run(report_dir: Path) -> Path:
    return report_dir / (report_dir / "latest.txt").read_text().strip()


def read_summary(report_dir: Path) -> dict:
    return json.loads((latest_run(report_dir) / "summary.json").read_text())


def read_results(report_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (latest_run(report_dir) / "results.jsonl").read_text().splitlines()]


def copy_phantom(tmp: Path) -> Path:
    target = tmp / "phantom"
    shutil.copytree(PHANTOM, target)
    return target
