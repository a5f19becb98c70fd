"""Fuzz every reader and every command with malformed, extreme and hostile input.

Usage::

    python tools/fuzz.py --cases 100000 [--seed 1] [--timeout 5] [--hard-limit 10]
                         [--log fails.jsonl] [--summary summary.json] [--every 1000]

Hypothesis draws each case (a reader or a command line, and an input built from a
valid seed file or from nothing), in batches of ``--batch`` cases (each batch its own
Hypothesis run, seeded from ``--seed`` and the batch number, so memory stays flat).
Commands run in-process through Click's test runner on one Click command built once.
Time is the process's CPU time (``ITIMER_PROF``; the machine may be shared, so wall
time measures the neighbours as much as the case); a wall-clock limit of
``max(60, 8 × hard limit)`` seconds guards against a case that waits without
computing. Counted outcomes:

- ``ok``: a read returned valid scenarios / a command exited 0, 1 or 2;
- ``clean``: a read raised :class:`~detente.errors.DetenteError` with a message;
- ``traceback``: any other exception (a bug);
- ``slow``: finished, but over ``--timeout`` CPU seconds; split into ``slow_valid``
  (the input is a valid scenario and the work legitimately large: a performance
  finding) and ``slow_rejected`` (a rejection that took too long: a bug);
- ``killed``: stopped at ``--hard-limit`` CPU seconds (or the wall guard); split the
  same way by whether the input file reads as a valid scenario;
- ``violation``: an invariant broken without an exception:
  a read returns something other than a list of scenarios, a valid scenario
  does not round-trip through YAML, a forecast lies outside its issue's scale,
  a command exits with a code other than 0/1/2, a command's JSON does not parse,
  ``convert`` exits 0 but its output does not read back (in the format it wrote).

"Over 5 s" in the issue's sense is ``slow + killed``. The summary goes to stdout as
one JSON object (and to ``--summary`` at each progress line); each failing or slow case
(input cut to 2,000 characters) to ``--log`` as a JSON line.
``tests/test_fuzz_slice.py`` runs a short slice of the same cases.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
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

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread: CPU time is the case's own, neighbours spared

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402 (after the thread settings)
from hypothesis import strategies as st  # noqa: E402 (after the thread settings)

import detente  # noqa: E402 (after the thread settings)
from detente import api, formats  # noqa: E402 (after the thread settings)
from detente.errors import DetenteError  # noqa: E402 (after the thread settings)
from detente.scenario import Scenario  # noqa: E402 (after the thread settings)

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
HOSTILE_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "1e999", "-1e999", "-0",
                   "9" * 400, "0x1F", "1_000", "", "true", "null", "~", "∞", "１２", "1e-400",
                   "-5", "0", "1.7976931348623157e308", "4.9e-324", "٣"]
READ_MODELS = ("compromise", "median", "nash", "eum")


class CaseTimeout(BaseException):
    """Raised by the alarm when a case runs over its time (BaseException: not swallowed)."""


BAD = ("traceback", "slow_rejected", "killed_rejected", "violation")
"""Outcomes that are bugs (a slow case on a valid input is a performance finding)."""
LOGGED = (*BAD, "slow_valid", "killed_valid")


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    by_target: Counter[str] = field(default_factory=Counter)
    cpu_by_target: Counter[str] = field(default_factory=Counter)
    log: list[dict[str, Any]] = field(default_factory=list)
    max_log: int = 400

    def record(self, outcome: str, target: str, text: str = "", detail: str = "",
               cpu: float = 0.0, wall: float = 0.0, argv: tuple[str, ...] = ()) -> None:
        self.counts[outcome] += 1
        self.counts["cases"] += 1
        self.by_target[target] += 1
        self.cpu_by_target[target] += cpu
        if wall > 5.0:
            self.counts["wall_over_5s"] += 1
        if outcome in LOGGED and len(self.log) < self.max_log:
            self.log.append({"case": self.counts["cases"], "outcome": outcome,
                             "target": target, "argv": list(argv), "cpu": round(cpu, 2),
                             "wall": round(wall, 2), "detail": detail[-3000:],
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
    from detente.genius_export import dumps_genius

    out.setdefault("genius", []).extend(dumps_genius(sc).values())
    return {k: v for k, v in out.items() if v}


SEEDS = seed_texts()
GENIUS_FOLDER: dict[str, str] = {}
with contextlib.suppress(ImportError):
    from detente.genius_export import dumps_genius

    GENIUS_FOLDER = dumps_genius(detente.load("ukraine-2025-11"))
"""A valid GENIUS folder (a domain and one profile per actor), by file name."""
ALL_SEEDS = [t for texts in SEEDS.values() for t in texts]


# ---- hostile inputs -------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str] | None = None,
            ops: tuple[str, ...] = ("drop", "dup", "garble", "cut", "swap", "number", "number",
                                    "unicode", "long"), max_ops: int = 5) -> str:
    """A valid seed with a few lines dropped, duplicated, garbled, cut, swapped, a number
    replaced by a hostile one, or a key duplicated."""
    text = draw(st.sampled_from(seeds or ALL_SEEDS))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, max_ops))):
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(ops))
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


def numbers_within_scales(command: str, data: Any, path: Path) -> str:
    """'' if a command's JSON keeps each forecast within its issue's scale (``forecast``:
    every model's outcome; ``simulate``: point, mean and quantiles, quantiles in order)."""
    if command not in {"forecast", "simulate"}:
        return ""
    try:
        scenario = api.load_all(path)[0]
    except DetenteError:
        return f"{command} exited 0 on a file that does not read"
    scales = {i.id: (min(i.low, i.high), max(i.low, i.high)) for i in scenario.issues}

    def outside(issue: str, value: Any) -> str:
        if value is None or issue not in scales:
            return ""
        lo, hi = scales[issue]
        tol = 1e-9 * max(1.0, abs(lo), abs(hi))
        ok = isinstance(value, (int, float)) and lo - tol <= value <= hi + tol
        return "" if ok else f"{value!r} on {issue!r}, outside [{lo}, {hi}]"

    if command == "forecast":
        for f in data.get("forecasts", []):
            for issue, value in (f.get("outcome") or {}).items():
                wrong = outside(issue, value)
                if wrong:
                    return f"{f.get('model')} forecasts {wrong}"
        return ""
    for row in data.get("summary", []):
        qs = [row[k] for k in sorted(row) if k[:1] == "q" and k[1:].isdigit()
              and row[k] is not None]
        if qs != sorted(qs):
            return f"{row.get('model')} quantiles out of order on {row.get('issue')!r}: {qs}"
        for key in ("point", "mean", *[k for k in row if k[:1] == "q" and k[1:].isdigit()]):
            wrong = outside(row.get("issue"), row.get(key))
            if wrong:
                return f"{row.get('model')} {key} {wrong}"
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
    ("convert", "{file}", "{out}.xml"), ("convert", "{file}", "{out}.csv", "--to", "ktab-csv"),
    ("convert", "{file}", "{out}.csv", "--to", "eum-csv"),
    ("convert", "{file}", "{out}.txt", "--to", "decide"),
    ("convert", "{file}", "{out}.tsv", "--to", "deu"),
    ("simulate", "-n", "20", "-f", "json"), ("levers", "-i", "{issue}", "-t", "{mid}"),
    ("sensitivity", "-n", "8", "-f", "json"), ("proposals",), ("pressures",),
    ("report", "-o", "{out}.html"), ("backtest", "--limit", "3"),
    ("draft", "{file}"), ("draft", "{file}", "--into", "ukraine-2025-11", "-f", "json"),
    ("history", "add", "{file}", "--db", "{out}.sqlite"),
    ("panel", "combine", "{file}", "{file}", "-o", "{out}.yaml"),
]
"""Every command that reads a scenario or a text file (``serve`` is a web server, covered
by the web tests; ``models``, ``schema`` and ``new`` read no input)."""
EXTENSIONS = [".yaml", ".yml", ".csv", ".tsv", ".xml", ".txt", ".json", ""]
MAX_COMMAND_CELLS = 80
"""Largest actors x issues of a valid seed given to commands by default: ``deals`` and
``phase`` on the 11 x 11 decide file or the 27 x 6 KTAB file take 20-60 CPU seconds (no
estimate guard yet), which says nothing new at every repetition; readers still get every
seed, and ``--max-cells`` (with ``--mix command``) runs commands on the large ones."""


