"""numpy, for the arrays the clustering is made from (cluster._graph, signals.sparsify).

Imported where a clustering is made, never at start-up: numpy's import (~0.035 s) is
paid only by a run that clusters, not by one that finds its clustering stored. OpenBLAS
is told to start no threads of its own (unless the user said otherwise): nothing here
multiplies matrices, and its thread cost 0.02-0.03 CPU-s of the import (0.035 -> 0.06)
on the core a forked child uses, and was one more thread in the process that forks the
report children.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # after the setting: OpenBLAS reads it when numpy loads it

__all__ = ["np"]
