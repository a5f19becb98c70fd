"""Issue 16's accuracy study on DEU I/II: every step of docs/accuracy.md, reproducibly.

Usage (from the repository root, the data beside it):

    python tools/accuracy_study.py nash          # step 1: Nash variants
    python tools/accuracy_study.py procedural    # step 3: the procedural model
    python tools/accuracy_study.py proposals     # step 2: multi-issue proposals, exchange
    python tools/accuracy_study.py correction    # step 4: learned correction, ensemble
    python tools/accuracy_study.py calibrate     # step 5: input-uncertainty defaults (failed)
    python tools/accuracy_study.py intervals     # step 5: residual intervals [--write]
    python tools/accuracy_study.py deals         # step 2b: deal tools on whole proposals
    python tools/accuracy_study.py target        # step 6: nash variants × blends, in CV
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
from detente.backtest.protocol import evaluate_choice, gain_interval, mae
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


# ---- step 4: learned correction and stacking ---------------------------------------


def member_columns(study: Study) -> dict[str, np.ndarray]:
    """Forecasts every combination may use (no fitted parameters), per scored issue."""
    cols = {
        "compromise": study.compromise,
        "nash": study.model("nash-linear-worst", "nash", utility="linear", disagreement="worst"),
        "median": study.model("median", "median"),
        "smp": study.model("smp", "smp"),
        "exchange": proposal_columns(study, "exchange/decide"),
    }
    from detente.backtest.deu import make_case

    compromise = get_model("compromise")
    for scheme in ("council-votes", "shapley-shubik", "banzhaf"):
        def run(k: int, case: Case, scheme: str = scheme) -> float:
            sc = make_case(case.scenario, capability=scheme).scenario
            return float(compromise.forecast(sc).outcome[0, 0])

        cols[f"compromise@{scheme}"] = study.column(f"compromise-{scheme}", run)
    return cols


def pulls_and_modifiers(study: Study) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    members = member_columns(study)
    pulls = {m: v for m, v in members.items() if m != "compromise"}
    pulls["reference-point"] = np.array(
        [np.nan if c.reference_point is None else c.reference_point for c in study.cases])
    _, proc = procedural_candidates(study)
    pulls["procedural"] = proc[:, 1]
    for actor in ("com", "ep"):
        pulls[actor] = np.array([
            np.nan if (st := c.scenario.stance(actor, c.issue)) is None else st.position
            for c in study.cases])
    spread, n = [], []
    for c in study.cases:
        pos = [s.position for s in c.scenario.stances if s.salience > 0]
        spread.append(np.std(pos) if pos else 0.0)
        n.append(c.n_actors)
    modifiers = {
        "unanimity": np.array([c.voting_rule.lower().startswith("unan") for c in study.cases],
                              dtype=float),
        "spread": np.array(spread) / 100.0,
        "actors": np.array(n) / 30.0,
        "has-rp": study.has_sq.astype(float),
    }
    return pulls, modifiers


STACK_LAMBDAS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)


def stack_cv(F: np.ndarray, y: np.ndarray, groups: np.ndarray, train: np.ndarray,
             test: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convex LAD stacking (L1 pull toward column 0), λ by inner grouped CV; CV and held out."""
    from detente.backtest.ensemble_fit import fit_lad
    from detente.backtest.splits import fold_tests

    prior = np.zeros(F.shape[1])
    prior[0] = 1.0

    def cv_pred(rows: np.ndarray, lam: float, fseed: int) -> np.ndarray:
        out = np.full(len(y), np.nan)
        for te in fold_tests(rows, groups, 5, fseed):
            w = fit_lad(F[rows & ~te], y[rows & ~te], lam, prior)
            out[te] = F[te] @ w
        return out

    def choose(rows: np.ndarray) -> float:
        scores = [(mae(cv_pred(rows, lam, seed + 1), y, rows), -lam) for lam in STACK_LAMBDAS]
        return -min(scores)[1]

    cv = np.full(len(y), np.nan)
    for te in fold_tests(train, groups, 5, seed):
        lam = choose(train & ~te)
        w = fit_lad(F[train & ~te], y[train & ~te], lam, prior)
        cv[te] = F[te] @ w
    w = fit_lad(F[train], y[train], choose(train), prior)
    held = np.full(len(y), np.nan)
    held[test] = F[test] @ w
    return cv, held, w


