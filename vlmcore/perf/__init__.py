"""Side-by-side performance measurement: the seed study's pipeline vs the vlmcore engine."""
