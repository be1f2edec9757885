"""The benchmark of issue 8: ``make bench`` (see README.md and bench/run.py)."""
