"""What the terms in each command's output mean: one source for the short legends under
tables, for ``--explain`` and for the docs (``docs/output-terms.md`` is generated from
:data:`LEGENDS` and checked by a test).

Each command has an ordered tuple of :class:`Term`; a view prints the few it shows under
its table (:func:`legend_line`), ``--explain`` prints them all (:func:`explain_view`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table


@dataclass(frozen=True)
class Term:
    """One term (a column, a mark, a word) and what it means, in one sentence or two."""

    name: str
    meaning: str


SALIENCE_MARK = "⚠"

def _survives(what: str) -> Term:
    return Term("survives", f"the share of draws of the stated uncertainty (positions, "
                f"saliences, capabilities, BATNAs) in which {what}; --robust sets the number "
                "of draws (0: none)")


LEGENDS: Mapping[str, tuple[Term, ...]] = {
    "logrolls": (
        Term("A gets, B gets", "the issue each side gets moved its way and the option it "
             "moves to; every other issue stays at the status quo"),
        Term("net A, net B", "what each side gets minus what it gives, in utility (0..1 "
             "per actor, saliences included); a trade is listed only where both are "
             "positive"),
        Term("salience ratios", "A's salience on the issue it gets over the one it gives, "
             "then B's salience on the same two issues; the trade fits the exchange-model "
             "test (each side cares relatively more about what it gets) when A's ratio is "
             "the larger"),
        Term(SALIENCE_MARK, "the ratios do not favour the trade: B cares relatively more "
             "about what it gives than A does (JSON: \"salience_supports\": false); both "
             "still gain net at the stated positions"),
        Term("inf", "a ratio over a salience of 0: the side does not care about the issue "
             "it gives (JSON: null)"),
        _survives("the trade still passes every test above (both gain on net, someone "
                  "gives; with structure, control or veto and an acceptable package)"),
    ),
}


def terms(command: str) -> tuple[Term, ...]:
    """The terms of ``command``'s output, in the order they appear."""
    return LEGENDS[command]


def meaning(command: str, name: str) -> str:
    """What ``name`` means in ``command``'s output."""
    for t in LEGENDS[command]:
        if t.name == name:
            return t.meaning
    raise KeyError(f"{command}: no term {name!r}")


def legend_line(command: str, names: Iterable[str]) -> str:
    """``name: meaning; name: meaning.`` for the terms a view shows under its table."""
    return "; ".join(f"{n}: {meaning(command, n)}" for n in names) + "."


def more_line(hidden: int) -> str:
    """The line under a list cut at ``--top``: how many rows are not shown."""
    return f"… {hidden:,} more (use --top)"


def explain_view(command: str) -> list[RenderableType]:
    """``--explain``: every term of the command with its meaning, as a two-column table."""
    table = Table(title=f"Terms in `detente {command}`", title_justify="left",
                  show_header=False, box=None, padding=(0, 1, 1, 0))
    table.add_column("term", style="bold", no_wrap=True)
    table.add_column("meaning", overflow="fold")
    for t in LEGENDS[command]:
        table.add_row(t.name, t.meaning)
    return [table]


def markdown(commands: Iterable[str] | None = None) -> str:
    """The legends as Markdown (one section per command), for ``docs/output-terms.md``."""
    out = ["# Terms in the output", "",
           "What each word, column and mark in a command's table means. Generated from",
           "`detente/present/legends.py` (the same text as `--explain` and the legends",
           "under the tables).", ""]
    for command in commands or LEGENDS:
        out += [f"## `detente {command}`", "", "| term | meaning |", "| --- | --- |"]
        out += [f"| {t.name} | {t.meaning} |" for t in LEGENDS[command]]
        out.append("")
    return "\n".join(out)


__all__ = ["LEGENDS", "SALIENCE_MARK", "Term", "explain_view", "legend_line", "markdown",
           "meaning", "more_line", "terms"]
