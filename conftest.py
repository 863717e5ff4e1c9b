"""Root conftest: intentionally thin. The vlmcore pytest plugin is loaded through its
``pytest11`` entry point (see pyproject.toml), so ``pytest benchmarks`` works from any
checkout after ``pip install``."""
