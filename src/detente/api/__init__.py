"""The facade: every operation the CLI, the web app and notebooks use.

Each function takes keyword parameters with documented defaults and returns a
result object (:mod:`detente.results`, or the result types of the analysis
packages) that knows its JSON form; the presenters (:mod:`detente.present`)
turn those into tables. A scenario argument is a :class:`Scenario`, a file
path (any supported format) or the name of a bundled scenario; ``None`` means
the bundled default (``ukraine-2025-11``).

One module per operation lane, as in :mod:`detente.cli` and :mod:`detente.present`
(the modules are private: every name is reached as ``detente.api.NAME``, and a lane's
name never shadows an operation's, as ``detente.api.forecast`` is the function):

==================  ===========================================================
``_scenarios``      load, save, convert, check, loads/dumps, what-if, schema
``_models``         the models and their parameters
``_forecast``       forecasts and their distributions
``_exchanges``      the exchange model's log
``_uncertainty``    simulate (and its cost), sensitivity, levers
``_deals``          deal problem, deals (and their cost), logrolls, phase, pressures
``_proposals``      the plans on the table (and their cost)
``_outlook``        the outlook over time
``_evidence``       capabilities, base rates, termination backtests
``_backtest``       backtests and ensemble fits
``_history``        the history store
``_server``         the shared server's accounts, uploads and jobs (``detente serve``)
``_inputs``         analysts' panels, Delphi rounds, drafts from articles
``_brief``          the one-page brief and the models the web app re-runs live
==================  ===========================================================

The heavier packages (Monte Carlo, sensitivity, deals, backtest) are imported
when their function is first called, so ``import detente`` stays quick.
"""

from detente.api._backtest import (
    backtest_models,
    capability_schemes,
    fit_ensemble,
    run_backtest,
    shipped_ensemble_members,
)
from detente.api._brief import BRIEF_DRAWS, FAST_MODELS, brief, brief_simulated, report_cost
from detente.api._deals import (
    analyse_deals,
    deal_pair,
    deal_problem,
    deals_cost,
    estimate_deals,
    load_deal_source,
    load_genius,
    logrolls,
    parse_pairs,
    phase,
    phase_cost,
    pressures,
)
from detente.api._evidence import (
    baserates,
    capabilities,
    ending_by_month,
    evidence_backtest,
    outside_view,
)
from detente.api._exchanges import exchanges
from detente.api._forecast import forecast
from detente.api._history import open_history
from detente.api._inputs import (
    apply_draft,
    delphi_history,
    delphi_round,
    delphi_store,
    draft_article,
    panel_combine,
    panel_disagreement,
    save_review,
)
from detente.api._models import list_models, parse_params
from detente.api._outlook import outlook, outlook_cost
from detente.api._proposals import proposals, proposals_cost
from detente.api._scenarios import (
    StanceChange,
    check,
    convert,
    dumps,
    format_names,
    load,
    load_all,
    loads,
    new_scenario,
    save,
    scenario_schema,
    what_if,
    write_text,
)
from detente.api._server import (
    add_team,
    add_team_members,
    add_user,
    open_server_store,
    remove_team,
    remove_team_members,
    remove_user,
    teams,
    users,
)
from detente.api._uncertainty import (
    estimate_simulation,
    levers,
    load_simulation,
    sensitivity,
    simulate,
    simulation_cost,
)
from detente.models.registry import DEFAULT_MODELS, resolve_models
from detente.requests import (
    DealProblemRequest,
    DealRequest,
    Execution,
    LogrollRequest,
    OutlookRequest,
    PhaseRequest,
    PressureRequest,
    ProposalRequest,
    SimulationRequest,
)
from detente.results import DealWork
from detente.scenarios import DEFAULT

__all__ = [
    "BRIEF_DRAWS",
    "DEFAULT",
    "DEFAULT_MODELS",
    "FAST_MODELS",
    "DealProblemRequest",
    "DealRequest",
    "DealWork",
    "Execution",
    "LogrollRequest",
    "OutlookRequest",
    "PhaseRequest",
    "PressureRequest",
    "ProposalRequest",
    "SimulationRequest",
    "StanceChange",
    "add_team",
    "add_team_members",
    "add_user",
    "analyse_deals",
    "apply_draft",
    "backtest_models",
    "baserates",
    "brief",
    "brief_simulated",
    "capabilities",
    "capability_schemes",
    "check",
    "convert",
    "deal_pair",
    "deal_problem",
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
    "fit_ensemble",
    "forecast",
    "format_names",
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
    "open_server_store",
    "outlook",
    "outlook_cost",
    "outside_view",
    "panel_combine",
    "panel_disagreement",
    "parse_pairs",
    "parse_params",
    "phase",
    "phase_cost",
    "pressures",
    "proposals",
    "proposals_cost",
    "remove_team",
    "remove_team_members",
    "remove_user",
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
    "teams",
    "users",
    "what_if",
    "write_text",
]
