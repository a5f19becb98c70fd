"""The held-out splits of issue 16 are fixed and grouped by proposal."""

from __future__ import annotations

import numpy as np
import pytest

from detente.backtest.splits import (
    PRIMARY_HELD_OUT,
    SPLIT_SEEDS,
    all_splits,
    grouped_folds,
    held_out_proposals,
    make_split,
)


def test_primary_split_is_the_recorded_one(data_dir):
    from detente.backtest.deu import load_cases

    groups = [c.proposal for c in load_cases(data_dir / "deu" / "deu_i_ii.tsv")]
    assert held_out_proposals(groups, SPLIT_SEEDS[0]) == PRIMARY_HELD_OUT


def test_splits_group_whole_proposals_and_differ():
    groups = np.array([f"p{k // 3}" for k in range(120)])  # 40 proposals of 3 issues
    splits = all_splits(groups)
    assert len(splits) == 6
    for sp in splits:
        assert len(sp.held_out) == 10
        for g in np.unique(groups):
            assert len(set(sp.test[groups == g])) == 1  # a proposal is never split
    assert len({sp.held_out for sp in splits}) == 6


def test_grouped_folds_balanced_and_grouped():
    groups = np.array([f"p{k % 17}" for k in range(60)])
    folds = grouped_folds(groups, 5, seed=3)
    for g in np.unique(groups):
        assert len(set(folds[groups == g])) == 1
    per_fold = [len(set(groups[folds == f])) for f in range(5)]
    assert max(per_fold) - min(per_fold) <= 1
    with pytest.raises(ValueError):
        grouped_folds(groups, 1, seed=0)
    with pytest.raises(ValueError):
        make_split(groups, 0, share=1.0)
