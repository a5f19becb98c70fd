"""Evidence from real wars: the war, dispute and conflict data sets of ``shared/data/war``.

- :mod:`~detente.evidence.csvtable` and :mod:`~detente.evidence.readers`: typed, tidy tables
  (conflict-years, episodes with durations and censoring, wars with outcomes, disputes with
  participants, capabilities, states), with errors naming file, line and column;
- :mod:`~detente.evidence.capabilities`: CINC shares (and its six components) per actor;
- :mod:`~detente.evidence.reference` and :mod:`~detente.evidence.survival`: reference
  classes, Kaplan–Meier durations, how such conflicts ended, P(ending by month t);
- :mod:`~detente.evidence.features`, :mod:`~detente.evidence.termination` and
  :mod:`~detente.evidence.scoring`: termination models fitted on earlier years and scored on
  later ones (Brier, log score, calibration, bootstrap clustered by conflict).

Nothing here is imported by ``import detente``: the facade imports it on first use.
"""
