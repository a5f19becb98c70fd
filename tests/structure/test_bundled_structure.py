"""Issue 11 on the bundled scenario: no deal, logroll or phased step crosses a red line,
breaks a linkage or has an actor give what it cannot deliver; drones-for-Tomahawks is a
Ukraine–US trade; "no deal" is never shown as a ceasefire.

The checks here read the scenario's own fields (red lines, linkages, controlled_by,
vetoes) and recompute acceptability by brute force, independently of
``detente.deals.rules``.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import deals
from detente.cli.main import app
from detente.deals import DealProblem
from detente.deals.pareto import pareto_mask
from detente.deals.space import NO_AGREEMENT
from detente.errors import DetenteError

runner = CliRunner()


def _values(scenario, problem, options) -> dict[str, float]:
    return {i: float(problem.space.option_values[k][o])
            for k, (i, o) in enumerate(zip(problem.issues, options, strict=True))}


def _moved(scenario, problem, options) -> list[str]:
    out = []
    for k, issue in enumerate(scenario.issues):
        name = problem.space.option_names[k][options[k]]
        if issue.no_agreement is not None:
            if name != NO_AGREEMENT:
                out.append(issue.id)
        elif problem.space.option_values[k][options[k]] != issue.status_quo:
            out.append(issue.id)
    return out


def _violations(scenario, problem, options) -> list[str]:
    """Red lines crossed and linkages broken, from the scenario's fields alone."""
    values = _values(scenario, problem, options)
    moved = _moved(scenario, problem, options)
    out = []
    for st in scenario.stances:
        if st.issue not in moved:
            continue  # an unsettled issue crosses no red line
        k = problem.issues.index(st.issue)
        name = problem.space.option_names[k][options[k]]
        out += [f"{st.actor} red line on {st.issue}" for line in st.red_lines
                if line.excludes(values[st.issue], name)]
    names = {i: problem.space.option_names[k][options[k]]
             for k, i in enumerate(problem.issues)}
    out += [link.describe() for link in scenario.linkages
            if link.offer.admits(values[link.offer.issue], names[link.offer.issue])
            and not link.requires.admits(values[link.requires.issue],
                                         names[link.requires.issue])]
    return out


def _acceptable_brute(scenario, problem, options) -> bool:
    moved = _moved(scenario, problem, options)
    if not moved or _violations(scenario, problem, options):
        return False
    u = problem.utilities_of(np.asarray(options)[None])[0]
    need = {a for i in moved for a in scenario.actor_ids if scenario.issue(i).holds_veto(a)}
    for k, issue in enumerate(scenario.issues):  # an option lifting an actor's measures
        need |= set(issue.lifted_by.get(problem.space.option_names[k][options[k]], ()))
    return all(u[problem.actors.index(a)] > problem.batna[problem.actors.index(a)]
               for a in need)


@pytest.fixture(scope="module")
def problem(ukraine):
    return DealProblem.from_scenario(ukraine)


@pytest.fixture(scope="module")
def report(problem):
    return deals.analyse(problem)


def test_the_bundled_scenario_has_the_structure(ukraine):
    assert ukraine.has_structure
    ukr = ukraine.stance("UKR", "donetsk").red_lines
    assert ukr and ukr[0].excludes(75) and not ukr[0].excludes(50)
    assert "article-2025-11-05" in ukr[0].sources
    links = [(k.actor, k.offer.issue, k.requires.issue) for k in ukraine.linkages]
    assert links[0] == ("UKR", "drones", "tomahawks")
    # the others tie the territory and the framework to a ceasefire (issue 25)
    assert links[1:] and all(r == "ceasefire" and o in ("donetsk", "sequencing")
                             for _, o, r in links[1:])
    assert ukraine.issue("tomahawks").controlled_by == ("USA",)
    assert ukraine.issue("drones").controlled_by == ("UKR",)
    assert set(ukraine.issue("tunnel").vetoes) == {"USA", "RUS"}
    assert ukraine.bloc_of("EU") == ukraine.bloc_of("GBR") is not None
    # no invented European stance on the drone deal the article says Europe only observes
    assert ukraine.stance("EU", "drones") is None and ukraine.stance("GBR", "drones") is None
    assert "NATO" in ukraine.bloc_of("EU").coordinator


