"""The note that travels with every result: what it is derived from, and that it is not fact.

detente's bundled scenario concerns a real and grave conflict; every forecast,
simulation and deal analysis says, in the same words, that it is what a model
derives from stated, sourced assumptions, never a prediction of fact.
"""

from __future__ import annotations


def neutral_note(subject: str = "Model outputs", *, basis: str = "") -> str:
    """``"<subject> derived from the scenario's stated, sourced assumptions<basis>; not
    predictions of fact."``; ``basis`` names what else they rest on (with its lead-in)."""
    return (f"{subject} derived from the scenario's stated, sourced assumptions{basis}; "
            "not predictions of fact.")


NEUTRAL_NOTE = neutral_note()
"""The note of a forecast."""
