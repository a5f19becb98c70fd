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
this repository's). Runs take a few minutes (the backtest and the Monte Carlo
commands use small sizes).
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
                "exchanges", "backtest", "check", "convert", "table", "new", *LATER_HELP):
        out.append((f"help-{cmd}", [cmd, "--help"]))
    return out


# the commands added since the first snapshot (proposals ... panel), on the bundled scenario;
# the history store and the analysts' files live in state/ (kept between commands, made by
# _prepare) so that their paths print the same in every run
LATER_HELP = ("proposals", "pressures", "outlook", "schema", "draft", "report", "serve",
              "capabilities", "baserates", "evidence", "history", "panel", "models")
ARTICLE = ROOT.parent / "shared" / "sources" / "2025-11-05-donetsk-call-article.txt"
UCDP = DATA / "war" / "ucdp_acd_conflict_years.csv"
DB = ["--db", "state/h.sqlite"]
ANALYSTS = ["state/alice.yaml", "state/bob.yaml", "state/carol.yaml"]


def _later_commands() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for fmt in ("table", "json"):
        out += [
            (f"proposals-bundled-{fmt}", ["proposals", "-f", fmt, "--draws", "40"]),
            (f"proposals-nash-{fmt}", ["proposals", "-f", fmt, "--amend", "nash",
                                       "-m", "median", "--top", "3"]),
            (f"pressures-bundled-{fmt}", ["pressures", "-f", fmt]),
            (f"deals-shock-{fmt}", ["deals", "-f", fmt, "--shock", "oil-halt-confirmed",
                                    "--robust", "20"]),
            (f"deals-batna-{fmt}", ["deals", "-f", fmt, "--batna", "UKR=0.2", "--draws", "20",
                                    "--robust", "20"]),
            (f"baserates-{fmt}", ["baserates", "-f", fmt, "--limit", "5"]),
            (f"capabilities-{fmt}", ["capabilities", "--cinc", "2022", "-f", fmt]),
            (f"draft-{fmt}", ["draft", str(ARTICLE), "--into", "ukraine-2025-11", "-f", fmt]),
            (f"history-log-{fmt}", ["history", "log", *DB, "-f", fmt]),
            (f"history-diff-{fmt}", ["history", "diff", "@1", "@2", *DB, "-f", fmt]),
            (f"panel-disagreement-{fmt}", ["panel", "disagreement", *ANALYSTS, "-f", fmt]),
        ]
    for fmt in ("table", "json", "csv"):
        out.append((f"outlook-bundled-{fmt}", ["outlook", "-n", "200", "--driver-paths", "50",
                                               "-f", fmt]))
    out += [
        ("outlook-settlements", ["outlook", "-n", "200", "--no-drivers", "--settlements-only",
                                 "--party", "RUS", "--party", "UKR"]),
        ("outlook-hazard", ["outlook", "-n", "100", "--no-drivers", "--rule", "hazard:0.5",
                            "--months", "6"]),
        ("proposals-none", ["proposals", str(DATA / "decide" / "copenhagen.csv")]),
        ("schema", ["schema"]),
        ("report-html", ["report", "-o", "out/brief.html", "--draws", "40",
                         "--interval-draws", "20", "-y"]),
        ("evidence-backtest", ["evidence", "backtest", str(UCDP), "--split-year", "2004",
                               "--bootstrap", "20"]),
        ("draft-review", ["draft", str(ARTICLE), "--into", "ukraine-2025-11",
                          "-o", "out/review.yaml"]),
        ("history-show", ["history", "show", "ukraine-2025-11@2", *DB]),
        ("history-timeline", ["history", "timeline", *DB]),
        ("history-export", ["history", "export", "out/h.json", *DB]),
        ("panel-combine", ["panel", "combine", *ANALYSTS, "-o", "out/panel.yaml"]),
        ("errors-forecast-draws", ["forecast", "--draws", "-1"]),
        ("errors-outlook-rule", ["outlook", "--rule", "sometimes"]),
        ("errors-proposals-amend", ["proposals", "--amend", "odd"]),
    ]
    return out


def _masked(text: str, work: Path) -> str:
    """``text`` with what differs from run to run masked: the temporary folder's path and the
    times at which this run stored versions (today's UTC date with a time)."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    text = text.replace(str(work), "<work>")
    return re.sub(re.escape(today) + r"[T ][0-9:.]+(\+00:00|Z)?", "<stored at>", text)


def _prepare(runner: object, app: object) -> None:
    """state/: the bundled history in a store, three analysts' files (Moscow's Donetsk
    position at 100, 70, 90), as tests/cli/test_80_columns.py makes them."""
    import copy

    import detente
    from detente.formats import write

    Path("state").mkdir()
    res = runner.invoke(app, ["history", "import", "ukraine-2025-11", *DB])  # type: ignore[attr-defined]
    if res.exit_code != 0:
        raise SystemExit(f"could not import the bundled history: {res.output}")
    for path, pos in zip(ANALYSTS, (100, 70, 90), strict=True):
        data = copy.deepcopy(detente.load("ukraine-2025-11").to_dict())
        for st in data["stances"]:
            if (st["actor"], st["issue"]) == ("RUS", "donetsk"):
                st["position"] = pos
                st.pop("position_uncertainty", None)
        write(detente.Scenario.from_dict(data), path)


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
        _prepare(runner, app)
        for name, argv in commands():
            if args.only and not re.search(args.only, name):
                continue
            shutil.rmtree(work / "out", ignore_errors=True)
            (work / "out").mkdir()
            start = time.perf_counter()
            sys.argv = ["detente", *argv]  # the weights file records the command line
            res = runner.invoke(app, argv, env={"COLUMNS": "120"})
            took = time.perf_counter() - start
            text = [f"$ detente {' '.join(argv)}", f"exit {res.exit_code}",
                    "--- stdout", res.stdout, "--- stderr", res.stderr]
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                text += ["--- exception", f"{type(res.exception).__name__}: {res.exception}"]
            for path in sorted((work / "out").rglob("*")):
                if path.is_file():
                    text += [f"--- file {path.relative_to(work)}",
                             path.read_text(errors="replace")]
            (outdir / f"{name}.txt").write_text(_masked("\n".join(text), work))
            print(f"{took:6.2f}s {name}", file=sys.stderr)
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
