"""A block's summary (:func:`~.simulate.block_summary`) as one compiled pass (numba), bit
for bit the array code.

The array code builds ``[n, M, I, K]`` distance arrays and ``[n, M, I, K, K]`` closer
tests for a block of n draws, M models, I issues and K anchors: about 170 bytes per
outcome, 150 MiB for a 16,384-draw block of seven models on eight issues, allocated
and freed in every block. Here each outcome is read twice, draw after draw, and only
the tallies are written:

- pass 1: ``count`` and the sum of the outcomes, giving the block mean
  ``x̄ = Σ x / max(count, 1)`` (0 without an outcome);
- pass 2: ``M2 = Σ (x − x̄)²``, min, max, the histogram bin
  ``⌊(x − low) / (high − low) · bins⌋`` clipped to ``[0, bins − 1]``, the distances
  ``|x − a_k|`` to the anchors, the closer tallies ``|x − a_j| < |x − a_k|``, the band
  (the nearest anchor, the lower on a tie; the no-agreement band when
  ``|x − q| ≤ band_width + 1e-9 (high − low)``), and across models the disagreement
  and split tallies.

Same numbers: the sums run draw after draw from the first draw's term, as numpy
reduces a C-ordered ``[n, M, I]`` array over its first axis when ``M·I > 1`` (one
column, numpy sums pairwise: :func:`~.simulate.block_summary` keeps it on the array
code). ``tests/uncertainty/test_summary_kernels.py`` checks both paths.
Compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np

from detente.models.compiled import jit as _jit


@_jit
def _moments(x, count, total, mean):  # pragma: no cover - compiled
    """Pass 1: per model and issue, the outcomes' count, sum (draw after draw, from the
    first draw's term, NaN counting 0) and mean Σx / max(count, 1) (0 without one)."""
    n, m, i = x.shape
    for a in range(m):
        for b in range(i):
            v = x[0, a, b]
            ok = v == v
            count[a, b] = 1 if ok else 0
            total[a, b] = v if ok else 0.0
    for k in range(1, n):
        for a in range(m):
            for b in range(i):
                v = x[k, a, b]
                if v == v:
                    count[a, b] += 1
                    total[a, b] += v
                else:
                    total[a, b] += 0.0
    for a in range(m):
        for b in range(i):
            c = count[a, b]
            mean[a, b] = total[a, b] / max(c, 1) if c > 0 else 0.0


@_jit
def _band(v, b, anchors, has, na, reach, dist):  # pragma: no cover - compiled
    """The distances ``dist[k] = |v − a_k|`` (∞ for padding) of issue ``b``'s anchors, and
    the band of ``v``: the no-agreement column when ``v`` lies within ``reach[b]`` of it,
    else the nearest anchor (the first on a tie)."""
    kk = anchors.shape[1]
    at_na = False
    for k in range(kk):
        d = abs(v - anchors[b, k]) if has[b, k] else np.inf
        dist[k] = d
        if na[b, k] and d <= reach[b]:
            at_na = True
    best = np.inf
    pick = 0
    for k in range(kk):
        # within the band's reach the band is at 0 and the anchors out of the running;
        # beyond it the band is out of the running
        running = at_na if na[b, k] else not at_na
        d = (0.0 if na[b, k] else dist[k]) if running else np.inf
        if d < best:
            best = d
            pick = k
    return pick


@_jit
def _spread(x, mean, low, high, bins, m2, lo, hi, hist):  # pragma: no cover - compiled
    """Pass 2a: M2 (draw after draw, from the first draw's term), min, max, histogram."""
    n, m, i = x.shape
    for k in range(n):
        for a in range(m):
            for b in range(i):
                v = x[k, a, b]
                ok = v == v
                d = v - mean[a, b] if ok else 0.0
                if k == 0:
                    m2[a, b] = d * d
                else:
                    m2[a, b] += d * d
                if not ok:
                    continue
                if v < lo[a, b]:
                    lo[a, b] = v
                if v > hi[a, b]:
                    hi[a, b] = v
                pos = np.floor((v - low[b]) / (high[b] - low[b]) * bins)
                pos = min(max(pos, 0.0), bins - 1.0)
                hist[a, b, int(pos)] += 1


