"""Start-up: ``detente --version`` and ``--help`` import no command (issue 31, item 3).

The import graph is read in a fresh interpreter (``sys.modules`` after the command),
so what an earlier test imported does not hide anything. Timings are in
``benchmarks/bench_startup.py``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup

from detente.cli.group import first_paragraph
from detente.cli.main import COMMANDS, app

SRC = str(Path(__file__).resolve().parents[2] / "src")
HEAVY = ("scipy", "sqlalchemy", "xarray", "pandas", "dask", "plotly", "pydantic", "numba",
         "detente.store", "detente.api", "detente.scenario")

PROBE = """
import json, sys
from detente.cli.main import app
try:
    app(ARGS)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str) -> set[str]:
    code = PROBE.replace("ARGS", repr(list(args)))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "COLUMNS": "80"},
                         check=False, timeout=120)
    assert run.stdout, run.stderr
    return set(json.loads(run.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()])
def test_version_and_help_import_nothing_heavy(args):
    loaded = _modules_after(*args)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or
                   any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert not heavy, f"detente {' '.join(args)} imported {heavy[:8]}"
    commands = sorted(m for m in loaded if m.startswith("detente.cli.")
                      and m not in ("detente.cli.main", "detente.cli.group",
                                    "detente.cli.commands"))
    assert not commands, (f"detente {' '.join(args)} imported command modules {commands}: "
                          "register commands as Lazy entries in cli/commands.py's COMMANDS")


def test_help_defers_what_typer_imports_for_markdown_and_tracebacks():
    # typer.rich_utils imports rich.markdown (markdown-it) and rich.traceback (Pygments)
    # at its top; detente's help uses neither, and they cost 0.15 s of CPU
    loaded = _modules_after("--help")
    assert "typer.rich_utils" in loaded
    late = sorted(m for m in loaded if m.split(".")[0] in ("markdown_it", "pygments")
                  or m in ("rich.markdown", "rich.traceback", "rich.syntax"))
    assert not late, f"detente --help imported {late}"


