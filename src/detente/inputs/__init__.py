"""Scenarios from people and from the news.

- :mod:`detente.inputs.analysts`, :mod:`~detente.inputs.panel`,
  :mod:`~detente.inputs.disagreement`, :mod:`~detente.inputs.delphi`: several
  analysts' estimates of the same negotiation, combined per stance with their
  spread kept as uncertainty, where they disagree and whether it matters, and
  Delphi rounds in which each analyst revises after seeing the panel's
  anonymous summary.
- :mod:`detente.inputs.draft`: a news article turned into proposed changes
  (actors, issues, quoted stance statements) for an analyst to review, then
  applied as a new scenario.
"""
