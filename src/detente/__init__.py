"""detente: forecast and broker multi-party, multi-issue negotiations.

The Python API in a nutshell::

    import detente
    scenario = detente.load("ukraine-2025-11")      # a bundled name or a file path
    result = detente.forecast(scenario)             # compromise, median and Nash
    result.to_frame()                               # pandas; shows as a table in Jupyter
"""

from detente.api import forecast, load, load_all, save
from detente.arrays import ScenarioArrays, compile_scenario
from detente.errors import DetenteError, Problem, ScenarioError
from detente.models import Forecast, available_models, get_model
from detente.scenario import Actor, Issue, Scenario, Source, Stance

__all__ = [
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
    "available_models",
    "compile_scenario",
    "forecast",
    "get_model",
    "load",
    "load_all",
    "save",
]

__version__ = "0.1.0"
