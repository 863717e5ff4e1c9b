"""Report writers: one output format per module; writers format, they never compute."""