def command_seeds(max_cells: int = MAX_COMMAND_CELLS,
                  min_cells: int = 0) -> list[tuple[str, str]]:
    """(text, extension) of each seed commands run on, with its format's own extension:
    every unreadable seed (when ``min_cells`` is 0), and readable ones of ``min_cells`` to
    ``max_cells`` actor-issue cells."""
    out = []
    for fmt, texts in SEEDS.items():
        if fmt == "genius":  # a folder format: the genius target covers it
            continue
        module = formats.format_module(fmt)
        for text in texts:
            try:
                cells = max(len(s.actors) * len(s.issues) for s in module.loads(text, file="s"))
            except DetenteError:
                cells = 0
            if min_cells <= cells <= max_cells:
                out.append((text, formats.extensions(fmt)[0]))
    return out


def command_inputs(max_cells: int = MAX_COMMAND_CELLS,
                   min_cells: int = 0) -> st.SearchStrategy[tuple[str, str]]:
    """A command's input and its file's extension: a valid seed as it is, with one hostile
    number, with up to five mutations, or junk or a seed under a wrong extension."""
    pairs = command_seeds(max_cells, min_cells)
    pair = st.sampled_from(pairs)

    def mutate(p: tuple[str, str], **kw: Any) -> st.SearchStrategy[tuple[str, str]]:
        return mutated([p[0]], **kw).map(lambda t: (t, p[1]))

    return st.one_of(
        pair, pair.flatmap(lambda p: mutate(p, ops=("number",), max_ops=1)),
        pair.flatmap(mutate),
        st.tuples(st.text(max_size=200), st.sampled_from(EXTENSIONS[:6])),
        st.tuples(mutated([t for t, _ in pairs]), st.sampled_from(EXTENSIONS[:6])),
    )


