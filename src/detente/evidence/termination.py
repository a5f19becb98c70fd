"""Termination models fitted on earlier years and scored on later ones.

Candidates (every one is fitted and reported, never the best alone):

- ``base rate``: the training frequency of the outcome, one number for all;
- ``reference-class base rate``: the training frequency within the forecast's reference
  class (UCDP: type × incompatibility; disputes: major power among the originators ×
  bilateral or multilateral), smoothed toward the overall rate p0 with one pseudo-case:
  (k + p0) / (n + 1), so an unseen class gets p0. This is the benchmark a model must beat;
- ``class × duration`` (conflict-years only): the same within class × years active so far
  (0, 1, 2–4, 5+): the empirical hazard, as a Kaplan–Meier table would give it;
- ``logistic regression`` (scikit-learn, L2 penalty, C tuned);
- ``gradient boosting`` (scikit-learn's histogram gradient boosting, depth and learning
  rate tuned).

Tuning and the choice of the model shown against the base rate use grouped
cross-validation *inside the training years only* (folds by conflict, so the years of one
conflict are never on both sides of a fold); the held-out years are touched once, to score.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from detente.evidence.features import Task
from detente.evidence.scoring import brier, log_score

Predict = Callable[[pd.DataFrame], np.ndarray]
CV_FOLDS = 5


@dataclass(frozen=True)
class Fitted:
    """A fitted candidate: its predictor, the chosen settings, its CV scores."""

    name: str
    description: str
    baseline: bool
    predict: Predict
    params: dict[str, Any]
    cv_brier: float
    cv_log_score: float


def _rate_fit(classes: tuple[str, ...]) -> Callable[[pd.DataFrame], Predict]:
    def fit(train: pd.DataFrame) -> Predict:
        p0 = float(train["y"].mean())
        if not classes:
            return lambda frame: np.full(len(frame), p0)
        grouped = train.groupby(list(classes))["y"].agg(["sum", "count"])
        rates = ((grouped["sum"] + p0) / (grouped["count"] + 1)).to_dict()

        def predict(frame: pd.DataFrame) -> np.ndarray:
            keys = (frame[list(classes)].itertuples(index=False, name=None))
            return np.array([rates.get(k if len(classes) > 1 else k[0], p0) for k in keys])
        return predict
    return fit


def _with_duration(frame: pd.DataFrame) -> pd.DataFrame:
    bucket = pd.cut(frame["years_active"], [-1, 0, 1, 4, np.inf],
                    labels=["0", "1", "2-4", "5+"]).astype(str)
    return frame.assign(duration_bucket=bucket)


def _design(task: Task) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts: list[tuple[str, Any, list[str]]] = [("num", StandardScaler(), list(task.numeric))]
    if task.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), list(task.categorical)))
    return ColumnTransformer(parts)


def _sk_fit(task: Task, make: Callable[..., Any]) -> Callable[..., Callable[[pd.DataFrame],
                                                                            Predict]]:
    def with_params(**params: Any) -> Callable[[pd.DataFrame], Predict]:
        def fit(train: pd.DataFrame) -> Predict:
            from sklearn.pipeline import make_pipeline

            y = train["y"].to_numpy()
            if y.min() == y.max():  # one class only: a constant
                p0 = float(y.mean())
                return lambda frame: np.full(len(frame), p0)
            model = make_pipeline(_design(task), make(**params))
            model.fit(train, y)
            return lambda frame: model.predict_proba(frame)[:, 1]
        return fit
    return with_params


def _logistic(**params: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, **params)


def _boosting(**params: Any) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=100, min_samples_leaf=20,
                                          l2_regularization=1.0, early_stopping=False,
                                          random_state=0, **params)


def _cv(fit: Callable[[pd.DataFrame], Predict], train: pd.DataFrame,
        folds: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """Grouped cross-validated Brier and log scores (pooled over the folds' forecasts)."""
    p = np.empty(len(train))
    for fit_idx, score_idx in folds:
        p[score_idx] = fit(train.iloc[fit_idx])(train.iloc[score_idx])
    y = train["y"].to_numpy()
    return float(brier(p, y).mean()), float(log_score(p, y).mean())


def candidates(task: Task) -> list[tuple[str, str, bool, dict[str, list[Any]],
                                         Callable[..., Callable[[pd.DataFrame], Predict]]]]:
    """Every candidate: name, description, baseline?, its tuning grid, a factory."""
    out: list[tuple[str, str, bool, dict[str, list[Any]],
                    Callable[..., Callable[[pd.DataFrame], Predict]]]] = [
        ("base rate", "training frequency of the outcome", True, {},
         lambda: _rate_fit(())),
        ("reference-class base rate", "training frequency within the reference class ("
         + " × ".join(task.reference_class) + "), smoothed toward the overall rate", True, {},
         lambda: _rate_fit(task.reference_class)),
    ]
    if "years_active" in task.numeric:
        def hazard() -> Callable[[pd.DataFrame], Predict]:
            inner = _rate_fit((*task.reference_class, "duration_bucket"))

            def fit(train: pd.DataFrame) -> Predict:
                predict = inner(_with_duration(train))
                return lambda frame: predict(_with_duration(frame))
            return fit
        out.append(("class × duration", "frequency within reference class × years active "
                    "so far (0, 1, 2–4, 5+): the empirical hazard", True, {}, hazard))
    out.append(("logistic regression", "L2-penalised logistic regression on the features "
                "(standardised; categories one-hot)", False, {"C": [0.01, 0.1, 1.0, 10.0]},
                _sk_fit(task, _logistic)))
    out.append(("gradient boosting", "histogram gradient boosting, 100 trees, leaves of "
                "at least 20", False, {"max_depth": [2, 3], "learning_rate": [0.05, 0.1]},
                _sk_fit(task, _boosting)))
    return out


def fit_all(task: Task, train: pd.DataFrame) -> list[Fitted]:
    """Tune (grid, grouped CV by Brier score) and fit every candidate on ``train``.

    Native thread pools (OpenMP, BLAS) are held to one thread: on these small tables
    threads only contend, and on a loaded 2-core machine a fit took 40 times longer with
    them (measured: gradient boosting 93 s with, 2 s without, at load 20)."""
    import sklearn.ensemble
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _fit_all(task, train)


def _fit_all(task: Task, train: pd.DataFrame) -> list[Fitted]:
    from sklearn.model_selection import GroupKFold

    n_groups = train["group"].nunique()
    k = max(2, min(CV_FOLDS, n_groups))
    folds = list(GroupKFold(n_splits=k).split(train, groups=train["group"]))
    fitted = []
    for name, desc, baseline, grid, factory in candidates(task):
        best: tuple[float, float, dict[str, Any]] | None = None
        keys = list(grid)
        for values in itertools.product(*(grid[key] for key in keys)):
            params = dict(zip(keys, values, strict=True))
            b, ls = _cv(factory(**params), train, folds)
            if best is None or b < best[0]:
                best = (b, ls, params)
        assert best is not None
        fitted.append(Fitted(name, desc, baseline, factory(**best[2])(train), best[2],
                             best[0], best[1]))
    return fitted
