"""GENIUS XML: reading hand-written domains, round trips, errors, and negmas agreement."""

import numpy as np
import pytest

import detente
from detente.deals import DealProblem
from detente.errors import FormatError
from detente.formats.genius import read_genius, read_genius_domain
from detente.genius_export import dumps_genius, write_genius

DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" etype="objective" type="objective" description="" name="Party">
<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Food">
  <item index="1" value="Chips" cost="0"/>
  <item index="2" value="Catering" cost="0"/>
  <item index="3" value="Sushi" cost="0"/>
</issue>
<issue index="2" etype="integer" type="integer" vtype="integer" name="Guests"
       lowerbound="1" upperbound="3"/>
</objective>
</utility_space>
</negotiation_template>
"""

PROFILE = """<utility_space number_of_issues="2">
<objective index="0" etype="objective" type="objective" description="" name="Party">
<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Food">
  <item index="1" value="Chips" evaluation="{c}"/>
  <item index="2" value="Catering" evaluation="{k}"/>
  <item index="3" value="Sushi" evaluation="{s}"/>
</issue>
<weight index="1" value="{w1}"/>
<issue index="2" etype="integer" type="integer" vtype="integer" name="Guests">
  <evaluator ftype="linear" slope="{slope}" offset="{offset}"/>
</issue>
<weight index="2" value="{w2}"/>
</objective>
<reservation value="{r}"/>
<discount_factor value="0.9"/>
</utility_space>
"""


@pytest.fixture
def party(tmp_path):
    (tmp_path / "party-domain.xml").write_text(DOMAIN)
    (tmp_path / "party-prof1.xml").write_text(
        PROFILE.format(c=2, k=10, s=5, w1=0.75, w2=0.25, slope=0.5, offset=-0.5, r=0.3))
    (tmp_path / "party-prof2.xml").write_text(
        PROFILE.format(c=1, k=0.5, s=0, w1=0.4, w2=0.6, slope=-0.25, offset=0.75, r=0.2))
    return tmp_path


def test_read_hand_written_domain(party):
    s = detente.load(party / "party-domain.xml")
    assert s.name == "Party"
    assert s.actor_ids == ("prof1", "prof2")
    food = s.issue("Food")
    assert [o.name for o in food.options] == ["Chips", "Catering", "Sushi"]
    assert [o.value for o in food.options] == [0, 50, 100]
    assert [o.value for o in s.issue("Guests").options] == [1, 2, 3]
    assert s.actor("prof1").batna == 0.3
    assert s.stance("prof1", "Food").position == 50  # Catering is its best item
    assert s.stance("prof2", "Food").salience == pytest.approx(0.4)
    p = detente.deal_problem(party / "party-domain.xml")
    # prof1: evaluations 2,10,5 normalised by 10; integer slope .5 offset -.5 on x - 1
    # (GENIUS: slope·(x − lowerbound) + offset, clamped to 0..1) -> 0, 0, 0.5
    a = p.actors.index("prof1")
    np.testing.assert_allclose(p.tables[0][:, a], 0.75 * np.array([0.2, 1.0, 0.5]))
    np.testing.assert_allclose(p.tables[1][:, a], 0.25 * np.array([0.0, 0.0, 0.5]))
    b = p.actors.index("prof2")
    # prof2: evaluations 1, .5, 0 (largest 1); integer -.25·(x − 1) + .75 -> .75, .5, .25
    np.testing.assert_allclose(p.tables[0][:, b], 0.4 * np.array([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(p.tables[1][:, b], 0.6 * np.array([0.75, 0.5, 0.25]))
    assert p.acceptance == "at_least"
    assert s.metadata["genius"]["discount"]["prof1"] == 0.9
    # a profile file finds its domain beside it
    assert detente.load(party / "party-prof2.xml") == s


def _genius_shift(p: DealProblem) -> np.ndarray:
    """Per actor, what the export adds to every utility and the reservation value (0
    whenever all the actor's packages are worth 0 to 1: then utilities are kept)."""
    from detente.genius_export import genius_tables

    shift = np.array([genius_tables([t[:, a] for t in p.tables])[1]
                      for a in range(p.n_actors)])
    u = p.utilities(np.arange(p.space.size))
    inside = (u.min(axis=0) >= 0) & (u.max(axis=0) <= 1)
    assert (shift[inside] == 0).all()
    return shift


def test_round_trip_keeps_utilities(ukraine, tmp_path):
    write_genius(ukraine, tmp_path)
    back = read_genius_domain(tmp_path)
    p1 = DealProblem.from_scenario(ukraine)
    p2 = DealProblem.from_scenario(back.scenario, spaces=back.spaces)
    order = [p2.actors.index(a) for a in p1.actors]
    u1 = p1.utilities(np.arange(p1.space.size))
    u2 = p2.utilities(np.arange(p2.space.size))[:, order]
    shift = _genius_shift(p1)
    np.testing.assert_allclose(u1 + shift, u2, atol=1e-12)
    np.testing.assert_allclose(p1.batna + shift, p2.batna[order])
    # so every margin over the reservation value, and who accepts what, is kept
    np.testing.assert_allclose(u1 - p1.batna, u2 - p2.batna[order], atol=1e-12)


def test_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "x-domain.xml"
    bad.write_text("<negotiation_template>\n<utility_space>\n<objective name='a'>\n"
                   "<issue name='q' type='real'/>\n</objective></utility_space>"
                   "</negotiation_template>")
    with pytest.raises(FormatError) as err:
        detente.load(bad, format="genius")
    assert err.value.problems[0].line == 4 and "real" in str(err.value)
    broken = tmp_path / "y-domain.xml"
    broken.write_text("<negotiation_template>\n<utility_space>\n</negotiation_template>")
    with pytest.raises(FormatError) as err:
        detente.load(broken, format="genius")
    assert err.value.problems[0].line == 3


def test_entity_expansion_is_refused(tmp_path):
    bomb = tmp_path / "b-domain.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaa">'
                    '<!ENTITY b "&a;&a;&a;">]>\n<negotiation_template>&b;</negotiation_template>')
    with pytest.raises(FormatError, match="forbidden"):
        detente.load(bomb, format="genius")


