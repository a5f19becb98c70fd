"""Dates written out in a text: "November 5, 2025", "5 November 2025", "2025-11-05"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = ("january february march april may june july august september october "
                "november december")
_MONTHS = {m: k + 1 for k, m in enumerate(_MONTH_NAMES.split())}
_MONTHS.update({m[:3]: v for m, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>[A-Z][a-z]{2,8})\.?"
_PATTERNS = (
    re.compile(r"\b" + _MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<num>\d{2})-(?P<day>\d{2})\b"),
)


@dataclass(frozen=True)
class DateMention:
    """A calendar date written in the text, with its exact span."""

    date: dt.date
    text: str
    start: int
    end: int


def find_dates(text: str) -> list[DateMention]:
    """Every valid calendar date written out in ``text``, in order of appearance."""
    found: dict[int, DateMention] = {}
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = (int(parts["num"]) if parts.get("num")
                     else _MONTHS.get(parts["mon"].lower()))
            if month is None:
                continue
            try:
                day = dt.date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue
            if not any(d.start <= m.start() < d.end for d in found.values()):
                found[m.start()] = DateMention(day, m.group(0), m.start(), m.end())
    return [found[k] for k in sorted(found)]
