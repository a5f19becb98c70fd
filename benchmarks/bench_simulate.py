"""Monte Carlo throughput of all seven models: draws per second against the per-draw
reference, and 10^5 draws of all of them on threads, local processes and a local Dask
cluster.

Run on demand (not part of the test suite):

    python benchmarks/bench_simulate.py                 # the full run (several minutes)
    python benchmarks/bench_simulate.py --quick         # 2,000-draw run, smaller samples
    python benchmarks/bench_simulate.py --draws 20000   # another size for the joint run
    python benchmarks/bench_simulate.py --skip-per-model --models compromise,median,nash \
        --draws 1000000 --engines local --before /work/main/src --repeat 2
        # a million draws, interleaved with an older source tree (its src/), twice each
    python benchmarks/bench_simulate.py --stages --models compromise,median,nash
        # where a 16,384-draw block's CPU time goes (compiled paths), per stage
    python benchmarks/bench_simulate.py --memory-runs 3 --before /tmp/old/src
        # the seven-model 10^5 run's peak memory, 3 runs each, interleaved with older code
    python benchmarks/bench_simulate.py --cli --repeat 3 --before /tmp/old/src
        # the user's command, `detente simulate ukraine-2025-11 --draws 1000000 -f json`,
        # whole process (imports, estimate, numba's load, JSON), interleaved with older code

Needs only the project's own dependencies (Dask's ``distributed`` is one of them).

Three parts, each configuration in a fresh subprocess so that its peak
resident memory (``ru_maxrss``) is its own:

1. **Reference** (the plain way, today's models called once per draw):
   sample the bundled scenario's inputs, then call ``Model.forecast`` on one
   draw at a time (``--reference-draws`` of them, a few hundred), per model.
2. **Vectorised**: ``detente.uncertainty.simulate`` with that model alone on
   ``--model-draws`` draws (one block of 16,384 by default) on one worker;
   the ratio to the reference is the speed-up per core. Both figures are
   wall-clock after a warm-up run (imports and caches excluded; the first
   simulation in a process also pays ~1-2 s for importing xarray, which
   imports dask.array when it builds its first Dataset).
3. **All seven together** on ``--draws`` draws (default 10^5) with two
   workers: the local engine (threads), the processes engine (a pool of two
   spawned worker processes) and a local Dask cluster (two worker processes,
   two blocks per task). The three summaries must be identical
   (``xarray.testing.assert_identical`` on the saved results); the claim
   checked is 10^5 draws of all seven models in under 60 s on 2 cores.

``--before SRC --repeat N`` runs the joint run on the default engine N times with the
source tree SRC and N times with this one, alternately (a shared machine's load drifts),
and prints the ratio of the medians. ``--stages`` profiles one 16,384-draw block of
the large-run (compiled) path stage by stage, in a child process: the random normals
(numpy's generator: the floor no change may touch, the numbers depend on it), the
sampling, each model, the summary's tallies and its rule checks, with the CPU seconds
each would cost 10^6 draws.

``--cli`` times the whole command a user types (``python -m detente simulate
ukraine-2025-11 --draws 1000000 -f json``, ``--draws`` to change the size) in a child
process: wall seconds, CPU seconds (user + sys of the child, as ``/usr/bin/time``), peak
resident memory, and whether its JSON is byte for byte the first run's; with ``--before``
alternately with the older tree, and the ratios of the medians. Each tree runs once
untimed first (a tree's first run after a kernel changed compiles it into numba's cache).

The machine's load average is printed with the results: on a shared machine
the wall-clock figures are only as good as the cores the run actually got.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = ("compromise", "median", "nash", "ensemble", "eum", "exchange", "smp")
SCENARIO = "ukraine-2025-11"
TARGET_SECONDS = 60.0
TARGET_DRAWS = 100_000
TARGET_PEAK_MIB = 500.0
"""Issue 32: the seven-model 10^5-draw run's peak resident memory on the default engine."""
MILLION = 1_000_000
MILLION_MODELS = ("compromise", "median", "nash")
MILLION_SECONDS = 5.0
"""Issue 32: 10^6 draws of the default models in under 5 s wall on two cores (so at most
10 CPU s, the comparable figure on a shared machine)."""
WORKERS = 2


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_reference(spec: dict) -> dict:
    """Draws per second calling ``Model.forecast`` once per sampled draw."""
    import detente
    from detente.extras import extras_of
    from detente.uncertainty.sampling import input_space

    sc = detente.load(SCENARIO)
    draws = spec["draws"]
    arrays = input_space(sc).sample(1, 0, draws)
    model = detente.get_model(spec["model"]).bind(extras_of(sc))
    model.forecast(arrays.take(slice(0, 1)), seed=1)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for d in range(draws):
        model.forecast(arrays.take(slice(d, d + 1)), seed=1)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "rate": draws / seconds, "cpu_rate": draws / cpu,
            "peak_mb": _peak_mb()}


