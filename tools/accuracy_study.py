"""Issue 16's accuracy study on DEU I/II: every step of docs/accuracy.md, reproducibly.

Usage (from the repository root, the data beside it):

    python tools/accuracy_study.py nash          # step 1: Nash variants
    python tools/accuracy_study.py procedural    # step 3: the procedural model
    python tools/accuracy_study.py proposals     # step 2: multi-issue proposals, exchange
    python tools/accuracy_study.py correction    # step 4: learned correction, ensemble
    python tools/accuracy_study.py calibrate     # step 5: calibrated intervals
    python tools/accuracy_study.py all

Per-case forecasts of models without fitted parameters are cached under
``.cache/accuracy/`` (git-ignored), keyed by the data file's hash and the
candidate; delete the folder to recompute. Every choice is made by
proposal-grouped CV on the training part of each of the six held-out splits
of :mod:`detente.backtest.splits`; held-out proposals are scored once.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detente.backtest.deu import Case, load_cases
from detente.backtest.procedure import procedural_params, quota_for, with_council_votes
from detente.backtest.protocol import evaluate_choice, mae
from detente.backtest.splits import SPLIT_SEEDS, all_splits
from detente.models.registry import get_model

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "deu" / "deu_i_ii.tsv"
CACHE = ROOT / ".cache" / "accuracy"


class Study:
    """Cases, outcomes, splits and a cache of per-case forecasts."""

    def __init__(self, path: Path = DATA) -> None:
        self.path = path
        self.digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        self.cases: list[Case] = load_cases(path, capability="equal")
        self.y = np.array([c.outcome for c in self.cases], dtype=float)
        self.groups = np.array([c.proposal for c in self.cases])
        self.has_sq = np.array([c.reference_point is not None for c in self.cases])
        self.splits = all_splits(self.groups)
        self._votes: list[Case] | None = None

    @property
    def votes_cases(self) -> list[Case]:
        """The cases with Council-vote capabilities (institutions 1)."""
        if self._votes is None:
            self._votes = [with_council_votes(c) for c in self.cases]
        return self._votes

    def column(self, key: str, fn: Callable[[int, Case], float]) -> np.ndarray:
        """``fn(k, case)`` on every case, cached on disk under ``key``."""
        file = CACHE / f"{self.digest}-{key.replace('/', '_')}.npy"
        if file.exists():
            return np.load(file)
        out = np.full(len(self.cases), np.nan)
        for k, case in enumerate(self.cases):
            try:
                out[k] = fn(k, case)
            except Exception as exc:  # a case a model cannot run stays NaN
                if "status quo" not in str(exc):
                    print(f"  {key}: {case.issue}: {exc}", file=sys.stderr)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(file, out)
        return out

    def model(self, key: str, name: str, *, votes: bool = False, **params: object
              ) -> np.ndarray:
        model = get_model(name, **params)
        src = self.votes_cases if votes else self.cases

        def run(k: int, _case: Case) -> float:
            return float(model.forecast(src[k].scenario, seed=0).outcome[0, 0])

        return self.column(key, run)

    @property
    def compromise(self) -> np.ndarray:
        return self.model("compromise", "compromise")


def table(rows: list[list[str]], head: list[str]) -> str:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def f2(x: float) -> str:
    return "—" if x is None or np.isnan(x) else f"{x:.2f}"


def choice_report(study: Study, names: list[str], F: np.ndarray, rows: np.ndarray | None = None,
                  baseline: np.ndarray | None = None) -> list:
    base = study.compromise if baseline is None else baseline
    results = [evaluate_choice(names, F, study.y, study.groups, sp, base, rows=rows)
               for sp in study.splits]
    out = [[str(r.seed), r.chosen, f2(r.cv_mae), f2(r.cv_baseline_mae), f2(r.held_out_mae),
            f2(r.held_out_baseline_mae), f"{r.cv_issues}/{r.held_out_issues}"]
           for r in results]
    print(table(out, ["split seed", "chosen in CV", "CV MAE", "CV compromise",
                      "held-out MAE", "held-out compromise", "issues CV/held"]))
    print("fold choices: " + "; ".join(f"{r.seed}: {', '.join(r.fold_choices)}"
                                       for r in results))
    return results


def training_scores(study: Study, names: list[str], F: np.ndarray,
                    rows: np.ndarray | None = None) -> None:
    """MAE of every candidate on the primary split's training part (what design work saw)."""
    rows = study.splits[0].train if rows is None else rows & study.splits[0].train
    out = [[n, f2(mae(F[:, j], study.y, rows)), str(int((rows & ~np.isnan(F[:, j])).sum()))]
           for j, n in enumerate(names)]
    print(table(out, [f"candidate (training part of split {SPLIT_SEEDS[0]})", "MAE", "issues"]))


# ---- step 1: Nash ------------------------------------------------------------------

