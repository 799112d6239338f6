"""Metrics: structure (coupling, cycles, propagation cost), complexity, hotspots."""