MIX = ("reader", "command", "detect", "reader", "command", "genius", "reader", "command",
       "detect", "nc", "command")
"""The kind of each batch in turn (a batch draws one kind, so the mix is what this says:
Hypothesis's own choice among branches of ``one_of`` favours the first ones)."""


def cases(kind: str | None = None, *, max_cells: int = MAX_COMMAND_CELLS,
          min_cells: int = 0) -> st.SearchStrategy[Case]:
    """Cases of one kind (reader, detect, genius, nc, command), or of any kind; commands
    get valid seeds of ``min_cells`` to ``max_cells`` actor-issue cells."""
    names = list(formats.format_names())
    reader = st.sampled_from(names).flatmap(
        lambda n: hostile_text(n).map(lambda t: Case(f"reader:{n}", t)))
    detect = st.tuples(st.sampled_from(EXTENSIONS), hostile_text(None)).map(
        lambda p: Case(f"detect:{p[0] or 'none'}", p[1]))
    names_g = list(GENIUS_FOLDER)
    genius = st.sampled_from(names_g).flatmap(lambda name: st.one_of(
        mutated([GENIUS_FOLDER[name]]), mutated([GENIUS_FOLDER[name]]), hostile_text("genius"),
    ).map(lambda t: Case("genius", t, (name,))))
    nc = st.tuples(st.integers(0, 10**9), st.sampled_from(
        # a file without checksum costs a child Python (0.3 s CPU): one case in nine
        ["flip", "cut", "junk", "zero", "flip", "cut", "junk", "zero", "flip-legacy"])).map(
        lambda p: Case("nc", "", (str(p[0]), p[1])))
    command = st.tuples(st.sampled_from(COMMANDS), command_inputs(max_cells, min_cells)).map(
        lambda p: Case("cmd:" + p[0][0], p[1][0], (p[1][1], *p[0])))
    kinds = {"reader": reader, "detect": detect, "genius": genius, "nc": nc, "command": command}
    return kinds[kind] if kind else st.one_of(*(kinds[k] for k in MIX))


VALID_LIMIT = 20.0
"""CPU seconds allowed to read a slow case's input again to tell whether it is valid."""


