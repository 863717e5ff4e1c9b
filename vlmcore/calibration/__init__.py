"""``python -m vlmcore.calibration``: simulated runs through the verdict's own decision
functions, printing false-alarm rates, power and interval coverage with Monte-Carlo error."""
