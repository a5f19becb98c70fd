"""History store speed: a timeline over 1,000 versions x 3 models from the cache, and adding
a version, on SQLite (or any database given with --db).

Run on demand (not part of the test suite):

    python benchmarks/bench_history.py                 # 1,000 versions in a temporary SQLite file
    python benchmarks/bench_history.py --versions 200  # quicker
    python benchmarks/bench_history.py --db postgresql+psycopg://...  # an empty PG database

The claims checked: ``History.timeline`` over 1,000 versions x 3 models (compromise, median,
Nash) reads the cached forecasts in under 1 s, and ``History.add`` stores a version in under
50 ms on SQLite. The reference, measured in the same run, is recomputing without the cache:
loading each version's scenario and running the three models on it (what the first timeline
does, and what every timeline would cost without the store); the ratio says how many times
faster the cached timeline is. Adding is compared with its 50 ms budget and with what it
replaces (forecasting the version's three models again from the scenario).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import detente

MODELS = ("compromise", "median", "nash")
TIMELINE_BUDGET_S = 1.0
ADD_BUDGET_S = 0.050


def versions(n: int) -> list[detente.Scenario]:
    """``n`` distinct dated scenarios: the bundled one with Russia's Donetsk stance drifting."""
    base = detente.load("ukraine-2025-11").to_dict()
    out = []
    for k in range(n):
        stances = [dict(s, position=85 + 15 * k / n, salience=0.85 + 0.1 * (k % 7) / 7)
                   if (s["actor"], s["issue"]) == ("RUS", "donetsk") else s
                   for s in base["stances"]]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=k)
        out.append(detente.Scenario.from_dict(dict(base, stances=stances, as_of=day.isoformat())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--db", default=None, help="database URL (default: a temp SQLite file)")
    args = parser.parse_args()

    scenarios = versions(args.versions)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        with detente.History(url) as h:
            add_times = []
            for s in scenarios:
                t = time.perf_counter()
                h.add(s, note="benchmark version")
                add_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            first = h.timeline(models=list(MODELS))
            first_s = time.perf_counter() - t
            cached = []
            for _ in range(3):
                t = time.perf_counter()
                again = h.timeline(models=list(MODELS))
                cached.append(time.perf_counter() - t)
            assert again.point == first.point
        t = time.perf_counter()
        with detente.History(url) as h:  # a fresh process's `history add`: open, then add
            h.add(scenarios[0].replace(description="one more"), note="open + add")
        open_add_s = time.perf_counter() - t

    models = [detente.get_model(m) for m in MODELS]
    t = time.perf_counter()  # the reference: recompute without the cache
    for s in scenarios:
        fresh = detente.Scenario.from_dict(s.to_dict())
        for m in models:
            m.forecast(fresh, seed=0)
    recompute_s = time.perf_counter() - t
    per_version_recompute = recompute_s / len(scenarios)

    best = min(cached)
    add_mean, add_p95 = statistics.fmean(add_times), sorted(add_times)[int(0.95 * len(add_times))]
    print(f"database: {'temporary SQLite file' if args.db is None else args.db}")
    print(f"versions: {len(scenarios)}, models: {', '.join(MODELS)}")
    print(f"timeline from cache: {best * 1000:.0f} ms (best of 3; budget "
          f"{TIMELINE_BUDGET_S * 1000:.0f} ms, {'met' if best < TIMELINE_BUDGET_S else 'MISSED'})")
    print(f"  recompute without the cache: {recompute_s * 1000:.0f} ms -> the cache is "
          f"{recompute_s / best:.1f}x faster")
    print(f"  first timeline (computes and stores): {first_s * 1000:.0f} ms")
    print(f"add a version: mean {add_mean * 1000:.1f} ms, p95 {add_p95 * 1000:.1f} ms (budget "
          f"{ADD_BUDGET_S * 1000:.0f} ms, {'met' if add_mean < ADD_BUDGET_S else 'MISSED'}; "
          f"{ADD_BUDGET_S / add_mean:.1f}x under it)")
    print(f"  recomputing the version's 3 forecasts instead: {per_version_recompute * 1000:.1f} ms "
          f"({per_version_recompute / add_mean:.2f}x the add)")
    print(f"  open the store and add (a `history add` command's store work): "
          f"{open_add_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