def child_simulate(spec: dict) -> dict:
    """One ``simulate`` run (after a small warm-up run of the same models)."""
    import detente
    from detente.uncertainty import simulate

    sc = detente.load(SCENARIO)
    models = spec["models"]
    simulate(sc, models, draws=64, seed=2, workers=1, keep_draws=False)  # imports, caches
    from detente.engines import Engine, ProcessEngine
    from detente.engines.dask import DaskEngine

    eng: Engine | None = None
    cluster: DaskEngine | None = None
    if spec["engine"] == "dask":
        eng = cluster = DaskEngine(n_workers=spec["workers"])
        # the workers' imports, as the warm-up above did in this process
        simulate(sc, models, draws=128, seed=2, engine=eng, chunk_size=64, block_size=64,
                 keep_draws=False)
    elif spec["engine"] == "processes":
        eng = ProcessEngine(workers=spec["workers"])  # spawned: the workers are children
    worker_mb = float("nan")
    try:
        worker_cpu = cluster.client.run(time.process_time) if cluster is not None else {}
        t0, c0 = time.perf_counter(), time.process_time()
        sim = simulate(sc, models, draws=spec["draws"], seed=1,
                       engine=eng if eng is not None else "local", workers=spec["workers"],
                       chunk_size=spec.get("chunk_size"), keep_draws=False)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        if spec["engine"] == "processes":  # the pool's workers have exited: reaped children
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += children.ru_utime + children.ru_stime
            worker_mb = children.ru_maxrss / 1024
        if cluster is not None:  # the work ran in the worker processes: their CPU time too
            after = cluster.client.run(time.process_time)
            cpu += sum(after[w] - worker_cpu.get(w, 0.0) for w in after)
            worker_mb = max(cluster.client.run(_peak_mb).values())
    finally:
        if eng is not None:
            eng.close()
    peak = _peak_mb()  # before the summary is written out (netCDF's own buffers)
    if spec.get("out"):
        sim.save(spec["out"])
    return {"seconds": seconds, "cpu": cpu, "rate": spec["draws"] / seconds,
            "cpu_rate": spec["draws"] / cpu, "peak_mb": peak, "worker_peak_mb": worker_mb,
            "hash": summary_hash(sim)}