@_jit
def _closer(dist, kh, closer, reached, a, b, times):  # pragma: no cover - compiled
    """``times`` outcomes of model a on issue b at the anchor distances ``dist``: closer
    tallies among the issue's ``kh`` anchors (``closer[a, b, j, o] += times`` where
    ``dist[j] < dist[o]``, one comparison a pair), and ``reached[a, b, j] += times``
    where ``dist[j]`` is finite (closer than every padding column, added by the
    caller)."""
    for j in range(kh):  # counts added as 0/1 times, without branches (the tests are random)
        dj = dist[j]
        reached[a, b, j] += (dj < np.inf) * times
        for o in range(j + 1, kh):
            do = dist[o]
            closer[a, b, j, o] += (dj < do) * times
            closer[a, b, o, j] += (do < dj) * times


@_jit
def _agreement(picks, banded, b, disagree, pair_count, split, split_count
               ):  # pragma: no cover - compiled
    """One draw's tallies across models on issue ``b``: pairs both banded (each pair
    once, ``a < c``; the caller mirrors them) and whether they differ; all banded, and
    whether any differs from the first model."""
    m = picks.shape[0]
    every = True
    differ = False
    for a in range(m):
        if not banded[a]:
            every = False
            continue
        pair_count[a, a, b] += 1
        differ = differ or picks[a] != picks[0]
        for c in range(a + 1, m):
            if banded[c]:
                pair_count[a, c, b] += 1
                if picks[a] != picks[c]:
                    disagree[a, c, b] += 1
    if every:
        split_count[b] += 1
        if differ:
            split[b] += 1


@_jit
def _anchor_tallies(x, anchors, has, kh, na, reach, band, closer, reached, disagree, pair_count,
                    split, split_count, picks, banded, dist, regions, low, high
                    ):  # pragma: no cover - compiled
    """Pass 2b: band, closer, disagreement and split tallies; issue b's anchors are its
    first ``kh[b]`` columns, ``has`` (``picks``, ``banded`` of M and ``dist`` of K:
    scratch). Where :func:`_regions` cut issue b's scale into regions (``regions.fast``),
    an outcome on the scale is only counted in its region (``regions.count``) and its
    band read from the region's; the region's closer and band tallies are added once per
    region at the end (:func:`_region_tallies`)."""
    n, m, i = x.shape
    cuts, n_cuts, region_band, fast, count = regions
    for k in range(n):
        for b in range(i):
            for a in range(m):
                v = x[k, a, b]
                banded[a] = kh[b] > 0 and v == v
                if not banded[a]:
                    continue
                if fast[b] and v >= low[b] and v <= high[b]:
                    r = 0
                    for c in range(n_cuts[b]):  # the region: cuts at or below v
                        r += cuts[b, c] <= v
                    count[a, b, r] += 1
                    picks[a] = region_band[b, r]
                    continue
                picks[a] = _band(v, b, anchors, has, na, reach, dist)
                band[a, b, picks[a]] += 1
                _closer(dist, kh[b], closer, reached, a, b, 1)
            _agreement(picks, banded, b, disagree, pair_count, split, split_count)


# ---- regions of an issue's scale on which band and closer tallies are constant ------------
# For anchors a < a' and x on [low, high], fl|x − a| < fl|x − a'| holds below one float
# and fails from it on: each distance is monotone on either side of its anchor (a
# difference is rounded monotonically), and where x lies beyond both anchors the nearer
# one's distance is strictly smaller once a' − a exceeds the rounding of the distances
# (checked: a' − a > 4 eps M, M bounding every |x − a|; equal anchors tie everywhere).
# Likewise fl|x − a'| < fl|x − a| holds from one float on, and fl|x − q| ≤ reach on one
# run of floats around q. Every comparison the band and closer tallies make is one of
# these or a constant, so between consecutive cuts (the floats where one changes) they
# are the same for every x: counting each region's outcomes gives the same tallies.