def test_the_deferred_classes_are_the_real_ones_when_used():
    code = """
import sys
from detente.cli.group import rich_utils
ru = rich_utils()
assert "rich.traceback" not in sys.modules and "rich.markdown" not in sys.modules
try:
    1 / 0
except ZeroDivisionError as exc:
    tb = ru.Traceback.from_exception(type(exc), exc, exc.__traceback__)
from rich.traceback import Traceback
assert isinstance(tb, Traceback)
from rich.markdown import Markdown
assert isinstance(ru._make_rich_text(text="*a*", style="", markup_mode="markdown"), Markdown)
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}, check=False,
                         timeout=120)
    assert run.stdout.strip() == "ok", run.stderr


def test_forecast_builds_no_xarray_dataset():
    # the intervals are read off the simulation's arrays; the Dataset (xarray, pandas and,
    # through xarray's duck-array checks, dask: 1.5 s of CPU) is built only when asked for
    loaded = _modules_after("forecast")
    assert "detente.uncertainty.simulate" in loaded  # it did draw
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("xarray", "pandas", "dask",
                                                             "sqlalchemy"))
    assert not heavy, f"detente forecast imported {heavy[:8]}"


def test_a_command_imports_only_its_own_module():
    loaded = _modules_after("models")
    assert "detente.cli.forecast" in loaded
    assert "detente.cli.history" not in loaded and "detente.store" not in loaded


def _root() -> TyperGroup:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def test_every_command_is_lazy_and_its_help_line_is_its_own():
    root = _root()
    ctx = type(root).context_class(root)
    assert root.list_commands(ctx) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        command = root.get_command(ctx, name)
        assert command is not None and command.name == name
        assert entry.help == first_paragraph(command.help), (
            f"COMMANDS[{name!r}].help differs from the command's docstring: update it")


def test_lookup_by_name_loads_a_command():
    root = _root()
    assert root.commands["schema"].name == "schema"  # type: ignore[index]
    with pytest.raises(KeyError):
        root.commands["no-such-command"]  # type: ignore[index]


def test_a_command_run_with_its_defaults_builds_no_typer_adapter():
    # Typer coerces every value, defaults too, through pydantic TypeAdapters built on first
    # use (typer._adapters); defaults of their declared type are taken as they are
    loaded = _modules_after("forecast")
    assert "detente.uncertainty.simulate" in loaded and "typer._adapters" not in loaded


def test_values_given_on_the_command_line_still_go_through_typer():
    from typer.testing import CliRunner

    from detente.cli.group import _DefaultsAsDeclared
    from detente.cli.main import app

    runner = CliRunner()
    bad = runner.invoke(app, ["forecast", "-m", "median", "--draws", "many"])
    flat = " ".join(bad.output.replace("│", " ").split())
    assert bad.exit_code == 2 and "Invalid value for '--draws'" in flat  # Typer's message
    assert "unable to parse string as an integer" in flat
    out = runner.invoke(app, ["forecast", "-m", "median", "--draws", "0", "--top", "3",
                              "-f", "json"])
    assert out.exit_code == 0, out.output
    assert '"median"' in out.stdout
    # a default outside its option's range, or not of its declared type, is Typer's to judge
    root = _root()
    command = root.get_command(type(root).context_class(root), "forecast")
    top = next(p for p in command.params if p.name == "top")
    assert _DefaultsAsDeclared(top)._as_declared(top.default)
    assert not _DefaultsAsDeclared(top)._as_declared(0)  # given, not the default object
    interval = next(p for p in command.params if p.name == "interval")
    assert _DefaultsAsDeclared(interval)._as_declared(interval.default)


def test_forecast_of_a_yaml_file_imports_no_other_format():
    # the format is picked by the extensions declared in detente.formats, so reading a
    # .yaml scenario loads neither the CSV readers nor KTAB's XML one (xml.sax.saxutils
    # pulls urllib.request, http.client and ssl: 0.04 s of CPU)
    loaded = _modules_after("forecast")
    assert "detente.formats.scenario_yaml" in loaded
    others = sorted(m for m in loaded if m in {
        "detente.formats.decide_csv", "detente.formats.deu", "detente.formats.ktab_csv",
        "detente.formats.ktab_xml", "detente.formats.scenario_csv", "detente.formats.eum_csv",
        "xml.sax.saxutils", "urllib.request"})
    assert not others, f"detente forecast imported {others}"


def test_help_imports_no_second_click():
    # Typer 0.2x runs on its own copy of click (typer._click); the click package, when
    # installed, is a second copy whose classes Typer's options are not instances of
    # (0.04 s of --help's import time, and isinstance checks that never matched)
    for args in (("--help",), ("--version",)):
        loaded = _modules_after(*args)
        assert "click" not in loaded or "typer._click" not in loaded, args


def test_the_flag_of_a_field_is_read_from_the_command_being_run():
    # detente.cli.common.flag_of reads the running command's options through the click
    # Typer runs on: with Typer's own copy, click.get_current_context() is always None
    from typer.testing import CliRunner

    from detente.cli.common import flag_of
    from detente.cli.group import PARAMETER, current_context

    demo = typer.Typer()
    seen: list[object] = []

    @demo.command()
    def run(draws: int = typer.Option(5, "--samples", "-n")) -> None:
        seen.append(current_context())
        typer.echo(flag_of("draws"))

    res = CliRunner().invoke(demo, [])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "--samples" and seen[0] is not None
    assert isinstance(typer.main.get_command(demo).params[0], PARAMETER)
    assert current_context() is None and flag_of("draws") == "--draws"  # outside a command


def test_version_alone_is_answered_without_typer():
    # the entry point (pyproject's [project.scripts] and python -m detente) answers a lone
    # --version from detente.version: no Typer, click or Rich (0.1 s of a 0.2 s start)
    code = ("import json, sys\nsys.argv = ['detente', '--version']\n"
            "from detente.cli.entry import main\nmain()\n"
            "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}, check=True,
                         timeout=120)
    loaded = json.loads(run.stderr.strip().splitlines()[-1])
    assert not [m for m in loaded if m.split(".")[0] in ("typer", "click", "rich")], loaded
    from typer.testing import CliRunner

    from detente.version import __version__

    typer_said = CliRunner().invoke(app, ["--version"]).output
    assert run.stdout == typer_said == f"detente {__version__}\n"
    toml = (Path(SRC).parent / "pyproject.toml").read_text()
    assert 'detente = "detente.cli.entry:main"' in toml
    main_py = (Path(SRC) / "detente" / "__main__.py").read_text()
    assert "from detente.cli.entry import main" in main_py


FREEZE_PROBE = """
import functools, gc, json, sys
import detente.cli.forecast as module
real = module.models
seen = {}

