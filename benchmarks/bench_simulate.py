"""Monte Carlo throughput: draws per second per model, in process and on a local Dask cluster.

Run on demand (not part of the test suite):

    python benchmarks/bench_simulate.py            # 10^4, 10^5, 10^6 draws
    python benchmarks/bench_simulate.py --quick    # 10^4, 10^5 only

For each model alone and for compromise + median + Nash together it runs
``detente.uncertainty.simulate`` on the bundled scenario (every uncertain
input drawn), each configuration in a fresh subprocess so that its peak
resident memory (``ru_maxrss``) is its own. The reference, measured in the
same run, is the plain way: sample the inputs, then call
``Model.forecast`` once per draw (on a few thousand draws); the ratio says
how many times faster the vectorised, chunked run is. The claim checked:
10^6 draws through compromise, median and Nash in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

MODELS = ("compromise", "median", "nash")
TARGET_SECONDS = 60.0


def child(spec: dict) -> None:
    """Run one configuration and print a JSON line with its timing and peak memory."""
    import detente
    from detente.uncertainty import simulate

    sc = detente.load("ukraine-2025-11")
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    engine = spec["engine"]
    eng = None
    if engine == "dask":
        from detente.engines.dask import DaskEngine

        eng = DaskEngine(n_workers=spec["workers"])
    try:
        t0 = time.perf_counter()
        simulate(sc, spec["models"], draws=spec["draws"], seed=1,
                 engine=eng if eng is not None else "local", workers=spec["workers"],
                 keep_draws=False)
        elapsed = time.perf_counter() - t0
    finally:
        if eng is not None:
            worker_rss = eng.client.run(_rss_mb)
            eng.close()
    out = {**spec, "seconds": elapsed,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "base_mb": base_rss / 1024}
    if eng is not None:
        out["worker_peak_mb"] = max(worker_rss.values())
    print(json.dumps(out))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference_rate(model: str, draws: int = 2000) -> float:
    """Draws per second calling ``Model.forecast`` once per sampled draw."""
    import detente
    from detente.uncertainty.sampling import input_space

    sc = detente.load("ukraine-2025-11")
    arrays = input_space(sc).sample(1, 0, draws)
    m = detente.get_model(model)
    t0 = time.perf_counter()
    for d in range(draws):
        m.forecast(arrays.take(slice(d, d + 1)), seed=1)
    return draws / (time.perf_counter() - t0)


def run(spec: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10^4 and 10^5 draws")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(f"cores: {os.cpu_count()}, workers: {args.workers}")
    refs = {m: reference_rate(m) for m in MODELS}
    print("reference (Model.forecast once per draw): "
          + ", ".join(f"{m} {r:,.0f} draws/s" for m, r in refs.items()))
    header = (f"{'models':<24}{'engine':<8}{'draws':>10}{'seconds':>9}{'draws/s':>12}"
              f"{'vs ref':>8}{'peak MB':>9}{'worker MB':>10}")
    print(header)
    print("-" * len(header))
    for engine in ("local", "dask"):
        for draws in sizes:
            for models in [[m] for m in MODELS] + [list(MODELS)]:
                r = run({"engine": engine, "draws": draws, "models": models,
                         "workers": args.workers})
                rate = draws / r["seconds"]
                # the reference runs the models one after the other
                ref = 1.0 / sum(1.0 / refs[m] for m in models)
                print(f"{'+'.join(models):<24}{engine:<8}{draws:>10,}{r['seconds']:>9.2f}"
                      f"{rate:>12,.0f}{rate / ref:>7.0f}x{r['peak_mb']:>9.0f}"
                      f"{r.get('worker_peak_mb', float('nan')):>10.0f}", flush=True)
                if draws == 1_000_000 and len(models) == 3:
                    verdict = "meets" if r["seconds"] < TARGET_SECONDS else "MISSES"
                    print(f"  -> 10^6 draws, three models, {engine}: {r['seconds']:.1f} s, "
                          f"{verdict} the {TARGET_SECONDS:.0f} s target "
                          f"({TARGET_SECONDS / r['seconds']:.1f}x headroom)")


if __name__ == "__main__":
    main()
