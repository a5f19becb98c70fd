"""What the terms in each command's output mean: one source for the short legends under
tables, for ``--explain`` and for the docs (``docs/output-terms.md`` is generated from
:data:`LEGENDS` and checked by a test).

Each command has an ordered tuple of :class:`Term`; a view prints the few it shows under
its table (:func:`legend_line`), ``--explain`` prints them all (:func:`explain_view`).
A term that names an option writes it as a field slot (``{robust}``, see
:mod:`detente.spelling`): each face spells it, the CLI as its flag (``--robust``), Python
as the keyword (``robust``); the flags stay in the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table

from detente.spelling import Spell, python_words, spelled


@dataclass(frozen=True)
class Term:
    """One term (a column, a mark, a word) and what it means, in one sentence or two."""

    name: str
    meaning: str


SALIENCE_MARK = "⚠"

def _survives(what: str) -> Term:
    return Term("survives", f"the share of draws of the stated uncertainty (positions, "
                f"saliences, capabilities, BATNAs) in which {what}; {{robust}} sets the number "
                "of draws (0: none)")


POINT = Term("point", "the forecast with every input at its stated value")
MEDIAN = Term("med [low–high]", "the median and the central interval (80% unless "
              "{interval} says otherwise) of the forecast over Monte Carlo draws of the "
              "declared uncertainty")
LIKELIEST = Term("likeliest", "the anchor (labelled point of the scale) nearest to most "
                 "draws, with the share of draws nearest to it; \"tie\" when its lead over "
                 "the next band is within sampling error at the draws used (95% Wilson "
                 "interval of its share of the two, see docs/uncertainty.md)")
DIFFERS = Term("differs", "the share of draws in which this model's nearest anchor differs "
               "from another model's (the mean over the other models)")
TAIL = Term("⚠", "point outside interval: the point lies outside its own central interval; "
            "likeliest band differs: the point is inside it, but another anchor's band holds "
            "more of the draws than the point's own; either is shown only when it holds "
            "beyond sampling error at the draws used (95% Wilson interval, see "
            "docs/uncertainty.md)")

LEGENDS: Mapping[str, tuple[Term, ...]] = {
    "forecast": (
        Term("Status quo", "the issue's status_quo (— where the scenario states none)"),
        POINT, Term("≈ label", "the anchor nearest to the point, or the no-agreement outcome "
             "near the status quo (exactly at it where an anchor shares its number): "
             "the same names as the bands below"), MEDIAN, LIKELIEST, TAIL,
        Term("[low–high] from errors", "where the scenario states no uncertainty: the "
             "model's central interval from its errors on EU decisions with known "
             "outcomes (docs/accuracy.md)"),
        Term("—", "no value: the reason is printed under the table (JSON: gaps)"),
        Term("skipped", "a model that cannot run on this scenario, with the reason (JSON: "
             "skipped); the other models still run"),
        Term("rules ignored", "under the table, each red line, linked offer or sole control "
             "of the scenario a model's forecast ignores (the models do not read them): how "
             "far its point lies past the rule and relative to what (\"52.2 is 2.2 above "
             "UKR's red line (nothing above 50 = freeze ...)\": the anchor at the line's "
             "bound), or by how much the point keeps it when only draws break it; then where "
             "it is broken: at the point, in a share of the Monte Carlo draws (an uncertain "
             "red line at its drawn bound), <1% or >99% where the share only rounds to 0% or "
             "100% (JSON: violations, with bound, beyond and share)"),
    ),
    "simulate": (
        POINT,
        Term("mean ± sd", "the mean and standard deviation of the forecast over the draws"),
        Term("median, 05–95%", "the median and the 5–95% range of the forecast over the "
             "draws"),
        Term("P(nearest anchor)", "per anchor, the share of draws whose forecast lies "
             "nearest to it"),
        LIKELIEST, DIFFERS,
        Term("histogram", "the forecast's distribution over the scale (▁ few to █ many "
             "draws); shown at 96 columns and wider"),
    ),
    "sensitivity": (
        Term("S1", "Sobol first-order index: the share of the forecast's variance due to "
             "the input alone"),
        Term("ST", "Sobol total index: the share including the input's interactions with "
             "other inputs; ST − S1 large means interaction-dominated"),
        Term("μ*", "Morris: the mean absolute elementary effect of the input"),
        Term("ends (min–max)", "the forecast with the input alone at the low and high end "
             "of its declared range, then the lowest and highest over 9 values across it"),
        Term("curve", "the forecast over those 9 values (▁ low … █ high on the issue's "
             "scale)"),
        Term("swing", "|forecast at the high end − at the low end|, with a tornado bar "
             "against the widest of the table"),
        Term("⚠", "non-monotone (rises and falls across the range: a knife-edge the ends "
             "hide) or interaction-dominated"),
    ),
    "levers": (
        Term("lever", "the actor's input that is changed: position, salience or capability"),
        Term("now, needed, change", "the input's stated value, the value that moves the "
             "forecast to the target, and the difference"),
        Term("then", "the forecast after the change"),
        Term("in range", "whether the needed value lies within the input's stated "
             "uncertainty (— where none is stated)"),
        Term("curve", "the forecast as the input alone moves from the low to the high end "
             "of its range (▁ low … █ high on the issue's scale)"),
        Term("↺", "works against the intuitive direction (a position moved away from the "
             "target, or more weight for an actor on the other side)"),
        Term("⚠", "non-monotone response: the forecast rises and falls across the range"),
        Term("cannot reach it alone", "inputs no value of which, all else at the stated "
             "values, reaches the target"),
    ),
    "deals": (
        Term("ZOPA", "zone of possible agreement: the deals every party whose consent is "
             "needed prefers to no deal"),
        Term("Pareto frontier", "ZOPA deals no other deal improves for someone without "
             "making someone worse off"),
        Term("BATNA", "an actor's utility of no deal (0..1), from its stated BATNA or the "
             "status quo (with pressures where declared)"),
        Term("best margin", "the most the actor gains over its BATNA in any ZOPA deal (— "
             "when the ZOPA is empty)"),
        Term("rules out", "deals below the actor's BATNA among those that need its "
             "consent: the deals it would block"),
        Term("alone", "deals only this actor blocks: every other party whose consent is "
             "needed accepts them"),
        Term("margins", "each actor's utility minus its BATNA in that deal"),
        Term("smallest margin", "the smallest margin over the parties whose consent the "
             "deal needs"),
        Term("consent of", "the veto holders of the issues the deal moves"),
        Term("fighting continues", "the deal leaves fighting on at these fronts: it is "
             "not a settlement of the war, and every party keeps the costs of fighting"),
        _survives("the deal stays acceptable to every party"),
        Term("same deal", "the share of draws in which the solution, recomputed with the "
             "drawn inputs, picks this package"),
    ),
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
    "phase": (
        Term("phases", "the deal's moved issues in the order they are implemented; | "
             "separates phases, + joins issues moved at the same time"),
        Term("unchanged", "issues the deal leaves as they are: not phased"),
        Term("self-enforcing", "no party gains by defecting at any phase (keeping what it "
             "got, withholding what costs it) rather than seeing the plan through"),
        Term("guarantee needed", "the total extra utility, held in escrow until the end, "
             "that makes the plan self-enforcing (0 for a self-enforcing plan)"),
        Term("who needs it", "the parties short of that guarantee, and by how much"),
        _survives("the deal is acceptable and the plan needs no more guarantee than at "
                  "the point estimate"),
    ),
    "proposals": (
        Term("agreed in (share of draws)", "the share of draws of the stated uncertainty "
             "in which every party whose consent the plan needs prefers it to no deal: how "
             "robust the verdict is to the inputs, not a probability of agreement (agreed: "
             "yes or no at the stated values)"),
        Term("blocked by (margin short)", "the veto holders who refuse, and how far below "
             "their no-deal value the plan leaves them; red lines crossed and linkages "
             "broken"),
        Term("u − β", "an actor's utility of the plan minus its no-deal value"),
        Term("*", "the actor's consent is needed (it holds a veto on an issue the plan "
             "moves)"),
        Term("amendment", "the smallest change (by {amend_rule}) that makes a blocked plan "
             "acceptable with the proposer still better off"),
        Term("distance to forecasts", "the mean distance, in shares of each issue's "
             "scale, from the plan's package to each model's forecast"),
        Term("its phases", "a plan's stated stages under the phasing rules of `detente "
             "phase`: who delivers each step, who would gain by defecting there, and the "
             "guarantee needed where the plan is not self-enforcing"),
        Term("movement … spans", "how far an amendment moves the plan: the sum of the "
             "moves, each in shares of its issue's scale"),
        Term("common ground", "issues on which every plan agrees, and the range the plans "
             "span"),
    ),
    "exchanges": (
        Term("gives on", "the issue on which the actor shifts its position toward the "
             "partner's"),
        Term("from → to", "the shift of the actor's stated position"),
        Term("gain", "the utility gain the model credits to the exchange (by {rule} and "
             "{variant})"),
        Term("*", "gives on an issue it neither delivers nor holds a veto on: a shift of "
             "its stated position, not something it could hand over"),
        Term("start, final", "the issue's expected outcome before the first round and "
             "after the last"),
    ),
    "pressures": (
        Term("pressure", "a pressure variable of the scenario (its id): a level that moves "
             "some actors' no-deal values (BATNAs) by their stated batna_pressure per unit"),
        Term("value, range", "the pressure's stated level and the range it may take"),
        Term("ZOPA now", "the number of deals in the zone of agreement at the stated levels"),
        Term("at range ends", "the ZOPA size with the pressure at the low / high end of its "
             "range"),
        Term("opens a deal", "the smallest rise / fall of the pressure that lets a deal "
             "into the zone of agreement (— none within reach)"),
        Term("closes one", "the smallest rise / fall that pushes a deal out of it"),
        Term("deal acceptable for", "with {deal}: the changes of the pressure over which "
             "that deal stays acceptable to every actor whose consent it needs"),
        Term("{shocks} id", "the id that `detente deals --shock` takes; under it the shock's "
             "name (the first row, \"— (stated pressures: no shock)\", is the scenario "
             "as stated, for comparison)"),
        Term("changes", "what the shock adds to each pressure"),
        Term("ZOPA", "the number of deals in the zone of agreement after the shock"),
        Term("Nash deal", "the Nash bargaining solution after the shock (none: no acceptable "
             "deal)"),
    ),
    "backtest": (
        Term("n", "the issues the model was scored on (with a known outcome and a "
             "forecast)"),
        Term("MAE", "mean absolute error on the 0–100 scale"),
        Term("MdAE", "median absolute error"),
        Term("RMSE", "root mean squared error"),
        Term("≤10, ≤20", "the share of issues forecast within 10 / 20 points of the outcome"),
        Term("win", "the share of issues on which the model is closer to the outcome than "
             "the compromise model (ties count half)"),
        Term("[low, high]", "the 95% confidence interval from a bootstrap that resamples "
             "whole proposals ({bootstrap} replicates; 0: none)"),
        Term("identical to compromise", "a model whose forecasts equal the compromise "
             "model's on every issue (the exchange model on one issue per scenario: "
             "nothing to trade) is named under the table"),
    ),
}


def terms(command: str, spell: Spell = python_words) -> tuple[Term, ...]:
    """The terms of ``command``'s output, in the order they appear, their fields spelled
    as ``spell`` says (:mod:`detente.spelling`; the CLI passes its flags)."""
    return tuple(Term(spelled(t.name, spell), spelled(t.meaning, spell))
                 for t in LEGENDS[command])


def meaning(command: str, name: str, spell: Spell = python_words) -> str:
    """What ``name`` (as :data:`LEGENDS` writes it) means in ``command``'s output."""
    for t in LEGENDS[command]:
        if t.name == name:
            return spelled(t.meaning, spell)
    raise KeyError(f"{command}: no term {name!r}")


