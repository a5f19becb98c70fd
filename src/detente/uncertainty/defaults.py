"""Default uncertainty for scenarios that state none, calibrated on real outcomes.

A scenario that gives a point value without a distribution (every DEU issue,
many hand-made scenarios) says nothing about how sure it is, and a Monte
Carlo run of it has zero spread. :class:`UncertaintyDefaults` fills the gaps:

- position: normal, mean the stated position, sd = ``position`` × the
  issue's scale width, truncated to the scale;
- salience: normal, mean the stated salience, sd = ``salience``, truncated
  to [0, 1];
- capability: normal, mean the stated capability c, sd = ``capability`` × c,
  truncated to [0, c (1 + 4 × capability)].

Only inputs without a declared distribution are touched; a share of 0 leaves
that kind alone. :data:`CALIBRATED` holds the values chosen by proposal-grouped
cross-validation on the training part of DEU I/II as the grid point whose
50% and 80% Monte Carlo intervals of the default Nash model came nearest to
covering 50% and 80% of realised outcomes (``tools/accuracy_study.py
calibrate``; coverage per model in ``docs/accuracy.md``). Nearest is not
near: input noise of these kinds is averaged away by the models, and the
intervals held only about 16% / 28% of outcomes. The defaults are therefore
applied only on request (``detente simulate --calibrated-uncertainty``), and
every output that uses them says so, with that coverage
(:func:`calibration_note`).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.scenario import Distribution, Scenario


@dataclass(frozen=True)
class UncertaintyDefaults:
    """Standard deviations for inputs a scenario leaves without a distribution (see module)."""

    position: float = 0.0
    salience: float = 0.0
    capability: float = 0.0

    def __post_init__(self) -> None:
        for key in ("position", "salience", "capability"):
            value = getattr(self, key)
            if not isinstance(value, int | float) or not value >= 0:
                raise ValueError(f"{key} sd must be a number >= 0 (got {value!r})")

    def describe(self) -> str:
        """One line for the output: what was added."""
        parts = [f"position sd {100 * self.position:g}% of the scale" if self.position else "",
                 f"salience sd {self.salience:g}" if self.salience else "",
                 f"capability sd {100 * self.capability:g}% of the value"
                 if self.capability else ""]
        return ", ".join(p for p in parts if p) or "none"

    def apply(self, scenario: Scenario) -> tuple[Scenario, int]:
        """``scenario`` with defaults on every input that has no distribution; and how many."""
        added = 0
        scale = {i.id: (i.low, i.high) for i in scenario.issues}
        stances = []
        for st in scenario.stances:
            update = {}
            low, high = scale[st.issue]
            if self.position > 0 and st.position_uncertainty is None and high > low:
                update["position_uncertainty"] = Distribution(
                    kind="normal", mean=st.position, sd=self.position * (high - low),
                    low=low, high=high)
            if self.salience > 0 and st.salience_uncertainty is None:
                update["salience_uncertainty"] = Distribution(
                    kind="normal", mean=st.salience, sd=self.salience, low=0.0, high=1.0)
            added += len(update)
            stances.append(st.model_copy(update=update) if update else st)
        actors = []
        for actor in scenario.actors:
            c = actor.capability
            if self.capability > 0 and actor.capability_uncertainty is None and c > 0:
                actors.append(actor.model_copy(update={"capability_uncertainty": Distribution(
                    kind="normal", mean=c, sd=self.capability * c, low=0.0,
                    high=c * (1 + 4 * self.capability))}))
                added += 1
            else:
                actors.append(actor)
        if not added:
            return scenario, 0
        return scenario.model_copy(update={"stances": tuple(stances),
                                           "actors": tuple(actors)}), added


#: chosen by tools/accuracy_study.py calibrate on the training part of split 1601 (the
#: grid point whose 50%/80% coverage for the default Nash model was nearest nominal)
CALIBRATED = UncertaintyDefaults(position=0.0, salience=0.3, capability=4.0)
#: what those defaults achieved for the default Nash model in proposal-grouped CV on that
#: training part: share of real outcomes inside the 50% and 80% intervals
CALIBRATED_COVERAGE = (0.16, 0.28)


def calibration_note(defaults: UncertaintyDefaults, added: int) -> str:
    """The line every output using the defaults carries: what was added and how it scored."""
    if added == 0:
        return ("every input states its own uncertainty: the calibrated defaults "
                f"({defaults.describe()}) changed nothing")
    c50, c80 = CALIBRATED_COVERAGE
    text = (f"{added} input(s) without a stated distribution got the calibrated default "
            f"uncertainty ({defaults.describe()})")
    if defaults == CALIBRATED:
        text += (f"; on EU decisions (DEU I/II) these intervals held only about "
                 f"{100 * c50:.0f}% / {100 * c80:.0f}% of real outcomes at 50% / 80% in "
                 "cross-validation, so they understate the uncertainty "
                 "(see docs/accuracy.md)")
    return text
