"""Portfolio mode: many repositories assessed at once, one roll-up (see runner.py)."""
