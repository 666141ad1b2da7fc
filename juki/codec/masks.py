"""Byte masks shared by decode and encode."""

from __future__ import annotations

from functools import cache

import numpy as np


@cache
def prefix_mask(width: int) -> np.ndarray:
    """Row k is True in its first k columns: ``prefix_mask(w)[lengths]`` masks each row's first ``length`` bytes
    with one fancy-index lookup, several times faster than comparing a column range per row."""
    return np.tri(width + 1, width, -1, dtype=bool)
