"""`make bench`: the national-scale benchmarks of issue 8 (see bench/__main__.py)."""
