"""The documentation site: the options page is what the option table says, the site builds with
``mkdocs build --strict`` (CI runs it through ``make docs``), and CI runs the README's test command."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vlmcore.plugin.options import OPTIONS
from vlmcore.plugin.options_page import PAGE, page

REPO = Path(__file__).resolve().parents[1]


def test_the_options_page_is_current():
    assert (REPO / PAGE).read_text() == page(), "docs/options.md is stale: run python -m vlmcore.plugin.options_page"


def test_the_options_page_names_every_option_and_no_machine_path():
    text = page()
    for option in OPTIONS:
        assert f"`{option.flag} {option.metavar}`" in text and f"`{option.env}`" in text and f"`{option.dest}`" in text
    assert "`vlmcore/bundled/fixtures/phantom/dataset.csv` (bundled)" in text
    assert str(REPO) not in text


def test_ci_builds_the_site_strictly_and_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme and re.search(r"^make test$", ci, re.MULTILINE)
    assert re.search(r"^make test-slow$", ci, re.MULTILINE)  # what `make test` leaves out as slow still runs in CI
    makefile = (REPO / "Makefile").read_text()
    assert '-m "not slow"' in makefile.split("\ntest:")[1].split("\n\n")[0] and "-m slow" in makefile.split("\ntest-slow:")[1]
    assert re.search(r"^make docs$", ci, re.MULTILINE) and "mkdocs build --strict" in (REPO / "Makefile").read_text()


@pytest.mark.skipif(shutil.which("mkdocs") is None and not (Path(sys.executable).parent / "mkdocs").exists(),
                    reason="mkdocs is not installed (pip install -e '.[docs]')")
def test_the_site_builds_strictly(tmp_path):
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "options" / "index.html").is_file()
