"""What a fresh-clone pass over the README's commands at 80 columns found in the
presenters (issue 31, words): numbers split across lines, captions centred, shares that
read 0% when they are not."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from detente import api
from detente.present.terminal import hanging, make_console


@pytest.fixture(scope="module")
def sim():
    return api.simulate(None, draws=300, models=["compromise", "median", "nash"], seed=0)


def test_a_tie_does_not_split_mean_and_sd_at_80_columns(sim, ukraine):
    """``simulate`` at 80 columns printed Nash's Tomahawks as "42.3 ±" over "5.3": the
    "60 (50%, tie)" cell widened its column past the width. The tie now takes a line
    of its own and "mean ± sd" stays whole."""
    from detente.present import uncertainty as view

    rows = [dict(r, likeliest_clear=False) for r in sim.summary_rows()]
    keys = [k for k in rows[0] if re.fullmatch(r"q\d+", k)]
    lo, hi = min(keys, key=view._qkey), max(keys, key=view._qkey)
    console = make_console(width=80, record=True, file=io.StringIO())  # the CLI's console
    for issue in ("donetsk", "tomahawks", "sanctions"):
        console.print(view._issue_table(sim, issue, ukraine.issue(issue).name, rows, lo, hi,
                                        80))
    text = console.export_text()
    assert all(len(ln) <= 80 for ln in text.splitlines())
    spread = [ln for ln in text.splitlines() if "±" in ln and ln.startswith("│")]
    assert len(spread) == 9 and all(re.search(r"\d ± +\d+\.\d", ln) for ln in spread), text
    assert text.count("tie") == 9


def test_the_forecast_caption_reads_from_the_left(ukraine):
    from detente.present.tables import forecast_table

    result = api.forecast(ukraine, models=["nash"], draws=0)
    console = Console(width=80, record=True)
    console.print(forecast_table(result))
    tail = console.export_text().split("┘", 1)[1]
    assert next(ln for ln in tail.splitlines() if ln.strip()).startswith("Model outputs")


def test_an_indented_line_wraps_under_its_own_text():
    console = Console(width=40, record=True)
    console.print(hanging("  - crosses UKR's red line on donetsk (nothing above 50) and more"))
    console.print(hanging("  package: donetsk=full-cession, ceasefire=phased-pause, x=y"))
    lines = console.export_text().splitlines()
    assert lines[0].startswith("  - crosses") and lines[1].startswith("    (nothing")
    assert lines[2].startswith("  package:") and lines[3].startswith("    ceasefire")
    assert all(len(ln) <= 40 for ln in lines)
