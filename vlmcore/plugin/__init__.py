"""The pytest plugin: options, markers, session, fixtures, report and gate."""