def child_stages(spec: dict) -> dict:
    """CPU milliseconds of each stage of one block on the compiled path (best of
    ``spec["repeat"]``, after one call that loads the kernels)."""
    import importlib
    from dataclasses import replace

    import numpy as np

    import detente
    from detente.models.registry import resolve_models
    from detente.uncertainty.sampling import block_generator

    sim = importlib.import_module("detente.uncertainty.simulate")
    sc = detente.load(SCENARIO)
    models = tuple(resolve_models(spec["models"]))
    job = sim.SimulationJob(sc, models, 1, MILLION)  # a million draws: the compiled path
    block, size = 3, job.block_size

    def best(fn) -> float:
        fn()
        times = []
        for _ in range(spec["repeat"]):
            c0 = time.process_time()
            fn()
            times.append(time.process_time() - c0)
        return 1e3 * min(times)

    out = {"random normals": best(lambda: block_generator(1, block, 0).standard_normal(
        (size, job.space.size)))}
    out["sampling (normals included)"] = best(lambda: sim.block_arrays(job, block))
    arrays = sim.block_arrays(job, block)
    # computed once a block (cached on the arrays), read by every model
    out["weights (capability × salience)"] = best(lambda: replace(arrays).weight)
    arrays.weight  # noqa: B018 - the models below read the cached weights
    x = []
    for m, model in enumerate(models):
        out[f"model {model.name}"] = best(lambda m=m: sim.block_model_outcome(job, block, m,
                                                                              arrays))
        x.append(sim.block_model_outcome(job, block, m, arrays))
    outcomes = np.stack(x, axis=1)
    out["summary (rules included)"] = best(lambda: sim.block_summary(job, outcomes, block))
    out["summary's rules"] = best(lambda: sim.broken_rules(job, outcomes, block))
    return {"ms": out, "blocks": job.n_blocks, "block_size": size}


def stages(models: list[str], repeat: int = 5) -> None:
    """Print :func:`child_stages`: per stage, ms a block and CPU s per 10^6 draws."""
    load = _load1()
    r = run("stages", {"models": models, "repeat": repeat})
    print(f"\none {r['block_size']:,}-draw block of {', '.join(models)}, compiled path, "
          f"CPU ms (best of {repeat}); load {load} / {_load1()}")
    total = 0.0
    for name, ms in r["ms"].items():
        within = {"random normals": "sampling", "summary's rules": "summary"}.get(name)
        total += 0.0 if within else ms
        print(f"  {name:<30}{ms:8.1f} ms  {ms * r['blocks'] / 1e3:6.2f} CPU s per 10^6"
              f"{f'  (part of {within})' if within else ''}")
    print(f"  {'total':<30}{total:8.1f} ms  {total * r['blocks'] / 1e3:6.2f} CPU s per 10^6 "
          f"({r['blocks']} blocks; the run adds the merging, threads and numba's load)")


def summary_hash(sim) -> str:
    """The first 12 hex digits of the SHA-256 of the summary's netCDF bytes: equal hashes,
    equal numbers bit for bit (engines, source trees and runs compared by one string)."""
    import hashlib

    return hashlib.sha256(sim.dataset.to_netcdf()).hexdigest()[:12]


