"""Proposal-level DEU scenarios hold every issue of a proposal."""

from __future__ import annotations

import numpy as np

from detente.backtest.deu import load_cases
from detente.backtest.proposals import proposal_cases


def test_proposal_scenarios_group_issues_and_keep_their_numbers(data_dir):
    path = data_dir / "deu" / "deu_i_ii.tsv"
    every = load_cases(path, scoreable_only=False)
    scored = load_cases(path)[:40]
    pcs = proposal_cases(every, scored)
    assert [pc.proposal for pc in pcs] == list(dict.fromkeys(c.proposal for c in scored))
    seen = sorted(k for pc in pcs for _, k in pc.scored)
    assert seen == list(range(40))  # every scored issue exactly once
    multi = next(pc for pc in pcs if len(pc.scenario.issues) >= 3)
    by_issue = {c.issue: c for c in every}
    for issue in multi.scenario.issues:
        single = by_issue[issue.id].scenario
        assert issue.status_quo == single.issues[0].status_quo
        for st in single.stances:
            both = multi.scenario.stance(st.actor, issue.id)
            assert (both.position, both.salience) == (st.position, st.salience)
    # the compromise model is per issue: the same numbers either way
    from detente.models.registry import get_model

    model = get_model("compromise")
    point = model.forecast(multi.scenario).point
    for issue, k in multi.scored:
        want = model.forecast(scored[k].scenario).outcome[0, 0]
        assert np.isclose(point[issue], want)