def test_profile_with_unknown_issue(party):
    (party / "party-prof2.xml").write_text(PROFILE.replace('name="Food"', 'name="Drinks"').format(
        c=1, k=1, s=1, w1=0.5, w2=0.5, slope=0, offset=1, r=0))
    with pytest.raises(FormatError, match="Drinks"):
        detente.load(party / "party-domain.xml")


def test_negmas_reads_our_files_with_the_same_utilities(ukraine, tmp_path):
    negmas = pytest.importorskip("negmas")
    from negmas.inout import Scenario as NScenario

    files = dumps_genius(ukraine)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    ns = NScenario.from_genius_folder(tmp_path, ignore_discount=True)
    p = DealProblem.from_scenario(ukraine)
    shift = _genius_shift(p)
    outcomes = list(ns.outcome_space.enumerate_or_sample())
    assert len(outcomes) == p.space.size
    for uf in ns.ufuns:
        actor = uf.name.split("-")[-1].replace(".xml", "")
        a = p.actors.index(actor)
        for outcome in outcomes[::37]:
            opts = [p.space.option_names[i].index(str(v)) for i, v in enumerate(outcome)]
            assert uf(outcome) == pytest.approx(p.utilities_of(np.array(opts))[a] + shift[a],
                                                abs=1e-9)
    assert negmas is not None


GOOD = dict(c=2, k=10, s=5, w1=0.75, w2=0.25, slope=0.5, offset=-0.5, r=0.3)


@pytest.mark.parametrize(
    ("change", "line", "word"),
    [
        ({"c": "abc"}, 4, "'Chips'"),
        ({"c": "nan"}, 4, "'Chips'"),
        ({"k": "inf"}, 5, "'Catering'"),
        ({"w1": "heavy"}, 8, "weight"),
        ({"slope": "steep"}, 9, "slope"),
        ({"offset": "-inf"}, 9, "offset"),
        ({"r": "none"}, 14, "reservation"),
    ],
)
def test_bad_numbers_in_a_profile_name_file_and_line(party, change, line, word):
    bad = party / "party-prof2.xml"
    bad.write_text(PROFILE.format(**{**GOOD, **change}))
    with pytest.raises(FormatError, match=word) as err:
        detente.load(party / "party-domain.xml")
    (problem,) = err.value.problems
    assert problem.file == str(bad) and problem.line == line
    assert problem.expected == "a finite number"


