"""hpcsim.optimize: the deterministic differential evolution behind the knee job's transport
fit (Storn & Price 1997)."""

import numpy as np
import pytest

from hpcsim.optimize import Evolution


def _run(evo, f, generations):
    pop = evo.initial()
    s = np.array([f(x) for x in pop])
    for g in range(1, generations + 1):
        t = evo.trials(pop, g, s)
        pop, s = evo.select(pop, s, t, np.array([f(x) for x in t]))
    return pop, s


@pytest.mark.parametrize("strategy", ["rand1", "current_to_best1"])
def test_finds_the_minimum_of_a_shifted_quadratic(strategy):
    centre = np.array([0.3, -1.2, 2.0])
    evo = Evolution([(-3, 3)] * 3, pop_size=12, seed=7, strategy=strategy)
    pop, s = _run(evo, lambda x: float(np.sum((x - centre) ** 2)), 80)
    assert s.min() < 1e-6
    assert np.allclose(pop[np.argmin(s)], centre, atol=1e-3)


@pytest.mark.parametrize("strategy", ["rand1", "current_to_best1"])
def test_rosenbrock_valley(strategy):
    f = lambda x: float(100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2)  # noqa: E731
    pop, s = _run(Evolution([(-2, 2), (-1, 3)], pop_size=15, seed=1, strategy=strategy), f, 150)
    assert s.min() < 1e-4 and np.allclose(pop[np.argmin(s)], [1, 1], atol=0.02)


def test_current_to_best_converges_faster_on_a_6d_quadratic():
    """The reason the knee job uses it: on a smooth 6-parameter bowl with 18 points per
    generation, 20 generations of current_to_best1 get much closer than rand1."""
    c = np.linspace(-0.5, 0.5, 6)
    f = lambda x: float(np.sum(((x - c) * np.arange(1, 7)) ** 2))  # noqa: E731
    best = {st: _run(Evolution([(-2, 2)] * 6, 18, 3, strategy=st), f, 20)[1].min()
            for st in ("rand1", "current_to_best1")}
    assert best["current_to_best1"] < 0.1 * best["rand1"]


def test_deterministic_and_inside_bounds():
    b = [(0.0, 1.0), (10.0, 20.0)]
    e1, e2 = Evolution(b, 6, seed=3), Evolution(b, 6, seed=3)
    p = e1.initial()
    assert np.array_equal(p, e2.initial())
    assert np.array_equal(e1.trials(p, 4), e2.trials(p, 4))
    assert not np.array_equal(e1.trials(p, 4), e1.trials(p, 5))
    assert not np.array_equal(p, Evolution(b, 6, seed=4).initial())
    # Latin hypercube: one point in each of the P strata of every coordinate
    for j, (lo, hi) in enumerate(b):
        assert sorted(np.floor((p[:, j] - lo) / (hi - lo) * 6).astype(int)) == list(range(6))
    for g in range(1, 30):
        t = e1.trials(p, g)
        assert np.all(t >= [0, 10]) and np.all(t <= [1, 20])


def test_selection_keeps_the_better_or_equal():
    pop, trials = np.zeros((4, 1)), np.ones((4, 1))
    new, s = Evolution.select(pop, [1, 1, 1, 1], trials, [0, 2, 1, np.inf])
    assert new[:, 0].tolist() == [1, 0, 1, 0] and s.tolist() == [0, 1, 1, 1]


def test_bad_bounds():
    with pytest.raises(ValueError, match="lo < hi"):
        Evolution([(1, 0)], 5, 0)
    with pytest.raises(ValueError, match="at least 4"):
        Evolution([(0, 1)], 3, 0)
    with pytest.raises(ValueError, match="unknown strategy"):
        Evolution([(0, 1)], 5, 0, strategy="best2")
    with pytest.raises(ValueError, match="scores"):
        Evolution([(0, 1)], 5, 0, strategy="current_to_best1").trials(np.zeros((5, 1)), 1)
