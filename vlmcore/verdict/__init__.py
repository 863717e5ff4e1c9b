"""Decision logic: thresholds, the first-run rule, pairing, the regression gate, baselines,
the verdict and its exit code. Below the report writers and the pytest plugin, above the
records (``data``) and the statistics (``metrics``); it imports neither report nor plugin."""