@functools.wraps(real)
def models(*args, **kwargs):
    seen["frozen while running"] = gc.get_freeze_count()
    return real(*args, **kwargs)

module.models = models
gc.unfreeze()
sys.argv = ["detente", "models", "-f", "json"]
from detente.cli.entry import main
try:
    main()
except SystemExit:
    pass
gc.collect()  # collects only what is not frozen
seen["frozen at the end"] = gc.get_freeze_count()
seen["tracked at the end"] = len(gc.get_objects())
print(json.dumps(seen), file=sys.stderr)
"""


def test_the_imports_are_frozen_before_the_command_runs_and_again_at_its_end():
    # the cyclic collector no longer walks the ~50,000 objects of the imports during a run,
    # nor every object at shutdown (0.25 s of forecast's CPU, benchmarks/bench_startup.py)
    run = subprocess.run([sys.executable, "-c", FREEZE_PROBE], capture_output=True,
                         text=True, env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
                         check=False, timeout=120)
    assert run.returncode == 0 and '"median"' in run.stdout, run.stderr
    seen = json.loads(run.stderr.strip().splitlines()[-1])
    # the command module and what it imports (pydantic, numpy, Typer) are frozen by then
    assert seen["frozen while running"] > 10_000, seen
    assert seen["frozen at the end"] >= seen["frozen while running"], seen
    assert seen["tracked at the end"] < seen["frozen at the end"], seen


def _typer_root_help(monkeypatch: pytest.MonkeyPatch, prog: str, width: int,
                     styled: bool) -> str:
    import contextlib
    import io

    import typer.rich_utils

    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", styled)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        app(["--help"], prog_name=prog)
    assert done.value.code == 0
    return out.getvalue()


def _compare_root_help(monkeypatch: pytest.MonkeyPatch, prog: str, styled: bool,
                       widths: list[int]) -> int:
    from detente.cli import roothelp

    for var in (*roothelp._STYLED, "NO_COLOR", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    written = 0
    for width in widths:
        ours = roothelp.render(prog, width, max(min(width, 80) - 2, 50), styled)
        if ours is None:
            assert width < 60, f"the root help gives way to Typer at {width} columns"
            continue
        assert ours == _typer_root_help(monkeypatch, prog, width, styled), (prog, width)
        assert ("\x1b[" in ours) == styled
        written += 1
    return written


# around each edge: Typer's narrowest, click's usage width (50), the panels' longest word
# (Kaplan–Meier), 80 columns, click's widest (80) and wide terminals
EDGE_WIDTHS = [20, 52, 53, 54, 55, 59, 60, 61, 64, 71, 72, 79, 80, 81, 82, 99, 100, 133, 250]


@pytest.mark.parametrize("styled", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("prog", ["detente", "python -m detente"])
def test_the_root_help_written_without_typer_is_typers(monkeypatch, prog, styled):
    # detente --help is written by cli/roothelp.py (0.15 s of CPU less); it must be Typer's
    # text byte for byte, colour codes included, or None (then Typer prints it)
    assert _compare_root_help(monkeypatch, prog, styled, EDGE_WIDTHS) >= 14


@pytest.mark.slow
@pytest.mark.parametrize("styled", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("prog", ["detente", "python -m detente"])
def test_the_root_help_written_without_typer_is_typers_at_every_width(monkeypatch, prog,
                                                                      styled):
    assert _compare_root_help(monkeypatch, prog, styled, list(range(20, 251))) >= 190


HELP_PROBE = """
import json, sys
sys.argv = ["detente", "--help"]
from detente.cli.entry import main
main()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _on(terminal: bool, code: str, *args: str) -> tuple[str, str]:
    """stdout and stderr of ``python -c code args``, its stdout a pipe or a terminal."""
    import os
    import pty
    import threading

    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "COLUMNS": "80",
           "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color"}
    command = [sys.executable, "-c", code, *args]
    if not terminal:
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=True,
                             timeout=120)
        return run.stdout, run.stderr
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        try:
            while chunk := os.read(master, 65536):
                chunks.append(chunk)
        except OSError:
            pass

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        run = subprocess.run(command, stdout=slave, stderr=subprocess.PIPE, text=True,
                             env=env, check=True, timeout=120)
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    return b"".join(chunks).decode().replace("\r\n", "\n"), run.stderr


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_help_imports_neither_typer_nor_rich_console(terminal):
    out, err = _on(terminal, HELP_PROBE)
    loaded = json.loads(err.strip().splitlines()[-1])
    heavy = [m for m in loaded if m.split(".")[0] in ("typer", "click")
             or m in ("rich.console", "rich.table", "rich.text")]
    assert not heavy, heavy
    typer_said, _ = _on(terminal, "from detente.cli.main import app\n"
                                  "app(prog_name='detente')", "--help")
    assert out == typer_said
    assert "Commands" in out and "forecast" in out and ("\x1b[1;36m" in out) == terminal