def legend_line(command: str, names: Iterable[str], spell: Spell = python_words) -> str:
    """``name: meaning; name: meaning.`` for the terms a view shows under its table."""
    return "; ".join(f"{n}: {meaning(command, n, spell)}" for n in names) + "."


def more_line(hidden: int, spell: Spell = python_words) -> str:
    """The line under a list cut at ``top`` rows: how many rows are not shown."""
    return spelled(f"… {hidden:,} more (use {{top:top=N}})", spell)


def every_term(command: str, spell: Spell = python_words) -> str:
    """The pointer to every term of ``command``: ``--explain: every term.`` in the CLI,
    ``terms('deals'): every term.`` in Python."""
    return spelled("{explain:" + f"terms({command!r})" + "}: every term.", spell)


def explain_view(command: str, spell: Spell = python_words) -> list[RenderableType]:
    """``--explain``: every term of the command with its meaning, as a two-column table."""
    table = Table(title=f"Terms in `detente {command}`", title_justify="left",
                  show_header=False, box=None, padding=(0, 1, 1, 0))
    table.add_column("term", style="bold", no_wrap=True)
    table.add_column("meaning", overflow="fold")
    for t in terms(command, spell):
        table.add_row(t.name, t.meaning)
    return [table]


def _cell(text: str) -> str:
    """Text in a Markdown table cell: a pipe escaped."""
    return text.replace("|", "\\|")


def markdown(commands: Iterable[str] | None = None, spell: Spell = python_words) -> str:
    """The legends as Markdown (one section per command), for ``docs/output-terms.md``
    (which the CLI's words fill: ``spell``)."""
    out = ["# Terms in the output", "",
           "What each word, column and mark in a command's table means. Generated from",
           spelled("`detente/present/legends.py` (the same text as `{explain:terms()}` and "
                   "the legends", spell),
           "under the tables).", ""]
    for command in commands or LEGENDS:
        out += [f"## `detente {command}`", "", "| term | meaning |", "| --- | --- |"]
        out += [f"| `{t.name}` | {_cell(t.meaning)} |" for t in terms(command, spell)]
        out.append("")
    return "\n".join(out)


__all__ = ["LEGENDS", "SALIENCE_MARK", "Term", "every_term", "explain_view", "legend_line",
           "markdown", "meaning", "more_line", "terms"]
