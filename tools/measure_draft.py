"""Measure `detente draft` on the article behind the bundled scenario.

Prints actor and issue recall (with and without --into), the recall of the
article's comparative table (5 rows x 4 parties, each found with a quote) and
the precision of the proposed quotes, judged by the criterion stated in
detente.inputs.draft.scoring. Run from the repository root:

    PYTHONPATH=src python tools/measure_draft.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

import detente
from detente.inputs.draft import scoring

ARTICLE = Path(__file__).resolve().parents[1].parent / "shared" / "sources" / (
    "2025-11-05-donetsk-call-article.txt")
# the article's comparative table: its rows (as the bundled scenario's issues) and its four
# parties' columns (Russia, Ukraine, US, European response -> the scenario's EU)
TABLE_ROWS = ("donetsk", "tomahawks", "drones", "sequencing", "tunnel")
TABLE_COLUMNS = ("RUS", "UKR", "USA", "EU")
FICTION = Path(__file__).resolve().parents[1] / "tests" / "inputs" / "data"


def main(verbose: bool = False) -> None:
    reference = detente.load("ukraine-2025-11")
    plain = detente.draft_article(ARTICLE).review
    into = detente.draft_article(ARTICLE, into="ukraine-2025-11").review
    print(f"article: {ARTICLE.name}")
    print(f"actor recall, no --into:   {scoring.actor_recall(plain, reference)}")
    print(f"issue recall, no --into:   {scoring.issue_recall(plain, reference)}")
    print(f"actor recall, --into:      {scoring.actor_recall(into, reference)}")
    print(f"issue recall, --into:      {scoring.issue_recall(into, reference)}")
    rows = scoring.row_recall(into, scoring.expected_pairs(TABLE_COLUMNS, TABLE_ROWS))
    print(f"table rows (4 stances each, with a quote), --into: {rows}")
    full_rows = sum(all((a, i) not in {tuple(m.split('/')) for m in rows.missed}
                        for a in TABLE_COLUMNS) for i in TABLE_ROWS)
    print(f"  rows with all four stances found: {full_rows}/{len(TABLE_ROWS)}")
    precision = scoring.quote_precision(into, reference)
    print(f"quote precision, --into:   {precision}")
    stances = into.stances
    print(f"  stance proposals: {len(stances)} ({sum(s.in_scenario for s in stances)} on "
          f"stances the scenario has); unassigned statements: {len(into.unassigned)}")
    if verbose:
        for v in scoring.judge_quotes(into, reference):
            mark = "keep" if v.kept else "drop"
            print(f"  [{mark}] {v.actor}/{v.issue}: {v.quote[:90]!r} {list(v.shared)}")
    fiction = detente.load(FICTION / "fictional-selka.yaml")
    review = detente.draft_article(FICTION / "fictional-selka-water-talks.txt",
                                   into=FICTION / "fictional-selka.yaml").review
    cells = scoring.row_recall(review, scoring.expected_pairs(("VAR", "OLT", "MOR"),
                                                             ("flow", "filling", "gauge")))
    print("invented article (tests/inputs/data), --into its scenario: "
          f"actors {scoring.actor_recall(review, fiction)}, "
          f"issues {scoring.issue_recall(review, fiction)}, table cells {cells}, "
          f"quote precision {scoring.quote_precision(review, fiction)}")


if __name__ == "__main__":
    main("-v" in sys.argv)
