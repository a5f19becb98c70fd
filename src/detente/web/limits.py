"""What one request may ask of a server: its administrator's limits (``detente serve
--max-draws`` and friends), checked before any work starts.

The route's own bounds (in the OpenAPI schema) are the largest any server accepts; these
are the deployment's, at most those. A request over one is refused with 400 and a
message naming the parameter, its value and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.errors import DetenteError

MAX_DRAWS = 20_000
"""Largest Monte Carlo run one request may ask for (keeps a request within seconds)."""
MAX_ROBUST = 100_000
"""Largest number of BATNA draws a deals request may ask for."""
MAX_SAMPLES = 256
"""Largest sensitivity sample count."""


@dataclass(frozen=True)
class Limits:
    """Per-request limits: ``draws`` (Monte Carlo draws: simulate, proposals, figures,
    the brief, forecast intervals), ``robust`` (deals' BATNA draws for survival) and
    ``samples`` (sensitivity)."""

    draws: int = MAX_DRAWS
    robust: int = MAX_ROBUST
    samples: int = MAX_SAMPLES

    def check(self, **asked: int | None) -> None:
        """Refuse a request asking more than a limit: ``check(draws=5000)``."""
        for name, value in asked.items():
            limit = getattr(self, name)
            if value is not None and value > limit:
                raise DetenteError(f"{name} {value:,}: over this server's limit of {limit:,} "
                                   f"per request (--max-{name}); the CLI runs larger work")