NASH_QUOTAS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def nash_candidates(study: Study) -> tuple[list[str], np.ndarray]:
    names, cols = [], []
    for utility in ("linear", "quadratic"):
        for dis in ("status-quo", "worst"):
            names.append(f"{utility}/{dis}")
            cols.append(study.model(f"nash-{utility}-{dis}", "nash", utility=utility,
                                    disagreement=dis))
        for q in NASH_QUOTAS:
            names.append(f"{utility}/decisive@{q:g}")
            cols.append(study.model(f"nash-{utility}-decisive-{q:g}", "nash", utility=utility,
                                    disagreement="decisive", quota=q))
    rule_q = {}
    for utility in ("linear", "quadratic"):
        def run(k: int, case: Case, utility: str = utility) -> float:
            m = get_model("nash", utility=utility, disagreement="decisive",
                          quota=quota_for(case))
            return float(m.forecast(study.votes_cases[k].scenario).outcome[0, 0])
        rule_q[utility] = study.column(f"nash-{utility}-decisive-rule", run)
        names.append(f"{utility}/decisive@rule (Council votes)")
        cols.append(rule_q[utility])
    return names, np.column_stack(cols)


def step_nash(study: Study) -> None:
    names, F = nash_candidates(study)
    print("## Step 1: Nash variants (compared on the issues with a reference point)\n")
    training_scores(study, names, F, study.has_sq)
    print()
    choice_report(study, names, F, rows=study.has_sq)
    worst = F[:, names.index("linear/worst")]
    print("\nlinear/worst on all issues (it needs no status quo):")
    choice_report(study, ["linear/worst"], worst[:, None])


# ---- step 3: procedural ------------------------------------------------------------


def procedural_candidates(study: Study) -> tuple[list[str], np.ndarray]:
    names, cols = [], []
    for style in ("setter", "compromise"):
        def run(k: int, case: Case, style: str = style) -> float:
            m = get_model("procedural", style=style, **procedural_params(case))
            return float(m.forecast(study.votes_cases[k].scenario).outcome[0, 0])
        names.append(f"procedural/{style}")
        cols.append(study.column(f"procedural-{style}", run))
    return names, np.column_stack(cols)


def step_procedural(study: Study) -> None:
    names, F = procedural_candidates(study)
    votes = study.model("compromise-votes", "compromise", votes=True)
    print("## Step 3: procedural model (issues with a reference point)\n")
    training_scores(study, [*names, "compromise (Council votes)"], np.column_stack([F, votes]),
                    study.has_sq)
    print()
    choice_report(study, names, F, rows=study.has_sq)


# ---- step 2: multi-issue proposals ---------------------------------------------------

EXCHANGE_VARIANTS = {"exchange/decide": {}, "exchange/paper": {"rule": "paper"},
                     "exchange/decide-3-rounds": {"rounds": 3}}


def proposal_columns(study: Study, name: str, **params: object) -> np.ndarray:
    """A model run on the proposal-level scenarios; per scored issue, cached."""
    file = CACHE / f"{study.digest}-proposals-{name.replace('/', '_')}.npy"
    if file.exists():
        return np.load(file)
    from detente.backtest.proposals import proposal_cases

    every = load_cases(study.path, capability="equal", scoreable_only=False)
    model = get_model(name.split("/")[0], **params)
    out = np.full(len(study.cases), np.nan)
    for pc in proposal_cases(every, study.cases):
        point = model.forecast(pc.scenario, seed=0).point
        for issue, k in pc.scored:
            out[k] = point[issue]
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(file, out)
    return out


def exchange_candidates(study: Study) -> tuple[list[str], np.ndarray]:
    names = list(EXCHANGE_VARIANTS)
    cols = [proposal_columns(study, n, **p) for n, p in EXCHANGE_VARIANTS.items()]
    return names, np.column_stack(cols)


def step_proposals(study: Study) -> None:
    from detente.backtest.proposals import proposal_cases

    every = load_cases(study.path, capability="equal", scoreable_only=False)
    pcs = proposal_cases(every, study.cases)
    sizes = np.bincount([len(pc.scenario.issues) for pc in pcs])
    print("## Step 2: proposal-level scenarios\n")
    print(f"{len(pcs)} proposals; issues per proposal scenario: "
          + ", ".join(f"{n}: {c}" for n, c in enumerate(sizes) if c) + "\n")
    names, F = exchange_candidates(study)
    same = np.isclose(F, study.compromise[:, None]).mean(axis=0)
    print("share of issues where the exchange forecast differs from compromise: "
          + ", ".join(f"{n} {100 * (1 - v):.0f}%" for n, v in zip(names, same, strict=True))
          + "\n")
    training_scores(study, [*names, "compromise"], np.column_stack([F, study.compromise]))
    print()
    choice_report(study, names, F)
    multi = np.array([c.proposal for c in study.cases])
    counts = {g: int((multi == g).sum()) for g in set(multi)}
    rows = np.array([counts[g] > 1 for g in multi])
    print("\nOnly issues of proposals with 2 or more scored issues:")
    choice_report(study, names, F, rows=rows)


STEPS = {"nash": step_nash, "proposals": step_proposals, "procedural": step_procedural}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=[*STEPS, "all"])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    study = Study(args.data)
    print(f"data: {args.data.name} (sha256 {study.digest}…), {len(study.cases)} scored issues, "
          f"{len(set(study.groups))} proposals; split seeds {', '.join(map(str, SPLIT_SEEDS))}\n")
    for name, step in STEPS.items():
        if args.step in (name, "all"):
            step(study)
            print()


if __name__ == "__main__":
    main()
