"""The ``detente`` command's commands and root help, as data: importing this module imports
neither Typer nor Rich nor any command, so that ``detente --help`` can be printed from it
(:mod:`detente.cli.roothelp`) as quickly as ``--version`` (issue 31, item 3).

**Adding a command** (keep ``detente --help`` and ``--version`` quick): write it in its
own module under ``detente/cli/`` and add one :class:`Lazy` entry to ``COMMANDS`` below:
the command's name, its module and function (or ``typer.Typer`` sub-app), and its
one-line help, the first paragraph of its docstring (a test checks they match). Do
**not** import command modules in :mod:`detente.cli.main` or register them with
``app.command(...)``: that imports every command's dependencies (SciPy, SQLAlchemy,
pandas...) on every run, which ``tests/cli/test_startup.py`` refuses.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

ROOT_HELP = (
    "Forecast and broker multi-party, multi-issue negotiations.\n\n"
    "Every forecast is what a model derives from the scenario's stated, sourced "
    "assumptions, not a statement of fact. With no scenario, commands that take one "
    "run the bundled 'ukraine-2025-11'."
)
"""``detente --help``'s text above its options and commands."""

VERSION_HELP = "Print the version and exit."
"""The help line of the root's ``--version``."""


@dataclass(frozen=True)
class Lazy:
    """A command known by where it lives: ``module.attr`` is a command function (run as
    ``app.command(name)`` would) or a :class:`typer.Typer` sub-app (a command group);
    ``help`` is its one-line help for the root's command list (the first paragraph of
    its docstring or ``Typer(help=...)``: a test keeps the two equal)."""

    module: str
    attr: str
    help: str

    def load(self, name: str) -> Any:
        """Import the module and build the Click command, named ``name``."""
        import typer
        import typer.main

        target = getattr(importlib.import_module(self.module), self.attr)
        if isinstance(target, typer.Typer):
            command: Any = typer.main.get_group(target)
        else:
            command = typer.main.get_command_from_info(
                typer.models.CommandInfo(name=name, callback=target),
                pretty_exceptions_short=True, rich_markup_mode="rich")
        command.name = name
        return command


# name → where the command lives and its one-line help, in the order --help lists them
COMMANDS: dict[str, Lazy] = {
    "forecast": Lazy("detente.cli.forecast", "forecast",
                     "Forecast the settlement of every issue with one or more models."),
    "exchanges": Lazy("detente.cli.exchanges", "exchanges",
                      "Run the exchange model and list the executed exchanges, round by "
                      "round (--top of them)."),
    "models": Lazy("detente.cli.forecast", "models", "List the available models."),
    "table": Lazy("detente.cli.scenario_cmds", "table",
                  "The comparative table: issues × actors' stated positions (labels and "
                  "numbers)."),
    "check": Lazy("detente.cli.scenario_cmds", "check",
                  "Validate a scenario and print every problem (exit code 1 if there are "
                  "any)."),
    "convert": Lazy("detente.cli.scenario_cmds", "convert",
                    "Convert a scenario between formats (the file is written atomically)."),
    "new": Lazy("detente.cli.scenario_cmds", "new",
                "Write a commented template scenario to start from."),
    "backtest": Lazy("detente.cli.backtest", "backtest",
                     "Score models on real outcomes: MAE, median error, RMSE, hits within "
                     "10/20, win rate."),
    "simulate": Lazy("detente.cli.simulate", "simulate",
                     "Outcome distributions under the scenario's declared uncertainty "
                     "(Monte Carlo)."),
    "sensitivity": Lazy("detente.cli.simulate", "sensitivity",
                        "Which uncertain inputs move each issue's forecast most (SALib), "
                        "with the forecast at each input's low and high end (tornado "
                        "columns) and the swing between them."),
    "levers": Lazy("detente.cli.simulate", "levers",
                   "The smallest change to one actor's position, salience or capability "
                   "that moves the forecast on an issue to a target."),
    "deals": Lazy("detente.cli.deals", "deals",
                  "Top deals, Pareto frontier size, ZOPA and bargaining solutions, and the "
                  "deals most likely to survive the stated uncertainty."),
    "logrolls": Lazy("detente.cli.deals", "logrolls",
                     "Pairs of actors and issues where each side gains more than it gives, "
                     "with the share of draws of the stated uncertainty in which each trade "
                     "still passes its tests (ranked by that share)."),
    "phase": Lazy("detente.cli.deals", "phase",
                  "Order a deal's issues into self-enforcing phases, or price the guarantee "
                  "needed; with how often the deal and each plan survive the stated "
                  "uncertainty."),
    "proposals": Lazy("detente.cli.proposals", "proposals",
                      "Judge the scenario's proposals: who accepts each, who blocks and by "
                      "how much, red lines crossed, distance to each model's forecast, a "
                      "plan's stated phases step by step (who delivers, deliverable, who "
                      "would defect), the smallest amendment of a blocked plan, and what "
                      "every plan agrees on. With --draws, the probability that each actor "
                      "accepts and that every party holding a veto does (the ranking)."),
    "pressures": Lazy("detente.cli.structure_cmds", "pressures",
                      "Pressure levers and named shocks: how they move the no-deal values "
                      "and the deals."),
    "outlook": Lazy("detente.cli.outlook", "outlook",
                    "Month by month over many paths of the pressures: when an acceptable "
                    "package exists, when one is agreed and on what terms, and whether it "
                    "holds as power shifts."),
    "schema": Lazy("detente.cli.structure_cmds", "schema",
                   "The JSON Schema of a scenario file (for editors and validators)."),
    "draft": Lazy("detente.cli.draft", "draft",
                  "Draft changes from a news article, or apply an edited draft."),
    "report": Lazy("detente.cli.report", "report",
                   "Write a one-page brief: where the settlement is likely to land, what "
                   "would move it, and which packages every party could accept; every "
                   "number with its source."),
    "serve": Lazy("detente.cli.serve", "serve",
                  "Serve the web app: scenarios, figures, what-if sliders, deals, "
                  "simulation, upload and editing, and a JSON API (OpenAPI at "
                  "/openapi.json, listed at /api-docs)."),
    "capabilities": Lazy("detente.cli.evidence", "capabilities",
                         "Capabilities from the Correlates of War (CINC): state actors "
                         "matched by cow_code, name or alias; each new value cites the data "
                         "set and year as its source."),
    "baserates": Lazy("detente.cli.evidence", "baserates",
                      "The outside view: historical cases like this conflict, how long they "
                      "lasted (Kaplan–Meier), how they ended, and P(ending within 6/12/24 "
                      "months | lasted so far)."),
    "evidence": Lazy("detente.cli.evidence", "app",
                     "Evidence from real wars: termination models scored on later years."),
    "history": Lazy("detente.cli.history", "app",
                    "Dated versions of a scenario in a history database: add, log, show, "
                    "diff (with what moved each forecast), timeline, export and import."),
    "users": Lazy("detente.cli.users", "app",
                  "The accounts of a shared server: add (prints the user's token, once), "
                  "list, remove; and teams (`detente users team`). `detente serve "
                  "--accounts` then asks every request for one user's token and shows each "
                  "user only their own uploads, edits and jobs, and what others shared with "
                  "a team of theirs."),
    "panel": Lazy("detente.cli.panel", "app",
                  "Several analysts' estimates of one negotiation: combine them per stance, "
                  "see where they disagree and whether it moves the forecast, run Delphi "
                  "rounds."),
}