def test_the_root_help_gives_way_to_typer_where_rich_would_write_it_otherwise(monkeypatch):
    from detente.cli import roothelp

    for var in (*roothelp._STYLED, "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")

    class Out:
        encoding = "utf-8"

        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "stdout", Out(tty=False))
    monkeypatch.setenv("COLUMNS", "80")
    assert roothelp._output() is False and roothelp.plain_root_help() is not None
    monkeypatch.setattr(sys, "stdout", Out(tty=True))
    assert roothelp._output() is True and "\x1b[" in (roothelp.plain_root_help() or "")
    monkeypatch.setenv("NO_COLOR", "1")
    assert roothelp.plain_root_help() is None  # Rich drops the colours, keeps bold
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert roothelp.plain_root_help() is None  # Rich writes no colour, at 80 columns
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setattr(sys, "stdout", Out(tty=False))
    assert roothelp.plain_root_help() is None  # Typer forces a terminal
    monkeypatch.delenv("FORCE_COLOR")
    latin = Out(tty=False)
    latin.encoding = "latin-1"
    monkeypatch.setattr(sys, "stdout", latin)
    assert roothelp.plain_root_help() is None  # Rich draws ASCII panels


def test_the_program_name_is_clicks(monkeypatch):
    import types

    from detente.cli.roothelp import program_name

    script = types.ModuleType("__main__")
    script.__package__ = None
    monkeypatch.setitem(sys.modules, "__main__", script)
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/detente", "--help"])
    assert program_name() == "detente"
    module = types.ModuleType("__main__")
    module.__package__ = "detente"
    monkeypatch.setitem(sys.modules, "__main__", module)
    monkeypatch.setattr(sys, "argv", ["/x/src/detente/__main__.py", "--help"])
    assert program_name() == "python -m detente"
