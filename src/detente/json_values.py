"""Plain JSON values from numbers, numpy values and dataclasses (the one JSON helper).

JSON has no NaN or infinity: a number that is not finite (an issue without an
outcome, an unbounded target) becomes ``null``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def json_number(value: Any) -> float | None:
    """``float(value)``, or ``None`` when it is ``None``, NaN or infinite."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def json_ready(value: Any) -> Any:
    """``value`` with numpy arrays and scalars, tuples and dataclasses turned into plain
    lists, numbers, booleans and dicts (string keys), and non-finite floats into ``None``."""
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, float | np.floating):
        return json_number(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_ready(dataclasses.asdict(value))
    return value
