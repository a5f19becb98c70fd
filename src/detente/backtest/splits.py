"""Held-out splits and cross-validation folds of backtest cases, grouped by proposal.

The protocol of ``docs/accuracy.md`` (issue 16): before any model is fitted,
tuned or chosen, six held-out sets of *proposals* are fixed here, each by its
own seed (:data:`SPLIT_SEEDS`). A split holds out ``round(share × P)`` of the
``P`` proposals (default share 25%), drawn by

    labels = sorted unique proposal ids;  order = Generator(seed).permutation(P)
    held out = { labels[order[j]] : j < round(share × P) }.

Every choice (variant, weight, penalty, uncertainty default) is then made by
proposal-grouped cross-validation on the *training* proposals of a split only;
the held-out proposals are scored once, at the end. The issues of one proposal
are never split between training and held-out parts, nor between folds (they
share negotiators, date and often a package deal).

:data:`PRIMARY_HELD_OUT` is the held-out set of the first seed on the 76
scoreable DEU I/II proposals, written down when the splits were fixed, so a
later change of the splitting code cannot silently move it (a test checks the
two agree). Design work (which variants and features to try at all) looked
only at cross-validated scores on the training part of this primary split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: the six held-out splits of issue 16 (fixed before any fitting)
SPLIT_SEEDS: tuple[int, ...] = (1601, 1602, 1603, 1604, 1605, 1606)
HELD_OUT_SHARE = 0.25
#: folds of the grouped cross-validation inside a split's training part
CV_FOLDS = 5

#: held-out proposals of split seed 1601 on the scoreable DEU I/II issues (19 of 76, 38 issues)
PRIMARY_HELD_OUT: tuple[str, ...] = (
    "d00062", "d00184", "d04156", "d04240", "d05007", "d05211", "d06272", "d06273",
    "d06304", "d07028", "d07035", "d07249", "d130443", "d160023", "d170228", "d96085",
    "d98323", "d99158", "d99217",
)


@dataclass(frozen=True)
class Split:
    """One held-out split: boolean masks over the cases, and the seed that drew it."""

    seed: int
    test: np.ndarray
    held_out: tuple[str, ...]

    @property
    def train(self) -> np.ndarray:
        return ~self.test


def held_out_proposals(groups: Sequence[str] | np.ndarray, seed: int, *,
                       share: float = HELD_OUT_SHARE) -> tuple[str, ...]:
    """The held-out proposal ids of split ``seed`` (sorted)."""
    if not 0.0 <= share < 1.0:
        raise ValueError(f"held-out share must lie in [0, 1) (got {share})")
    labels = np.unique(np.asarray(groups, dtype=str))
    n_test = round(share * len(labels))
    order = np.random.default_rng(seed).permutation(len(labels))
    return tuple(sorted(str(labels[j]) for j in order[:n_test]))


def make_split(groups: Sequence[str] | np.ndarray, seed: int, *,
               share: float = HELD_OUT_SHARE) -> Split:
    """The :class:`Split` of seed ``seed`` over cases with proposal ids ``groups``."""
    groups = np.asarray(groups, dtype=str)
    held = held_out_proposals(groups, seed, share=share)
    return Split(seed, np.isin(groups, held), held)


def all_splits(groups: Sequence[str] | np.ndarray, seeds: Sequence[int] = SPLIT_SEEDS, *,
               share: float = HELD_OUT_SHARE) -> list[Split]:
    """One :class:`Split` per seed (default: the six of :data:`SPLIT_SEEDS`)."""
    return [make_split(groups, s, share=share) for s in seeds]


def grouped_folds(groups: Sequence[str] | np.ndarray, k: int,
                  seed: int | np.random.Generator) -> np.ndarray:
    """Fold number (0..k−1) per case; every proposal's cases in one fold.

    Proposals are dealt to folds round-robin in a seeded random order, so
    fold sizes in proposals differ by at most one. ``seed`` may be a
    Generator (the ensemble fit draws several fold assignments from one).
    """
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 folds (got {k})")
    groups = np.asarray(groups, dtype=str)
    labels, inverse = np.unique(groups, return_inverse=True)
    order = np.random.default_rng(seed).permutation(len(labels))
    fold_of = np.empty(len(labels), dtype=int)
    fold_of[order] = np.arange(len(labels)) % k
    return fold_of[inverse]


def fold_tests(rows: np.ndarray, groups: Sequence[str] | np.ndarray, k: int,
               seed: int | np.random.Generator) -> list[np.ndarray]:
    """The k proposal-grouped folds of the cases in ``rows``, each as a boolean mask over
    all cases (a fold's test rows; its training rows are ``rows & ~mask``)."""
    idx = np.flatnonzero(rows)
    fold = grouped_folds(np.asarray(groups)[idx], k, seed)
    masks = []
    for f in range(k):
        test = np.zeros(len(rows), dtype=bool)
        test[idx[fold == f]] = True
        masks.append(test)
    return masks
