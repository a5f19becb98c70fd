"""Write the bundled scenario with the worked example's processes (docs/outlook.md).

    PYTHONPATH=src python tools/outlook_example.py /tmp/ukraine-outlook.yaml
    PYTHONPATH=src python -m detente outlook /tmp/ukraine-outlook.yaml --party RUS --party UKR

Every number added is an assumption of the example (each says so in the file), not a
finding about the war: the pace of the battlefield read from the article's "three
villages", each side's optimism about it, the chance India's halt is confirmed in any
month, and the power shifts after an agreement (sanctions relief restoring Russia's
revenue, Ukraine's infrastructure repaired).
"""

from __future__ import annotations

import sys

import detente

PROCESSES = {
    "battlefield": {
        "trend": 3, "trend_uncertainty": [0, 6], "volatility": 2, "low": 0,
        "sources": ["article-2025-11-05"],
        "assumption": "The article's three villages in the period read as a month's pace "
                      "(range 0 to 6 assumed); month-to-month spread 2 (assumed); the line "
                      "holds after an agreement."},
    "oil_revenue": {
        "low": 0, "high": 1, "after_agreement": -0.1,
        "assumption": "No drift of its own; it moves when the halt is confirmed (the shock). "
                      "After an agreement sanctions relief restores revenue, a tenth of the "
                      "squeeze a month (assumed)."},
    "infrastructure": {
        "trend": 0.02, "trend_uncertainty": [0, 0.05], "volatility": 0.05, "low": 0,
        "high": 1, "after_agreement": -0.05,
        "assumption": "Strain grows slowly through the winter (0 to 0.05 a month, assumed) "
                      "and is repaired after an agreement (0.05 a month, assumed)."},
}
EXPECTATIONS = {
    "RUS": {"battlefield": {
        "trend": 5, "trend_uncertainty": [3, 8], "convergence": 0.15,
        "assumption": "Mutual optimism (Fearon 1995): Moscow expects faster gains than the "
                      "observed pace; size and learning rate assumed."}},
    "UKR": {"battlefield": {
        "trend": 1, "trend_uncertainty": [0, 2], "convergence": 0.15,
        "assumption": "Mutual optimism: Kyiv expects slower Russian gains than the observed "
                      "pace; size and learning rate assumed."}},
}
SHOCK_PROBABILITY = {"oil-halt-confirmed": 0.1}


def example() -> detente.Scenario:
    """The bundled scenario with the processes, expectations and shock probability above."""
    data = detente.load("ukraine-2025-11").to_dict()
    for p in data["pressures"]:
        if p["id"] in PROCESSES:
            p["process"] = PROCESSES[p["id"]]
    for a in data["actors"]:
        if a["id"] in EXPECTATIONS:
            a["expectations"] = EXPECTATIONS[a["id"]]
    for k in data["shocks"]:
        if k["id"] in SHOCK_PROBABILITY:
            k["monthly_probability"] = SHOCK_PROBABILITY[k["id"]]
    return detente.Scenario.from_dict(data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    detente.save(example(), sys.argv[1], force=True)
    print(f"wrote {sys.argv[1]}")
