"""The COW major powers and the years each was one (COW "Major Powers" list, 2016 update).

Used to say whether a conflict or war involves a major power. The COW list ends in 2016;
a spell still open then is taken to continue (an assumption, stated in docs/evidence.md).
UCDP uses Gleditsch–Ward codes, which equal COW's for these states except unified Germany
(GW 260 for the Federal Republic; COW 255 from 1990), so both are listed.
"""

from __future__ import annotations

MAJOR_POWERS: dict[int, tuple[tuple[int, int | None], ...]] = {
    2: ((1898, None),),                                  # United States
    200: ((1816, None),),                                # United Kingdom
    220: ((1816, 1940), (1945, None)),                   # France
    255: ((1816, 1918), (1925, 1945), (1991, None)),     # Germany (COW)
    260: ((1991, None),),                                # Germany (GW code)
    300: ((1816, 1918),),                                # Austria-Hungary
    325: ((1860, 1943),),                                # Italy
    365: ((1816, 1917), (1922, None)),                   # Russia / Soviet Union
    710: ((1950, None),),                                # China
    740: ((1895, 1945), (1991, None)),                   # Japan
}


def is_major(code: int, year: int) -> bool:
    """Whether state ``code`` was a COW major power in ``year``."""
    for start, end in MAJOR_POWERS.get(code, ()):
        if start <= year and (end is None or year <= end):
            return True
    return False
