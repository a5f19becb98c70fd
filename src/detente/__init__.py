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

Every name is imported on first use, so ``import detente`` stays quick.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below are, for type checkers and editors
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

# Every name is imported on first use (PEP 562), so ``import detente`` (and with it
# ``detente --version``) loads nothing but this file: name → (module, attribute).
_LAZY = {
    "StanceChange": ("detente.api", "StanceChange"),
    "analyse_deals": ("detente.api", "analyse_deals"),
    "apply_draft": ("detente.api", "apply_draft"),
    "brief": ("detente.api", "brief"),
    "brief_simulated": ("detente.api", "brief_simulated"),
    "check": ("detente.api", "check"),
    "convert": ("detente.api", "convert"),
    "deal_pair": ("detente.api", "deal_pair"),
    "deal_problem": ("detente.api", "deal_problem"),
    "delphi_history": ("detente.api", "delphi_history"),
    "delphi_round": ("detente.api", "delphi_round"),
    "draft_article": ("detente.api", "draft_article"),
    "estimate_deals": ("detente.api", "estimate_deals"),
    "estimate_simulation": ("detente.api", "estimate_simulation"),
    "exchanges": ("detente.api", "exchanges"),
    "forecast": ("detente.api", "forecast"),
    "levers": ("detente.api", "levers"),
    "list_models": ("detente.api", "list_models"),
    "load": ("detente.api", "load"),
    "load_all": ("detente.api", "load_all"),
    "load_deal_source": ("detente.api", "load_deal_source"),
    "load_genius": ("detente.api", "load_genius"),
    "loads": ("detente.api", "loads"),
    "logrolls": ("detente.api", "logrolls"),
    "open_history": ("detente.api", "open_history"),
    "panel_combine": ("detente.api", "panel_combine"),
    "panel_disagreement": ("detente.api", "panel_disagreement"),
    "phase": ("detente.api", "phase"),
    "pressures": ("detente.api", "pressures"),
    "proposals": ("detente.api", "proposals"),
    "run_backtest": ("detente.api", "run_backtest"),
    "save": ("detente.api", "save"),
    "save_review": ("detente.api", "save_review"),
    "scenario_schema": ("detente.api", "scenario_schema"),
    "sensitivity": ("detente.api", "sensitivity"),
    "simulate": ("detente.api", "simulate"),
    "what_if": ("detente.api", "what_if"),
    "ScenarioArrays": ("detente.arrays", "ScenarioArrays"),
    "compile_scenario": ("detente.arrays", "compile_scenario"),
    "DetenteError": ("detente.errors", "DetenteError"),
    "Problem": ("detente.errors", "Problem"),
    "ScenarioError": ("detente.errors", "ScenarioError"),
    "Forecast": ("detente.models", "Forecast"),
    "available_models": ("detente.models", "available_models"),
    "get_model": ("detente.models", "get_model"),
    "Actor": ("detente.scenario", "Actor"),
    "Issue": ("detente.scenario", "Issue"),
    "Scenario": ("detente.scenario", "Scenario"),
    "Source": ("detente.scenario", "Source"),
    "Stance": ("detente.scenario", "Stance"),
    "Simulation": ("detente.uncertainty.simulate", "Simulation"),
    "find_levers": ("detente.uncertainty.levers", "find_levers"),
    "deals": ("detente.deals", None),
    "figures": ("detente.present.figures", None),
    "backtest": ("detente.backtest", None),
    "History": ("detente.store", "History"),
}

__all__ = [
    "Actor",
    "DetenteError",
    "Forecast",
    "History",
    "Issue",
    "Problem",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Simulation",
    "Source",
    "Stance",
    "StanceChange",
    "__version__",
    "analyse_deals",
    "apply_draft",
    "available_models",
    "backtest",
    "brief",
    "brief_simulated",
    "check",
    "compile_scenario",
    "convert",
    "deal_pair",
    "deal_problem",
    "deals",
    "delphi_history",
    "delphi_round",
    "draft_article",
    "estimate_deals",
    "estimate_simulation",
    "exchanges",
    "figures",
    "find_levers",
    "forecast",
    "get_model",
    "levers",
    "list_models",
    "load",
    "load_all",
    "load_deal_source",
    "load_genius",
    "loads",
    "logrolls",
    "open_history",
    "panel_combine",
    "panel_disagreement",
    "phase",
    "pressures",
    "proposals",
    "run_backtest",
    "save",
    "save_review",
    "scenario_schema",
    "sensitivity",
    "simulate",
    "what_if",
]



def __getattr__(name: str) -> Any:
    """Import a name of the API on first use (and keep it)."""
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    module, attr = _LAZY[name]
    loaded = importlib.import_module(module)
    value = loaded if attr is None else getattr(loaded, attr)
    if attr is not None:
        globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