def step_correction(study: Study) -> None:
    from detente.backtest.correction import design, evaluate_correction

    pulls, modifiers = pulls_and_modifiers(study)
    d = design(study.compromise, pulls, modifiers)
    on_nash = {k: v for k, v in pulls.items() if k != "nash"}
    on_nash["compromise"] = study.compromise
    d_nash = design(pulls["nash"], on_nash, modifiers)
    members = member_columns(study)
    names = list(members)
    F = np.column_stack([members[m] for m in names])
    print("## Step 4: learned correction (ridge on the compromise model's error) and "
          "convex stacking\n")
    print(f"correction: {len(d.names)} features ({len(pulls)} pulls × "
          f"(1 + {len(modifiers)} modifiers)); stacking members: {', '.join(names)}\n")
    rows = []
    held_all: dict[str, list] = {"correction": [], "correction on nash": [], "stacking": [],
                                 "nash": []}
    y, g, comp, nash = study.y, study.groups, study.compromise, members["nash"]
    for sp in study.splits:
        res = evaluate_correction(d, y, g, sp.train, sp.test, seed=sp.seed)
        res_n = evaluate_correction(d_nash, y, g, sp.train, sp.test, seed=sp.seed)
        s_cv, s_held, w = stack_cv(F, y, g, sp.train, sp.test, sp.seed)
        top = ", ".join(f"{names[j]} {w[j]:.2f}" for j in np.argsort(-w)[:3] if w[j] > 0.005)
        rows.append([str(sp.seed), f2(mae(comp, y, sp.train)), f2(mae(nash, y, sp.train)),
                     f2(mae(res.cv_pred, y, sp.train)), f2(mae(res_n.cv_pred, y, sp.train)),
                     f2(mae(s_cv, y, sp.train)),
                     f2(mae(comp, y, sp.test)), f2(mae(nash, y, sp.test)),
                     f2(mae(res.held_pred, y, sp.test)), f2(mae(res_n.held_pred, y, sp.test)),
                     f2(mae(s_held, y, sp.test)), f"{res.lam:g} / {res_n.lam:g}", top])
        for key, pred in (("correction", res.held_pred), ("correction on nash", res_n.held_pred),
                          ("stacking", s_held), ("nash", nash)):
            held_all[key].append((pred, sp.test))
    print(table(rows, ["split", "CV compromise", "CV nash", "CV correction",
                       "CV correction on nash", "CV stacking", "held compromise", "held nash",
                       "held correction", "held correction on nash", "held stacking",
                       "λ (corrections)", "stacking weights (top)"]))
    print("\nHeld-out gain over compromise (MAE points; 95% proposal-clustered bootstrap, "
          "1000 replicates, seed 0):\n")
    out = []
    for key, runs in held_all.items():
        cells = []
        for pred, test in runs:
            point, lo, hi = gain_interval(pred, comp, y, g, test)
            cells.append(f"{point:+.2f} [{lo:+.1f}, {hi:+.1f}]")
        gains = [gain_interval(p, comp, y, g, t, n_boot=0)[0] for p, t in runs]
        out.append([key, *cells, f"{np.mean(gains):+.2f}"])
    print(table(out, ["model", *map(str, SPLIT_SEEDS), "mean"]))


# ---- step 5: calibrated intervals ----------------------------------------------------

# A first grid (position 0..0.5, salience 0..0.3, capability 0..0.5) put the CV optimum
# on its edge (position 0, salience 0.3, capability 0.5, 80% coverage about 25%); this
# one reaches further along the two kinds that helped.
CAL_POSITION = (0.0, 0.05, 0.1)
CAL_SALIENCE = (0.0, 0.3, 0.5)
CAL_CAPABILITY = (0.0, 0.5, 1.0, 2.0, 4.0)
CAL_MODELS = ("nash", "compromise", "median")
CAL_DRAWS = 200
QUANTS = (10.0, 25.0, 75.0, 90.0)


def calibration_grid() -> list[tuple[float, float, float]]:
    return [(p, s, c) for p in CAL_POSITION for s in CAL_SALIENCE for c in CAL_CAPABILITY]


