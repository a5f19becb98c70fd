"""The agreement rule: when an open bargaining range becomes an agreement.

That an acceptable package exists does not sign it. Two stated rules:

- ``consecutive`` (default, ``k = 2``): agreement in the first month ``t`` in which an
  acceptable package has existed for ``k`` consecutive months (``t − k + 1 … t``): a
  range that opens for a moment closes before it is found (the time it takes to
  negotiate, in months);
- ``hazard`` (``h``): in every month in which an acceptable package exists the parties
  agree with probability ``h`` (a constant hazard, each month independent; mean wait
  ``1/h`` months of an open range).

The terms are the package the chosen bargaining solution picks in the month of
agreement. Both rules are monotone: a path in which the range is open in every month
in which it was open on another path (the same random numbers) agrees no later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.errors import DetenteError, OptionError

RULES = ("consecutive", "hazard")


@dataclass(frozen=True)
class AgreementRule:
    """``kind`` ``consecutive`` (``k`` months) or ``hazard`` (``h`` per open month)."""

    kind: Literal["consecutive", "hazard"] = "consecutive"
    k: int = 2
    h: float = 0.25

    def check(self, months: int) -> None:
        """A :class:`DetenteError` naming the rule when it cannot apply to ``months``."""
        if self.kind == "consecutive":
            if self.k < 1:
                raise DetenteError(f"agreement rule consecutive:{self.k}: k must be at least 1")
            if self.k > months + 1:
                raise OptionError(f"agreement rule consecutive:{self.k}: k is larger than the "
                                  f"horizon ({months} months, {months + 1} with month 0), so "
                                  "no agreement could ever be reached; use a smaller k or "
                                  "more {months}")
        elif self.kind == "hazard":
            if not 0 < self.h <= 1:
                raise DetenteError(f"agreement rule hazard:{self.h:g}: h must lie in (0, 1]")
        else:
            raise DetenteError(f"agreement rule {self.kind!r}: expected one of "
                               f"{', '.join(RULES)}")

    def months(self, open_: np.ndarray, uniform: np.ndarray) -> np.ndarray:
        """``[n]``: the month of agreement on each path (−1: none by the horizon), from
        ``open_[n, T+1]`` (an acceptable package exists) and one uniform per path and
        month (read by the hazard rule only)."""
        n, t1 = open_.shape
        if self.kind == "hazard":
            hit = open_ & (uniform < self.h)
        else:
            run = np.zeros(n, dtype=np.int64)
            hit = np.zeros_like(open_)
            for t in range(t1):
                run = np.where(open_[:, t], run + 1, 0)
                hit[:, t] = run >= self.k
        return np.where(hit.any(axis=1), hit.argmax(axis=1), -1)

    def describe(self) -> str:
        if self.kind == "hazard":
            return (f"agreement with probability {self.h:g} in each month in which an "
                    "acceptable package exists")
        return (f"agreement once an acceptable package has existed for {self.k} "
                f"consecutive month{'s' if self.k != 1 else ''}")

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "text": self.describe()}
        out.update({"k": self.k} if self.kind == "consecutive" else {"h": self.h})
        return out


def parse_rule(text: str) -> AgreementRule:
    """``consecutive:K`` or ``hazard:H`` (``consecutive`` alone: k = 2)."""
    kind, _, arg = text.strip().partition(":")
    try:
        if kind == "consecutive":
            return AgreementRule("consecutive", k=int(arg) if arg else 2)
        if kind == "hazard":
            return AgreementRule("hazard", h=float(arg) if arg else 0.25)
    except ValueError:
        raise DetenteError(f"agreement rule {text!r}: expected consecutive:K (an integer) or "
                           "hazard:H (a probability)") from None
    raise DetenteError(f"agreement rule {text!r}: expected consecutive:K or hazard:H")
