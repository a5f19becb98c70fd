"""CLI flag names stay in the CLI (issue 30): a lower layer's error names the field
(``as_of``, ``split_year``) in an :class:`~detente.errors.OptionError` template and the CLI
spells it as its flag (``--as-of YYYY-MM-DD``); a Python caller reads Python's words.

The scan reads (``ast``) every string in an error of every module outside ``cli/``: the
text of a ``raise`` and of a call of an exception or a :class:`~detente.errors.Problem`.
A whole command to run, quoted as ``detente ...`` in backticks, may name its flags;
the other exceptions are listed below with their reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

import detente
from detente.errors import OptionError

SRC = Path(detente.__file__).resolve().parent
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
COMMAND = re.compile(r"`detente [^`]*`")
ERROR_CALL = re.compile(r"(Error|Busy|TooLong|Problem)$")

# module -> flags its errors may name, and why
EXCEPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "formats/__init__.py": (("--from",), "a file-level Problem (not a template) names both "
                            "spellings: '--from/format='"),
    "web/security.py": (("--allow-host",), "an HTTP answer to a client about the server's "
                        "setting, as its administrator gives it to `detente serve`"),
    "web/jobs.py": (("--max-jobs", "--max-jobs-per-user"), "HTTP answers naming the "
                    "server's limits as `detente serve` sets them"),
    "web/limits.py": (("--max-",), "an HTTP answer naming the server's limit as `detente "
                      "serve` sets it"),
    "web/guards.py": (("--yes",), "an HTTP answer pointing at the CLI, which runs larger "
                      "work with --yes"),
    "web/routes_api.py": (("--db", "--accounts"), "HTTP answers naming the settings "
                          "`detente serve` needs for a history store and for sharing"),
}


def _calls_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def error_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string constant inside a ``raise`` or an error's call."""
    roots = [n for n in ast.walk(tree)
             if isinstance(n, ast.Raise)
             or (isinstance(n, ast.Call) and ERROR_CALL.search(_calls_name(n)))]
    seen: set[int] = set()
    out = []
    for root in roots:
        for node in ast.walk(root):
            if id(node) in seen:
                continue
            if isinstance(node, ast.JoinedStr):  # an f-string read whole, {} for its values
                seen.update(id(v) for v in node.values)
                out.append((node.lineno, "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append((node.lineno, node.value))
            seen.add(id(node))
    return out


def flags_in_errors(source: str, module: str) -> list[str]:
    allowed = EXCEPTIONS.get(module, ((), ""))[0]
    found = []
    for line, text in error_texts(ast.parse(source)):
        for flag in FLAG.findall(COMMAND.sub("", text)):
            if not any(flag.startswith(a) for a in allowed):
                found.append(f"{module}:{line}: {flag} in {text[:60]!r}")
    return found


def test_no_error_below_the_cli_names_a_flag():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        if not module.startswith("cli/"):
            found += flags_in_errors(path.read_text(encoding="utf-8"), module)
    assert not found, "\n".join(found)


def test_the_scan_finds_a_flag_in_an_error():
    src = ('def f(x):\n    if x:\n        raise DetenteError("give one (--as-of DATE)")\n'
           '    return Problem((), "x", f"a y (--to {x})")\n'
           'OK = "see `detente users add NAME --db URL`"\n'
           'def g():\n    raise OptionError("run `detente users add NAME --db URL`")\n')
    assert [f.split(": ")[1].split()[0] for f in flags_in_errors(src, "m.py")] == [
        "--as-of", "--to"]


@pytest.mark.parametrize(("template", "python", "cli"), [
    ("scenario 'x' has no as_of date; give one ({as_of YYYY-MM-DD:as_of=YYYY-MM-DD})",
     "scenario 'x' has no as_of date; give one (as_of=YYYY-MM-DD)",
     "scenario 'x' has no as_of date; give one (--as-of YYYY-MM-DD)"),
    ("{split_year} 2030: no conflicts after it", "split_year 2030: no conflicts after it",
     "--split-year 2030: no conflicts after it"),
])
def test_a_lower_layers_error_reads_as_python_and_as_the_cli(template, python, cli):
    from detente.cli.common import in_flags

    error = OptionError(template)
    assert str(error) == python
    with click.Context(click.Command("x")):
        assert in_flags(error) == cli


# ---- presenters: their texts (legends, captions, notes) name fields, the CLI spells them ----

# module -> flags its texts may name, and why
PRESENTER_EXCEPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "present/brief.py": (("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                          "--virtual-time-budget", "--print-to-pdf"),
                         "Chromium's own flags, given to print the brief as a PDF"),
}


def presenter_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string constant and f-string (read whole) but docstrings."""
    docs = {id(n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    seen: set[int] = set()
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            seen.update(id(v) for v in node.values)
            out.append((node.lineno, "".join(
                v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docs and id(node) not in seen):
            out.append((node.lineno, node.value))
    return out


def flags_in_texts(source: str, module: str) -> list[str]:
    allowed = PRESENTER_EXCEPTIONS.get(module, ((), ""))[0]
    return [f"{module}:{line}: {flag} in {text[:60]!r}"
            for line, text in presenter_texts(ast.parse(source))
            for flag in FLAG.findall(COMMAND.sub("", text)) if flag not in allowed]


def test_no_presenter_text_names_a_flag():
    found = []
    for path in sorted((SRC / "present").rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        found += flags_in_texts(path.read_text(encoding="utf-8"), module)
    assert not found, "\n".join(found)


def test_the_presenter_scan_finds_a_flag_in_a_caption():
    src = ('"""Views (--top in a docstring is fine)."""\n'
           'def f(n):\n    """``--explain``: fine here too."""\n'
           '    caption = f"… {n} more (use --top)"\n'
           '    return caption + " see `detente deals --shock ID`" + "--robust: draws"\n')
    assert [f.split(": ")[1].split()[0] for f in flags_in_texts(src, "present/x.py")] == [
        "--top", "--robust"]


def test_a_legend_reads_as_python_and_as_the_cli():
    from detente.cli.common import cli_words
    from detente.present import legends

    assert legends.more_line(3) == "… 3 more (use top=N)"
    assert legends.every_term("deals") == "terms('deals'): every term."
    python = legends.meaning("deals", "survives")
    assert "; robust sets the number of draws" in python and "--" not in python
    with click.Context(click.Command("x")):
        assert legends.more_line(3, cli_words) == "… 3 more (use --top)"
        assert legends.every_term("deals", cli_words) == "--explain: every term."
        assert "; --robust sets the number" in legends.meaning("deals", "survives", cli_words)
        assert legends.terms("pressures", cli_words)[7].name == "--shock id"
        assert "(by --amend)" in legends.meaning("proposals", "amendment", cli_words)


def test_a_views_note_reads_as_python_and_as_the_cli(tmp_path):
    """The fitted ensemble's note on unused models: the CLI's flag, Python's keyword (the
    snapshot of `backtest --fit-ensemble` caught an escaped slot printed as it was)."""
    from pathlib import Path

    from detente.cli.common import cli_words
    from detente.present.backtest import ensemble_fit_view
    from detente.results import EnsembleFit

    cv = {"folds": 5, "issues": 40, "proposals": 12, "ensemble_mae": 20.0,
          "compromise_mae": 21.0, "win_rate_vs_compromise": 0.5}
    held = {"issues": 9, "proposals": [1, 2], "ensemble_mae": 19.0, "compromise_mae": 20.5}
    fit = EnsembleFit({"lambda": 1.0, "cv": cv, "held_out": held}, ("compromise",),
                      Path("w.json"), unused=("eum", "smp{x}"))
    python = ensemble_fit_view(fit)[-1].plain
    assert python == "not members: eum, smp{x} (add with members=[...])"
    with click.Context(click.Command("backtest")):
        cli = ensemble_fit_view(fit, cli_words)[-1].plain
    assert cli == "not members: eum, smp{x} (add with --ensemble-member)"
