"""The history store: dated scenario versions, cached results, diffs with attribution.

- :mod:`detente.store.db`: where the database lives, opening it, migrations;
- :mod:`detente.store.schema`: the tables;
- :mod:`detente.store.history`: :class:`History`, the one object the API hands out;
- :mod:`detente.store.diff` and :mod:`detente.store.attribution`: what changed
  between two versions and how much each change moved each forecast;
- :mod:`detente.store.portable`: export files and bundled histories.
"""

from detente.store.history import History, Timeline, Version, VersionDiff

__all__ = ["History", "Timeline", "Version", "VersionDiff"]
