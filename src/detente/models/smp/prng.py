"""KTAB's own random numbers, to reproduce its Stochastic SMP runs draw for draw.

KTAB draws from a 64-bit Mersenne Twister (``std::mt19937_64``) and scrambles
each output ``n`` as ``(n + 0xE08C1D668B756F83)(2n + 3) mod 2⁶⁴`` before
dividing by ``2⁶⁴ − 1``; an actor then takes the first option whose cumulative
probability reaches its draw (``probSel``).
"""

from __future__ import annotations

import numpy as np

KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C
_M64 = (1 << 64) - 1


class KtabPRNG:
    """KTAB's random numbers: 64-bit Mersenne Twister (``std::mt19937_64``), each
    output ``n`` scrambled as ``(n + 0xE08C1D668B756F83)(2n + 3) mod 2⁶⁴`` and
    divided by ``2⁶⁴ − 1``. Only for reproducing KTAB's Stochastic runs.
    """

    def __init__(self, seed: int):
        mt = [int(seed) & _M64]
        for i in range(1, 312):
            prev = mt[-1]
            mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & _M64)
        self._mt = mt
        self._idx = 312

    def _twist(self) -> None:
        mt = self._mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self._idx = 0

    def raw(self) -> int:
        """The next ``mt19937_64`` output."""
        if self._idx >= 312:
            self._twist()
        y = self._mt[self._idx]
        self._idx += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _M64

    def uniform(self) -> float:
        """A number in [0, 1], as KTAB's ``PRNG::uniform(0, 1)``."""
        n = self.raw()
        q = ((n + 0xE08C1D668B756F83) * (2 * n + 3)) & _M64
        return float(q) / float(_M64)


def select(p: np.ndarray, u: float) -> int:
    """The first index whose cumulative probability reaches ``u`` (KTAB's ``probSel``)."""
    total = 0.0
    for m, pm in enumerate(p.tolist()):
        total = total + pm
        if u <= total:
            return m
    return len(p) - 1
