"""``detente evidence backtest``: fit every candidate on years <= Y, score years > Y.

Training rows are those of years <= Y whose outcome was known by the end of Y; held-out
rows are those of years > Y. Every candidate (:mod:`detente.evidence.termination`) is
scored on the held-out rows: Brier and log scores with 95% intervals from a bootstrap that
resamples conflicts, the difference from the reference-class base rate (same replicates,
so paired), n, and a reliability table. The model shown against the base rate is the one
with the best cross-validated Brier score inside the training years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.errors import OptionError
from detente.evidence.features import Task
from detente.evidence.scoring import (
    boot_means,
    brier,
    calibration,
    interval,
    log_score,
    replicates,
)
from detente.evidence.termination import fit_all

BENCHMARK = "reference-class base rate"


@dataclass(frozen=True)
class CandidateScore:
    """One candidate's held-out scores (with intervals) and its training-years CV."""

    name: str
    description: str
    baseline: bool
    params: dict[str, Any]
    cv_brier: float
    cv_log_score: float
    n: int
    brier: float
    brier_interval: tuple[float, float]
    log_score: float
    log_score_interval: tuple[float, float]
    brier_vs_base: float
    brier_vs_base_interval: tuple[float, float]
    log_vs_base: float
    log_vs_base_interval: tuple[float, float]
    calibration: list[dict[str, Any]]
    selected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "baseline": self.baseline, "selected": self.selected, "params": self.params,
                "cv_brier": self.cv_brier, "cv_log_score": self.cv_log_score, "n": self.n,
                "brier": self.brier, "brier_interval": list(self.brier_interval),
                "log_score": self.log_score,
                "log_score_interval": list(self.log_score_interval),
                "brier_minus_base_rate": self.brier_vs_base,
                "brier_minus_base_rate_interval": list(self.brier_vs_base_interval),
                "log_score_minus_base_rate": self.log_vs_base,
                "log_score_minus_base_rate_interval": list(self.log_vs_base_interval),
                "calibration": self.calibration}


@dataclass(frozen=True)
class EvidenceBacktest:
    """The held-out scores of every candidate on one task and split."""

    task: str
    outcome: str
    unit: str
    source: str
    split_year: int
    n_train: int
    n_test: int
    test_groups: int
    test_years: tuple[int, int]
    train_rate: float
    test_rate: float
    bootstrap: int
    models: tuple[CandidateScore, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def selected(self) -> CandidateScore:
        return next(m for m in self.models if m.selected)

    @property
    def base(self) -> CandidateScore:
        return next(m for m in self.models if m.name == BENCHMARK)

    def verdict(self) -> str:
        """Whether the selected model's held-out Brier score beats the base rate's."""
        m, b = self.selected, self.base
        lo, hi = m.brier_vs_base_interval
        if hi < 0:
            return (f"{m.name} beats the {BENCHMARK}: Brier {m.brier:.4f} vs {b.brier:.4f}, "
                    f"difference {m.brier_vs_base:+.4f} [{lo:+.4f}, {hi:+.4f}]")
        if m.brier < b.brier:
            return (f"{m.name} scores better than the {BENCHMARK} (Brier {m.brier:.4f} vs "
                    f"{b.brier:.4f}) but the interval of the difference "
                    f"[{lo:+.4f}, {hi:+.4f}] includes 0: not a clear win")
        return (f"{m.name} does not beat the {BENCHMARK}: Brier {m.brier:.4f} vs "
                f"{b.brier:.4f}, difference {m.brier_vs_base:+.4f} [{lo:+.4f}, {hi:+.4f}]")

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "outcome": self.outcome, "unit": self.unit,
                "source": self.source, "split_year": self.split_year,
                "n_train": self.n_train, "n_test": self.n_test,
                "test_groups": self.test_groups, "test_years": list(self.test_years),
                "train_rate": self.train_rate, "test_rate": self.test_rate,
                "bootstrap": self.bootstrap, "benchmark": BENCHMARK,
                "selected": self.selected.name, "verdict": self.verdict(),
                "models": [m.to_dict() for m in self.models], "notes": list(self.notes)}


def run(task: Task, *, split_year: int, bootstrap: int = 1000,
        rng: np.random.Generator) -> EvidenceBacktest:
    """Fit every candidate on the training years and score the held-out years."""
    table = task.table
    train = table[(table["year"] <= split_year) & (table["known_year"] <= split_year)]
    test = table[table["year"] > split_year]
    first, last = int(table["year"].min()), int(table["year"].max())
    if len(test) == 0:
        raise OptionError(f"{{split_year}} {split_year}: no {task.unit}s after it "
                          f"({OptionError.quote(task.source)} has the years {first}–{last})")
    if train["y"].nunique() < 2 or train["group"].nunique() < 2:
        raise OptionError(f"{{split_year}} {split_year}: too few {task.unit}s up to it to "
                          f"fit ({len(train)}; {OptionError.quote(task.source)} has the years "
                          f"{first}–{last})")
    fitted = fit_all(task, train.reset_index(drop=True))
    y = test["y"].to_numpy()
    reps = replicates(test["group"].to_numpy(), bootstrap, rng)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        preds = {f.name: np.asarray(f.predict(test), dtype=float) for f in fitted}
    base_b, base_l = brier(preds[BENCHMARK], y), log_score(preds[BENCHMARK], y)
    base_b_boot, base_l_boot = boot_means(base_b, reps), boot_means(base_l, reps)
    best = min((f for f in fitted if not f.baseline), key=lambda f: f.cv_brier)
    scores = []
    for f in fitted:
        b, ls = brier(preds[f.name], y), log_score(preds[f.name], y)
        b_boot, l_boot = boot_means(b, reps), boot_means(ls, reps)
        scores.append(CandidateScore(
            f.name, f.description, f.baseline, f.params, f.cv_brier, f.cv_log_score, len(y),
            float(b.mean()), interval(b_boot), float(ls.mean()), interval(l_boot),
            float(b.mean() - base_b.mean()), interval(b_boot - base_b_boot),
            float(ls.mean() - base_l.mean()), interval(l_boot - base_l_boot),
            calibration(preds[f.name], y), selected=f is best))
    notes = (f"training: {len(train)} {task.unit}s of {first}–{split_year} whose outcome was "
             f"known by {split_year}; held out: {len(test)} of {split_year + 1}–{last}",
             "log score: mean log probability given to what happened (0 is perfect, higher "
             "is better); Brier: mean squared error of the probability (lower is better)",
             f"intervals: 95% percentile, {bootstrap} bootstrap replicates resampling whole "
             "conflicts" if task.unit == "conflict-year" else
             f"intervals: 95% percentile, {bootstrap} bootstrap replicates of disputes")
    return EvidenceBacktest(task.name, task.outcome, task.unit, task.source, split_year,
                            len(train), len(test), int(test["group"].nunique()),
                            (int(test["year"].min()), int(test["year"].max())),
                            float(train["y"].mean()), float(y.mean()), bootstrap,
                            tuple(scores), notes)
