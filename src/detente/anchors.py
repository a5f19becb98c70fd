"""Finding a labelled anchor of an issue's scale by what a user typed.

One rule for every command that takes an anchor (``levers --target``,
:meth:`Simulation.prob_closer`): an anchor whose label is exactly the text (or
whose value is the number) matches; failing that, an anchor whose label holds
the text, ignoring case ("ceded" finds "Russia gets Donetsk ceded"). The caller
needs exactly one match and says what to do otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence


def anchor_matches(anchors: Sequence[tuple[float, str]], wanted: str | float) -> list[int]:
    """Indices into ``anchors`` ((value, label) pairs) that ``wanted`` names."""
    exact = [k for k, (value, label) in enumerate(anchors)
             if wanted == label or (not isinstance(wanted, str) and float(wanted) == value)]
    if exact:
        return exact
    text = str(wanted).lower()
    return [k for k, (_, label) in enumerate(anchors) if text in label.lower()]


def anchor_choices(anchors: Sequence[tuple[float, str]]) -> str:
    """``"0 = keeps all; 100 = cedes all"``, or ``"none"``, for error messages."""
    return "; ".join(f"{value:g} = {label}" for value, label in anchors) or "none"
