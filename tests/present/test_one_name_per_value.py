"""A value has one name: a forecast's point and the bands of its draws call a number on the
scale the same thing, on every surface (issue 31).

On Donetsk the no-agreement status quo ("no agreement, fighting continues") and the anchor
"freeze on the current front line" are both 50. Main at a167a9a named Nash's point 52.2
"no agreement" (it was within the 2.5-point no-agreement band) while 65% of its draws, a
couple of points farther out, read as "freeze": the same neighbourhood of 50 under two
names, and a ⚠ that came only from the narrow band. The tie is resolved one way
(docs/scenarios.md, "no_agreement_band"): where an anchor sits at the no-agreement status
quo, only the status quo itself reads as no agreement, every other value as its anchor.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.models.registry import resolve_models
from detente.present import tables
from detente.scenario import Scenario

runner = CliRunner()
sim_mod = importlib.import_module("detente.uncertainty.simulate")
FREEZE = "freeze on the current front line, status left open"
NO_AGREEMENT = "no agreement, fighting continues"


def test_a_value_beside_a_shared_status_quo_reads_as_the_anchor_there(ukraine):
    donetsk = ukraine.issue("donetsk")
    assert donetsk.anchor_at_status_quo is not None
    assert donetsk.anchor_at_status_quo.label == FREEZE
    assert donetsk.nearest_anchor(50.0).label == NO_AGREEMENT  # the status quo: nothing moved
    for v in (47.5, 49.0, 49.999, 50.001, 51.0, 52.2, 52.5, 60.0):
        assert donetsk.nearest_anchor(v).label == FREEZE, v
    # an issue whose status quo has no anchor of its own keeps the 2.5%-of-span band
    tunnel = ukraine.issue("tunnel")
    assert tunnel.anchor_at_status_quo is None and tunnel.band_width == 2.5
    assert tunnel.nearest_anchor(12.0).label == tunnel.no_agreement


def test_nash_s_donetsk_point_and_its_bands_tell_one_story(ukraine):
    res = runner.invoke(app, ["forecast", "-m", "nash", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    (dist,) = [d for d in data["distributions"] if d["issue"] == "donetsk"]
    assert round(dist["point"], 1) == 52.2
    assert dist["point_band"] == dist["likeliest"] == FREEZE
    assert not dist["band_differs"]
    # the table's cell for that point (the presenter the CLI prints)
    result = api.forecast(ukraine, models=["nash"], draws=1000)
    (d,) = [d for d in result.distributions if d.issue == "donetsk"]
    cell = tables._with_distribution(ukraine.issue("donetsk"), d.point, d).plain
    assert cell.startswith(f"52.2\n≈ {FREEZE}\n"), cell
    assert NO_AGREEMENT not in cell and "⚠" not in cell


def _tied(ukraine: Scenario, band: float | None) -> Scenario:
    data = ukraine.to_dict()
    for issue in data["issues"]:
        if issue["id"] == "tunnel":  # status quo 10 with an anchor there too
            issue["anchors"] = {**{str(k): v for k, v in issue["anchors"].items()},
                                "10": "floated"}
            if band is not None:
                issue["no_agreement_band"] = band
    return Scenario.from_dict(data)


@pytest.mark.parametrize("band", [None, 4.0])
def test_simulate_counts_every_value_into_the_band_that_names_it(ukraine, band):
    """The bands ``simulate`` tallies (array code) are the names :meth:`Issue.nearest_anchor`
    gives, value by value: at the status quo, beside it, at each band's reach and a hair
    beyond, on issues with and without an anchor at the status quo and with an explicit
    ``no_agreement_band``."""
    sc = _tied(ukraine, band)
    job = sim_mod.SimulationJob(sc, tuple(resolve_models(["compromise"])), seed=0, draws=1)
    rng = np.random.default_rng(7)
    for b, issue in enumerate(sc.issues):
        sq = issue.status_quo
        values = list(rng.uniform(issue.low, issue.high, 200))
        values += [a.value for a in issue.anchors]
        if sq is not None:
            reach = job.band_reach[b]
            values += [sq, sq + reach, sq - reach, np.nextafter(sq + reach, np.inf),
                       sq + 1.0, sq - 1.0, sq + 2.2]
        labels = [lab for lab in np.asarray(job.anchors[b])]
        names = sorted(issue.anchors, key=lambda a: a.value)
        for v in values:
            x = np.full((1, 1, len(sc.issues)), np.nan)
            x[0, 0, b] = v
            col = int(np.argmax(sim_mod.array_tallies(job, x)["band"][0, b]))
            near = issue.nearest_anchor(float(v))
            if issue.is_no_agreement(float(v)):
                assert col == len(names) and near.label == issue.no_agreement, (issue.id, v)
            else:
                assert near == names[col], (issue.id, v, labels)
    if band is None:
        assert sc.issue("tunnel").band_width == 0.0
        assert sc.issue("tunnel").nearest_anchor(11.0).label == "floated"
    else:  # an explicit band is the author's: it is kept, anchor or not
        assert sc.issue("tunnel").band_width == band
        assert sc.issue("tunnel").nearest_anchor(11.0).label == sc.issue("tunnel").no_agreement

