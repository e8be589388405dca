"""Names, sizes and errors every part of the synthetic generator shares."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PREFIX = "X"
GROUP = "合成数据"
ELEMENT_PREFIX = "syn_"
INDICATOR_PREFIX = "syn_ind_"
ORDER_BASE = 10_000  # synthetic elements sort after the real ones

NATIONAL = {"provinces": 31, "cities": 340, "districts": 2850, "towns": 38_000}
# Most children a parent can have with the digits of the code scheme.
MAX_CHILDREN = {1: 99, 2: 99, 3: 99, 4: 999}
LEVEL_NAMES = {1: "省", 2: "市", 3: "区", 4: "镇"}
NAME_PREFIX = {1: "合成省", 2: "合成市", 3: "合成区", 4: "合成镇"}
SEASON = np.array([0.85, 1.0, 1.05, 1.15])  # Q1 is quieter (Spring Festival), Q4 busier
DEFAULT_CHUNK_ROWS = 400_000

Progress = Callable[[str], None]


class SyntheticDataError(Exception):
    """The request cannot be carried out; the message says why and what to do."""


class SyntheticDataExists(SyntheticDataError):
    """A synthetic data set is already there and ``replace`` was not asked for."""
