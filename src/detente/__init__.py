"""detente: forecast and broker multi-party, multi-issue negotiations.

The Python API in a nutshell (every function is in :mod:`detente.api`)::

    import detente
    scenario = detente.load("ukraine-2025-11")      # a bundled name or a file path
    result = detente.forecast(scenario)             # compromise, median and Nash
    result.to_frame()                               # pandas; shows as a table in Jupyter
    detente.simulate(scenario, draws=10_000)        # Monte Carlo over the stated uncertainty
    detente.analyse_deals(scenario)                 # Pareto frontier, ZOPA, bargaining solutions
    detente.analyse_deals("genius-folder/")        # a GENIUS domain, as GENIUS computes it
    detente.figures.issue_scales(scenario, result)  # Plotly figures (see detente.figures)

The heavier parts (Monte Carlo, sensitivity, deals, backtest) are imported on
first use, so ``import detente`` stays quick.
"""

from typing import Any

from detente.api import (
    StanceChange,
    analyse_deals,
    apply_draft,
    brief,
    brief_simulated,
    check,
    convert,
    deal_pair,
    deal_problem,
    delphi_history,
    delphi_round,
    draft_article,
    estimate_deals,
    estimate_simulation,
    exchanges,
    forecast,
    levers,
    list_models,
    load,
    load_all,
    load_deal_source,
    load_genius,
    loads,
    logrolls,
    open_history,
    panel_combine,
    panel_disagreement,
    phase,
    pressures,
    proposals,
    run_backtest,
    save,
    save_review,
    scenario_schema,
    sensitivity,
    simulate,
    what_if,
)
from detente.arrays import ScenarioArrays, compile_scenario
from detente.errors import DetenteError, Problem, ScenarioError
from detente.models import Forecast, available_models, get_model
from detente.scenario import Actor, Issue, Scenario, Source, Stance
from detente.version import __version__

_LAZY = {
    "Simulation": ("detente.uncertainty.simulate", "Simulation"),
    "find_levers": ("detente.uncertainty.levers", "find_levers"),
    "deals": ("detente.deals", None),
    "figures": ("detente.present.figures", None),
    "backtest": ("detente.backtest", None),
    "History": ("detente.store", "History"),
}

__all__ = [
    "__version__",
    "Actor",
    "DetenteError",
    "Forecast",
    "Issue",
    "Problem",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Source",
    "Stance",
    "StanceChange",
    "apply_draft",
    "available_models",
    "brief",
    "compile_scenario",
    "deal_pair",
    "analyse_deals",
    "proposals",
    "brief_simulated",
    "check",
    "convert",
    "deal_problem",
    "delphi_history",
    "delphi_round",
    "draft_article",
    "exchanges",
    "forecast",
    "get_model",
    "levers",
    "list_models",
    "load",
    "load_all",
    "load_genius",
    "loads",
    "logrolls",
    "open_history",
    "panel_combine",
    "panel_disagreement",
    "phase",
    "pressures",
    "run_backtest",
    "save",
    "save_review",
    "scenario_schema",
    "what_if",
    "sensitivity",
    "estimate_deals",
    "load_deal_source",
    "estimate_simulation",
    "simulate",
    *_LAZY,
]



def __getattr__(name: str) -> Any:
    """Import the heavier parts of the API on first use."""
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    module, attr = _LAZY[name]
    loaded = importlib.import_module(module)
    return loaded if attr is None else getattr(loaded, attr)
