"""The outcome space of a negotiation: one option per issue.

A *deal* picks one option on every issue. An issue's options are its named
points (``Issue.options``); an issue with none gets the **default grid**:
``DEFAULT_GRID`` (= 5) evenly spaced points from ``low`` to ``high``
inclusive, named by their value (``"0"``, ``"25"``, ...), plus the status quo
when it lies between grid points. The space has ``N = Π_i n_i`` deals; deal
``k`` is the mixed-radix number whose digits are the option indices, the last
issue varying fastest (so enumeration order is ``itertools.product`` order).

Enumeration is streamed: :meth:`OutcomeSpace.chunks` yields index ranges of
at most ``chunk`` deals, so memory stays ``O(chunk · I)`` whatever ``N`` is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Issue, Scenario

DEFAULT_GRID = 5
DEFAULT_CHUNK = 1 << 18


def _fmt(value: float) -> str:
    return f"{value:g}"


NO_AGREEMENT = "no-agreement"
"""The option name of an explicit no-agreement status quo (``Issue.no_agreement``)."""


def issue_options(issue: Issue, grid: int = DEFAULT_GRID) -> tuple[tuple[str, ...], np.ndarray]:
    """Names and values of an issue's options (its own, or the default grid).

    An issue whose status quo is the explicit no-agreement outcome gets one
    more option, last, named ``no-agreement`` at the status quo's value: a
    deal that leaves the issue unsettled, distinct from any option that
    shares the number (a ceasefire on the current line is an agreement).
    """
    if issue.options:
        names = tuple(o.name for o in issue.options)
        values = np.array([o.value for o in issue.options])
    else:
        values = np.linspace(issue.low, issue.high, max(2, grid))
        if issue.status_quo is not None and not np.isclose(values, issue.status_quo).any():
            values = np.sort(np.append(values, issue.status_quo))
        names = tuple(_fmt(v) for v in values)
    if issue.no_agreement is not None and issue.status_quo is not None:
        names += (NO_AGREEMENT,)
        values = np.append(values, issue.status_quo)
    return names, values


@dataclass(frozen=True, eq=False)
class OutcomeSpace:
    """Issues and their options; deals are indices ``0 .. size-1``."""

    issues: tuple[str, ...]
    option_names: tuple[tuple[str, ...], ...]
    option_values: tuple[np.ndarray, ...]

    @classmethod
    def from_scenario(cls, scenario: Scenario, grid: int = DEFAULT_GRID) -> OutcomeSpace:
        names, values = zip(*(issue_options(i, grid) for i in scenario.issues), strict=True)
        return cls(scenario.issue_ids, tuple(names), tuple(values))

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(n) for n in self.option_names)

    @property
    def size(self) -> int:
        return int(np.prod(self.sizes, dtype=object))

    def decode(self, index: np.ndarray | int) -> np.ndarray:
        """Option indices ``[..., I]`` of deal numbers ``index``."""
        k = np.asarray(index, dtype=np.int64)
        out = np.empty(k.shape + (len(self.sizes),), dtype=np.int64)
        for i in range(len(self.sizes) - 1, -1, -1):
            k, out[..., i] = np.divmod(k, self.sizes[i])
        return out

    def encode(self, options: np.ndarray) -> np.ndarray:
        """Deal numbers of option-index rows ``[..., I]`` (inverse of :meth:`decode`)."""
        options = np.asarray(options, dtype=np.int64)
        k = np.zeros(options.shape[:-1], dtype=np.int64)
        for i, n in enumerate(self.sizes):
            k = k * n + options[..., i]
        return k

    def chunks(self, chunk: int = DEFAULT_CHUNK) -> Iterator[np.ndarray]:
        """Deal numbers in consecutive blocks of at most ``chunk``."""
        for start in range(0, self.size, chunk):
            yield np.arange(start, min(start + chunk, self.size), dtype=np.int64)

    def option_index(self, issue: str, option: str | float) -> int:
        """The index of an option given by name or value on issue ``issue``
        (:class:`~detente.errors.DetenteError` naming the options if there is none)."""
        i = self.issues.index(issue)
        names = self.option_names[i]
        if isinstance(option, str) and option in names:
            return names.index(option)
        try:
            value = float(option)
        except (TypeError, ValueError):
            raise DetenteError(
                f"issue {issue!r} has no option {option!r}; options are {', '.join(names)}"
            ) from None
        hits = np.flatnonzero(np.isclose(self.option_values[i], value))
        if hits.size == 0:
            raise DetenteError(
                f"issue {issue!r} has no option at {value:g}; options are {', '.join(names)}"
            )
        return int(hits[0])

    def labels(self, options: np.ndarray) -> dict[str, str]:
        """``{issue: option name}`` of one deal given as option indices."""
        return {
            issue: self.option_names[i][int(o)]
            for i, (issue, o) in enumerate(zip(self.issues, options, strict=True))
        }
