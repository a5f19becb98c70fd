"""How sure, and what would change it: Monte Carlo, sensitivity and levers.

- :mod:`~detente.uncertainty.sampling`: the uncertain inputs and seeded draws of them;
- :mod:`~detente.uncertainty.simulate`: Monte Carlo through any models and engine;
- :mod:`~detente.uncertainty.sensitivity`: Sobol / Morris indices (SALib) and tornado data;
- :mod:`~detente.uncertainty.levers`: the smallest single change that moves a forecast.
"""

from detente.uncertainty.sampling import Input, InputSpace, input_space
from detente.uncertainty.simulate import Simulation, simulate

__all__ = ["Input", "InputSpace", "Simulation", "input_space", "simulate"]
