"""Hand-computed 2- and 3-party cases for every bargaining solution."""

import numpy as np
import pytest

from detente.deals import solutions as sol

U2 = np.array([[1.0, 0.05], [0.8, 0.55], [0.5, 0.8], [0.3, 0.3], [0.05, 1.0], [0.62, 0.62]])
D2 = np.array([0.1, 0.1])


def test_two_party_by_hand():
    # gains of the rational rows 1, 2, 3, 5: (.7,.45) (.4,.7) (.2,.2) (.52,.52)
    assert sol.nash(U2, D2) == 1  # products .315 .28 .04 .2704
    # weights (.25,.75): .25 ln .7 + .75 ln .45 = -.688 < .25 ln .4 + .75 ln .7 = -.497
    assert sol.asymmetric_nash(U2, D2, np.array([1.0, 3.0])) == 2
    # ideal over rational rows (.8,.8): min ratios .643 .571 .286 .743
    assert sol.kalai_smorodinsky(U2, D2) == 5
    assert sol.egalitarian(U2, D2) == 5  # min gains .45 .4 .2 .52
    assert sol.utilitarian(U2, D2) == 1  # row 0 has the largest sum but is not rational


def test_equal_capability_asymmetric_is_symmetric():
    assert sol.asymmetric_nash(U2, D2, np.ones(2)) == sol.nash(U2, D2)


U3 = np.array([[0.6, 0.6, 0.6], [0.9, 0.5, 0.4], [0.3, 0.9, 0.8], [0.7, 0.7, 0.2]])
D3 = np.full(3, 0.2)


def test_three_party_by_hand():
    # gains (.4,.4,.4) (.7,.3,.2) (.1,.7,.6); row 3 gives actor 2 nothing: not rational
    assert sol.nash(U3, D3) == 0  # .064 .042 .042
    assert sol.egalitarian(U3, D3) == 0
    assert sol.utilitarian(U3, D3) == 2  # 1.8 1.8 2.0
    assert sol.kalai_smorodinsky(U3, D3) == 0  # ideal (.9,.9,.8): min ratios .571 .333 .143
    # capability (0,1,1): .5 ln .7 + .5 ln .6 = -.434 beats ln .4 = -.916
    assert sol.asymmetric_nash(U3, D3, np.array([0.0, 1.0, 1.0])) == 2


def test_no_zone_of_agreement_gives_none():
    for name, fn in [("nash", sol.nash), ("egal", sol.egalitarian), ("util", sol.utilitarian),
                     ("ks", sol.kalai_smorodinsky)]:
        assert fn(U3, np.ones(3)) is None, name
    assert sol.asymmetric_nash(U3, np.ones(3), np.ones(3)) is None


def test_ks_equal_rule_minimises_spread():
    u = np.array([[0.9, 0.5], [0.6, 0.6], [0.5, 0.9]])
    d = np.zeros(2)
    assert sol.kalai_smorodinsky(u, d, rule="equal") == 1
    assert sol.kalai_smorodinsky(u, d, ideal=np.array([1.0, 1.0]), rule="equal") == 1


@pytest.mark.parametrize("name", sol.SOLUTIONS)
def test_all_solutions_named(name):
    out = sol.all_solutions(U3, D3, np.ones(3))
    assert name in out
