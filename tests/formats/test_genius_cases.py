"""GENIUS files written for the tests, one per way detente once read GENIUS wrongly.

Each case states GENIUS's own arithmetic (10.4: ``AdditiveUtilitySpace``,
``EvaluatorDiscrete``, ``EvaluatorInteger``, ``NonlinearUtilitySpace``) by hand
and checks detente's utilities, frontier (as a set of outcomes) and ZOPA
against it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import detente
from detente import deals
from detente.errors import DetenteError, FormatError
from detente.formats.genius import read_genius_domain

SRC = Path(detente.__file__).resolve().parent


def _domain(issues: list[tuple[str, list[str] | tuple[int, int]]]) -> str:
    out = ['<negotiation_template><utility_space><objective index="0" name="t">']
    for k, (name, spec) in enumerate(issues):
        if isinstance(spec, tuple):
            out.append(f'<issue index="{k + 1}" name="{name}" type="integer" etype="integer" '
                       f'lowerbound="{spec[0]}" upperbound="{spec[1]}"/>')
        else:
            out.append(f'<issue index="{k + 1}" name="{name}" type="discrete">')
            out += [f'<item index="{j + 1}" value="{v}"/>' for j, v in enumerate(spec)]
            out.append("</issue>")
    out.append("</objective></utility_space></negotiation_template>")
    return "\n".join(out)


def _profile(issues: list[tuple[str, dict[str, str] | tuple[str, str]]], weights: list[str],
             reservation: str | None = None) -> str:
    out = ['<utility_space><objective index="0" name="t">']
    for k, ((name, spec), w) in enumerate(zip(issues, weights, strict=True)):
        if isinstance(spec, tuple):
            out.append(f'<issue index="{k + 1}" name="{name}" type="integer">'
                       f'<evaluator ftype="linear" slope="{spec[0]}" offset="{spec[1]}"/></issue>')
        else:
            out.append(f'<issue index="{k + 1}" name="{name}" type="discrete">')
            out += [f'<item index="{j + 1}" value="{v}" evaluation="{e}"/>'
                    for j, (v, e) in enumerate(spec.items())]
            out.append("</issue>")
        out.append(f'<weight index="{k + 1}" value="{w}"/>')
    out.append("</objective>")
    if reservation is not None:
        out.append(f'<reservation value="{reservation}"/>')
    out.append("</utility_space>")
    return "\n".join(out)


def _write(folder: Path, domain: str, profiles: dict[str, str]) -> Path:
    (folder / "t-domain.xml").write_text(domain)
    for name, text in profiles.items():
        (folder / f"t-{name}.xml").write_text(text)
    return folder


def _frontier(rep) -> set[tuple[str, ...]]:
    names = rep.problem.space.option_names
    return {tuple(names[i][int(o)] for i, o in enumerate(row)) for row in rep.frontier_options}


def _u(problem, actor: str, **deal: str) -> float:
    return float(problem.utilities_of(problem.parse_deal(deal)[None])[0, problem.actors.index(
        actor)])


# ---- 1. integer issues: slope·(x − lowerbound) + offset, clamped ---------------------


def test_integer_issue_counts_from_its_lower_bound(tmp_path):
    # prices 10..50, slope −0.025, offset 1 (a smart-energy domain's numbers): GENIUS gives
    # 1 at 10 and 0 at 50; as slope·x + offset it would run from 0.75 down to −0.25
    folder = _write(tmp_path, _domain([("price", (10, 50))]), {
        "buyer": _profile([("price", ("-0.025", "1"))], ["1"]),
        "seller": _profile([("price", ("0.025", "0"))], ["1"]),
    })
    p = detente.deal_problem(folder)
    assert _u(p, "buyer", price="10") == 1.0
    assert _u(p, "buyer", price="30") == 0.5
    assert _u(p, "buyer", price="50") == 0.0
    assert _u(p, "seller", price="50") == 1.0
    rep = deals.analyse(p)
    assert rep.frontier_size == 41  # fully opposed: every price is Pareto-optimal


def test_integer_evaluator_is_clamped_to_zero_one(tmp_path):
    folder = _write(tmp_path, _domain([("n", (1, 5))]), {
        "a": _profile([("n", ("0.5", "-0.5"))], ["1"]),  # −0.5, 0, .5, 1, 1.5 -> 0,0,.5,1,1
        "b": _profile([("n", ("-0.5", "1"))], ["1"]),
    })
    p = detente.deal_problem(folder)
    assert [_u(p, "a", n=str(x)) for x in range(1, 6)] == [0, 0, 0.5, 1, 1]
    assert [_u(p, "b", n=str(x)) for x in range(1, 6)] == [1, 0.5, 0, 0, 0]


def test_integer_issue_without_evaluator_is_worth_nothing(tmp_path):
    bare = ('<utility_space><objective index="0" name="t"><issue index="1" name="n" '
            'type="integer"/><weight index="1" value="1"/></objective></utility_space>')
    folder = _write(tmp_path, _domain([("n", (1, 3))]), {
        "a": bare, "b": _profile([("n", ("0.5", "0"))], ["1"])})
    p = detente.deal_problem(folder)
    assert [_u(p, "a", n=str(x)) for x in range(1, 4)] == [0, 0, 0]


# ---- 2. names with stray spaces --------------------------------------------------------


def test_names_are_trimmed_in_domain_and_profiles(tmp_path):
    founders = "BI-Tech founders get 5% + jobs"
    folder = _write(tmp_path, _domain([(" Accessory", [f"{founders} ", " none"]),
                                       ("Price", ["low", "high "])]), {
        "a": _profile([("Accessory ", {founders: "1", "none ": "0"}),
                       (" Price", {" low": "0", "high": "1"})], ["0.5", "0.5"]),
        "b": _profile([("Accessory", {f" {founders}": "0", "none": "1"}),
                       ("Price", {"low": "1", "high": "1"})], ["0.5", "0.5"]),
    })
    s = detente.load(folder / "t-domain.xml")
    assert s.issue_ids == ("Accessory", "Price")
    assert [o.name for o in s.issue("Accessory").options] == [founders, "none"]
    rep = deals.analyse(detente.deal_problem(folder))
    assert _frontier(rep) == {(founders, "high"), ("none", "high")}


def test_a_bare_ampersand_is_read_as_genius_reads_it(tmp_path):
    # not well-formed XML, but GENIUS's parser reads it and an ANAC 2015 domain (zoning plan:
    # "all to two(farmer & mun.)") has it in the domain and every profile; escaped "&amp;"
    # and character references keep their XML meaning
    split, amp = "farmer & town", "fish &amp; chips"
    folder = _write(tmp_path, _domain([("Land", [split, "town"]), ("Food", [amp, "soup&#33;"])]), {
        "a": _profile([("Land", {split: "1", "town": "0"}), ("Food", {amp: "1", "soup&#33;": "0"})],
                      ["0.5", "0.5"]),
        "b": _profile([("Land", {split: "0", "town": "1"}), ("Food", {amp: "1", "soup!": "0"})],
                      ["0.5", "0.5"]),
    })
    s = detente.load(folder / "t-domain.xml")
    assert [o.name for o in s.issue("Land").options] == ["farmer & town", "town"]
    assert [o.name for o in s.issue("Food").options] == ["fish & chips", "soup!"]
    rep = deals.analyse(detente.deal_problem(folder))
    assert _frontier(rep) == {("farmer & town", "fish & chips"), ("town", "fish & chips")}


def test_names_equal_after_trimming_are_one_name_twice(tmp_path):
    (tmp_path / "t-domain.xml").write_text(_domain([("x", ["a", "a "])]))
    with pytest.raises(FormatError, match="repeated item value"):
        read_genius_domain(tmp_path / "t-domain.xml", profiles=[])


def test_an_item_listed_twice_is_one_value(tmp_path):
    # GENIUS compares discrete values by their text, so an item written twice (the ANAC 2012
    # flight-booking domain lists "Sep4_2011" twice) is one value, not a refusal
    dom = _domain([("date", ["Sep2", "Sep4", "Sep4"]), ("price", ["low", "high"])])
    folder = _write(tmp_path, dom, {
        "a": _profile([("date", {"Sep2": "1", "Sep4": "2"}), ("price", {"low": "1", "high": "0"})],
                      ["0.5", "0.5"]),
        "b": _profile([("date", {"Sep2": "2", "Sep4": "1"}), ("price", {"low": "0", "high": "1"})],
                      ["0.5", "0.5"]),
    })
    problem = detente.deal_problem(folder)
    assert problem.space.option_names[0] == ("Sep2", "Sep4") and problem.space.size == 4
    assert len(_frontier(deals.analyse(problem))) == 4


# ---- 3. exact ties ----------------------------------------------------------------------

TIE = {  # two deals tie exactly at (22/25, 16/25); in floating point 0.88 vs 0.8800000000000001
    "a": _profile([("i1", {"x": "1", "y": "0.1"}), ("i2", {"x": "0.6", "y": "1"}),
                   ("i3", {"x": "0.7", "y": "1"})], ["0.3", "0.3", "0.4"]),
    "b": _profile([("i1", {"x": "0.7", "y": "1"}), ("i2", {"x": "1", "y": "0.2"}),
                   ("i3", {"x": "1", "y": "0.2"})], ["0.4", "0.3", "0.3"]),
}
WEAK = {  # (y, x, y) is worth (29/50, 16/25): weakly dominated by (x, y, x) at (34/50, 16/25)
    "a": _profile([("i1", {"x": "0.3", "y": "1"}), ("i2", {"x": "0.3", "y": "1"}),
                   ("i3", {"x": "0.1", "y": "1"})], ["0.2", "0.6", "0.2"]),
    "b": _profile([("i1", {"x": "1", "y": "0.5"}), ("i2", {"x": "1", "y": "0.1"}),
                   ("i3", {"x": "1", "y": "0.2"})], ["0.4", "0.4", "0.2"]),
}
BINARY = _domain([("i1", ["x", "y"]), ("i2", ["x", "y"]), ("i3", ["x", "y"])])


def _floats_alone(p) -> set[tuple[str, ...]]:
    """The frontier floating point alone would give (what detente gave before)."""
    rows = p.space.decode(np.arange(p.space.size))
    mask = deals.pareto_mask(p.utilities_of(rows))
    names = p.space.option_names
    return {tuple(names[i][o] for i, o in enumerate(r)) for r in rows[mask]}


TINY = '<reservation value="0.00000000000000000001"/></utility_space>'


@pytest.mark.parametrize("big", [False, True], ids=["float-keys", "big-keys"])
@pytest.mark.parametrize(("profiles", "expected"), [
    (TIE, {("x", "x", "x"), ("x", "x", "y"), ("x", "y", "x"), ("x", "y", "y"),
           ("y", "x", "x")}),
    (WEAK, {("x", "x", "x"), ("x", "x", "y"), ("x", "y", "x"), ("x", "y", "y"),
            ("y", "y", "y")}),
], ids=["tie", "weak"])
def test_exact_ties_kept_and_weakly_dominated_removed(tmp_path, profiles, expected, big):
    if big:  # a reservation value of 10^-20 puts the scale past 2^53: Python-int keys
        profiles = {k: v.replace("</utility_space>", TINY) for k, v in profiles.items()}
    p = detente.deal_problem(_write(tmp_path, BINARY, profiles))
    assert p.keys is not None and p.keys.big == big
    assert _floats_alone(p) != expected  # the case bites: floats get it wrong
    assert _frontier(deals.analyse(p)) == expected  # the merge on exact keys
    rows = p.space.decode(np.arange(p.space.size))
    mask = deals.pareto_mask(p.keys_of(rows))  # pareto_mask on exact keys
    names = p.space.option_names
    assert {tuple(names[i][o] for i, o in enumerate(r)) for r in rows[mask]} == expected


def test_solutions_break_exact_ties_by_total_then_order():
    # two candidates with equal Nash products (exactly), different totals
    u = np.array([[3.0, 4.0], [6.0, 2.0], [2.0, 6.0]])  # keys, scales 10 and 5
    scale = np.array([10.0, 5.0])
    d = np.zeros(2)
    # products 12, 12, 12; totals 0.3+0.8=1.1, 0.6+0.4=1.0, 0.2+1.2=1.4
    assert deals.nash(u, d, scale=scale) == 2
    assert deals.utilitarian(u, d, scale=scale) == 2
    # egalitarian: min gains 0.3, 0.4, 0.2 -> row 1
    assert deals.egalitarian(u, d, scale=scale) == 1


# ---- 4. GENIUS semantics: raw weights with a cap; acceptance at least the reservation ---


def test_weights_summing_to_more_than_one_are_raw_and_capped(tmp_path):
    folder = _write(tmp_path, _domain([("i1", ["hi", "mid", "lo"]), ("i2", ["yes", "no"])]), {
        "a": _profile([("i1", {"hi": "1", "mid": "0.9", "lo": "0"}),
                       ("i2", {"yes": "1", "no": "0"})], ["0.6", "0.5"]),
        "b": _profile([("i1", {"hi": "0", "mid": "1", "lo": "0.5"}),
                       ("i2", {"yes": "0", "no": "1"})], ["0.5", "0.5"]),
    })
    p = detente.deal_problem(folder)
    assert _u(p, "a", i1="hi", i2="yes") == 1.0  # 0.6 + 0.5 = 1.1, capped
    assert _u(p, "a", i1="mid", i2="yes") == 1.0  # 0.54 + 0.5 = 1.04, capped
    assert _u(p, "a", i1="hi", i2="no") == 0.6  # raw weight, not 0.6 / 1.1
    assert not p.additive
    # uncapped, (hi, yes) would be a's best deal (1.1) and on the frontier; capped, it ties
    # (mid, yes) for a and is worse for b: dominated
    assert _frontier(deals.analyse(p)) == {("mid", "yes"), ("mid", "no")}


def test_discrete_evaluations_are_divided_by_their_largest(tmp_path):
    folder = _write(tmp_path, _domain([("i", ["p", "q", "r"]), ("j", ["s", "t"])]), {
        "a": _profile([("i", {"p": "0.2", "q": "0.4", "r": "0"}),
                       ("j", {"s": "0.000001", "t": "0"})], ["0.5", "0.5"]),
        "b": _profile([("i", {"p": "3", "q": "6", "r": "12"}), ("j", {"s": "1", "t": "1"})],
                      ["0.5", "0.5"]),
    })
    p = detente.deal_problem(folder)
    assert _u(p, "a", i="p", j="s") == 0.25  # 0.2 / 0.4; j: largest below 0.00001 -> 0
    assert _u(p, "a", i="q", j="t") == 0.5
    assert _u(p, "b", i="q", j="s") == 0.75  # 6 / 12 · 0.5 + 0.5


ACCEPT = {  # a: (y, y, n) is worth 0.7 + 0.1 = 0.8 exactly, its reservation value
    "a": _profile([("i1", {"y": "1", "n": "0"}), ("i2", {"y": "1", "n": "0"}),
                   ("i3", {"y": "1", "n": "0"})], ["0.7", "0.1", "0.2"], reservation="0.8"),
    "b": _profile([("i1", {"y": "0", "n": "1"}), ("i2", {"y": "0", "n": "1"}),
                   ("i3", {"y": "0", "n": "1"})], ["0.3", "0.3", "0.4"], reservation="0"),
}


def test_reservation_equal_to_a_deal_is_accepted_by_default_for_genius(tmp_path):
    folder = _write(tmp_path, _domain([("i1", ["y", "n"]), ("i2", ["y", "n"]),
                                       ("i3", ["y", "n"])]), ACCEPT)
    at_least = deals.analyse(detente.deal_problem(folder))
    # a's 0.8 deal is in; so is (y, y, y), worth exactly b's reservation value 0
    assert _frontier(at_least) == {("y", "y", "n"), ("y", "n", "y"), ("y", "y", "y")}
    assert at_least.zopa.size == 3
    out = at_least.to_dict()
    assert out["acceptance"]["rule"] == "at_least" and ">=" in out["acceptance"]["text"]
    above = deals.analyse(detente.deal_problem(folder, acceptance="above"))
    assert _frontier(above) == {("y", "n", "y")}
    assert above.zopa.size == 1


def test_an_unreadable_discount_is_read_as_genius_reads_it(tmp_path):
    # GENIUS catches a discount factor it cannot parse and keeps its default 1, and replaces
    # one outside (0, 1] by 1; a real ANAC 2011 profile writes value="s". The deal tools do
    # not use the discount, so such a file is read, not refused.
    dom = _domain([("i1", ["y", "n"])])
    prof = _profile([("i1", {"y": "1", "n": "0"})], ["1"])
    folder = _write(tmp_path, dom, {
        "a": prof.replace("</objective>", '</objective><discount_factor value="s"/>'),
        "b": prof.replace("</objective>", '</objective><discount_factor value="1.5"/>'),
        "c": prof.replace("</objective>", '</objective><discount_factor value="0.25"/>')})
    domain = read_genius_domain(folder)
    assert domain.scenario.metadata["genius"]["discount"] == {"a": 1.0, "b": 1.0, "c": 0.25}
    assert {a: u.reservation for a, u in domain.spaces.actors.items()} == dict.fromkeys("abc", 0)
    # reservation 0, acceptance at least it: both deals acceptable, (y) dominates (n)
    assert _frontier(deals.analyse(detente.deal_problem(folder))) == {("y",)}


def test_acceptance_is_a_named_option_for_detente_scenarios(ukraine):
    default = deals.analyse(ukraine)
    assert default.problem.acceptance == "above"
    assert default.to_dict()["acceptance"]["rule"] == "above"
    at_least = deals.analyse(ukraine, acceptance="at_least")
    assert at_least.zopa.size >= default.zopa.size
    with pytest.raises(DetenteError, match="acceptance"):
        deals.analyse(ukraine, acceptance="maybe")


# ---- 5. nonlinear (hyper-rectangle) utility spaces -------------------------------------

NONLINEAR_A = """<utility_space type="nonlinear"><objective index="0" name="t">
<issue index="1" name="i1" type="integer" lowerbound="1" upperbound="3"/>
<issue index="2" name="i2" type="integer" lowerbound="1" upperbound="3"/>
<utility maxutility="10">
<ufun type="PlainUfun" weight="1" aggregation="sum">
  <hyperRectangle utility="6"><INCLUDES index="1" min="1" max="2"/></hyperRectangle>
  <hyperRectangle utility="6"><INCLUDES index="2" min="2" max="3"/></hyperRectangle>
  <hyperRectangle utility="2"><EXCLUDES index="1" min="3" max="3"/></hyperRectangle>
  <ufun type="PlainUfun" weight="0.5" aggregation="sum">
    <hyperRectangle utility="4"/>
  </ufun>
