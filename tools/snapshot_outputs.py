"""Snapshot what every CLI command prints, to show that a refactor changes no output.

Runs each ``detente`` command (each ``--format``) on the bundled scenario and on
a representative set of files in ``../shared/data/``, in one process through
Typer's test runner (terminal width fixed at 120 columns), and writes each
command's exit code, standard output and standard error, plus any file the
command wrote, into OUTDIR (one text file per command).

Take a snapshot of the code before the change and one after, then compare::

    python tools/snapshot_outputs.py /tmp/snap-before --src /path/to/old/src
    python tools/snapshot_outputs.py /tmp/snap-after
    diff -r /tmp/snap-before /tmp/snap-after && echo identical

``--src`` puts another checkout's ``src`` first on the import path (default:
this repository's). What varies run to run is masked: the temporary working
folder (``<work>``), the time a history stamps on a version and the minute a
brief was generated (``<time>``), and binary files (a database's free pages;
what it holds is compared through the commands that read it). Runs take a few
minutes (the backtest and the Monte Carlo commands use small sizes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"

# Representative inputs: one or two files of every format, plus files that fail.
FILES = {
    "bundled": None,
    "cop21": "decide/cop21.csv",
    "copenhagen": "decide/copenhagen.csv",
    "copenhagen-errors": "decide/copenhagen_with_errors.csv",
    "dutch2012": "decide/dutch_election_2012.csv",
    "decide-sample": "decide/sample_data.txt",
    "eum-dmasad": "eum/dmasad__ExampleActors.csv",
    "eum-sultan": "eum/jmckib__Sultan.csv",
    "eum-ww1": "eum/minimalgeek__WW1.csv",
    "ktab-3dim": "ktab/dummyData_3Dim.csv",
    "ktab-soe": "ktab/SOE-Policy.csv",
    "ktab-xml": "ktab/smpExample_fixed.xml",
    "ktab-xml-bad": "ktab/smpExample.xml",
}
MODELS = ["compromise", "median", "nash", "ensemble", "smp", "exchange", "eum"]
# the time a history stamps on a version, and the minute a brief was generated
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)"
                   r"|\d{4}-\d\d-\d\d \d\d:\d\d UTC")
SMALL = ["bundled", "copenhagen", "eum-sultan", "ktab-3dim"]  # for the heavier commands
CONVERT_TO = ["yaml", "csv", "decide", "ktab-csv", "ktab-xml", "eum-csv", "deu", "genius"]
SUFFIX = {"yaml": ".yaml", "csv": ".csv", "decide": ".decide.csv", "ktab-csv": ".ktab.csv",
          "ktab-xml": ".xml", "eum-csv": ".eum.csv", "deu": ".tsv", "genius": ".genius"}


def commands() -> list[tuple[str, list[str]]]:
    """(name, argv) of every command in the snapshot."""
    out: list[tuple[str, list[str]]] = [
        ("help", ["--help"]),
        ("models", ["models"]),
        ("new", ["new", "drill", "-o", "out/drill.yaml"]),
    ]
    for key, rel in FILES.items():
        src = [] if rel is None else [str(DATA / rel)]
        for fmt in ("table", "json", "csv"):
            out.append((f"forecast-{key}-{fmt}", ["forecast", *src, "-f", fmt]))
        # nash needs a status quo, which most data files lack: without it the run is an error
        names = MODELS if key == "bundled" else [m for m in MODELS if m != "nash"]
        every = [a for m in names for a in ("-m", m)]
        out.append((f"forecast-all-{key}-json", ["forecast", *src, *every, "-f", "json",
                                                  "--rounds"]))
        out.append((f"forecast-all-{key}-table", ["forecast", *src, *every, "--rounds",
                                                   "--exchanges"]))
        out.append((f"table-{key}", ["table", *src, "--evidence"]))
        out.append((f"check-{key}", ["check", *(src or ["ukraine-2025-11"]), *every]))
        for fmt in ("table", "json"):
            out.append((f"exchanges-{key}-{fmt}", ["exchanges", *src, "-f", fmt,
                                                   "--candidates"]))
        for to in CONVERT_TO:
            out.append((f"convert-{key}-{to}", ["convert", *(src or ["ukraine-2025-11"]),
                                                f"out/{key}{SUFFIX[to]}", "--to", to]))
    for key in SMALL:
        src = [] if FILES[key] is None else [str(DATA / FILES[key])]  # type: ignore[operator]
        for fmt in ("table", "json"):
            out += [
                (f"simulate-{key}-{fmt}", ["simulate", *src, "-n", "300", "-m", "compromise",
                                           "-m", "median", "-f", fmt]),
                (f"sensitivity-{key}-{fmt}", ["sensitivity", *src, "-n", "16", "-f", fmt]),
                (f"sensitivity-actor-{key}-{fmt}", ["sensitivity", *src, "-n", "8", "--method",
                                                    "morris", "--by", "actor", "-f", fmt]),
                (f"deals-{key}-{fmt}", ["deals", *src, "-f", fmt, "--drop", _first_actor(key),
                                        "--draws", "20"]),
                (f"logrolls-{key}-{fmt}", ["logrolls", *src, "-f", fmt]),
                (f"phase-{key}-{fmt}", ["phase", *src, "-f", fmt]),
                (f"exchanges-random-{key}-{fmt}", ["exchanges", *src, "-f", fmt, "--variant",
                                                   "random-rate", "--seed", "3"]),
            ]
    for fmt in ("table", "json"):
        out += [
            (f"levers-bundled-{fmt}", ["levers", "-i", "donetsk", "-t", "50", "-f", fmt]),
            (f"levers-bundled-median-{fmt}", ["levers", "-i", "donetsk", "-t", "80", "-m",
                                              "median", "-a", "russia", "-f", fmt]),
            (f"simulate-bundled-all-{fmt}", ["simulate", "-n", "64", "-f", fmt]),
        ]
    deu = str(DATA / "deu" / "deu_i_ii.tsv")
    out += [
        ("check-deu", ["check", deu, "-m", "compromise"]),
        ("backtest-deu", ["backtest", deu, "--limit", "12", "--bootstrap", "50",
                          "--csv", "out/backtest.csv"]),
        ("backtest-deu-fit", ["backtest", deu, "--limit", "60", "--bootstrap", "0",
                              "-m", "compromise", "-m", "median", "--fit-ensemble",
                              "out/weights.json", "--ensemble-member", "compromise",
                              "--ensemble-member", "median"]),
        ("backtest-deu-shapley", ["backtest", deu, "--limit", "8", "--bootstrap", "0",
                                  "-m", "compromise", "-m", "median", "-c", "shapley-shubik"]),
        ("errors-param", ["forecast", "-p", "bad"]),
        ("errors-model", ["forecast", "-m", "astrology"]),
        ("errors-file", ["forecast", "nowhere.yaml"]),
        ("errors-exchanges", ["exchanges", "--variant", "odd"]),
        ("errors-deals-utility", ["deals", "--utility", "cubic"]),
        ("errors-deals-batna", ["deals", "--batna", "russia"]),
        ("errors-simulate-csv", ["simulate", "-f", "csv"]),
    ]
    out += _later_commands()
    for cmd in ("forecast", "simulate", "sensitivity", "levers", "deals", "logrolls", "phase",
                "exchanges", "backtest", "check", "convert", "table", "new", "proposals",
                "pressures", "outlook", "schema", "report", "baserates", "capabilities",
                "draft", "history", "panel", "evidence"):
        out.append((f"help-{cmd}", [cmd, "--help"]))
    return out


def _later_commands() -> list[tuple[str, list[str]]]:
    """The commands added after the first version of this tool (deal tools with every kind
    of no-deal value, outlook, schema, brief, outside view, capabilities, draft, history)."""
    article = str(ROOT.parent / "shared" / "sources" / "2025-11-05-donetsk-call-article.txt")
    out: list[tuple[str, list[str]]] = [("schema", ["schema"])]
    for fmt in ("table", "json"):
        out += [
            (f"pressures-bundled-{fmt}", ["pressures", "-f", fmt]),
            (f"deals-bundled-shock-{fmt}", ["deals", "-f", fmt, "--shock", "three-villages"]),
            (f"deals-bundled-batna-{fmt}", ["deals", "-f", fmt, "--batna", "UKR=0.2",
                                            "--draws", "20"]),
            (f"proposals-bundled-{fmt}", ["proposals", "-f", fmt]),
            (f"proposals-bundled-draws-{fmt}", ["proposals", "-f", fmt, "--draws", "20"]),
            (f"baserates-bundled-{fmt}", ["baserates", "-f", fmt, "--limit", "5"]),
            (f"capabilities-bundled-{fmt}", ["capabilities", "--cinc", "2012", "-f", fmt]),
            (f"draft-{fmt}", ["draft", article, "--into", "ukraine-2025-11", "-f", fmt]),
        ]
    for fmt in ("table", "json", "csv"):
        out.append((f"outlook-bundled-{fmt}", ["outlook", "--months", "6", "-n", "200",
                                               "--no-drivers", "-f", fmt]))
    out += [
        ("outlook-bundled-settlements", ["outlook", "--months", "6", "-n", "200",
                                         "--no-drivers", "--settlements-only", "-f", "json"]),
        ("report-bundled", ["report", "-o", "out/brief.html", "--draws", "50",
                            "--interval-draws", "0"]),
        ("history-import", ["history", "import", "ukraine-2025-11-history", "--db",
                            "out/h.db"]),
        ("history-log", ["history", "log", "--db", "out/h.db"]),
        ("history-show", ["history", "show", "@2", "--db", "out/h.db"]),
        ("history-diff", ["history", "diff", "@1", "@3", "--db", "out/h.db"]),
        ("history-timeline", ["history", "timeline", "--db", "out/h.db"]),
    ]
    return out


# Commands that need a file another command writes first: (name) -> argv run before it,
# whose output is not recorded (only whether it succeeded).
PREP = {name: ["history", "import", "ukraine-2025-11-history", "--db", "out/h.db"]
        for name in ("history-log", "history-show", "history-diff", "history-timeline")}


def _first_actor(key: str) -> str:
    return {"bundled": "russia=0.1", "copenhagen": "BRA=0.1", "eum-sultan": "Sultan=0.1",
            "ktab-3dim": "A=0.1"}.get(key, "x=0.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the detente source folder to run (default: this checkout's)")
    parser.add_argument("--only", help="run only commands whose name matches this regex")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    os.environ["COLUMNS"] = "120"
    os.environ.pop("FORCE_COLOR", None)
    from typer.testing import CliRunner

    import detente
    from detente.cli.main import app

    print(f"detente from {detente.__file__}", file=sys.stderr)
    outdir = args.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    work = Path(tempfile.mkdtemp(prefix="snapshot-"))
    here = Path.cwd()
    os.chdir(work)
    try:
        for name, argv in commands():
            if args.only and not re.search(args.only, name):
                continue
            shutil.rmtree(work / "out", ignore_errors=True)
            (work / "out").mkdir()
            prep = []
            if name in PREP:
                done = runner.invoke(app, PREP[name], env={"COLUMNS": "120"})
                prep = [f"(prepared with: detente {' '.join(PREP[name])}: "
                        f"exit {done.exit_code})"]
            start = time.perf_counter()
            sys.argv = ["detente", *argv]  # the weights file records the command line
            res = runner.invoke(app, argv, env={"COLUMNS": "120"})
            took = time.perf_counter() - start
            text = [*prep, f"$ detente {' '.join(argv)}", f"exit {res.exit_code}",
                    "--- stdout", res.stdout, "--- stderr", res.stderr]
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                text += ["--- exception", f"{type(res.exception).__name__}: {res.exception}"]
            for path in sorted((work / "out").rglob("*")):
                if path.is_file():
                    data = path.read_bytes()
                    # a database file holds free pages and index order that vary run to
                    # run: what it holds is compared through the commands that read it
                    body = ("(binary file, not compared)" if b"\0" in data
                            else data.decode(errors="replace"))
                    text += [f"--- file {path.relative_to(work)}", body]
            # the working folder is a fresh temporary one each run; times are masked
            body = STAMP.sub("<time>", "\n".join(text).replace(str(work), "<work>"))
            (outdir / f"{name}.txt").write_text(body)
            print(f"{took:6.2f}s {name}", file=sys.stderr)
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
