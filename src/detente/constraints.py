"""Declared options: a frozen dataclass whose fields are the options, with one table of
what each must be, checked once on construction.

A model's parameters (:class:`detente.models.base.Model`) and an operation's request
(:class:`detente.requests.SimulationRequest`, the shared
:class:`detente.engines.execution.Execution`, ...) are declared the same way. A value that
breaks its constraint is an :class:`~detente.errors.OptionError` naming the field in the
caller's words (``draws must be an integer >= 1 (got 0)`` from Python; the CLI spells the
field as its flag, ``--draws``). Adding an option is adding a field (and its constraint).
"""

from __future__ import annotations

import dataclasses
import numbers
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from detente.errors import OptionError, short

D = TypeVar("D", bound="Declaration")


def _is_a(value: Any, kind: type) -> bool:
    """``value`` is an instance of the numeric ``kind`` (numpy's too), and not a bool."""
    return isinstance(value, kind) and not isinstance(value, bool | np.bool_)


class Constraint(ABC):
    """What one parameter must be; ``expected`` completes "expected ..." in an error."""

    expected: str

    @abstractmethod
    def accepts(self, value: Any) -> bool:
        """Whether ``value`` satisfies the constraint."""


@dataclass(frozen=True)
class OneOf(Constraint):
    """One of ``values`` (compared with ``==``)."""

    values: tuple[Any, ...]

    @classmethod
    def literal(cls, kind: Any) -> OneOf:
        """The values of a ``Literal[...]`` type."""
        return cls(typing.get_args(kind))

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(map(str, self.values))

    def accepts(self, value: Any) -> bool:
        return value in self.values


@dataclass(frozen=True)
class Integer(Constraint):
    """An integer (not a bool) ``>= minimum``; ``None`` too if ``optional``."""

    minimum: int
    optional: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        what = f"an integer >= {self.minimum}"
        return f"None or {what}" if self.optional else what

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.optional
        return _is_a(value, numbers.Integral) and value >= self.minimum


@dataclass(frozen=True)
class Number(Constraint):
    """A real number (not a bool), optionally ``>= low`` (or ``> above``) and ``<= high``;
    ``None`` too if ``optional``."""

    low: float | None = None
    high: float | None = None
    optional: bool = False
    above: float | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        what = "a number"
        if self.above is not None and self.high is not None:
            what += f" in ({self.above:g}, {self.high:g}]"
        elif self.low is not None and self.high is not None:
            what += f" in {self.low:g}..{self.high:g}"
        elif self.low is not None:
            what += f" >= {self.low:g}"
        return f"None or {what}" if self.optional else what

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.optional
        if not _is_a(value, numbers.Real):
            return False
        return ((self.low is None or value >= self.low)
                and (self.above is None or value > self.above)
                and (self.high is None or value <= self.high))


@dataclass(frozen=True)
class Between(Constraint):
    """A real number (an integer if ``low`` and ``high`` are) in ``low..high``, said as
    "``low`` to ``high`` ``unit``" (``months must be 1 to 600 (got 1000)``)."""

    low: float
    high: float
    unit: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        whole = isinstance(self.low, int) and isinstance(self.high, int)
        spell = "{:,}" if whole else "{:g}"
        what = f"{spell.format(self.low)} to {spell.format(self.high)}"
        return f"{what} {self.unit}" if self.unit else what

    def accepts(self, value: Any) -> bool:
        whole = isinstance(self.low, int) and isinstance(self.high, int)
        kind = numbers.Integral if whole else numbers.Real
        return _is_a(value, kind) and self.low <= value <= self.high


@dataclass(frozen=True)
class Flag(Constraint):
    """``True`` or ``False``; ``None`` too if ``optional``."""

    optional: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "None, true or false" if self.optional else "true or false"

    def accepts(self, value: Any) -> bool:
        return (value is None and self.optional) or isinstance(value, bool | np.bool_)


@dataclass(frozen=True)
class Shares(Constraint):
    """A sequence of numbers in 0..1 (quantiles, probabilities)."""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "numbers in 0..1"

    def accepts(self, value: Any) -> bool:
        return all(_is_a(v, numbers.Real) and 0 <= v <= 1 for v in value)


@dataclass(frozen=True, kw_only=True)
class Declaration:
    """Base of a declared set of options: a frozen, keyword-only dataclass whose
    ``constraints`` (field -> :class:`Constraint`) are checked on construction.

    A field whose default is another declaration (``execution: Execution =
    field(default_factory=Execution)``) nests it: :meth:`of` routes each option to the
    declaration that has it, so ``SimulationRequest.of(draws=100, workers=2)`` sets the
    request's ``draws`` and its execution's ``workers``.
    """

    constraints: ClassVar[Mapping[str, Constraint]] = {}

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise one :class:`OptionError` naming every field that breaks ``constraints``."""
        bad = [f"{{{name}}} must be {rule.expected} (got {short(getattr(self, name))})"
               for name, rule in self.constraints.items()
               if not rule.accepts(getattr(self, name))]
        if bad:
            raise OptionError("; ".join(bad))

    @classmethod
    def _nested(cls) -> dict[str, type[Declaration]]:
        """Fields that hold a declaration of their own: name -> its class."""
        out: dict[str, type[Declaration]] = {}
        for f in dataclasses.fields(cls):
            made = f.default_factory
            if isinstance(made, type) and issubclass(made, Declaration):
                out[f.name] = made
        return out

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        """Every option, nested declarations' own options in place of the field."""
        nested = cls._nested()
        return tuple(name for f in dataclasses.fields(cls)
                     for name in (nested[f.name].option_names() if f.name in nested
                                  else (f.name,)))

    @classmethod
    def of(cls: type[D], base: D | None = None, /, **options: Any) -> D:
        """``base`` (default: every default) with ``options`` changed, each routed to the
        declaration that has it; an unknown option is an error naming the known ones."""
        known = {*cls.option_names(), *cls._nested()}
        unknown = sorted(set(options) - known)
        if unknown:
            raise OptionError(f"unknown option(s) {', '.join(unknown)}; "
                              f"{cls.__name__} takes {', '.join(cls.option_names())}")
        changes = dict(options)
        for name, kind in cls._nested().items():
            own = {k: changes.pop(k) for k in kind.option_names() if k in changes}
            inner = changes.pop(name, None)  # a whole declaration given for the field
            if inner is None and base is not None:
                inner = getattr(base, name)
            if own or inner is not None:
                changes[name] = kind.of(inner, **own)
        return dataclasses.replace(base, **changes) if base is not None else cls(**changes)

    @classmethod
    def take(cls: type[D], options: Mapping[str, Any]) -> tuple[D, dict[str, Any]]:
        """The declaration made of the ``options`` it declares, and the other options (for
        a function that takes both, as ``deals.phase_deal`` does)."""
        mine = set(cls.option_names()) | set(cls._nested())
        return (cls.of(**{k: v for k, v in options.items() if k in mine}),
                {k: v for k, v in options.items() if k not in mine})