@pytest.mark.parametrize("tag", ['<issue index="1"', '<weight index="1"'])
def test_a_non_integer_index_is_a_clean_error(party, tag):
    bad = party / "party-prof1.xml"
    bad.write_text(PROFILE.format(**GOOD).replace(tag, tag.replace('"1"', '"first"')))
    with pytest.raises(FormatError, match="'first'") as err:
        detente.load(party / "party-domain.xml")
    assert err.value.problems[0].file == str(bad)
    assert err.value.problems[0].expected == "an integer index"


def test_profiles_in_a_legacy_encoding_are_read(party):
    latin = PROFILE.format(**GOOD).replace('description=""', 'description="Caf\xe9"')
    (party / "party-prof1.xml").write_bytes(latin.encode("cp1252"))
    s = detente.load(party / "party-prof1.xml")
    assert s.actor_ids == ("prof1", "prof2")
    assert s.actor("prof1").batna == 0.3


def test_read_genius_of_a_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(detente.DetenteError, match="no such file"):
        read_genius(tmp_path / "nope-domain.xml")


def test_a_domain_alone_says_its_utility_spaces_are_missing(tmp_path):
    (tmp_path / "d-domain.xml").write_text(DOMAIN)
    with pytest.raises(FormatError, match="no utility space beside it") as err:
        detente.load(tmp_path / "d-domain.xml")
    assert err.value.problems[0].file == str(tmp_path / "d-domain.xml")


def test_negative_tables_are_moved_between_issues_not_written_negative(ukraine):
    """Costs of fighting a package keeps (and a guarantor's cost) make some tables of the
    bundled scenario negative; GENIUS allows no negative evaluation and no constant term,
    so the export moves constants between an actor's issues and every sum stays."""
    from detente.genius_export import genius_tables

    p = DealProblem.from_scenario(ukraine)
    assert any(t[:, a].min() < 0 for t in p.tables for a in range(p.n_actors)), \
        "the bundled scenario no longer has a negative table: test moot"
    rng = np.random.default_rng(7)
    picks = np.stack([rng.integers(0, len(o), 200) for o in p.space.option_names], axis=1)
    for a in range(p.n_actors):
        cols, shift = genius_tables([t[:, a] for t in p.tables])
        assert all(c.min() >= 0 for c in cols)
        new = sum(c[picks[:, i]] for i, c in enumerate(cols))
        old = sum(t[picks[:, i], a] for i, t in enumerate(p.tables))
        np.testing.assert_allclose(new, old + shift, atol=1e-12)
        assert 0 <= sum(float(c.min()) for c in cols) <= sum(float(c.max()) for c in cols) \
            <= 1 + 1e-12


@pytest.mark.parametrize(("cols", "shift"), [
    ([[-0.3, 0.1], [0.05, 0.2], [0.0, 0.4]], 0.25),  # worst package −0.25: lifted to 0
    ([[0.2, 0.6], [0.1, 0.5]], -0.1),  # best package 1.1: lowered to 1
    ([[-0.1, 0.3], [0.2, 0.5]], 0.0),  # the negative issue paid back by the other
])
def test_genius_tables_shift_only_what_must_move(cols, shift):
    from detente.genius_export import genius_tables

    arrays = [np.array(c) for c in cols]
    out, got = genius_tables(arrays)
    assert got == pytest.approx(shift)
    assert all(c.min() >= 0 for c in out)
    for x in np.ndindex(*(len(c) for c in arrays)):
        assert sum(c[k] for c, k in zip(out, x, strict=True)) == pytest.approx(
            sum(c[k] for c, k in zip(arrays, x, strict=True)) + shift)
    assert genius_tables([np.array([0.0, 0.8]), np.array([-0.3, 0.0])]) is None  # span 1.1


def test_costs_only_several_issues_stop_together_are_refused(ukraine):
    """Where two issues each stop the same fighting, its costs depend on both issues
    together (rectangle terms), which a GENIUS linear-additive file cannot hold."""
    from detente.scenario import Scenario

    data = ukraine.to_dict()
    (donetsk,) = [i for i in data["issues"] if i["id"] == "donetsk"]
    donetsk["stops_fighting"] = [next(iter(donetsk["options"]))]
    s = Scenario.from_dict(data)
    assert DealProblem.from_scenario(s).terms is not None
    with pytest.raises(detente.DetenteError, match="several issues together"):
        dumps_genius(s)