_EPS = 2.220446049250313e-16


@_jit
def _distance_less(x, a, c):  # pragma: no cover - compiled
    """fl|x − a| < fl|x − c|, as :func:`_band` and :func:`_closer` compare."""
    return abs(x - a) < abs(x - c)


@_jit
def _holds(kind, x, a, c, reach):  # pragma: no cover - compiled
    """kind 0: not fl|x − a| < fl|x − c|; 1: fl|x − c| < fl|x − a|; 2: fl|x − a| ≤ reach;
    3: not fl|x − a| ≤ reach."""
    if kind == 0:
        return not _distance_less(x, a, c)
    if kind == 1:
        return _distance_less(x, c, a)
    if kind == 2:
        return abs(x - a) <= reach
    return not abs(x - a) <= reach


@_jit
def _first(kind, a, c, reach, lo, hi):  # pragma: no cover - compiled
    """The least float x of [lo, hi] at which :func:`_holds` (false, then true on it)
    holds: ∞ if none, ``lo`` if it holds there; by bisection to adjacent floats."""
    if _holds(kind, lo, a, c, reach):
        return lo
    if not _holds(kind, hi, a, c, reach):
        return np.inf
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            return hi
        if _holds(kind, mid, a, c, reach):
            hi = mid
        else:
            lo = mid


@_jit
def _regions(anchors, kh, na, reach, low, high, cuts, n_cuts, region_band, fast, has, dist
             ):  # pragma: no cover - compiled
    """Per issue b with anchors: ``cuts[b, :n_cuts[b]]`` (sorted) cut [low, high] into
    regions; region r holds the outcomes with r cuts at or below them, and its band
    is ``region_band[b, r]`` (read at its first float). ``fast[b]`` is False where the
    anchors are too close for the argument above (those issues are tallied outcome by
    outcome)."""
    n_issues = anchors.shape[0]
    for b in range(n_issues):
        fast[b] = False
        n_cuts[b] = 0
        if kh[b] == 0:
            continue
        lo, hi = low[b], high[b]
        bound = max(abs(lo), abs(hi))
        for j in range(kh[b]):
            bound = max(bound, abs(lo) + abs(anchors[b, j]), abs(hi) + abs(anchors[b, j]))
        ok = lo < hi
        t = 0
        for j in range(kh[b]):
            for o in range(j + 1, kh[b]):
                a, c = min(anchors[b, j], anchors[b, o]), max(anchors[b, j], anchors[b, o])
                if a == c:
                    continue  # equal anchors: both comparisons false everywhere
                if not c - a > 4.0 * _EPS * bound:
                    ok = False
                cuts[b, t] = _first(0, a, c, 0.0, max(lo, a), min(hi, c))
                cuts[b, t + 1] = _first(1, a, c, 0.0, max(lo, a), min(hi, c))
                t += 2
            if na[b, j]:
                q = anchors[b, j]
                cuts[b, t] = _first(2, q, q, reach[b], lo, min(max(q, lo), hi))
                cuts[b, t + 1] = _first(3, q, q, reach[b], max(min(q, hi), lo), hi)
                t += 2
        if not ok:
            continue
        for j in range(1, t):  # insertion sort of the cuts
            v = cuts[b, j]
            o = j - 1
            while o >= 0 and cuts[b, o] > v:
                cuts[b, o + 1] = cuts[b, o]
                o -= 1
            cuts[b, o + 1] = v
        n_cuts[b] = t
        fast[b] = True
        for r in range(t + 1):
            x = lo if r == 0 else cuts[b, r - 1]
            region_band[b, r] = _band(min(x, hi), b, anchors, has, na, reach, dist)


@_jit
def _region_tallies(anchors, has, kh, na, reach, low, high, cuts, n_cuts, count, band,
                    closer, reached, dist):  # pragma: no cover - compiled
    """The band and closer tallies of every region's outcomes (``count[a, b, r]``), read
    at the region's first float."""
    m, n_issues, _ = count.shape
    for b in range(n_issues):
        for r in range(n_cuts[b] + 1):
            x = low[b] if r == 0 else cuts[b, r - 1]
            x = min(x, high[b])
            pick = _band(x, b, anchors, has, na, reach, dist)
            for a in range(m):
                times = count[a, b, r]
                if times:
                    band[a, b, pick] += times
                    _closer(dist, kh[b], closer, reached, a, b, times)


