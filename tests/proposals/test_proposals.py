"""Proposals: schema, check errors, judgement, draws, amendments, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.deals import DealProblem, acceptable
from detente.deals.amendments import amend
from detente.deals.proposals import acceptance_probabilities, compile_proposal
from detente.deals.space import NO_AGREEMENT
from detente.errors import ScenarioError
from detente.formats import read


def _base() -> dict:
    return {
        "name": "toy",
        "actors": [{"id": "A"}, {"id": "B"}],
        "issues": [{"id": "x", "status_quo": 50, "options": {"lo": 0, "mid": 50, "hi": 100}},
                   {"id": "y", "status_quo": 0, "options": {"none": 0, "some": 50, "all": 100}}],
        "stances": [{"actor": "A", "issue": "x", "position": 100, "salience": 1.0},
                    {"actor": "B", "issue": "x", "position": 0, "salience": 0.5},
                    {"actor": "B", "issue": "y", "position": 100, "salience": 0.5},
                    {"actor": "A", "issue": "y", "position": 0, "salience": 0.2}],
    }


def test_no_proposals_keeps_hash_and_round_trips():
    sc = api.load()
    assert sc.proposals
    bare = sc.replace(proposals=())
    assert "proposals" not in bare.to_dict()
    data = _base()
    from detente.scenario import Scenario
    plain = Scenario.from_dict(data)
    with_p = Scenario.from_dict({**data, "proposals": [
        {"id": "p", "proposer": "A", "package": {"x": "hi"}}]})
    assert plain.hash != with_p.hash
    assert Scenario.from_dict(with_p.to_dict()) == with_p


def test_bundled_hash_without_proposals_is_main_hash():
    # the bundled scenario minus its proposals is the scenario before this feature
    sc = api.load()
    assert sc.replace(proposals=()).to_dict() == {k: v for k, v in sc.to_dict().items()
                                                  if k != "proposals"}


@pytest.mark.parametrize("proposal, field, found", [
    ({"id": "p", "proposer": "Z", "package": {"x": "hi"}}, ("proposer",), "unknown actor"),
    ({"id": "p", "proposer": "A", "package": {"q": "hi"}}, ("package", "q"), "unknown issue"),
    ({"id": "p", "proposer": "A", "package": {"x": "max"}}, ("package", "x"), "unknown option"),
    ({"id": "p", "proposer": "A", "package": {"x": 150}}, ("package", "x"), "outside"),
    ({"id": "p", "proposer": "A", "package": {"x": "hi"}, "open": ["x"]}, ("open", 0), "both"),
    ({"id": "p", "proposer": "A", "package": {"x": "hi"},
      "phases": [{"name": "one", "issues": ["y"]}]}, ("phases", 0, "issues", 0), "not in"),
])
def test_check_names_file_line_field(tmp_path, proposal, field, found):
    import yaml
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**_base(), "proposals": [proposal]}, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        read(path)
    problems = err.value.problems
    assert len(problems) == 1
    p = problems[0]
    assert p.path == ("proposals", 0) + field
    assert found in p.found
    assert p.file == str(path) and p.line is not None


def test_judgement_matches_acceptability_and_utilities():
    sc = api.load()
    problem = api.deal_problem(sc)
    rep = api.proposals(sc, models=[])
    for e in rep.entries:
        opts = e.judgement.compiled.options
        assert e.judgement.verdict.acceptable == bool(acceptable(problem, opts[None])[0])
        np.testing.assert_allclose(e.judgement.utility, problem.utilities_of(opts[None])[0])
    ids = {e.judgement.compiled.proposal.id: e for e in rep.entries}
    # Moscow's demand crosses Kyiv's red line on Donetsk; Kyiv's plan crosses Moscow's
    assert any("UKR's red line" in r for r in ids["moscow-demand"].judgement.verdict.red_lines)
    assert any("RUS's red line" in r for r in ids["kyiv-ceasefire"].judgement.verdict.red_lines)


def test_amendment_is_acceptable_and_minimal():
    sc = api.load()
    problem = api.deal_problem(sc)
    for p in sc.proposals:
        c = compile_proposal(problem, sc, p)
        if acceptable(problem, c.options[None])[0]:
            continue
        k = problem.actors.index(p.proposer)
        a = amend(problem, c.options, k)
        assert a is not None
        assert acceptable(problem, a.options[None])[0]
        assert problem.utilities_of(a.options[None])[0, k] > problem.batna[k]
        # brute force: no acceptable package changes fewer issues
        y = problem.space.decode(np.arange(problem.space.size))
        u = problem.utilities_of(y)
        ok = acceptable(problem, y) & (u[:, k] > problem.batna[k])
        fewest = (y[ok] != c.options).sum(axis=1).min()
        assert len(a.changed) == fewest
        n = amend(problem, c.options, k, rule="nash")
        assert n is not None and acceptable(problem, n.options[None])[0]


def test_draw_probabilities_agree_with_point_without_uncertainty():
    from detente.scenario import Scenario
    sc = Scenario.from_dict({**_base(), "proposals": [
        {"id": "p", "proposer": "A", "package": {"x": "hi", "y": "some"}},
        {"id": "q", "proposer": "B", "package": {"x": 0}}]})
    problem = DealProblem.from_scenario(sc)
    packages = np.stack([compile_proposal(problem, sc, p).options for p in sc.proposals])
    p, agreed = acceptance_probabilities(problem, sc, packages, draws=50)
    u = problem.utilities_of(packages)
    np.testing.assert_array_equal(p, (u > problem.batna).astype(float))
    np.testing.assert_array_equal(agreed, acceptable(problem, packages).astype(float))


def test_draws_vary_with_uncertainty_and_seed_is_reproducible():
    a = api.proposals(draws=500, seed=3, models=[]).to_dict()
    b = api.proposals(draws=500, seed=3, models=[]).to_dict()
    assert a == b
    probs = [v["p_accept"] for p in a["proposals"] for v in p["actors"].values()]
    assert any(0 < x < 1 for x in probs)


def test_cli_table_and_json():
    runner = CliRunner()
    res = runner.invoke(app, ["proposals", "--draws", "200"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "moscow-demand" in res.output and "Common ground" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    # a plan's details wrap under their own text, never at the left edge (issue 31,
    # fresh-clone pass: "sequencing=territory-first, sanctions open" began a line)
    lines = res.stdout.splitlines()
    start = next(k for k, ln in enumerate(lines) if ln.startswith("moscow-demand — "))
    block = lines[start + 1:lines.index("", start)]
    heading_end = next(k for k, ln in enumerate(block) if ln.startswith("  package: "))
    assert all(ln.startswith("  ") for ln in block[heading_end:]), block
    assert any(ln.startswith("    ") for ln in block[heading_end:])  # one wrapped, indented
    res = runner.invoke(app, ["proposals", "-f", "json"])
    data = json.loads(res.output)
    # every plan the scenario states (the EU's roadmap is Europe's position, not a plan:
    # issue 25)
    assert {p["id"] for p in data["proposals"]} == {p.id for p in api.load().proposals}
    assert "eu-roadmap" not in {p["id"] for p in data["proposals"]}



def test_cli_without_proposals_says_so(tmp_path):
    import yaml
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(_base()))
    res = CliRunner().invoke(app, ["proposals", str(path)])
    assert res.exit_code == 1 and "has no proposals" in res.output
    assert "Traceback" not in res.output


def test_acceptance_grid_figure_escapes_and_shapes():
    from detente.present.figures import acceptance_grid
    rep = api.proposals(models=[], draws=100)
    fig = acceptance_grid(rep)
    heat = fig.data[0]
    assert len(heat.y) == len(rep.entries) and len(heat.x) == len(rep.actors)
    assert all(0 <= v <= 1 for row in heat.z for v in row)
    point = acceptance_grid(api.proposals(models=[]))
    margins = {e.judgement.compiled.proposal.id: e.judgement.margins for e in rep.entries}
    first = point.data[0].y[0]
    np.testing.assert_allclose(point.data[0].z[0], margins[first])


def test_brief_shows_the_plans_with_escaped_titles():
    from detente.present.brief import render_html
    sc = api.load()
    first = sc.proposals[0].model_copy(update={"title": "<b>plan</b> & co"})
    sc = sc.replace(proposals=(first, *sc.proposals[1:]))
    data = api.brief(sc, models=["compromise"], simulated=(), draws=50,
                     sensitivity_samples=2)
    html = render_html(data)
    assert "The plans on the table" in html and "fig-plans" in html
    assert "&lt;b&gt;plan&lt;/b&gt; &amp; co" in html and "<b>plan</b>" not in html


def test_schema_accepts_the_bundled_proposals_and_csv_errors_name_the_line(tmp_path):
    import jsonschema
    import yaml

    from detente.formats import scenario_csv
    from detente.scenarios import bundled_path
    raw = json.loads(json.dumps(yaml.safe_load(bundled_path("ukraine-2025-11").read_text()),
                                default=str))  # dates as the strings a JSON file holds
    jsonschema.validate(raw, api.scenario_schema())
    bad = {**raw, "proposals": [{"id": "p", "proposer": "RUS", "package": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, api.scenario_schema())
    text = scenario_csv.dumps(api.load())
    row = next(k for k, line in enumerate(text.splitlines(), start=1)
               if line.startswith("kyiv-ceasefire,donetsk,"))
    text = text.replace("kyiv-ceasefire,donetsk,no-cession", "kyiv-ceasefire,donetsk,half")
    with pytest.raises(ScenarioError) as err:
        scenario_csv.loads(text, file="plans.csv")
    [p] = err.value.problems
    assert p.line == row and p.path[-2:] == ("package", "donetsk")
    assert "unknown option 'half'" in p.found


def test_unknown_amendment_rule_is_a_clear_error():
    from detente.errors import DetenteError
    with pytest.raises(DetenteError, match="amendment rule"):
        api.proposals(amend_rule="biggest", models=[])


def _with_point_plans(red_line: bool = False) -> dict:
    data = _base()
    if red_line:  # B will not accept x above 90: the option 100 crosses it, the point 80 not
        data["stances"][1] = {**data["stances"][1], "red_line": {"above": 90}}
    return {**data, "proposals": [
        {"id": "between", "proposer": "B", "package": {"x": 80, "y": "some"}},
        {"id": "named", "proposer": "A", "package": {"x": "hi"}}]}


def test_point_between_options_is_judged_at_its_own_value():
    from detente.deals.proposal_report import evaluate_proposals
    from detente.scenario import Scenario
    sc = Scenario.from_dict(_with_point_plans(red_line=True))
    problem = DealProblem.from_scenario(sc)
    rep = evaluate_proposals(problem, sc, amendments=False)
    data = {p["id"]: p for p in rep.to_dict()["proposals"]}
    p = data["between"]
    assert p["between_options"] == ["x"] and p["snapped"] == []
    assert p["package"]["x"] == "80"
    # u_a = Σ_i w_ai (1 − |x_i − p_ai| / span): A at (100, 0) with saliences (1, .2),
    # B at (0, 100) with saliences (.5, .5); the plan puts x at 80 and y at 50
    want_a = (1.0 * (1 - 20 / 100) + 0.2 * (1 - 50 / 100)) / 1.2
    want_b = (0.5 * (1 - 80 / 100) + 0.5 * (1 - 50 / 100)) / 1.0
    assert p["actors"]["A"]["utility"] == pytest.approx(want_a)
    assert p["actors"]["B"]["utility"] == pytest.approx(want_b)
    # judged at 80, B's red line (nothing above 90) is not crossed; at the nearest
    # option, 100, it would be (as the plan at hi shows)
    assert p["red_lines"] == [] and data["named"]["red_lines"]
    # the no-deal values and the other plan's numbers do not move with the added point
    np.testing.assert_allclose(rep.entries[0].judgement.batna, problem.batna)
    plain = evaluate_proposals(problem, sc.replace(proposals=sc.proposals[1:]),
                               amendments=False).to_dict()["proposals"][0]
    assert plain["actors"] == data["named"]["actors"]


def test_point_draws_keep_the_no_deal_values():
    from detente.deals.proposal_report import evaluate_proposals
    from detente.scenario import Scenario
    data = _with_point_plans()
    data["stances"][0] = {**data["stances"][0], "uncertainty": {"position": [80, 100]}}
    sc = Scenario.from_dict(data)
    problem = DealProblem.from_scenario(sc)
    both = evaluate_proposals(problem, sc, draws=300, seed=1, amendments=False)
    alone = evaluate_proposals(problem, sc.replace(proposals=sc.proposals[1:]), draws=300,
                               seed=1, amendments=False)
    named = next(e for e in both.entries if e.judgement.compiled.proposal.id == "named")
    np.testing.assert_array_equal(named.judgement.p_accept,
                                  alone.entries[0].judgement.p_accept)


def test_point_the_space_cannot_hold_is_said():
    from detente.deals.proposal_report import evaluate_proposals
    from detente.present.proposals import proposals_view
    from detente.scenario import Scenario
    sc = Scenario.from_dict(_with_point_plans())
    tables = {"A": {"x": {"lo": 0.0, "mid": 0.9, "hi": 1.0}}}  # stated per option
    problem = DealProblem.from_scenario(sc, tables=tables)
    rep = evaluate_proposals(problem, sc, amendments=False)
    p = next(p for p in rep.to_dict()["proposals"] if p["id"] == "between")
    assert p["between_options"] == []
    assert p["snapped"] == [{"issue": "x", "point": 80.0, "option": "hi",
                             "why": p["snapped"][0]["why"]}]
    assert "cannot hold" in p["snapped"][0]["why"]
    from rich.console import Console
    console = Console(width=80, record=True)
    for part in proposals_view(rep):
        console.print(part)
    assert "judged at option hi" in console.export_text()


def test_p_agreed_is_the_robust_deals_survival():
    """The proposals' draws (all plans and draws at once) are the robust deals' draws
    (one problem per draw): P(agreed) of a package is its survival probability."""
    from detente.deals.robust import survival
    sc = api.load()
    problem = api.deal_problem(sc)
    y = problem.space.decode(np.arange(problem.space.size))
    d = problem.issues.index("donetsk")
    packages = np.concatenate([
        np.stack([compile_proposal(problem, sc, p).options for p in sc.proposals]),
        # and some packages that are sometimes agreed: ones leaving Donetsk unsettled, as
        # a Donetsk settlement at Moscow's stated floor (50, drawn 50-100) survives no draw
        y[acceptable(problem, y) & (y[:, d] == problem.space.option_index(
            "donetsk", NO_AGREEMENT))][:12]])
    _, agreed = acceptance_probabilities(problem, sc, packages, draws=200, seed=4)
    want = survival(problem, sc, packages, draws=200, seed=4).probability
    np.testing.assert_allclose(agreed, want, atol=1e-12)
    assert agreed.max() > 0 and agreed.min() < 1