class Runner:
    """Runs cases in one temporary folder; knows the saved simulation for ``.nc`` cases.

    ``timeout``: CPU seconds over which a finished case counts as slow; ``hard_limit``:
    CPU seconds at which a case is stopped (and counted as killed)."""

    def __init__(self, root: Path, timeout: float, tally: Tally,
                 hard_limit: float | None = None) -> None:
        import typer.main
        from typer.testing import CliRunner

        from detente.cli.main import app

        self.root, self.timeout, self.tally = root, timeout, tally
        self.hard_limit = hard_limit if hard_limit is not None else 2 * timeout
        self.wall_limit = max(60.0, 8 * self.hard_limit)
        # Typer rebuilds its Click command on every CliRunner.invoke (0.25 s of
        # signature inspection per call); build it once and hand the runner that.
        self.cli, self.app = CliRunner(), app
        self.command = typer.main.get_command(app)
        # a file without a checksum line is read by a child first, killed after
        # PROBE_SECONDS (60 s): within the fuzzer's own kill at 4 x hard limit
        simulate_module = importlib.import_module("detente.uncertainty.simulate")
        simulate_module.PROBE_SECONDS = 2 * self.hard_limit
        self.nc = root / "seed.nc"
        api.simulate("ukraine-2025-11", models=["compromise"], draws=16).save(self.nc)
        self.nc_bytes = self.nc.read_bytes()

    @contextlib.contextmanager
    def limit(self, cpu: float | None = None) -> Iterator[None]:
        """Raise :class:`CaseTimeout` after ``cpu`` (default ``hard_limit``) CPU seconds or
        ``wall_limit`` wall seconds, whichever comes first."""
        def alarm(signum: int, frame: Any) -> None:
            raise CaseTimeout()

        old_prof = signal.signal(signal.SIGPROF, alarm)
        old_real = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_PROF, self.hard_limit if cpu is None else cpu)
        signal.setitimer(signal.ITIMER_REAL, self.wall_limit)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGPROF, old_prof)
            signal.signal(signal.SIGALRM, old_real)

    def run(self, case: Case) -> None:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        killed = False
        try:
            with self.limit():
                outcome, detail = self._dispatch(case)
        except CaseTimeout:
            killed, outcome, detail = True, "killed", ""
        except DetenteError as exc:
            outcome, detail = ("clean", "") if str(exc) else ("violation", "empty message")
        except Exception:  # RecursionError included: a bug like any other
            outcome, detail = "traceback", traceback.format_exc()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if killed or (outcome in {"ok", "clean"} and cpu > self.timeout):
            kind = "killed" if killed else "slow"
            valid = self._input_is_valid(case)
            detail = (f"{'stopped at' if killed else 'took'} {cpu:.1f} s CPU ({wall:.1f} s "
                      f"wall); input {'is' if valid else 'is not'} a valid scenario; "
                      f"ended {outcome}")
            outcome = f"{kind}_{'valid' if valid else 'rejected'}"
        target = case.target.split(":")[0] + ":" + case.target.split(":")[-1]
        self.tally.record(outcome, target, case.text, detail, cpu, wall, case.extra)

    def _input_is_valid(self, case: Case) -> bool:
        """Whether the case's input reads as valid scenarios (a read over ``VALID_LIMIT``
        CPU seconds counts as not: a slow read is a bug)."""
        kind, _, arg = case.target.partition(":")
        try:
            with self.limit(VALID_LIMIT):
                if kind == "reader":
                    formats.format_module(arg).loads(case.text, file="fuzz")
                elif kind in {"detect", "cmd"}:
                    ext = ("" if arg == "none" else arg) if kind == "detect" else case.extra[0]
                    path = self.root / f"valid{ext}"
                    path.write_text(case.text, encoding="utf-8", errors="surrogatepass")
                    api.load_all(path)
                else:
                    return False
        except (CaseTimeout, DetenteError):
            return False
        except Exception:
            # a crash on re-reading is not silent: the case's own run has already
            # recorded it as a traceback; here it only means "not a valid input"
            return False
        return True

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
            for name, text in GENIUS_FOLDER.items():  # the valid folder, one file replaced
                (folder / name).write_text(case.text if name == case.extra[0] else text,
                                           encoding="utf-8", errors="surrogatepass")
            domain = api.load_genius(folder)
            return self._verdict([domain.scenario])
        if kind == "nc":
            return self._nc(int(case.extra[0]), case.extra[1])
        return self._command(case)

    def _verdict(self, result: Any) -> tuple[str, str]:
        wrong = check_scenarios(result)
        return ("violation", wrong) if wrong else ("ok", "")

    def _nc(self, seed: int, how: str) -> tuple[str, str]:
        """Load a damaged copy of a saved simulation (``how``: flip, cut, junk or zero,
        ``-legacy`` for a file without the checksum line, as saved before it existed), in a
        forked child: HDF5 can loop in C, out of reach of any signal. A file whose netCDF
        bytes were damaged, saved with a checksum line, that still loads is a wrong answer."""
        import random

        from detente.uncertainty.simulate import CHECKSUM_TAG

        rng = random.Random(seed)
        kind, _, legacy = how.partition("-")
        original = self.nc_bytes[:-(len(CHECKSUM_TAG) + 65)] if legacy else self.nc_bytes
        data = bytearray(original)
        if kind == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "cut":
            data = data[: rng.randrange(len(data))]
        elif kind == "junk":
            data = bytearray(rng.randbytes(rng.randrange(1, 5000)))
        else:
            start = rng.randrange(len(data))
            size = min(rng.randint(1, 4096), len(data) - start)
            data[start:start + size] = bytes(size)
        path = self.root / "fuzz.nc"
        path.write_bytes(bytes(data))
        outcome, detail = self._in_child(lambda: api.load_simulation(path))
        body = len(original) - (0 if legacy else len(CHECKSUM_TAG) + 65)
        if outcome == "ok" and not legacy and bytes(data[:body]) != original[:body]:
            # (a cut inside the checksum line leaves the netCDF bytes whole: read as saved)
            return "violation", f"a damaged simulation file ({kind}) loaded"
        return outcome, detail

    def _in_child(self, work: Callable[[], Any]) -> tuple[str, str]:
        """Run ``work`` in a forked child; ('ok'|'clean'|'traceback'|'violation', detail),
        or :class:`CaseTimeout` once ``4 x hard_limit`` wall seconds pass (child killed)."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: no timers of the parent's, no return into Hypothesis
            os.close(read_end)
            try:
                try:
                    work()
                    msg = "ok\n"
                except DetenteError as exc:
                    msg = "clean\n" if str(exc) else "violation\nempty message"
                except BaseException:
                    msg = "traceback\n" + traceback.format_exc()
                os.write(write_end, msg.encode("utf-8", "replace")[:60_000])
            finally:
                os._exit(0)
        os.close(write_end)
        deadline = time.perf_counter() + 4 * self.hard_limit
        try:
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.perf_counter() > deadline:
                    raise CaseTimeout()
                time.sleep(0.005)
            pid = 0
            with os.fdopen(read_end, "rb") as fh:
                read_end = -1
                outcome, _, detail = fh.read().decode("utf-8", "replace").partition("\n")
        finally:
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            if read_end >= 0:
                os.close(read_end)
        if not outcome:
            return "traceback", "the child process died without a word (a crash in C?)"
        return outcome, detail

    def _command(self, case: Case) -> tuple[str, str]:
        from unittest import mock

        import typer.testing

        ext, *argv = case.extra
        path = self.root / f"in{ext}"
        path.write_text(case.text, encoding="utf-8", errors="surrogatepass")
        out = self.root / "out"
        for leftover in self.root.glob("out*"):
            leftover.unlink()
        issue, mid = self._first_issue(path) if "{issue}" in argv else ("x", "50")
        args = [a.format(file=path, out=out, issue=issue, mid=mid) for a in argv]
        if "{file}" not in " ".join(argv):
            args.append(str(path))
        with mock.patch.object(typer.testing, "_get_command", lambda _app: self.command):
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
                data = json.loads(result.stdout)
            except ValueError as exc:
                return "violation", f"{' '.join(argv)}: stdout is not JSON ({exc})"
            wrong = numbers_within_scales(argv[0], data, path)
            if wrong:
                return "violation", f"{' '.join(argv)}: {wrong}"
        if result.exit_code == 0 and argv[0] == "convert":
            wrong = self._written_reads_back(args)
            if wrong:
                return "violation", wrong
        if result.exit_code != 0 and "Traceback" in result.output:
            return "traceback", result.output[-2000:]
        return "ok", ""

    @staticmethod
    def _first_issue(path: Path) -> tuple[str, str]:
        """The first issue's id and the midpoint of its scale (for ``levers``), or
        ``("x", "50")`` when the file does not read."""
        try:
            sc = api.load_all(path)[0]
        except DetenteError:
            return "x", "50"
        issue = sc.issues[0]
        return issue.id, f"{(issue.low + issue.high) / 2:g}"

    @staticmethod
    def _written_reads_back(args: list[str]) -> str:
        """'' if the file ``convert`` wrote reads back in the format it was written in."""
        target = Path(args[2])
        fmt = args[args.index("--to") + 1] if "--to" in args else None
        if not target.exists():
            return f"convert exited 0 but wrote no {target.name}"
        try:
            api.load_all(target, format=fmt)
        except DetenteError as exc:
            return f"convert wrote {target.name} ({fmt or 'by extension'}) that does not " \
                   f"read back: {str(exc)[:500]}"
        return ""


def run(n_cases: int, *, seed: int = 0, timeout: float = 5.0, hard_limit: float | None = None,
        batch: int = 1000, progress: Callable[[Tally], None] | None = None,
        every: int = 1000, mix: tuple[str, ...] = MIX, max_cells: int = MAX_COMMAND_CELLS,
        min_cells: int = 0) -> Tally:
    """Run ``n_cases`` Hypothesis-drawn cases in batches of ``batch`` (batch ``b`` of kind
    ``mix[b % len(mix)]``, seeded with ``seed * 1_000_003 + b``); the tally of outcomes.
    Commands get valid seeds of ``min_cells`` to ``max_cells`` actor-issue cells."""
    from hypothesis import seed as hseed

    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="detente-fuzz-") as tmp:
        runner = Runner(Path(tmp), timeout, tally, hard_limit)
        for b, start in enumerate(range(0, n_cases, batch)):
            size = min(batch, n_cases - start)

            @settings(max_examples=size, deadline=None, database=None, derandomize=False,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=cases(mix[b % len(mix)], max_cells=max_cells, min_cells=min_cells))
            def one(case: Case) -> None:
                runner.run(case)
                if progress and tally.counts["cases"] % every == 0:
                    progress(tally)

            hseed(seed * 1_000_003 + b)(one)()
    return tally


def summary(tally: Tally, started: float, cpu_started: float = 0.0) -> dict[str, Any]:
    c = tally.counts
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    over = sum(c[k] for k in ("slow_valid", "slow_rejected", "killed_valid", "killed_rejected"))
    return {"cases": c["cases"], "ok": c["ok"], "clean_errors": c["clean"],
            "tracebacks": c["traceback"], "over_budget": over,
            "slow_valid": c["slow_valid"], "slow_rejected": c["slow_rejected"],
            "killed_valid": c["killed_valid"], "killed_rejected": c["killed_rejected"],
            "violations": c["violation"], "wall_over_5s": c["wall_over_5s"],
            "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "cases_per_s": round(c["cases"] / seconds, 2) if seconds else None,
            "cases_per_cpu_s": round(c["cases"] / cpu, 2) if cpu else None,
            "by_target": dict(sorted(tally.by_target.items())),
            "cpu_by_target": {k: round(v, 1) for k, v in sorted(tally.cpu_by_target.items())}}


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases to run (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed")
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="CPU seconds over which a case counts as slow (default 5)")
    parser.add_argument("--hard-limit", type=float, default=None,
                        help="CPU seconds at which a case is stopped (default 2 x timeout)")
    parser.add_argument("--batch", type=int, default=1000, help="cases per Hypothesis run")
    parser.add_argument("--log", type=Path, default=None,
                        help="JSON lines of failing and slow cases")
    parser.add_argument("--summary", type=Path, default=None,
                        help="the latest summary (JSON), rewritten at each progress line")
    parser.add_argument("--every", type=int, default=1000, help="progress every N cases")
    parser.add_argument("--mix", default=",".join(MIX),
                        help="kinds of the batches in turn (reader, detect, genius, nc, command)")
    parser.add_argument("--max-cells", type=int, default=MAX_COMMAND_CELLS,
                        help="largest valid seed (actors x issues) given to commands")
    parser.add_argument("--min-cells", type=int, default=0,
                        help="smallest valid seed given to commands (above 0: no invalid seeds)")
    args = parser.parse_args(argv)
    started, cpu_started = time.perf_counter(), time.process_time()

    def report(tally: Tally, final: bool = False) -> None:
        line = summary(tally, started, cpu_started) | {"finished": final, "seed": args.seed,
                                                       "argv": sys.argv[1:]}
        print(json.dumps(line), file=sys.stderr, flush=True)
        if args.summary:
            _write(args.summary, json.dumps(line, indent=2) + "\n")
        if args.log:
            _write(args.log, "".join(json.dumps(r) + "\n" for r in tally.log))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    os.environ.setdefault("COLUMNS", "80")
    tally = run(args.cases, seed=args.seed, timeout=args.timeout, hard_limit=args.hard_limit,
                batch=args.batch, progress=report, every=args.every,
                mix=tuple(args.mix.split(",")), max_cells=args.max_cells,
                min_cells=args.min_cells)
    report(tally, final=True)
    print(json.dumps(summary(tally, started, cpu_started), indent=2))
    return 1 if any(tally.counts[k] for k in BAD) else 0


if __name__ == "__main__":
    raise SystemExit(main())