def test_zopa_and_frontier_match_brute_force(ukraine, problem, report):
    rows = np.array(list(itertools.product(*(range(n) for n in problem.space.sizes))))
    ok = np.array([_acceptable_brute(ukraine, problem, r) for r in rows])
    assert report.zopa.size == int(ok.sum()) > 0
    u = problem.utilities_of(rows[ok])
    front = {tuple(r) for r in rows[ok][pareto_mask(u)]}
    assert {tuple(r) for r in report.frontier_options} == front


def test_no_deal_crosses_a_red_line_or_breaks_a_linkage(ukraine, problem, report):
    shown = [report.deal(k)["options"] for k in range(report.frontier_size)]
    shown += [d["options"] for d in report.to_dict(top=50)["top"]]
    shown += [d["options"] for d in report.to_dict()["solutions"].values() if d]
    assert shown
    for labels in shown:
        options = problem.parse_deal(labels)
        assert _violations(ukraine, problem, options) == [], labels
        u = problem.utilities_of(options[None])[0]
        for i in _moved(ukraine, problem, options):  # every veto holder consents
            for a in ukraine.issue(i).vetoes:
                assert u[problem.actors.index(a)] > problem.batna[problem.actors.index(a)]


def test_old_frontier_deals_that_cross_red_lines_are_gone(ukraine, problem, report):
    """Before the structure, 6 of 12 frontier deals had Kyiv ceding part of Donetsk."""
    donetsk = {report.deal(k)["options"]["donetsk"] for k in range(report.frontier_size)}
    assert not donetsk & {"partial-withdrawal", "full-cession", "keep-all", "no-cession"}


def test_logrolls_only_trade_what_the_giver_controls(ukraine, problem):
    found = deals.logrolls(problem)
    assert found
    for r in found:
        # b gives on issue_a, a gives on issue_b
        assert ukraine.issue(r.issue_a).controls(r.b), r
        assert ukraine.issue(r.issue_b).controls(r.a), r
        options = problem.parse_deal({r.issue_a: r.option_a, r.issue_b: r.option_b})
        assert _violations(ukraine, problem, options) == []


def test_drones_for_tomahawks_is_a_ukraine_us_trade(ukraine, problem, report):
    found = deals.logrolls(problem)
    trade = found[0]
    assert (trade.a, trade.b, trade.issue_a, trade.issue_b) == ("UKR", "USA", "tomahawks",
                                                                "drones")
    assert trade.option_a == "conditional" and trade.option_b != "none"
    assert trade.net_a > 0 and trade.net_b > 0 and trade.salience_supports
    # the headline (Nash) deal is a settlement, not an arms transfer alone (issue 25): it
    # stops the fighting and so needs both warring parties' consent
    nash = report.solution("nash")
    assert nash["war"]["settlement"] and {"RUS", "UKR"} <= set(nash["consent_of"])


def test_phased_steps_are_deliverable(ukraine, problem):
    rep = deals.phase(problem, "tomahawks=conditional,drones=full", top=10)
    assert rep.n_plans == 3 and rep.n_deliverable == 2
    assert rep.delivered_by == {"tomahawks": ("USA",), "drones": ("UKR",)}
    for plan in rep.plans:
        done: set[str] = set()
        for step in plan.phases:
            done |= set(step)
            # the drones never arrive before the missiles they are conditional on
            assert "drones" not in done or "tomahawks" in done
    # only the two parties can defect; missiles first, then drones, is the best order, but
    # the drones are a price to Kyiv (its stance on them is below "full"), so Kyiv, last to
    # deliver, would gain by withholding them: the plan needs a guarantee
    best = rep.best
    assert best.phases == (("tomahawks",), ("drones",))
    assert ukraine.stance("UKR", "drones").position < 100
    assert not best.self_enforcing and best.worst_defection["UKR"] > 0
    assert set(best.worst_defection) == set(problem.actors)
    assert best.worst_defection["RUS"] == 0.0  # Russia holds no veto on either step
    with pytest.raises(DetenteError, match="UKR's red line on donetsk"):
        deals.phase(problem, "donetsk=partial-withdrawal,tomahawks=conditional")
    with pytest.raises(DetenteError, match="breaks the linkage UKR: drones above 0"):
        deals.phase(problem, "drones=full")


