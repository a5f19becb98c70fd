"""SMP against KTAB's own turn-by-turn output (``shared/data/ktab/reference``)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extras import extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics
from detente.models.smp.challenges import challenges, own_challenges
from detente.models.smp.turn import Turn, assess


def reference(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """KTAB's positions and ideals as ``[turn, actor, dim]`` (0..100)."""
    rows = list(csv.DictReader(path.open()))
    actors: list[str] = []
    for r in rows:
        if r["actor"] not in actors:
            actors.append(r["actor"])
    turns = 1 + max(int(r["turn"]) for r in rows)
    dims = 1 + max(int(r["dim"]) for r in rows)
    pos = np.full((turns, len(actors), dims), np.nan)
    ideal = np.full_like(pos, np.nan)
    for r in rows:
        t, a, k = int(r["turn"]), actors.index(r["actor"]), int(r["dim"])
        pos[t, a, k] = float(r["position"])
        ideal[t, a, k] = float(r["ideal"])
    assert not np.isnan(pos).any()
    return actors, pos, ideal


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy"])
def test_every_position_every_turn_matches_ktab(data_dir: Path, name: str) -> None:
    scenario = read(data_dir / "ktab" / f"{name}.csv")
    ref = data_dir / "ktab" / "reference" / f"{name}.positions.csv"
    actors, ref_pos, ref_ideal = reference(ref)
    forecast = SpatialModelOfPolitics().bind(extras_of(scenario)).forecast(scenario)
    assert list(forecast.actors) == actors
    pos = forecast.trajectory.position[0]
    assert pos.shape == ref_pos.shape  # the same number of turns
    # KTAB prints two decimals on 0..100: agree to that precision, every actor, dim, turn
    np.testing.assert_allclose(pos, ref_pos, atol=0.005 + 1e-9, rtol=0)
    ideal = np.array(forecast.details.ideal)
    np.testing.assert_allclose(ideal, ref_ideal, atol=0.005 + 1e-9, rtol=0)


def test_xml_run_matches_ktab_while_its_draws_are_reproducible(data_dir: Path) -> None:
    """smpExample_fixed.xml: KTAB ran it with the file's own parameters (PropCbc,
    MarkovIncentive, Stochastic) and seed. With KTAB's generator and its loops as
    written (no schedule), turns 0-3 agree position for position and ideal for ideal
    (accommodation matrix included); from turn 4 KTAB's threads filled the queues and
    drew in other orders (see the next tests and docs/models/smp.md)."""
    scenario = read(data_dir / "ktab" / "smpExample_fixed.xml")
    _, ref_pos, ref_ideal = reference(
        data_dir / "ktab" / "reference" / "smpExample_fixed.positions.csv")
    settings = extras_of(scenario).ktab
    assert settings is not None and settings.seed is not None
    forecast = SpatialModelOfPolitics.from_ktab(settings, prng="ktab").forecast(scenario)
    assert forecast.details.parameters["pce_model"] == "MarkovIncentive"
    assert forecast.details.parameters["voting_rule"] == "PropCbc"
    pos = forecast.trajectory.position[0]
    ideal = np.array(forecast.details.ideal)
    np.testing.assert_allclose(pos[:4], ref_pos[:4], atol=0.005 + 1e-9, rtol=0)
    np.testing.assert_allclose(ideal[:4], ref_ideal[:4], atol=0.005 + 1e-9, rtol=0)
    # with the defaults instead of the file's parameters, turn 1 already differs
    default = (SpatialModelOfPolitics(scenario_parameters=False).bind(extras_of(scenario))
               .forecast(scenario))
    assert np.abs(default.trajectory.position[0, 1] - ref_pos[1]).max() > 1.0


# KTAB's smpExample_fixed.xml run, turn by turn: the order in which the five actors drew their
# number (KTAB resolves the queues in threads behind a mutex) and the order in which the threads
# filled the queues (each actor named twice: its status quo, then its bargain; see
# docs/models/smp.md). Found by searching every schedule KTAB's threads can produce; the run uses
# exactly 5 draws per turn, in actor order except turns 5 and 17 (two neighbours swapped).
_ACTOR_ORDER = (0, 1, 2, 3, 4)
_KTAB_XML_SCHEDULE = [
    (_ACTOR_ORDER, "0123401234"), (_ACTOR_ORDER, "0123401234"), (_ACTOR_ORDER, "0123401234"),
    (_ACTOR_ORDER, "0023411234"), ((1, 0, 2, 3, 4), "0123401234"), (_ACTOR_ORDER, "0123401234"),
    (_ACTOR_ORDER, "0143401232"), (_ACTOR_ORDER, "0133401224"), (_ACTOR_ORDER, "0023411234"),
    (_ACTOR_ORDER, "0133404212"), (_ACTOR_ORDER, "0123301244"), (_ACTOR_ORDER, "0023411234"),
    (_ACTOR_ORDER, "0123401234"), (_ACTOR_ORDER, "0023411234"), (_ACTOR_ORDER, "0123301244"),
    (_ACTOR_ORDER, "0123401234"), ((0, 1, 3, 2, 4), "0123401234"), (_ACTOR_ORDER, "0123401234"),
    (_ACTOR_ORDER, "0113203244"),
]


