"""Φ and Φ⁻¹ without scipy (:mod:`detente.uncertainty.normal`) give scipy.special's
``ndtr``/``ndtri`` bit for bit (issue 31: ``forecast`` under 1 CPU s without changing a
number), and a small ``forecast`` no longer imports scipy.

Equality is of the bits (``uint64`` views): every value, ±0, ±∞ and the sign of NaN.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.uncertainty import normal

from ..conftest import modules_after

sp = pytest.importorskip("scipy.special")
TINY = np.finfo(float).tiny
EXP_M2 = normal.EXP_M2


def _bits(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def _same(port, ufunc, x: np.ndarray) -> None:
    # chunks below SCIPY_FROM, as the public function would take them (the port itself)
    got = np.concatenate([port(c) for c in np.array_split(x, max(1, x.size // 100_000))])
    want = ufunc(x)
    bad = np.flatnonzero(_bits(got) != _bits(want))
    assert not bad.size, (f"{bad.size} of {x.size} differ, e.g. x={x[bad[:3]]!r}: "
                          f"{got[bad[:3]]!r} against scipy's {want[bad[:3]]!r}")


def _ndtr_values(rng: np.random.Generator, n: int) -> np.ndarray:
    """Standard normals, a wide uniform, both tails, |x|/√2 at the branch points 1 and 8,
    the erfc underflow edge (|x| ≈ 37.7), tiny and subnormal values, random bit patterns
    (NaN payloads and huge values included) and the special values."""
    r2 = np.sqrt(2.0)
    edges = [r2, 8 * r2, np.nextafter(r2, 0), np.nextafter(r2, 3), np.nextafter(8 * r2, 0),
             np.nextafter(8 * r2, 20), 0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, TINY,
             5e-324, 1e-300, 1e308, 37.5193793471, 37.7, 38.0]
    parts = [rng.standard_normal(n), rng.uniform(-40, 40, n // 2),
             rng.uniform(1.41, 1.42, n // 8), rng.uniform(11.31, 11.32, n // 8),
             rng.uniform(37.5, 37.8, n // 8), rng.uniform(0, TINY, n // 8),
             rng.standard_normal(n // 8) * 1e-8,
             rng.integers(0, 2**64, n // 8, dtype=np.uint64).view(np.float64)]
    x = np.concatenate([*parts, edges])
    return np.concatenate([x, -x])


def _ndtri_values(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniforms, both tails down to the smallest subnormal, the e^-2 and e^-32 branch
    points from both sides, 0, 1, ½, values outside [0, 1], ±∞, ±NaN, random bits."""
    edges = [0.0, -0.0, 1.0, 0.5, np.nextafter(0.5, 0), np.nextafter(0.5, 1),
             np.nextafter(1, 0), np.nextafter(0, 1), TINY, EXP_M2, 1 - EXP_M2,
             np.nextafter(EXP_M2, 0), np.nextafter(EXP_M2, 1), np.nextafter(1 - EXP_M2, 0),
             np.nextafter(1 - EXP_M2, 1), np.exp(-32.0), -1e-300, 1 + 1e-15, 2.0, -1.0,
             np.inf, -np.inf, np.nan, -np.nan]
    parts = [rng.random(n), rng.random(n // 2) * 0.14, 1 - rng.random(n // 2) * 0.14,
             np.exp(-rng.uniform(0, 745, n // 4)), 1 - np.exp(-rng.uniform(0, 37, n // 8)),
             rng.uniform(EXP_M2 - 1e-4, EXP_M2 + 1e-4, n // 8),
             np.exp(-32.0) * rng.uniform(0.99, 1.01, n // 8), rng.uniform(0, TINY, n // 8),
             rng.integers(0, 2**64, n // 8, dtype=np.uint64).view(np.float64)]
    return np.concatenate([*parts, edges])


def test_ndtr_is_scipy_s_bit_for_bit():
    x = _ndtr_values(np.random.default_rng(31), 300_000)
    assert x.size >= 1_000_000
    with np.errstate(all="ignore"):
        _same(normal.ndtr_port, sp.ndtr, x)


def test_ndtri_is_scipy_s_bit_for_bit():
    y = _ndtri_values(np.random.default_rng(32), 400_000)
    assert y.size >= 1_000_000
    _same(normal.ndtri_port, sp.ndtri, y)


@pytest.mark.slow
def test_many_more_values_and_seeds():
    for seed in range(5):
        rng = np.random.default_rng(100 + seed)
        with np.errstate(all="ignore"):
            _same(normal.ndtr_port, sp.ndtr, _ndtr_values(rng, 2_000_000))
        _same(normal.ndtri_port, sp.ndtri, _ndtri_values(rng, 2_000_000))


def test_the_functions_behave_like_the_ufuncs(monkeypatch):
    big = np.zeros(normal.SCIPY_FROM)
    assert normal._scipy_wanted(big)  # a large array goes to scipy (same bits, faster)
    monkeypatch.setattr(normal, "_scipy_wanted", lambda a: False)  # the port, always
    z = np.random.default_rng(1).standard_normal((40, 7))
    want = sp.ndtr(z)
    out = z.copy()
    assert normal.ndtr(out, out=out) is out and _bits(out).tolist() == _bits(want).tolist()
    assert normal.ndtr(z).shape == (40, 7)
    assert isinstance(normal.ndtr(0.3), np.float64) and normal.ndtr(0.3) == sp.ndtr(0.3)
    y = np.array([0.0, 0.25, 1.0])
    assert normal.ndtri(y).tolist() == sp.ndtri(y).tolist()
    assert normal.ndtri([[0.1], [0.9]]).shape == (2, 1)


def test_a_small_forecast_imports_no_scipy():
    # import scipy.special costs ~0.35 CPU s (its array-API layer loads numpy.f2py and
    # numpy.testing): a third of a small forecast
    loaded = modules_after("from detente.cli.main import app\ntry:\n    app(['forecast'])\n"
                           "except SystemExit:\n    pass")
    assert "detente.uncertainty.simulate" in loaded  # it did draw
    scipy = sorted(m for m in loaded if m == "scipy" or m.startswith("scipy."))
    assert not scipy, f"detente forecast imported {scipy[:8]}"