def run(kind: str, spec: dict, src: Path | None = None) -> dict:
    """One configuration in a fresh process; ``src``: import detente from that tree."""
    env = dict(os.environ, PYTHONPATH=str(src)) if src else None
    proc = subprocess.run([sys.executable, __file__, "--child", kind, json.dumps(spec)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} {spec} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _load1() -> str:
    """The one-minute load average (as ``uptime`` prints it first)."""
    return f"{os.getloadavg()[0]:.1f}"


def per_model(models: list[str], reference_draws: int, model_draws: int) -> dict[str, float]:
    """Part 1 and 2: the per-model table; returns each model's vectorised rate."""
    header = (f"{'model':<12}{'ref draws/s':>12}{'vec draws/s':>12}{'ratio':>8}"
              f"{'ref /cpu-s':>11}{'vec /cpu-s':>11}{'ratio':>8}{'ref MB':>8}{'vec MB':>8}")
    print(f"\nper model, one worker: reference = Model.forecast once per draw "
          f"({reference_draws} draws); vectorised = simulate ({model_draws:,} draws)")
    print(header)
    print("-" * len(header))
    rates = {}
    for m in models:
        ref = run("reference", {"model": m, "draws": reference_draws})
        vec = run("simulate", {"models": [m], "draws": model_draws, "engine": "local",
                               "workers": 1})
        rates[m] = vec["rate"]
        print(f"{m:<12}{ref['rate']:>12,.0f}{vec['rate']:>12,.0f}"
              f"{vec['rate'] / ref['rate']:>7.1f}x{ref['cpu_rate']:>11,.0f}"
              f"{vec['cpu_rate']:>11,.0f}{vec['cpu_rate'] / ref['cpu_rate']:>7.1f}x"
              f"{ref['peak_mb']:>8.0f}{vec['peak_mb']:>8.0f}", flush=True)
    print("(draws/s: wall clock; /cpu-s: draws per CPU second of the process, which a\n"
          f" loaded machine does not distort; load average {_load()})")
    return rates


def _interleaved(models: list[str], draws: int, before: Path, repeat: int,
                 now: dict | None, reference, tmp: Path) -> None:
    """The default-engine run with the source tree ``before`` and with this one,
    alternately ``repeat`` times each (``now``: this tree's first run, already done):
    each row with its load, then the ratios of the medians and whether the numbers are
    the same as this tree's (``reference``, the saved dataset)."""
    import statistics

    from detente.uncertainty import Simulation

    rows: dict[str, list[dict]] = {"before": [], "now": [now] if now else []}
    order = [("now", None)] if now is None else []
    for k in range(repeat):  # now (done or first), before, now, before, ...: alternating
        order += [("before", before)] + ([("now", None)] if k + 1 < repeat else [])
    print(f"interleaved with {before} (local engine):")
    for k, (label, src) in enumerate(order):
        out = str(tmp / f"{label}{k}.nc")
        load = _load1()
        r = run("simulate", {"models": models, "draws": draws, "engine": "local",
                             "workers": WORKERS, "out": out}, src=src)
        r["out"] = out
        rows[label].append(r)
        print(f"  {label:<7}{r['seconds']:8.1f} s {r['cpu']:8.1f} CPU s "
              f"{r['peak_mb']:6.0f} MiB  {r['hash']}  load {load} / {_load1()}",
              flush=True)
    med = {k: {f: statistics.median(r[f] for r in v) for f in ("seconds", "cpu", "peak_mb")}
           for k, v in rows.items()}
    b, n = med["before"], med["now"]
    same = Simulation.load(rows["before"][0]["out"]).dataset.equals(reference.dataset)
    print(f"  medians: before {b['seconds']:.1f} s / {b['cpu']:.1f} CPU s / "
          f"{b['peak_mb']:.0f} MiB, now {n['seconds']:.1f} s / {n['cpu']:.1f} CPU s / "
          f"{n['peak_mb']:.0f} MiB; ratio before/now: wall {b['seconds'] / n['seconds']:.2f}, "
          f"CPU {b['cpu'] / n['cpu']:.2f}, peak {b['peak_mb'] / n['peak_mb']:.2f}; "
          f"same numbers: {'yes' if same else 'NO'}")


def joint(models: list[str], draws: int, rates: dict[str, float],
          engines: tuple[str, ...] = ("local", "processes", "dask"),
          before: Path | None = None, repeat: int = 1) -> None:
    """Part 3: all models together: threads, processes, a local Dask cluster; identical.
    ``before``: the same run on the default engine with another source tree, for the
    ratio of time and memory."""
    import xarray as xr

    from detente.uncertainty import Simulation
    from detente.uncertainty.sampling import DEFAULT_BLOCK_SIZE

    print(f"\nall {len(models)} models together, {draws:,} draws, {WORKERS} workers")
    header = (f"{'engine':<8}{'chunk':>8}{'seconds':>9}{'cpu s':>8}{'draws/s':>10}"
              f"{'/cpu-s':>8}{'peak MiB':>9}{'wkr MiB':>10}  {'hash':<13}load before/after")
    print(header)
    print("-" * len(header))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine, chunk in (("local", None), ("processes", None),
                              ("dask", 2 * DEFAULT_BLOCK_SIZE)):
            if engine not in engines:
                continue
            out = str(Path(tmp) / f"{engine}.nc")
            load = _load1()
            r = run("simulate", {"models": models, "draws": draws, "engine": engine,
                                 "workers": WORKERS, "chunk_size": chunk, "out": out})
            results[engine] = r
            print(f"{engine:<8}{chunk or 'auto':>8}{r['seconds']:>9.1f}{r['cpu']:>8.1f}"
                  f"{r['rate']:>10,.0f}{r['cpu_rate']:>8,.0f}{r['peak_mb']:>9.0f}"
                  f"{r['worker_peak_mb']:>10.0f}  {r['hash']:<13}{load} / {_load1()}",
                  flush=True)
        saved = [Simulation.load(Path(tmp) / f"{e}.nc") for e in results]
        for other in saved[1:]:
            xr.testing.assert_identical(saved[0].dataset, other.dataset)
        print(f"{', '.join(results)} summaries identical "
              "(xarray.testing.assert_identical): yes")
        if before is not None:
            _interleaved(models, draws, before, repeat, results.get("local"), saved[0],
                         Path(tmp))
    if "dask" in results and "processes" in results:
        print(f"Dask CPU / process engine CPU: "
              f"{results['dask']['cpu'] / results['processes']['cpu']:.2f} (target <= 1.3)")
    print(f"(load average {_load()})")
    # the sum of single-model seconds on one worker: what the joint run costs on one core
    one_core = sum(draws / rates[m] for m in models if m in rates)
    print("(cpu s: the process's CPU time, with the worker processes' added; worker MB:\n"
          " the largest worker process's peak)")
    if one_core:
        print(f"one worker, models one after the other (from the per-model rates): "
              f"{one_core:.1f} s for {draws:,} draws")
    if draws == TARGET_DRAWS and len(models) == len(MODELS):
        for engine, r in results.items():
            verdict = "meets" if r["seconds"] < TARGET_SECONDS else "MISSES"
            print(f"  -> 10^5 draws, all seven models, {engine}: {r['seconds']:.1f} s, "
                  f"{verdict} the {TARGET_SECONDS:.0f} s target")
        if "local" in results:
            peak = results["local"]["peak_mb"]
            verdict = "meets" if peak < TARGET_PEAK_MIB else "MISSES"
            print(f"  -> peak memory on the default engine: {peak:.0f} MiB, {verdict} the "
                  f"{TARGET_PEAK_MIB:.0f} MiB target")
    if draws == MILLION and tuple(models) == MILLION_MODELS and "local" in results:
        r = results["local"]
        verdict = "meets" if r["cpu"] <= WORKERS * MILLION_SECONDS else "MISSES"
        print(f"  -> 10^6 draws of the default models: {r['seconds']:.1f} s wall, "
              f"{r['cpu']:.1f} CPU s: {verdict} the {MILLION_SECONDS:.0f} s target on "
              f"{WORKERS} idle cores (<= {WORKERS * MILLION_SECONDS:.0f} CPU s)")


def memory_runs(models: list[str], draws: int, runs: int, before: Path | None) -> None:
    """The run on the default engine ``runs`` times, interleaved with the same run on
    ``before``'s source tree when given (before, now, before, now, ...): its peak memory
    depends on which of the two workers' models happen to run side by side, which the
    machine's load changes, so one run is not a figure."""
    import statistics

    print(f"\npeak memory: {', '.join(models)}, {draws:,} draws, default engine "
          f"({WORKERS} threads), {runs} run(s) each, interleaved")
    header = (f"{'tree':<8}{'peak MiB':>9}{'cpu s':>8}{'seconds':>9}  {'hash':<13}"
              "load before/after")
    print(header)
    print("-" * len(header))
    spec = {"models": models, "draws": draws, "engine": "local", "workers": WORKERS}
    trees: list[tuple[str, Path | None]] = [("now", None)]
    if before is not None:
        trees.insert(0, ("before", before))
    got: dict[str, list[dict]] = {name: [] for name, _ in trees}
    for _ in range(runs):
        for name, src in trees:
            load = _load1()
            r = run("simulate", spec, src=src)
            got[name].append(r)
            print(f"{name:<8}{r['peak_mb']:>9.0f}{r['cpu']:>8.1f}{r['seconds']:>9.1f}  "
                  f"{r['hash']:<13}{load} / {_load1()}", flush=True)
    med = {name: (statistics.median(r["peak_mb"] for r in rs),
                  statistics.median(r["cpu"] for r in rs)) for name, rs in got.items()}
    now_peak, now_cpu = med["now"]
    line = f"median now: peak {now_peak:.0f} MiB, {now_cpu:.1f} CPU s"
    if "before" in med:
        b_peak, b_cpu = med["before"]
        same = {r["hash"] for rs in got.values() for r in rs}
        line += (f"; before: {b_peak:.0f} MiB, {b_cpu:.1f} CPU s; ratio before/now: peak "
                 f"{b_peak / now_peak:.2f}, CPU {b_cpu / now_cpu:.2f}; same numbers: "
                 f"{'yes' if len(same) == 1 else 'NO'}")
    print(line)
    if draws == TARGET_DRAWS and len(models) == len(MODELS):
        worst = max(r["peak_mb"] for r in got["now"])
        verdict = "meets" if worst < TARGET_PEAK_MIB else "MISSES"
        print(f"  -> seven models, 10^5 draws, default engine: highest peak {worst:.0f} MiB "
              f"of {runs}, {verdict} the {TARGET_PEAK_MIB:.0f} MiB target")


def child_cli(spec: dict) -> dict:
    """The user's command as this child's own child (so that the rusage of this process's
    children is that command's alone): wall s, CPU s (user + sys), peak MiB; its JSON
    written to ``spec["out"]``."""
    env = dict(os.environ, PYTHONPATH=spec["src"])
    t0 = time.perf_counter()
    with open(spec["out"], "wb") as fh:
        proc = subprocess.run([sys.executable, "-m", "detente", "simulate", SCENARIO,
                               "--draws", str(spec["draws"]), "-f", "json", "--yes"],
                              stdout=fh, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"detente simulate failed:\n{proc.stderr.decode()[-3000:]}")
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": ru.ru_maxrss / 1024}


def cli_run_fresh(src: Path | None, draws: int, out: Path) -> dict:
    """:func:`child_cli` with the tree ``src`` (default: this one)."""
    tree = src or Path(__file__).resolve().parents[1] / "src"
    return run("cli", {"src": str(tree), "draws": draws, "out": str(out)})


def cli(draws: int, before: Path | None, repeat: int) -> None:
    """The user's command, whole process, ``repeat`` times (alternately with ``before``'s
    tree): wall, CPU, peak, same JSON; the ratios of the medians."""
    import statistics

    trees: list[tuple[str, Path | None]] = [("now", None)]
    if before is not None:
        trees.insert(0, ("before", before))
    print(f"\nthe command: python -m detente simulate {SCENARIO} --draws {draws:,} -f json "
          f"(whole process), {repeat} run(s) each, alternating")
    header = f"{'tree':<8}{'seconds':>9}{'cpu s':>8}{'peak MiB':>9}  same JSON  load before/after"
    with tempfile.TemporaryDirectory() as tmp:
        for _, src in trees:  # untimed: a tree's numba cache may need compiling
            cli_run_fresh(src, draws, Path(tmp) / "warm.json")
        print(header)
        print("-" * len(header))
        got: dict[str, list[dict]] = {name: [] for name, _ in trees}
        first: bytes | None = None
        for k in range(repeat):
            for name, src in trees:
                out = Path(tmp) / f"{name}{k}.json"
                load = _load1()
                r = cli_run_fresh(src, draws, out)
                body = out.read_bytes()
                first = body if first is None else first
                r["same"] = body == first
                got[name].append(r)
                print(f"{name:<8}{r['seconds']:>9.2f}{r['cpu']:>8.2f}{r['peak_mb']:>9.0f}  "
                      f"{'yes' if r['same'] else 'NO':<9}  {load} / {_load1()}", flush=True)
    med = {name: {f: statistics.median(r[f] for r in rs) for f in ("seconds", "cpu", "peak_mb")}
           for name, rs in got.items()}
    n = med["now"]
    line = (f"median now: {n['seconds']:.2f} s wall, {n['cpu']:.2f} CPU s, "
            f"{n['peak_mb']:.0f} MiB")
    if "before" in med:
        b = med["before"]
        line += (f"; before: {b['seconds']:.2f} s, {b['cpu']:.2f} CPU s, {b['peak_mb']:.0f} MiB;"
                 f" ratio before/now: wall {b['seconds'] / n['seconds']:.2f}, CPU "
                 f"{b['cpu'] / n['cpu']:.2f}, peak {b['peak_mb'] / n['peak_mb']:.2f}")
    print(line)
    same = all(r["same"] for rs in got.values() for r in rs)
    print(f"every run's JSON byte for byte the first's: {'yes' if same else 'NO'}")
    if draws == MILLION:
        verdict = "meets" if n["seconds"] < MILLION_SECONDS else "MISSES"
        print(f"  -> 10^6 draws of the default models through the CLI: {n['seconds']:.2f} s "
              f"wall, {n['cpu']:.2f} CPU s: {verdict} the {MILLION_SECONDS:.0f} s target (wall "
              f"counts only on an idle machine: see the load)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2,000 draws together, 2,000 per model, 50 reference draws")
    parser.add_argument("--draws", type=int, default=None,
                        help=f"draws of the joint run (default {TARGET_DRAWS:,})")
    parser.add_argument("--model-draws", type=int, default=None,
                        help="draws of each model's vectorised run (default 16,384)")
    parser.add_argument("--reference-draws", type=int, default=None,
                        help="draws of each model's per-draw reference (default 300)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated models (default: all seven)")
    parser.add_argument("--skip-per-model", action="store_true",
                        help="only the joint run")
    parser.add_argument("--engines", default="local,processes,dask",
                        help="comma-separated engines of the joint run (default: all three)")
    parser.add_argument("--before", type=Path, default=None,
                        help="another source tree (its src/): the joint run on the default "
                             "engine with it too, and the ratios")
    parser.add_argument("--repeat", type=int, default=1,
                        help="with --before: runs of each tree, alternately (default 1)")
    parser.add_argument("--stages", action="store_true",
                        help="only profile one block of the compiled path, stage by stage")
    parser.add_argument("--memory-runs", type=int, default=0, metavar="N",
                        help="only the peak-memory runs: the joint run on the default engine "
                             "N times (interleaved with --before's)")
    parser.add_argument("--cli", action="store_true",
                        help="only the user's command through the CLI, whole process "
                             "(--draws, default 10^6; --before and --repeat as above)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, spec = args.child
        fn = {"reference": child_reference, "stages": child_stages,
              "cli": child_cli}.get(kind, child_simulate)
        print(json.dumps(fn(json.loads(spec))))
        return
    models = args.models.split(",")
    draws = args.draws or (2_000 if args.quick else TARGET_DRAWS)
    model_draws = args.model_draws or (2_000 if args.quick else 16_384)
    reference_draws = args.reference_draws or (50 if args.quick else 300)
    print(f"cores: {os.cpu_count()}, load average {_load()}, scenario {SCENARIO}")
    if args.memory_runs:
        memory_runs(models, draws, args.memory_runs, args.before)
        return
    if args.cli:
        cli(args.draws or MILLION, args.before, args.repeat)
        return
    if args.stages:
        stages(models)
        return
    rates = {} if args.skip_per_model else per_model(models, reference_draws, model_draws)
    joint(models, draws, rates, tuple(args.engines.split(",")), args.before, args.repeat)


if __name__ == "__main__":
    main()