def calibration_quantiles(study: Study) -> np.ndarray:
    """``Q[G, N, M, 4]``: the 10/25/75/90% Monte Carlo quantiles per grid point, issue, model."""
    from detente.uncertainty.defaults import UncertaintyDefaults
    from detente.uncertainty.sampling import input_space

    tag = hashlib.sha256(repr(calibration_grid()).encode()).hexdigest()[:8]
    file = CACHE / f"{study.digest}-calibration-{CAL_DRAWS}-{tag}.npy"
    if file.exists():
        return np.load(file)
    grid = calibration_grid()
    models = [get_model(m) for m in CAL_MODELS]
    Q = np.full((len(grid), len(study.cases), len(models), len(QUANTS)), np.nan)
    for g, (p, s, c) in enumerate(grid):
        defaults = UncertaintyDefaults(position=p, salience=s, capability=c)
        for k, case in enumerate(study.cases):
            sc, added = defaults.apply(case.scenario)
            if added:
                arrays = input_space(sc).sample(k, 0, CAL_DRAWS, block_size=CAL_DRAWS)
            else:
                from detente.arrays import compile_scenario

                arrays = compile_scenario(sc, CAL_DRAWS)
            for j, model in enumerate(models):
                out = model.forecast(arrays, seed=0).outcome[:, 0]
                if not np.isnan(out).all():
                    Q[g, k, j] = np.nanpercentile(out, QUANTS)
        print(f"  calibration grid {g + 1}/{len(grid)}", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(file, Q)
    return Q


def coverage(Q: np.ndarray, y: np.ndarray, rows: np.ndarray) -> tuple[float, float, float, float]:
    """Share of ``y`` inside the 50% and 80% intervals, and their mean widths, on ``rows``."""
    ok = rows & ~np.isnan(Q).any(axis=-1) & ~np.isnan(y)
    q = Q[ok]
    yy = y[ok]
    in50 = (q[:, 1] <= yy) & (yy <= q[:, 2])
    in80 = (q[:, 0] <= yy) & (yy <= q[:, 3])
    return (float(in50.mean()), float(in80.mean()), float((q[:, 2] - q[:, 1]).mean()),
            float((q[:, 3] - q[:, 0]).mean()))


def calibration_loss(Q: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    c50, c80, _, _ = coverage(Q, y, rows)
    return abs(c50 - 0.5) + abs(c80 - 0.8)


def choose_defaults(Q: np.ndarray, y: np.ndarray, rows: np.ndarray, model: int = 0) -> int:
    """Grid point whose coverage (for ``model``) is nearest nominal on ``rows`` (ties: smaller)."""
    losses = [calibration_loss(Q[g, :, model], y, rows) for g in range(Q.shape[0])]
    return int(np.argmin(losses))


def step_calibrate(study: Study) -> None:
    from detente.backtest.splits import fold_tests

    Q = calibration_quantiles(study)
    grid = calibration_grid()
    y = study.y
    print("## Step 5: calibrated intervals\n")
    print(f"grid: position sd {CAL_POSITION} of the scale × salience sd {CAL_SALIENCE} × "
          f"capability sd {CAL_CAPABILITY} of the value; {CAL_DRAWS} draws per issue; "
          f"chosen for {CAL_MODELS[0]} (the default Nash form)\n")
    rows_out = []
    for sp in study.splits:
        cv_q = np.full(Q.shape[1:], np.nan)
        for te in fold_tests(sp.train, study.groups, 5, sp.seed):
            g = choose_defaults(Q, y, sp.train & ~te)
            cv_q[te] = Q[g, te]
        g = choose_defaults(Q, y, sp.train)
        for j, m in enumerate(CAL_MODELS):
            cv = coverage(cv_q[:, j], y, sp.train)
            held = coverage(Q[g, :, j], y, sp.test)
            rows_out.append([str(sp.seed), m, "/".join(f"{v:g}" for v in grid[g]),
                             f"{100 * cv[0]:.0f}% / {100 * cv[1]:.0f}%",
                             f"{100 * held[0]:.0f}% / {100 * held[1]:.0f}%",
                             f"{held[2]:.1f} / {held[3]:.1f}"])
    print(table(rows_out, ["split", "model", "chosen pos/sal/cap sd", "CV coverage 50/80",
                           "held-out coverage 50/80", "held-out width 50/80"]))
    print("\nFor comparison, residual (split-conformal) intervals: forecast ± the 50% / 80% "
          "quantile of the absolute errors on the training part, scored held out:\n")
    conf = []
    for sp in study.splits:
        for m in CAL_MODELS:
            f = {"nash": study.model("nash-linear-worst", "nash", utility="linear",
                                     disagreement="worst"),
                 "compromise": study.compromise, "median": study.model("median", "median")}[m]
            err = np.abs(f - y)
            q50, q80 = np.nanpercentile(err[sp.train], [50, 80])
            te = sp.test & ~np.isnan(f)
            conf.append([str(sp.seed), m, f"±{q50:.1f} / ±{q80:.1f}",
                         f"{100 * np.mean(err[te] <= q50):.0f}% / "
                         f"{100 * np.mean(err[te] <= q80):.0f}%"])
    print(table(conf, ["split", "model", "half-width 50/80", "held-out coverage 50/80"]))
    g_all = choose_defaults(Q, y, study.splits[0].train)
    print(f"\nshipped defaults (chosen on the training part of split {SPLIT_SEEDS[0]}): "
          f"position/salience/capability sd = {grid[g_all]}")
    best = [calibration_loss(Q[g, :, 0], y, study.splits[0].train) for g in range(len(grid))]
    top = np.argsort(best)[:5]
    print("nearest grid points on that training part (loss = |c50 − 50%| + |c80 − 80%|): "
          + "; ".join(f"{grid[g]} {best[g]:.3f}" for g in top))


# ---- step 2b: deal tools on whole proposals ------------------------------------------


def deal_columns(study: Study) -> dict[str, np.ndarray]:
    """The deal tools' package per proposal, per scored issue (cached)."""
    from detente.backtest.deal_backtest import DEAL_GRID, NASH_RESTARTS, proposal_deal_columns

    names = ("deal-nash/worst", "deal-nash/status-quo", "deal-utilitarian")
    files = {n: CACHE / f"{study.digest}-{n.replace('/', '_')}-{DEAL_GRID}-{NASH_RESTARTS}.npy"
             for n in names}
    if all(f.exists() for f in files.values()):
        return {n: np.load(f) for n, f in files.items()}
    every = load_cases(study.path, capability="equal", scoreable_only=False)
    cols = proposal_deal_columns(study.cases, every, seed=0)
    CACHE.mkdir(parents=True, exist_ok=True)
    for n, f in files.items():
        np.save(f, cols[n])
    return cols


def greedy_check(study: Study, grid: int = 21) -> str:
    """How often coordinate ascent finds the exact Nash package (enumeration; proposals of up
    to 3 issues, ``grid`` options per issue)."""
    from detente.backtest.deal_backtest import (
        best_nash_package,
        deal_problem_of,
        exhaustive_nash,
        worst_disagreement,
    )
    from detente.backtest.proposals import proposal_cases

    every = load_cases(study.path, capability="equal", scoreable_only=False)
    same = total = 0
    for pc in proposal_cases(every, study.cases):
        if len(pc.scenario.issues) > 3:
            continue
        problem = deal_problem_of(pc.scenario, grid)
        for d in (worst_disagreement(problem), problem.batna):
            exact = exhaustive_nash(problem, d)
            found = best_nash_package(problem, pc.scenario, d, np.random.default_rng(0))
            total += 1
            same += (exact is None and found is None) or (
                exact is not None and found is not None and bool((exact == found).all()))
    return f"{same} of {total}"


def step_deals(study: Study) -> None:
    cols = deal_columns(study)
    exchange = proposal_columns(study, "exchange/decide")
    y, g, comp = study.y, study.groups, study.compromise
    print("## Step 2b: deal tools on whole proposals\n")
    print("coordinate ascent = exhaustive Nash package (grid 21, proposals of ≤ 3 issues, "
          f"worst and status-quo disagreement): {greedy_check(study)}\n")
    names = list(cols)
    training_scores(study, [*names, "exchange", "compromise"],
                    np.column_stack([*cols.values(), exchange, comp]))
    print("\nwhole file (every proposal; partly the training data of every split): "
          + ", ".join(f"{n} {f2(mae(v, y))} ({int((~np.isnan(v)).sum())} issues)"
                      for n, v in {**cols, "exchange": exchange, "compromise": comp}.items())
          + "\n")
    print("Choosing among the deal tools by grouped CV (on issues where all three forecast):\n")
    choice_report(study, names, np.column_stack(list(cols.values())))
    print("\nHeld-out gain over compromise of each tool as it is (MAE points; 95% "
          "proposal-clustered bootstrap, 1000 replicates, seed 0); held-out MAE in brackets "
          "after the gain:\n")
    out = []
    for n, v in {**cols, "exchange (decide)": exchange}.items():
        cells, gains = [], []
        for sp in study.splits:
            point, lo, hi = gain_interval(v, comp, y, g, sp.test)
            cells.append(f"{point:+.2f} [{lo:+.1f}, {hi:+.1f}] ({f2(mae(v, y, sp.test))})")
            gains.append(point)
        out.append([n, *cells, f"{np.mean(gains):+.2f}"])
    print(table(out, ["tool", *map(str, SPLIT_SEEDS), "mean"]))


# ---- step 6: one more attempt at the target --------------------------------------------

TARGET_BLENDS = (0.5, 0.75, 1.0, 1.25, 1.5)
TARGET_SCHEMES = ("equal", "council-votes", "shapley-shubik", "banzhaf")


def target_candidates(study: Study) -> tuple[list[str], np.ndarray]:
    """nash (worst disagreement; linear, quadratic) under each capability scheme, blended with
    compromise at weight α (α > 1 moves away from compromise), clipped to the scale."""
    from detente.backtest.deu import make_case

    names, cols = [], []
    for utility in ("linear", "quadratic"):
        for scheme in TARGET_SCHEMES:
            if scheme == "equal":
                f = study.model(f"nash-{utility}-worst", "nash", utility=utility,
                                disagreement="worst")
            else:
                model = get_model("nash", utility=utility, disagreement="worst")

                def run(k: int, case: Case, model=model, scheme: str = scheme) -> float:
                    sc = make_case(case.scenario, capability=scheme).scenario
                    return float(model.forecast(sc).outcome[0, 0])

                f = study.column(f"nash-{utility}-worst-{scheme}", run)
            for a in TARGET_BLENDS:
                names.append(f"{utility}/{scheme}/α={a:g}")
                cols.append(np.clip(a * f + (1 - a) * study.compromise, 0, 100))
    return names, np.column_stack(cols)


def step_target(study: Study) -> None:
    names, F = target_candidates(study)
    y, g, comp = study.y, study.groups, study.compromise
    print("## Step 6: nash variant, capability scheme and blend weight chosen in CV\n")
    print(f"{len(names)} candidates: utility (linear, quadratic) × capabilities "
          f"{TARGET_SCHEMES} × α {TARGET_BLENDS} (forecast = α nash + (1 − α) compromise)\n")
    results = choice_report(study, names, F)
    cells, gains, big = [], [], 0
    for r, sp in zip(results, study.splits, strict=True):
        f = F[:, names.index(r.chosen)]
        point, lo, hi = gain_interval(f, comp, y, g, sp.test)
        cells.append(f"{point:+.2f} [{lo:+.1f}, {hi:+.1f}]")
        gains.append(point)
        big += point >= 1.5
    print("\nheld-out gain of the CV choice over compromise: " + "; ".join(
        f"{sp.seed} {c}" for sp, c in zip(study.splits, cells, strict=True))
          + f"; mean {np.mean(gains):+.2f}; ≥ 1.5 in {big} of 6")


# ---- step 5b: residual (conformal) intervals ----------------------------------------


def residual_columns(study: Study) -> dict[str, np.ndarray]:
    """The default form of every model whose intervals ship, per scored issue (cached)."""
    from detente.backtest.residual_fit import CALIBRATED_MODELS

    cols = {}
    for name, on_proposals in CALIBRATED_MODELS:
        key = "nash-linear-worst" if name == "nash" else name
        cols[name] = (proposal_columns(study, f"{name}/decide") if on_proposals
                      else study.model(key, name))
    return cols


def step_intervals(study: Study, write: bool = False) -> None:
    import json

    from detente.backtest.residual_fit import (
        CANDIDATES,
        LEVELS,
        build_calibration,
        candidate_name,
        evaluate_split,
        scales,
    )
    from detente.uncertainty.residual import RESIDUAL_FILE, issue_inputs

    cols = residual_columns(study)
    inputs = [issue_inputs(c.scenario, c.issue) for c in study.cases]
    spans = np.array([c.scenario.issue(c.issue).high - c.scenario.issue(c.issue).low
                      for c in study.cases], dtype=float)
    print("## Step 5b: residual (split-conformal) intervals\n")
    print("candidates: " + ", ".join(candidate_name(c) for c in CANDIDATES)
          + "; chosen per model and split by grouped 5-fold CV on the training part "
          "(mean interval score at 50% and 80%), calibrated on the whole training part, "
          "scored once held out\n")
    rows, summary = [], {}
    for name, f in cols.items():
        S = scales(inputs, f, spans)
        for sp in study.splits:
            r = evaluate_split(f, S, study.y, study.groups, sp)
            summary.setdefault(name, []).append(r)
            rows.append([str(sp.seed), name, r.chosen,
                         " / ".join(f"{100 * c:.0f}%" for c in r.coverage),
                         " / ".join(f"{w:.1f}" for w in r.width),
                         " / ".join(f"{100 * c:.0f}%" for c in r.span_coverage)
                         + " (" + " / ".join(f"{w:.1f}" for w in r.span_width) + ")",
                         str(r.issues)])
    levels = " / ".join(f"{100 * v:.0f}" for v in LEVELS)
    print(table(rows, ["split", "model", "chosen in CV", f"held-out coverage {levels}",
                       f"held-out mean width {levels}",
                       f"plain ± error quantile: coverage (width) {levels}",
                       "held-out issues"]))
    print("\nSummary over the six splits (held out):\n")
    out = []
    for name, rs in summary.items():
        cov = np.array([r.coverage for r in rs])
        within = (np.abs(cov - np.array(LEVELS)) <= 0.05).sum(axis=0)
        out.append([name, *(f"{100 * cov[:, i].mean():.1f}% ({100 * cov[:, i].min():.0f}–"
                            f"{100 * cov[:, i].max():.0f}%), {within[i]}/6 within 5"
                            for i in range(len(LEVELS))),
                    " / ".join(f"{np.mean([r.width[i] for r in rs]):.1f}"
                               for i in range(len(LEVELS))),
                    " / ".join(f"{100 * np.mean([r.span_coverage[i] for r in rs]):.1f}% "
                               f"({np.mean([r.span_width[i] for r in rs]):.1f})"
                               for i in range(len(LEVELS)))])
    print(table(out, ["model", "mean coverage 50% (range), splits within 5 points",
                      "mean coverage 80% (range), splits within 5 points",
                      "mean width 50 / 80", "plain ± error quantile: coverage (width) 50 / 80"]))
    data = build_calibration(study.path, cols)
    print("\nshipped (chosen by grouped CV on all scored issues): "
          + "; ".join(f"{m}: {candidate_name((c['construction'], c['floor']))}"
                      for m, c in data["models"].items()))
    if write:
        RESIDUAL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESIDUAL_FILE}")


STEPS = {"nash": step_nash, "proposals": step_proposals, "procedural": step_procedural,
         "correction": step_correction, "calibrate": step_calibrate,
         "intervals": step_intervals, "deals": step_deals, "target": step_target}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=[*STEPS, "all"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--write", action="store_true",
                        help="intervals: write src/detente/uncertainty/residual_calibration.json")
    args = parser.parse_args(argv)
    study = Study(args.data)
    print(f"data: {args.data.name} (sha256 {study.digest}…), {len(study.cases)} scored issues, "
          f"{len(set(study.groups))} proposals; split seeds {', '.join(map(str, SPLIT_SEEDS))}\n")
    for name, step in STEPS.items():
        if args.step in (name, "all"):
            if name == "intervals":
                step_intervals(study, write=args.write)
            else:
                step(study)
            print()


if __name__ == "__main__":
    main()
