"""Time the expected utility model: 100 rounds on one issue, and a Monte Carlo run.

Run on demand: ``python benchmarks/bench_eum.py [--repeat N] [--skip-1000]``.

1. 100 rounds (fixed, Scholz's defaults) for 10, 50, 200 and 1,000 random
   actors on one issue. The reference, timed in the same run, is a plain
   loop-per-pair implementation of the same rounds (the reading of the spec
   that ``tests/models/test_eum.py`` checks the model against); it is timed
   on a few rounds and its per-round time scaled to 100 rounds. Target:
   1,000 actors × 100 rounds under 10 s on the 2-core machine.
2. 10,000 Monte Carlo draws of the bundled scenario (``compile_scenario(s,
   draws=10000)`` with seeded noise on positions, saliences and capabilities),
   default 8 rounds, and 100 rounds.

Prints seconds, actor pairs per second (ordered pairs A(A − 1) × rounds ×
draws × issues / seconds) and the peak memory the model's arrays took
(``tracemalloc``, measured in a separate shorter run so it does not slow the
timed one).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

import detente
from detente.arrays import compile_scenario
from detente.models.eum import ExpectedUtility
from detente.scenario import Scenario


def random_scenario(n: int, seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    ids = [f"a{k}" for k in range(n)]
    return Scenario.from_dict({
        "name": f"random-{n}",
        "actors": [{"id": a, "capability": float(v)}
                   for a, v in zip(ids, rng.uniform(0.1, 1, n), strict=True)],
        "issues": [{"id": "x", "low": 0, "high": 100}],
        "stances": [{"actor": a, "issue": "x", "position": float(p), "salience": float(s)}
                    for a, p, s in zip(ids, rng.uniform(0, 100, n), rng.uniform(0.1, 1, n),
                                       strict=True)],
    })


# ---- the reference: one loop per pair, straight from the formulas ----------------------------


def reference_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, span: float) -> np.ndarray:
    n = len(x)
    w = c * s
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    mu = x[order][np.argmax(cum >= 0.5 * cum[-1])]
    p = np.full((n, n), 0.5)
    for i in range(n):
        for j in range(n):
            a = np.abs(x - x[j]) - np.abs(x - x[i])
            both = np.sum(w * np.abs(a))
            if both > 0:
                p[i, j] = np.sum(w * np.maximum(a, 0)) / both

    def eu(r: np.ndarray) -> np.ndarray:
        e = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                if i != j:
                    d = abs(x[i] - x[j]) / span
                    u_s = 2 - 4 * (0.5 - 0.5 * d) ** r[i]
                    u_f = 2 - 4 * (0.5 + 0.5 * d) ** r[i]
                    e[i, j] = (s[j] * (p[i, j] * u_s + (1 - p[i, j]) * u_f) + (1 - s[j]) * u_s
                               - (2 - 4 * 0.5 ** r[i]))
        return e

    del mu  # Q = 1: the median does not enter the expected utilities
    e1 = eu(np.ones(n))
    sec = e1.sum(axis=0)
    spread = sec.max() - sec.min()
    big = (2 * sec - sec.max() - sec.min()) / spread if spread > 0 else np.zeros(n)
    e = eu((3 - big) / (3 + big))
    new = x.copy()
    for lo in range(n):
        best = None
        for j in range(n):
            a, b = e[j, lo], e[lo, j]
            if j == lo or a <= 0:
                continue
            if b > 0:
                if a <= b:
                    continue
                kind, to = 1, x[j]
            elif -b < a:
                kind, to = 2, x[lo] + (x[j] - x[lo]) * (-b / a)
            else:
                kind, to = 3, x[j]
            key = (kind, abs(to - x[lo]))
            if best is None or key < best[0]:
                best = (key, to)
        if best is not None:
            new[lo] = best[1]
    return new


def time_reference(scenario: Scenario, rounds: int) -> float:
    """Seconds per round of the loop reference."""
    arrays = compile_scenario(scenario)
    x = arrays.position[0, :, 0].copy()
    c = arrays.capability[0].copy()
    s = arrays.salience[0, :, 0].copy()
    span = float(x.max() - x.min())
    start = time.perf_counter()
    for _ in range(rounds):
        x = reference_round(x, c, s, span)
    return (time.perf_counter() - start) / rounds


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def noisy_draws(scenario: Scenario, draws: int, seed: int = 0):
    arrays = compile_scenario(scenario, draws=draws)
    rng = np.random.default_rng(seed)
    span = arrays.high - arrays.low
    pos = np.clip(arrays.position + rng.normal(0, 0.1, arrays.position.shape) * span,
                  arrays.low, arrays.high)
    sal = np.clip(arrays.salience + rng.normal(0, 0.1, arrays.salience.shape), 0, 1)
    cap = arrays.capability * rng.lognormal(0, 0.2, arrays.capability.shape)
    return arrays.with_values(position=pos, salience=sal, capability=cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (best is kept)")
    parser.add_argument("--skip-1000", action="store_true", help="leave out the 1,000 actors")
    args = parser.parse_args()

    rounds = 100
    model = ExpectedUtility(rounds=rounds)
    print(f"100 rounds on one issue (Scholz defaults), best of {args.repeat}")
    print(f"{'actors':>7} {'seconds':>9} {'pairs/s':>10} {'peak MB':>8} "
          f"{'reference s':>12} {'speed-up':>9}")
    sizes = [10, 50, 200] + ([] if args.skip_1000 else [1000])
    for n in sizes:
        sc = random_scenario(n)
        seconds = best_of(args.repeat, lambda sc=sc: model.forecast(sc))
        pairs = n * (n - 1) * rounds / seconds
        mem = peak_mb(lambda sc=sc: ExpectedUtility(rounds=3).forecast(sc))
        ref_rounds = {10: 20, 50: 3, 200: 1}.get(n)
        if ref_rounds:
            ref = time_reference(sc, ref_rounds) * rounds
            ref_text = f"{ref:12.2f} {ref / seconds:8.0f}x"
        else:
            ref_text = f"{'(too slow)':>12} {'':>9}"
        print(f"{n:7d} {seconds:9.3f} {pairs:10.3g} {mem:8.1f} {ref_text}")
    if not args.skip_1000:
        print("target: 1,000 actors x 100 rounds < 10 s")

    ukraine = detente.load("ukraine-2025-11")
    a, i = len(ukraine.actors), len(ukraine.issues)
    print(f"\n10,000 Monte Carlo draws of {ukraine.name} ({a} actors x {i} issues), best of "
          f"{args.repeat}")
    print(f"{'rounds':>7} {'seconds':>9} {'pairs/s':>10} {'peak MB':>8} {'draws/s':>9}")
    draws = 10_000
    arrays = noisy_draws(ukraine, draws)
    for n_rounds in (8, 100):
        m = ExpectedUtility(rounds=n_rounds)
        seconds = best_of(args.repeat, lambda m=m: m.forecast(arrays))
        pairs = a * (a - 1) * i * draws * n_rounds / seconds
        mem = peak_mb(lambda: ExpectedUtility(rounds=2).forecast(arrays))
        print(f"{n_rounds:7d} {seconds:9.3f} {pairs:10.3g} {mem:8.1f} {draws / seconds:9.0f}")
    one = ExpectedUtility().forecast(ukraine).outcome[0]
    spread = m.forecast(arrays).outcome
    print("\npoint forecast (no noise), then the 5th/50th/95th percentile over the draws:")
    for k, issue in enumerate(ukraine.issue_ids):
        q = np.percentile(spread[:, k], [5, 50, 95])
        print(f"  {issue:12} {one[k]:7.2f}   {q[0]:7.2f} {q[1]:7.2f} {q[2]:7.2f}")


if __name__ == "__main__":
    main()
