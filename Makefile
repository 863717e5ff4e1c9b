# Two entry points for a fresh machine: `make demo` (main job on the embedded default)
# and `make test` (the test suite). Both create .venv and install on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# CPU machines take the local torch 2.13.0 CPU wheel; an unpinned torch would pull CUDA wheels.
TORCH_SPEC ?= $(shell command -v nvidia-smi >/dev/null 2>&1 && echo torch || echo torch==2.13.0)
PYTEST_ARGS ?=
DEMO_ARGS ?=

.PHONY: install demo test test-slow docs benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev,distributed]"
	rm -f $(VENV)/.installed-*
	touch $@

# The demo prints where its report is and how to open it; the commands live in .venv/bin.
demo: install
	@$(BIN)/python -m vlmcore demo $(DEMO_ARGS); status=$$?; \
	echo "make demo: the tools are in $(VENV)/bin (source $(VENV)/bin/activate, then vlmcore / pytest)"; exit $$status

# --dist loadfile: a module's expensive module-scoped fixture (a whole benchmark run) runs on one
# worker only. (xdist_group marks do not group under pytest 9.2 + xdist 3.8: each worker ran it.)
# `make test` leaves out the tests marked slow (end-to-end release scenarios, the reference models'
# verdicts, the wheel installed into a fresh virtualenv, map evaluation runs); `make test-slow` runs
# them, and CI runs both.
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow" $(PYTEST_ARGS)

test-slow: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -m slow $(PYTEST_ARGS)

# The documentation site (docs/ + mkdocs.yml, material theme), built as CI builds it: any warning fails.
docs: install
	$(BIN)/python -m vlmcore.plugin.options_page --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
