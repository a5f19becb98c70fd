"""The one way detente compiles a numerical kernel: numba's ``njit`` with the options
every kernel module shares (exchange, Nash, median, the Monte Carlo sampling and
summaries).

- ``cache``: compiled once per checkout, then read from ``__pycache__``;
- ``nogil``: the thread engine's workers run kernels side by side;
- ``error_model="numpy"``: a division by zero gives ``inf``/NaN as the array code
  does, never an exception, so both paths give the same numbers;
- ``_nrt=False``: no reference counting. The kernels allocate nothing (their scratch
  arrays come from the caller), and with counting every helper call counted references
  on each array it was passed: atomic operations that made the exchange round's loop
  two to three times slower (measured on the bundled scenario's draws).

Importing this module imports numba (about 0.5 CPU s and over 50 MiB), so only the
kernel modules import it, and they are imported only for runs large enough to gain.
"""

from __future__ import annotations

from typing import Any

import numba

KERNEL_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy",
                                  "_nrt": False}

#: the decorator of every kernel function
jit = numba.njit(**KERNEL_OPTIONS)