def test_no_deal_is_never_printed_as_a_ceasefire(ukraine):
    donetsk = ukraine.issue("donetsk")
    assert donetsk.nearest_anchor(donetsk.status_quo).label == "no agreement, fighting continues"
    # the freeze anchor shares the status quo's number: only the status quo itself (a model
    # that moved nothing) reads as no agreement; any move reads as the anchor there
    assert donetsk.band_width == 0.0
    outside = donetsk.nearest_anchor(51)
    assert outside.value == 50 and "fighting continues" not in outside.label
    assert donetsk.nearest_anchor(53) == outside
    # the Nash model in its unanimity form returns the status quo where no settlement
    # makes everyone better off: that result is no agreement, never the settlement anchor
    # (the freeze on the current line, which comes with a ceasefire)
    unanimity = ["-m", "nash", "-p", "nash.disagreement=status-quo"]
    res = runner.invoke(app, ["forecast", *unanimity, "--format", "json"])
    assert res.exit_code == 0, res.output
    point = json.loads(res.output)["forecasts"][0]["outcome"]["donetsk"]
    assert donetsk.nearest_anchor(point).label == "no agreement, fighting continues"
    res = runner.invoke(app, ["forecast", *unanimity], env={"COLUMNS": "200"})
    # the status quo column and Nash's no-deal result: no freeze, no ceasefire, anywhere
    shown = " ".join(res.output.split())
    assert "no agreement, fighting continues" in shown
    assert "no ceasefire, fighting continues" in shown
    assert outside.label not in shown and "full ceasefire along the current line" not in shown
    data = json.loads(runner.invoke(app, ["deals", "-f", "json", "--top", "50"]).stdout)
    for d in [*data["top"], *(s for s in data["solutions"].values() if s)]:
        # leaving Donetsk unsettled is labelled as such; a frozen line is a deal needing both
        if d["options"]["donetsk"] == "freeze-line":
            assert {"RUS", "UKR"} <= set(d["consent_of"])


def test_pressures_and_shocks_move_the_zopa_exactly(ukraine, problem):
    levers = {lv.pressure: lv for lv in deals.pressure_levers(problem)}
    rep = deals.analyse(ukraine, shocks=("three-villages",))
    # a shock of +3 villages: recount from the acceptance intervals
    from detente.deals.pressures import acceptance_intervals

    rows = np.array(list(itertools.product(*(range(n) for n in problem.space.sizes))))
    lo, hi = acceptance_intervals(problem, problem.pressures.index("battlefield"),
                                  problem.utilities_of(rows), rows)
    assert rep.zopa.size == int(((lo < 3) & (hi > 3)).sum())
    assert levers["battlefield"].zopa == deals.analyse(problem).zopa.size
    oil = deals.analyse(ukraine, shocks=("oil-halt-confirmed",))
    assert oil.problem.batna[0] == pytest.approx(problem.batna[0] - 0.04)
    assert oil.zopa.size == levers["oil_revenue"].zopa_at_high
    with pytest.raises(DetenteError, match="unknown shock 'nope'"):
        deals.analyse(ukraine, shocks=("nope",))


def test_one_acceptability_function_for_packages(ukraine, problem, report):
    """``deals.acceptable`` / ``deals.verdict``: the test proposals will reuse."""
    rows = np.array(list(itertools.product(*(range(n) for n in problem.space.sizes))))
    ok = deals.acceptable(problem, rows)
    assert int(ok.sum()) == report.zopa.size
    assert all(_acceptable_brute(ukraine, problem, r) == o for r, o in zip(rows, ok,
                                                                            strict=True))
    v = deals.verdict(problem, "tomahawks=conditional,drones=full")
    assert v.acceptable and set(v.consent_of) == {"UKR", "USA"}
    v = deals.verdict(problem, "donetsk=full-cession,drones=full")
    assert not v.acceptable
    reasons = " ".join(v.reasons())
    assert "UKR's red line on donetsk" in reasons and "breaks the linkage" in reasons
    assert deals.verdict(problem, {}).reasons() == ["it moves nothing from no deal"]
