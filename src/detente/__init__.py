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
        BRIEF_DRAWS,
        DEFAULT,
        DEFAULT_MODELS,
        FAST_MODELS,
        DealWork,
        StanceChange,
        analyse_deals,
        apply_draft,
        backtest_models,
        baserates,
        brief,
        brief_simulated,
        capabilities,
        capability_schemes,
        check,
        convert,
        deal_pair,
        deal_problem,
        deals_cost,
        delphi_history,
        delphi_round,
        delphi_store,
        draft_article,
        dumps,
        ending_by_month,
        estimate_deals,
        estimate_simulation,
        evidence_backtest,
        exchanges,
        fit_ensemble,
        forecast,
        format_names,
        levers,
        list_models,
        load,
        load_all,
        load_deal_source,
        load_genius,
        load_simulation,
        loads,
        logrolls,
        new_scenario,
        open_history,
        panel_combine,
        panel_disagreement,
        parse_pairs,
        parse_params,
        phase,
        pressures,
        proposals,
        proposals_cost,
        report_cost,
        resolve_models,
        run_backtest,
        save,
        save_review,
        scenario_schema,
        sensitivity,
        shipped_ensemble_members,
        simulate,
        simulation_cost,
        what_if,
        write_text,
    )
    from detente.arrays import ScenarioArrays, compile_scenario
    from detente.errors import DetenteError, Problem, ScenarioError
    from detente.models import Forecast, available_models, get_model
    from detente.scenario import Actor, Issue, Scenario, Source, Stance

from detente.version import __version__

# Every name is imported on first use (PEP 562), so ``import detente`` (and with it
# ``detente --version``) loads nothing but this file: name → (module, attribute).
_LAZY = {
    "backtest_models": ("detente.api", "backtest_models"),
    "baserates": ("detente.api", "baserates"),
    "capabilities": ("detente.api", "capabilities"),
    "capability_schemes": ("detente.api", "capability_schemes"),
    "deals_cost": ("detente.api", "deals_cost"),
    "DEFAULT": ("detente.api", "DEFAULT"),
    "DEFAULT_MODELS": ("detente.api", "DEFAULT_MODELS"),
    "BRIEF_DRAWS": ("detente.api", "BRIEF_DRAWS"),
    "FAST_MODELS": ("detente.api", "FAST_MODELS"),
    "DealWork": ("detente.api", "DealWork"),
    "delphi_store": ("detente.api", "delphi_store"),
    "dumps": ("detente.api", "dumps"),
    "ending_by_month": ("detente.api", "ending_by_month"),
    "evidence_backtest": ("detente.api", "evidence_backtest"),
    "fit_ensemble": ("detente.api", "fit_ensemble"),
    "format_names": ("detente.api", "format_names"),
    "load_simulation": ("detente.api", "load_simulation"),
    "new_scenario": ("detente.api", "new_scenario"),
    "parse_pairs": ("detente.api", "parse_pairs"),
    "parse_params": ("detente.api", "parse_params"),
    "proposals_cost": ("detente.api", "proposals_cost"),
    "report_cost": ("detente.api", "report_cost"),
    "resolve_models": ("detente.api", "resolve_models"),
    "shipped_ensemble_members": ("detente.api", "shipped_ensemble_members"),
    "simulation_cost": ("detente.api", "simulation_cost"),
    "write_text": ("detente.api", "write_text"),
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

# one public list: the facade's own (detente.api.__all__) and the data types, each
# imported on first use; tests/test_public_api.py keeps it equal to detente.api's
__all__ = [
    "BRIEF_DRAWS",
    "DEFAULT",
    "DEFAULT_MODELS",
    "FAST_MODELS",
    "Actor",
    "DealWork",
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
    "backtest_models",
    "baserates",
    "brief",
    "brief_simulated",
    "capabilities",
    "capability_schemes",
    "check",
    "compile_scenario",
    "convert",
    "deal_pair",
    "deal_problem",
    "deals",
    "deals_cost",
    "delphi_history",
    "delphi_round",
    "delphi_store",
    "draft_article",
    "dumps",
    "ending_by_month",
    "estimate_deals",
    "estimate_simulation",
    "evidence_backtest",
    "exchanges",
    "figures",
    "find_levers",
    "fit_ensemble",
    "forecast",
    "format_names",
    "get_model",
    "levers",
    "list_models",
    "load",
    "load_all",
    "load_deal_source",
    "load_genius",
    "load_simulation",
    "loads",
    "logrolls",
    "new_scenario",
    "open_history",
    "panel_combine",
    "panel_disagreement",
    "parse_pairs",
    "parse_params",
    "phase",
    "pressures",
    "proposals",
    "proposals_cost",
    "report_cost",
    "resolve_models",
    "run_backtest",
    "save",
    "save_review",
    "scenario_schema",
    "sensitivity",
    "shipped_ensemble_members",
    "simulate",
    "simulation_cost",
    "what_if",
    "write_text",
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