</ufun>
</utility>
</objective>
<reservation value="0"/>
</utility_space>"""

NONLINEAR_B = """<utility_space><objective index="0" name="t">
<issue index="1" name="i1" type="integer" lowerbound="1" upperbound="3"/>
<issue index="2" name="i2" type="integer" lowerbound="1" upperbound="3"/>
<utility maxutility="10"><ufun type="PlainUfun" aggregation="sum">
  <hyperRectangle utility="10" weight="1">
    <INCLUDES index="1" min="3" max="3"/><INCLUDES index="2" min="1" max="1"/>
  </hyperRectangle>
  <hyperRectangle utility="5"><INCLUDES index="1" min="2.0" max="3.0"/></hyperRectangle>
</ufun></utility>
</objective>
</utility_space>"""


def test_a_small_nonlinear_space(tmp_path):
    folder = _write(tmp_path, _domain([("i1", (1, 3)), ("i2", (1, 3))]),
                    {"a": NONLINEAR_A, "b": NONLINEAR_B})
    p = detente.deal_problem(folder)
    # a: (6·[i1 ≤ 2] + 6·[i2 ≥ 2] + 2·[i1 ≠ 3] + 0.5·4) / 10, capped at 1
    assert _u(p, "a", i1="1", i2="1") == 1.0
    assert _u(p, "a", i1="3", i2="1") == pytest.approx(0.2)
    assert _u(p, "a", i1="3", i2="3") == pytest.approx(0.8)
    # b: (10·[i1 = 3, i2 = 1] + 5·[i1 ≥ 2]) / 10, capped
    assert _u(p, "b", i1="3", i2="1") == 1.0
    assert _u(p, "b", i1="2", i2="3") == 0.5
    assert _u(p, "b", i1="1", i2="3") == 0.0
    rep = deals.analyse(p)
    # worked out by hand: (2, *) tie at (1, 0.5); (3, 1) at (0.2, 1); the rest dominated
    assert _frontier(rep) == {("2", "1"), ("2", "2"), ("2", "3"), ("3", "1")}
    with pytest.raises(DetenteError, match="add up over issues"):
        deals.find_logrolls(p)


def test_a_nonlinear_space_too_large_to_enumerate_is_refused_for_that_reason(tmp_path):
    rect = '<hyperRectangle utility="1"><INCLUDES index="1" min="0" max="5"/></hyperRectangle>'
    prof = (f'<utility_space><objective index="0" name="t"><utility maxutility="1">'
            f'<ufun aggregation="sum">{rect}</ufun></utility></objective></utility_space>')
    folder = _write(tmp_path, _domain([(f"i{k}", (0, 99)) for k in range(4)]),
                    {"a": prof, "b": prof})
    p = detente.deal_problem(folder)  # reading works
    with pytest.raises(DetenteError, match=r"not additive.*100,000,000 deals"):
        deals.analyse(p)


def test_min_aggregation_is_refused_with_the_reason(tmp_path):
    prof = ('<utility_space><objective index="0" name="t"><utility maxutility="1">'
            '<ufun aggregation="min"><hyperRectangle utility="1"/></ufun></utility>'
            '</objective></utility_space>')
    folder = _write(tmp_path, _domain([("i", (0, 3))]), {"a": prof, "b": prof})
    with pytest.raises(FormatError, match="'min'") as err:
        detente.deal_problem(folder)
    assert "not a sum of terms" in str(err.value)


# ---- layering ----------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_formats_do_not_import_deals_and_deals_do_not_read_metadata():
    for path in (SRC / "formats").glob("*.py"):
        assert not any(m.startswith("detente.deals") for m in _imports(path)), path
    for path in (SRC / "deals").glob("*.py"):
        assert "metadata" not in path.read_text(), path