def tallies(x: np.ndarray, low: np.ndarray, high: np.ndarray, bins: int,
            anchors: np.ndarray, no_agreement: np.ndarray, reach: np.ndarray
            ) -> dict[str, np.ndarray]:
    """Moments, histogram, band, closer, disagreement and split tallies of ``x[n, M, I]``
    (the keys of :func:`~.simulate.block_summary` but ``broken``): ``anchors[I, K]``
    sorted, NaN-padded; ``no_agreement[I, K]`` the no-agreement columns; ``reach[I]``
    ``band_width + 1e-9 (high − low)``."""
    x = np.ascontiguousarray(x, dtype=float)
    _, m, i = x.shape
    kk = anchors.shape[1]
    kh = (~np.isnan(anchors)).sum(axis=1)
    if (np.isnan(anchors) != (np.arange(kk) >= kh[:, None])).any():
        raise ValueError("anchors must be NaN-padded after their values")
    count = np.zeros((m, i), dtype=np.int64)
    total, mean, m2 = np.zeros((m, i)), np.zeros((m, i)), np.zeros((m, i))
    lo, hi = np.full((m, i), np.inf), np.full((m, i), -np.inf)
    out = {"hist": np.zeros((m, i, bins), dtype=np.int64),
           "band": np.zeros((m, i, kk), dtype=np.int64),
           "closer": np.zeros((m, i, kk, kk), dtype=np.int64),
           "disagree": np.zeros((m, m, i), dtype=np.int64),
           "pair_count": np.zeros((m, m, i), dtype=np.int64),
           "split": np.zeros(i, dtype=np.int64),
           "split_count": np.zeros(i, dtype=np.int64)}
    reached = np.zeros((m, i, kk), dtype=np.int64)
    low, high = low.astype(float), high.astype(float)
    has = ~np.isnan(anchors)
    _moments(x, count, total, mean)
    _spread(x, mean, low, high, bins, m2, lo, hi, out["hist"])
    n_cut = kk * kk + kk  # two a pair of anchors and two for a no-agreement band
    regions = (np.empty((i, n_cut)), np.zeros(i, dtype=np.int64),
               np.zeros((i, n_cut + 1), dtype=np.int64), np.zeros(i, dtype=np.bool_),
               np.zeros((m, i, n_cut + 1), dtype=np.int64))
    _regions(anchors, kh, no_agreement, reach, low, high, *regions[:4], has, np.empty(kk))
    _anchor_tallies(x, anchors, has, kh, no_agreement, reach, out["band"],
                    out["closer"], reached, out["disagree"], out["pair_count"], out["split"],
                    out["split_count"],
                    np.zeros(m, dtype=np.int64), np.zeros(m, dtype=np.bool_), np.empty(kk),
                    regions, low, high)
    _region_tallies(anchors, has, kh, no_agreement, reach, low, high, regions[0], regions[1],
                    regions[4], out["band"], out["closer"], reached, np.empty(kk))
    _mirror(out, reached, kh)
    none = count == 0
    return {"count": count, "mean": mean, "m2": m2,
            "min": np.where(none, np.nan, lo), "max": np.where(none, np.nan, hi), **out}


def _mirror(out: dict[str, np.ndarray], reached: np.ndarray, kh: np.ndarray) -> None:
    """Complete the tallies counted once: a pair of models (``a < c``) counts for
    ``(c, a)`` too, and an anchor reached is closer than each padding column."""
    for key in ("disagree", "pair_count"):
        upper = np.triu(np.ones(out[key].shape[:2], dtype=bool), 1)[..., None]
        out[key] += np.where(upper, out[key], 0).transpose(1, 0, 2)
    closer = out["closer"]
    for b, n in enumerate(kh):
        closer[:, b, :n, n:] += reached[:, b, :n, None]
