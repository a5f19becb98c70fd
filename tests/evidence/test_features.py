"""No leakage: a forecast's features never use its own year's outcome, intensity or later
information."""

from __future__ import annotations

import numpy as np

from detente.evidence import features, readers


def _row(task: features.Task, conflict: int, year: int):
    t = task.table
    return t[(t["group"] == conflict) & (t["year"] == year)].iloc[0]


def test_conflict_year_features_use_only_the_past(ucdp: readers.Conflicts) -> None:
    years = ucdp.years
    # an episode of at least three years
    runs = years.groupby(["conflict_id", "start_date2"])["year"].count()
    cid, start = runs[runs >= 3].index[0]
    ep = years[(years["conflict_id"] == cid) & (years["start_date2"] == start)]
    mid_year = int(ep["year"].iloc[1])
    base = features.conflict_years(ucdp)
    changed = years.copy()
    sel = (changed["conflict_id"] == cid) & (changed["year"] == mid_year)
    changed.loc[sel, "intensity"] = 3 - changed.loc[sel, "intensity"]
    changed.loc[sel, "n_supporters"] += 5
    changed.loc[sel, "ep_end"] = ~changed.loc[sel, "ep_end"]
    later = (changed["conflict_id"] == cid) & (changed["year"] > mid_year)
    changed.loc[later, "intensity"] = 3 - changed.loc[later, "intensity"]
    other = features.conflict_years(readers.Conflicts(changed, ucdp.episodes, ucdp.source,
                                                      ucdp.last_year))
    cols = [*features.NUMERIC_UCDP, *features.CATEGORICAL_UCDP]
    before, after = _row(base, cid, mid_year), _row(other, cid, mid_year)
    assert before[cols].tolist() == after[cols].tolist()  # same features...
    assert before["y"] != after["y"]  # ...though its outcome changed
    nxt = int(ep["year"].iloc[2])
    assert _row(other, cid, nxt)["prev_intensity"] != _row(base, cid, nxt)["prev_intensity"]
    first = _row(base, cid, int(ep["year"].iloc[0]))
    assert first["prev_intensity"] == 0 and first["years_active"] == 0


def test_dispute_features_ignore_what_comes_after_onset(disputes: readers.Disputes) -> None:
    base = features.dispute_onsets(disputes)
    d = disputes.disputes.copy()
    for col in ("hostlev", "fatality", "hiact", "recip", "mindur", "maxdur", "outcome"):
        d[col] = d[col].sample(frac=1, random_state=0).to_numpy()
    other = features.dispute_onsets(readers.Disputes(d, disputes.participants,
                                                     disputes.source))
    cols = list(features.NUMERIC_MID)
    assert np.array_equal(base.table[cols].to_numpy(), other.table[cols].to_numpy())
    assert set(base.table["y"]) == {0, 1}
    assert (base.table["known_year"] >= base.table["year"]).all()
    assert len(base.table) == int(disputes.disputes["settle"].isin([1, 2, 3]).sum())