def test_whole_xml_run_matches_ktab_with_its_thread_schedule(data_dir: Path) -> None:
    """With KTAB's generator, 5 draws per turn, and the recorded thread schedule, every
    position and ideal of all 19 turns equals KTAB's, and the run stops after 19 turns."""
    scenario = read(data_dir / "ktab" / "smpExample_fixed.xml")
    _, ref_pos, ref_ideal = reference(
        data_dir / "ktab" / "reference" / "smpExample_fixed.positions.csv")
    model = SpatialModelOfPolitics(prng="ktab", ktab_schedule=_KTAB_XML_SCHEDULE)
    forecast = model.bind(extras_of(scenario)).forecast(scenario)
    pos = forecast.trajectory.position[0]
    assert pos.shape == ref_pos.shape == (20, 5, 3)  # turns 0..19
    assert forecast.details.turns == [19]
    np.testing.assert_allclose(pos, ref_pos, atol=0.005 + 1e-9, rtol=0)
    np.testing.assert_allclose(np.array(forecast.details.ideal), ref_ideal,
                               atol=0.005 + 1e-9, rtol=0)


def test_actor_order_cannot_give_ktabs_turn_5(data_dir: Path) -> None:
    """Why KTAB's draws are not handed out in actor order: at turn 5 Alice's queue is her
    status quo (always first: her thread queues it before computing its challenge) and her
    own bargain with Bob; in actor order she gets draw #20 of the stream, 0.0375, inside her
    status quo's share, and stays put, but KTAB moved her to the bargain. With Bob drawing
    before Alice (the recorded schedule), she gets 0.922 and takes it, as KTAB did."""
    from detente.models.smp import KtabPRNG

    scenario = read(data_dir / "ktab" / "smpExample_fixed.xml")
    _, ref_pos, _ = reference(
        data_dir / "ktab" / "reference" / "smpExample_fixed.positions.csv")
    gen = KtabPRNG(int(extras_of(scenario).ktab.seed))  # type: ignore[union-attr]
    draws = [gen.uniform() for _ in range(25)]
    assert abs(draws[20] - 0.0375) < 5e-5 and abs(draws[21] - 0.9220) < 5e-5
    # the recorded schedule for turns 1-4, then KTAB's loops as written (actor order)
    in_order = SpatialModelOfPolitics(prng="ktab", ktab_schedule=_KTAB_XML_SCHEDULE[:4])
    f = in_order.bind(extras_of(scenario)).forecast(scenario)
    pos = f.trajectory.position[0]
    np.testing.assert_allclose(pos[:5], ref_pos[:5], atol=0.005 + 1e-9, rtol=0)
    alice = f.details.rounds[4][0]
    assert alice.actor == "Alice" and alice.bargain is None  # kept her position
    np.testing.assert_allclose(pos[5, 0], ref_pos[4, 0], atol=1e-9)
    assert np.abs(ref_pos[5, 0] - ref_pos[4, 0]).max() > 1.0  # KTAB's Alice moved
    full = SpatialModelOfPolitics(prng="ktab", ktab_schedule=_KTAB_XML_SCHEDULE[:5])
    g = full.bind(extras_of(scenario)).forecast(scenario)
    assert g.details.rounds[4][0].bargain == "Alice:Bob"
    np.testing.assert_allclose(g.trajectory.position[0, 5], ref_pos[5], atol=0.005 + 1e-9, rtol=0)


def test_schedule_is_checked() -> None:
    with pytest.raises(DetenteError, match="ktab_schedule turn 1"):
        SpatialModelOfPolitics(ktab_schedule=[((0, 1, 2), "0121")])
    with pytest.raises(DetenteError, match="ktab_schedule"):
        SpatialModelOfPolitics(ktab_schedule="0123401234")


def test_fast_challenges_equal_the_general_formula() -> None:
    """The O(n³) arrangement gives the numbers of KTAB's per-(h, k, i, j) formula."""
    rng = np.random.default_rng(7)
    n, k = 11, 3
    pos = rng.uniform(size=(n, k))
    ideal = np.clip(pos + rng.normal(0, 0.1, size=(n, k)), 0, 1)
    sal = rng.uniform(0.05, 0.3, size=(n, k))
    cap = rng.uniform(10, 200, size=n)
    for rule in ("Prop", "PropCbc", "ASymProsp"):
        model = SpatialModelOfPolitics(voting_rule=rule)
        st = Turn(pos=pos, ideal=ideal)
        assess(model, st, sal, cap)
        ii = np.arange(n)
        p_fast, du_fast = own_challenges(model, st, sal, cap, ii)
        i = np.repeat(ii, n)
        j = np.tile(ii, n)
        p_gen, du_gen = challenges(model, st, sal, cap, i, i, i, j)
        off = i != j
        np.testing.assert_allclose(p_fast.ravel()[off], p_gen[off], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(du_fast.ravel()[off], du_gen[off], rtol=1e-12, atol=1e-14)
