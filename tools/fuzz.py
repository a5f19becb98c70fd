"""Fuzz every reader and every command with malformed, extreme and hostile input.

Usage::

    python tools/fuzz.py --cases 100000 [--seed 1] [--timeout 5] [--log fuzz.jsonl]

Hypothesis draws each case (a reader or a command, and an input built from a
valid seed file or from nothing); the case runs under a per-case wall-clock
limit. Counted outcomes:

- ``ok``: a read returned valid scenarios / a command exited 0, 1 or 2;
- ``clean``: a read raised :class:`~detente.errors.DetenteError` with a message;
- ``traceback``: any other exception (a bug);
- ``hang``: a case over the time limit;
- ``violation``: an invariant broken without an exception:
  a read returns something other than a list of scenarios, a valid scenario
  does not round-trip through YAML, a forecast lies outside its issue's scale,
  a command exits with a code other than 0/1/2, a command's JSON does not parse.

The summary goes to stdout as one JSON object; each failing case (input cut
to 2,000 characters) to ``--log`` as a JSON line. ``tests/test_fuzz_all.py``
runs a short slice of the same cases.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import detente
from detente import api, formats
from detente.errors import DetenteError
from detente.scenario import Scenario

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
HOSTILE_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "1e999", "-1e999", "-0",
                   "9" * 400, "0x1F", "1_000", "", "true", "null", "~", "∞", "１２", "1e-400",
                   "-5", "0", "1.7976931348623157e308", "4.9e-324", "٣"]
READ_MODELS = ("compromise", "median", "nash", "eum")


class CaseTimeout(BaseException):
    """Raised by the alarm when a case runs over its time (BaseException: not swallowed)."""


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    by_target: Counter[str] = field(default_factory=Counter)
    log: list[dict[str, Any]] = field(default_factory=list)
    max_log: int = 200

    def record(self, outcome: str, target: str, text: str = "", detail: str = "") -> None:
        self.counts[outcome] += 1
        self.counts["cases"] += 1
        self.by_target[target] += 1
        if outcome in {"traceback", "hang", "violation"} and len(self.log) < self.max_log:
            self.log.append({"outcome": outcome, "target": target, "detail": detail[-3000:],
                             "input": text[:2000]})


# ---- seeds ------------------------------------------------------------------------------


def seed_texts() -> dict[str, list[str]]:
    """Valid text of every format: the bundled scenario written in each writable format,
    and the small files of ``shared/data``, keyed by format name."""
    out: dict[str, list[str]] = {n: [] for n in formats.format_names()}
    sc = detente.load("ukraine-2025-11")
    for name in formats.format_names():
        with contextlib.suppress(DetenteError):
            out[name].append(formats.dumps(sc, name))
    for path in sorted(SHARED_DATA.resolve().rglob("*")):
        if not path.is_file() or path.stat().st_size > 60_000:
            continue
        if path.suffix not in {".csv", ".txt", ".tsv", ".xml", ".yaml"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        with contextlib.suppress(DetenteError):
            out[formats.detect_format(path, text)].append(text)
    try:
        from detente.genius_export import dumps_genius

        files = dumps_genius(sc)
        out["genius"].extend(files.values())
    except Exception:  # pragma: no cover - GENIUS writer missing
        pass
    return {k: v for k, v in out.items() if v}


SEEDS = seed_texts()
ALL_SEEDS = [t for texts in SEEDS.values() for t in texts]


# ---- hostile inputs -------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str] | None = None) -> str:
    """A valid seed with a few lines dropped, duplicated, garbled, cut, swapped, a number
    replaced by a hostile one, or a key duplicated."""
    text = draw(st.sampled_from(seeds or ALL_SEEDS))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "garble", "cut", "swap", "number", "number",
                                   "unicode", "long"]))
        line = lines[k]
        if op == "drop":
            del lines[k]
        elif op == "dup":
            lines.insert(k, line)
        elif op == "garble":
            pos = draw(st.integers(0, max(0, len(line) - 1)))
            junk = draw(st.text(alphabet="-,;\t\"'#:[]{}<>/=&!*|0123456789.eE x\\", max_size=8))
            lines[k] = line[:pos] + junk + line[pos + 1:]
        elif op == "cut":
            lines[k] = line[: draw(st.integers(0, len(line)))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == "number":
            digits = [i for i, c in enumerate(line) if c.isdigit()]
            if digits:
                i = draw(st.sampled_from(digits))
                j = i
                while j < len(line) and (line[j].isdigit() or line[j] in ".eE-+"):
                    j += 1
                lines[k] = line[:i] + draw(st.sampled_from(HOSTILE_NUMBERS)) + line[j:]
        elif op == "unicode":
            pos = draw(st.integers(0, len(line)))
            lines[k] = line[:pos] + draw(st.text(min_size=1, max_size=5)) + line[pos:]
        else:
            lines[k] = line.rstrip("\n") + "x" * draw(st.integers(1000, 200_000)) + "\n"
    return "".join(lines)


def deep(n: int, kind: str) -> str:
    if kind == "yaml-list":
        return "actors: " + "[" * n + "]" * n + "\n"
    if kind == "yaml-map":
        return "actors: " + "{a: " * n + "1" + "}" * n + "\n"
    if kind == "xml":
        return "<utility_space>" + "<objective>" * n + "</objective>" * n + "</utility_space>"
    return "," * n + "\n" + ("a," * n + "\n") * 3


def billion_laughs_xml(levels: int) -> str:
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        ents.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    return ('<?xml version="1.0"?>\n<!DOCTYPE lolz [' + "".join(ents) + ']>\n'
            f'<negotiation_template><utility_space><objective name="&lol{levels - 1};">'
            '</objective></utility_space></negotiation_template>\n')


def yaml_alias_bomb(levels: int) -> str:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        rows.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    rows.append(f"actors: *a{levels - 1}")
    return "\n".join(rows) + "\n"


def duplicate_keys(seeds: list[str]) -> st.SearchStrategy[str]:
    def dup(text: str) -> str:
        lines = text.splitlines(keepends=True)
        tops = [i for i, line in enumerate(lines) if line[:1].isalpha() and ":" in line]
        if not tops:
            return text + text
        i = tops[len(tops) // 2]
        return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
    return st.sampled_from(seeds).map(dup)


def hostile_text(fmt: str | None) -> st.SearchStrategy[str]:
    seeds = SEEDS.get(fmt or "", ALL_SEEDS) or ALL_SEEDS
    yaml_seeds = SEEDS.get("yaml", ALL_SEEDS)
    return st.one_of(
        mutated(seeds), mutated(seeds), mutated(seeds), mutated(),
        st.text(max_size=500),
        st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
        st.builds(deep, st.integers(1, 60_000),
                  st.sampled_from(["yaml-list", "yaml-map", "xml", "csv"])),
        st.builds(billion_laughs_xml, st.integers(2, 12)),
        st.builds(yaml_alias_bomb, st.integers(2, 12)),
        duplicate_keys(yaml_seeds),
        st.sampled_from(seeds),
    )


# ---- invariants -----------------------------------------------------------------------


def check_scenarios(result: Any) -> str:
    """'' if ``result`` is a list of valid scenarios that round-trip and forecast within
    their scales, else what is wrong."""
    if not isinstance(result, list) or not all(isinstance(s, Scenario) for s in result):
        return f"a reader returned {type(result).__name__}, not a list of scenarios"
    for sc in result[:2]:
        if len(sc.actors) > 60:  # bound the invariant's cost per case
            continue
        try:
            back = api.loads(api.dumps(sc, "yaml"), name="roundtrip.yaml")
        except DetenteError as exc:
            return f"a valid scenario does not round-trip through YAML: {exc}"
        if back != sc:
            return "a valid scenario changes when written to YAML and read back"
        if len(sc.actors) * len(sc.issues) <= 80:
            wrong = check_forecast(sc)
            if wrong:
                return wrong
    return ""


def check_forecast(sc: Scenario) -> str:
    try:
        result = api.forecast(sc, models=list(READ_MODELS))
    except DetenteError:
        return ""  # a model refused the scenario with a message: allowed
    for f in result:
        for k, issue in enumerate(sc.issues):
            v = float(f.outcome[0, k])
            if math.isnan(v):
                continue
            lo, hi = min(issue.low, issue.high), max(issue.low, issue.high)
            tol = 1e-9 * max(1.0, abs(lo), abs(hi))
            if not (lo - tol <= v <= hi + tol):
                return f"{f.model} forecasts {v} on {issue.id}, outside [{lo}, {hi}]"
    return ""


# ---- cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    target: str  # reader:<fmt>, detect:<ext>, file:<ext>, genius, nc, cmd:<name>
    text: str
    extra: tuple[str, ...] = ()


COMMANDS: list[tuple[str, ...]] = [
    ("check",), ("check", "-m", "eum"), ("table",), ("forecast", "-f", "json"),
    ("forecast", "-f", "csv"), ("forecast", "-m", "eum", "-m", "smp"), ("forecast",),
    ("exchanges", "--top", "3"), ("deals", "-f", "json"), ("logrolls",), ("phase",),
    ("convert", "{file}", "{out}.yaml"), ("convert", "{file}", "{out}.csv"),
    ("simulate", "-n", "20", "-f", "json"), ("levers",), ("report", "-o", "{out}.html"),
]
EXTENSIONS = [".yaml", ".yml", ".csv", ".tsv", ".xml", ".txt", ".json", ""]


def cases() -> st.SearchStrategy[Case]:
    names = list(formats.format_names())
    reader = st.sampled_from(names).flatmap(
        lambda n: hostile_text(n).map(lambda t: Case(f"reader:{n}", t)))
    detect = st.tuples(st.sampled_from(EXTENSIONS), hostile_text(None)).map(
        lambda p: Case(f"detect:{p[0] or 'none'}", p[1]))
    genius = st.tuples(hostile_text("genius"), st.sampled_from(SEEDS["genius"])).map(
        lambda p: Case("genius", p[0], (p[1],)))
    nc = st.tuples(st.integers(0, 10**9), st.sampled_from(["flip", "cut", "junk", "zero"])).map(
        lambda p: Case("nc", "", (str(p[0]), p[1])))
    small = [s for s in ALL_SEEDS if len(s) < 6000]
    command = st.tuples(st.sampled_from(COMMANDS), st.sampled_from(EXTENSIONS[:6]),
                        st.one_of(mutated(small), st.sampled_from(small), st.text(max_size=200))
                        ).map(lambda p: Case("cmd:" + p[0][0], p[2], (p[1], *p[0])))
    return st.one_of(reader, reader, reader, detect, detect, genius, nc, command, command)


class Runner:
    """Runs cases in one temporary folder; knows the saved simulation for ``.nc`` cases."""

    def __init__(self, root: Path, timeout: float, tally: Tally) -> None:
        from typer.testing import CliRunner

        from detente.cli.main import app

        self.root, self.timeout, self.tally = root, timeout, tally
        self.cli, self.app = CliRunner(), app
        self.nc = root / "seed.nc"
        api.simulate("ukraine-2025-11", models=["compromise"], draws=16).save(self.nc)
        self.nc_bytes = self.nc.read_bytes()

    @contextlib.contextmanager
    def limit(self) -> Iterator[None]:
        def alarm(signum: int, frame: Any) -> None:
            raise CaseTimeout()

        old = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    def run(self, case: Case) -> None:
        start = time.perf_counter()
        try:
            with self.limit():
                outcome, detail = self._dispatch(case)
        except CaseTimeout:
            outcome, detail = "hang", f"over {self.timeout} s"
        except DetenteError as exc:
            outcome, detail = ("clean", "") if str(exc) else ("violation", "empty message")
        except RecursionError:
            outcome, detail = "traceback", traceback.format_exc()
        except Exception:
            outcome, detail = "traceback", traceback.format_exc()
        if outcome in {"ok", "clean"} and time.perf_counter() - start > self.timeout:
            outcome, detail = "hang", f"took {time.perf_counter() - start:.1f} s"
        self.tally.record(outcome, case.target.split(":")[0] + ":" + case.target.split(":")[-1],
                          case.text, detail)

    def _dispatch(self, case: Case) -> tuple[str, str]:
        kind, _, arg = case.target.partition(":")
        if kind == "reader":
            return self._verdict(formats.format_module(arg).loads(case.text, file="fuzz"))
        if kind == "detect":
            path = self.root / f"fuzz{'' if arg == 'none' else arg}"
            path.write_text(case.text, encoding="utf-8", errors="surrogatepass")
            return self._verdict(api.load_all(path))
        if kind == "genius":
            folder = self.root / "genius"
            folder.mkdir(exist_ok=True)
            for old in folder.iterdir():
                old.unlink()
            (folder / "f-domain.xml").write_text(case.text if "<objective" in case.text
                                                 else case.extra[0], encoding="utf-8",
                                                 errors="surrogatepass")
            (folder / "f-a.xml").write_text(case.text, encoding="utf-8", errors="surrogatepass")
            domain = api.load_genius(folder)
            return self._verdict([domain.scenario])
        if kind == "nc":
            return self._nc(int(case.extra[0]), case.extra[1])
        return self._command(case)

    def _verdict(self, result: Any) -> tuple[str, str]:
        wrong = check_scenarios(result)
        return ("violation", wrong) if wrong else ("ok", "")

    def _nc(self, seed: int, how: str) -> tuple[str, str]:
        import random

        rng = random.Random(seed)
        data = bytearray(self.nc_bytes)
        if how == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how == "cut":
            data = data[: rng.randrange(len(data))]
        elif how == "junk":
            data = bytearray(rng.randbytes(rng.randrange(1, 5000)))
        else:
            start = rng.randrange(len(data))
            data[start:start + rng.randint(1, 4096)] = bytes(min(4096, len(data) - start))
        path = self.root / "fuzz.nc"
        path.write_bytes(bytes(data))
        sim = api.load_simulation(path)
        return ("ok", "") if sim is not None else ("violation", "load_simulation returned None")

    def _command(self, case: Case) -> tuple[str, str]:
        ext, *argv = case.extra
        path = self.root / f"in{ext}"
        path.write_text(case.text, encoding="utf-8", errors="surrogatepass")
        out = self.root / "out"
        for leftover in self.root.glob("out*"):
            leftover.unlink()
        args = [a.format(file=path, out=out) for a in argv]
        if "{file}" not in " ".join(argv):
            args.append(str(path))
        result = self.cli.invoke(self.app, args, catch_exceptions=True,
                                 env={"COLUMNS": "80"})
        if isinstance(result.exception, CaseTimeout):
            raise result.exception
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            exc = result.exception
            return "traceback", "".join(traceback.format_exception(exc))
        if result.exit_code not in (0, 1, 2):
            return "violation", f"exit code {result.exit_code}: {result.output[-500:]}"
        if result.exit_code == 0 and "json" in argv:
            try:
                json.loads(result.stdout)
            except ValueError as exc:
                return "violation", f"{' '.join(argv)}: stdout is not JSON ({exc})"
        if result.exit_code != 0 and "Traceback" in result.output:
            return "traceback", result.output[-2000:]
        return "ok", ""


def run(n_cases: int, *, seed: int = 0, timeout: float = 5.0,
        progress: Callable[[Tally], None] | None = None, every: int = 1000) -> Tally:
    """Run ``n_cases`` Hypothesis-drawn cases; the tally of their outcomes."""
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="detente-fuzz-") as tmp:
        runner = Runner(Path(tmp), timeout, tally)

        @settings(max_examples=n_cases, deadline=None, database=None, derandomize=False,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=cases())
        def one(case: Case) -> None:
            runner.run(case)
            if progress and tally.counts["cases"] % every == 0:
                progress(tally)

        from hypothesis import seed as hseed

        hseed(seed)(one)()
    return tally


def summary(tally: Tally, started: float) -> dict[str, Any]:
    c = tally.counts
    return {"cases": c["cases"], "ok": c["ok"], "clean_errors": c["clean"],
            "tracebacks": c["traceback"], "hangs": c["hang"], "violations": c["violation"],
            "seconds": round(time.perf_counter() - started, 1),
            "by_target": dict(sorted(tally.by_target.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases to run (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per case")
    parser.add_argument("--log", type=Path, default=None, help="JSON lines of failing cases")
    parser.add_argument("--every", type=int, default=1000, help="progress every N cases")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(tally: Tally) -> None:
        print(json.dumps(summary(tally, started)), file=sys.stderr, flush=True)
        if args.log:
            args.log.write_text("".join(json.dumps(r) + "\n" for r in tally.log))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    os.environ.setdefault("COLUMNS", "80")
    tally = run(args.cases, seed=args.seed, timeout=args.timeout, progress=progress,
                every=args.every)
    if args.log:
        args.log.write_text("".join(json.dumps(r) + "\n" for r in tally.log))
    print(json.dumps(summary(tally, started), indent=2))
    bad = tally.counts["traceback"] + tally.counts["hang"] + tally.counts["violation"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
