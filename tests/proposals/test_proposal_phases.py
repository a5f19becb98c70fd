"""A proposal's stated phases judged by the phasing rules (issue 11's)."""

from __future__ import annotations

import numpy as np
import pytest

from detente import api, deals
from detente.deals.proposal_phases import NOT_PHASED, judge_phases
from detente.scenario import Proposal, ProposalPhase


@pytest.fixture(scope="module")
def problem():
    return api.deal_problem(api.load())


def _plan(phases: list[tuple[str, ...]], package: dict | None = None) -> Proposal:
    return Proposal(id="p", proposer="UKR",
                    package=package or {"tomahawks": "conditional", "drones": "full"},
                    phases=tuple(ProposalPhase(name=f"stage {k + 1}", issues=issues)
                                 for k, issues in enumerate(phases)))


def test_stated_order_priced_as_phase_prices_it(problem):
    """Each order phase() examines, stated as a plan, gets the same guarantee."""
    options = problem.parse_deal("tomahawks=conditional,drones=full")
    rep = deals.phase(problem, "tomahawks=conditional,drones=full", top=10)
    assert rep.plans
    for plan in rep.plans:
        judged = judge_phases(problem, options, _plan(list(plan.phases)))
        assert judged is not None and judged.deliverable
        assert judged.guarantee == pytest.approx(plan.guarantee, abs=1e-12)
        assert judged.self_enforcing == plan.self_enforcing
        assert set(judged.can_defect) == {"USA", "UKR"}  # the consenting parties only
        for step in judged.steps:
            assert step.delivered_by == {i: rep.delivered_by[i] for i in step.moves}


def test_a_linked_offer_before_its_condition_is_not_deliverable(problem):
    options = problem.parse_deal("tomahawks=conditional,drones=full")
    judged = judge_phases(problem, options, _plan([("drones",), ("tomahawks",)]))
    assert judged is not None and not judged.deliverable
    first, second = judged.steps
    assert first.moves == ("drones",) and first.delivered_by == {"drones": ("UKR",)}
    assert first.linkages_broken and "drones" in first.linkages_broken[0]
    assert second.deliverable  # once the missiles come, the condition holds
    # phase() never offers this order: it is dropped as undeliverable
    rep = deals.phase(problem, "tomahawks=conditional,drones=full", top=10)
    assert (("drones",), ("tomahawks",)) not in [p.phases for p in rep.plans]


def test_defection_where_a_stage_costs_a_party(problem):
    """All at once, nobody defects; with the costly issue alone first, its giver would
    (D_a(k) − G_a > 0), matching the shortfall phase() computes for that order."""
    options = problem.parse_deal("tomahawks=conditional,drones=full")
    together = judge_phases(problem, options, _plan([("tomahawks", "drones")]))
    assert together is not None
    g = deals.phase(problem, "tomahawks=conditional,drones=full").gains
    for step in together.steps:
        for a, x in step.defects.items():
            # defecting in the only stage: keep the moves that favour a, withhold the others
            gains = np.array(list(g[a].values()))
            assert x == pytest.approx(np.maximum(gains, 0).sum() - gains.sum())


def test_unphased_moves_come_last_and_unmoved_issues_are_no_step(problem):
    plan = _plan([("drones",)], package={"tomahawks": "conditional", "drones": "full"})
    options = problem.parse_deal("tomahawks=conditional,drones=full")
    judged = judge_phases(problem, options, plan)
    assert judged is not None
    assert judged.unphased == ("tomahawks",) and judged.steps[-1].name == NOT_PHASED
    assert judged.steps[-1].moves == ("tomahawks",)


def test_bundled_london_plan_steps_in_json_cli_and_brief():
    rep = api.proposals(models=[])
    data = {p["id"]: p for p in rep.to_dict()["proposals"]}
    london = data["london-phased"]["phasing"]
    # the steps of London's plan as the scenario states them, in order
    (plan,) = [p for p in api.load().proposals if p.id == "london-phased"]
    assert [s["name"] for s in london["steps"]] == [ph.name for ph in plan.phases]
    assert all(s["delivered_by"] for s in london["steps"])
    assert set(london["can_defect"]) <= set(data["london-phased"]["actors"])
    assert data["washington-negotiated"]["phasing"] is None
    from rich.console import Console

    from detente.present.proposals import proposals_view
    console = Console(width=80, record=True)
    for part in proposals_view(rep):
        console.print(part)
    text = console.export_text()
    assert "stage 1, ceasefire and framework" in text and "delivered by" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_brief_shows_the_stated_phases():
    from detente.present.brief import render_html
    data = api.brief(models=["compromise"], simulated=(), draws=50, sensitivity_samples=2)
    html = render_html(data)
    assert "its phases as stated, under the phasing rules" in html
    assert "ceasefire and framework" in html and "would defect" in html
