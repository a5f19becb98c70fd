"""Evidence figures and views: each curve labelled with what it is, the outside view said."""

from __future__ import annotations

import numpy as np
from rich.console import Console

from detente.evidence.survival import ending_by_month, kaplan_meier
from detente.present import figures
from detente.present.evidence import calibration_table

D = np.array([1, 2, 3, 4, 5, 8, 9, 14, 20], dtype=float)
E = np.array([1, 0, 1, 1, 0, 1, 1, 1, 0], dtype=bool)


def test_ending_by_month_beside_an_agreement_curve() -> None:
    curve = ending_by_month(D, E, lasted=3, months=12)
    fig = figures.ending_by_month(curve, agreement={"months": [1, 6, 12],
                                                    "p": [0.1, 0.2, 0.4]})
    names = [t.name for t in fig.data if t.name]
    assert any("reference class" in n and f"{curve.at_risk} cases" in n for n in names)
    assert any("P(agreement by month)" in n for n in names)
    main = next(t for t in fig.data if t.name and "reference class" in t.name)
    assert list(main.y) == list(curve.probability)
    assert any("not a forecast" in a.text for a in fig.layout.annotations)


def test_survival_and_reliability_figures() -> None:
    km = kaplan_meier(D, E)
    fig = figures.survival_curve(km)
    line = next(t for t in fig.data if t.name)
    assert list(line.y) == [1.0, *km.survival.tolist()]
    rows = [{"bin": "0.0–0.1", "n": 3, "predicted": 0.05, "observed": 0.0},
            {"bin": "0.1–0.2", "n": 0, "predicted": None, "observed": None}]
    rel = figures.reliability({"model <b>": rows})
    assert [t.name for t in rel.data] == ["perfect calibration", "model &lt;b&gt;"]
    assert list(rel.data[1].x) == [0.05]
    console = Console(width=80, record=True)
    console.print(calibration_table("m", rows))
    text = console.export_text()
    assert "0.0–0.1" in text and "0.1–0.2" not in text
